"""Fixtures shared by every test folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_vault


@pytest.fixture
def vault(tmp_path: Path):
    """``vault({"a.md": "..."})`` builds a vault in a temp folder and returns its root."""

    def make(files: dict[str, str | bytes], obsidian: bool = True) -> Path:
        return write_vault(tmp_path / "vault", files, obsidian)

    return make
