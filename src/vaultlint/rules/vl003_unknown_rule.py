"""VL003 unknown-rule: a suppression comment names a rule that does not exist.

**What it does**: reports codes, prefixes and names in ``vaultlint-disable…``
comments that match no rule, with the closest rule as a hint.  The unknown word
suppresses nothing: the problems it was meant to hide are still reported.

**Why it matters**: a typo (``LK00l``, ``unresolved-links``) would otherwise
either do nothing without a word or, worse, hide more than intended.  It is an
error so that the typo fails the check instead of passing unnoticed.

**Example**::

    [[Missing]] %% vaultlint-disable-line LK00l %%

**How to fix**: use a code or name from ``vaultlint rule --all``.  (In the
config file and on the command line an unknown rule is not a diagnostic but an
error that stops the run.)
"""

from __future__ import annotations

from ..model import Severity
from .base import Rule, Scope

RULE = Rule(
    "VL003",
    "unknown-rule",
    Severity.ERROR,
    "a suppression comment names a rule that does not exist",
    __doc__,
    Scope.SUPPRESSION,
)
