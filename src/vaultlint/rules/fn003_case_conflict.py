"""FN003 case-conflict: two paths that differ only by upper and lower case.

**What it does**: reports a file whose vault path equals another's except for
case (``Notes/Plan.md`` and ``notes/plan.md``), including two folders spelled
differently (``Projects/`` and ``projects/``), and two names that differ only
in how accented letters are encoded (Unicode normalization: ``Café.md``
with a precomposed ``é`` and with ``e`` and a combining accent, two files on
Linux).  The first path in sorted order (for normalization, the precomposed
NFC name, the one links reach) is kept; each other spelling is reported,
naming it.

**Why it matters**: macOS and Windows treat these as the same path.  A git
checkout there keeps one file and silently loses the other, or merges two
folders, and Obsidian, which ignores case when it resolves links, may open
a different file on each machine.  Of two names that differ only in
normalization, Obsidian reaches only one by links, even on Linux.

**Example**: ``Daily/2024-01-05.md`` and ``daily/2024-01-05.md``.

**How to fix**: merge the two files or folders, or rename one of them.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterator

from ..model import Severity, Span, Violation
from ..vault import nfc
from ._vault import VaultView
from .base import Rule, Scope


def check(view: VaultView, ctx: object) -> Iterator[tuple[str, Violation]]:
    vault = view.context.vault
    paths = [file.path for file in vault.files]
    in_scope = set(view.files)
    # Files: every spelling of a lower-cased NFC path.  Two names that are the same in NFC
    # are twins with vault paths of their own (vault.py); the NFC spelling comes first.
    # Only a name spelled more than one way is reported: those are found first, in one pass
    # over the vault (a warm run of 100,000 notes spent half a second here, grouping every name).
    lowered = [nfc(path).lower() for path in paths]
    shared = _repeated(lowered)
    spellings: dict[str, list[str]] = {}
    if shared:
        for path, lower in zip(paths, lowered):
            if lower in shared:
                spellings.setdefault(lower, []).append(path)
    reported: set[str] = set()
    for spelled in spellings.values():
        spelled.sort(key=lambda path: path != nfc(path))  # stable: sorted order otherwise
        first = spelled[0]
        for path in spelled[1:]:
            if path in in_scope:
                reported.add(path)
                yield path, Violation(Span(1, 1, 1, 1), _message(path, first))
    # Folders: the first file of each spelling of a folder that is spelled more than one way.
    firsts: dict[str, str] = {}  # folder -> its first file (the first file of a folder above too)
    for path in paths:
        parent = path.rpartition("/")[0]
        if parent not in firsts:
            firsts[parent] = path
    folders: dict[str, dict[str, str]] = {}
    for parent, path in firsts.items():
        parts = parent.split("/") if parent else []
        for depth in range(len(parts)):
            folder = "/".join(parts[: depth + 1])
            folders.setdefault(folder.lower(), {}).setdefault(folder, path)
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


def _repeated(names: list[str]) -> set[str]:
    """The names that occur more than once."""
    if len(set(names)) == len(names):  # the usual vault: no name twice, told without counting
        return set()
    return {name for name, count in Counter(names).items() if count > 1}


def _message(path: str, first: str) -> str:
    if nfc(path) == nfc(first):
        return (
            f'name is "{first}" written in another Unicode normalization form ({_form(path)}, '
            f"the other is {_form(first)}): the two names collide on macOS"
        )
    return f'path differs only by case from "{first}"'


def _form(path: str) -> str:
    for form in ("NFC", "NFD"):
        if unicodedata.is_normalized(form, path):
            return form
    return "mixed"


RULE = Rule(
    "FN003",
    "case-conflict",
    Severity.WARNING,
    "two paths differ only by case, so they collide on macOS and Windows",
    __doc__,
    Scope.VAULT,
    check,
)
