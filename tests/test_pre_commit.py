"""The pre-commit hooks, for real: pre-commit in a temporary git repository holding a vault.

pre-commit installs this checkout (at its current commit) from scratch, as a
user's machine would, so the first test takes a while; the environment is
shared by the tests of this module.  Skipped when pre-commit or git is missing,
or when this checkout is not a git repository.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

PRE_COMMIT = shutil.which("pre-commit") or str(Path(__import__("sys").executable).with_name("pre-commit"))
pytestmark = [
    pytest.mark.skipif(not Path(PRE_COMMIT).exists(), reason="pre-commit is not installed"),
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(not (REPO / ".git").exists(), reason="this checkout is not a git repository"),
]


def git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=check, timeout=600)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """One PRE_COMMIT_HOME for the module: the hook environment is built once."""
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path, home, monkeypatch):
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))
    head = git(REPO, "rev-parse", "HEAD").stdout.strip()
    root = tmp_path / "notes"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.invalid")
    git(root, "config", "user.name", "Test")
    git(root, "config", "commit.gpgsign", "false")
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "app.json").write_text("{}\n")
    (root / "Home.md").write_text("# Home\n\nSee [[Project]].\n")
    (root / "Project.md").write_text("# Project\n\nBack to [[Home]].\n")
    # The one hook the docs recommend, and the one that fixes (manual stage: never at commit time).
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: {head}\n    hooks:\n      - id: vaultlint\n      - id: vaultlint-fix\n"
    )
    subprocess.run([PRE_COMMIT, "install"], cwd=root, check=True, capture_output=True, timeout=120)
    git(root, "add", "-A")
    first = git(root, "commit", "-q", "-m", "a clean vault", check=False)
    assert first.returncode == 0, first.stdout + first.stderr
    return root


def commit(repo: Path, message: str) -> subprocess.CompletedProcess[str]:
    git(repo, "add", "-A")
    return git(repo, "commit", "-q", "-m", message, check=False)


def test_a_commit_adding_a_broken_link_is_refused_and_the_fix_passes(repo):
    (repo / "Ideas.md").write_text("# Ideas\n\nBuild on [[Projcet]].\n")
    refused = commit(repo, "add ideas")
    assert refused.returncode != 0
    assert 'Ideas.md:3:10: LK001 error unresolved link "Projcet"' in refused.stdout + refused.stderr
    assert git(repo, "log", "--oneline").stdout.count("\n") == 1

    (repo / "Ideas.md").write_text("# Ideas\n\nBuild on [[Project]].\n")
    accepted = commit(repo, "add ideas")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert git(repo, "log", "--oneline").stdout.count("\n") == 2


def test_renaming_a_linked_note_is_refused_by_the_one_hook_naming_the_new_name(repo):
    (repo / "Other.md").write_text("# Other\n\nA [[Projcet]] typo nobody staged.\n\nAnd [[Project|the project]].\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--no-verify", "-m", "an old problem")
    git(repo, "mv", "Project.md", "Projects.md")
    refused = commit(repo, "rename")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    # Each note and line the rename breaks, with the new name; the unrelated old typo is not reported.
    assert 'Home.md:3:5: LK001 error unresolved link "Project"' in output
    assert 'Other.md:5:5: LK001 error unresolved link "Project"' in output
    assert '"Project.md" was renamed to "Projects.md"' in output
    assert "Projcet" not in output
    assert output.count("Home.md:3:5:") == 1  # never twice

    fixed = subprocess.run(
        [str(Path(__import__("sys").executable).with_name("vaultlint")), "check", "--fix", "--staged", "--no-cache"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Fixed 2 problems in 2 notes" in fixed.stderr, fixed.stdout + fixed.stderr
    assert (repo / "Home.md").read_text() == "# Home\n\nSee [[Projects]].\n"
    other = (repo / "Other.md").read_text()
    assert other.endswith("And [[Projects|the project]].\n")
    # Other.md is now part of the commit, but its old typo is not new: the commit passes (issue 17).
    accepted = commit(repo, "rename, links updated")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "Projcet" not in accepted.stdout + accepted.stderr


def test_a_commit_that_only_deletes_a_linked_note_is_refused(repo):
    git(repo, "rm", "-q", "Project.md")
    refused = commit(repo, "delete")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert 'Home.md:3:5: LK001 error unresolved link "Project"' in output
    assert '"Project.md" was deleted' in output


def test_a_rename_nothing_links_to_passes(repo):
    (repo / "Lonely.md").write_text("# Lonely\n")
    assert commit(repo, "lonely").returncode == 0
    git(repo, "mv", "Lonely.md", "Alone.md")
    accepted = commit(repo, "rename")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_the_hook_on_one_note_in_a_subfolder_agrees_with_a_whole_vault_check(tmp_path, home, monkeypatch):
    """Reproduction of issue 9: without a committed ``.obsidian/``, the first staged file's folder became
    the vault root: links to notes elsewhere were "unresolved", and a cache appeared in the note folder."""
    monkeypatch.setenv("PRE_COMMIT_HOME", str(home))
    head = git(REPO, "rev-parse", "HEAD").stdout.strip()
    root = tmp_path / "notes"
    (root / "Areas" / "Work").mkdir(parents=True)
    (root / "assets").mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "Home.md").write_text("# Home\n\n[[Project]] and [[Deep]].\n")
    (root / "Project.md").write_text("# Project\n\n## Goals\n")
    (root / "assets" / "chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    deep = "# Deep\n\n[[Project#Goals]] [[Home]] ![[chart.png]] [[Areas/Work/Other]]\n\n[[Missing]] [[Project#Nope]]\n"
    (root / "Areas" / "Work" / "Deep.md").write_text(deep)
    (root / "Areas" / "Work" / "Other.md").write_text("[[Deep]] [[Gone]]\n")
    (root / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: {head}\n    hooks:\n      - id: vaultlint\n"
    )
    git(root, "add", "-A")

    def problems(output: str, note: str) -> list[str]:
        return [line for line in output.splitlines() if line.startswith(f"{note}:")]

    whole = subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--offline", "--no-cache", "."],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    expected = problems(whole.stdout, "Areas/Work/Deep.md")
    assert [line.split(": ", 1)[1].split(" ", 1)[0] for line in expected] == ["LK001", "LK003"], whole.stdout

    def hook(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PRE_COMMIT, "run", "vaultlint", "--files", *files],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=600,
        )

    one = hook("Areas/Work/Deep.md")
    assert one.returncode == 1, one.stdout + one.stderr
    assert problems(one.stdout, "Areas/Work/Deep.md") == expected, one.stdout
    assert "outside the vault root" not in one.stdout
    assert not (root / "Areas" / "Work" / ".vaultlint-cache").exists()
    assert (root / ".vaultlint-cache").is_dir()  # the cache lives at the root, next to .git
    for files in (("Areas/Work/Other.md", "Home.md"), ("Home.md", "Areas/Work/Other.md")):  # any order
        both = hook(*files)
        assert problems(both.stdout, "Areas/Work/Other.md") == problems(whole.stdout, "Areas/Work/Other.md")
        assert problems(both.stdout, "Home.md") == [] and "outside the vault root" not in both.stdout


# -- issue 17.4: every file the vault lints, one summary, a fix the hook user can run ---------------


def test_a_broken_canvas_is_refused(repo):
    (repo / "Board.canvas").write_text('{"nodes": [{"id": "a", "type": "text", "text": "x"}\n', encoding="utf-8")
    refused = commit(repo, "a board")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "Board.canvas:" in output and "CV001" in output
    assert git(repo, "log", "--oneline").stdout.count("\n") == 1


def test_an_invalid_base_is_refused(repo):
    (repo / "Books.base").write_text('filters:\n  and:\n    - file.hasTag("book")\nview:\n  - type: table\n')
    refused = commit(repo, "a base")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "Books.base:" in output and "BS001" in output
    (repo / "Books.base").write_text('filters:\n  and:\n    - file.hasTag("book")\nviews:\n  - type: table\n')
    accepted = commit(repo, "a base")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_all_files_on_a_large_vault_prints_one_summary(repo):
    """Long paths: pre-commit would split this file list into batches (128 KiB of arguments each)."""
    folder = repo / ("Long folder name " * 12).strip() / ("Deeper still " * 15).strip()
    folder.mkdir(parents=True)
    for number in range(320):
        link = "Nowhere" if number % 100 == 7 else "Home"
        (folder / f"Note {number:03} {'x' * 150}.md").write_text(f"# Note {number}\n\nBack to [[{link}]].\n")
    git(repo, "add", "-A")
    run = subprocess.run(
        [PRE_COMMIT, "run", "vaultlint", "--all-files"], cwd=repo, capture_output=True, text=True, timeout=600
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    summaries = [line for line in output.splitlines() if line.startswith(("Found ", "All checks passed"))]
    assert len(summaries) == 1, output[-3000:]
    assert summaries[0].startswith("Found 4 problems (4 errors)"), summaries
    assert output.count('unresolved link "Nowhere"') == 4


def test_under_pre_commit_the_fix_hint_names_the_fix_hook_and_the_hook_fixes(repo):
    git(repo, "mv", "Project.md", "Projects.md")
    refused = commit(repo, "rename")
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert 'Home.md:3:5: LK001 error unresolved link "Project"' in output
    assert "(pre-commit run --hook-stage manual vaultlint-fix updates the link)" in output
    assert "vaultlint check --fix" not in output
    fixing = subprocess.run(
        [PRE_COMMIT, "run", "--hook-stage", "manual", "vaultlint-fix"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert "Fixed 1 problem in 1 note" in fixing.stdout + fixing.stderr, fixing.stdout + fixing.stderr
    assert (repo / "Home.md").read_text() == "# Home\n\nSee [[Projects]].\n"
    accepted = commit(repo, "rename, links updated")
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def test_outside_pre_commit_the_hint_names_vaultlint(repo, monkeypatch):
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    git(repo, "mv", "Project.md", "Projects.md")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("vaultlint")), "check", "--staged", "--offline", "--no-cache"],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "(vaultlint check --fix updates the link)" in done.stdout, done.stdout + done.stderr
    assert "1 fixable with `vaultlint check --fix`." in done.stdout
