"""LK006 empty-link: ``[[ ]]``, ``[[#]]``, ``[]()`` and similar.

**What it does**: reports links with nothing to point at: only spaces, or only
``#``.  ``[[]]`` is plain text for Obsidian and is not reported.

**Why it matters**: usually a leftover of editing; Obsidian treats it as a link
to the note itself.

**Example**::

    See [[ ]] for details.

**How to fix**: fill in the target or remove the brackets.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Severity, Violation
from .base import Rule, Scope


def check(note: Note, ctx: object) -> Iterator[Violation]:
    for link in note.empty_links:
        yield Violation(link.span, f"empty link {link.raw}", in_comment=link.in_comment)


RULE = Rule("LK006", "empty-link", Severity.WARNING, "[[ ]], [[#]], []() and similar", __doc__, Scope.NOTE, check)
