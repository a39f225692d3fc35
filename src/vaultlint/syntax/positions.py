"""Map offsets in markdown-it's inline content back to lines and columns of the file.

markdown-it-py gives block tokens a line range (``token.map``) but strips
container prefixes (``> ``, list indentation) from the inline content and gives
inline child tokens no position at all.  Our inline rules therefore record
offsets into the inline content, and an :class:`OffsetMap` built per inline
token turns those offsets into 1-based file positions.

An offset map is a sorted list of *segments*: runs of inline content that are
contiguous in the source file.  Inside a segment, content offset ``o`` is at
column ``column + (o - start)`` of ``line``.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from itertools import accumulate

from ..model import Span


class OffsetMap:
    __slots__ = ("_starts", "_segments")

    def __init__(self, segments: Sequence[tuple[int, int, int]]) -> None:
        """``segments``: ``(content_offset, line, column)`` triples, sorted by offset."""
        self._segments = list(segments) or [(0, 1, 1)]
        self._starts = [s[0] for s in self._segments]

    def locate(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._starts, offset) - 1
        start, line, column = self._segments[max(index, 0)]
        return line, column + max(offset - start, 0)

    def span(self, start: int, end: int) -> Span:
        line, column = self.locate(start)
        if end <= start:
            return Span(line, column, line, column)
        end_line, end_column = self.locate(end - 1)
        return Span(line, column, end_line, end_column + 1)


def _column_of(content_line: str, source_line: str) -> int:
    """0-based column in ``source_line`` where ``content_line`` (already lstripped) starts.

    The content line is a suffix of the source line once the container prefix is
    removed, except that markdown-it trims trailing whitespace of the last line
    and drops an ATX heading's closing ``#``s; those cases fall back to a search.
    """
    if not content_line:
        return len(source_line.rstrip("\n"))
    if source_line.endswith(content_line):
        return len(source_line) - len(content_line)
    trimmed = source_line.rstrip()
    if trimmed.endswith(content_line):
        return len(trimmed) - len(content_line)
    found = source_line.find(content_line)
    return found if found >= 0 else 0


def _dropped_leading_lines(first_content_line: str, first_line: int, spare: int, source_lines: Sequence[str]) -> int:
    """How many of the block's first source lines markdown-it's trim removed.

    markdown-it trims a paragraph's content as JavaScript's ``trim`` does, so a
    first line of only NBSP, form feed, U+2028, U+3000 ... vanishes with its
    newline.  The content then has ``spare`` lines fewer than the block (some may
    be trimmed trailing lines); its first line is the first source line, of the
    ``spare + 1`` first, that ends with it.
    """
    key = first_content_line.rstrip()
    for dropped in range(spare + 1):
        line_no = first_line + dropped
        if line_no >= len(source_lines):
            break
        source_line = source_lines[line_no]
        if source_line.endswith(first_content_line) or (key and source_line.rstrip().endswith(key)):
            return dropped
    return 0


def block_offset_map(
    content: str, first_line: int, source_lines: Sequence[str], end_line: int | None = None
) -> OffsetMap:
    """Offset map for the inline content of a paragraph, heading or comment block.

    ``first_line`` is the 0-based source line of the block's first line; each
    following content line is the next source line (markdown-it keeps that
    one-to-one for paragraphs and headings).  With the block's ``end_line``
    (exclusive, as in ``token.map``), leading lines that markdown-it trimmed
    away are skipped.
    """
    if end_line is not None:
        line_count = content.count("\n") + 1
        if end_line - first_line > line_count:
            first_content_line = content[: content.find("\n")] if line_count > 1 else content
            spare = end_line - first_line - line_count
            first_line += _dropped_leading_lines(first_content_line, first_line, spare, source_lines)
    return BlockOffsetMap(content, first_line, source_lines)


class BlockOffsetMap(OffsetMap):
    """The offset map of a block whose content lines are consecutive source lines, worked out per
    line as positions are asked for.

    It answers exactly as an :class:`OffsetMap` with one segment per content line
    would: ``(start of the line + its leading blanks, line, column)``.  Built eagerly,
    that cost a Python loop per line even where nothing was looked up: a ``%%``
    comment around an Excalidraw drawing (30,000 lines) needs only its two ends.
    """

    __slots__ = ("_content", "_first_line", "_source_lines", "_line_starts", "_lines")

    def __init__(self, content: str, first_line: int, source_lines: Sequence[str]) -> None:
        self._content = content
        self._first_line = first_line
        self._source_lines = source_lines
        self._line_starts: list[int] | None = None
        self._lines: dict[int, tuple[int, int, int]] = {}

    def _starts(self) -> list[int]:
        starts = self._line_starts
        if starts is None:
            # Where each content line starts, in C (no Python step per line): a note with
            # 10,000 links on one line asks this 10,000 times.
            lengths = map((1).__add__, map(len, self._content.split("\n")))
            starts = self._line_starts = list(accumulate(lengths, initial=0))
        return starts

    def span(self, start: int, end: int) -> Span:
        if 0 <= start < end - 1:
            starts = self._starts()
            index = min(bisect.bisect_right(starts, start), len(starts) - 1) - 1
            segment_start, line, column = self._segment(index, starts[index])
            if start >= segment_start and (index + 2 == len(starts) or end - 1 < starts[index + 1]):
                # Both ends on one content line, past its leading blanks (most links): what two
                # calls of locate() give, from one lookup.
                column += start - segment_start
                return Span(line, column, line, column + end - start)
        return super().span(start, end)

    def locate(self, offset: int) -> tuple[int, int]:
        starts = self._starts()
        at = max(offset, 0)
        index = min(bisect.bisect_right(starts, at), len(starts) - 1) - 1
        start, line, column = self._segment(index, starts[index])
        if at < start and index > 0:
            # Inside the line's leading blanks: a segment map's search lands on the line before.
            start, line, column = self._segment(index - 1, starts[index - 1])
        return line, column + max(offset - start, 0)

    def _segment(self, index: int, line_start: int) -> tuple[int, int, int]:
        found = self._lines.get(index)
        if found is None:
            content = self._content
            line_end = content.find("\n", line_start)
            content_line = content[line_start : line_end if line_end >= 0 else len(content)]
            stripped = content_line.lstrip(" \t")
            line_no = self._first_line + index
            source_lines = self._source_lines
            column = _column_of(stripped, source_lines[line_no]) if line_no < len(source_lines) else 0
            found = self._lines[index] = (line_start + len(content_line) - len(stripped), line_no + 1, column + 1)
        return found


def container_prefix_starts(source_line: str) -> list[int]:
    """Columns just after each ``>`` of a line's quote prefix, innermost first, then 0."""
    starts = [0]
    for index, char in enumerate(source_line):
        if char == ">":
            starts.append(index + 1)
        elif char not in " \t":
            break
    return starts[::-1]


