"""Output formats, one module each.  ``FORMATTERS`` is the explicit registry."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..model import Diagnostic
from .base import Formatter, ReportContext
from .concise import format_concise
from .full import format_full
from .github import format_github
from .gitlab import format_gitlab
from .json_format import format_json
from .junit import format_junit
from .markdown import format_markdown
from .sarif import format_sarif

FORMATTERS: dict[str, Formatter] = {
    "full": format_full,
    "concise": format_concise,
    "json": format_json,
    "github": format_github,
    "sarif": format_sarif,
    "junit": format_junit,
    "gitlab": format_gitlab,
    "markdown": format_markdown,
}

#: Formats meant for programs: no summary, colour or progress around them.
MACHINE_FORMATS = frozenset({"json", "github", "sarif", "junit", "gitlab", "markdown"})


def render(output_format: str, diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    """The report in ``output_format``; with ``context.statistics``, the counts instead (or inside)."""
    if context.statistics:
        from .statistics import statistics, statistics_table

        if output_format in ("full", "concise", "github"):
            return statistics_table(diagnostics, context)
        if output_format == "json":
            return json.dumps(statistics(diagnostics, context.files_checked), indent=2) + "\n"
    return FORMATTERS[output_format](diagnostics, context)


__all__ = ["FORMATTERS", "MACHINE_FORMATS", "Formatter", "ReportContext", "render"]
