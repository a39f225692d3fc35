"""git runs as a reader (issue 16, cases 4, 5, 10, 11): a hostile ``.git/config`` or
``.gitattributes`` runs nothing, a check writes nothing into ``.git/``, and ``--staged``
says why when git cannot answer."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_renames import git, make_repo

from vaultlint.git.changes import OFFER_TO_GIT_MAX, worktree_changes

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def vaultlint(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a subprocess, as a hook or a CI job runs it."""
    return subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--offline", "--no-cache", "--output-format", "concise", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def hostile_script(tmp_path: Path, marker: Path) -> Path:
    """A program that leaves ``marker`` behind when anything runs it (and passes its input through)."""
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\necho ran >> '{marker}'\ncat\n")
    script.chmod(0o755)
    return script


def hostile_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A vault whose ``.git/config`` and ``.gitattributes`` name a command for every hook git offers."""
    repo = make_repo(
        tmp_path / "v",
        {"Project.md": "# Project\n\ntext\n" * 5, "Home.md": "[[Project]] [[Draft]]\n", "pic.png": b"\x89PNG" * 50},
    )
    marker = tmp_path / "marker"
    script = hostile_script(tmp_path, marker)
    (repo / ".gitattributes").write_text("* diff=evil filter=evil\n")
    for key in (
        "core.fsmonitor",
        "diff.external",
        "diff.evil.textconv",
        "diff.evil.command",
        "filter.evil.clean",
        "filter.evil.smudge",
        "core.pager",
    ):
        git(repo, "config", key, str(script))
    git(repo, "config", "filter.evil.required", "true")
    git(repo, "config", "core.hooksPath", str(tmp_path))
    # A rename staged, a plain mv of a note and of an attachment: every path that asks git.
    git(repo, "mv", "Project.md", "Plan.md")
    (repo / "Home.md").write_text("[[Project]] [[Draft]] edited\n")
    git(repo, "add", "Home.md")
    marker.unlink(missing_ok=True)
    (repo / "pic.png").rename(repo / "picture.png")
    return repo, marker


def test_the_hostile_config_is_live_so_the_next_tests_mean_something(tmp_path):
    repo, marker = hostile_repo(tmp_path)
    subprocess.run(["git", "diff", "HEAD"], cwd=repo, capture_output=True, timeout=60, check=False)
    assert marker.exists()


@pytest.mark.parametrize("mode", [(), ("--staged",), ("--fix",), ("--diff",)])
def test_no_repository_configured_command_runs(tmp_path, mode):
    repo, marker = hostile_repo(tmp_path)
    done = vaultlint(repo, *mode)
    assert done.returncode in (0, 1), done.stderr
    assert "internal error" not in done.stderr
    # The rename was seen (a fix offered, shown or made) with every hostile command off.
    if mode == ("--fix",):
        assert (repo / "Home.md").read_text() == "[[Plan]] [[Draft]] edited\n"
    else:
        assert ("[[Plan]]" if mode == ("--diff",) else "1 fixable") in done.stdout
    assert not marker.exists(), "git ran a command the repository configured"


def test_the_rename_is_still_seen_through_the_hostile_config(tmp_path):
    repo, marker = hostile_repo(tmp_path)
    changes = worktree_changes(repo)
    assert changes.renamed == {"Project.md": "Plan.md", "pic.png": "picture.png"}
    assert not marker.exists()


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file below ``folder``: size and content hash."""
    result = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            result[str(path.relative_to(folder))] = (len(data), hashlib.sha256(data).hexdigest())
    return result


def test_a_check_writes_nothing_into_dot_git(tmp_path):
    """Case 5: a deleted committed attachment and large untracked files of its extension."""
    big = os.urandom(OFFER_TO_GIT_MAX + 4096)
    repo = make_repo(
        tmp_path / "v",
        {
            "Home.md": "![[video.bin]] ![[clip.bin]] [[Gone]]\n",
            "video.bin": big,
            "clip.bin": b"small clip\n" * 10,
        },
    )
    (repo / "video.bin").unlink()
    (repo / "clip.bin").unlink()
    (repo / "other.bin").write_bytes(os.urandom(OFFER_TO_GIT_MAX + 4096))  # same size, other bytes
    (repo / "moved.bin").write_bytes(big)  # the same bytes: a rename
    (repo / "cut.bin").write_bytes(b"small clip\n" * 9)  # similar: git pairs it
    before = snapshot(repo / ".git")
    for mode in ((), ("--diff",), ("--fix",)):
        done = vaultlint(repo, *mode)
        assert done.returncode in (0, 1), done.stderr
    assert snapshot(repo / ".git") == before
    assert worktree_changes(repo).renamed == {"video.bin": "moved.bin", "clip.bin": "cut.bin"}
    assert (repo / "Home.md").read_text() == "![[moved.bin]] ![[cut.bin]] [[Gone]]\n"  # the --fix above
    assert snapshot(repo / ".git") == before


def test_staged_without_git_on_path_is_an_error(tmp_path):
    repo = make_repo(tmp_path / "v", {"a.md": "[[Missing]]\n"})
    env = {**os.environ, "PATH": str(tmp_path / "empty")}
    done = vaultlint(repo, "--staged", ".", env=env)
    assert done.returncode == 2
    assert done.stderr.strip() == "vaultlint: error: --staged: git is not installed (no git on PATH)"
    assert "All checks passed" not in done.stdout
    assert vaultlint(repo, ".", env=env).returncode == 1  # a plain check does without git


