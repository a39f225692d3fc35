"""vaultlint: a linter and link checker for Obsidian vaults that agrees with Obsidian.

Public API (documented in the README)::

    import vaultlint

    report = vaultlint.lint(["notes/"], offline=True)
    for diagnostic in report.diagnostics: ...

:func:`lint` reads the same configuration as ``vaultlint check``.  Everything is
imported on first use, so ``import vaultlint`` and ``vaultlint --version`` stay fast.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing alone costs ~10 ms

#: The one place the version is written (pyproject.toml reads it; docs/releasing.md).
__version__ = "0.2.0"

__all__ = [
    "ConfigError",
    "Diagnostic",
    "LintOptions",
    "Report",
    "Severity",
    "VaultError",
    "Workspace",
    "__version__",
    "lint",
]

if TYPE_CHECKING:  # pragma: no cover
    from .api import lint
    from .config import ConfigError
    from .engine import LintOptions, Report
    from .model import Diagnostic, Severity
    from .vault import VaultError
    from .workspace import Workspace

_LAZY = {
    "lint": "api",
    "LintOptions": "engine",
    "Report": "engine",
    "ConfigError": "config",
    "VaultError": "vault",
    "Diagnostic": "model",
    "Severity": "model",
    "Workspace": "workspace",
}


def __getattr__(name: str) -> object:
    """The public API, imported on first use so that ``vaultlint --version`` starts fast."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'vaultlint' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{module}", __name__), name)
