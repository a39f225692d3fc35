"""Ctrl-C during a URL check: stop at once, keep what was learnt, exit 130, no traceback."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
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


def _default_sigint() -> None:
    """In the child, before exec: SIGINT's default action, whatever pytest inherited."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


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
        # Started with SIGINT ignored (nohup, a background job of a script), pytest's children
        # would inherit the ignore, and Python installs no Ctrl-C handler where SIGINT is ignored:
        # give the child the default disposition, as a terminal's Ctrl-C would find it.
        preexec_fn=_default_sigint,
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


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _hanging_vault(serve, tmp_path: Path) -> tuple[object, Path]:
    """A vault whose one URL hangs far longer than the test: only a signal ends its check."""
    server = serve({"/hang": S.hang()})
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "note.md").write_text(f"[[missing]] [h]({server.url('/hang')})\n", encoding="utf-8")
    (vault / ".vaultlint.toml").write_text("[urls]\ntimeout = 60\nconnect-timeout = 60\n", encoding="utf-8")
    return server, vault


def _sigint_once_hanging(server, vault: Path, *options: str, preexec_fn) -> subprocess.Popen[bytes]:
    """Start a check of ``vault``, send SIGINT once it waits on the hanging URL; the caller ends it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "vaultlint", "check", "--allow-private-urls", "--no-cache", *options, str(vault)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=preexec_fn,
    )
    try:
        assert _wait_for(lambda: server.count("/hang") >= 1, 20), "the check never got going"
        process.send_signal(signal.SIGINT)
    except BaseException:
        process.kill()
        process.communicate()
        raise
    return process


def test_started_with_sigint_ignored_it_stays_ignored(serve, tmp_path: Path) -> None:
    """Whoever started vaultlint with SIGINT ignored (a script's background job, a runner that
    handles Ctrl-C itself) meant it: like Python and the shells, vaultlint leaves that alone."""
    process = _sigint_once_hanging(*_hanging_vault(serve, tmp_path), preexec_fn=_ignore_sigint)
    try:
        assert not _wait_for(lambda: process.poll() is not None, 1.0), "SIGINT was obeyed though ignored"
    finally:
        process.kill()
        process.communicate()


@pytest.mark.parametrize("output_format", ["full", "json", "sarif"])
def test_sigint_in_any_output_format_prints_one_line_and_no_half_report(serve, tmp_path: Path, output_format) -> None:
    """Ctrl-C means "stop": exit 130 and one line on stderr, never a traceback or a report cut
    in the middle that a CI step would then upload as if it were whole."""
    server, vault = _hanging_vault(serve, tmp_path)
    process = _sigint_once_hanging(server, vault, "--output-format", output_format, preexec_fn=_default_sigint)
    try:
        stdout, stderr = process.communicate(timeout=STOP_BOUND + 10)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, stderr
    assert stderr.decode().strip() == "vaultlint: interrupted"
    assert stdout == b""
