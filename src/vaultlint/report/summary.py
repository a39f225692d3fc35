"""The closing line of the human formats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from ..fixcommand import DEFAULT as FIX_COMMAND
from ..model import Diagnostic
from .base import ReportContext

#: "info" is a mass noun: "3 info", like "3 errors, 2 warnings".
_PLURAL = {"error": "errors", "warning": "warnings", "info": "info"}


def summary_line(diagnostics: Sequence[Diagnostic], files_checked: int, fix_command: str = FIX_COMMAND) -> str:
    noun = "note" if files_checked == 1 else "notes"
    if not diagnostics:
        return f"All checks passed ({files_checked} {noun} checked)."
    counts = Counter(d.severity.value for d in diagnostics)
    parts = [f"{counts[s]} {s if counts[s] == 1 else _PLURAL[s]}" for s in ("error", "warning", "info") if counts[s]]
    total = len(diagnostics)
    problems = "problem" if total == 1 else "problems"
    files = len({d.path for d in diagnostics})
    line = f"Found {total} {problems} ({', '.join(parts)}) in {files} of {files_checked} {noun}."
    fixable = sum(1 for d in diagnostics if d.fix is not None)
    if fixable:
        line += f" {fixable} fixable with `{fix_command}`."
    return line


#: The closing line of a run whose PATHS held no note to check (the command line warns and fails).
NOTHING_CHECKED = "Nothing checked: no note, canvas or base in scope."


def report_summary(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    """The summary line for a formatter: never "All checks passed" when nothing was checked."""
    if context.nothing_in_scope and not diagnostics:
        return NOTHING_CHECKED
    return summary_line(diagnostics, context.files_checked, context.fix_command)
