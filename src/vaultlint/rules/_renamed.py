"""Links broken by a rename git knows about: the hint that names the new file, and the fix.

Shared by LK001 and LK002.  Which files moved is decided by the engine (from
git) and handed over in :attr:`LintContext.moved`; nothing here guesses a new
name from similarity.
"""

from __future__ import annotations

import posixpath

from ..context import LintContext
from ..linkrepair import link_text, target_edit
from ..model import Fix, Link, LinkKind, Note


def renamed_link(link: Link, note: Note, ctx: LintContext) -> tuple[str, Fix | None] | None:
    """For a link that reached a file git renamed or deleted: a hint, and a fix when renamed."""
    former = ctx.former_target(link, note.path)
    if former is None or former not in ctx.moved:
        return None
    new = ctx.moved[former]
    if new is None:
        return f'"{former}" was deleted', None
    hint = f'"{former}" was renamed to "{new}"'
    markdown = link.kind in (LinkKind.MARKDOWN, LinkKind.MARKDOWN_IMAGE)
    extension = posixpath.splitext(former)[1].lower()
    with_extension = bool(extension) and link.path.strip().lower().endswith(extension)
    text = link_text(new, ctx.vault.index, note.path, markdown=markdown, with_extension=with_extension)
    source = ctx.source_text(note.path) if text is not None else None
    edit = target_edit(source, link, text) if source is not None and text is not None else None
    if edit is None:
        return hint, None
    return f"{hint} (vaultlint check --fix updates the link)", Fix(f'link to the renamed "{new}"', (edit,))
