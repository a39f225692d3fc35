"""How a diagnostic's path is shown to a person: relative to the working folder when possible."""

from __future__ import annotations

import os
from pathlib import Path

from ..model import Diagnostic
from .base import ReportContext
from .escape import line_start_safe


def relative_to_cwd(absolute: Path, cwd: Path) -> str:
    """``absolute`` relative to ``cwd`` (``/``-separated) when it is inside it, else absolute. Not escaped."""
    try:
        relative = os.path.relpath(absolute, cwd)
    except ValueError:  # another drive on Windows
        return str(absolute)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return str(absolute)
    return relative.replace(os.sep, "/")


def display_path(diagnostic: Diagnostic, context: ReportContext) -> str:
    """The path as a person reads it, escaped, safe at the start of a line."""
    return line_start_safe(relative_to_cwd(context.vault_root / diagnostic.path, context.cwd))
