"""FM004 unclosed-frontmatter: an opening ``---`` with no closing fence.

**What it does**: reports a note that starts with ``---`` on its own line but has
no later line starting with ``---``.

**Why it matters**: without the closing fence Obsidian reads no frontmatter at
all; the intended properties show up as ordinary text.

**Example**::

    ---
    tags: [project]
    # Heading

**How to fix**: add a line ``---`` after the last property.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Severity, Violation
from .base import Rule, Scope


def check(note: Note, ctx: object) -> Iterator[Violation]:
    if note.unclosed_frontmatter is not None:
        yield Violation(
            note.unclosed_frontmatter,
            "frontmatter opened with --- is never closed, so Obsidian reads no properties",
            hint="add a line --- after the last property",
        )


RULE = Rule(
    "FM004", "unclosed-frontmatter", Severity.WARNING, "opening --- with no closing fence", __doc__, Scope.NOTE, check
)
