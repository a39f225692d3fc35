"""Issue 16, cases 1, 3 and 8: nothing is written outside the vault or through a link, a config's
``vault-root`` stays in its folder, and every read is bounded and of regular files only.

Each test is built from the issue's reproduction: a repository (a real ``git init``) with the
links, FIFOs and configs a pull request can commit, the real CLI in a subprocess (bounded in time
and memory: ``fuzz/boundary.py``), and a folder beside the repository whose every byte is
compared before and after the run.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
from fuzz.boundary import changes, run_cli, snapshot
from helpers import write_vault

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX links and FIFOs")

FORMATS = ("full", "concise", "json", "github", "sarif", "junit", "gitlab")


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, Path]:
    """``(repository, outside)``: a vault in a git work tree with one problem, and a folder beside it."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("do not touch\n")
    (outside / "victim.json").write_text('{"entries": []}\n')
    (outside / "note.md").write_text("---\ntag: x\n---\n")
    root = write_vault(tmp_path / "repo", {"a.md": "[[missing]]\n", "Sub/b.md": "text\n"})
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True, timeout=60)
    return root, outside


def assert_one_line_error(result: subprocess.CompletedProcess[str], *words: str) -> None:
    """Exit code 2 and one line on stderr holding ``words``, no traceback."""
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert len(lines) == 1 and lines[0].startswith("vaultlint: error: "), result.stderr
    assert [w for w in words if w not in lines[0]] == [], lines[0]


def warnings_of(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("warning:")]


# -- case 1: -o, the baseline, the cache and --fix never write through a link ----------------------


@pytest.mark.parametrize("output_format", FORMATS)
def test_o_never_writes_through_a_symlink_the_repository_committed(repo, output_format):
    root, outside = repo
    os.symlink("../outside/victim.txt", root / "vaultlint.out")
    before = snapshot(outside)
    result = run_cli(
        ["check", "--offline", "--output-format", output_format, "-o", "vaultlint.out", "--exit-zero"], cwd=root
    )
    assert_one_line_error(result, "vaultlint.out", "symbolic link")
    assert changes(before, snapshot(outside)) == []
    assert os.readlink(root / "vaultlint.out") == "../outside/victim.txt"


def test_o_refuses_a_folder_link_inside_the_repository(repo):
    root, outside = repo
    os.symlink("../outside", root / "reports")
    before = snapshot(outside)
    result = run_cli(["check", "--offline", "--output-format", "sarif", "-o", "reports/vaultlint.sarif"], cwd=root)
    assert_one_line_error(result, "reports", "symbolic link inside the repository")
    assert changes(before, snapshot(outside)) == []


def test_o_outside_the_repository_is_the_users_choice(repo, tmp_path):
    root, outside = repo
    os.symlink(outside, tmp_path / "my-link")  # the user's own link, outside the repository
    for target in ("../outside/report.json", "../my-link/linked.json", str(outside / "absolute.json")):
        result = run_cli(["check", "--offline", "--output-format", "json", "-o", target], cwd=root)
        assert result.returncode == 1, result.stderr
        written = json.loads((root / target).read_text())
        assert [d["code"] for d in written] == ["LK001"]


def test_o_replaces_a_regular_file_whole_and_keeps_its_mode(repo):
    root, _ = repo
    report = root / "vaultlint.sarif"
    report.write_text("old report, longer than the new one would be if it were only overwritten\n" * 2000)
    report.chmod(0o640)
    result = run_cli(["check", "--offline", "--output-format", "sarif", "-o", "vaultlint.sarif"], cwd=root)
    assert result.returncode == 1, result.stderr
    assert json.loads(report.read_text())["runs"][0]["results"][0]["ruleId"] == "LK001"
    assert report.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in root.iterdir() if p.name.endswith(".tmp")) == []


def test_o_to_a_fifo_is_an_error_not_a_hang(repo):
    root, _ = repo
    os.mkfifo(root / "vaultlint.sarif")
    result = run_cli(["check", "--offline", "--output-format", "sarif", "-o", "vaultlint.sarif"], cwd=root)
    assert_one_line_error(result, "vaultlint.sarif", "FIFO")


