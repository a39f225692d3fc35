"""What a rule is.  Each rule module defines one :class:`Rule` named ``RULE``.

Rules are pure: a note rule sees one parsed :class:`~vaultlint.model.Note` and
the read-only :class:`~vaultlint.context.LintContext`; a vault rule sees every
note at once.  Rules never read configuration or suppression comments: the
engine decides centrally what is selected, at which severity, and what is
suppressed.  The rule's module docstring (what it does / why it matters /
example / how to fix) is its documentation for ``vaultlint rule CODE``, SARIF
help text and its page in ``docs/rules/``, all rendered by
:mod:`vaultlint.ruledocs`: write it for users, in plain words about Obsidian's
behaviour, and run ``python -m vaultlint.ruledocs docs/rules`` after changing it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..model import Severity, Violation

if TYPE_CHECKING:  # pragma: no cover
    from ..context import LintContext
    from ..model import Note


class Scope(enum.Enum):
    NOTE = "note"  # check(note, ctx) for every note in scope
    VAULT = "vault"  # check(notes, ctx) once, over every note in the vault
    FILE = "file"  # reported by the engine while reading files (VL001)
    URL = "url"  # reported by the external URL checker stage
    SUPPRESSION = "suppression"  # reported by the suppression stage (VL002, VL003)


NoteCheck = Callable[["Note", "LintContext"], Iterable[Violation]]
VaultCheck = Callable[[Any, "LintContext"], Iterable[tuple[str, Violation]]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    doc: str
    scope: Scope
    check: Callable[..., Iterable[Any]] | None = None
    enabled_by_default: bool = True
    #: True when the rule can offer a fix that ``--fix`` applies.
    fixable: bool = False

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")
