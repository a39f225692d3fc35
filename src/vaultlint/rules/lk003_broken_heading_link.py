"""LK003 broken-heading-link: ``#Heading`` matches no heading of the target note.

**What it does**: matches the heading part of a link the way Obsidian does:
punctuation such as ``: ? * ` # [ ]`` is ignored, case does not matter, and
``#A#B`` walks nested headings (a heading ``B`` below a heading ``A``).  GitHub-style slugs (``#my-heading``)
are not Obsidian anchors.  When files tie for the link (LK005), a
heading that any of them has is accepted.

**Why it matters**: Obsidian opens the note at the top instead of the section,
and an embed of the section shows an error.

**Example**::

    [[Project plan#Timelime]]
    [Plan](Project%20plan.md#my-heading)

**How to fix**: use the heading's text (the hint names the closest heading); in
Markdown links encode spaces: ``#My%20Heading``.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterator

from ..anchors import find_heading_path, github_slug, strip_heading
from ..context import LintContext
from ..model import LinkKind, Note, Severity, Violation
from ._subpaths import in_some_candidate, subpath_targets, where
from .base import Rule, Scope


def _hint(link_kind: LinkKind, segment: str, target: Note) -> str | None:
    texts = [h.text for h in target.headings]
    for text in texts:
        if github_slug(text) == segment.lower():
            written = text.replace(" ", "%20") if link_kind is LinkKind.MARKDOWN else text
            return f'Obsidian does not use slugs: did you mean "#{written}"?'
    by_key = {strip_heading(t): t for t in texts}
    close = difflib.get_close_matches(strip_heading(segment), list(by_key), n=1, cutoff=0.6)
    return f'did you mean "{by_key[close[0]]}"?' if close else None


def _has_heading_path(segments: tuple[str, ...], candidate: Note) -> bool:
    return find_heading_path(candidate.headings, segments)


def check(note: Note, ctx: LintContext) -> Iterator[Violation]:
    for found in subpath_targets(note, ctx, "heading"):
        segments = found.subpath.segments
        if in_some_candidate(found, note, ctx, functools.partial(_has_heading_path, segments)):
            continue
        yield Violation(
            found.link.span,
            f'no heading "{"#".join(segments)}" in {where(found, note)}',
            _hint(found.link.kind, segments[-1], found.note),
            in_comment=found.link.in_comment,
        )


RULE = Rule(
    "LK003",
    "broken-heading-link",
    Severity.ERROR,
    "#Heading part does not match a heading of the target note",
    __doc__,
    Scope.NOTE,
    check,
)
