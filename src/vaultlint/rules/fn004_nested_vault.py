"""FN004 nested-vault: a folder of the vault that is a vault of its own.

**What it does**: reports each folder below the vault root that holds its own
Obsidian config folder (``.obsidian``, or the name given with
``--obsidian-dir``).

**Why it matters**: opened on its own, the inner vault resolves links only
among its own files, while the outer vault resolves them across everything:
a link that works in one is broken in the other.  Both vaults also keep
separate settings and plugin data for the same notes.  Obsidian's help
advises against vaults inside vaults.

**Example**: ``Projects/Client A/.obsidian/`` inside a vault rooted at
``Notes/``.

**How to fix**: delete the inner config folder (open the folder from the outer
vault instead), or move the inner vault out of the outer one.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Severity, Span, Violation
from ._vault import VaultView
from .base import Rule, Scope


def check(view: VaultView, ctx: object) -> Iterator[tuple[str, Violation]]:
    for config in view.context.vault.nested_vaults:
        folder = config.rsplit("/", 1)[0]
        if any(path.startswith(folder + "/") for path in view.files):
            yield (
                config,
                Violation(
                    Span(1, 1, 1, 1), f'folder "{folder}" is a vault of its own inside this vault (it holds {config})'
                ),
            )


RULE = Rule(
    "FN004",
    "nested-vault",
    Severity.WARNING,
    "a folder holds its own Obsidian config folder: a vault inside the vault",
    __doc__,
    Scope.VAULT,
    check,
)
