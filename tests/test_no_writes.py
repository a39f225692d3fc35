"""A run writes nothing in the vault but its cache, and with --no-cache not even that.

"Nothing in a vault is ever written except by an explicit fix option": checked on the
folder's own record (every entry's size, times and mode, and each folder's mtime, which
moves when an entry is created even if it is removed again).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import write_vault

import vaultlint

FILES = {
    "a.md": "---\ntag: x\n---\n[[missing]] ![[gone.png]]\n",  # FM005 is fixable: --diff has something to show
    "Sub/b.md": "# H\n[[a#Nope]]\n",
    "c.canvas": '{"nodes": [{"id": "1", "type": "file", "file": "a.md", "x": 0, "y": 0, "width": 1, "height": 1}]}',
}


def record(root: Path) -> dict[str, tuple[int, int, int, int]]:
    entries = {}
    for path in [root, *root.rglob("*")]:
        info = path.lstat()
        entries[str(path.relative_to(root))] = (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_mode)
    return entries


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vaultlint", *args], capture_output=True, text=True, timeout=120, cwd="/"
    )


def api(root: Path) -> int:
    """Like the CLI's exit code: 1 when there are problems."""
    return 1 if vaultlint.lint(root, offline=True, no_cache=True).diagnostics else 0


@pytest.mark.parametrize(
    "how",
    [
        pytest.param(lambda root: cli("check", "--offline", "--no-cache", str(root)).returncode, id="check"),
        pytest.param(lambda root: cli("check", "--offline", "--no-cache", "--diff", str(root)).returncode, id="diff"),
        pytest.param(
            lambda root: cli("check", "--offline", "--no-cache", "--output-format", "sarif", str(root)).returncode,
            id="sarif",
        ),
        pytest.param(api, id="python-api"),
    ],
)
def test_no_cache_leaves_the_vault_exactly_as_it_was(tmp_path, how):
    root = write_vault(tmp_path / "vault", FILES)
    before = record(root)
    assert how(root) not in (0, 2)  # problems found and reported: the run did its work
    assert record(root) == before


def test_by_default_only_the_cache_folder_is_added(tmp_path):
    root = write_vault(tmp_path / "vault", FILES)
    before = record(root)
    assert cli("check", "--offline", str(root)).returncode == 1
    after = record(root)
    added = {name for name in after if name not in before}
    assert added and all(name.startswith(".vaultlint-cache") for name in added)
    assert {name: after[name] for name in before if name != "."} == {k: v for k, v in before.items() if k != "."}
    assert os.path.isdir(root / ".vaultlint-cache")
