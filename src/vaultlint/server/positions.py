"""Positions between the model and the editor.

The model counts 1-based lines and 1-based columns in code points (``model.Span``; the note's
``\\r\\n`` and ``\\r`` count as one line end, as in LSP).  LSP counts 0-based lines and 0-based
columns in the position encoding the client and server agreed on: UTF-16 code units unless
the client offered another (``general.positionEncodings``).  A character outside the Basic
Multilingual Plane (an emoji, say) is one column for us and two UTF-16 units for the editor,
so every conversion needs the text of the line.  A byte-order mark is no column for the model
(it is dropped before parsing) but is one for an editor whose buffer kept it.
"""

from __future__ import annotations

from collections.abc import Sequence

from lsprotocol import types

from ..model import Span


def lines_of(text: str) -> list[str]:
    """The lines of ``text`` the way both LSP and the model number them (no line ends kept)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _units(prefix: str, encoding: str) -> int:
    """How many columns ``prefix`` is in ``encoding`` (``utf-16`` when the client named none)."""
    if encoding == types.PositionEncodingKind.Utf32:
        return len(prefix)  # code points, as the model counts
    if encoding == types.PositionEncodingKind.Utf8:
        return len(prefix.encode("utf-8", "surrogatepass"))
    return len(prefix.encode("utf-16-le", "surrogatepass")) // 2


def to_position(line: int, column: int, lines: Sequence[str], encoding: str = "utf-16") -> types.Position:
    """A model (1-based line, 1-based code-point column) as an LSP Position."""
    index = max(line - 1, 0)
    if index >= len(lines):  # past the end of the text: the end of the last line
        last = lines[-1] if lines else ""
        return types.Position(line=max(len(lines) - 1, 0), character=_units(last, encoding))
    text = lines[index]
    skip = 1 if index == 0 and text.startswith("\ufeff") else 0
    return types.Position(line=index, character=_units(text[: max(column - 1, 0) + skip], encoding))


def to_range(span: Span, lines: Sequence[str], encoding: str = "utf-16") -> types.Range:
    return types.Range(
        start=to_position(span.line, span.column, lines, encoding),
        end=to_position(span.end_line, span.end_column, lines, encoding),
    )


def to_point(position: types.Position, lines: Sequence[str], encoding: str = "utf-16") -> tuple[int, int]:
    """An LSP Position as a model (1-based line, 1-based code-point column).

    A position inside a surrogate pair (or a UTF-8 sequence) counts as the character after it.
    """
    if position.line >= len(lines):  # past the end: the end of the text
        return max(len(lines), 1), (len(lines[-1]) if lines else 0) + 1
    text = lines[position.line]
    skip = 1 if position.line == 0 and text.startswith("\ufeff") else 0
    units = 0
    for index, char in enumerate(text):
        if units >= position.character:
            return position.line + 1, max(index + 1 - skip, 1)
        units += _units(char, encoding)
    return position.line + 1, len(text) + 1 - skip
