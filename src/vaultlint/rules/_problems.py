"""Shared by the rules that report what the canvas and base readers found (CV001, CV002, BS001, BS002)."""

from __future__ import annotations

from collections.abc import Iterator

from ..model import Note, Violation


def file_problems(note: Note, code: str) -> Iterator[Violation]:
    for problem in note.problems:
        if problem.code == code:
            yield Violation(problem.span, problem.message)
