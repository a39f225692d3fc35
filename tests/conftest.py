"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from helpers import FIXTURES, write_vault


@pytest.fixture
def vault(tmp_path: Path):
    """``vault({"a.md": "..."})`` builds a vault in a temp folder and returns its root."""

    def make(files: dict[str, str | bytes], obsidian: bool = True) -> Path:
        return write_vault(tmp_path / "vault", files, obsidian)

    return make


# -- the checkout stays as it was --------------------------------------------------------------
# Tests work on copies or with --no-cache: a test that writes into fixtures/ (a cache folder in
# the demo vault, a report) changes what later tests and the README's command see.


def _fixture_files() -> set[Path]:
    return set(FIXTURES.rglob("*"))


def pytest_sessionstart(session: pytest.Session) -> None:
    session.stash[_FIXTURES_BEFORE] = _fixture_files()
    # The language servers the tests start keep lsprotocol's compiled scripts in the user's cache
    # folder (server/startup.py): one of the run's own, shared by them all, never the user's.
    session.stash[_CACHE_HOME] = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="vaultlint-tests-cache-")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    shutil.rmtree(os.environ["XDG_CACHE_HOME"], ignore_errors=True)
    previous = session.stash.get(_CACHE_HOME, None)
    if previous is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = previous
    before = session.stash.get(_FIXTURES_BEFORE, None)
    if before is None:
        return
    added = sorted(_fixture_files() - before)
    if added:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("the tests wrote into the checkout's fixtures/ (use a copy or --no-cache):", red=True)
            for path in added[:20]:
                reporter.write_line(f"  {path.relative_to(FIXTURES.parent)}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_FIXTURES_BEFORE = pytest.StashKey[set[Path]]()
_CACHE_HOME = pytest.StashKey[str | None]()
