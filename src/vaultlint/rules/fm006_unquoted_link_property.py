"""FM006 unquoted-link-property: ``key: [[Note]]`` is a nested list, not a link.

**What it does**: reports a property value written as an unquoted wikilink.

**Why it matters**: YAML reads ``[[Note]]`` as a list holding a list holding the
string ``Note``; Obsidian records no link, so backlinks and the graph miss it.

**Example**::

    ---
    up: [[Parent]]
    ---

**How to fix**: quote it: ``up: "[[Parent]]"`` (``--fix`` does this).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Severity, Violation
from ._frontmatter import parse_problems
from .base import Rule, Scope


def check(note: Note, ctx: object) -> Iterator[Violation]:
    return parse_problems(note, "FM006")


RULE = Rule(
    "FM006",
    "unquoted-link-property",
    Severity.ERROR,
    "key: [[Note]] parses as a nested list, not a link",
    __doc__,
    Scope.NOTE,
    check,
    fixable=True,
)
