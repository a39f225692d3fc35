"""Applying fixes: only when asked (``--fix``), only the bytes that must change, atomically.

Edits are line/column spans in the text the parser saw.  They are mapped back
onto the file as it is on disk (BOM and CRLF line ends included) so that every
other byte stays as it was; a file that changed since it was checked, or whose
edits overlap, is left alone.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .model import Diagnostic, Edit


class FixConflict(Exception):
    pass


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` applied; raises :class:`FixConflict` when edits overlap or do not fit."""
    if "\r" in text.replace("\r\n", ""):
        raise FixConflict("lone carriage returns: line positions are ambiguous")
    bom = 1 if text.startswith("\ufeff") else 0
    starts = _line_starts(text)

    def offset(line: int, column: int) -> int:
        if line < 1 or line > len(starts):
            raise FixConflict(f"line {line} is not in the file")
        start = starts[line - 1] + (bom if line == 1 else 0)
        end = starts[line] - 1 if line < len(starts) else len(text)
        if text[start:end].endswith("\r"):
            end -= 1
        position = start + column - 1
        if position > end:
            raise FixConflict(f"column {column} is past the end of line {line}")
        return position

    ranges = sorted(
        ((offset(e.span.line, e.span.column), offset(e.span.end_line, e.span.end_column), e.text) for e in edits),
        key=lambda r: (r[0], r[1]),
    )
    for (_, end, _), (start, _, _) in zip(ranges, ranges[1:]):
        if start < end:
            raise FixConflict("edits overlap")
    for start, end, replacement in reversed(ranges):
        text = text[:start] + replacement + text[end:]
    return text


@dataclass(frozen=True)
class FileFix:
    path: str  # vault-relative
    before: str
    after: str
    count: int

    def diff(self) -> str:
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.path}",
                tofile=f"b/{self.path}",
            )
        )


def plan_fixes(diagnostics: Iterable[Diagnostic], vault_root: Path) -> list[FileFix]:
    """What ``--fix`` would change, file by file (files whose edits conflict are skipped)."""
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if diagnostic.fix is not None:
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
    plans = []
    for path, found in sorted(by_path.items()):
        try:
            with open(vault_root / path, encoding="utf-8", newline="") as handle:
                before = handle.read()
            after = apply_edits(before, [edit for d in found for edit in d.fix.edits])  # type: ignore[union-attr]
        except (OSError, UnicodeDecodeError, FixConflict):
            continue
        if after != before:
            plans.append(FileFix(path, before, after, len(found)))
    return plans


def write_fix(plan: FileFix, vault_root: Path) -> bool:
    """Write one fixed file atomically; False when it changed on disk since it was checked."""
    target = vault_root / plan.path
    with open(target, encoding="utf-8", newline="") as handle:
        if handle.read() != plan.before:
            return False
    mode = os.stat(target).st_mode
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".vaultlint")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(plan.after)
        os.chmod(temporary, mode & 0o7777)
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
    return True
