"""Output formats, one module each.  ``FORMATTERS`` is the explicit registry."""

from __future__ import annotations

from .base import Formatter, ReportContext
from .concise import format_concise
from .full import format_full
from .json_format import format_json

FORMATTERS: dict[str, Formatter] = {
    "full": format_full,
    "concise": format_concise,
    "json": format_json,
}

#: Formats meant for programs: no summary, colour or progress around them.
MACHINE_FORMATS = frozenset({"json"})

__all__ = ["FORMATTERS", "MACHINE_FORMATS", "Formatter", "ReportContext"]
