"""Helpers for the spec-driven rule tests in ``tests/rules/``.

``tests/helpers.py`` holds the shared helpers (``run``, ``found``, ``messages``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

from helpers import found, messages, run

__all__ = ["check", "check_all", "found", "messages", "run", "types_json"]

Files = Mapping[str, "str | bytes"]


def check(vault: Callable[..., Path], files: Files, code: str, **options: object) -> list[tuple[str, int, int, str]]:
    """Build ``files`` as a vault, lint it with only ``code`` selected, and return ``found(report, code)``."""
    return found(run(vault(files), select=[code], **options), code)


def check_all(vault: Callable[..., Path], files: Files, **options: object) -> list[tuple[str, int, int, str]]:
    """Every diagnostic of the default rule selection, as ``(path, line, column, code)``."""
    return found(run(vault(files), **options))


def types_json(types: Mapping[str, str]) -> str:
    """Content of ``.obsidian/types.json`` (OBSIDIAN.md §7.3)."""
    return json.dumps({"types": dict(types)})
