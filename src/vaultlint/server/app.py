"""The language server: lifecycle, open documents, files changed on disk, diagnostics.

Everything that touches the vault runs on the engine's worker thread (``state.EngineAccess``);
the handlers here run on pygls's message loop, hand work to the worker and await it, so a
keystroke is never queued behind a vault scan in the loop itself, and notifications to the
client are only ever sent from the loop.

Each workspace folder the editor names (or its root URI) brings in the vault around it,
found by the same rule as ``vaultlint check FOLDER`` (the nearest folder holding
``.obsidian``, a config file, ...), and a note opened outside every folder the vault around
that note; a vault is indexed once however many folders lie in it, and each request goes to
the vault that holds its note (``state.EngineAccess.run``).  The configuration is each
vault's own config file, as for the CLI.  External URLs are never checked here (no network per
keystroke): that is ``vaultlint check``'s job.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import os
import sys
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from .. import __version__
from ..config import CONFIG_NAMES
from . import actions, diagnostics, navigate, renames
from .headstart import HeadStart, Replayed
from .state import EngineAccess, WorkspaceUnavailable
from .vaults import editor_folders, open_workspace, vault_root

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
    """A pygls LanguageServer with the engine (one Workspace per vault) and the editor's open notes."""

    def __init__(self) -> None:
        super().__init__("vaultlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.engine = EngineAccess()
        self.options = ServerOptions()
        #: Open documents: the client's URI -> the file-system path.
        self.open: dict[str, str] = {}
        self.budget = diagnostics.WorkspaceBudget(_DEFAULT_CAP)
        #: The editor's workspace folders, each the start of one vault (two may share it).
        self.folders: list[Path] = []
        #: Where each vault was started from (a folder, or a note outside every folder) -> its root.
        self.started: dict[Path, Path] = {}
        #: Set whenever the vault's diagnostics may have changed (wakes a waiting workspace/diagnostic).
        self.vault_changed = asyncio.Event()
        #: Reports queued and not yet done: a newer one supersedes older ones (``report_changes``).
        self._generation = 0
        #: URIs whose change has not been reported yet (kept until a report covers them).
        self._unreported: set[str] = set()
        #: The progress bar of each build under way (by where it started), once the client made it.
        self._progress_tokens: dict[Path, str] = {}
        #: Each first build under way, by where it started: its last count (notes checked, notes in
        #: all), ``None`` before the first.
        self._progress_counts: dict[Path, tuple[int, int] | None] = {}
        #: Builds started while the client was being initialized, by where they started.
        self._unannounced: dict[Path, Any] = {}
        #: The forked copy of the engine that answers while the first build runs (``headstart.py``).
        self.head_start: HeadStart | None = None

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
    def start_build(self, path: Path, *, before_initialized: bool = False) -> None:
        """Index the vault holding ``path`` on the worker, with a progress report meanwhile.

        ``path`` is one of the editor's workspace folders, or a note outside all of them: then
        the vault is the one around that note, found as ``vaultlint check NOTE`` finds it (and
        every note in it is reported on, not only that one).  A vault already indexed (a second
        folder of it) is not indexed again.  ``before_initialized``: the client has not said
        ``initialized`` yet, so its progress bar, and what follows the build, wait for that
        (:meth:`announce_builds`)."""
        self.started.setdefault(path, path)
        self._progress_counts[path] = None  # a build under way (a reload's is not: see below)
        loop = asyncio.get_running_loop()

        def on_progress(done: int, total: int) -> None:  # on the worker thread: over to the loop
            with contextlib.suppress(RuntimeError):  # the loop is closed: the server is stopping
                loop.call_soon_threadsafe(self._report_progress, path, done, total)

        future = self.engine.open_vault(path, vault_root, functools.partial(open_workspace, on_progress=on_progress))
        if self.head_start is not None and path == self.head_start.folder:
            # Built: from now on only the server's own Workspace answers (and reports every open note).
            future.add_done_callback(lambda _: loop.call_soon_threadsafe(self.end_head_start))
        if before_initialized:
            self._unannounced[path] = future
        else:
            asyncio.ensure_future(self._after_build(path, future))

    def end_head_start(self) -> None:
        """The first build is done, or something changed that the head start does not follow
        (files on disk, renames, folders): it answers no more."""
        if self.head_start is not None:
            self.head_start.close()
            self.head_start = None

    async def early_diagnostics(self, uri: str, fs_path: str) -> list[types.Diagnostic] | None:
        """The diagnostics of an open note from the head start, while the first build runs;
        ``None`` once there is no head start, or when it cannot say."""
        head_start = self.head_start
        if head_start is None:
            return None
        try:
            texts = {fs: self.workspace.get_text_document(u).source for u, fs in self.open.items()}
            answer = await asyncio.wrap_future(head_start.answer(fs_path, texts))
            if answer is None or self.head_start is not head_start:
                return None  # built meanwhile: the server's own answer is the one to give
            if uri in self.open and self.workspace.get_text_document(uri).source != texts.get(fs_path):
                return None  # typed meanwhile: the answer is for an older text
            found, text = answer
            return diagnostics.for_note(found, text or "", self.encoding)
        except Exception:  # the head start only ever saves time: the build answers instead
            log.debug("the head start could not answer for %s", fs_path, exc_info=True)
            return None

    async def publish_early(self, uri: str, fs_path: str) -> None:
        """Push clients: an opened note's diagnostics from the head start, when it answers before
        the first build is done (the build then reports every open note again)."""
        if self.pull:
            return
        items = await self.early_diagnostics(uri, fs_path)
        if items is not None:
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=items))

    def announce_builds(self) -> None:
        """The client is initialized: the builds started before show their progress, and report
        what they found when done."""
        for path, future in self._unannounced.items():
            asyncio.ensure_future(self._after_build(path, future))
        self._unannounced.clear()

    def _report_progress(self, start: Path, done: int, total: int) -> None:
        """How far the build started at ``start`` is, shown once its progress bar is up (the bar is
        made by a round trip to the client, which a small vault's build may outrun: the last count
        is kept and shown when the bar comes).  A reload's build has no bar and shows nothing."""
        if start not in self._progress_counts:
            return
        self._progress_counts[start] = (done, total)
        token = self._progress_tokens.get(start)
        if token is not None:
            report = types.WorkDoneProgressReport(
                message=f"{done:,} of {total:,} notes", percentage=100 * done // total
            )
            self.work_done_progress.report(token, report)

    def covered(self, fs_path: str) -> bool:
        """Whether ``fs_path`` is in a folder or vault already started (its vault needs no new start)."""
        path = Path(fs_path)
        return any(path == start or path.is_relative_to(start) for start in {*self.folders, *self.started.values()})

    async def _after_build(self, start: Path, future: Any) -> None:
        token: str | None = None
        if self._can("window.work_done_progress"):
            token = f"vaultlint-index-{uuid.uuid4()}"
            try:
                await asyncio.wait_for(self.work_done_progress.create_async(token), timeout=10)
                self.work_done_progress.begin(
                    token, types.WorkDoneProgressBegin(title="vaultlint", message="indexing the vault", percentage=0)
                )
                self._progress_tokens[start] = token
                counted = self._progress_counts.get(start)
                if counted is not None:
                    self._report_progress(start, *counted)
            except Exception:  # the client refused or never answered: index without a progress bar
                token = None
        built = False
        try:
            workspace, built = await asyncio.wrap_future(future)
            if built or start in self.folders:
                self.started[start] = workspace.root
            else:  # a note of a vault a folder brought in (opened while it was indexed): not a start
                self.started.pop(start, None)
            done = f"indexed {workspace.root}" if built else f"{workspace.root} is indexed already"
        except Exception as error:
            done = f"could not index the vault: {error}"
            self.window_show_message(
                types.ShowMessageParams(type=types.MessageType.Error, message=f"vaultlint: {done}")
            )
        self._progress_counts.pop(start, None)
        if token is not None:
            self._progress_tokens.pop(start, None)
            self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=done))
        if built or self.options.workspace_diagnostics:  # a new vault, or a new folder of one to report on
            await self.report_everything()

    async def remove_folder(self, folder: Path) -> None:
        """The editor closed ``folder``: its vault is let go unless another folder or an open note
        is in it (then it stays, as if that note had brought it in), and what workspace mode
        reported for the folder is cleared."""
        if folder in self.folders:
            self.folders.remove(folder)
        root = self.started.pop(folder, None)
        if root is None:
            return
        if root not in self.started.values() and any(self.covers(root, p) for p in self.open.values()):
            self.started[root] = root
        if root in self.started.values():
            await self.report_everything()
            return
        await asyncio.wrap_future(self.engine.close_vault(root))
        gone = [uri for uri in self.budget.reported if self.covers(root, to_fs_path(uri) or "")]
        for uri in gone:
            self.budget.admit(uri, 0)
            if not self.pull:
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        if gone and self.pull:
            self._ask_client_to_pull()
        self.vault_changed.set()

    @staticmethod
    def covers(root: Path, fs_path: str) -> bool:
        return Path(fs_path).is_relative_to(root)

    # -- reporting -------------------------------------------------------------------------------
    async def report_everything(self) -> None:
        """After an index was (re)built: every open note, and in workspace mode the vaults."""
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
        open_now, areas = dict(self.open), self.areas()
        encoding, pull, workspace_mode = self.encoding, self.pull, self.options.workspace_diagnostics

        def collect(workspaces: Sequence[Any]) -> list[tuple[str, list[types.Diagnostic]]] | None:
            if generation is not None and generation != self._generation:
                return None  # a later report is queued: it reports for this change too
            reports: list[tuple[str, list[types.Diagnostic]]] = []
            for ws in workspaces:
                reports.extend(vault_reports(ws))
            return reports

        def vault_reports(ws: Any) -> list[tuple[str, list[types.Diagnostic]]]:
            changed = self.engine.take_changed(ws)
            by_path = {ws.vault_path(fs): uri for uri, fs in open_now.items() if self.engine.owner(fs) is ws}
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
                reports.extend(self._workspace_reports(ws, None if uris is None else changed, set(open_now), areas))
            return reports

        try:
            reports = await asyncio.wrap_future(self.engine.run_all(collect))
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

    def areas(self) -> tuple[Path, ...]:
        """What workspace mode reports on: the editor's folders, and the vaults of notes opened
        outside them (a vault indexed whole for a folder inside it is reported on for that folder)."""
        return (*self.folders, *(root for start, root in self.started.items() if start not in self.folders))

    def _workspace_reports(
        self, ws: Any, paths: Iterable[str] | None, skip: set[str], areas: Sequence[Path]
    ) -> list[tuple[str, list[types.Diagnostic]]]:
        """Workspace mode, on the worker: the reports of ``ws`` for ``paths`` (``None``: its whole
        vault) within ``areas``, without the URIs in ``skip``, nor notes that a vault nested in it
        reports.  A note reported before and now outside the areas is cleared."""
        as_vault_paths = ("" if Path(os.path.realpath(area)) == ws.root else ws.vault_path(area) for area in areas)
        prefixes = [prefix for prefix in as_vault_paths if prefix is not None]
        if paths is None:
            found: dict[str, list[Any]] = {}
            for uri in self.budget.reported:  # reported before: cleared if they have nothing now
                path = ws.vault_path(to_fs_path(uri) or "")
                if path is not None:
                    found[path] = []
            for diagnostic in ws.diagnostics():
                found.setdefault(diagnostic.path, []).append(diagnostic)
        else:
            found = {path: list(ws.diagnostics(path)) for path in paths}  # a file gone has none
        nested = len(self.engine.workspaces) > 1
        reports = []
        for path, items in found.items():
            fs_path = str(ws.fs_path(path))
            uri = from_fs_path(fs_path)
            if uri in skip or (nested and self.engine.owner(fs_path) is not ws):
                continue
            if not any(p in ("", path) or path.startswith(p + "/") for p in prefixes):
                items = []  # outside the folders: not reported, and cleared if it was
            if not self.budget.admit(uri, len(items)):
                continue
            reports.append((uri, diagnostics.for_note(items, ws.text(path) if items else "", self.encoding)))
        return reports

    # -- documents -------------------------------------------------------------------------------
    def document_path(self, uri: str) -> str | None:
        """The file-system path of a ``file:`` URI, else None (an unsaved buffer, a remote file)."""
        if not uri.startswith("file:"):
            return None
        return to_fs_path(uri)


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
        folder_uris = [folder.uri for folder in params.workspace_folders or ()]
        ls.folders = editor_folders(folder_uris, params.root_uri, params.root_path)
        if ls.head_start is not None and ls.folders != [ls.head_start.folder]:
            ls.end_head_start()  # read from the same message: only a client that changed its mind
        # Every folder's vault now, one after the other on the worker: the editor named them as
        # what the user works in, a rename in any of them needs its index, and a vault two
        # folders share is indexed once.  Started here, not at `initialized`, the index is built
        # while the editor takes in the answer; the server says nothing to the client until then.
        for folder in ls.folders:
            ls.start_build(folder, before_initialized=True)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: VaultlintServer, params: types.InitializedParams) -> None:
        ls.announce_builds()
        if ls._can("workspace.did_change_watched_files.dynamic_registration"):
            await _watch_files(ls)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def folders_changed(ls: VaultlintServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        ls.end_head_start()
        for removed in params.event.removed:
            if removed.uri.startswith("file:"):
                await ls.remove_folder(Path(to_fs_path(removed.uri)))
        for added in params.event.added:
            folder = Path(to_fs_path(added.uri)) if added.uri.startswith("file:") else None
            if folder is not None and folder not in ls.folders:
                ls.folders.append(folder)
                ls.start_build(folder)

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: VaultlintServer, params: None) -> None:
        ls.end_head_start()
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
        if not ls.covered(fs_path):
            ls.start_build(Path(fs_path))  # outside every folder: the vault around this note
            return  # the build reports every open note when it is done
        if ls.head_start is not None:
            asyncio.ensure_future(ls.publish_early(uri, fs_path))
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


