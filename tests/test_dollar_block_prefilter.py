"""The fast path's ``$$`` block rule (dispatch._closing_line_first): the same answers and block
state as mdit-py-plugins' rule on every line of any text, and linear where the plugin's rule
is quadratic (each ``$$`` line without a closing line read the rest of the note)."""

from __future__ import annotations

import time

from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown_it.rules_block import StateBlock

from vaultlint.syntax.dispatch import _closing_line_first
from vaultlint.syntax.note import markdown_parser, parse_note

pieces = st.sampled_from(
    [
        "a",
        " ",
        "  ",
        "\n",
        "\n\n",
        "$",
        "$$",
        "$$ x",
        "x $$",
        "$$a$$",
        "$$ $$",
        "\u200b",
        "> ",
        "- ",
        "1. ",
        "\t",
        "    ",
    ]
)


def plugin_rule():
    """mdit-py-plugins' own ``$$`` block rule, as the plain parser runs it."""
    rules = markdown_parser(fast=False).block.ruler.__rules__
    return next(rule.fn for rule in rules if rule.name == "math_block")


def _state_after(rule, src: str, line: int, end_line: int, silent: bool) -> tuple[bool, dict]:
    state = StateBlock(src, markdown_parser(fast=False), {}, [])
    answer = rule(state, line, end_line, silent)
    seen = {key: value for key, value in vars(state).items() if key not in ("md", "env", "tokens")}
    seen["tokens"] = [(t.type, t.map, t.content, t.markup, t.info) for t in state.tokens]
    return answer, seen


def assert_same(src: str) -> None:
    plugin = plugin_rule()
    fast = _closing_line_first(plugin)
    line_max = StateBlock(src, markdown_parser(fast=False), {}, []).lineMax
    for line in range(line_max):
        for end_line in {line + 1, (line + line_max + 1) // 2, line_max}:  # a container may end the block early
            for silent in (False, True):
                expected = _state_after(plugin, src, line, end_line, silent)
                assert _state_after(fast, src, line, end_line, silent) == expected, (src, line, end_line)


@settings(max_examples=1500, deadline=None)
@given(st.lists(pieces, max_size=14).map("".join))
@example("$$ a\n\n$$ b\n\nc $$\n")
@example("$$ a\n> b $$\n")
@example("$$ a $$\n$$\n")
def test_same_answer_and_state_as_the_plugin_rule(src):
    assert_same(src)


def test_notes_parse_the_same_as_with_the_plugins_own_loops():
    text = "$$ a\n\n$$\nx\n\n$$ b\n> $$ c\n>\n> d $$\n\n- $$ e\n\n  f $$\n\n$$ open\n\n[[Link]]\n"
    fast, plain = parse_note("n.md", text), parse_note("n.md", text, fast=False)
    assert fast == plain
    assert [link.path for link in fast.links] == ["Link"]


def test_unclosed_dollar_lines_parse_in_linear_time():
    # Found by bench/fuzz_long.py (seed 3006485): 80 KB of "$$" lines without a closing
    # line took 13 s, each one scanning every later line.  Linear, it takes milliseconds;
    # the bound leaves room for a busy machine and still fails on the quadratic scan.
    for unit in ("$$ _\u200b**\n\n", "> $$ x\n>\n", "- $$ x\n\n  $$ y\n"):
        text = unit * (80_000 // len(unit))
        start = time.process_time()
        parse_note("n.md", text)
        assert time.process_time() - start < 2.0, repr(unit)
