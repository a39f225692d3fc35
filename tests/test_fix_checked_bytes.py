"""--fix writes only into the bytes it checked (issue 16, case 6).

A fix's edits are positions in the text that was checked.  Applied to any other
text (a note an editor saved since, or one another ``--fix`` run already fixed)
they land on the wrong characters: ``tagss:``, ``aliaseseses:``.  So a note is
fixed only while it still hashes to what was checked, and ``--fix`` runs on one
vault take turns.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time

import pytest
import yaml
from helpers import write_vault

from vaultlint import engine
from vaultlint.cli import main

NOTES = 300


def _note(number: int) -> str:
    return f"---\ntag: blue\nalias: n{number}\nrel: [[n{(number + 1) % NOTES}]]\n---\nbody {number}\n"


def _fixed(number: int) -> str:
    return f'---\ntags: blue\naliases: n{number}\nrel: "[[n{(number + 1) % NOTES}]]"\n---\nbody {number}\n'


def _fix_process(root, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vaultlint",
            "check",
            "--offline",
            "--fix",
            "--select",
            "FM005,FM006",
            *extra,
            str(root),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
def test_two_fix_runs_at_once_never_corrupt_a_note(tmp_path, cache):
    """Reproduction: two ``check --fix`` at once on 300 notes corrupted 44-170 of them."""
    root = write_vault(tmp_path / "v", {f"n{i}.md": _note(i) for i in range(NOTES)})
    extra = () if cache else ("--no-cache",)
    runs = [_fix_process(root, *extra) for _ in range(2)]
    outputs = [run.communicate(timeout=300) for run in runs]
    for number in range(NOTES):
        text = (root / f"n{number}.md").read_text(encoding="utf-8")
        assert text == _fixed(number), (number, outputs)
        assert yaml.safe_load(text.split("---\n")[1])["tags"] == "blue"
    assert [run.returncode for run in runs] == [0, 0], outputs
    # The runs took turns: one fixed every note, the other found nothing left to fix.
    summaries = sorted(line for _, err in outputs for line in err.splitlines() if line.startswith("Fixed"))
    assert summaries == ["Fixed 0 problems in 0 notes.", f"Fixed {3 * NOTES} problems in {NOTES} notes."], outputs
    assert not any("not fixed" in err for _, err in outputs), outputs


def test_a_fix_run_waits_for_the_one_holding_the_vault(tmp_path):
    root = write_vault(tmp_path / "v", {"a.md": _note(0)})
    holder = os.open(root, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)
    try:
        waiting = _fix_process(root, "--no-cache")
        deadline = time.monotonic() + 1.5
        while time.monotonic() < deadline and waiting.poll() is None:
            time.sleep(0.05)
        assert waiting.poll() is None, waiting.communicate()
        assert (root / "a.md").read_text(encoding="utf-8") == _note(0)
    finally:
        os.close(holder)
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, (out, err)
    assert (root / "a.md").read_text(encoding="utf-8") == _fixed(0)


def test_a_note_saved_between_check_and_fix_is_left_as_the_editor_wrote_it(tmp_path, monkeypatch, capsys):
    """Reproduction: an editor's save between the check and the fix became ``tagsour: blue``."""
    root = write_vault(tmp_path / "v", {"a.md": "---\ntag: blue\n---\n", "b.md": "---\ntag: red\n---\n"})
    saved = "---\nour: blue\n---\n"  # the editor's version: same length, nothing left to fix
    real_lint = engine.lint
    calls = []

    def lint_then_editor_saves(options):
        report = real_lint(options)
        if not calls:  # the check before the fix; the editor saves right after it
            (root / "a.md").write_text(saved, encoding="utf-8")
        calls.append(options)
        return report

    monkeypatch.setattr(engine, "lint", lint_then_editor_saves)
    code = main(["check", "--offline", "--no-cache", "--fix", str(root)])
    err = capsys.readouterr().err
    assert (root / "a.md").read_text(encoding="utf-8") == saved
    assert (root / "b.md").read_text(encoding="utf-8") == "---\ntags: red\n---\n"
    assert "warning: a.md not fixed: it changed since it was checked" in err
    assert "Fixed 1 problem in 1 note." in err
    assert code == 0


def test_diff_shows_nothing_for_a_note_changed_since_the_check(tmp_path, monkeypatch, capsys):
    root = write_vault(tmp_path / "v", {"a.md": "---\ntag: blue\n---\n"})
    real_lint = engine.lint

    def lint_then_editor_saves(options):
        report = real_lint(options)
        (root / "a.md").write_text("---\nour: blue\n---\n", encoding="utf-8")
        return report

    monkeypatch.setattr(engine, "lint", lint_then_editor_saves)
    code = main(["check", "--offline", "--no-cache", "--diff", str(root)])
    captured = capsys.readouterr()
    assert "tagss" not in captured.out and "+tags" not in captured.out
    assert "a.md not fixed: it changed since it was checked" in captured.err
    assert code == 0


def test_a_lock_held_too_long_is_a_one_line_error_and_writes_nothing_into_the_vault(tmp_path):
    from vaultlint.fix import vault_lock
    from vaultlint.vault import VaultError

    root = write_vault(tmp_path / "v", {"a.md": "x\n"})
    before = sorted(os.listdir(root))
    with vault_lock(root):
        started = time.monotonic()
        with pytest.raises(VaultError, match="another vaultlint --fix run has been working on"), vault_lock(root, 0.2):
            pass
        assert time.monotonic() - started < 30
    with vault_lock(root, 0.2):  # released: taken at once
        pass
    assert sorted(os.listdir(root)) == before
