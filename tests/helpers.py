"""Shared test helpers: build small vaults in a temporary folder and lint them.

A plain module (not ``conftest.py``) so that ``from helpers import ...`` is
unambiguous: ``tests/urls/`` has a ``conftest.py`` of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from vaultlint.engine import LintOptions, Report, lint
from vaultlint.model import Diagnostic
from vaultlint.selection import build_selection

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
FIXTURES = REPO / "fixtures"


def write_vault(root: Path, files: Mapping[str, str | bytes], obsidian: bool = True) -> Path:
    """Create ``files`` (vault path -> text or bytes) under ``root``; add ``.obsidian/`` by default."""
    root.mkdir(parents=True, exist_ok=True)
    if obsidian:
        (root / ".obsidian").mkdir(exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def run(
    root: Path,
    paths: Iterable[Path] | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    **options: object,
) -> Report:
    selection = build_selection(select=select, ignore=ignore)
    return lint(
        LintOptions(
            paths=tuple(paths) if paths is not None else (root,),
            vault_root=root,
            selection=selection,
            offline=True,
            **options,  # type: ignore[arg-type]
        )
    )


def found(report: Report, code: str | None = None) -> list[tuple[str, int, int, str]]:
    """(path, line, column, code) of each diagnostic, optionally of one code."""
    return [(d.path, d.span.line, d.span.column, d.code) for d in report.diagnostics if code is None or d.code == code]


def messages(report: Report, code: str | None = None) -> list[Diagnostic]:
    return [d for d in report.diagnostics if code is None or d.code == code]