def _root_of(ls: VaultlintServer, path: Path) -> Path | None:
    """The innermost vault root (or start, while it is being indexed) that holds ``path``."""
    holding = [root for root in ls.started.values() if path == root or path.is_relative_to(root)]
    return max(holding, key=lambda root: len(root.parts), default=None)


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
        ls.end_head_start()  # it read the disk before this change
        config_changed = False
        for change in params.changes:
            fs_path = ls.document_path(change.uri)
            if fs_path is None:
                continue
            path = Path(fs_path)
            root = _root_of(ls, path)
            if _is_config(path, root):
                config_changed = True
            elif _is_hidden(path, root):
                continue  # .git churn during a commit, a sync tool's .trash: not the vault
            if change.type == types.FileChangeType.Changed and change.uri in ls.open:
                continue  # an open note's buffer wins over the disk
            # Created, changed or deleted, a note or a whole folder: the Workspace reads the disk
            # again and re-checks what depends on it (a settings file makes the vaults that hold
            # it reload; the others do not see it).
            ls.engine.stage(fs_path, None)
        if config_changed:
            for start in ls.engine.retry_failed():
                ls.start_build(start)  # its last config was unusable: try the new one
        await ls.report_changes()

    @server.feature(
        types.WORKSPACE_DID_RENAME_FILES,
        types.FileOperationRegistrationOptions(
            filters=[types.FileOperationFilter(scheme="file", pattern=types.FileOperationPattern(glob="**/*"))]
        ),
    )
    async def files_renamed(ls: VaultlintServer, params: types.RenameFilesParams) -> None:
        ls.end_head_start()
        moves = [(ls.document_path(f.old_uri), ls.document_path(f.new_uri)) for f in params.files]

        def moved(workspaces: Sequence[Any]) -> None:
            # Each vault that holds either end: a move between two vaults is a file gone from
            # one (``rename`` drops it) and a new file in the other.
            for ws in workspaces:
                for old, new in moves:
                    if old and new and (ws.vault_path(old) is not None or ws.vault_path(new) is not None):
                        ls.engine.record_changed(ws, ws.rename(old, new))

        try:
            await asyncio.wrap_future(ls.engine.run_all(moved))
        except WorkspaceUnavailable:
            pass
        except Exception:  # one odd event must not stop the server
            log.exception("could not apply a file change")
        await ls.report_changes()


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
            path = ws.vault_path(fs_path)
            if path is None:
                return []
            return diagnostics.for_note(ws.diagnostics(path), ws.text(path), encoding)

        items = await _first_answer(ls, params.text_document.uri, fs_path, collect) if fs_path else []
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
            areas = ls.areas()
            try:
                reports = await asyncio.wrap_future(
                    ls.engine.run_all(
                        lambda wss, areas=areas: [
                            r for ws in wss for r in ls._workspace_reports(ws, None, set(), areas)
                        ]
                    )
                )
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


