"""The baseline: only problems that are not recorded in it are reported."""

from __future__ import annotations

import json
import shutil

import pytest
from helpers import git, write_vault

from vaultlint.cli import main


def check(capsys, root, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--offline", "--no-cache", "--output-format", "concise", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_adoption_path_write_once_then_only_new_problems_fail(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"a.md": "[[Gone]] and [[Gone]]\n", "b.md": "# B\n"})
    baseline = tmp_path / "vaultlint-baseline.json"

    code, out, err = check(capsys, root, "--baseline", str(baseline), "--update-baseline")
    assert code == 0 and "LK001" not in out
    assert "baseline: wrote 2 known problems" in err
    assert json.loads(baseline.read_text())["entries"] == [
        {"path": "a.md", "code": "LK001", "key": 'unresolved link "Gone"', "count": 2}
    ]

    code, out, err = check(capsys, root, "--baseline", str(baseline))
    assert code == 0, out
    assert "LK001" not in out
    assert "baseline: hid 2 known problems" in err

    # Editing elsewhere moves the old problems to other lines: still known.
    (root / "a.md").write_text("# A\n\nnew text\n\n[[Gone]] and [[Gone]]\n")
    code, out, _ = check(capsys, root, "--baseline", str(baseline))
    assert code == 0 and "LK001" not in out

    # A new problem fails, and only it is reported.
    (root / "b.md").write_text("# B\n\n[[Missing]]\n")
    code, out, _ = check(capsys, root, "--baseline", str(baseline))
    assert code == 1
    assert [line.rsplit("/", 1)[-1].split(" ", 2)[:2] for line in out.splitlines() if "LK001" in line] == [
        ["b.md:3:1:", "LK001"]
    ]


def test_counts_per_key_a_third_identical_problem_is_new(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"a.md": "[[Gone]] [[Gone]]\n"})
    baseline = tmp_path / "b.json"
    check(capsys, root, "--baseline", str(baseline), "--update-baseline")
    (root / "a.md").write_text("[[Gone]] [[Gone]]\n[[Gone]]\n")
    code, out, _ = check(capsys, root, "--baseline", str(baseline))
    assert code == 1
    assert out.count("LK001") == 1


def test_a_fixed_problem_drops_out_and_a_deleted_note_is_ignored(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"a.md": "[[Gone]] [[Lost]]\n", "b.md": "[[Away]]\n"})
    baseline = tmp_path / "b.json"
    check(capsys, root, "--baseline", str(baseline), "--update-baseline")
    (root / "a.md").write_text("[[Gone]]\n")
    (root / "b.md").unlink()
    code, _, _ = check(capsys, root, "--baseline", str(baseline))
    assert code == 0
    check(capsys, root, "--baseline", str(baseline), "--update-baseline")
    keys = [(e["path"], e["key"]) for e in json.loads(baseline.read_text())["entries"]]
    assert keys == [("a.md", 'unresolved link "Gone"')]


def test_updating_from_some_notes_keeps_the_entries_of_the_others(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"a.md": "[[Gone]]\n", "b.md": "[[Away]]\n"})
    baseline = tmp_path / "b.json"
    check(capsys, root, "--baseline", str(baseline), "--update-baseline")
    (root / "a.md").write_text("fixed\n")
    main(
        [
            "check",
            "--offline",
            "--no-cache",
            "--vault-root",
            str(root),
            str(root / "a.md"),
            "--baseline",
            str(baseline),
            "--update-baseline",
        ]
    )
    capsys.readouterr()
    assert [e["path"] for e in json.loads(baseline.read_text())["entries"]] == ["b.md"]


def test_the_file_is_sorted_one_entry_per_line_and_stable(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"z.md": "[[Zed]]\n", "a.md": "[[Bee]] [[Ant]]\n"})
    baseline = tmp_path / "b.json"
    check(capsys, root, "--baseline", str(baseline), "--update-baseline")
    first = baseline.read_text()
    check(capsys, root, "--baseline", str(baseline), "--update-baseline")
    assert baseline.read_text() == first
    lines = first.splitlines()
    assert lines[0] == "{" and lines[1] == '  "vaultlint-baseline": 1,'
    entries = [line for line in lines if line.strip().startswith('{"path"')]
    assert [json.loads(e.rstrip(","))["key"] for e in entries] == [
        'unresolved link "Ant"',
        'unresolved link "Bee"',
        'unresolved link "Zed"',
    ]


