"""UR004 malformed-url: cannot be parsed as a URL.

**What it does**: reports text that is written as an external link but cannot
be parsed as a URL: a bad host, port or characters.

**Why it matters**: no browser can open it.

**Example**::

    [shop](https://example.com:99999/)

**How to fix**: correct the URL.

External links are only checked when the network may be used: ``--offline``
turns the check off.
"""

from __future__ import annotations

from ..model import Severity
from .base import Rule, Scope

RULE = Rule("UR004", "malformed-url", Severity.ERROR, "cannot be parsed as a URL", __doc__, Scope.URL)
