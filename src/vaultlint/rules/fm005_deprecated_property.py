"""FM005 deprecated-property: ``tag``, ``alias`` or ``cssclass`` in the frontmatter.

**What it does**: reports the singular property names that Obsidian deprecated in
1.4 and stopped reading as default properties in 1.9.

**Why it matters**: the tags, aliases or CSS classes written under these keys are
no longer applied: the note silently loses them.

**Example**::

    ---
    tag: project
    ---

**How to fix**: rename the key to ``tags``, ``aliases`` or ``cssclasses``
(``--fix`` does it where the new key does not exist yet; so does Obsidian's
Format converter).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Edit, Fix, Note, Severity, Violation
from .base import Rule, Scope

REPLACEMENTS = {"tag": "tags", "alias": "aliases", "cssclass": "cssclasses"}


def check(note: Note, ctx: object) -> Iterator[Violation]:
    if note.frontmatter is None:
        return
    keys = {prop.key.lower() for prop in note.frontmatter.properties}
    for prop in note.frontmatter.properties:
        replacement = REPLACEMENTS.get(prop.key.lower())
        if replacement is None:
            continue
        # Renaming is safe only when the new key is not there already (merging values is a human's call).
        fix = (
            None
            if replacement in keys
            else Fix(f"rename {prop.key} to {replacement}", (Edit(prop.key_span, replacement),))
        )
        yield Violation(
            prop.key_span,
            f'property "{prop.key}" is no longer read by Obsidian (since 1.9)',
            hint=f'rename it to "{replacement}"' + ("" if fix else f' (merge it into the existing "{replacement}")'),
            fix=fix,
        )


RULE = Rule(
    "FM005",
    "deprecated-property",
    Severity.WARNING,
    "tag, alias, cssclass (no longer read since Obsidian 1.9)",
    __doc__,
    Scope.NOTE,
    check,
    fixable=True,
)
