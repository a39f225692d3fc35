"""Renames in the editor: files and folders (``workspace/willRenameFiles``), headings and block ids
(``textDocument/prepareRename``, ``textDocument/rename``).

The edits are planned by :mod:`.linkedits` on the engine's worker; here they become LSP
edits.  ``workspace/didRenameFiles`` (telling the Workspace the files moved) is the server's
(``app.py``).  Nothing here writes a file: the editor applies the edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lsprotocol import types
from pygls.uris import from_fs_path

from .linkedits import (
    Edits,
    RenameRefused,
    block_rename_edits,
    heading_rename_edits,
    moved_files,
    rename_edits,
    rename_target,
)
from .navigate import At, answer_at, on_engine
from .positions import lines_of, to_range
from .state import EngineAccess


class _TextsReadOnce:
    """The workspace, with each note's text read once per request: planning the edits and
    placing them in the editor's units both need it, and it may come from the disk."""

    def __init__(self, ws: Any) -> None:
        self._ws = ws
        self._texts: dict[str, str | None] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)

    def text(self, path: str) -> str | None:
        if path not in self._texts:
            self._texts[path] = self._ws.text(path)
        return self._texts[path]


def workspace_edit(ws: Any, edits: Edits, open_uris: Mapping[str, str], encoding: str) -> types.WorkspaceEdit:
    """``edits`` (vault path -> model edits) as LSP edits, in the URIs the editor knows the notes by."""
    uri_of = {fs_path: uri for uri, fs_path in open_uris.items()}
    changes: dict[str, list[types.TextEdit]] = {}
    for path, found in edits.items():
        fs_path = str(ws.fs_path(path))
        lines = lines_of(ws.text(path) or "")
        uri = uri_of.get(fs_path) or from_fs_path(fs_path) or fs_path
        changes[uri] = [types.TextEdit(range=to_range(e.span, lines, encoding), new_text=e.text) for e in found]
    return types.WorkspaceEdit(changes=changes)


def register(server: Any, engine: EngineAccess) -> None:
    """Add the rename handlers to ``server`` (a pygls LanguageServer)."""
    everything = types.FileOperationRegistrationOptions(
        filters=[types.FileOperationFilter(scheme="file", pattern=types.FileOperationPattern(glob="**/*"))]
    )

    @server.feature(types.WORKSPACE_WILL_RENAME_FILES, everything)
    async def will_rename_files(ls: Any, params: types.RenameFilesParams) -> types.WorkspaceEdit | None:
        pairs = [(ls.document_path(f.old_uri), ls.document_path(f.new_uri)) for f in params.files]
        open_uris, encoding = dict(ls.open), ls.encoding

        def plan_vault(workspace: Any) -> types.WorkspaceEdit | None:
            """The edits in one vault, for the files that move within it (the vault that holds
            each file: links in another vault never reached it)."""
            ws = _TextsReadOnce(workspace)
            moved: dict[str, str] = {}
            for old, new in pairs:
                if not old or not new or engine.owner(old) is not workspace:
                    continue
                before, after = ws.vault_path(old), ws.vault_path(new)
                if before is not None and after is not None:
                    moved.update(moved_files(ws.vault.index.paths, before, after))
            edits = rename_edits(ws, moved) if moved else {}
            return workspace_edit(ws, edits, open_uris, encoding) if edits else None

        def plan(workspaces: Any) -> types.WorkspaceEdit | None:
            changes: dict[str, list[types.TextEdit]] = {}
            for found in filter(None, map(plan_vault, workspaces)):
                for uri, edits in (found.changes or {}).items():
                    changes.setdefault(uri, edits)  # a note two nested vaults hold: edited once
            return types.WorkspaceEdit(changes=changes) if changes else None

        return await on_engine(engine.run_all(plan))

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    async def prepare_rename(ls: Any, params: types.PrepareRenameParams) -> types.PrepareRenamePlaceholder | None:
        def prepare(ws: Any, at: At) -> types.PrepareRenamePlaceholder | None:
            target = rename_target(ws, at.path, at.line, at.column)
            if target is None:
                return None
            return types.PrepareRenamePlaceholder(range=at.range(target.here), placeholder=target.placeholder)

        return await answer_at(ls, engine, params, prepare)

    @server.feature(types.TEXT_DOCUMENT_RENAME, types.RenameOptions(prepare_provider=True))
    async def rename(ls: Any, params: types.RenameParams) -> types.WorkspaceEdit | None:
        open_uris = dict(ls.open)

        def plan(workspace: Any, at: At) -> types.WorkspaceEdit:
            ws = _TextsReadOnce(workspace)
            target = rename_target(ws, at.path, at.line, at.column)
            if target is None:
                raise RenameRefused("only a heading or a block id can be renamed here")
            renamer = heading_rename_edits if target.kind == "heading" else block_rename_edits
            return workspace_edit(ws, renamer(ws, target, params.new_name), open_uris, at.encoding)

        return await answer_at(ls, engine, params, plan)
