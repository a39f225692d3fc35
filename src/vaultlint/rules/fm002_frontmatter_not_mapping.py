"""FM002 frontmatter-not-mapping: the frontmatter is a list or a single value.

**What it does**: reports frontmatter whose YAML is valid but is not a set of
``key: value`` pairs.

**Why it matters**: Obsidian keeps frontmatter only when it is a mapping; a list
or a scalar gives the note no properties at all.

**Example**::

    ---
    - a
    - b
    ---

**How to fix**: give each value a key: ``items: [a, b]``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Severity, Violation
from ._frontmatter import parse_problems
from .base import Rule, Scope


def check(note: Note, ctx: object) -> Iterator[Violation]:
    return parse_problems(note, "FM002")


RULE = Rule(
    "FM002",
    "frontmatter-not-mapping",
    Severity.ERROR,
    "frontmatter is a list or scalar, so Obsidian ignores it",
    __doc__,
    Scope.NOTE,
    check,
)
