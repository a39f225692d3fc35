"""FN003 case-conflict: two paths that differ only by upper and lower case.

**What it does**: reports a file whose vault path equals another's except for
case (``Notes/Plan.md`` and ``notes/plan.md``), including two folders spelled
differently (``Projects/`` and ``projects/``), and two names that differ only
in how accented letters are encoded (Unicode normalization).  The first path
in sorted order is kept; each other spelling is reported, naming it.

**Why it matters**: macOS and Windows treat these as the same path.  A git
checkout there keeps one file and silently loses the other, or merges two
folders, and Obsidian, which ignores case when it resolves links, may open
a different file on each machine.

**Example**: ``Daily/2024-01-05.md`` and ``daily/2024-01-05.md``.

**How to fix**: merge the two files or folders, or rename one of them.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Severity, Span, Violation
from ._vault import VaultView
from .base import Rule, Scope


def check(view: VaultView, ctx: object) -> Iterator[tuple[str, Violation]]:
    vault = view.context.vault
    in_scope = set(view.files)
    # Files: every spelling of a lower-cased path; the same NFC path twice is a normalization clash.
    # Only the spellings of paths in scope can be reported (one note, in the pre-commit case).
    wanted = {path.lower() for path in in_scope}
    spellings: dict[str, list[str]] = {}
    for file in vault.files:
        lower = file.path.lower()
        if lower in wanted:
            spellings.setdefault(lower, []).append(file.path)
    reported: set[str] = set()
    for paths in spellings.values():
        for path in paths[1:]:
            if path in in_scope:
                reported.add(path)
                what = "Unicode normalization" if path == paths[0] else "case"
                yield path, Violation(Span(1, 1, 1, 1), f'path differs only by {what} from "{paths[0]}"')
    # Folders: the first file of each spelling of a folder that is spelled more than one way.
    folders: dict[str, dict[str, str]] = {}
    seen: set[str] = set()
    for file in vault.files:
        parent = file.path.rpartition("/")[0]
        if parent in seen:
            continue  # an earlier file already was the first in this folder and in each above it
        seen.add(parent)
        parts = parent.split("/") if parent else []
        for depth in range(len(parts)):
            folder = "/".join(parts[: depth + 1])
            folders.setdefault(folder.lower(), {}).setdefault(folder, file.path)
    for variants in folders.values():
        if len(variants) < 2:
            continue
        ordered = sorted(variants)
        for folder in ordered[1:]:
            first_file = variants[folder]
            if (
                first_file in in_scope
                and first_file not in reported
                and folder.rsplit("/", 1)[-1] != ordered[0].rsplit("/", 1)[-1]
            ):
                yield (
                    first_file,
                    Violation(Span(1, 1, 1, 1), f'folder "{folder}" differs only by case from "{ordered[0]}"'),
                )


RULE = Rule(
    "FN003",
    "case-conflict",
    Severity.WARNING,
    "two paths differ only by case, so they collide on macOS and Windows",
    __doc__,
    Scope.VAULT,
    check,
)
