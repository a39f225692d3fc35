"""Links whose target is missing (LK001, LK002): the hint that names a file git renamed, and the
fix, or else a close name; one place for both rules.  Which files moved is decided by the engine (from
git) and handed over in :attr:`LintContext.moved`; nothing here guesses a new
name from similarity.
"""

from __future__ import annotations

from ..context import LintContext, hinted_name
from ..fixcommand import DEFAULT as FIX_COMMAND
from ..linkrepair import retarget
from ..model import Fix, Link, LinkKind, Note, Violation


def renamed_link(link: Link, note: Note, ctx: LintContext) -> tuple[str, Fix | None] | None:
    """For a link that reached a file git renamed or deleted: a hint, and a fix when renamed."""
    former = ctx.former_target(link, note.path)
    if former is None or former not in ctx.moved:
        return None
    new = ctx.moved[former]
    if new is None:
        return f'"{former}" was deleted', None
    hint = f'"{former}" was renamed to "{new}"'
    source = ctx.source_text(note.path)
    edit = retarget(source, link, former, new, ctx.vault.index, note.path) if source is not None else None
    if edit is None:
        return hint, None
    return f"{hint} ({FIX_COMMAND} updates the link)", Fix(f'link to the renamed "{new}"', (edit,))


def missing_target(
    link: Link, note: Note, ctx: LintContext, message: str, *, attachments: bool, hint: str | None = None
) -> Violation:
    """The violation of a link whose target is not in the vault: naming the new file (with a fix)
    when git renamed it, else ``hint``, else a close file name or alias."""
    renamed = renamed_link(link, note, ctx)
    if renamed is not None:
        hint, fix = renamed
        return Violation(link.span, message, hint, fix, in_comment=link.in_comment, link=link)
    if hint is None and link.kind is LinkKind.CANVAS_FILE:
        hint = _same_name_elsewhere(link, ctx)
    if hint is None:
        hint = ctx.suggest_file(link.path.strip(), attachments=attachments)
    return Violation(link.span, message, hint, in_comment=link.in_comment, link=link)


def _same_name_elsewhere(link: Link, ctx: LintContext) -> str | None:
    """A canvas names a file by its full vault path; when the name is right and the folder is
    not, the hint is the path (a close-name hint would offer the name the canvas already has)."""
    name = hinted_name(link.path).lower()
    ctx.hinted.add(name)  # a file of that name coming or going changes the hint
    elsewhere = sorted(ctx.vault.index.by_name.get(name, ()))
    if not elsewhere:
        return None
    shown = " or ".join(f'"{path}"' for path in elsewhere[:3])
    more = f" (and {len(elsewhere) - 3} more)" if len(elsewhere) > 3 else ""
    return f"a canvas names the whole vault path: did you mean {shown}{more}?"
