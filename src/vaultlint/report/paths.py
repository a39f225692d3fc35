"""How a diagnostic's path is shown to a person: relative to the working folder when possible."""

from __future__ import annotations

import os

from ..model import Diagnostic
from .base import ReportContext


def display_path(diagnostic: Diagnostic, context: ReportContext) -> str:
    absolute = context.vault_root / diagnostic.path
    try:
        relative = os.path.relpath(absolute, context.cwd)
    except ValueError:  # another drive on Windows
        return str(absolute)
    return str(absolute) if relative.startswith("..") else relative.replace(os.sep, "/")
