"""OR002 unused-attachment: no note embeds or links this file.

**What it does**: reports files other than notes, canvases and bases (images,
PDFs, audio, …) in the checked folders that no note or canvas refers to.  Off by
default; select it with ``--extend-select OR002``.

**Why it matters**: unused attachments bloat the vault, its backups and its
git history.

**Example**: ``Attachments/Pasted image 20230101.png`` after the note that
embedded it was deleted.

**How to fix**: delete the file, or embed it where it belongs.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from ..model import Severity, Span, Violation
from ._vault import VaultView
from .base import Rule, Scope

DOCUMENTS = (".md", ".canvas", ".base")


def check(view: VaultView, ctx: object) -> Iterator[tuple[str, Violation]]:
    referenced = view.references()
    folders = {os.path.dirname(path) for path in view.scope}
    for file in view.context.vault.files:
        if file.path.lower().endswith(DOCUMENTS) or file.path in referenced:
            continue
        if os.path.dirname(file.path) in folders or _under(file.path, folders):
            yield file.path, Violation(Span(1, 1, 1, 1), "no note embeds or links this file")


def _under(path: str, folders: set[str]) -> bool:
    return any(folder == "" or path.startswith(folder + "/") for folder in folders)


RULE = Rule(
    "OR002",
    "unused-attachment",
    Severity.WARNING,
    "no note embeds or links it",
    __doc__,
    Scope.VAULT,
    check,
    enabled_by_default=False,
)
