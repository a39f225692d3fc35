"""Shared by the rules that report what the frontmatter parser found."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import Note, Violation

#: A property value quoted in a message is cut to this many characters: a value
#: can be a megabyte of text or a list of thousands of items.
MAX_SHOWN = 80


def shown(value: Any, *, quoted: bool = False) -> str:
    """``value`` as a message shows it (``repr`` when ``quoted``), cut short when long."""
    text = repr(value) if quoted else str(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def parse_problems(note: Note, code: str) -> Iterator[Violation]:
    if note.frontmatter is None:
        return
    for problem in note.frontmatter.problems:
        if problem.code == code:
            yield Violation(problem.span, problem.message, problem.hint, problem.fix)
