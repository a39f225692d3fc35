"""FM009 property-value-not-allowed: a value outside the set the config's schema allows.

**What it does**: for notes matched by a ``[[schema]]`` entry with ``allowed``
values, reports a property value (or each list item) that is not one of them.

**Why it matters**: a typo such as ``status: actve`` drops the note from every
view that filters on the property.

**Example** (with ``allowed = { status = ["active", "done"] }``)::

    ---
    status: actve
    ---

**How to fix**: use one of the allowed values, or extend the list in the config.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import Note, Severity, Violation
from ._frontmatter import shown
from .base import Rule, Scope


def check(note: Note, ctx: Any) -> Iterator[Violation]:
    if note.frontmatter is None:
        return
    allowed = {k.lower(): v for k, v in ctx.expectations(note).allowed.items()}
    if not allowed:
        return
    for prop in note.frontmatter.properties:
        values = allowed.get(prop.key.lower())
        if values is None or prop.value is None:
            continue
        choices = ", ".join(repr(v) for v in values)
        pairs = [(i.value, i.span) for i in prop.items] if prop.items else [(prop.value, prop.value_span)]
        for value, span in pairs:
            if value not in values:
                yield Violation(span, f'"{prop.key}" is {shown(value, quoted=True)}, which is not one of {choices}')


RULE = Rule(
    "FM009",
    "property-value-not-allowed",
    Severity.ERROR,
    "value outside the allowed set in config",
    __doc__,
    Scope.NOTE,
    check,
)
