"""Obsidian ``%%comments%%`` (OBSIDIAN.md §6).

Obsidian still tokenizes a comment's content, so links, tags and block ids in
it are parsed; they are marked ``in_comment`` and the engine decides (D1)
whether they are reported.  Comment text is also kept for suppression
directives.

- Inline form: ``%%…%%`` on one line, with at least one character inside; an
  unclosed ``%%`` is text.
- Block form: a line that starts (after at most three spaces) with two or more
  ``%`` and holds no other ``%``.  It runs until the same number of ``%``
  appears again, or to the end of the file, and its body is parsed as inline
  content only (a code fence inside it is not a code block).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markdown-it is imported only when a note is parsed
    from markdown_it import MarkdownIt
    from markdown_it.rules_block import StateBlock
    from markdown_it.rules_inline import StateInline

import re

from .collect import collector_of
from .scan import next_index

_BLOCK_OPENING = re.compile(r"^ {0,3}(%{2,})([^%]*)$")


def inline_comment_rule(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if not src.startswith("%%", start):
        return False
    # Remembered look-ahead (see .scan): a long line of "%%" stays linear.
    close = next_index(state, "%%", start + 3, state.posMax)
    if close < 0 or 0 <= next_index(state, "\n", start, close):
        return False
    end = close + 2
    if silent:
        state.pos = end
        return True
    collector = collector_of(state.env)
    if collector is not None:
        collector.add_comment(src[start + 2 : close], start, end)
        collector.comment_depth += 1
    # Parse the content like any inline text so links and tags in it are recorded.
    old_max = state.posMax
    state.pos, state.posMax = start + 2, close
    state.md.inline.tokenize(state)
    state.posMax = old_max
    if collector is not None:
        collector.comment_depth -= 1
    state.pos = end
    return True


def block_comment_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    begin = state.bMarks[start_line] + state.tShift[start_line]
    line_text = state.src[begin : state.eMarks[start_line]]
    if not line_text.startswith("%%"):
        return False
    opening = _BLOCK_OPENING.match(line_text)
    if opening is None:
        return False
    if silent:
        return True
    marker = opening.group(1)
    body_start = begin + len(marker)
    close = state.src.find(marker, body_start, state.eMarks[end_line - 1] if end_line > 0 else 0)
    if close < 0:
        close_line, body_end = end_line, state.eMarks[end_line - 1]
    else:
        body_end = close
        close_line = start_line
        while close_line < end_line and state.eMarks[close_line] < close:
            close_line += 1
        close_line += 1
    token = state.push("obsidian_comment", "", 0)
    token.content = state.src[body_start:body_end]
    token.map = [start_line, close_line]
    token.markup = marker
    state.line = close_line
    return True


def comments_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "obsidian_comment", inline_comment_rule)
    md.block.ruler.before(
        "fence",
        "obsidian_comment",
        block_comment_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
