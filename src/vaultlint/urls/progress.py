"""A one-line progress display on stderr while URLs are checked.

The caller decides whether to show it (only on a TTY, never with a machine
output format); this module only draws.  It writes to stderr and nothing
else, redraws at most ten times a second, and erases itself when done so the
report that follows starts on a clean line.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total: int, *, enabled: bool, stream: TextIO | None = None) -> None:
        self.total = total
        self.done = 0
        self.failed = 0
        self._enabled = enabled and total > 0
        self._stream = stream if stream is not None else sys.stderr
        self._started = time.monotonic()
        self._last_draw = 0.0
        self._width = 0

    def advance(self, *, failed: bool = False) -> None:
        self.done += 1
        self.failed += failed
        if self._enabled:
            now = time.monotonic()
            if now - self._last_draw >= 0.1 or self.done == self.total:
                self._last_draw = now
                self._draw(now)

    def tick(self) -> None:
        """Redraw without progress (keeps the clock moving during long waits)."""
        if self._enabled:
            now = time.monotonic()
            if now - self._last_draw >= 0.5:
                self._last_draw = now
                self._draw(now)

    def _draw(self, now: float) -> None:
        filled = int(20 * self.done / self.total)
        bar = "#" * filled + "-" * (20 - filled)
        line = (
            f"checking URLs [{bar}] {self.done}/{self.total}"
            f"{f', {self.failed} failing' if self.failed else ''}  {now - self._started:.0f} s"
        )
        pad = max(0, self._width - len(line))
        self._width = len(line)
        self._write("\r" + line + " " * pad)

    def close(self) -> None:
        if self._enabled and self._width:
            self._write("\r" + " " * self._width + "\r")
            self._width = 0

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # a closed or broken stderr must not break the run
            self._enabled = False
