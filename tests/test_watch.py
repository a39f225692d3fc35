"""``vaultlint check --watch``: a real process on a real vault, changed the way editors and git change it.

Each round ends with one time-stamped line on stderr; the tests count those lines and read the
round's report from ``-o`` (JSON), written before the line.  Every wait is bounded.
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import run, write_vault

from vaultlint.cli import main
from vaultlint.watch.changes import Batch, Event, Place, classify

#: A round is printed well within this after a change (a busy 2-core machine, a cold interpreter).
ROUND_BOUND = 8.0
#: Quiet period in which no round may be printed (several times the watch's own batching time).
QUIET = 0.4

ROUND_LINE = re.compile(r"^\[\d\d:\d\d:\d\d\] .*; watching for changes$")


def _default_sigint() -> None:
    """In the child, before exec: SIGINT's default action, as a terminal's Ctrl-C would find it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Watch:
    """``vaultlint check --watch`` running on ``vault``; its stderr read line by line as it comes."""

    def __init__(self, vault: Path, report: Path, *options: str) -> None:
        self.report = report
        self.process = subprocess.Popen(
            [sys.executable, "-m", "vaultlint", "check", "--watch", "--offline", "--color", "never"]
            + ["--output-format", "json", "-o", str(report), *options, str(vault)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            preexec_fn=_default_sigint,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr: list[str] = []
        self.stdout: list[str] = []
        threading.Thread(target=self._read, args=(self.process.stderr, self.stderr, True), daemon=True).start()
        threading.Thread(target=self._read, args=(self.process.stdout, self.stdout, False), daemon=True).start()

    def _read(self, stream, into: list[str], queued: bool) -> None:
        for line in stream:
            into.append(line)
            if queued:
                self.lines.put(line.rstrip("\n"))
        if queued:
            self.lines.put(None)

    def next_round(self, timeout: float = ROUND_BOUND) -> list[tuple[str, str]]:
        """Wait for the next round; its diagnostics as ``(path, code)``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no round within {timeout} s; stderr: {''.join(self.stderr)}") from None
            if line is None:
                raise AssertionError(f"the watch ended: {''.join(self.stderr)}")
            if ROUND_LINE.match(line):
                return sorted((d["path"], d["code"]) for d in json.loads(self.report.read_text(encoding="utf-8")))

    def rounds_within(self, seconds: float) -> list[str]:
        """The round lines printed in the next ``seconds``."""
        deadline = time.monotonic() + seconds
        found = []
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                break
            if line is not None and ROUND_LINE.match(line):
                found.append(line)
        return found

    def interrupt(self, timeout: float = 10.0) -> int:
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=timeout)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def watching(tmp_path: Path):
    started: list[Watch] = []

    def start(vault: Path, *options: str) -> Watch:
        watch = Watch(vault, tmp_path / "report.json", *options)
        started.append(watch)
        return watch

    yield start
    for watch in started:
        watch.close()


def test_each_change_prints_the_new_result(tmp_path: Path, watching) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": "[[b]] [[missing]]\n", "b.md": "# B\n"})
    watch = watching(vault)
    assert watch.next_round() == [("a.md", "LK001")]

    (vault / "a.md").write_text("[[b]]\n", encoding="utf-8")  # an edit fixes the link
    assert watch.next_round() == []

    (vault / "b.md").rename(vault / "c.md")  # a rename breaks it
    assert watch.next_round() == [("a.md", "LK001")]

    (vault / "sub").mkdir()
    (vault / "sub" / "b.md").write_text("# B again\n", encoding="utf-8")  # a new note mends it
    assert watch.next_round() == []

    (vault / "sub" / "b.md").unlink()  # a deletion breaks it again
    assert watch.next_round() == [("a.md", "LK001")]

    (vault / "c.md").rename(vault / "sub" / "b.md")  # a move into a folder
    assert watch.next_round() == []

    (vault / "a.md").write_text("[[sub/b]]\n", encoding="utf-8")
    assert watch.next_round() == []
    (vault / "sub").rename(vault / "folder")  # a folder's rename moves the note the path names
    assert watch.next_round() == [("a.md", "LK001")]


def test_a_config_change_reloads_the_settings(tmp_path: Path, watching) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": "[[missing]]\n"})
    watch = watching(vault)
    assert watch.next_round() == [("a.md", "LK001")]
    (vault / ".vaultlint.toml").write_text('ignore = ["LK001"]\n', encoding="utf-8")
    assert watch.next_round() == []
    # A broken config is said in one line; the watch goes on and takes the mended one.
    (vault / ".vaultlint.toml").write_text("ignore = [\n", encoding="utf-8")
    deadline = time.monotonic() + ROUND_BOUND
    while not any("vaultlint: error:" in line for line in watch.stderr) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert any("vaultlint: error:" in line and "waiting for the next change" in line for line in watch.stderr)
    (vault / ".vaultlint.toml").write_text("ignore = []\n", encoding="utf-8")
    assert watch.next_round() == [("a.md", "LK001")]
    assert "Traceback" not in "".join(watch.stderr)


def test_a_config_file_outside_the_vault_is_watched_too(tmp_path: Path, watching) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": "[[missing]]\n"})
    config = tmp_path / "settings" / "vaultlint.toml"
    config.parent.mkdir()
    config.write_text("ignore = []\n", encoding="utf-8")
    watch = watching(vault, "--config", str(config))
    assert watch.next_round() == [("a.md", "LK001")]
    config.write_text('ignore = ["LK001"]\n', encoding="utf-8")
    assert watch.next_round() == []


def test_its_own_writes_and_files_outside_the_vault_start_no_round(tmp_path: Path, watching) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": "[[missing]]\n", ".gitignore": "build/\n"})
    # The report inside the vault (written on every round) must not start a round, nor the cache
    # folder (a `vaultlint check` in another terminal writes it), even where it is no dot-folder.
    watch = Watch(vault, vault / "report.json", "--cache-dir", str(vault / "cache"))
    try:
        assert watch.next_round() == [("a.md", "LK001")]
        assert watch.rounds_within(QUIET) == []
        (vault / "cache").mkdir(exist_ok=True)  # the watch's own cache may already be there
        (vault / "cache" / "notes.sqlite3").write_bytes(b"x")
        assert watch.rounds_within(QUIET) == []
        # Not the vault's: a dot-folder (git's own files), Obsidian's workspace state.
        (vault / ".git").mkdir()
        (vault / ".git" / "index").write_bytes(b"x")
        (vault / ".obsidian" / "workspace.json").write_text("{}", encoding="utf-8")
        assert watch.rounds_within(QUIET) == []
        (vault / "a.md").write_text("fine\n", encoding="utf-8")
        assert watch.next_round() == []
        assert watch.rounds_within(QUIET) == []
    finally:
        watch.close()


def test_a_change_no_reported_result_can_see_starts_no_round(tmp_path: Path, watching) -> None:
    """The workspace says which results a change can alter: none, no round."""
    files = {"a.md": "[[b]] [[missing]]\n", "b.md": "# B\n", "picture.png": "1", ".gitignore": "drafts/\n"}
    vault = write_vault(tmp_path / "vault", {**files, "drafts/x.md": "[[nowhere]]\n"})
    watch = watching(vault)
    assert watch.next_round() == [("a.md", "LK001")]
    (vault / "picture.png").write_text("2", encoding="utf-8")  # an attachment no note links to
    (vault / "drafts" / "x.md").write_text("[[still nowhere]]\n", encoding="utf-8")  # ignored, linked by none
    assert watch.rounds_within(QUIET) == []
    (vault / "drafts" / "missing.md").write_text("", encoding="utf-8")  # ignored, but a link target
    assert watch.next_round() == []


def test_fix_writes_once_and_does_not_loop(tmp_path: Path, watching) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": "---\ntag: x\n---\nbody\n"})
    watch = watching(vault, "--fix")
    assert watch.next_round() == []
    assert "tags: x" in (vault / "a.md").read_text(encoding="utf-8")
    assert watch.rounds_within(QUIET) == []  # its own write started nothing
    (vault / "a.md").write_text("---\nalias: y\n---\nbody\n", encoding="utf-8")
    assert watch.next_round() == []
    assert "aliases: y" in (vault / "a.md").read_text(encoding="utf-8")
    assert watch.rounds_within(QUIET) == []
    assert sum("Fixed 1 problem in 1 note." in line for line in watch.stderr) == 2


def test_ctrl_c_ends_it_with_130_and_no_traceback(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": "[[missing]]\n"})
    process = subprocess.Popen(
        [sys.executable, "-m", "vaultlint", "check", "--watch", "--offline", "--color", "never", str(vault)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )
    watch = Watch.__new__(Watch)  # read the plain output of this process the same way
    watch.process, watch.lines, watch.stderr, watch.stdout = process, queue.Queue(), [], []
    watch.report = tmp_path / "none.json"
    threading.Thread(target=watch._read, args=(process.stderr, watch.stderr, True), daemon=True).start()
    threading.Thread(target=watch._read, args=(process.stdout, watch.stdout, False), daemon=True).start()
    try:
        deadline = time.monotonic() + ROUND_BOUND
        while not any(ROUND_LINE.match(line.rstrip("\n")) for line in watch.stderr) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert any("1 problem (1 error) in 1 note" in line for line in watch.stderr), watch.stderr
        assert watch.interrupt() == 130
    finally:
        watch.close()
    time.sleep(0.1)  # the reader threads take the last lines
    assert 'unresolved link "missing"' in "".join(watch.stdout)  # the full format, as check prints it
    assert "Traceback" not in "".join(watch.stderr)
    assert "interrupted" in "".join(watch.stderr)


@pytest.mark.parametrize("other", [["--staged"], ["--new-since", "HEAD"], ["--diff"], ["--update-baseline"]])
def test_combinations_that_make_no_sense_are_refused(other: list[str], tmp_path: Path, capsys) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": "x\n"})
    assert main(["check", "--watch", *other, str(vault)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and f"--watch cannot be combined with {other[0]}" in error


def test_a_path_that_does_not_exist_stops_the_watch_before_it_starts(tmp_path: Path) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": "x\n"})
    result = subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--watch", str(vault / "nowhere")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("vaultlint: error: ") and result.stderr.count("\n") == 1, result.stderr


# -- which events matter (pure) ---------------------------------------------------------------


def test_classify_keeps_the_vaults_files_and_drops_the_rest(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    write_vault(root, {"a.md": "", "new.md": "", "sub/b.png": "", "cache/x": "", ".trash/t.md": ""})
    place = Place(root, own=(root / "cache",))
    events = [
        (Event.MODIFIED, str(root / "a.md")),
        (Event.ADDED, str(root / "new.md")),
        (Event.DELETED, str(root / "gone.md")),
        (Event.MODIFIED, str(root / "sub" / "b.png")),
        (Event.MODIFIED, str(root / "cache" / "x")),  # vaultlint's own
        (Event.ADDED, str(root / ".trash" / "t.md")),  # a dot-folder
        (Event.ADDED, str(root / ".a.md.123.vaultlint")),  # a fix's temporary file
        (Event.MODIFIED, str(root / ".obsidian" / "workspace.json")),  # Obsidian's state
        (Event.MODIFIED, str(tmp_path / "elsewhere.md")),  # outside the vault
    ]
    assert classify(events, place) == Batch(
        added=frozenset({root / "new.md"}),
        modified=frozenset({root / "a.md", root / "sub" / "b.png"}),
        deleted=frozenset({root / "gone.md"}),
    )


@pytest.mark.parametrize(
    "name",
    [".vaultlint.toml", "pyproject.toml", ".gitignore", "sub/.gitignore", ".obsidian/app.json", ".obsidian/types.json"]
    + [".obsidian/templates.json", ".obsidian/plugins/templater-obsidian/data.json", "sub/.obsidian"],
)
def test_classify_reloads_on_a_setting(name: str, tmp_path: Path) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    batch = classify([(Event.MODIFIED, str(root / name))], Place(root))
    assert batch.reload and not (batch.added or batch.modified or batch.deleted)


def test_classify_an_atomic_save_is_one_modification(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {"a.md": "saved"})
    events = [(Event.DELETED, str(root / "a.md")), (Event.ADDED, str(root / "a.md"))]
    assert classify(events, Place(root)) == Batch(modified=frozenset({root / "a.md"}))


# -- the session: how a batch reaches the workspace (in process) ------------------------------


def _session(vault: Path):
    from vaultlint.api import Overrides
    from vaultlint.watch.session import Request, Session

    return Session(Request((vault,), None, Overrides(offline=True)), vault)


def _found(session) -> list[tuple[str, str]]:
    return sorted((d.path, d.code) for d in session.report().diagnostics)


def _calls(monkeypatch, session, name: str) -> list[tuple]:
    """Record the calls of the session's workspace method ``name`` (and still make them)."""
    made: list[tuple] = []
    method = getattr(session.workspace, name)
    monkeypatch.setattr(session.workspace, name, lambda *args: made.append(args) or method(*args))
    return made


def test_one_file_gone_and_one_come_is_a_rename(tmp_path: Path, monkeypatch) -> None:
    vault = write_vault(tmp_path / "vault", {"a.md": "[[b]]\n", "b.md": ""})
    session = _session(vault)
    renames = _calls(monkeypatch, session, "rename")
    (vault / "b.md").rename(vault / "c.md")
    assert session.apply(Batch(added=frozenset({vault / "c.md"}), deleted=frozenset({vault / "b.md"})))
    assert renames == [(vault / "b.md", vault / "c.md")]
    assert _found(session) == [("a.md", "LK001")]


def test_a_large_batch_rebuilds_the_workspace_once(tmp_path: Path, monkeypatch) -> None:
    import vaultlint.watch.session as session_module

    monkeypatch.setattr(session_module, "LARGE_BATCH", 2)
    vault = write_vault(tmp_path / "vault", {"a.md": "[[b]] [[c]]\n", "b.md": "", "c.md": ""})
    session = _session(vault)
    reloads, updates = _calls(monkeypatch, session, "reload"), _calls(monkeypatch, session, "update")
    for name in ("b.md", "c.md"):
        (vault / name).unlink()
    (vault / "d.md").write_text("[[a]]\n", encoding="utf-8")
    batch = Batch(added=frozenset({vault / "d.md"}), deleted=frozenset({vault / "b.md", vault / "c.md"}))
    assert session.apply(batch)
    assert (len(reloads), updates) == (1, [])
    assert _found(session) == [("a.md", "LK001"), ("a.md", "LK001")]
    assert session.report().files_checked == 2


def test_files_a_walk_took_in_are_not_walked_for_again(tmp_path: Path, monkeypatch) -> None:
    # A plain new file is taken in on its own; a new folder makes the workspace walk the vault,
    # which takes in the files under it too: those are not handed over a second time.
    vault = write_vault(tmp_path / "vault", {"a.md": "[[b]] [[c]] [[d]]\n", "d.md": ""})
    session = _session(vault)
    updates, removals = _calls(monkeypatch, session, "update"), _calls(monkeypatch, session, "remove")
    (vault / "sub").mkdir()
    (vault / "sub" / "b.md").write_text("", encoding="utf-8")
    (vault / "sub" / "c.md").write_text("", encoding="utf-8")
    (vault / "d.md").unlink()
    added = frozenset({vault / "sub", vault / "sub" / "b.md", vault / "sub" / "c.md"})
    assert session.apply(Batch(added=added, deleted=frozenset({vault / "d.md"})))
    assert (len(updates), len(removals)) == (1, 1)  # the folder's walk took in both of its notes
    assert _found(session) == [("a.md", "LK001")]


def test_several_paths_report_on_those_paths_only(tmp_path: Path) -> None:
    from vaultlint.api import Overrides
    from vaultlint.watch.session import Request, Session

    files = {"notes/a.md": "[[x]]\n", "notes/b.md": "[[y]]\n", "other/c.md": "[[z]]\n", "third/d.md": "[[w]]\n"}
    vault = write_vault(tmp_path / "vault", files)
    request = Request((vault / "notes" / "a.md", vault / "other"), None, Overrides(offline=True))
    session = Session(request, vault)
    report = session.report()
    assert sorted((d.path, d.code) for d in report.diagnostics) == [("notes/a.md", "LK001"), ("other/c.md", "LK001")]
    assert report.files_checked == 2
    assert report.diagnostics == run(vault, request.paths).diagnostics  # as check reports them
