"""``full``: one block per diagnostic, with the severity and the hint on its own line."""

from __future__ import annotations

from collections.abc import Sequence

import click

from ..model import Diagnostic, Severity
from .base import ReportContext
from .escape import escape
from .grouping import group_not_checked
from .paths import display_path
from .summary import report_summary

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}


def format_full(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    def style(text: str, **kwargs: object) -> str:
        return click.style(text, **kwargs) if context.color else text  # type: ignore[arg-type]

    lines: list[str] = []
    for d in group_not_checked(diagnostics):
        where = style(f"{display_path(d, context)}:{d.span.line}:{d.span.column}:", bold=True)
        code = style(d.code, fg=_COLOURS[d.severity], bold=True)
        lines.append(
            f"{where} {code} {style(d.severity.value, fg=_COLOURS[d.severity])} {escape(d.message)} [{d.name}]"
        )
        if d.hint:
            lines.append(f"  {style('hint:', fg='cyan')} {escape(d.hint)}")
    if context.show_summary:
        if lines:
            lines.append("")
        lines.append(report_summary(diagnostics, context))
    return "\n".join(lines) + "\n" if lines else ""
