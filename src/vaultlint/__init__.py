"""vaultlint: a linter and link checker for Obsidian vaults that agrees with Obsidian.

Public API::

    from vaultlint import lint, LintOptions
    report = lint(LintOptions(paths=(Path("notes"),)))
    for diagnostic in report.diagnostics: ...
"""

from __future__ import annotations

__version__ = "0.1.0"

from .engine import LintOptions, Report, lint  # noqa: E402

__all__ = ["LintOptions", "Report", "__version__", "lint"]
