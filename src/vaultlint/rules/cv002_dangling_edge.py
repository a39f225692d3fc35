"""CV002 dangling-edge: a canvas edge that connects a node the canvas does not have.

**What it does**: reports each edge whose ``fromNode`` or ``toNode`` names no
node ``id`` of the same canvas.

**Why it matters**: Obsidian draws nothing for such an edge, so the connection
you made between two cards is silently gone.  It happens when a node is
deleted by hand or lost in a merge while its edges stay.

**Example**::

    "edges": [{"id": "e1", "fromNode": "a1", "toNode": "deleted-card"}]

**How to fix**: delete the edge, or restore the node it points to.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Severity, Violation
from ._problems import file_problems
from .base import Rule, Scope


def check(note: Note, ctx: object) -> Iterator[Violation]:
    return file_problems(note, "CV002")


RULE = Rule(
    "CV002",
    "dangling-edge",
    Severity.WARNING,
    "canvas edge names a node that does not exist",
    __doc__,
    Scope.NOTE,
    check,
)
