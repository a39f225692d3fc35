"""EngineAccess: how every server handler reaches the Workspace of the note it is about.

The server holds one :class:`vaultlint.workspace.Workspace` per vault: each of the editor's
workspace folders brings in the vault around it (found as ``vaultlint check FOLDER`` finds
it), two folders in one vault share its Workspace, and a note opened outside every folder
brings in the vault around that note.  Every Workspace lives on the one worker thread.

The contract between the server's modules (``app.py``, ``diagnostics.py``, ``actions.py``) and
``navigate.py`` / ``renames.py``, each of which exposes ``register(server, engine_access)``:

``engine_access.run(fn, at) -> concurrent.futures.Future``
    Runs ``fn(workspace)`` on the engine's single worker thread, with ``lock`` held, on the
    Workspace that holds the file-system path ``at`` (the innermost vault around it, when
    vaults nest), and returns a Future of its result.  Jobs run one at a time in submission
    order, and builds are jobs too, so ``fn`` always gets a built Workspace; if none holds
    ``at`` (no vault around it, its build failed, or the server is shutting down) the Future
    fails with :class:`WorkspaceUnavailable`.  Never block the message loop on the Future: in
    an async pygls handler write ``result = await asyncio.wrap_future(engine_access.run(fn, at))``.
    ``fn`` must not call ``run`` itself (single worker: it would wait for itself).

``engine_access.run_all(fn) -> concurrent.futures.Future``
    ``fn(workspaces)`` with every Workspace (a sequence, by root; perhaps empty), in one job:
    for what spans vaults (reports after a change, workspace diagnostics, file renames).

``engine_access.owner(fs_path)``
    Inside a job: the Workspace that ``run`` would give for ``fs_path``, or ``None``.

``engine_access.lock``
    A :class:`threading.Lock` that serialises every call on the Workspaces.  ``run`` takes it
    for you.

Paths given to and returned by a Workspace are vault paths ('/'-separated, relative to its
root); ``ws.vault_path(fs_path)`` and ``ws.fs_path(vault_path)`` convert, and
``pygls.uris.to_fs_path`` / ``from_fs_path`` go between URIs and file-system paths.
Positions: ``server/positions.py`` converts model spans (1-based, code points) to LSP ranges.
"""

from __future__ import annotations

import concurrent.futures
import gc
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from ..workspace import Workspace

T = TypeVar("T")
log = logging.getLogger(__name__)


class WorkspaceUnavailable(RuntimeError):
    """No Workspace to run on: no vault holds the file, its index failed, or the server is shutting down."""


