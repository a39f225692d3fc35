""" "Did you mean" for a heading or a block id that a link misses (LK003, LK004), as an edit.

The rule's hint names the heading or block the link was probably meant for; the action
writes it in place of the segment the hint is about (the last heading segment, or the
``^id``), in the link's own style (percent-encoded in Markdown links), and only when the
link then reaches it: a hint that would still leave the link broken (a heading path whose
other segments do not lead there) is not offered.  The hint is read back from the
diagnostic, so the rule stays the one place that decides what is close.
"""

from __future__ import annotations

import re
from typing import Any

from ..anchors import classify_subpath, find_heading_path, has_block_id, heading_for_link
from ..context import resolve_link_path
from ..linkrepair import as_written_in, subpath_segments, subpath_text
from ..model import Diagnostic, Edit, Link, LinkKind, Note

ANCHOR_CODES = frozenset({"LK003", "LK004"})
_CLOSE = re.compile(r'^did you mean "([^"]+)"\?$')
_SLUG = re.compile(r'^Obsidian does not use slugs: did you mean "#([^"]+)"\?$')


def anchor_did_you_mean(diagnostic: Diagnostic, link: Link, path: str, text: str, ws: Any) -> tuple[str, Edit] | None:
    """``(title, edit)`` that writes the hint's heading or block id into ``link`` (in the note
    ``path``, whose text is ``text``), or ``None``."""
    target = _target_note(link, path, ws)
    segments = subpath_segments(text, link)
    if target is None or not segments or not diagnostic.hint:
        return None
    subpath = classify_subpath(link.subpath)
    if diagnostic.code == "LK004" and subpath.kind == "block":
        wanted = _hinted(diagnostic.hint, link)
        if wanted is None or not wanted.startswith("^") or not has_block_id(target, wanted[1:]):
            return None
        written = wanted
    elif diagnostic.code == "LK003" and subpath.kind == "heading":
        wanted = _hinted(diagnostic.hint, link)
        if wanted is None:
            return None
        written = heading_for_link(wanted)
        if not find_heading_path(target.headings, (*subpath.segments[:-1], written)):
            return None
    else:
        return None
    as_written = subpath_text(written, link)
    edit = None if as_written is None else as_written_in(path, text, link, Edit(segments[-1][0], as_written))
    return None if edit is None else (f'Link "#{written}" instead', edit)


def _hinted(hint: str, link: Link) -> str | None:
    """The heading text or ``^id`` a hint names (a slug's hint shows it as a Markdown link writes it)."""
    slug = _SLUG.match(hint)
    if slug is not None:
        shown = slug.group(1)
        return shown.replace("%20", " ") if link.kind is LinkKind.MARKDOWN else shown
    close = _CLOSE.match(hint)
    return close.group(1) if close is not None else None


def _target_note(link: Link, path: str, ws: Any) -> Note | None:
    """The note the link's file part reaches (the linking note itself for ``[[#Heading]]``)."""
    if not link.path.strip():
        return ws.note(path)
    target = resolve_link_path(ws.vault.index, link.path, path).target
    return ws.note(target) if target is not None else None
