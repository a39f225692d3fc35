"""LK007 unencoded-link-destination: ``[a](My Note.md)`` with raw spaces.

**What it does**: reports Markdown links whose destination contains spaces
without ``<…>`` or ``%20``.  Standard Markdown (CommonMark) does not read them
as links at all, so they are never reported as unresolved (LK001); the hint
names the note they would reach.

**Why it matters**: other Markdown tools (static-site generators, GitHub) show
the text literally, and Obsidian's own handling is not guaranteed.

**Example**::

    [plan](Project plan.md)

**How to fix**: ``[plan](Project%20plan.md)`` or ``[plan](<Project plan.md>)``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..context import LintContext
from ..model import Link, LinkKind, Note, Severity, Violation
from ..syntax.mdlinks import split_internal_destination, unquote_for_hint
from .base import Rule, Scope


def check(note: Note, ctx: LintContext) -> Iterator[Violation]:
    for raw in note.raw_space_links:
        parts = split_internal_destination(raw.destination)
        resolved = None
        if parts is not None and parts[0]:
            link = Link(LinkKind.MARKDOWN, raw.destination, parts[0], parts[1], raw.span)
            resolved = ctx.resolve(link, note.path).target
        encoded = unquote_for_hint(raw.destination)
        hint = f"write ({encoded}) or (<{raw.destination}>)"
        if resolved is not None:
            hint += f'; it would link to "{resolved}"'
        yield Violation(
            raw.span,
            f'link destination "{raw.destination}" contains spaces, so it is not a link',
            hint,
            in_comment=raw.in_comment,
        )


RULE = Rule(
    "LK007",
    "unencoded-link-destination",
    Severity.WARNING,
    "[a](My Note.md): raw spaces, not a link in CommonMark",
    __doc__,
    Scope.NOTE,
    check,
)
