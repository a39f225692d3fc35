"""UR004 malformed-url: cannot be parsed as a URL.

**What it does**: The text looks like a URL but cannot be parsed: a bad host, port or characters.

**Why it matters**: No browser can open it.

**How to fix**: Correct the URL.

Reported by the external URL checker stage (``vaultlint.urls``), which needs
the network; ``--offline`` turns it off.
"""

from __future__ import annotations

from ..model import Severity
from .base import Rule, Scope

RULE = Rule("UR004", "malformed-url", Severity.ERROR, "cannot be parsed as a URL", __doc__, Scope.URL)
