"""OR003 empty-note: a note with nothing but whitespace or frontmatter.

**What it does**: reports notes whose body, after the frontmatter, is empty.  Off
by default; select it with ``--extend-select OR003``.

**Why it matters**: empty notes are often created by clicking an unresolved
link by accident; they make links look resolved while leading nowhere.

**Example**: ``Meeting 2023-05-02.md`` holding only ``---\\ndate: 2023-05-02\\n---``.

**How to fix**: write the note, or delete it and let the links stay unresolved.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Severity, Span, Violation
from .base import Rule, Scope


def check(note: Note, ctx: object) -> Iterator[Violation]:
    if note.body_is_empty:
        yield Violation(Span(1, 1, 1, 1), "the note is empty")


RULE = Rule(
    "OR003",
    "empty-note",
    Severity.WARNING,
    "nothing but whitespace or frontmatter",
    __doc__,
    Scope.NOTE,
    check,
    enabled_by_default=False,
)
