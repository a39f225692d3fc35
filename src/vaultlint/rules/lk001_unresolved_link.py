"""LK001 unresolved-link: a link whose target file is not in the vault.

**What it does**: resolves every wikilink, Markdown link and property link
exactly as Obsidian does, and reports those that reach no file.  Like Obsidian,
it ignores upper and lower case and Unicode normalisation differences, follows
``./`` and ``../`` paths (a ``../`` above the vault root stops at the root),
tries the exact vault path first, then a file in the
linking note's folder, then the file with the shortest path, and adds ``.md``
when the link has no extension.  Aliases are not targets: ``[[AI]]`` does not reach a note whose
alias is ``AI``.  Heading and block parts are checked by LK003 and LK004.

When git shows that the target was renamed or moved (staged with ``git mv``,
or moved on disk since the last commit), the hint names the new file and
``--fix`` rewrites the link as Obsidian does when you rename a file in the
app: the shortest link that reaches the new file, with its alias, heading or
block part kept.  A link to a deleted file is only reported.

With ``allow-placeholders = true`` in the config, a bare ``[[Name]]`` to a
note that exists nowhere is a placeholder (a note to write later, as Obsidian
shows it) and is not reported, unless the name nearly matches an existing
note or alias.

**Why it matters**: the link leads nowhere; clicking it in Obsidian creates an
empty note instead of opening the one you meant.

**Example**::

    See [[Gerg Brockman]].

**How to fix**: correct the name (the hint suggests a close match), link an
alias as ``[[Note|alias]]``, or create the note.  After a rename, run
``vaultlint check --fix``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..context import LintContext
from ..model import LinkKind, Note, Severity, Violation
from ._renamed import missing_target
from .base import Rule, Scope

KINDS = (LinkKind.WIKILINK, LinkKind.MARKDOWN, LinkKind.PROPERTY)


def check(note: Note, ctx: LintContext) -> Iterator[Violation]:
    for link in note.links:
        if link.kind not in KINDS or not link.path.strip():
            continue
        if ctx.resolve(link, note.path).target is not None:
            continue
        where = f' in property "{link.property_key}"' if link.property_key else ""
        message = f'unresolved link "{link.path.strip()}"{where}'
        several = link.kind is LinkKind.PROPERTY and "]], [[" in link.raw
        yield missing_target(
            link,
            note,
            ctx,
            message,
            attachments="." in link.path.rsplit("/", 1)[-1],
            hint="one link per property value: write a YAML list of quoted links" if several else None,
        )


RULE = Rule(
    "LK001",
    "unresolved-link",
    Severity.ERROR,
    "wikilink, markdown link or property link whose target file is not in the vault",
    __doc__,
    Scope.NOTE,
    check,
    fixable=True,
)
