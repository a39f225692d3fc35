"""Code actions: quick fixes, "did you mean" (files here, headings and blocks in ``anchorhints``),
create the missing note, suppress, fix all.

A quick fix is the diagnostic's own ``fix`` (the very edit ``vaultlint check --fix`` writes),
and fix-all is every fix of the note at once, offered only when ``--fix`` would apply them
all (no two overlap).  "Did you mean" rewrites the link's target with ``linkrepair`` (the same
rewriting as a rename repair), so the alias, subpath and link style stay as written.  The
suppression comments are the directives of ``suppress.py``, in Obsidian's ``%%`` form, which
reading view hides.  Nothing here writes a file: the editor applies the edit the user picked.
"""

from __future__ import annotations

import asyncio
import os
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lsprotocol import types

from ..linkrepair import as_written_in, link_text, target_edit, written_link
from ..model import Diagnostic, Edit, Link, LinkKind, Note, Span
from ..safeio import is_inside
from . import diagnostics as lsp_diagnostics
from .anchorhints import ANCHOR_CODES, anchor_did_you_mean
from .positions import lines_of, to_range
from .state import EngineAccess, WorkspaceUnavailable

FIX_ALL = "source.fixAll.vaultlint"
_DID_YOU_MEAN = re.compile(r'did you mean "([^"]+)"\?$')
_ALIAS_OF = re.compile(r'^"(.+)" is an alias of "(.+)": link it as ')
_FILE_TARGET_CODES = frozenset({"LK001", "LK002"})
#: Findings about suppression comments themselves: a comment to silence them would be odd.
_NOT_SUPPRESSIBLE = frozenset({"VL002", "VL003"})


@dataclass(frozen=True)
class Request:
    """What one code-action request is about, in terms the pure planners below understand."""

    uri: str
    path: str
    text: str
    note: Note | None
    diagnostics: tuple[Diagnostic, ...]
    encoding: str
    #: The requested range as 0-based (line, column-in-client-units) pairs.
    start: tuple[int, int]
    end: tuple[int, int]
    can_create_files: bool


def register(server: Any, engine: EngineAccess) -> None:
    options = types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL])

    @server.feature(types.TEXT_DOCUMENT_CODE_ACTION, options)
    async def code_action(ls: Any, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        fs_path = ls.document_path(params.text_document.uri)
        if fs_path is None:
            return None
        operations = getattr(
            getattr(ls.client_capabilities.workspace, "workspace_edit", None), "resource_operations", None
        )
        encoding = ls.encoding
        start = (params.range.start.line, params.range.start.character)
        end = (params.range.end.line, params.range.end.character)

        def plan(ws: Any) -> list[types.CodeAction]:
            path = ws.vault_path(fs_path)
            if path is None or ws.note(path) is None:
                return []
            request = Request(
                params.text_document.uri,
                path,
                ws.text(path) or "",
                ws.note(path),
                tuple(ws.diagnostics(path)),
                encoding,
                start,
                end,
                bool(operations and types.ResourceOperationKind.Create in operations),
            )
            return actions_for(request, ws)

        try:
            found = await asyncio.wrap_future(engine.run(plan, fs_path))
        except WorkspaceUnavailable:
            return None
        only = params.context.only
        if only:
            found = [a for a in found if any(a.kind == kind or str(a.kind).startswith(f"{kind}.") for kind in only)]
        return found or None


def actions_for(request: Request, ws: Any) -> list[types.CodeAction]:
    """Every action for the diagnostics in the requested range, then fix-all for the note."""
    lines = lines_of(request.text)
    found: list[types.CodeAction] = []
    for diagnostic in request.diagnostics:
        lsp = lsp_diagnostics.to_lsp(diagnostic, lines, request.encoding)
        if not _overlaps(lsp.range, request.start, request.end):
            continue
        if diagnostic.fix is not None:
            found.append(_action(diagnostic.fix.description, lsp, request, lines, diagnostic.fix.edits, preferred=True))
        if diagnostic.code in ANCHOR_CODES and (link := _link_at(request.note, diagnostic.span)) is not None:
            replacement = anchor_did_you_mean(diagnostic, link, request.path, request.text, ws)
            if replacement is not None:
                title, edit = replacement
                found.append(_action(title, lsp, request, lines, (edit,), preferred=diagnostic.fix is None))
        link = _link_at(request.note, diagnostic.span) if diagnostic.code in _FILE_TARGET_CODES else None
        if link is not None:
            replacement = did_you_mean(diagnostic, link, request, ws)
            if replacement is not None:
                title, edit = replacement
                found.append(_action(title, lsp, request, lines, (edit,), preferred=diagnostic.fix is None))
            if request.can_create_files:
                created = _create_note(link, request, ws)
                if created is not None:
                    found.append(created_action(created, lsp, ws))
        if request.path.lower().endswith(".md") and diagnostic.code not in _NOT_SUPPRESSIBLE:
            line_edit = suppress_line_edit(diagnostic, request.note, lines)
            if line_edit is not None:
                found.append(_action(f"Disable {diagnostic.code} for this line", lsp, request, lines, (line_edit,)))
            file_edit = suppress_file_edit(diagnostic.code, request.note, lines)
            found.append(_action(f"Disable {diagnostic.code} for this file", lsp, request, lines, (file_edit,)))
    fix_all = fix_all_edits(request.text, request.diagnostics)
    if fix_all:
        found.append(
            types.CodeAction(
                title="Fix all vaultlint problems",
                kind=FIX_ALL,
                edit=_workspace_edit(request.uri, lines, fix_all, request.encoding),
            )
        )
    return found


def _overlaps(found: types.Range, start: tuple[int, int], end: tuple[int, int]) -> bool:
    return (found.start.line, found.start.character) <= end and start <= (found.end.line, found.end.character)


def _workspace_edit(uri: str, lines: Sequence[str], edits: Sequence[Edit], encoding: str) -> types.WorkspaceEdit:
    text_edits = [types.TextEdit(range=to_range(e.span, lines, encoding), new_text=e.text) for e in edits]
    return types.WorkspaceEdit(changes={uri: text_edits})


def _action(
    title: str,
    diagnostic: types.Diagnostic,
    request: Request,
    lines: Sequence[str],
    edits: Sequence[Edit],
    preferred: bool = False,
) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=preferred or None,
        edit=_workspace_edit(request.uri, lines, edits, request.encoding),
    )


