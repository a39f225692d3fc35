"""The one place where ``--watch`` talks to the engine: a batch of changes in, a report out.

Everything the watch loop knows about checking is these three calls, so that how a change is
re-checked (the whole run again, or only what the change can affect) is decided here alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .changes import Batch

if TYPE_CHECKING:  # pragma: no cover
    from ..api import Overrides
    from ..engine import LintOptions, Report


@dataclass(frozen=True)
class Request:
    """What ``vaultlint check --watch`` was asked: the same as a check, read again on every reload."""

    paths: tuple[Path, ...]
    config_file: Path | None
    overrides: Overrides


class Session:
    """The checks of one watch.  Not thread-safe: the loop calls it from one thread."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.options = self._build()

    def _build(self) -> LintOptions:
        """The options of the request as the config now says (raises ConfigError, SelectorError)."""
        from ..api import build_options

        options, _ = build_options(self.request.paths, self.request.config_file, self.request.overrides)
        return options

    def apply(self, batch: Batch) -> bool:
        """Take in what changed on disk; whether the report can differ from the last one."""
        if batch.reload:
            self.options = self._build()
        return bool(batch)

    def report(self, written: Sequence[Path] = ()) -> Report:
        """The report of the vault as it is now (``written``: files this watch's fixes just wrote)."""
        from ..engine import lint

        return lint(self.options)

    def close(self) -> None:
        """Let go of what the session holds."""
