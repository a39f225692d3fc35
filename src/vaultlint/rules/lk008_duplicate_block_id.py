"""LK008 duplicate-block-id: the same ``^id`` twice in one note.

**What it does**: reports each block id after the first with the same
(case-insensitive) name in a note.  Ids inside ``%%`` comments are not counted.

**Why it matters**: Obsidian keeps only one of them, so ``[[Note#^id]]`` may land
on the wrong block.

**Example**::

    First point ^key
    Second point ^key

**How to fix**: rename one of the ids and update the links to it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Severity, Violation
from .base import Rule, Scope


def check(note: Note, ctx: object) -> Iterator[Violation]:
    first: dict[str, int] = {}
    for block in note.block_ids:
        if block.in_comment or not block.at_block_end:
            continue
        key = block.id.lower()
        if key in first:
            yield Violation(block.span, f'duplicate block id "^{block.id}" (first on line {first[key]})')
        else:
            first[key] = block.span.line


RULE = Rule("LK008", "duplicate-block-id", Severity.WARNING, "the same ^id twice in a note", __doc__, Scope.NOTE, check)
