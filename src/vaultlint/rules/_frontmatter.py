"""Shared by the rules that report what the frontmatter parser found."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Violation


def parse_problems(note: Note, code: str) -> Iterator[Violation]:
    if note.frontmatter is None:
        return
    for problem in note.frontmatter.problems:
        if problem.code == code:
            yield Violation(problem.span, problem.message, problem.hint, problem.fix)
