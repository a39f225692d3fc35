"""FN002 non-portable-file-name: a file or folder name Windows cannot hold.

**What it does**: reports names (of files, and of the folders they are in)
that contain ``\\``, ``:``, ``*``, ``?``, ``"``, ``<`` or ``>``, or that end
in a space or a dot.  A folder is reported once, on the first file in it.
Off by default; select it with ``--extend-select FN002`` when the vault is
shared with Windows.

**Why it matters**: macOS and Linux accept these names, but a git checkout or
a sync to Windows fails for the file or quietly renames it, and the links to
it break on that machine only.

**Example**: ``Meetings/Q3: plan.md``, ``Drafts./idea.md``.

**How to fix**: rename the file or folder without these characters.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Severity, Span, Violation
from ._vault import VaultView
from .base import Rule, Scope

NON_PORTABLE = '\\:*?"<>'


def problem(name: str) -> str | None:
    """What makes one path component unusable on Windows, or ``None``."""
    found = [char for char in NON_PORTABLE if char in name]
    if found:
        return "contains " + " ".join(f'"{char}"' for char in found)
    if name.endswith((" ", ".")):
        return "ends in a space" if name.endswith(" ") else "ends in a dot"
    return None


def check(view: VaultView, ctx: object) -> Iterator[tuple[str, Violation]]:
    reported_folders: set[str] = set()
    for path in view.files:
        parts = path.split("/")
        for depth, name in enumerate(parts):
            why = problem(name)
            if why is None:
                continue
            if depth == len(parts) - 1:
                yield path, Violation(Span(1, 1, 1, 1), f"file name {why}, which Windows does not allow")
                continue
            folder = "/".join(parts[: depth + 1])
            if folder not in reported_folders:
                reported_folders.add(folder)
                yield path, Violation(Span(1, 1, 1, 1), f'folder name "{folder}" {why}, which Windows does not allow')


RULE = Rule(
    "FN002",
    "non-portable-file-name",
    Severity.WARNING,
    'name has \\ : * ? " < > or ends in a space or dot, so a Windows checkout fails',
    __doc__,
    Scope.VAULT,
    check,
    enabled_by_default=False,
)
