"""markdown-it's line markers, worked out in C rather than a Python step per line (the fast path, issue 12).

Before it parses blocks, markdown-it-py records for every line where it begins
and ends, how many spaces and tabs lead it, and how wide they are with tabs
expanded (``StateBlock.bMarks``, ``eMarks``, ``tShift``, ``sCount``).  Its
loop takes a few Python steps per line, about 5 % of a cold parse, and more for
an Excalidraw note whose drawing leaves 30,000 blank lines.  :func:`line_markers`
gives the same lists from ``str.split`` and ``map``; ``tests/test_differential.py``
compares the whole parse with markdown-it-py's own on every fixture and corpus.
"""

from __future__ import annotations

from dataclasses import fields
from itertools import accumulate, repeat
from operator import add, sub
from typing import TYPE_CHECKING, Any, Literal

from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

if TYPE_CHECKING:  # pragma: no cover
    from markdown_it import MarkdownIt


def line_markers(src: str) -> tuple[list[int], list[int], list[int], list[int]]:
    """``bMarks``, ``eMarks``, ``tShift`` and ``sCount`` of ``src``, without markdown-it's end sentinel.

    As markdown-it does: no line after a final newline, and none for a last line of
    only spaces and tabs that no newline ends.
    """
    lines = src.split("\n")
    if not lines[-1].lstrip(" \t"):
        lines.pop()
    lengths = list(map(len, lines))
    begins = list(accumulate(map((1).__add__, lengths), initial=0))
    begins.pop()
    ends = list(map(add, begins, lengths))
    shifts = list(map(sub, lengths, map(len, map(str.lstrip, lines, repeat(" \t")))))
    if "\t" not in src:
        return begins, ends, shifts, shifts.copy()  # two lists: rules change one and not the other
    counts = [_width(line[:shift]) if "\t" in line[:shift] else shift for line, shift in zip(lines, shifts)]
    return begins, ends, shifts, counts


def _width(indent: str) -> int:
    """Columns a run of spaces and tabs takes, a tab going to the next multiple of 4."""
    width = 0
    for char in indent:
        width += 4 - width % 4 if char == "\t" else 1
    return width


class FastStateBlock(StateBlock):
    """A ``StateBlock`` whose line markers come from :func:`line_markers`."""

    def __init__(self, src: str, md: MarkdownIt, env: Any, tokens: list[Token]) -> None:
        # The parent sets every other field as it always does; its marker loop has no lines to walk.
        super().__init__("", md, env, tokens)
        self.src = src
        begins, ends, shifts, counts = line_markers(src)
        self.lineMax = len(begins)
        end = len(src)
        # markdown-it's sentinel after the last line, "to simplify cache bounds checks".
        self.bMarks = [*begins, end]
        self.eMarks = [*ends, end]
        self.tShift = [*shifts, 0]
        self.sCount = [*counts, 0]
        self.bsCount = [0] * (self.lineMax + 1)

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        """``StateBlock.push``, with the token made field by field: a note has some fifty block
        tokens, and the dataclass ``__init__`` with its default factories and ``__post_init__``
        took twice as long for the same token."""
        token = _new_token(Token)
        token.type, token.tag, token.nesting = ttype, tag, nesting
        token.attrs, token.map, token.children = {}, None, None
        token.content = token.markup = token.info = ""
        token.meta, token.block, token.hidden = {}, True, False
        if nesting < 0:
            self.level -= 1  # closing tag
        token.level = self.level
        if nesting > 0:
            self.level += 1  # opening tag
        self.tokens.append(token)
        return token


_new_token = object.__new__

#: The fields :meth:`FastStateBlock.push` sets: a markdown-it-py that adds one keeps its own ``push``.
_TOKEN_FIELDS = {"type", "tag", "nesting", "attrs", "map", "level", "children", "content", "markup", "info", "meta"}
_TOKEN_FIELDS |= {"block", "hidden"}
if {field.name for field in fields(Token)} != _TOKEN_FIELDS:  # pragma: no cover - markdown-it changed
    del FastStateBlock.push


def install_fast_lines(md: MarkdownIt) -> None:
    """Make ``md``'s block parser start from a :class:`FastStateBlock`."""
    block = md.block

    def parse(src: str, md: MarkdownIt, env: Any, out_tokens: list[Token]) -> list[Token] | None:
        if not src:
            return None
        state = FastStateBlock(src, md, env, out_tokens)
        block.tokenize(state, state.line, state.lineMax)
        return state.tokens

    block.parse = parse  # type: ignore[method-assign]
