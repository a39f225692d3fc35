"""EngineAccess: how every server handler reaches the one Workspace.

The contract between the server's modules (``app.py``, ``diagnostics.py``, ``actions.py``) and
``navigate.py`` / ``renames.py``, each of which exposes ``register(server, engine_access)``:

``engine_access.workspace``
    The :class:`vaultlint.workspace.Workspace`, or ``None`` before the first index is built
    (or when building it failed: the server then reports the error and answers empty).
    Read it only while holding ``lock`` (a Workspace is not thread-safe).

``engine_access.lock``
    A :class:`threading.Lock` that serialises every call on the Workspace.  ``run`` takes it
    for you; take it yourself only for a short read from a thread that is not the message loop.

``engine_access.run(fn) -> concurrent.futures.Future``
    Runs ``fn(workspace)`` on the engine's single worker thread, with ``lock`` held, and returns
    a Future of its result.  Jobs run one at a time in submission order, and the first job is
    the initial index build, so ``fn`` always gets a built Workspace; if there is none (the
    build failed, or the server is shutting down) the Future fails with
    :class:`WorkspaceUnavailable`.  Never block the message loop on the Future: in an async
    pygls handler write ``result = await asyncio.wrap_future(engine_access.run(fn))``.
    ``fn`` must not call ``run`` itself (single worker: it would wait for itself).

``engine_access.root``
    The vault root (:class:`pathlib.Path`) once the Workspace exists, else ``None``; safe to
    read without the lock (it never changes after the build).

Paths given to and returned by the Workspace are vault paths ('/'-separated, relative to the
root); ``ws.vault_path(fs_path)`` and ``ws.fs_path(vault_path)`` convert, and
``pygls.uris.to_fs_path`` / ``from_fs_path`` go between URIs and file-system paths.
Positions: ``server/positions.py`` converts model spans (1-based, code points) to LSP ranges.
"""

from __future__ import annotations

import concurrent.futures
import logging
import queue
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from ..workspace import Workspace

T = TypeVar("T")
log = logging.getLogger(__name__)


class WorkspaceUnavailable(RuntimeError):
    """There is no Workspace to run on: the first index failed, or the server is shutting down."""


class EngineAccess:
    """The one Workspace of a server, its lock and the worker thread that runs all work on it.

    Besides ``run``, the server's document handlers use ``stage`` (an editor buffer or a file
    on disk changed) and ``take_changed`` (which vault paths' diagnostics may have changed
    since last asked): staged texts are applied at the start of the next job, the latest text
    of a file winning, so a burst of keystrokes costs one update, not one per key.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.workspace: Workspace | None = None
        self.root: Path | None = None
        #: Why the last build failed (shown to the user), or None.
        self.build_error: str | None = None
        self._jobs: queue.SimpleQueue[tuple[concurrent.futures.Future[Any], Callable[[], Any]] | None] = (
            queue.SimpleQueue()
        )
        self._closed = False
        self._pending_lock = threading.Lock()
        self._pending: dict[str, str | None] = {}
        self._changed: set[str] = set()
        #: Why staged changes could not be applied (a config file that stopped parsing, say), for
        #: the server to show; taken with ``take_problems``.
        self.problems: list[str] = []
        # One worker: work on the Workspace is serial anyway (the lock), and one thread keeps the
        # order of jobs the order in which the editor's messages came.  A daemon, so that an editor
        # that quits while the first index is still being built is not kept waiting for it.
        self._thread = threading.Thread(target=self._work, name="vaultlint-engine", daemon=True)
        self._thread.start()

    # -- the contract ---------------------------------------------------------------------------
    def run(self, fn: Callable[[Workspace], T]) -> concurrent.futures.Future[T]:
        """``fn(workspace)`` on the worker thread with the lock held; a Future of its result."""
        return self._submit(lambda: self._call(fn))

    # -- for the server's own handlers ----------------------------------------------------------
    def build(self, make: Callable[[], Workspace]) -> concurrent.futures.Future[Workspace]:
        """Build (or rebuild) the Workspace on the worker; jobs submitted later run on it."""

        def job() -> Workspace:
            with self.lock:
                old, self.workspace = self.workspace, None
            if old is not None:
                old.close()
            try:
                workspace = make()
            except Exception as error:
                self.build_error = str(error) or type(error).__name__
                raise
            with self.lock:
                self.workspace = workspace
                self.root = workspace.root
                self.build_error = None
                self._changed.clear()
            # Behind the jobs already waiting (the first diagnostics an editor asked for while the
            # vault was indexed), not before them: the rest of the index, so that the first
            # keystroke does not wait for it.
            self.run(lambda ws: ws.finish_index())
            return workspace

        return self._submit(job)

    def stage(self, fs_path: str, text: str | None) -> None:
        """``fs_path`` now holds ``text`` (``None``: read it from disk again); applied by the next job."""
        with self._pending_lock:
            self._pending[fs_path] = text

    def record_changed(self, paths: Iterable[str]) -> None:
        """Add what a Workspace call returned (``rename``, ``remove``) to what ``take_changed`` reports."""
        self._changed.update(paths)

    def take_changed(self) -> frozenset[str]:
        """The vault paths whose diagnostics may have changed since the last call (call it in a job)."""
        changed, self._changed = frozenset(self._changed), set()
        return changed

    def take_problems(self) -> list[str]:
        problems, self.problems = self.problems, []
        return problems

    def close(self, timeout: float = 5.0) -> None:
        """Close the Workspace after the jobs already queued; later ``run`` calls fail."""

        def job() -> None:
            with self.lock:
                workspace, self.workspace = self.workspace, None
            if workspace is not None:
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

    def _call(self, fn: Callable[[Workspace], T]) -> T:
        with self.lock:
            workspace = self.workspace
            if workspace is None:
                raise WorkspaceUnavailable(self.build_error or "the vault is not indexed")
            self._apply_staged(workspace)
            return fn(workspace)

    def _apply_staged(self, workspace: Workspace) -> None:
        with self._pending_lock:
            pending, self._pending = self._pending, {}
        for fs_path, text in pending.items():
            if workspace.vault_path(fs_path) is None:
                continue  # outside the vault: nothing of ours
            try:
                self._changed.update(workspace.update(fs_path, text))
            except Exception as error:  # one bad file must not stop the server; the next change retries it
                log.debug("could not update %s", fs_path, exc_info=True)
                self.problems.append(f"{error}" or f"could not read {fs_path}: {type(error).__name__}")