def fix_all_edits(text: str, found: Sequence[Diagnostic]) -> list[Edit]:
    """Every fix's edits, when ``--fix`` would apply them all to ``text`` (else none, as ``--fix`` does)."""
    # Imported here, not on the way to the server's first diagnostics (issue 21's start target).
    from ..fix import FixConflict, apply_edits

    edits = [edit for d in found if d.fix is not None for edit in d.fix.edits]
    if not edits:
        return []
    try:
        apply_edits(text, edits)
    except FixConflict:
        return []
    return edits


def _link_at(note: Note | None, span: Span) -> Link | None:
    if note is None:
        return None
    return next((link for link in note.links if link.span == span), None)


def did_you_mean(diagnostic: Diagnostic, link: Link, request: Request, ws: Any) -> tuple[str, Edit] | None:
    """The hint of a link to a missing file as an edit: ``did you mean "Name"?`` links Name
    instead; ``"X" is an alias of "Note"`` links Note, showing X (``[[Note|X]]``)."""
    hint = diagnostic.hint or ""
    index = ws.vault.index
    alias = _ALIAS_OF.match(hint)
    if alias is not None:
        owner = ws.context.alias_owner(alias.group(1))
        targets: Sequence[str] = (owner,) if owner else ()
    elif (match := _DID_YOU_MEAN.search(hint)) is not None:
        name = match.group(1)
        targets = index.by_name.get(f"{name}.md".lower()) or index.by_name.get(name.lower()) or ()
    else:
        return None
    if not targets:
        return None
    markdown = link.kind in (LinkKind.MARKDOWN, LinkKind.MARKDOWN_IMAGE)
    written = link_text(
        targets[0], index, request.path, markdown=markdown, with_extension=link.path.lower().endswith(".md")
    )
    edit = target_edit(request.text, link, written) if written is not None else None
    edit = as_written_in(request.path, request.text, link, edit) if edit is not None else None
    if edit is None:
        return None
    as_written = written_link(request.text, link.span) or ""
    if alias is not None and not markdown and not link.subpath and "|" not in as_written:
        # [[Sec+]] -> [[CompTIA Security+|Sec+]]: the note the alias names, still reading as typed.
        edit = Edit(edit.span, f"{edit.text}|{link.path}")
        written = edit.text
    return f'Link "{written}" instead', edit


