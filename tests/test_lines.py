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
