"""The long-lived engine: one vault held in memory and kept current change by change (DESIGN.md §9).

``vaultlint check``, ``--watch``, the language server and the Python API are faces over it.
"""

from __future__ import annotations

from .workspace import Workspace

__all__ = ["Workspace"]
