"""FN001 link-breaking-file-name: a file name with a character that ends or splits a link.

**What it does**: reports notes, canvases, bases and attachments whose file
name contains ``[``, ``]``, ``#``, ``^`` or ``|``.

**Why it matters**: these characters mean something inside a link: ``#``
starts a heading, ``^`` a block, ``|`` the display text, and ``[``/``]``
end the link.  ``[[C# notes]]`` looks for a heading " notes" in a note
called "C", and a Markdown link cannot reach the file either.  Obsidian
warns that "links will not work" with such names when you rename a file,
so they usually arrive from other apps, downloads or sync.

**Example**: ``Ideas/C# notes.md``, ``Pasted [1].png``.

**How to fix**: rename the file (Obsidian updates the links that still work
when you rename it inside Obsidian), for example ``C-sharp notes.md``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..model import Severity, Span, Violation
from ._vault import VaultView
from .base import Rule, Scope

BREAKING = "[]#^|"


def check(view: VaultView, ctx: object) -> Iterator[tuple[str, Violation]]:
    for path in view.files:
        name = posixpath.basename(path)
        found = [char for char in BREAKING if char in name]
        if found:
            shown = " ".join(f'"{char}"' for char in found)
            yield (
                path,
                Violation(Span(1, 1, 1, 1), f"file name contains {shown}: Obsidian says links do not work with it"),
            )


RULE = Rule(
    "FN001",
    "link-breaking-file-name",
    Severity.WARNING,
    "file name contains [ ] # ^ or |, so links cannot reach it",
    __doc__,
    Scope.VAULT,
    check,
)
