"""OR001 orphan-note: no other note links to this note.

**What it does**: collects every reference in the vault (wikilinks, Markdown
links, embeds, property links, links inside ``%%`` comments, and canvas ``file``
nodes and text-card links) and reports the notes nothing refers to.  Off by
default; select it with ``--extend-select OR001``.

**Why it matters**: in a linked knowledge base an orphan is a note you will not
find again by browsing.

**Example**: ``Ideas/Old draft.md``, linked from nowhere.

**How to fix**: link it from a related note or an index, or archive it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Severity, Span, Violation
from ._vault import VaultView
from .base import Rule, Scope


def check(view: VaultView, ctx: object) -> Iterator[tuple[str, Violation]]:
    referenced = view.references()
    for path in view.scope:
        if path not in referenced:
            yield path, Violation(Span(1, 1, 1, 1), "no note links to this note")


RULE = Rule(
    "OR001",
    "orphan-note",
    Severity.WARNING,
    "no note links to it",
    __doc__,
    Scope.VAULT,
    check,
    enabled_by_default=False,
)
