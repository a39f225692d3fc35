"""Model spans (1-based, code points) <-> LSP positions (0-based, the negotiated units)."""

from __future__ import annotations

import pytest
from lsprotocol import types

from vaultlint.model import Span
from vaultlint.server.positions import lines_of, to_point, to_position, to_range

# "𝄞" (U+1D11E) is one code point, two UTF-16 units and four UTF-8 bytes; "é" is 1 / 1 / 2.
LINE = "é𝄞 [[x]]"


@pytest.mark.parametrize(
    ("encoding", "start", "end"),
    [("utf-16", 4, 9), ("utf-8", 7, 12), ("utf-32", 3, 8)],
)
def test_a_span_after_astral_characters_in_each_encoding(encoding: str, start: int, end: int) -> None:
    found = to_range(Span(1, 4, 1, 9), lines_of(LINE + "\n"), encoding)
    assert (found.start.line, found.start.character, found.end.character) == (0, start, end)
    assert to_point(found.start, lines_of(LINE), encoding) == (1, 4)
    assert to_point(found.end, lines_of(LINE), encoding) == (1, 9)


def test_crlf_and_cr_end_lines_as_in_the_model() -> None:
    lines = lines_of("a\r\nb\rc\n[[x]]")
    assert to_position(4, 1, lines) == types.Position(line=3, character=0)


def test_a_byte_order_mark_the_buffer_kept_is_a_column_for_the_editor_only() -> None:
    lines = lines_of("\ufeff[[x]]\n[[y]]")
    assert to_range(Span(1, 1, 1, 6), lines).start.character == 1
    assert to_range(Span(2, 1, 2, 6), lines).start.character == 0
    assert to_point(types.Position(line=0, character=1), lines) == (1, 1)


def test_past_the_end_clamps_to_the_end_of_the_text() -> None:
    lines = lines_of("ab\ncd")
    assert to_position(9, 1, lines) == types.Position(line=1, character=2)
    assert to_position(1, 40, lines) == types.Position(line=0, character=2)
    assert to_point(types.Position(line=7, character=0), lines) == (2, 3)
    assert to_point(types.Position(line=0, character=99), lines) == (1, 3)


def test_a_position_inside_a_surrogate_pair_counts_as_the_next_character() -> None:
    assert to_point(types.Position(line=0, character=2), lines_of(LINE)) == (1, 3)
