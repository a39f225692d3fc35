"""The head start: the editor's vault indexed on the second core while the server imports its framework.

A server started on a vault whose cache is warm spends most of the time before its first
answer on two things that need not wait for each other: importing the protocol framework
(lsprotocol, pygls, asyncio: about 0.3 s) and building the index from the cache (0.2 s on
13,000 notes).  Both are Python, so threads would take turns; a process runs them at once.

So before importing the framework, ``vaultlint server`` reads the client's first message (the
``initialize`` request, sent as soon as the server is spawned), and when it names exactly one
folder whose vault has a cache, forks: the child builds that vault's Workspace exactly as the
server will (``vaults.open_workspace``, one job, no pool), then answers "the diagnostics of this
note, with these editor texts" over a pipe.  The server builds its own Workspace as always;
until that is done, a note's diagnostics come from whichever answers first, the child or the
server's own build.  When the build is done, or when anything but an editor's text changes
(files on disk, renames, folders), the child is told to stop: from then on only the server's
Workspace answers, and it reports every open note again.  Without a cache, or with one that
answers for too few notes (another version's, a distant branch's), the child steps aside at
once: the server's own build then has both cores, as it needs.

The child is the same engine on the same files, so it gives the same answers; it never writes
to stdout (the protocol's), and it exits on a stop, on the end of its pipe, and on any error.
The message read ahead is handed to pygls unchanged (:class:`Replayed`).
"""

from __future__ import annotations

import concurrent.futures
import json
import os
import pickle
import select
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any, BinaryIO

from .vaults import editor_folders, has_stored_results, open_workspace, vault_root

#: How long to wait for the client's first message before starting without a head start.
FIRST_MESSAGE_WAIT = 0.5
#: A header longer than this is not the start of a language server message.
_MAX_HEADER = 8192
#: Nor is a body longer than this (an ``initialize`` request is a few KB).
_MAX_BODY = 16 * 1024 * 1024

#: What the child answers: the note's diagnostics and the text they were found in.
Answer = tuple[tuple[Any, ...], str | None]


class HeadStart:
    """The parent's end: asks the child, one question at a time, on a thread of its own."""

    def __init__(self, folder: Path, pid: int, requests: BinaryIO, answers: BinaryIO) -> None:
        #: The one editor folder whose vault the child indexes.
        self.folder = folder
        self._pid = pid
        self._requests, self._answers = requests, answers
        self._jobs = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="vaultlint-head-start")
        self.closed = False

    def answer(self, fs_path: str, texts: Mapping[str, str]) -> concurrent.futures.Future[Answer | None]:
        """The diagnostics of ``fs_path`` with the editor's unsaved ``texts`` (by file-system
        path) standing in for the disk; ``None`` when the child cannot say (no cache, a note
        outside its vault, the child gone)."""
        if self.closed:
            done: concurrent.futures.Future[Answer | None] = concurrent.futures.Future()
            done.set_result(None)
            return done
        return self._jobs.submit(self._exchange, fs_path, dict(texts))

    def close(self) -> None:
        """Tell the child to stop (after a question under way) and reap it; idempotent."""
        if self.closed:
            return
        self.closed = True
        self._jobs.submit(self._stop)
        self._jobs.shutdown(wait=False)

    def _exchange(self, fs_path: str, texts: dict[str, str]) -> Answer | None:
        try:
            pickle.dump((fs_path, texts), self._requests)
            self._requests.flush()
            answer = pickle.load(self._answers)
        except Exception:  # the child is gone, or said something odd: the server's own build answers
            return None
        return answer if isinstance(answer, tuple) else None

    def _stop(self) -> None:
        for stream in (self._requests, self._answers):
            try:
                stream.close()  # the child reads the end of its pipe and exits
            except OSError:
                pass
        try:
            os.waitpid(self._pid, 0)
        except ChildProcessError:
            pass


class Replayed:
    """A binary stream that gives ``head`` first, then the rest of ``stream``: the message read
    ahead goes to pygls as if nobody had read it (pygls calls ``readline`` and ``read(n)``)."""

    def __init__(self, stream: BinaryIO, head: bytes) -> None:
        self._stream, self._head = stream, head

    def readline(self, limit: int = -1) -> bytes:
        if not self._head:
            return self._stream.readline(limit)
        end = self._head.find(b"\n") + 1 or len(self._head)
        if limit >= 0:
            end = min(end, limit)
        line, self._head = self._head[:end], self._head[end:]
        if line.endswith(b"\n") or (limit >= 0 and len(line) >= limit):
            return line
        return line + self._stream.readline(-1 if limit < 0 else limit - len(line))

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            data, self._head = self._head, b""
            return data + self._stream.read()
        data, self._head = self._head[:size], self._head[size:]
        if len(data) < size:
            data += self._stream.read(size - len(data))
        return data

    def close(self) -> None:
        self._stream.close()

    def fileno(self) -> int:
        return self._stream.fileno()


