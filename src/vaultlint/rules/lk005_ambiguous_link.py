"""LK005 ambiguous-link: two files tie under Obsidian's resolution rules.

**What it does**: reports a link for which the two best candidates are equally
good for Obsidian: neither is in the linking note's folder (or both are) and
their paths are equally long.  Which one Obsidian opens then depends on which
file was created first, which a clone, checkout or sync does not keep.
vaultlint takes the alphabetically first, and accepts a heading, block id or
PDF page that any of the tied files has (LK003, LK004 and LK009 report only
one that none of them has).

**Why it matters**: the link may open a different file on another device or
after a rename elsewhere in the vault.

**Example**: ``[[Security]]`` written in ``Teams/`` with ``Sync/Security.md`` and
``Sass/Security.md`` both present.

**How to fix**: write the folder: ``[[Sync/Security]]``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..context import LintContext
from ..model import Note, Severity, Violation
from .base import Rule, Scope


def check(note: Note, ctx: LintContext) -> Iterator[Violation]:
    for link in note.links:
        if not link.path.strip():
            continue
        resolution = ctx.resolve(link, note.path)
        if resolution.target is None or not resolution.tied:
            continue
        others = ", ".join(f'"{path}"' for path in resolution.tied)
        yield Violation(
            link.span,
            f'ambiguous link "{link.path.strip()}": "{resolution.target}" ties with {others}',
            hint=f'write the path to say which: "{resolution.target}"',
            in_comment=link.in_comment,
        )


RULE = Rule(
    "LK005",
    "ambiguous-link",
    Severity.INFO,
    "two candidate files tie under Obsidian's rules",
    __doc__,
    Scope.NOTE,
    check,
)
