"""UR001 dead-url: definitive failure: 404, 410, unknown host (while the network works), refused.

**What it does**: The URL answers 404 or 410, its host does not exist while other hosts resolve, the connection is refused after retries, or redirects loop.

**Why it matters**: Readers following the link get nothing.

**How to fix**: Update the URL (an archived copy works too) or remove the link.

Reported by the external URL checker stage (``vaultlint.urls``), which needs
the network; ``--offline`` turns it off.
"""

from __future__ import annotations

from ..model import Severity
from .base import Rule, Scope

RULE = Rule(
    "UR001",
    "dead-url",
    Severity.ERROR,
    "definitive failure: 404, 410, unknown host (while the network works), refused",
    __doc__,
    Scope.URL,
)
