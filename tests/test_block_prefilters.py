"""The fast path's guards before markdown-it's indented code and table rules (dispatch._indented_first,
dispatch._delimiter_row_first) answer and leave the block state exactly as the rules themselves do,
on every line of any text, whatever the block's indentation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.code import code
from markdown_it.rules_block.table import table

from vaultlint.syntax.dispatch import _delimiter_row_first, _indented_first
from vaultlint.syntax.note import markdown_parser

pieces = st.sampled_from(
    ["a", " ", "  ", "    ", "\t", "\n", "\n\n", "|", "| a |", "-", "---", ":-", "|--|", ": |", "- x", "> ", "x|y"]
)

GUARDED = [(_indented_first, code), (_delimiter_row_first, table)]


def _state_after(rule, src: str, line: int, block_indent: int, silent: bool) -> tuple[bool, dict]:
    md = markdown_parser(fast=False)  # markdown-it-py's own rule chains
    state = StateBlock(src, md, {}, [])
    state.parentType = "root"
    state.blkIndent = block_indent
    answer = rule(state, line, state.lineMax, silent)
    seen = {key: value for key, value in vars(state).items() if key not in ("md", "env", "tokens")}
    seen["tokens"] = [(t.type, t.tag, t.map, t.content, t.attrs) for t in state.tokens]
    return answer, seen


def assert_same(src: str) -> None:
    for guard, rule in GUARDED:
        guarded = guard(rule)
        for line in range(StateBlock(src, markdown_parser(fast=False), {}, []).lineMax):
            for block_indent in (0, 2):
                for silent in (False, True):
                    assert _state_after(guarded, src, line, block_indent, silent) == _state_after(
                        rule, src, line, block_indent, silent
                    ), (rule.__name__, src, line, block_indent, silent)


@settings(max_examples=1500, deadline=None)
@given(st.lists(pieces, max_size=14).map("".join))
def test_same_answer_and_state_as_code_and_table(src):
    assert_same(src)


@pytest.mark.parametrize(
    "src",
    [
        "| a | b |\n| - | - |\n| 1 | 2 |\n",  # a table: the rule runs
        "a | b\n:-|-:\nc | d\n",
        "text\n- item\n",  # "- " under a line is a list, not a delimiter row
        "    code\n\n    more\n",  # indented code: the rule runs
        "  two\n      six\n",
        "last line",
    ],
)
def test_the_rules_still_match_where_they_can(src):
    assert_same(src)
    md = markdown_parser(fast=False)
    for guard, rule in GUARDED:
        matched = []
        for line in range(StateBlock(src, md, {}, []).lineMax):
            matched.append(_state_after(guard(rule), src, line, 0, True)[0])
        assert matched == [_state_after(rule, src, line, 0, True)[0] for line in range(len(matched))]
