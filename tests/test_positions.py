"""BlockOffsetMap works positions out per line as they are asked for; it must answer exactly
as the map with one segment per content line that it replaced (kept here as the reference)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultlint.syntax.note import parse_note
from vaultlint.syntax.positions import OffsetMap, _column_of, _dropped_leading_lines, block_offset_map


def eager_block_offset_map(content, first_line, source_lines, end_line=None) -> OffsetMap:
    """The map as it was built before: every line's segment, up front."""
    content_lines = content.split("\n")
    if end_line is not None and end_line - first_line > len(content_lines):
        spare = end_line - first_line - len(content_lines)
        first_line += _dropped_leading_lines(content_lines[0], first_line, spare, source_lines)
    segments = []
    offset = 0
    for index, content_line in enumerate(content_lines):
        line_no = first_line + index
        stripped = content_line.lstrip(" \t")
        lead = len(content_line) - len(stripped)
        column = _column_of(stripped, source_lines[line_no]) if line_no < len(source_lines) else 0
        segments.append((offset + lead, line_no + 1, column + 1))
        offset += len(content_line) + 1
    return OffsetMap(segments)


def assert_same_answers(content, first_line, source_lines, end_line=None):
    lazy = block_offset_map(content, first_line, source_lines, end_line)
    eager = eager_block_offset_map(content, first_line, source_lines, end_line)
    for offset in range(-2, len(content) + 3):
        assert lazy.locate(offset) == eager.locate(offset), (content, offset)
        for width in (0, 1, 2, 3, 5, 9, len(content)):  # within a line, to its end, across lines
            assert lazy.span(offset, offset + width) == eager.span(offset, offset + width), (content, offset, width)


line = st.text(alphabet=" \t>-*ab#\u3000\xa0", max_size=8)


@settings(max_examples=400, deadline=None)
@given(st.lists(line, min_size=1, max_size=6), st.integers(0, 3), st.lists(line, max_size=3), st.integers(0, 3))
def test_lazy_map_answers_as_the_segment_map(content_lines, prefix, extra_source, trimmed):
    # Source lines: the content lines with container prefixes in front, and some not in the content at all.
    source = [("> " * prefix) + text for text in content_lines] + extra_source
    content = "\n".join(text.lstrip(" \t") if i == 0 else text for i, text in enumerate(content_lines))
    assert_same_answers(content, 0, source)
    assert_same_answers(content, 1, ["lead", *source])
    # A block that markdown-it trimmed lines off (end_line beyond the content's own lines).
    assert_same_answers(content, 0, ["\u3000"] * trimmed + source, end_line=len(content_lines) + trimmed)


def test_blank_leading_blanks_and_content_past_the_file():
    assert_same_answers("a\n   b\n\t\tc", 0, ["a", "   b", "\t\tc"])
    assert_same_answers("x\n  \n  y", 4, ["", "", "", "", "> x", ">   ", ">   y"])
    assert_same_answers("tail\nmore\nlines", 0, ["tail"])  # content longer than the file


NOTES = [
    # A comment around a long drawing (what made per-line maps costly), then a link after it.
    "before\n\n%%\n# Drawing\n```json\n"
    + "\n".join(f'  "line {i}": {i},' for i in range(3000))
    + "\n```\n%%\nafter [[Link]]\n",
    "> quote [[a]]\n>   more [[b#c]] ^id\n\n- item\n  cont [x](y.md)\n\t\ttabbed %%c [[d]]%%\n",
    "\u3000\npara [[x]]\n  next [[y]]\n\n| a | [[t]] |\n|---|---|\n| %%c%% | #tag |\n",
]


def test_notes_parse_the_same_as_with_the_segment_map(monkeypatch):
    import vaultlint.syntax.note as note_module

    for index, text in enumerate(NOTES):
        lazy = parse_note(f"n{index}.md", text)
        monkeypatch.setattr(note_module, "block_offset_map", eager_block_offset_map)
        eager = parse_note(f"n{index}.md", text)
        monkeypatch.undo()
        assert lazy == eager
        assert lazy.links and lazy.comments or index == 2
