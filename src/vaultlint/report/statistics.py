"""``--statistics``: how many diagnostics each rule produced, in every output format.

Human formats (and ``github``, whose output is a log) print a table, one line per
rule, most frequent first, ``[*]`` marking rules whose every diagnostic is
fixable and ``(1 of 26 fixable)`` after the name when only some are, then the
summary line with the totals.  ``json`` prints one object::

    {"total": 7, "fixable": 2, "files": 2, "files_checked": 4,
     "rules": [{"code": "LK001", "name": "unresolved-link", "severity": "error",
                "count": 5, "fixable": 0}, ...]}

``sarif`` and ``junit`` are reports that tools read, so they stay complete and
carry the same object where the format has room for it (SARIF: the run's
``properties.statistics``; JUnit: ``<properties>`` of the suite).  GitLab's Code
Quality format has no such place and counts the issues itself; it is unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model import Diagnostic
from .base import ReportContext
from .summary import report_summary


def statistics(diagnostics: Sequence[Diagnostic], files_checked: int) -> dict[str, Any]:
    by_code: dict[str, dict[str, Any]] = {}
    for d in diagnostics:
        entry = by_code.setdefault(
            d.code, {"code": d.code, "name": d.name, "severity": d.severity.value, "count": 0, "fixable": 0}
        )
        entry["count"] += 1
        entry["fixable"] += d.fix is not None
    rules = sorted(by_code.values(), key=lambda e: (-e["count"], e["code"]))
    return {
        "total": len(diagnostics),
        "fixable": sum(e["fixable"] for e in rules),
        "files": len({d.path for d in diagnostics}),
        "files_checked": files_checked,
        "rules": rules,
    }


def statistics_table(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    stats = statistics(diagnostics, context.files_checked)
    lines = [_table_row(entry) for entry in stats["rules"]]
    if context.show_summary:
        lines.append(report_summary(diagnostics, context))
    return "\n".join(lines) + "\n" if lines else ""


def _table_row(entry: dict[str, Any]) -> str:
    """One rule's line: ``[*]`` only when all its diagnostics are fixable, else how many are."""
    count, fixable = entry["count"], entry["fixable"]
    row = f"{count:>6}  {entry['code']}  {'[*]' if fixable == count else '   '} {entry['name']}"
    return row + f" ({fixable} of {count} fixable)" if 0 < fixable < count else row
