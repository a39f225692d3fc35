"""UR003 redirected-url: permanent redirect; message names the final URL.

**What it does**: reports an external link whose address answers with a
permanent redirect (301 or 308); the message names where it ends.

**Why it matters**: a permanent redirect says the old address is gone for good;
it may stop working at any time.

**Example**::

    [docs](http://example.com/old-page)

**How to fix**: replace the URL with the final one.

External links are only checked when the network may be used: ``--offline``
turns the check off.
"""

from __future__ import annotations

from ..model import Severity
from .base import Rule, Scope

RULE = Rule(
    "UR003", "redirected-url", Severity.INFO, "permanent redirect; message names the final URL", __doc__, Scope.URL
)
