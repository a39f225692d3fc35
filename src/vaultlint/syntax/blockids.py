"""Block ids ``^id`` (OBSIDIAN.md §5).

``^`` and one or more of ``A-Z a-z 0-9 -``, as the last thing in a block's
inline content (paragraph, list item text, heading, table cell).  An id at the
end of a line that is not the end of its block (a list item followed by an
indented continuation line, as in obsidian-hub) is not certain either way; by
the principle of reporting less it is accepted as a link target (no LK004) but
not counted for duplicates (no LK008).  It must not
be glued to preceding text (``word^id`` is not an id) but may follow
whitespace, a line break, or directly another inline element
(``![[img.png]]^id``, which the official help vault relies on).  The
standalone form, a line holding only ``^id``, is a paragraph of its own and so
is found by the same rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markdown-it is imported only when a note is parsed
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

import re

from .collect import collector_of
from .tags import may_start_here

BLOCK_ID = re.compile(r"\^([A-Za-z0-9-]+)[ \t]*(?:\n|$)")
_NON_SPACE = re.compile(r"\S")


def block_id_rule(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if src[start] != "^" or not may_start_here(state):
        return False
    match = BLOCK_ID.match(src, start, state.posMax)  # no slice: linear on a line of "^"
    if match is None:
        return False
    end = start + 1 + len(match.group(1))
    if not silent:
        token = state.push("obsidian_block_id", "", 0)
        token.content = match.group(1)
        collector = collector_of(state.env)
        if collector is not None:
            at_block_end = _NON_SPACE.search(src, end, state.posMax) is None
            collector.add_block_id(match.group(1), start, end, at_block_end)
    state.pos = end
    return True


def blockids_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "obsidian_block_id", block_id_rule)
