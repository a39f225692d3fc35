"""``concise``: one line per diagnostic, ``path:line:col: CODE message``."""

from __future__ import annotations

from collections.abc import Sequence

from ..model import Diagnostic
from .base import ReportContext
from .escape import escape
from .grouping import group_not_checked
from .paths import display_path
from .summary import report_summary


def format_concise(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    lines = [
        f"{display_path(d, context)}:{d.span.line}:{d.span.column}: {d.code} {escape(d.message)}"
        for d in group_not_checked(diagnostics)
    ]
    if context.show_summary:
        lines.append(report_summary(diagnostics, context))
    return "\n".join(lines) + "\n" if lines else ""
