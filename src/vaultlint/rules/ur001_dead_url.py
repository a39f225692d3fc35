"""UR001 dead-url: definitive failure: 404, 410, unknown host (while the network works), refused.

**What it does**: checks every external ``http``/``https`` link and reports it
when the address answers 404 or 410, its host does not exist while other hosts
resolve, the connection is refused after retries, or redirects go round in a
loop.

**Why it matters**: readers following the link get nothing.

**Example**::

    See [the paper](https://example.org/papers/removed.pdf).

**How to fix**: update the URL (an archived copy works too) or remove the link.

External links are only checked when the network may be used: ``--offline``
turns the check off.
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