def table_row_cell_maps(source_line: str, line_no: int, start: int = 0) -> list[tuple[str, OffsetMap]]:
    """Split a table row exactly as markdown-it's ``escapedSplit`` does, keeping positions.

    Returns ``(cell_content, offset_map)`` per cell.  markdown-it removes the
    backslash of an escaped ``\\|``, so a cell's content is not always a
    substring of the row; each removed backslash starts a new segment.
    ``start`` skips a container prefix such as ``> `` (0-based column).
    """
    text = source_line.rstrip("\n")
    body_start = len(text) - len(text[start:].lstrip())
    body_end = len(text.rstrip())
    cells: list[list[tuple[str, int]]] = [[]]
    escaped = False
    for position in range(body_start, body_end):
        char = text[position]
        if char == "|":
            if not escaped:
                cells.append([])
                escaped = False
                continue
            cells[-1].pop()  # drop the backslash of "\|"
        cells[-1].append((char, position))
        escaped = char == "\\"
    if cells and not cells[0]:
        cells.pop(0)
    if cells and not cells[-1]:
        cells.pop()
    result: list[tuple[str, OffsetMap]] = []
    for cell in cells:
        chars = cell
        while chars and chars[0][0] in " \t":
            chars = chars[1:]
        while chars and chars[-1][0] in " \t":
            chars = chars[:-1]
        segments: list[tuple[int, int, int]] = []
        previous = -2
        for offset, (_, position) in enumerate(chars):
            if position != previous + 1:
                segments.append((offset, line_no + 1, position + 1))
            previous = position
        result.append(("".join(c for c, _ in chars), OffsetMap(segments)))
    return result
