"""The language server: lifecycle, open documents, files changed on disk, diagnostics.

Everything that touches the vault runs on the engine's worker thread (``state.EngineAccess``);
the handlers here run on pygls's message loop, hand work to the worker and await it, so a
keystroke is never queued behind a vault scan in the loop itself, and notifications to the
client are only ever sent from the loop.

The vault root is found from the first workspace folder (or the root URI) the editor names,
by the same rule as ``vaultlint check`` (the nearest folder holding ``.obsidian``, a config
file, ...); without either, from the first note opened.  The configuration is the vault's
own config file, as for the CLI.  External URLs are never checked here (no network per
keystroke): that is ``vaultlint check``'s job.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import sys
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from .. import __version__
from ..config import CONFIG_NAMES
from . import actions, diagnostics, navigate, renames
from .state import EngineAccess, WorkspaceUnavailable

log = logging.getLogger(__name__)

#: Files whose change means "read the configuration again" rather than "a note changed".
_CONFIG_NAMES = frozenset({*CONFIG_NAMES, ".gitignore"})
_DEFAULT_CAP = 1000


@dataclass(frozen=True)
class ServerOptions:
    """``initializationOptions`` (camelCase, as ruff and rumdl spell theirs)."""

    #: Report the whole vault's diagnostics, not only the open notes'.
    workspace_diagnostics: bool = False
    #: At most this many diagnostics in workspace mode (open notes are always reported).
    max_workspace_diagnostics: int = _DEFAULT_CAP

    @classmethod
    def parse(cls, raw: object) -> tuple[ServerOptions, list[str]]:
        """The options, and a warning for each value that was ignored (a typo must not stop the server)."""
        if not isinstance(raw, dict):
            return cls(), ([] if raw is None else ["initializationOptions is not an object; ignored"])
        warnings = [f"unknown initialization option {key!r}; ignored" for key in raw if key not in _OPTION_KEYS]
        mode = raw.get("workspaceDiagnostics", False)
        if not isinstance(mode, bool):
            warnings.append("workspaceDiagnostics must be true or false; ignored")
            mode = False
        cap = raw.get("maxWorkspaceDiagnostics", _DEFAULT_CAP)
        if isinstance(cap, bool) or not isinstance(cap, int) or cap < 0:
            warnings.append("maxWorkspaceDiagnostics must be a whole number >= 0; ignored")
            cap = _DEFAULT_CAP
        return cls(mode, cap), warnings


_OPTION_KEYS = frozenset({"workspaceDiagnostics", "maxWorkspaceDiagnostics"})


class VaultlintServer(LanguageServer):
    """A pygls LanguageServer with the vault's engine and the editor's open notes."""

    def __init__(self) -> None:
        super().__init__("vaultlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.engine = EngineAccess()
        self.options = ServerOptions()
        #: Open documents: the client's URI -> the file-system path.
        self.open: dict[str, str] = {}
        self.budget = diagnostics.WorkspaceBudget(_DEFAULT_CAP)
        self.start_path: Path | None = None
        self.building = False
        #: Set whenever the vault's diagnostics may have changed (wakes a waiting workspace/diagnostic).
        self.vault_changed = asyncio.Event()
        #: Reports queued and not yet done: a newer one supersedes older ones (``report_changes``).
        self._generation = 0
        #: URIs whose change has not been reported yet (kept until a report covers them).
        self._unreported: set[str] = set()

    # -- what the client can do ------------------------------------------------------------------
    @property
    def encoding(self) -> str:
        return str(self.workspace.position_encoding or types.PositionEncodingKind.Utf16)

    @property
    def pull(self) -> bool:
        """Pull diagnostics when the client offers them, else push (never both)."""
        document = self.client_capabilities.text_document
        return document is not None and document.diagnostic is not None

    def _can(self, dotted: str) -> bool:
        value: Any = self.client_capabilities
        for part in dotted.split("."):
            value = getattr(value, part, None)
            if value is None:
                return False
        return bool(value)

    # -- building the index ----------------------------------------------------------------------
    def start_build(self, path: Path) -> None:
        """Index the vault holding ``path`` on the worker, with a progress report meanwhile.

        ``path`` is the editor's workspace folder, or a note when it named none: then the vault
        is the one around that note, found as ``vaultlint check NOTE`` finds it (and every note
        in it is reported on, not only that one)."""
        self.building = True
        future = self.engine.build(lambda: _workspace_around(path))
        asyncio.ensure_future(self._after_build(future))

    async def _after_build(self, future: Any) -> None:
        token: str | None = None
        if self._can("window.work_done_progress"):
            token = f"vaultlint-index-{uuid.uuid4()}"
            try:
                await asyncio.wait_for(self.work_done_progress.create_async(token), timeout=10)
                self.work_done_progress.begin(
                    token, types.WorkDoneProgressBegin(title="vaultlint", message="indexing the vault")
                )
            except Exception:  # the client refused or never answered: index without a progress bar
                token = None
        try:
            workspace = await asyncio.wrap_future(future)
            done = f"indexed {workspace.root}"
        except Exception as error:
            done = f"could not index the vault: {error}"
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Error, message=f"vaultlint: {done}")
            )
        finally:
            self.building = False
        if token is not None:
            self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=done))
        await self.report_everything()

    # -- reporting -------------------------------------------------------------------------------
    async def report_everything(self) -> None:
        """After the index was (re)built: every open note, and in workspace mode the vault."""
        self.vault_changed.set()
        if self.pull:
            self._ask_client_to_pull()
            return
        await self._report(None)

    async def report_changes(self, also: Iterable[str] = ()) -> None:
        """After a change: the notes whose diagnostics may have changed (``also``: these URIs too).

        Each change queues one report, but only the latest queued report does the work: one
        that finds a later one behind it returns at once (the later one covers its notes too),
        so a burst of keystrokes is checked and reported once, not once per key.
        """
        self.vault_changed.set()
        self._unreported.update(also)
        self._generation += 1
        await self._report(frozenset(self._unreported), self._generation)

    async def _report(self, uris: frozenset[str] | None, generation: int | None = None) -> None:
        open_now = dict(self.open)
        encoding, pull, workspace_mode = self.encoding, self.pull, self.options.workspace_diagnostics

        def collect(ws: Any) -> list[tuple[str, list[types.Diagnostic]]] | None:
            if generation is not None and generation != self._generation:
                return None  # a later report is queued: it reports for this change too
            changed = self.engine.take_changed()
            by_path = {ws.vault_path(fs_path): uri for uri, fs_path in open_now.items()}
            by_path.pop(None, None)
            if uris is None:
                wanted = set(by_path)
            else:
                wanted = {path for path, uri in by_path.items() if uri in uris or path in changed}
            if pull:  # only which notes changed, beyond those the client pulls by itself
                return [(by_path[path], []) for path in wanted if by_path[path] not in (uris or ())]
            reports = [
                (by_path[path], diagnostics.for_note(ws.diagnostics(path), ws.text(path), encoding))
                for path in sorted(wanted)
            ]
            if workspace_mode:
                reports.extend(self._workspace_reports(ws, None if uris is None else changed, set(by_path)))
            return reports

        try:
            reports = await asyncio.wrap_future(self.engine.run(collect))
        except WorkspaceUnavailable:
            return
        for problem in self.engine.take_problems():
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Error, message=f"vaultlint: {problem}")
            )
        if reports is None:
            return
        self._unreported.difference_update(uris or ())
        if pull:
            # The client pulls the note it edited by itself; notes that changed with it it must be told of.
            if reports:
                self._ask_client_to_pull()
            return
        for uri, items in reports:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=items))

    def _ask_client_to_pull(self) -> None:
        if self._can("workspace.diagnostics.refresh_support"):
            self.workspace_diagnostic_refresh(None)

    def _workspace_reports(
        self, ws: Any, paths: Iterable[str] | None, skip: set[str]
    ) -> list[tuple[str, list[types.Diagnostic]]]:
        """Workspace mode, on the worker: the reports for ``paths`` (``None``: the whole vault)."""
        if paths is None:
            found: dict[str, list[Any]] = {path: [] for path in self.budget.reported}
            for diagnostic in ws.diagnostics():
                found.setdefault(diagnostic.path, []).append(diagnostic)
        else:
            found = {path: list(ws.diagnostics(path)) for path in paths}  # a file gone has none
        reports = []
        for path, items in found.items():
            if path in skip or not self.budget.admit(path, len(items)):
                continue
            uri = from_fs_path(str(ws.fs_path(path)))
            reports.append((uri, diagnostics.for_note(items, ws.text(path) if items else "", self.encoding)))
        return reports

    # -- documents -------------------------------------------------------------------------------
    def document_path(self, uri: str) -> str | None:
        """The file-system path of a ``file:`` URI, else None (an unsaved buffer, a remote file)."""
        if not uri.startswith("file:"):
            return None
        return to_fs_path(uri)


def _workspace_around(path: Path) -> Any:
    from ..api import options_for
    from ..engine import locate_vault
    from ..workspace import Workspace

    if not path.is_dir():  # a note (perhaps new, not saved yet)
        options = options_for(path if path.exists() else path.parent, None, {}, "vaultlint server")
        path = locate_vault(options.paths, options.vault_root, options.obsidian_dir, options.config_folder)
    return Workspace(path, offline=True)


def build_server() -> VaultlintServer:
    """The language server with every feature registered (``vaultlint server`` starts it on stdio)."""
    server = VaultlintServer()
    _register_lifecycle(server)
    _register_documents(server)
    _register_files(server)
    _register_pull(server)
    actions.register(server, server.engine)
    navigate.register(server, server.engine)
    renames.register(server, server.engine)
    return server


def _register_lifecycle(server: VaultlintServer) -> None:
    @server.feature(types.INITIALIZE)
    def initialize(ls: VaultlintServer, params: types.InitializeParams) -> None:
        ls.options, warnings = ServerOptions.parse(params.initialization_options)
        ls.budget = diagnostics.WorkspaceBudget(ls.options.max_workspace_diagnostics)
        for warning in warnings:
            log.warning("%s", warning)
        uri = params.workspace_folders[0].uri if params.workspace_folders else params.root_uri
        if uri is None and params.root_path:
            uri = from_fs_path(params.root_path)
        folder = to_fs_path(uri) if uri and uri.startswith("file:") else None
        ls.start_path = Path(folder) if folder else None

    @server.feature(types.INITIALIZED)
    async def initialized(ls: VaultlintServer, params: types.InitializedParams) -> None:
        if ls.start_path is not None:
            ls.start_build(ls.start_path)
        if ls._can("workspace.did_change_watched_files.dynamic_registration"):
            await _watch_files(ls)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: VaultlintServer, params: None) -> None:
        ls.engine.close()


async def _watch_files(ls: VaultlintServer) -> None:
    """Ask the client to tell us of files changed on disk (by Obsidian, git, a sync tool)."""
    watchers = [types.FileSystemWatcher(glob_pattern="**/*")]  # notes, canvases, bases, attachments, config
    registration = types.Registration(
        id=f"vaultlint-watch-{uuid.uuid4()}",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
    )
    try:
        await asyncio.wait_for(
            ls.client_register_capability_async(types.RegistrationParams(registrations=[registration])), timeout=10
        )
    except Exception:
        log.warning("the client did not register the file watcher; files changed on disk are seen when opened")


def _register_documents(server: VaultlintServer) -> None:
    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: VaultlintServer, params: types.DidOpenTextDocumentParams) -> None:
        uri = params.text_document.uri
        fs_path = ls.document_path(uri)
        if fs_path is None:
            return
        ls.open[uri] = fs_path
        ls.engine.stage(fs_path, params.text_document.text)
        if ls.engine.workspace is None and not ls.building and ls.start_path is None:
            ls.start_path = Path(fs_path)  # no workspace folder: the vault around this note
            ls.start_build(ls.start_path)
            return  # the build reports every open note when it is done
        await ls.report_changes({uri})

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: VaultlintServer, params: types.DidChangeTextDocumentParams) -> None:
        uri = params.text_document.uri
        fs_path = ls.open.get(uri)
        if fs_path is None:
            return
        # pygls has applied the (full or incremental) changes to its copy of the buffer already.
        ls.engine.stage(fs_path, ls.workspace.get_text_document(uri).source)
        await ls.report_changes({uri})

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: VaultlintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        fs_path = ls.open.pop(uri, None)
        if fs_path is None:
            return
        ls.engine.stage(fs_path, None)  # what is on disk counts again
        if not ls.pull and not ls.options.workspace_diagnostics:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        await ls.report_changes()


def _is_config(path: Path, root: Path | None) -> bool:
    """A file whose change means reading the configuration again (the Workspace decides exactly)."""
    parts = path.relative_to(root).parts if root is not None and path.is_relative_to(root) else path.parts
    return path.name in _CONFIG_NAMES or ".obsidian" in parts[:-1]


def _is_hidden(path: Path, root: Path | None) -> bool:
    """In a dot-folder (``.git``, ``.trash``) or a dot-file: not part of the vault (Obsidian never indexes them)."""
    if root is None or not path.is_relative_to(root):
        return True
    return any(part.startswith(".") for part in PurePosixPath(*path.relative_to(root).parts).parts)


def _register_files(server: VaultlintServer) -> None:
    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched_files_changed(ls: VaultlintServer, params: types.DidChangeWatchedFilesParams) -> None:
        root = ls.engine.root
        config_changed = False
        for change in params.changes:
            fs_path = ls.document_path(change.uri)
            if fs_path is None:
                continue
            path = Path(fs_path)
            if _is_config(path, root):
                config_changed = True
            elif _is_hidden(path, root):
                continue  # .git churn during a commit, a sync tool's .trash: not the vault
            if change.type == types.FileChangeType.Changed and change.uri in ls.open:
                continue  # an open note's buffer wins over the disk
            # Created, changed or deleted, a note or a whole folder: the Workspace reads the disk
            # again and re-checks what depends on it (a settings file makes it reload).
            ls.engine.stage(fs_path, None)
        if config_changed and ls.engine.workspace is None and not ls.building and ls.start_path is not None:
            ls.start_build(ls.start_path)  # the last config was unusable: try the new one
            return
        await ls.report_changes()

    @server.feature(
        types.WORKSPACE_DID_RENAME_FILES,
        types.FileOperationRegistrationOptions(
            filters=[types.FileOperationFilter(scheme="file", pattern=types.FileOperationPattern(glob="**/*"))]
        ),
    )
    async def files_renamed(ls: VaultlintServer, params: types.RenameFilesParams) -> None:
        moves = [(ls.document_path(f.old_uri), ls.document_path(f.new_uri)) for f in params.files]
        await _run_quietly(
            ls, lambda ws: [ls.engine.record_changed(ws.rename(old, new)) for old, new in moves if old and new]
        )
        await ls.report_changes()


async def _run_quietly(ls: VaultlintServer, job: Any) -> None:
    try:
        await asyncio.wrap_future(ls.engine.run(job))
    except WorkspaceUnavailable:
        pass
    except Exception:  # one odd event must not stop the server
        log.exception("could not apply a file change")


def _register_pull(server: VaultlintServer) -> None:
    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="vaultlint", inter_file_dependencies=True, workspace_diagnostics=True),
    )
    async def document_diagnostic(
        ls: VaultlintServer, params: types.DocumentDiagnosticParams
    ) -> types.DocumentDiagnosticReport:
        fs_path = ls.document_path(params.text_document.uri)
        encoding = ls.encoding

        def collect(ws: Any) -> list[types.Diagnostic]:
            path = ws.vault_path(fs_path) if fs_path else None
            if path is None:
                return []
            return diagnostics.for_note(ws.diagnostics(path), ws.text(path), encoding)

        try:
            items = await asyncio.wrap_future(ls.engine.run(collect))
        except WorkspaceUnavailable:
            items = []
        result_id = diagnostics.result_id(items)
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=items, result_id=result_id)

    @server.feature(types.WORKSPACE_DIAGNOSTIC)
    async def workspace_diagnostic(
        ls: VaultlintServer, params: types.WorkspaceDiagnosticParams
    ) -> types.WorkspaceDiagnosticReport:
        if not ls.options.workspace_diagnostics:
            return types.WorkspaceDiagnosticReport(items=[])
        previous = {p.uri: p.value for p in params.previous_result_ids}
        while True:
            ls.vault_changed.clear()
            try:
                reports = await asyncio.wrap_future(ls.engine.run(lambda ws: ls._workspace_reports(ws, None, set())))
            except WorkspaceUnavailable:
                reports = []
            items: list[types.WorkspaceDocumentDiagnosticReport] = []
            for uri, found in reports:
                result_id = diagnostics.result_id(found)
                if previous.get(uri) != result_id:
                    items.append(
                        types.WorkspaceFullDocumentDiagnosticReport(
                            uri=uri, items=found, version=None, result_id=result_id
                        )
                    )
            if items or not previous:
                return types.WorkspaceDiagnosticReport(items=items)
            # Nothing new: hold the request until something changes (a client asks again as soon as
            # it has an answer; answering "nothing" at once would make it spin).
            await ls.vault_changed.wait()


def main() -> int:
    """``vaultlint server``: speak LSP on stdin/stdout until the editor says exit."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="vaultlint server: %(message)s")
    # The CLI turns the cyclic collector off for its one short run; a server lives for hours.
    gc.enable()
    stdin, stdout = _private_stdio()
    build_server().start_io(stdin, stdout)
    return 0


def _private_stdio() -> tuple[BinaryIO, BinaryIO]:
    """The protocol's own copies of stdin and stdout; ``sys.stdin`` becomes /dev/null and
    ``sys.stdout`` stderr.

    The first index parses in a process pool, forked from the engine's thread while pygls's
    reader thread sits in a read of stdin holding its lock: a forked worker that closes
    ``sys.stdin`` (multiprocessing does) or flushes ``sys.stdout`` would wait on that lock
    forever.  And a stray ``print`` anywhere can no longer corrupt the protocol stream.
    """
    stdin = os.fdopen(os.dup(0), "rb")
    stdout = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as the process
    sys.stdout = sys.stderr
    return stdin, stdout
