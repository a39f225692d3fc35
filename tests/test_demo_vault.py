"""The README's demo vault: built around ../shared/seed-note.md, the kind of note vaultlint exists for."""

from __future__ import annotations

import json
import subprocess
import sys

from helpers import FIXTURES, found, run

DEMO = FIXTURES / "demo-vault"
SEED = "Guides/A CTO's guide to becoming a Machine Learning practitioner.md"


def test_seed_note_is_a_verbatim_copy_when_shared_is_present():
    import pytest
    from helpers import SHARED

    original = SHARED / "seed-note.md"
    if not original.exists():
        pytest.skip("../shared is not present")
    assert (DEMO / SEED).read_bytes() == original.read_bytes()


def test_seed_note_problems_are_reported_at_their_exact_positions():
    report = run(DEMO)
    assert [d for d in found(report) if d[0] == SEED] == [
        (SEED, 48, 7, "LK001"),  # - [ ] [[Greg Brockman]] Blog Posts
        (SEED, 59, 7, "LK001"),  # - [ ] [[Andrej Karpathy]]'s micrograd lecture series
        (SEED, 136, 26, "LK001"),  # \t\t\t- Uploading files for [[Retrieval Augmented Generation (RAG)]]
        (SEED, 140, 4, "LK002"),  # \t- ![[Pasted image 20231202175750.png]]
    ]
    messages = [d.message for d in report.diagnostics if d.path == SEED]
    assert messages == [
        'unresolved link "Greg Brockman"',
        'unresolved link "Andrej Karpathy"',
        'unresolved link "Retrieval Augmented Generation (RAG)"',
        'missing embed "Pasted image 20231202175750.png"',
    ]


def test_whole_demo_vault_report():
    report = run(DEMO)
    assert report.files_checked == 4
    assert found(report) == [
        (SEED, 48, 7, "LK001"),
        (SEED, 59, 7, "LK001"),
        (SEED, 136, 26, "LK001"),
        (SEED, 140, 4, "LK002"),
        ("Reading list.md", 2, 1, "FM005"),
        ("Reading list.md", 3, 11, "FM007"),
        ("Reading list.md", 8, 15, "LK003"),
        ("Reading list.md", 9, 22, "LK004"),
        ("Reading list.md", 10, 3, "LK003"),
    ]
    hints = {(d.span.line, d.code): d.hint for d in report.diagnostics if d.path == "Reading list.md"}
    assert hints[(8, "LK003")] == 'did you mean "Motivation"?'
    assert hints[(9, "LK004")] == 'did you mean "^scaling"?'
    assert hints[(10, "LK003")] == 'Obsidian does not use slugs: did you mean "#Scaling%20laws"?'


def test_demo_through_the_command_line_json():
    result = subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--offline", "--no-cache", "--output-format", "json", str(DEMO)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert [(d["path"], d["line"], d["column"], d["code"]) for d in data][:4] == [
        (SEED, 48, 7, "LK001"),
        (SEED, 59, 7, "LK001"),
        (SEED, 136, 26, "LK001"),
        (SEED, 140, 4, "LK002"),
    ]
    assert set(data[0]) >= {
        "code",
        "name",
        "severity",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "message",
        "hint",
    }
    assert data[0]["end_column"] == 7 + len("[[Greg Brockman]]")


def _no_network_prefix() -> list[str] | None:
    """A command prefix that runs a program with no network at all (a fresh network namespace)."""
    import shutil

    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    for prefix in ([unshare, "-n"], [unshare, "-rn"]):
        if subprocess.run([*prefix, "true"], capture_output=True, timeout=30).returncode == 0:
            return prefix
    return None


def test_demo_without_network_calls_no_url_dead():
    """The README's first command on a machine without internet: URLs are skipped, never called dead."""
    import pytest

    prefix = _no_network_prefix()
    if prefix is None:
        pytest.skip("cannot create a network namespace here")
    result = subprocess.run(
        [*prefix, sys.executable, "-m", "vaultlint", "check", "--no-cache", "--output-format", "json", str(DEMO)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    codes = [d["code"] for d in json.loads(result.stdout)]
    assert not [c for c in codes if c.startswith("UR")]
    assert "network unavailable: 14 URLs not checked" in result.stderr