@pytest.mark.parametrize("kind", ["link-to-dev-zero", "fifo", "link-out", "folder-link", "link-to-a-folder"])
@pytest.mark.parametrize("update", [False, True])
def test_a_baseline_that_is_a_link_or_a_fifo_is_an_error_and_nothing_outside_changes(repo, kind, update):
    root, outside = repo
    name = "baseline.json"
    if kind == "link-to-dev-zero":
        os.symlink("/dev/zero", root / name)
    elif kind == "fifo":
        os.mkfifo(root / name)
    elif kind == "link-out":
        os.symlink("../outside/victim.json", root / name)
    elif kind == "link-to-a-folder":  # was click's three-line usage error (found by the fuzzing harness)
        os.symlink("../outside", root / name)
    else:
        os.symlink("../outside", root / "accepted")
        name = "accepted/victim.json"
    before = snapshot(outside)
    args = ["check", "--offline", "--baseline", name, *(["--update-baseline"] if update else [])]
    result = run_cli(args, cwd=root)
    assert_one_line_error(result, "baseline", name.split("/")[0])
    assert changes(before, snapshot(outside)) == []


def test_a_cache_folder_through_a_link_in_the_repository_is_not_used(repo):
    root, outside = repo
    os.symlink("../outside", root / "caches")
    before = snapshot(outside)
    result = run_cli(["check", "--offline", "--cache-dir", "caches/vaultlint"], cwd=root)
    assert result.returncode == 1, result.stderr
    assert [w for w in warnings_of(result) if "cache disabled" in w and "symbolic link" in w] != []
    assert changes(before, snapshot(outside)) == []


def test_a_fifo_in_the_cache_folder_disables_the_cache_without_a_hang(repo):
    root, _ = repo
    (root / ".vaultlint-cache").mkdir()
    os.mkfifo(root / ".vaultlint-cache/.gitignore")
    result = run_cli(["check", "--offline"], cwd=root)
    assert result.returncode == 1, result.stderr
    assert [w for w in warnings_of(result) if "cache disabled" in w and "not a regular file" in w] != []


def test_fix_never_writes_to_a_note_linked_from_outside_the_vault(repo):
    root, outside = repo
    os.symlink("../outside/note.md", root / "linked.md")
    (root / "inside.md").write_text("---\ntag: x\n---\n")
    before = snapshot(outside)
    result = run_cli(["check", "--offline", "--fix", "--select", "FM005"], cwd=root)
    assert result.returncode == 0, result.stderr
    assert (root / "inside.md").read_text() == "---\ntags: x\n---\n"  # the fix itself works
    assert changes(before, snapshot(outside)) == []


# -- case 3: a config's vault-root stays within the config's folder --------------------------------


@pytest.mark.parametrize("value", ["..", "/", "../outside", "Sub/../.."])
def test_a_vault_root_that_leaves_the_config_folder_is_a_config_error(repo, value):
    root, outside = repo
    (root / ".vaultlint.toml").write_text(f"vault-root = {json.dumps(value)}\n")
    parent = root.parent
    before = sorted(os.listdir(parent))
    result = run_cli(["check", "--offline"], cwd=root, timeout=30)  # "/" once walked 970 MB
    assert_one_line_error(result, ".vaultlint.toml", "vault-root", "inside")
    assert sorted(os.listdir(parent)) == before  # no .vaultlint-cache beside the repository


def test_a_vault_root_through_a_folder_link_that_leads_out_is_a_config_error(repo):
    root, outside = repo
    os.symlink("..", root / "up")
    os.symlink("../outside", root / "elsewhere")
    for value in ("up", "elsewhere"):
        (root / ".vaultlint.toml").write_text(f"vault-root = {json.dumps(value)}\n")
        before = snapshot(outside)
        result = run_cli(["check", "--offline"], cwd=root, timeout=30)
        assert_one_line_error(result, "vault-root", "inside")
        assert changes(before, snapshot(outside)) == []


def test_a_vault_root_inside_the_config_folder_is_used_and_keeps_the_cache_inside(repo):
    root, _ = repo
    (root / ".vaultlint.toml").write_text('vault-root = "Sub"\n')
    (root / "Sub/c.md").write_text("[[b]] [[a]]\n")  # a.md is outside the vault root Sub/
    result = run_cli(["check", "--offline", "--output-format", "concise", "Sub"], cwd=root)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0].endswith('LK001 unresolved link "a"')
    assert (root / "Sub/.vaultlint-cache").is_dir() and not (root / ".vaultlint-cache").exists()


# -- case 8: every read bounded, of regular files only ---------------------------------------------


SETTINGS_FILES = ("app.json", "types.json", "templates.json", "plugins/templater-obsidian/data.json")


