"""`vaultlint check` and `vaultlint --version` start without the language server's libraries."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("argv", [["check", "--no-cache", "-q", "."], ["--version"]])
def test_check_and_version_never_import_pygls(tmp_path: Path, argv: list[str]) -> None:
    (tmp_path / "a.md").write_text("text\n", encoding="utf-8")
    probe = (
        "import sys; sys.argv = ['vaultlint', *sys.argv[1:]]\n"
        "from vaultlint.cli import main\n"
        "code = main()\n"
        "print('\\nLOADED', sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol', 'cattrs')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *argv], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.stdout.rstrip().endswith("LOADED []"), done.stdout + done.stderr


def test_the_server_starts_without_the_output_formats_or_the_fixer() -> None:
    """Neither is on the way to the first diagnostics (hover and fix-all import them when used):
    every module imported before them is start-up time an editor waits for."""
    probe = (
        "import sys\n"
        "import vaultlint.cli, vaultlint.server.app\n"
        "print('LOADED', sorted(m for m in sys.modules if m.startswith('vaultlint.report') or m == 'vaultlint.fix'))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "LOADED []", done.stdout + done.stderr
