"""Ctrl-C during a URL check: stop at once, keep what was learnt, exit 130, no traceback."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import urlcheck_server as S

#: The run must end within a second of SIGINT; the bound holds with 3x margin on a loaded machine.
STOP_BOUND = 3.0


def _wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_sigint_keeps_the_url_results_learnt_and_exits_130(serve, tmp_path: Path) -> None:
    server = serve({"/a": S.ok(), "/b": S.ok(), "/hang": S.hang()})
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "note.md").write_text(
        f"[a]({server.url('/a')}) [b]({server.url('/b')}) [h]({server.url('/hang')})\n", encoding="utf-8"
    )
    # One request at a time to the host, in the note's order: when /hang arrives, the answers
    # for /a and /b have been taken in.  A hang is waited for far longer than the test: only
    # SIGINT can end this run.
    (vault / ".vaultlint.toml").write_text(
        "[urls]\nper-host-concurrency = 1\ntimeout = 60\nconnect-timeout = 60\n", encoding="utf-8"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "vaultlint", "check", "--allow-private-urls", "--color", "never", str(vault)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert _wait_for(lambda: server.count("/hang") >= 1, 20), "the check never got going"
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=STOP_BOUND + 10)
        elapsed = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = stderr.decode(errors="replace")
    assert process.returncode == 130, text
    assert elapsed < STOP_BOUND, f"took {elapsed:.2f} s to stop"
    assert "Traceback" not in text and "never retrieved" not in text, text
    assert "interrupted" in text
    with sqlite3.connect(vault / ".vaultlint-cache" / "urls.sqlite3") as db:
        stored = {row[0] for row in db.execute("SELECT url FROM results")}
    assert stored == {server.url("/a"), server.url("/b")}
    # The notes cache was written too: the next run parses nothing again.
    with sqlite3.connect(vault / ".vaultlint-cache" / "notes.sqlite3") as db:
        assert [row[0] for row in db.execute("SELECT path FROM notes")] == ["note.md"]
