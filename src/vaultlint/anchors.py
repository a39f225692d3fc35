"""Heading and block subpaths: Obsidian's ``resolveSubpath`` (OBSIDIAN.md §4, §5)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .model import Heading, Note

_STRIPPED = re.compile(r"[!\"#$%&()*+,.:;<=>?@^`{|}~/\[\]\\\r\n]")
_SPACES = re.compile(r"\s+")
_TRAILING_BLOCK_ID = re.compile(r"\s+\^[A-Za-z0-9-]+$")
#: What Obsidian's *stripHeadingForLink* replaces by a space when it writes a heading into a link.
_NOT_IN_LINK = re.compile(r"[:#|^\\\r\n]|%%|\[\[|\]\]")


def strip_heading(text: str) -> str:
    """Obsidian's *stripHeading*, lower-cased for comparison."""
    return _SPACES.sub(" ", _STRIPPED.sub(" ", text)).strip().lower()


def heading_for_link(text: str) -> str:
    """A heading's text as Obsidian writes it after ``#`` in a link (*stripHeadingForLink*).

    The characters it drops are ones *stripHeading* ignores too, so the link still
    matches the heading.
    """
    return _SPACES.sub(" ", _NOT_IN_LINK.sub(" ", text)).strip()


def heading_keys(heading: Heading) -> tuple[str, ...]:
    """Forms a link may use for this heading; with a trailing ``^id`` both are accepted (D5)."""
    keys = [strip_heading(heading.text)]
    without_id = _TRAILING_BLOCK_ID.sub("", heading.text)
    if without_id != heading.text:
        keys.append(strip_heading(without_id))
    return tuple(keys)


@dataclass(frozen=True)
class Subpath:
    kind: str  # "none" | "heading" | "block" | "footnote"
    segments: tuple[str, ...]


def classify_subpath(subpath: str) -> Subpath:
    segments = tuple(s for s in subpath.split("#") if s)
    if not [s for s in segments if s.strip()]:
        return Subpath("none", ())
    if segments[0].startswith("[^"):
        return Subpath("footnote", segments)
    if len(segments) == 1 and segments[0].startswith("^"):
        return Subpath("block", segments)
    return Subpath("heading", segments)


def find_heading_path(headings: Sequence[Heading], segments: Sequence[str]) -> bool:
    """Nested ``#A#B``: each segment matches a later, deeper heading than the last match."""
    return match_heading_path(headings, segments) is not None


def match_heading_path(headings: Sequence[Heading], segments: Sequence[str]) -> tuple[int, ...] | None:
    """The index in ``headings`` that each segment of ``#A#B`` matches, or ``None`` when one does not.

    The one walk behind LK003, go to definition and heading renames: a link
    reaches the heading this finds, so a rename rewrites exactly the segments
    that land on the renamed heading.
    """
    keys = [heading_keys(h) for h in headings]
    wanted = [strip_heading(s) for s in segments]
    matched: list[int] = []
    position, level = 0, 0
    for index, segment in enumerate(wanted):
        for at in range(position, len(headings)):
            if segment in keys[at] and (index == 0 or headings[at].level > level):
                position, level = at + 1, headings[at].level
                matched.append(at)
                break
        else:
            return None
    return tuple(matched)


def has_block_id(note: Note, block_id: str) -> bool:
    """Ids match case-insensitively; ids inside comments count too (no report, OBSIDIAN.md §5)."""
    wanted = block_id.lower()
    return any(b.id.lower() == wanted for b in note.block_ids)


def github_slug(text: str) -> str:
    """GitHub's heading anchor, to recognise links migrated from GitHub (OBSIDIAN.md §3)."""
    slug = re.sub(r"[^\w\- ]", "", text.strip().lower())
    return slug.replace(" ", "-")