def begin(fd: int = 0) -> tuple[bytes, HeadStart | None]:
    """Read the client's first message from ``fd`` and start the head start it allows.

    Returns the bytes read (to give to pygls first) and the head start, or ``None``: on a
    platform without ``fork``, when nothing came within :data:`FIRST_MESSAGE_WAIT`, or when the
    message is not an ``initialize`` naming exactly one folder."""
    if not hasattr(os, "fork") or sys.platform == "win32":
        return b"", None
    head = _first_message(fd)
    folder = _only_folder(head)
    if folder is None:
        return head, None
    return head, _fork(folder)


def _first_message(fd: int) -> bytes:
    """What the client sent first, up to the end of its first message (perhaps more: all is replayed)."""
    read = b""
    try:
        if not select.select([fd], [], [], FIRST_MESSAGE_WAIT)[0]:
            return read
        while b"\r\n\r\n" not in read:
            chunk = os.read(fd, 65536)
            if not chunk or len(read) > _MAX_HEADER:
                return read + chunk
            read += chunk
        length = _content_length(read)
        end = read.index(b"\r\n\r\n") + 4 + (length or 0)
        while length is not None and length <= _MAX_BODY and len(read) < end:
            chunk = os.read(fd, end - len(read))
            if not chunk:
                break
            read += chunk
    except (OSError, ValueError):
        pass  # not a pipe select can wait on: pygls reads whatever comes
    return read


def _content_length(data: bytes) -> int | None:
    header = data[: data.index(b"\r\n\r\n")].decode("ascii", "replace")
    for line in header.split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length" and value.strip().isdigit():
            return int(value.strip())
    return None


def _only_folder(message: bytes) -> Path | None:
    """The one folder an ``initialize`` request names; ``None`` for anything else (then the
    server starts as it always did)."""
    start = message.find(b"\r\n\r\n")
    length = _content_length(message) if start >= 0 else None
    if length is None or len(message) < start + 4 + length:
        return None
    try:
        request = json.loads(message[start + 4 : start + 4 + length])
        params = request["params"] if request.get("method") == "initialize" else None
        if not isinstance(params, dict):
            return None
        folders = params.get("workspaceFolders") or []
        uris = [folder.get("uri") for folder in folders if isinstance(folder, dict)]
        found = editor_folders(
            [uri for uri in uris if isinstance(uri, str)],
            params.get("rootUri") if isinstance(params.get("rootUri"), str) else None,
            params.get("rootPath") if isinstance(params.get("rootPath"), str) else None,
        )
    except (ValueError, TypeError, AttributeError, KeyError):
        return None
    return found[0] if len(found) == 1 else None


def _fork(folder: Path) -> HeadStart | None:
    requests_read, requests_write = os.pipe()
    answers_read, answers_write = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (requests_read, requests_write, answers_read, answers_write):
            os.close(fd)
        return None
    if pid == 0:  # the child: never returns
        os.close(requests_write)
        os.close(answers_read)
        _child(folder, os.fdopen(requests_read, "rb"), os.fdopen(answers_write, "wb"))
    os.close(requests_read)
    os.close(answers_write)
    return HeadStart(folder, pid, os.fdopen(requests_write, "wb"), os.fdopen(answers_read, "rb"))


class _Cold(Exception):
    """The cache answers for too few notes: the head start is not worth a core."""


class _GiveUpWhenCold:
    """The child's progress callback: it gives up once it has checked a twentieth of the vault's
    notes from scratch (a cache left by another version of vaultlint, or by a branch far from
    this one): the server's own build, with a pool on both cores, will be first, and the child
    would only slow it down.  Notes answered from the cache count in one large step; a check
    from scratch counts in the small steps of one in a hundred."""

    def __init__(self) -> None:
        self._done = 0
        self._from_scratch = 0

    def __call__(self, done: int, total: int) -> None:
        step, self._done = done - self._done, done
        if step <= max(1, total // 50):
            self._from_scratch += step
            if self._from_scratch > total // 20:
                raise _Cold


def _child(folder: Path, requests: IO[bytes], answers: IO[bytes]) -> None:
    """Build the vault's Workspace from its cache, then answer until told to stop; exit, always."""
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)  # the protocol's streams are the server's alone
        os.dup2(devnull, 1)
        root = vault_root(folder)
        if not has_stored_results(root):
            return  # a cold start: the server's own build, on both cores, is the fastest
        workspace = open_workspace(root, on_progress=_GiveUpWhenCold(), jobs=1)
        applied: dict[str, str] = {}
        while True:
            try:
                request = pickle.load(requests)
            except EOFError:
                return
            fs_path, texts = request
            for gone in applied.keys() - texts.keys():
                workspace.update(gone, None)  # a note closed in the editor: the disk counts again
            for path, text in texts.items():
                if applied.get(path) != text:
                    workspace.update(path, text)
            applied = texts
            path = workspace.vault_path(fs_path)
            answer = None if path is None else (workspace.diagnostics(path), workspace.text(path))
            pickle.dump(answer, answers)
            answers.flush()
    except BaseException:  # noqa: BLE001, S110 - the child never reaches the server's code
        pass
    finally:
        os._exit(0)