def plant(path: Path, kind: str, outside: Path) -> None:
    """Put a hostile entry at ``path``: a link to /dev/zero, a FIFO, or a link to a file outside."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "dev-zero":
        os.symlink("/dev/zero", path)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        os.symlink(outside / "settings.json", path)


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "link-out"])
@pytest.mark.parametrize("name", SETTINGS_FILES)
def test_a_hostile_settings_file_is_one_warning_and_the_run_goes_on(repo, name, kind):
    root, outside = repo
    (outside / "settings.json").write_text('{"userIgnoreFilters": ["a.md"], "types": {"x": "number"}}')
    plant(root / ".obsidian" / name, kind, outside)
    result = run_cli(["check", "--offline", "--output-format", "concise", "--jobs", "1"], cwd=root)
    assert result.returncode == 1, result.stderr
    assert 'a.md:1:1: LK001 unresolved link "missing"' in result.stdout
    [warning] = warnings_of(result)
    assert name.rsplit("/", 1)[-1] in warning
    assert {"dev-zero": "leads out of the vault", "fifo": "FIFO", "link-out": "leads out"}[kind] in warning


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "link-out"])
@pytest.mark.parametrize("folder", ["", "Sub/"])
def test_a_hostile_gitignore_is_one_warning_and_not_used(repo, folder, kind):
    root, outside = repo
    (outside / "settings.json").write_text("*.md\n")  # honoured, it would hide every problem
    (root / "Sub/c.md").write_text("[[gone]]\n")
    plant(root / folder / ".gitignore", kind, outside)
    result = run_cli(["check", "--offline", "--output-format", "concise"], cwd=root)
    assert result.returncode == 1, result.stderr
    assert "Sub/c.md:1:1: LK001" in result.stdout
    [warning] = warnings_of(result)
    assert ".gitignore" in warning


def test_a_settings_file_over_the_size_cap_is_ignored_with_a_warning(repo):
    root, _ = repo
    (root / ".obsidian/app.json").write_text('{"userIgnoreFilters": ["a.md"], "pad": "' + "x" * (9 << 20) + '"}')
    result = run_cli(["check", "--offline", "--output-format", "concise"], cwd=root)
    assert result.returncode == 1, result.stderr
    [warning] = warnings_of(result)
    assert "app.json is too large" in warning


def test_a_fifo_named_like_a_linked_pdf_never_blocks(repo):
    root, _ = repo
    os.mkfifo(root / "doc.pdf")
    (root / "a.md").write_text("[[doc.pdf#page=2]] ![[doc.pdf#page=3]]\n")
    result = run_cli(["check", "--offline", "--output-format", "concise"], cwd=root, timeout=30)
    assert result.returncode == 0, (result.stdout, result.stderr)  # no verdict on a page count it cannot read


@pytest.mark.parametrize("settings_value", ['{"types": [1]}', '{"types": {"x": 1}, "userIgnoreFilters": 5}', "[[[["])
def test_settings_of_the_wrong_shape_never_end_the_run(repo, settings_value):
    root, _ = repo
    (root / ".obsidian/types.json").write_text(settings_value)
    (root / ".obsidian/app.json").write_text(settings_value.replace("types", "userIgnoreFilters"))
    result = run_cli(["check", "--offline", "--output-format", "concise"], cwd=root)
    assert result.returncode == 1, result.stderr
    assert "internal error" not in result.stderr


def test_a_config_committed_as_a_link_out_of_the_repository_is_not_read(repo):
    root, outside = repo
    (outside / "private.toml").write_text('password = "hunter2"\n')  # would be echoed as an unknown key
    os.symlink("../outside/private.toml", root / ".vaultlint.toml")
    result = run_cli(["check", "--offline"], cwd=root)
    assert_one_line_error(result, ".vaultlint.toml", "leads out of")
    assert "password" not in result.stderr and "hunter2" not in result.stderr
    # Named on the command line, the same file is the user's choice (and its key is refused as unknown).
    result = run_cli(["check", "--offline", "--config", str(outside / "private.toml")], cwd=root)
    assert_one_line_error(result, "unknown key", "password")
    # A link that stays inside the repository is followed.
    (root / "configs").mkdir()
    (root / "configs/vaultlint.toml").write_text('select = ["LK"]\n')
    os.remove(root / ".vaultlint.toml")
    os.symlink("configs/vaultlint.toml", root / ".vaultlint.toml")
    assert run_cli(["check", "--offline"], cwd=root).returncode == 1


def test_a_baseline_naming_a_file_whose_name_is_not_utf8_is_written_and_read_back(repo):
    """Found by the boundary harness (seed 467): --update-baseline ended in an internal error."""
    root, _ = repo
    (root / "caf\udce9.md").write_text("[[nowhere]]\n")
    result = run_cli(["check", "--offline", "--baseline", "baseline.json", "--update-baseline"], cwd=root)
    assert result.returncode == 0 and "error" not in result.stderr, result.stderr
    assert "caf\\udce9.md" in (root / "baseline.json").read_text(encoding="utf-8")
    result = run_cli(["check", "--offline", "--baseline", "baseline.json"], cwd=root)
    assert result.returncode == 0 and "hid 2 known problems" in result.stderr, result.stderr
