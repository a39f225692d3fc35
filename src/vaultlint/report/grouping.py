"""One line for many URLs that were given up on for the same reason (human formats only).

When a host keeps asking us to slow down, every URL of it not checked yet gets
the same UR002 reason (``urls.scheduler.slow_host_reason``); machine formats
list each, but a person needs to read it once per host.  The first such
diagnostic stands for the rest, which are counted in its message.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from ..model import Diagnostic

#: The message the URL checker gives each of them (kept in step with ``slow_host_reason``).
_NOT_CHECKED = re.compile(r'^unverifiable URL ".*": not checked: (\S+) kept asking us to slow down$', re.DOTALL)


def group_not_checked(diagnostics: Sequence[Diagnostic]) -> list[Diagnostic]:
    kept: list[Diagnostic] = []
    first: dict[str, int] = {}
    more: dict[str, int] = {}
    for d in diagnostics:
        match = _NOT_CHECKED.match(d.message) if d.code == "UR002" else None
        if match is None:
            kept.append(d)
        elif match[1] in first:
            more[match[1]] += 1
        else:
            first[match[1]] = len(kept)
            more[match[1]] = 0
            kept.append(d)
    for host, index in first.items():
        if more[host]:
            n = more[host]
            message = f"{kept[index].message} (and {n} more URL{'s' if n != 1 else ''} of {host}, not listed)"
            kept[index] = dataclasses.replace(kept[index], message=message)
    return kept
