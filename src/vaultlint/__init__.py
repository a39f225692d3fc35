"""vaultlint: a linter and link checker for Obsidian vaults that agrees with Obsidian.

Public API::

    from vaultlint import lint, LintOptions
    report = lint(LintOptions(paths=(Path("notes"),)))
    for diagnostic in report.diagnostics: ...
"""

from __future__ import annotations

__version__ = "0.2.0"

__all__ = ["LintOptions", "Report", "__version__", "lint"]


def __getattr__(name: str) -> object:
    """The public API, imported on first use so that ``vaultlint --version`` starts fast."""
    if name in ("LintOptions", "Report", "lint"):
        from . import engine

        return getattr(engine, name)
    raise AttributeError(name)