def test_a_broken_baseline_file_is_a_one_line_error(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"a.md": "# A\n"})
    baseline = tmp_path / "b.json"
    baseline.write_text("{not json")
    code, _, err = check(capsys, root, "--baseline", str(baseline))
    assert code == 2
    assert err.startswith("vaultlint: error: baseline ") and err.count("\n") == 1
    baseline.write_text('{"entries": [{"path": "a.md"}]}')
    code, _, err = check(capsys, root, "--baseline", str(baseline))
    assert code == 2 and "entry 0 needs" in err


def test_update_baseline_needs_a_file(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"a.md": "# A\n"})
    code, _, err = check(capsys, root, "--update-baseline")
    assert code == 2 and "--update-baseline needs --baseline FILE" in err


def test_updating_with_some_rules_keeps_the_entries_of_the_others(tmp_path, capsys):
    """Issue 16 case 12: ``--update-baseline --select LK`` keeps the FM entries."""
    root = write_vault(tmp_path / "v", {"a.md": "---\ntags: [a b]\n---\n[[Gone]]\n", "b.md": "---\nx: [\n---\n"})
    baseline = tmp_path / "b.json"
    check(capsys, root, "--baseline", str(baseline), "--update-baseline")
    before = {(e["path"], e["code"]) for e in json.loads(baseline.read_text())["entries"]}
    assert {("a.md", "LK001"), ("a.md", "FM010"), ("b.md", "FM001")} <= before
    (root / "a.md").write_text("---\ntags: [a b]\n---\n[[Gone]] [[Away]]\n")
    check(capsys, root, "--baseline", str(baseline), "--update-baseline", "--select", "LK")
    after = {(e["path"], e["code"], e["key"]) for e in json.loads(baseline.read_text())["entries"]}
    assert {(p, c) for p, c, _ in after} == before
    assert ("a.md", "LK001", 'unresolved link "Away"') in after
    assert check(capsys, root, "--baseline", str(baseline))[0] == 0  # nothing comes back


def committed_vault(tmp_path, files):
    root = write_vault(tmp_path / "v", files)
    (root / ".vaultlint.toml").write_text('baseline = "vaultlint-baseline.json"\n')
    for args in (
        ("init", "-q", "-b", "main"),
        ("config", "user.email", "t@example.invalid"),
        ("config", "user.name", "T"),
    ):
        git(root, *args)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "vault")
    return root


def entries(path):
    return [(e["path"], e["key"]) for e in json.loads(path.read_text())["entries"]]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_config_key_is_used_by_every_command_and_entries_follow_git_renames(tmp_path, capsys):
    """Issue 17 point 3: one baseline everywhere, the hook included; a git mv keeps its entries."""
    root = committed_vault(tmp_path, {"Old name.md": "[[Gone]]\n", "Home.md": "[[Old name]]\n"})
    baseline = root / "vaultlint-baseline.json"
    code, _, err = check(capsys, root, "--update-baseline")
    assert code == 0 and "baseline: wrote 1 known problem" in err
    assert entries(baseline) == [("Old name.md", 'unresolved link "Gone"')]
    assert json.loads(baseline.read_text())["commit"] == git(root, "rev-parse", "HEAD").strip()
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "baseline")
    git(root, "mv", "Old name.md", "New name.md")
    (root / "Home.md").write_text("[[New name]]\n")
    git(root, "add", "-A")
    code, _, err = check(capsys, root, "--staged")  # the hook: no --baseline on its command line
    assert code == 0 and "baseline: hid 0 known problems" in err
    git(root, "commit", "-q", "-m", "rename")
    code, out, err = check(capsys, root)  # entries keyed by the old path still hide the problem
    assert code == 0 and "baseline: hid 1 known problem" in err, out
    check(capsys, root, "--fix")  # --fix keeps the paths current
    assert entries(baseline) == [("New name.md", 'unresolved link "Gone"')]
    (root / "New name.md").write_text("fixed\n")
    code, _, err = check(capsys, root)
    assert code == 0 and "1 entry is stale" in err
    check(capsys, root, "--update-baseline")
    assert entries(baseline) == []


@pytest.mark.parametrize("value", ["../outside.json", "/tmp/x.json", ""])
def test_a_baseline_key_that_leaves_the_config_folder_is_a_config_error(tmp_path, capsys, value):
    root = write_vault(tmp_path / "v", {"a.md": "x\n"})
    (root / ".vaultlint.toml").write_text(f'baseline = "{value}"\n')
    code, out, err = check(capsys, root, "--update-baseline")
    assert (code, out) == (2, "")
    assert "baseline: expected a file path inside the config file's folder" in err
    assert not (tmp_path / "outside.json").exists()


def test_update_baseline_is_refused_with_a_comparison(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"a.md": "x\n"})
    code, _, err = check(capsys, root, "--baseline", str(tmp_path / "b.json"), "--update-baseline", "--staged")
    assert code == 2 and "without --staged or --new-since" in err
