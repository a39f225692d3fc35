"""Where each value of a JSON document is, and where each character of a JSON string is.

``json.loads`` gives values but no positions.  A canvas needs both: a broken
link inside a text node must be reported at its line and column in the
``.canvas`` file, through the string's escapes (``\\n``, ``\\"``, ``\\u00e9``,
surrogate pairs).  :func:`value_offsets` walks a document that ``json.loads``
already accepted and records where every value starts and ends, keyed by its
JSON path; :func:`string_char_offsets` maps the characters of one decoded
string back to the raw text.
"""

from __future__ import annotations

import bisect
import re
from json.decoder import scanstring

#: A JSON path: object keys and list indices from the root (``("nodes", 3, "text")``).
JsonPath = tuple[str | int, ...]

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = ("true", "false", "null")


def value_offsets(text: str, max_depth: int | None = None) -> dict[JsonPath, tuple[int, int]]:
    """``path -> (start, end)`` offsets of every value in ``text`` whose path is at most
    ``max_depth`` long (every value when ``None``).

    ``text`` must be a document ``json.loads`` accepts.  A key given twice keeps
    its last value, as ``json.loads`` does.  Iterative, so deep nesting cannot
    overflow the stack.  A container at ``max_depth`` is stepped over whole, by
    its brackets: no path is made for what is inside, so a document nested 900
    deep costs its length, not its length times its depth (issue 16).
    """
    offsets: dict[JsonPath, tuple[int, int]] = {}
    # Each frame: (path of the container, container kind "{" or "[", next list index, value start).
    stack: list[tuple[JsonPath, str, int, int]] = []
    index = _skip(text, 0)
    path: JsonPath = ()
    while True:
        char = text[index]
        if char in "{[" and max_depth is not None and len(path) >= max_depth:
            end = _container_end(text, index)
            offsets[path] = (index, end)
            index = end
        elif char in "{[":
            stack.append((path, char, 0, index))
            index = _skip(text, index + 1)
            closing = "}" if char == "{" else "]"
            if text[index] == closing:  # empty container
                start = stack.pop()[3]
                offsets[path] = (start, index + 1)
                index += 1
            else:
                path, index = _next_member(text, index, stack)
                continue
        else:
            end = _scalar_end(text, index)
            offsets[path] = (index, end)
            index = end
        # After a value: close containers or move to the next member.
        while True:
            index = _skip(text, index)
            if not stack:
                return offsets
            parent, kind, count, start = stack[-1]
            if text[index] == ",":
                index = _skip(text, index + 1)
                stack[-1] = (parent, kind, count + 1, start)
                path, index = _next_member(text, index, stack)
                break
            # "}" or "]": the container is complete.
            stack.pop()
            offsets[parent] = (start, index + 1)
            index += 1


#: What matters when stepping over a container: its brackets, and strings (which may hold brackets).
_BRACKET_OR_STRING = re.compile(r'[\[\]{}]|"[^"\\]*(?:\\.[^"\\]*)*"')


def _container_end(text: str, index: int) -> int:
    """Where the container opening at ``index`` ends (just after its closing bracket)."""
    depth = 0
    for token in _BRACKET_OR_STRING.finditer(text, index):
        char = token.group()[0]
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return token.end()
    raise ValueError(f"unclosed container at offset {index}")


def _next_member(text: str, index: int, stack: list[tuple[JsonPath, str, int, int]]) -> tuple[JsonPath, int]:
    """The path of the next value in the innermost container, and where that value starts."""
    parent, kind, count, _ = stack[-1]
    if kind == "[":
        return (*parent, count), index
    key, index = scanstring(text, index + 1)
    index = _skip(text, index)
    index = _skip(text, index + 1)  # the ":"
    return (*parent, key), index


def _scalar_end(text: str, index: int) -> int:
    char = text[index]
    if char == '"':
        return scanstring(text, index + 1)[1]
    for literal in _LITERALS:
        if text.startswith(literal, index):
            return index + len(literal)
    match = _NUMBER.match(text, index)
    if match is None or match.end() == index:
        raise ValueError(f"unexpected character at offset {index}")
    return match.end()


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index


def string_char_offsets(text: str, start: int) -> list[int]:
    """For a JSON string whose opening quote is at ``start``: the raw offset of each
    character of the decoded string, followed by the offset of the closing quote.

    ``\\uD83D\\uDE00`` (a surrogate pair) is one character of the decoded string
    and 12 raw characters; any other escape is one character.
    """
    offsets: list[int] = []
    index = start + 1
    while text[index] != '"':
        offsets.append(index)
        if text[index] != "\\":
            index += 1
        elif text[index + 1] != "u":
            index += 2
        else:
            code = int(text[index + 2 : index + 6], 16)
            pair = text[index + 6 : index + 8] == "\\u" and 0xD800 <= code < 0xDC00
            if pair and 0xDC00 <= int(text[index + 8 : index + 12], 16) < 0xE000:
                index += 12
            else:
                index += 6
    offsets.append(index)
    return offsets


class LineIndex:
    """Offsets of a text to 1-based lines and columns (columns count characters).

    A line ends at LF, CRLF or a lone CR, as in Markdown notes, so that a canvas saved
    with old Mac line endings is reported at the lines an editor shows."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in re.finditer("\r\n|\r|\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1
