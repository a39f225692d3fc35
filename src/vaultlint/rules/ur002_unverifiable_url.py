"""UR002 unverifiable-url: could not be confirmed: timeout, 429, bot wall, 5xx after retries, TLS problems.

**What it does**: reports an external link that could not be confirmed either
way: it timed out, was rate limited beyond the retry budget, sits behind a bot
wall (403 or 503 with a Cloudflare challenge, status 999), kept answering 5xx,
or has a TLS problem.  The message gives the reason.

**Why it matters**: it may be dead, or only unwilling to talk to a checker; it
is a warning, so CI does not fail on it by default.

**Example**::

    [profile](https://www.linkedin.com/in/someone)

**How to fix**: open it in a browser; if it works, exclude the host in the
``[urls]`` table of the config.

External links are only checked when the network may be used: ``--offline``
turns the check off.
"""

from __future__ import annotations

from ..model import Severity
from .base import Rule, Scope

RULE = Rule(
    "UR002",
    "unverifiable-url",
    Severity.WARNING,
    "could not be confirmed: timeout, 429, bot wall, 5xx after retries, TLS problems",
    __doc__,
    Scope.URL,
)
