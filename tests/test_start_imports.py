"""The editor faces cost the commands that run on every commit nothing (issue 21, point 6).

``vaultlint --version`` and ``vaultlint check`` run in every pre-commit hook and CI job: neither
may import the language server (pygls, lsprotocol) or the file watcher (watchfiles).  The real
command in a subprocess, with ``-X importtime``, which names every module the interpreter loads.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import FIXTURES

#: Loaded only by ``vaultlint server`` and ``vaultlint check --watch``.
EDITOR_ONLY = ("pygls", "lsprotocol", "watchfiles", "vaultlint.server", "vaultlint.watch")


def _imported(*arguments: str) -> set[str]:
    """Every module imported while running ``python *arguments``."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", *arguments], capture_output=True, text=True, timeout=120
    )
    lines = [line for line in result.stderr.splitlines() if line.startswith("import time:")]
    assert lines, result.stderr
    return {line.rsplit("|", 1)[-1].strip() for line in lines[1:]}  # the first line is the header


def _editor_modules(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == name or m.startswith(name + ".") for name in EDITOR_ONLY))


@pytest.mark.parametrize(
    "command",
    [
        ["--version"],
        ["check", "--offline", "--no-cache", "-q", str(FIXTURES / "demo-vault")],
        ["check", "--no-cache", "--select", "LK", "-q", str(FIXTURES / "demo-vault")],
        ["check", "--offline", "--no-cache", "--diff", str(FIXTURES / "demo-vault")],
    ],
    ids=["version", "check", "check-links", "diff"],
)
def test_commands_run_on_every_commit_import_no_editor_part(command: list[str]) -> None:
    imported = _imported("-m", "vaultlint", *command)
    assert "vaultlint.cli" in imported
    assert _editor_modules(imported) == []


def test_the_import_listing_sees_the_editor_parts() -> None:
    """The control: where they are imported, the listing above names them."""
    imported = _imported("-c", "import watchfiles, vaultlint.watch")
    assert {"watchfiles", "vaultlint.watch"} <= set(_editor_modules(imported))
