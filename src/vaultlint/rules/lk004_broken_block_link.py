"""LK004 broken-block-link: ``#^id`` matches no block id of the target note.

**What it does**: looks for ``^id`` in the target note (case-insensitive) where
Obsidian recognises block ids: at the end of a paragraph, list
item, heading or table cell, after whitespace or directly after another element
(``![[img.png]]^fig``), or alone on the line after a block.  ``word^id`` and ids
with ``_`` are not ids.  When files tie for the link (LK005), an id that
any of them has is accepted.

**Why it matters**: the link opens the note at the top and an embed of the
block shows an error.

**Example**::

    [[Meeting notes#^decisoin-1]]

**How to fix**: correct the id, or add ``^id`` at the end of the block you mean.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator

from ..anchors import has_block_id
from ..context import LintContext
from ..model import Note, Severity, Violation
from ._subpaths import in_some_candidate, subpath_targets, where
from .base import Rule, Scope


def check(note: Note, ctx: LintContext) -> Iterator[Violation]:
    for found in subpath_targets(note, ctx, "block"):
        block_id = found.subpath.segments[0][1:]
        if in_some_candidate(found, note, ctx, functools.partial(has_block_id, block_id=block_id)):
            continue
        ids = sorted({b.id for b in found.note.block_ids if not b.in_comment})
        close = difflib.get_close_matches(block_id, ids, n=1, cutoff=0.6)
        hint = f'did you mean "^{close[0]}"?' if close else None
        yield Violation(
            found.link.span, f'no block "^{block_id}" in {where(found, note)}', hint, in_comment=found.link.in_comment
        )


RULE = Rule(
    "LK004",
    "broken-block-link",
    Severity.ERROR,
    "#^id does not match a block id of the target note",
    __doc__,
    Scope.NOTE,
    check,
)
