"""The fast path's setext-heading rule (dispatch._underline_first) answers and leaves the block
state exactly as markdown-it-py's lheading does, on every line of any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.lheading import lheading

from vaultlint.syntax.dispatch import _underline_first
from vaultlint.syntax.note import markdown_parser

pieces = st.sampled_from(["a", " ", "    ", "\n", "\n\n", "-", "--", "=", "==", "> ", "- x", "1. y", "#", "```", "\t"])


def _state_after(rule, src: str, line: int, silent: bool) -> tuple[bool, dict]:
    md = markdown_parser(fast=False)  # markdown-it-py's own rule chains, for the terminators
    state = StateBlock(src, md, {}, [])
    state.parentType = "root"
    answer = rule(state, line, state.lineMax, silent)
    seen = {key: value for key, value in vars(state).items() if key not in ("md", "env", "tokens")}
    seen["tokens"] = [(t.type, t.tag, t.map, t.content) for t in state.tokens]
    return answer, seen


def assert_same(src: str) -> None:
    fast = _underline_first(lheading)
    for line in range(StateBlock(src, markdown_parser(fast=False), {}, []).lineMax):
        for silent in (False, True):
            assert _state_after(fast, src, line, silent) == _state_after(lheading, src, line, silent), (src, line)


@settings(max_examples=1500, deadline=None)
@given(st.lists(pieces, max_size=12).map("".join))
def test_same_answer_and_state_as_lheading(src):
    assert_same(src)


def test_a_failed_setext_leaves_the_parent_type_as_markdown_it_does():
    assert_same("a\nb\n\nc\n")  # no underline: lheading fails and leaves parentType "paragraph"
    assert _state_after(_underline_first(lheading), "a\nb\n", 0, False)[1]["parentType"] == "paragraph"
    assert_same("Title\n===\n\ntext\n---\n")  # underlines: the real rule runs
