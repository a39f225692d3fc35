"""FM003 duplicate-property: the same key twice in the frontmatter.

**What it does**: reports every repeat of a key in the same mapping, at the
repeated key, once per repeat.

**Why it matters**: Obsidian's YAML parser rejects duplicate keys, which can
drop the whole frontmatter; other tools silently keep only the last value.

**Example**::

    ---
    status: draft
    status: done
    ---

**How to fix**: keep one of the keys, or merge the values into a list.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Severity, Violation
from ._frontmatter import parse_problems
from .base import Rule, Scope


def check(note: Note, ctx: object) -> Iterator[Violation]:
    return parse_problems(note, "FM003")


RULE = Rule("FM003", "duplicate-property", Severity.ERROR, "the same key twice", __doc__, Scope.NOTE, check)
