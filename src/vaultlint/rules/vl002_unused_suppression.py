"""VL002 unused-suppression: a suppression comment that suppressed nothing.

**What it does**: reports ``vaultlint-disable…`` directives (in ``%% %%`` or
``<!-- -->`` comments) under which no diagnostic was found.  Directives that name
only rules that are switched off are not reported.

**Why it matters**: a stale suppression hides the next real problem on that line.

**Example**::

    %% vaultlint-disable-next-line LK001 %%
    [[A note that exists now]]

**How to fix**: delete the comment.
"""

from __future__ import annotations

from ..model import Severity
from .base import Rule, Scope

RULE = Rule(
    "VL002",
    "unused-suppression",
    Severity.WARNING,
    "a suppression comment that suppressed nothing",
    __doc__,
    Scope.SUPPRESSION,
)
