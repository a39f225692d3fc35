"""UR003 redirected-url: permanent redirect; message names the final URL.

**What it does**: The URL answers with a permanent redirect (301 or 308); the message names where it ends.

**Why it matters**: Permanent redirects are promises that the old address may stop working.

**How to fix**: Replace the URL with the final one.

Reported by the external URL checker stage (``vaultlint.urls``), which needs
the network; ``--offline`` turns it off.
"""

from __future__ import annotations

from ..model import Severity
from .base import Rule, Scope

RULE = Rule(
    "UR003", "redirected-url", Severity.INFO, "permanent redirect; message names the final URL", __doc__, Scope.URL
)
