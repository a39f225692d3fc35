"""VL003 unknown-rule: a suppression comment or the config names a rule that does not exist.

**What it does**: reports codes, prefixes and names in ``vaultlint-disable…``
directives and in the config's ``select``, ``ignore``, ``extend-select``,
``severity`` and ``per-file-ignores`` that match no rule.

**Why it matters**: a typo (``LK01``, ``unresolved-links``) silently does nothing.

**Example**::

    %% vaultlint-disable-line LK999 %%

**How to fix**: use a code from ``vaultlint rule --all``.
"""

from __future__ import annotations

from ..model import Severity
from .base import Rule, Scope

RULE = Rule(
    "VL003",
    "unknown-rule",
    Severity.WARNING,
    "a suppression or config names a code that does not exist",
    __doc__,
    Scope.SUPPRESSION,
)
