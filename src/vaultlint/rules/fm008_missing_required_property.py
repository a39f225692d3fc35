"""FM008 missing-required-property: a property the config's schema requires is absent.

**What it does**: for notes matched by a ``[[schema]]`` entry of the config (by
folder glob and/or tag), reports each ``required`` property that the frontmatter
does not have.  Property names match case-insensitively, as in Obsidian.

**Why it matters**: views built on properties (Bases, Dataview, the graph's
groups) silently leave such notes out.

**Example** (with ``[[schema]] folder = "Projects/*"``, ``required = ["status"]``)::

    ---
    tags: [project]
    ---

**How to fix**: add the property, or narrow the schema's folder or tag.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import Note, Severity, Span, Violation
from .base import Rule, Scope


def check(note: Note, ctx: Any) -> Iterator[Violation]:
    required = ctx.expectations(note).required
    if not required:
        return
    present = {p.key.lower() for p in note.frontmatter.properties} if note.frontmatter else set()
    where = Span(1, 1, 1, 4) if note.frontmatter else Span(1, 1, 1, 1)
    for key in required:
        if key.lower() not in present:
            yield Violation(where, f'required property "{key}" is missing', hint=f"add {key}: to the frontmatter")


RULE = Rule(
    "FM008", "missing-required-property", Severity.ERROR, "schema in config requires it", __doc__, Scope.NOTE, check
)
