"""Shared test helpers: build small vaults in a temporary folder and lint them.

A plain module (not ``conftest.py``) so that ``from helpers import ...`` is
unambiguous: ``tests/urls/`` has a ``conftest.py`` of its own.
"""

from __future__ import annotations

import resource
import subprocess
import sys
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


def check_in_subprocess(
    root: Path, *arguments: str, address_space: int | None = None, cpu_seconds: int = 120
) -> tuple[subprocess.CompletedProcess[str], float]:
    """``vaultlint check --offline --no-cache --output-format concise ARGUMENTS ROOT`` as a user runs
    it, in a process limited to ``cpu_seconds`` of CPU (and ``address_space`` bytes, if given), so a
    regression to an old cost fails the test instead of hurting the machine.  Returns the finished
    process and the CPU time it used (busy machines slow the wall clock, not this)."""

    def limits() -> None:
        if address_space is not None:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))

    command = [sys.executable, "-m", "vaultlint", "check", "--offline", "--no-cache", "--output-format", "concise"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [*command, *arguments, str(root)], capture_output=True, text=True, timeout=300, preexec_fn=limits
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def git(folder: Path, *args: str) -> str:
    """Real git in ``folder`` (a test's own repository), its stdout; fails the test if git fails.
    The identity is given on the command line, so commits work with no git config at all."""
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout
