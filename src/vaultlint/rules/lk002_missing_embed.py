"""LK002 missing-embed: an embed whose target file is not in the vault.

**What it does**: resolves ``![[…]]`` and ``![](…)`` targets like links and
reports those that reach no file.  Attachments need their extension:
``![[diagram]]`` does not find ``diagram.png``.  Size and fragment parts
(``|300``, ``#page=3``) are ignored.

When git shows that the embedded file was renamed or moved, the hint names
the new file and ``vaultlint check --fix`` rewrites the embed to reach it,
keeping its size or page part.

**Why it matters**: Obsidian shows an empty placeholder where the image, PDF or
note should be.

**Example**::

    ![[Pasted image 20231202175750.png]]

**How to fix**: add the missing file to the vault, or correct the name.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..context import LintContext
from ..model import Note, Severity, Violation
from ._renamed import missing_target
from .base import Rule, Scope


def check(note: Note, ctx: LintContext) -> Iterator[Violation]:
    for link in note.links:
        if not link.kind.is_embed or not link.path.strip():
            continue
        if ctx.resolve(link, note.path).target is not None:
            continue
        yield missing_target(link, note, ctx, f'missing embed "{link.path.strip()}"', attachments=True)


RULE = Rule(
    "LK002",
    "missing-embed",
    Severity.ERROR,
    "![[…]] or ![](…) whose target file is not in the vault",
    __doc__,
    Scope.NOTE,
    check,
    fixable=True,
)
