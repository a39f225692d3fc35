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
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from ..workspace import Workspace

T = TypeVar("T")


class WorkspaceUnavailable(RuntimeError):
    """There is no Workspace to run on: the first index failed, or the server is shutting down."""


class EngineAccess:
    """The one Workspace of a server, its lock and the worker thread that runs all work on it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.workspace: Workspace | None = None
        self.root: Path | None = None
        # One worker: work on the Workspace is serial anyway (the lock), and one thread keeps
        # the order of jobs the order in which the editor's messages came.
        self._worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="vaultlint-engine")

    def run(self, fn: Callable[[Workspace], T]) -> concurrent.futures.Future[T]:
        """``fn(workspace)`` on the worker thread with the lock held; a Future of its result."""
        try:
            return self._worker.submit(self._call, fn)
        except RuntimeError:  # the worker is shut down: the server is closing
            failed: concurrent.futures.Future[T] = concurrent.futures.Future()
            failed.set_exception(WorkspaceUnavailable("the server is shutting down"))
            return failed

    def build(self, make: Callable[[], Workspace]) -> concurrent.futures.Future[Workspace]:
        """Build the Workspace on the worker (the server calls this once, before any ``run``)."""

        def job() -> Workspace:
            workspace = make()
            with self.lock:
                self.workspace = workspace
                self.root = workspace.root
            return workspace

        return self._worker.submit(job)

    def _call(self, fn: Callable[[Workspace], T]) -> T:
        with self.lock:
            workspace = self.workspace
            if workspace is None:
                raise WorkspaceUnavailable("the vault is not indexed")
            return fn(workspace)

    def close(self) -> None:
        """Finish the queued jobs, then close the Workspace; later ``run`` calls fail."""

        def job() -> None:
            with self.lock:
                workspace, self.workspace = self.workspace, None
            if workspace is not None:
                workspace.close()

        try:
            self._worker.submit(job).result(timeout=30)
        except (concurrent.futures.TimeoutError, RuntimeError):
            pass  # already shut down, or a job hangs: do not hang the exit with it
        self._worker.shutdown(wait=False, cancel_futures=True)
