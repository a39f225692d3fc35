"""Diagnostics for the editor: our model's Diagnostic as an LSP Diagnostic, and which to send.

Pull (``textDocument/diagnostic``, ``workspace/diagnostic``) when the client offers it, push
(``textDocument/publishDiagnostics``) otherwise, never both (what ``ruff server`` and
``rumdl server`` do).  In workspace mode the whole vault's diagnostics are reported, up to a
cap on how many, so that a vault with a hundred thousand findings does not drown the editor;
open notes are always reported in full.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lsprotocol import types

from ..model import Diagnostic, Severity
from ..ruledocs import RULE_PAGE_URL
from .positions import lines_of, to_range

SOURCE = "vaultlint"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
#: Rules whose finding is text that does nothing (editors grey it out).
_UNNECESSARY = frozenset({"VL002"})


def to_lsp(diagnostic: Diagnostic, lines: Sequence[str], encoding: str) -> types.Diagnostic:
    """One diagnostic for the editor; ``lines`` are the lines of the text that was checked."""
    message = diagnostic.message if diagnostic.hint is None else f"{diagnostic.message}\n{diagnostic.hint}"
    return types.Diagnostic(
        range=to_range(diagnostic.span, lines, encoding),
        severity=_SEVERITY[diagnostic.severity],
        code=diagnostic.code,
        code_description=types.CodeDescription(href=RULE_PAGE_URL.format(code=diagnostic.code)),
        source=SOURCE,
        message=message,
        tags=[types.DiagnosticTag.Unnecessary] if diagnostic.code in _UNNECESSARY else None,
        # What a code action needs to find this diagnostic again among the note's current ones.
        data={"name": diagnostic.name, "fixable": diagnostic.fix is not None},
    )


def for_note(found: Iterable[Diagnostic], text: str | None, encoding: str) -> list[types.Diagnostic]:
    lines = lines_of(text or "")
    return [to_lsp(diagnostic, lines, encoding) for diagnostic in found]


def result_id(items: Sequence[types.Diagnostic]) -> str:
    """A digest of a report, so a client that asks again for the same result gets "unchanged"."""
    encoded = json.dumps([(d.range.start.line, d.range.start.character, d.code, d.message) for d in items])
    return hashlib.blake2b(encoded.encode(), digest_size=12).hexdigest()


@dataclass
class WorkspaceBudget:
    """Which notes workspace mode reports, within a cap on the number of diagnostics.

    Notes already reported keep their place (their count is updated); a note not yet reported
    gets in only while the total stays under the cap.  A note whose diagnostics are gone is
    reported once more, empty, so the editor clears it.
    """

    cap: int
    reported: dict[str, int] = field(default_factory=dict)
    total: int = 0

    def admit(self, path: str, count: int, always: bool = False) -> bool:
        """Whether to report ``path`` with ``count`` diagnostics now (and book it)."""
        before = self.reported.pop(path, None)
        if before is not None:
            self.total -= before
        if count == 0:
            return before is not None or always
        if always or before is not None or self.total + count <= self.cap:
            self.reported[path] = count
            self.total += count
            return True
        return False
