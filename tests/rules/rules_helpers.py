"""Helpers for the spec-driven rule tests in ``tests/rules/``.

``tests/conftest.py`` holds the shared helpers (``run``, ``found``, ``messages``).
Another ``conftest.py`` lives in ``tests/urls/``, so ``from conftest import …`` is
ambiguous when both folders are collected in one session; this module loads
``tests/conftest.py`` by its path under a unique name instead.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable, Mapping
from pathlib import Path

_CONFTEST = Path(__file__).resolve().parent.parent / "conftest.py"
_spec = importlib.util.spec_from_file_location("_vaultlint_tests_shared_conftest", _CONFTEST)
assert _spec is not None and _spec.loader is not None
_shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_shared)

run = _shared.run
found = _shared.found
messages = _shared.messages

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
