"""FM001 invalid-frontmatter: the frontmatter is not valid YAML.

**What it does**: parses the block between the opening and closing ``---`` with
YAML 1.2 core-schema rules (as Obsidian does) and reports the first syntax error
at its line and column.  It also reports an "alias bomb": YAML aliases (``*a``
repeating the value anchored ``&a``) nested so that a few lines stand for
millions of values.  Obsidian refuses frontmatter once the uses of an anchor,
times the aliases inside it, exceed 100 ("excessive alias count"); vaultlint
reports the same blocks, and any whose aliases add more than 100,000 values.

**Why it matters**: Obsidian drops every property of a note whose frontmatter
does not parse: its tags, aliases and links silently disappear.

**Example**::

    ---
    title: A: B
    ---

**How to fix**: quote values that contain ``: `` or start with ``[``, ``{``,
``*``, ``&``, ``!``, ``%`` or ``@``: ``title: "A: B"``.  For an alias bomb,
write the values out or repeat each anchor less often.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Severity, Violation
from ._frontmatter import parse_problems
from .base import Rule, Scope


def check(note: Note, ctx: object) -> Iterator[Violation]:
    return parse_problems(note, "FM001")


RULE = Rule(
    "FM001", "invalid-frontmatter", Severity.ERROR, "frontmatter YAML does not parse", __doc__, Scope.NOTE, check
)
