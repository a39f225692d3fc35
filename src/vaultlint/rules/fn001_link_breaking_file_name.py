"""FN001 link-breaking-file-name: a file name with characters that end or split a link.

**What it does**: reports notes, canvases, bases and attachments whose file
name contains ``#``, ``|``, ``[[`` or ``]]``.

**Why it matters**: inside a link, ``#`` starts a heading (or, as ``#^``, a
block) and ``|`` the display text; a wikilink ends at the first ``]]`` and is
no link at all when ``[[`` appears inside it.  ``[[C# notes]]`` looks for a heading
" notes" in a note called "C", and a Markdown link cannot reach the file
either.  Obsidian warns that "links will not work" with such names when you
rename a file, so they usually arrive from other apps, downloads or sync.
A single ``[`` or ``]``, or a ``^`` without ``#``, does no harm:
``[[Pasted [1].png]]``, ``[[Sq]uare]]`` and ``[[x^2]]`` reach their files, so
such names are not reported.  (A note whose name ends in ``]`` is reached with
its extension or display text, ``[[Note [1].md]]`` or ``[[Note [1]|1]]``:
in ``[[Note [1]]]`` the link ends at the first ``]]``.)

**Example**: ``Ideas/C# notes.md``, ``a|b.pdf``, ``Draft [[old]].md``.

**How to fix**: rename the file (Obsidian updates the links that still work
when you rename it inside Obsidian), for example ``C-sharp notes.md``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from ..model import Severity, Span, Violation
from ._vault import VaultView
from .base import Rule, Scope

#: What ends or splits a wikilink (OBSIDIAN.md §1.1, §1.2): a single "[" or "]" does not
#: (the app resolves [[Sq]uare]] to "Sq]uare.md", §12a), nor "^": only "#^" starts a block.
BREAKING = ("#", "|", "[[", "]]")
_ANY_BREAKING = re.compile("|".join(map(re.escape, BREAKING)))


def check(view: VaultView, ctx: object) -> Iterator[tuple[str, Violation]]:
    for path in view.files:
        if _ANY_BREAKING.search(path) is None:
            continue  # nor in its name (most files: asked of each name, 100,000 files took a second here)
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
    "file name contains # | [[ or ]], so links cannot reach it",
    __doc__,
    Scope.VAULT,
    check,
)
