"""FM005 deprecated-property: ``tag``, ``alias`` or ``cssclass`` in the frontmatter.

**What it does**: reports the singular property names that Obsidian deprecated in
1.4 and stopped reading as default properties in 1.9.

**Why it matters**: the tags, aliases or CSS classes written under these keys are
no longer applied: the note silently loses them.

**Example**::

    ---
    tag: project
    ---

**How to fix**: rename the key to ``tags``, ``aliases`` or ``cssclasses`` (Obsidian's
Format converter does it too).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Severity, Violation
from .base import Rule, Scope

REPLACEMENTS = {"tag": "tags", "alias": "aliases", "cssclass": "cssclasses"}


def check(note: Note, ctx: object) -> Iterator[Violation]:
    if note.frontmatter is None:
        return
    for prop in note.frontmatter.properties:
        replacement = REPLACEMENTS.get(prop.key.lower())
        if replacement is not None:
            yield Violation(
                prop.key_span,
                f'property "{prop.key}" is no longer read by Obsidian (since 1.9)',
                hint=f'rename it to "{replacement}"',
            )


RULE = Rule("FM005", "deprecated-property", Severity.WARNING, "tag, alias, cssclass (no longer read since Obsidian 1.9)", __doc__, Scope.NOTE, check)
