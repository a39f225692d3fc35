"""CV001 invalid-canvas: a ``.canvas`` file that is not a valid JSON Canvas.

**What it does**: reads every canvas as JSON Canvas 1.0, the format Obsidian
writes, and reports a file that is not JSON, whose ``nodes`` or ``edges`` is
not a list, a node without an ``id``, a ``type`` or its position and size
(``x``, ``y``, ``width``, ``height``), a text, file or link node without its
``text``, ``file`` or ``url``, two nodes with the same ``id``, and an edge
without ``id``, ``fromNode`` or ``toNode``.  An empty file is an empty canvas,
not an error.

**Why it matters**: Obsidian cannot open a canvas that is not JSON, and it
drops or misplaces nodes that lack these fields: cards vanish from the board
without a word.  It usually comes from a merge conflict or a hand edit.

**Example**::

    {"nodes": [{"id": "a1", "type": "text", "text": "Plan"}]}

(the node has no ``x``, ``y``, ``width`` or ``height``).

**How to fix**: resolve the merge conflict or restore the file from history;
add the missing fields, or open and re-save the canvas in Obsidian.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Severity, Violation
from ._problems import file_problems
from .base import Rule, Scope


def check(note: Note, ctx: object) -> Iterator[Violation]:
    return file_problems(note, "CV001")


RULE = Rule(
    "CV001",
    "invalid-canvas",
    Severity.ERROR,
    "canvas is not valid JSON Canvas: bad JSON, or a node or edge lacks its required fields",
    __doc__,
    Scope.NOTE,
    check,
)