async def _first_answer(ls: VaultlintServer, uri: str, fs_path: str, collect: Callable[[Any], Any]) -> Any:
    """``collect`` run on the note's Workspace; while the first build runs, the head start's
    answer instead when it comes first."""
    own = asyncio.ensure_future(asyncio.wrap_future(ls.engine.run(collect, fs_path)))
    if ls.head_start is not None:
        early = asyncio.ensure_future(ls.early_diagnostics(uri, fs_path))
        await asyncio.wait((own, early), return_when=asyncio.FIRST_COMPLETED)
        if early.done() and early.result() is not None:
            own.add_done_callback(_consume)
            return early.result()
        early.cancel()
    try:
        return await own
    except WorkspaceUnavailable:
        return []


def _consume(future: asyncio.Future[Any]) -> None:
    """An answer nobody waits for any more: its error, if any, is expected and not logged."""
    if not future.cancelled():
        future.exception()


def main(first_bytes: bytes = b"", head_start: HeadStart | None = None) -> int:
    """``vaultlint server``: speak LSP on stdin/stdout until the editor says exit.

    ``first_bytes``: what ``headstart.begin`` read of stdin ahead of pygls (given to it first);
    ``head_start``: the forked engine that answers while the first build runs."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="vaultlint server: %(message)s")
    # The CLI turns the cyclic collector off for its one short run; a server lives for hours.
    gc.enable()
    stdin, stdout = _private_stdio()
    server = build_server()
    server.head_start = head_start
    server.start_io(Replayed(stdin, first_bytes), stdout)
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
