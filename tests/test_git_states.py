"""What the git-state fuzzing (tests/fuzz/gitstates.py) found, as regression tests.

A repository with a split index (``core.splitIndex``, its own or set by its config):
a plain check that offered an untracked file to git wrote a ``.git/sharedindex.*``.

A repository's ``.git/config`` can name a FIFO as a file git reads on every call
(``include.path``, ``core.excludesFile``, ``core.attributesFile``): git then waits
until vaultlint's timeout.  Each of a run's git questions waited the whole timeout
again (``--staged`` and ``--fix``: past a minute); now the first wait is the last.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest
from fuzz.invariants import cli_run
from test_git_reader import vaultlint
from test_renames import git, make_repo

from vaultlint.git import run as git_run
from vaultlint.git.run import GitError, run_git

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not hasattr(os, "mkfifo"), reason="git and FIFOs (POSIX)"
)

#: The timeout for these tests (vaultlint's is 20 s): short, and long enough for git to start on a busy machine.
TIMEOUT = 3.0


@pytest.fixture
def short_git_timeout(monkeypatch):
    monkeypatch.setattr(git_run, "GIT_TIMEOUT", TIMEOUT)
    monkeypatch.setattr(git_run, "_STALLED", {}, raising=False)  # (raising: the test runs on older code too)


def stalling_repo(tmp_path: Path, key: str) -> Path:
    """A committed vault with a rename staged, whose ``.git/config`` names a FIFO as ``key``."""
    repo = make_repo(tmp_path / "v", {"Old.md": "# Old\n", "Home.md": "[[Old]]\n", "sub/Note.md": "[[Home]]\n"})
    git(repo, "mv", "Old.md", "New.md")
    os.mkfifo(tmp_path / "fifo")
    git(repo, "config", key, str(tmp_path / "fifo"))
    return repo


@pytest.mark.parametrize("key", ["include.path", "core.excludesFile"])
def test_git_that_waits_on_a_fifo_is_waited_for_once_a_run(tmp_path, short_git_timeout, key):
    repo = stalling_repo(tmp_path, key)
    start = time.monotonic()
    with pytest.raises(GitError, match="did not answer within"):
        run_git(repo, "ls-files", "-z", "--others", "--exclude-standard")
    assert time.monotonic() - start >= TIMEOUT
    start = time.monotonic()
    with pytest.raises(GitError, match="did not answer within"):  # from the vault's sub-folder too
        run_git(repo / "sub", "ls-files", "-z", "--others", "--exclude-standard")
    assert time.monotonic() - start < 1.0


def test_a_process_that_asks_again_later_waits_again(tmp_path, short_git_timeout, monkeypatch):
    # (vaultlint.lint() in a long-lived process: a repository is not written off for good)
    repo = stalling_repo(tmp_path, "include.path")
    with pytest.raises(GitError):
        run_git(repo, "rev-parse", "HEAD")
    monkeypatch.setattr(git_run, "STALL_MEMORY", 0.0)
    start = time.monotonic()
    with pytest.raises(GitError, match="did not answer within"):
        run_git(repo, "rev-parse", "HEAD")
    assert time.monotonic() - start >= TIMEOUT


def test_staged_in_a_repository_whose_config_is_a_fifo_is_an_error_after_one_wait(
    tmp_path, short_git_timeout, monkeypatch
):
    repo = stalling_repo(tmp_path, "include.path")
    monkeypatch.chdir(repo)
    start = time.monotonic()
    code, _, err = cli_run(["check", "--staged", "--offline", "--no-cache", str(repo)])
    seconds = time.monotonic() - start
    assert code == 2
    assert "--staged: git did not answer within 3 s" in err
    assert seconds < 2.5 * TIMEOUT  # one wait; before, one for each git question (4 or more)


def test_a_plain_check_in_such_a_repository_waits_once_and_reports(tmp_path, short_git_timeout, monkeypatch):
    repo = stalling_repo(tmp_path, "include.path")
    monkeypatch.chdir(repo)
    (repo / "Home.md").write_text("[[Old]] [[Missing]]\n")
    start = time.monotonic()
    code, out, err = cli_run(["check", "--offline", "--output-format", "concise", str(repo)])
    seconds = time.monotonic() - start
    assert code == 1
    assert 'unresolved link "Missing"' in out
    assert seconds < 2.5 * TIMEOUT
    # The wait is not silent: one warning says git did not answer and what the run went without.
    assert err.count("did not answer") == 1 and "went without what git says" in err, err


def dot_git(repo: Path) -> dict[str, tuple[int, str]]:
    """Every file in ``.git/``: size and content hash."""
    found = {}
    for current, _, names in os.walk(repo / ".git"):
        for name in names:
            path = Path(current, name)
            found[str(path.relative_to(repo))] = (path.stat().st_size, hashlib.sha256(path.read_bytes()).hexdigest())
    return found


@pytest.mark.parametrize("where", ["from the start", "set later"])
def test_a_split_index_gets_no_new_shared_index_from_a_check(tmp_path, where):
    # A note moved with plain mv: the check offers the untracked file to git in a copy of the
    # index, and git's add wrote .git/sharedindex.<id> for it (seeds 217 and 282 of the harness).
    repo = tmp_path / "v"
    repo.mkdir()
    if where == "from the start":
        git(repo, "init", "-q")
        git(repo, "config", "core.splitIndex", "true")
    repo = make_repo(repo, {"Old.md": "# Old\n\ntext of the old note\n", "Home.md": "[[Old]]\n"})
    if where == "set later":
        git(repo, "config", "core.splitIndex", "true")
    (repo / "Old.md").rename(repo / "New.md")
    before = dot_git(repo)
    result = vaultlint(repo)
    assert 'unresolved link "Old"' in result.stdout
    assert "1 fixable" in result.stdout  # the rename was seen: the link can be fixed
    assert dot_git(repo) == before
