"""Shared by LK003, LK004 and LK009: what a heading, block or page part of a link points into.

When candidates tie (OBSIDIAN.md D3 amended), the app opens the one created
first, which a checkout does not record: vaultlint picks the alphabetically
first, but accepts a heading, block id or page that *any* tied candidate has.
One that none has is reported, naming every candidate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from ..anchors import Subpath, classify_subpath
from ..context import LintContext
from ..model import Link, Note

T = TypeVar("T")


@dataclass(frozen=True)
class SubpathTarget:
    """A link with a heading or block part, and the note (or notes, on a tie) it may reach."""

    link: Link
    subpath: Subpath
    #: The note vaultlint picks (the alphabetically first of tied candidates).
    note: Note
    #: Vault paths of the candidates that tie with ``note`` (LK005).
    tied: tuple[str, ...]


def subpath_targets(note: Note, ctx: LintContext, kind: str) -> Iterator[SubpathTarget]:
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
        resolution = ctx.resolve(link, note.path)
        target = resolution.target
        if target is None or not target.lower().endswith(".md"):
            continue
        target_note = note if target == note.path else ctx.note(target)
        if target_note is not None:
            yield SubpathTarget(link, subpath, target_note, resolution.tied)


def notes_read(note: Note, ctx: LintContext) -> Iterator[str]:
    """The other notes :func:`subpath_targets` and :func:`in_some_candidate` may read to check
    ``note``: the Markdown files its links with a subpath reach, tied candidates included.

    A check that needs a note still being parsed stops and runs again from the start once it
    is parsed; a scheduler that knows these waits for them first instead (more than needed is
    only a later check, never another answer).
    """
    for link in note.links:
        if not link.subpath:
            continue
        resolution = ctx.resolve(link, note.path)
        if resolution.target is None:
            continue
        for target in (resolution.target, *resolution.tied):
            if target != note.path and target.lower().endswith(".md"):
                yield target


def in_some_candidate(found: SubpathTarget, source: Note, ctx: LintContext, has: Callable[[Note], bool]) -> bool:
    """Whether the picked note or a candidate tied with it ``has`` what the link names.

    The tied notes are parsed only when the picked one lacks it.
    """

    def load(path: str) -> Note | None:
        if path == found.note.path:
            return found.note
        return source if path == source.path else ctx.note(path)

    return some_candidate_has((found.note.path, *found.tied), load, has)


def some_candidate_has(paths: Iterable[str], look: Callable[[str], T | None], has: Callable[[T], bool]) -> bool:
    """Whether ``has`` holds for one of ``paths``, looked at in order and only as far as needed.

    A candidate that cannot be looked at (``look`` gives ``None``: unreadable, a
    damaged PDF) counts as having it: nothing is reported that cannot be shown.
    """
    for path in paths:
        value = look(path)
        if value is None or has(value):
            return True
    return False


def where(found: SubpathTarget, source: Note) -> str:
    """How a message names the note(s) looked in: ``this note``, or every candidate of a tie."""
    if not found.tied and found.note is source:
        return "this note"
    return " or ".join(f'"{path}"' for path in (found.note.path, *found.tied))
