"""BS001 invalid-base: a ``.base`` file Obsidian cannot read.

**What it does**: reports a base that is not valid YAML, whose top level is
not a mapping, that has a top-level key Bases does not know (a base has
``filters``, ``formulas``, ``properties``, ``summaries`` and ``views``), a
``views`` that is not a list, or a filter object with keys other than
``and``, ``or`` and ``not``.  An empty file is an empty base, not an error.

**Why it matters**: Obsidian shows an error instead of the table, and the
views of the base are gone until the file is fixed.  A misspelled key such as
``view:`` is silently ignored.

**Example**::

    filters:
      and:
        - file.hasTag("book")
    view:
      - type: table

**How to fix**: correct the YAML (indentation, quotes around expressions that
contain ``:`` or start with ``!``), and use the key names above.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Severity, Violation
from ._problems import file_problems
from .base import Rule, Scope


def check(note: Note, ctx: object) -> Iterator[Violation]:
    return file_problems(note, "BS001")


RULE = Rule(
    "BS001",
    "invalid-base",
    Severity.ERROR,
    "base is not valid YAML, or has an unknown top-level key",
    __doc__,
    Scope.NOTE,
    check,
)
