"""Stub: helper "nav" replaces this module (navigate features of the language server)."""

from __future__ import annotations

from typing import Any

from .state import EngineAccess


def register(server: Any, engine_access: EngineAccess) -> None:
    """Add this module's handlers to server (a pygls LanguageServer); the stub adds none."""