def missing_note_path(link: Link, source: str) -> str | None:
    """Where Obsidian creates the note a link to nothing names: its path from the vault root
    (from the linking note's folder for ``./`` and ``../``), with ``.md`` added; None for an
    attachment or a path out of the vault."""
    target = link.path.strip()
    if not target or "\\" in target:
        return None
    if target.startswith(("./", "../")):
        target = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
    target = target.lstrip("/")
    extension = posixpath.splitext(target)[1].lower()
    if extension not in ("", ".md"):
        return None
    if extension == "":
        target += ".md"
    if target.startswith("../") or target == ".." or any(part.startswith(".") for part in target.split("/")):
        return None
    return target


def _create_note(link: Link, request: Request, ws: Any) -> str | None:
    path = missing_note_path(link, request.path)
    if path is None or ws.note(path) is not None or os.path.lexists(ws.fs_path(path)):
        return None
    return path if lands_in_vault(ws.root, ws.fs_path(path)) else None


def lands_in_vault(root: Path, target: Path) -> bool:
    """Whether a file created at ``target`` stays in the vault: a folder on the way may be a
    symlink the repository committed, and the editor would write the new note where it points."""
    folder = target.parent
    while not os.path.lexists(folder) and folder != folder.parent:
        folder = folder.parent  # the editor makes the folders that are missing
    return is_inside(os.path.realpath(folder), os.path.realpath(root))


def created_action(path: str, diagnostic: types.Diagnostic, ws: Any) -> types.CodeAction:
    from pygls.uris import from_fs_path

    create = types.CreateFile(
        uri=from_fs_path(str(ws.fs_path(path))),
        options=types.CreateFileOptions(overwrite=False, ignore_if_exists=True),
    )
    return types.CodeAction(
        title=f'Create note "{path}"',
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        edit=types.WorkspaceEdit(document_changes=[create]),
    )


def _in_frontmatter(note: Note | None, line: int) -> bool:
    if note is None:
        return False
    if note.unclosed_frontmatter is not None:
        return True  # where it ends is unclear: no line comment can be placed safely
    front = note.frontmatter
    return front is not None and front.span.line <= line <= front.span.end_line


def suppress_line_edit(diagnostic: Diagnostic, note: Note | None, lines: Sequence[str]) -> Edit | None:
    """``%% vaultlint-disable-line CODE %%`` at the end of the diagnostic's line; above a
    heading as ``disable-next-line`` instead (a comment in a heading would change its text, and
    with it every link to the heading).  None inside the frontmatter, where comments are YAML."""
    line = diagnostic.span.line
    if _in_frontmatter(note, line) or line > len(lines):
        return None
    if note is not None and any(heading.span.line == line for heading in note.headings):
        return Edit(Span(line, 1, line, 1), f"%% vaultlint-disable-next-line {diagnostic.code} %%\n")
    text = lines[line - 1]
    end = len(text.removeprefix("\ufeff")) + 1 if line == 1 else len(text) + 1
    separator = "" if not text.strip() or text.endswith((" ", "\t")) else " "
    return Edit(Span(line, end, line, end), f"{separator}%% vaultlint-disable-line {diagnostic.code} %%")


def suppress_file_edit(code: str, note: Note | None, lines: Sequence[str]) -> Edit:
    """``%% vaultlint-disable-file CODE %%`` on a line of its own, after the frontmatter (at the
    end when the frontmatter is never closed, where a line at the top would reopen it)."""
    comment = f"%% vaultlint-disable-file {code} %%"
    if note is not None and note.unclosed_frontmatter is not None:
        last = len(lines)
        end = len(lines[-1]) + 1 if lines else 1
        separator = "\n" if lines and lines[-1] else ""
        return Edit(Span(last, end, last, end), f"{separator}{comment}\n")
    line = note.frontmatter.span.end_line + 1 if note is not None and note.frontmatter is not None else 1
    if line > len(lines):  # a note that is nothing but its frontmatter, with no line end after it
        last = len(lines)
        return Edit(Span(last, len(lines[-1]) + 1, last, len(lines[-1]) + 1), f"\n{comment}\n")
    return Edit(Span(line, 1, line, 1), f"{comment}\n")