def test_staged_outside_a_work_tree_is_an_error(tmp_path):
    (tmp_path / "v" / ".obsidian").mkdir(parents=True)
    (tmp_path / "v" / "a.md").write_text("[[Missing]]\n")
    done = vaultlint(tmp_path / "v", "--staged", ".")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.strip() == "vaultlint: error: --staged: not inside a git work tree"


def test_staged_in_a_corrupt_repository_is_an_error(tmp_path):
    repo = make_repo(tmp_path / "v", {"a.md": "[[Missing]]\n"})
    (repo / ".git" / "index").write_bytes(b"DIRC garbage")
    done = vaultlint(repo, "--staged", ".")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("vaultlint: error: --staged: git ") and len(done.stderr.splitlines()) == 1


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give the repo away")
def test_staged_in_a_repository_of_another_owner_is_an_error_that_says_why(tmp_path):
    repo = make_repo(tmp_path / "v", {"a.md": "[[Missing]]\n"})
    for path in (repo, *repo.rglob("*")):
        os.lchown(path, 65534, 65534)
    env = {**os.environ, "HOME": str(tmp_path)}  # no safe.directory from the user's config
    done = vaultlint(repo, "--staged", ".", env=env)
    assert (done.returncode, done.stdout) == (2, "")
    assert "belongs to another user" in done.stderr and "safe.directory" in done.stderr


@pytest.mark.skipif(sys.platform == "darwin", reason="macOS file names must be UTF-8")
@pytest.mark.parametrize("mode", [(), ("--staged",), ("--fix",), ("--diff",)])
def test_a_rename_to_a_name_that_is_not_utf8_is_reported_not_an_internal_error(tmp_path, mode):
    """Case 10: ``git mv Old.md $'New\\xff.md'`` with ``[o](Old.md)`` elsewhere."""
    repo = make_repo(tmp_path / "v", {"Old.md": "# Old\n", "Home.md": "[o](Old.md)\n"})
    subprocess.run([b"git", b"mv", b"Old.md", b"New\xff.md"], cwd=repo, check=True, timeout=60)
    done = vaultlint(repo, *mode, ".")
    assert "internal error" not in done.stderr
    if mode != ("--diff",):
        assert done.returncode == 1
        assert 'Home.md:1:1: LK001 unresolved link "Old.md"' in done.stdout
    assert (repo / "Home.md").read_text() == "[o](Old.md)\n"  # no name to write: left for the user


@pytest.mark.parametrize("export", ["", "export GIT_DIR=.git\n"])
def test_a_real_git_hook_sees_the_commit_being_made_with_commit_a_in_a_vault_below_the_top(tmp_path, export):
    """git runs hooks with GIT_INDEX_FILE (a temporary index for ``commit -a``) and may export
    GIT_DIR relative to the top: vaultlint, running git in the vault folder, must keep both."""
    repo = make_repo(tmp_path / "r", {"notes/A.md": "# A\n", "notes/B.md": "[[A]]\n", "README.md": "x\n"})
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        f"#!/bin/sh\n{export}"
        f"exec '{sys.executable}' -m vaultlint check --offline --no-cache --staged --vault-root notes\n"
    )
    hook.chmod(0o755)
    (repo / "notes" / "B.md").write_text("[[A]] [[Missing]]\n")  # not staged: only -a brings it in

    def commit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "commit", "-q", *args, "-m", "x"],
            cwd=repo,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    refused = commit("-a")
    assert refused.returncode != 0 and 'unresolved link "Missing"' in refused.stdout + refused.stderr
    (repo / "notes" / "B.md").write_text("[[A]] fine\n")
    assert commit("-a").returncode == 0


def test_the_users_own_command_line_config_is_kept_and_ours_comes_after(tmp_path, monkeypatch):
    """GIT_CONFIG_COUNT from the caller's environment (trusted) is extended, never replaced."""
    from vaultlint.git.run import run_git

    repo = make_repo(tmp_path / "v", {"a.md": "x\n"})
    monkeypatch.setenv("GIT_CONFIG_COUNT", "1")
    monkeypatch.setenv("GIT_CONFIG_KEY_0", "user.name")
    monkeypatch.setenv("GIT_CONFIG_VALUE_0", "From The Environment")
    assert run_git(repo, "config", "user.name").strip() == b"From The Environment"
    assert run_git(repo, "config", "core.fsmonitor").strip() == b"false"


def test_a_filter_whose_name_holds_dots_is_turned_off_too(tmp_path):
    repo = make_repo(tmp_path / "v", {"Project.md": "# Project\n\ntext\n" * 5, "Home.md": "[[Project]]\n"})
    marker = tmp_path / "marker"
    script = hostile_script(tmp_path, marker)
    (repo / ".gitattributes").write_text("*.md filter=a.b=c\n")
    git(repo, "config", "filter.a.b=c.clean", str(script))
    (repo / "Project.md").rename(repo / "Plan.md")  # a plain mv: git hashes the untracked file
    assert worktree_changes(repo).renamed == {"Project.md": "Plan.md"}
    assert not marker.exists()
    # The filter is live: plain git runs it.
    subprocess.run(["git", "add", "-A", "--dry-run"], cwd=repo, capture_output=True, timeout=60, check=False)
    assert marker.exists()


def test_git_run_in_a_folder_that_does_not_exist_says_so(tmp_path):
    from vaultlint.git.run import GitError, run_git

    with pytest.raises(GitError, match="cannot run git in"):
        run_git(tmp_path / "missing", "status")
