"""The fast path's line markers (syntax/lines.py) are markdown-it-py's own, for any text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from vaultlint.syntax.lines import FastStateBlock

MD = MarkdownIt()
FIELDS = ("bMarks", "eMarks", "tShift", "sCount", "bsCount", "lineMax", "line", "blkIndent", "src")

pieces = st.sampled_from([" ", "\t", "\n", "a", "#", "  ", "\t\t", "\r", "\u3000", "\xa0", "- x", "> q"])


def assert_same_state(src: str) -> None:
    plain, fast = StateBlock(src, MD, {}, []), FastStateBlock(src, MD, {}, [])
    assert {name: getattr(fast, name) for name in FIELDS} == {name: getattr(plain, name) for name in FIELDS}
    assert vars(fast).keys() == vars(plain).keys()
    assert fast.tShift is not fast.sCount  # rules change one list without the other


@settings(max_examples=2000, deadline=None)
@given(st.lists(pieces, max_size=14).map("".join))
def test_markers_are_markdown_its(src):
    assert_same_state(src)


def test_edges():
    for src in ["", "\n", "a", "a\n", "  ", "a\n  ", "a\n  \n", "\t x\n \t\ty\n", "\n\n\n", " \t \t"]:
        assert_same_state(src)


def test_pushed_tokens_are_markdown_its():
    """``FastStateBlock.push`` makes the token ``StateBlock.push`` makes, every field a fresh value."""
    plain, fast = StateBlock("x", MD, {}, []), FastStateBlock("x", MD, {}, [])
    for nesting in (1, 0, 1, -1, 0, -1):
        made, expected = fast.push("tag_open", "div", nesting), plain.push("tag_open", "div", nesting)
        assert type(made) is type(expected)
        assert made == expected and made.level == expected.level and fast.level == plain.level
    assert fast.tokens == plain.tokens
    first, second = fast.tokens[0], fast.tokens[1]
    first.attrs["id"] = "a"
    first.meta["k"] = 1
    assert second.attrs == {} and second.meta == {}  # no dict shared between two tokens


def test_whole_parses_give_markdown_its_tokens():
    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    src = "# T\n\n- a\n  1. b\n\n> q\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n```py\nx\n```\n\n    code\n"
    plain = md.parse(src)

    def fast_parse(src, md, env, out):
        state = FastStateBlock(src, md, env, out)
        md.block.tokenize(state, state.line, state.lineMax)

    md.block.parse = fast_parse
    assert md.parse(src) == plain
