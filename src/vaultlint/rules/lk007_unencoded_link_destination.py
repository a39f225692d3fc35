"""LK007 unencoded-link-destination: ``[a](My Note.md)`` with raw spaces.

**What it does**: reports Markdown links whose destination contains spaces
without ``<…>`` or ``%20``.  Standard Markdown (CommonMark) does not read them
as links at all, so they are never reported as unresolved (LK001); the hint
names the note they would reach.  This holds whatever else the
destination contains: a template placeholder such as ``UE<% nr %>.pdf`` in a
note outside the template folders is reported too, with a hint that says
where to name the template folders.

**Why it matters**: other Markdown tools (static-site generators, GitHub) show
the text literally, and Obsidian's own handling is not guaranteed.

**Example**::

    [plan](Project plan.md)

**How to fix**: ``[plan](Project%20plan.md)`` or ``[plan](<Project plan.md>)``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..context import LintContext
from ..model import Link, LinkKind, Note, RawSpaceLink, Severity, Violation
from ..syntax.mdlinks import split_internal_destination, unquote_for_hint
from ..templates import HINT as TEMPLATE_HINT
from ..templates import holds_template_syntax
from .base import Rule, Scope


def check(note: Note, ctx: LintContext) -> Iterator[Violation]:
    for raw in note.raw_space_links:
        yield Violation(
            raw.span,
            f'link destination "{raw.destination}" contains spaces, so it is not a link',
            _hint(raw, note, ctx),
            in_comment=raw.in_comment,
        )


def _hint(raw: RawSpaceLink, note: Note, ctx: LintContext) -> str | None:
    destination = raw.destination
    if holds_template_syntax(destination):
        # A placeholder such as UE<% nr %>.pdf: encoding it is no advice; where templates live is.
        return None if ctx.vault.in_template_folder(note.path) else TEMPLATE_HINT
    parts = split_internal_destination(destination)
    resolved = None
    if parts is not None and parts[0]:
        link = Link(LinkKind.MARKDOWN, destination, parts[0], parts[1], raw.span)
        resolved = ctx.resolve(link, note.path).target
    hint = f"write ({unquote_for_hint(destination)}) or (<{destination}>)"
    return hint + f'; it would link to "{resolved}"' if resolved is not None else hint


RULE = Rule(
    "LK007",
    "unencoded-link-destination",
    Severity.WARNING,
    "[a](My Note.md): raw spaces, not a link in CommonMark",
    __doc__,
    Scope.NOTE,
    check,
)
