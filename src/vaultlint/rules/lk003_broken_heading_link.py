"""LK003 broken-heading-link: ``#Heading`` matches no heading of the target note.

**What it does**: matches the heading part of a link the way Obsidian does:
punctuation such as ``: ? * ` # [ ]`` is ignored, case does not matter, and
``#A#B`` walks nested headings (a heading ``B`` below a heading ``A``).  GitHub-style slugs (``#my-heading``)
are not Obsidian anchors.

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
from collections.abc import Iterator

from ..anchors import find_heading_path, github_slug, strip_heading
from ..context import LintContext
from ..model import LinkKind, Note, Severity, Violation
from ._subpaths import subpath_targets
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


def check(note: Note, ctx: LintContext) -> Iterator[Violation]:
    for link, subpath, target in subpath_targets(note, ctx, "heading"):
        if find_heading_path(target.headings, subpath.segments):
            continue
        where = "this note" if target is note else f'"{target.path}"'
        heading = "#".join(subpath.segments)
        yield Violation(
            link.span,
            f'no heading "{heading}" in {where}',
            _hint(link.kind, subpath.segments[-1], target),
            in_comment=link.in_comment,
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