class EngineAccess:
    """The server's Workspaces (one per vault, by root), their lock and the worker thread that runs all work on them.

    Besides ``run``, the server's document handlers use ``stage`` (an editor buffer or a file
    on disk changed) and ``take_changed`` (which vault paths' diagnostics may have changed
    since last asked): staged texts are applied at the start of the next job, the latest text
    of a file winning, so a burst of keystrokes costs one update, not one per key.  A file is
    told to every Workspace whose vault holds it (vaults may nest: both see the file).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        #: The built Workspaces by vault root.
        self.workspaces: dict[Path, Workspace] = {}
        #: Why a build failed, by the path it started from (folder or note): shown to the user.
        self.failed: dict[Path, str] = {}
        self._jobs: queue.SimpleQueue[tuple[concurrent.futures.Future[Any], Callable[[], Any]] | None] = (
            queue.SimpleQueue()
        )
        self._closed = False
        self._pending_lock = threading.Lock()
        self._pending: dict[str, str | None] = {}
        #: Builds queued and not done: while there are any, a staged text no Workspace holds yet
        #: is kept for the vault being built (a note opened in a new folder), not dropped.
        self._builds_queued = 0
        self._changed: dict[Path, set[str]] = {}
        #: Why staged changes could not be applied (a config file that stopped parsing, say), for
        #: the server to show; taken with ``take_problems``.
        self.problems: list[str] = []
        # One worker: work on a Workspace is serial anyway (the lock), one thread keeps the order
        # of jobs the order in which the editor's messages came, and vaults built one after the
        # other never compete for the two cores.  A daemon, so that an editor that quits while an
        # index is still being built is not kept waiting for it.
        self._thread = threading.Thread(target=self._work, name="vaultlint-engine", daemon=True)
        self._thread.start()

    # -- the contract ---------------------------------------------------------------------------
    def run(self, fn: Callable[[Workspace], T], at: str | Path) -> concurrent.futures.Future[T]:
        """``fn(workspace)`` on the worker with the lock held, on the Workspace holding ``at``."""

        def job() -> T:
            workspace = self.owner(at)
            if workspace is None:
                raise WorkspaceUnavailable(self._why_not(Path(at)))
            return fn(workspace)

        return self._submit(lambda: self._call(job))

    def run_all(self, fn: Callable[[Sequence[Workspace]], T]) -> concurrent.futures.Future[T]:
        """``fn(workspaces)`` with every Workspace (by root), in one job on the worker, the lock held."""
        return self._submit(lambda: self._call(lambda: fn([self.workspaces[root] for root in sorted(self.workspaces)])))

    def owner(self, fs_path: str | Path) -> Workspace | None:
        """The Workspace of the innermost vault holding ``fs_path`` (call it in a job)."""
        holding = [ws for ws in self.workspaces.values() if ws.vault_path(fs_path) is not None]
        return max(holding, key=lambda ws: len(ws.root.parts), default=None)

    # -- for the server's own handlers ----------------------------------------------------------
    def open_vault(self, start: Path, locate: Callable[[Path], Path], make: Callable[[Path], Workspace]) -> Any:
        """The vault around ``start`` (a folder, or a note), built on the worker unless it is already.

        ``locate(start)`` gives the vault root; ``make(root)`` builds its Workspace.  A Future of
        ``(workspace, built)``: ``built`` is False when a Workspace of that root was there already
        (two folders of one vault share it)."""

        def job() -> tuple[Workspace, bool]:
            try:
                root = locate(start)
                with self.lock:
                    known = self.workspaces.get(root)
                if known is not None:
                    return known, False
                workspace = make(root)
            except Exception as error:
                with self._pending_lock:
                    self.failed[start] = str(error) or type(error).__name__
                raise
            finally:
                with self._pending_lock:
                    self._builds_queued -= 1
            with self.lock:
                self.workspaces[workspace.root] = workspace
                self._changed.pop(workspace.root, None)
            with self._pending_lock:
                self.failed.pop(start, None)
            # Behind the jobs already waiting (the first diagnostics an editor asked for while the
            # vault was indexed), not before them: the rest of the index, so that the first
            # keystroke does not wait for it.
            self._submit(lambda: self._call(workspace.finish_index))
            return workspace, True

        with self._pending_lock:
            self._builds_queued += 1
        return self._submit(job)

    def close_vault(self, root: Path) -> concurrent.futures.Future[None]:
        """Let the Workspace of ``root`` go (its last folder was removed from the editor)."""

        def job() -> None:
            with self.lock:
                workspace = self.workspaces.pop(root, None)
                self._changed.pop(root, None)
                if workspace is None:
                    return
                workspace.close()
                if self.workspaces:
                    # close() unfroze every object the collector skips (gc.freeze is global): collect
                    # what was this vault's, then freeze the other vaults' again, so that collections
                    # do not walk their millions of objects on every keystroke.
                    gc.collect()
                    gc.freeze()

        return self._submit(job)

    def retry_failed(self) -> list[Path]:
        """The starts whose build failed, forgotten so that they can be tried again (a config changed)."""
        with self._pending_lock:
            starts, self.failed = list(self.failed), {}
        return starts

    def stage(self, fs_path: str, text: str | None) -> None:
        """``fs_path`` now holds ``text`` (``None``: read it from disk again); applied by the next job."""
        with self._pending_lock:
            self._pending[fs_path] = text

    def record_changed(self, workspace: Workspace, paths: Iterable[str]) -> None:
        """Add what a Workspace call returned (``rename``, ``remove``) to what ``take_changed`` reports."""
        self._changed.setdefault(workspace.root, set()).update(paths)

    def take_changed(self, workspace: Workspace) -> frozenset[str]:
        """The vault paths of ``workspace`` whose diagnostics may have changed since the last call (in a job)."""
        return frozenset(self._changed.pop(workspace.root, ()))

    def take_problems(self) -> list[str]:
        problems, self.problems = self.problems, []
        return problems

    def close(self, timeout: float = 5.0) -> None:
        """Close every Workspace after the jobs already queued; later ``run`` calls fail."""

        def job() -> None:
            with self.lock:
                workspaces, self.workspaces = list(self.workspaces.values()), {}
            for workspace in workspaces:
                workspace.close()

        done = self._submit(job)
        self._closed = True
        self._jobs.put(None)
        try:
            done.result(timeout=timeout)
        except Exception:  # a hung or failed job must not hang the editor's shutdown too
            log.warning("the vault index did not close cleanly", exc_info=True)

    # -- the worker -----------------------------------------------------------------------------
    def _submit(self, job: Callable[[], T]) -> concurrent.futures.Future[T]:
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        if self._closed:
            future.set_exception(WorkspaceUnavailable("the server is shutting down"))
        else:
            self._jobs.put((future, job))
        return future

    def _work(self) -> None:
        while (item := self._jobs.get()) is not None:
            future, job = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(job())
            except BaseException as error:  # handed to whoever waits on the future
                future.set_exception(error)

    def _call(self, job: Callable[[], T]) -> T:
        with self.lock:
            self._apply_staged()
            return job()

    def _why_not(self, path: Path) -> str:
        with self._pending_lock:
            failed = dict(self.failed)
        for start, error in failed.items():
            if path == start or path.is_relative_to(start if start.is_dir() else start.parent):
                return error
        return f"no vault holds {path}"

    def _apply_staged(self) -> None:
        with self._pending_lock:
            pending, self._pending = self._pending, {}
            keep_unheld = self._builds_queued > 0
        unheld: dict[str, str | None] = {}
        for fs_path, text in pending.items():
            holding = [ws for ws in self.workspaces.values() if ws.vault_path(fs_path) is not None]
            if not holding and keep_unheld:
                unheld[fs_path] = text  # perhaps in the vault being built: kept for it
            for workspace in holding:
                try:
                    self._changed.setdefault(workspace.root, set()).update(workspace.update(fs_path, text))
                except Exception as error:  # one bad file must not stop the server; the next change retries it
                    log.debug("could not update %s", fs_path, exc_info=True)
                    self.problems.append(f"{error}" or f"could not read {fs_path}: {type(error).__name__}")
        if unheld:
            with self._pending_lock:
                self._pending = {**unheld, **self._pending}  # a newer text staged meanwhile wins
