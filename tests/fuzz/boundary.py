"""The trust boundary, as the harness and the regression tests see it: what lies outside the vault
must not change, and what the environment holds must not leave the process.

Shared by ``tests/test_paths_boundary.py`` (issue 16's reproductions), ``tests/fuzz/test_fuzz.py``
(a few generated hostile vaults in CI) and ``bench/fuzz_long.py`` (the long run).
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

#: A run of the CLI on a small hostile vault: a hang is a failure, not a stuck CI job.
RUN_TIMEOUT = 60
#: Address space a run may take: a read that follows /dev/zero fails here within a second,
#: instead of taking the machine's memory (7 GB in 15 s, issue 16).
MEMORY_LIMIT = 2 * 1024**3


def snapshot(folder: Path) -> dict[str, str]:
    """Everything under ``folder`` (links not followed): path -> kind and content hash or link target.

    Comparing two snapshots says whether anything was created, removed or changed there.
    """
    found: dict[str, str] = {}
    for current, folders, files in os.walk(folder, followlinks=False):
        for name in folders + files:
            path = os.path.join(current, name)
            relative = os.path.relpath(path, folder)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                found[relative] = "link -> " + os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                with open(path, "rb") as handle:
                    found[relative] = (
                        f"file {stat.S_IMODE(info.st_mode):o} " + hashlib.sha256(handle.read()).hexdigest()
                    )
            elif stat.S_ISDIR(info.st_mode):
                found[relative] = "folder"
            else:
                found[relative] = f"special {stat.S_IFMT(info.st_mode):o}"
    return found


def changes(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    """What differs between two snapshots, one line each."""
    lines = [f"created {p}" for p in sorted(set(after) - set(before))]
    lines += [f"removed {p}" for p in sorted(set(before) - set(after))]
    lines += [f"changed {p}" for p in sorted(set(before) & set(after)) if before[p] != after[p]]
    return lines


#: ``python -c`` this, then ``vaultlint ARGS``: the child limits its own address space and runs
#: the CLI as ``python -m vaultlint`` does (no ``preexec_fn``: not safe while the recorder's thread runs).
_BOUNDED = (
    "import resource, sys\n"
    "resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))\n"
    "sys.argv = ['vaultlint', *sys.argv[2:]]\n"
    "from vaultlint.cli import entry_point\n"
    "entry_point()\n"
)


def run_cli(
    args: Sequence[str], cwd: Path, env: Mapping[str, str] | None = None, timeout: float = RUN_TIMEOUT
) -> subprocess.CompletedProcess[str]:
    """``vaultlint ARGS`` in a subprocess, as a user runs it: bounded in time and in memory (POSIX)."""
    return subprocess.run(
        [sys.executable, "-c", _BOUNDED, str(MEMORY_LIMIT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        check=False,
    )


class Recorder:
    """A loopback HTTP server that answers 200 to everything and keeps every request it was sent."""

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = min(int(self.headers.get("Content-Length") or 0), 1 << 20)
                body = self.rfile.read(length) if length else b""
                recorder.requests.append(f"{self.requestline}\n{self.headers}".encode() + body)
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            do_GET = do_HEAD = do_POST = _answer  # noqa: N815 - http.server's names

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]

    def leaked(self, secret: str) -> list[str]:
        """The requests that carried ``secret``, one line each."""
        return [r.decode("latin-1").split("\n", 1)[0] for r in self.requests if secret.encode() in r]


@contextmanager
def recording_server() -> Iterator[Recorder]:
    recorder = Recorder()
    thread = threading.Thread(target=recorder.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        recorder.server.shutdown()
        recorder.server.server_close()
        thread.join(timeout=5)
