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
