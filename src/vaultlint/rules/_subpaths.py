"""Shared by LK003 and LK004: the note a heading or block link points into."""

from __future__ import annotations

from collections.abc import Iterator

from ..anchors import Subpath, classify_subpath
from ..context import LintContext
from ..model import Link, Note


def subpath_targets(note: Note, ctx: LintContext, kind: str) -> Iterator[tuple[Link, Subpath, Note]]:
    """Links with a subpath of ``kind`` whose file resolves to a Markdown note that could be read.

    Obsidian never checks a subpath on a non-Markdown target (OBSIDIAN.md §1.3),
    and a link whose file is missing is LK001/LK002 only (§2.2).
    """
    for link in note.links:
        if not link.subpath:
            continue
        subpath = classify_subpath(link.subpath)
        if subpath.kind != kind:
            continue
        target = ctx.resolve(link, note.path).target
        if target is None or not target.lower().endswith(".md"):
            continue
        target_note = note if target == note.path else ctx.note(target)
        if target_note is not None:
            yield link, subpath, target_note
