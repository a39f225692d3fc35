"""Searches forward in an inline source that stay linear over a whole parse.

An inline rule that looks ahead with ``src.find(...)`` at every candidate
position costs time proportional to the rest of the block each time; on one
long line of ``[[`` or ``^`` (issue 8) that is quadratic.  The answer to "where
is the next ``]]`` at or after ``start``" does not change while ``start`` moves
forward but stays before that occurrence, so one search per occurrence is
enough: the result is remembered on the inline state and reused.
"""

from __future__ import annotations

import re
from typing import Any

#: Attribute of the markdown-it inline state that holds the remembered searches.
_CACHE = "_vaultlint_next"


def next_index(state: Any, needle: str, start: int, limit: int) -> int:
    """``state.src.find(needle, start, limit)``, in amortised constant time per call.

    Valid for calls with non-decreasing ``start`` (any order is still correct,
    only slower).  ``limit`` may vary: the first occurrence at or after ``start``
    is looked up once and then compared with it.
    """
    cache: dict[str, tuple[int, int]] | None = state.__dict__.get(_CACHE)
    if cache is None:
        cache = state.__dict__[_CACHE] = {}
    known = cache.get(needle)
    if known is not None and known[0] <= start and (known[1] < 0 or known[1] >= start):
        found = known[1]
    else:
        found = state.src.find(needle, start)
        cache[needle] = (start, found)
    return found if 0 <= found and found + len(needle) <= limit else -1


def next_match(state: Any, pattern: re.Pattern[str], start: int, limit: int) -> int:
    """Start of the first match of a one-character ``pattern`` at or after ``start``
    before ``limit``, or -1; remembered like :func:`next_index`."""
    cache: dict[str, tuple[int, int]] | None = state.__dict__.get(_CACHE)
    if cache is None:
        cache = state.__dict__[_CACHE] = {}
    key = "re:" + pattern.pattern
    known = cache.get(key)
    if known is not None and known[0] <= start and (known[1] < 0 or known[1] >= start):
        found = known[1]
    else:
        match = pattern.search(state.src, start)
        found = match.start() if match else -1
        cache[key] = (start, found)
    return found if 0 <= found < limit else -1
