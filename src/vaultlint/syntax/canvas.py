"""Turn a ``.canvas`` file (JSON Canvas 1.0) into a :class:`~vaultlint.model.Note`.  Pure: text in, Note out.

A canvas is a source of links like a note, so it becomes the same model and
the link rules (LK001-LK004, LK009, the URL checker) apply to it unchanged:

- a ``file`` node is a link to the vault path in ``file`` (with ``subpath``,
  ``#Heading`` or ``#^block``), of kind ``CANVAS_FILE``;
- a group's ``background`` image is a ``CANVAS_FILE`` link too;
- a ``text`` node is Markdown: it is parsed as a note and everything found in
  it (links, embeds, tags, URLs, block ids, comments) is moved to its line and
  column inside the ``.canvas`` file, through the JSON string's escapes;
- a ``link`` node's ``url`` is an external URL.

What is wrong with the file itself becomes a problem on the note: CV001
(not JSON, or a node or edge without its required fields) and CV002 (an edge
that names a node the canvas does not have).

A rename rewrites strings inside a canvas (:mod:`vaultlint.linkrepair`):
:func:`decoded_string_body` and :func:`string_body` read and write the characters
between a JSON string's quotes, in the file's own style.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from typing import Any, TypeVar

from ..model import (
    BlockId,
    Comment,
    EmptyLink,
    ExternalUrl,
    Heading,
    Link,
    LinkKind,
    Note,
    ParseProblem,
    RawSpaceLink,
    Span,
    Tag,
    UrlOrigin,
)
from .json_positions import JsonPath, LineIndex, string_char_offsets, value_offsets

#: Every node has these; geometry is numbers (the spec says integers; other
#: tools write floats, and Obsidian opens those, so any number is accepted).
_GEOMETRY = ("x", "y", "width", "height")
#: What each node type must have besides ``id``, ``type`` and geometry.
_REQUIRED_BY_TYPE = {"text": "text", "file": "file", "link": "url"}

#: The longest JSON path whose position a canvas needs: ``("nodes", 3, "text")``.
_DEEPEST_PATH = 3

T = TypeVar("T")


def parse_canvas(path: str, text: str) -> Note:
    text = text[1:] if text.startswith("\ufeff") else text
    lines = LineIndex(text)
    builder = _CanvasBuilder(path, text, lines)
    if text.strip():
        builder.read()
    return Note(
        path=path,
        frontmatter=None,
        unclosed_frontmatter=None,
        headings=tuple(builder.headings),
        block_ids=tuple(builder.block_ids),
        tags=tuple(builder.tags),
        links=tuple(builder.links),
        urls=tuple(builder.urls),
        raw_space_links=tuple(builder.raw_space_links),
        empty_links=tuple(builder.empty_links),
        comments=tuple(builder.comments),
        body_is_empty=False,
        line_count=len(lines.starts),
        problems=tuple(builder.problems),
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class _CanvasBuilder:
    def __init__(self, path: str, text: str, lines: LineIndex) -> None:
        self.path = path
        self.text = text
        self.lines = lines
        self.offsets: dict[JsonPath, tuple[int, int]] = {}
        self.problems: list[ParseProblem] = []
        self.links: list[Link] = []
        self.urls: list[ExternalUrl] = []
        self.headings: list[Heading] = []
        self.block_ids: list[BlockId] = []
        self.tags: list[Tag] = []
        self.raw_space_links: list[RawSpaceLink] = []
        self.empty_links: list[EmptyLink] = []
        self.comments: list[Comment] = []

    # -- positions ---------------------------------------------------------------
    def span_of(self, json_path: JsonPath, inside_quotes: bool = False) -> Span:
        start, end = self.offsets.get(json_path, (0, 1))
        if inside_quotes and end - start >= 2:
            start, end = start + 1, end - 1
        line, column = self.lines.position(start)
        end_line, end_column = self.lines.position(max(end, start + 1))
        return Span(line, column, end_line, end_column)

    def problem(self, code: str, message: str, json_path: JsonPath) -> None:
        self.problems.append(ParseProblem(code, message, self.span_of(json_path)))

    # -- reading -----------------------------------------------------------------
    def read(self) -> None:
        try:
            data = json.loads(self.text, parse_constant=_reject_constant, object_hook=_without_lone_surrogates)
            self.offsets = value_offsets(self.text, max_depth=_DEEPEST_PATH)
        except RecursionError:
            self.problems.append(
                ParseProblem(
                    "CV001", "canvas is not valid JSON (nested too deeply)", _character_at(self.text, self.lines, 0)
                )
            )
            return
        except ValueError as error:
            self.problems.append(_json_error(error, self.text, self.lines))
            return
        if not isinstance(data, dict):
            self.problem("CV001", "canvas is not a JSON object with nodes and edges", ())
            return
        nodes = data.get("nodes", [])
        edges = data.get("edges", [])
        if not isinstance(nodes, list):
            self.problem("CV001", '"nodes" is not a list', ("nodes",))
            nodes = []
        if not isinstance(edges, list):
            self.problem("CV001", '"edges" is not a list', ("edges",))
            edges = []
        ids: set[str] = set()
        for index, node in enumerate(nodes):
            node_id = self.read_node(node, ("nodes", index))
            if node_id is not None and node_id in ids:
                self.problem("CV001", f'node id "{node_id}" is used by an earlier node too', ("nodes", index, "id"))
            elif node_id is not None:
                ids.add(node_id)
        for index, edge in enumerate(edges):
            self.read_edge(edge, ("edges", index), ids)

    def read_node(self, node: object, where: JsonPath) -> str | None:
        """Check one node and collect what it links to; its id when it has one."""
        if not isinstance(node, dict):
            self.problem("CV001", "node is not a JSON object", where)
            return None
        node_id = node.get("id")
        node_type = node.get("type")
        label = f'node "{node_id}"' if isinstance(node_id, str) else "node"
        missing = [key for key in ("id", "type") if not isinstance(node.get(key), str)]
        missing += [key for key in _GEOMETRY if not _is_number(node.get(key))]
        required = _REQUIRED_BY_TYPE.get(node_type) if isinstance(node_type, str) else None
        if required is not None and not isinstance(node.get(required), str):
            missing.append(required)
        if missing:
            names = ", ".join(f'"{key}"' for key in missing)
            self.problem("CV001", f"{label} lacks {names} (or has the wrong type)", where)
        if node_type == "file" and isinstance(node.get("file"), str):
            subpath = node.get("subpath")
            subpath = subpath if isinstance(subpath, str) else ""
            if subpath and not subpath.startswith("#"):
                subpath = "#" + subpath
            self.add_file_link(node["file"], subpath, (*where, "file"))
        elif node_type == "text" and isinstance(node.get("text"), str):
            self.add_markdown(node["text"], (*where, "text"))
        elif node_type == "link" and isinstance(node.get("url"), str):
            url = node["url"].strip()
            if url:
                self.urls.append(ExternalUrl(url, self.span_of((*where, "url"), inside_quotes=True), UrlOrigin.CANVAS))
        elif node_type == "group" and isinstance(node.get("background"), str) and node["background"].strip():
            self.add_file_link(node["background"], "", (*where, "background"))
        return node_id if isinstance(node_id, str) else None

    def read_edge(self, edge: object, where: JsonPath, ids: set[str]) -> None:
        if not isinstance(edge, dict):
            self.problem("CV001", "edge is not a JSON object", where)
            return
        missing = [key for key in ("id", "fromNode", "toNode") if not isinstance(edge.get(key), str)]
        label = f'edge "{edge["id"]}"' if isinstance(edge.get("id"), str) else "edge"
        if missing:
            names = ", ".join(f'"{key}"' for key in missing)
            self.problem("CV001", f"{label} lacks {names} (or has the wrong type)", where)
        for key in ("fromNode", "toNode"):
            target = edge.get(key)
            if isinstance(target, str) and target not in ids:
                self.problems.append(
                    ParseProblem(
                        "CV002",
                        f'{label} {key} names node "{target}", which is not in the canvas',
                        self.span_of((*where, key)),
                    )
                )

    # -- what nodes link to ---------------------------------------------------------
    def add_file_link(self, file: str, subpath: str, where: JsonPath) -> None:
        span = self.span_of(where, inside_quotes=True)
        self.links.append(Link(LinkKind.CANVAS_FILE, file + subpath, file, subpath, span))

    def add_markdown(self, markdown: str, where: JsonPath) -> None:
        """Parse a text node as a note and move what it holds to the ``.canvas`` file's lines and columns."""
        from .note import parse_note

        start = self.offsets.get(where, (0, 0))[0]
        if not markdown.strip() or self.text[start : start + 1] != '"':
            return
        raw_offsets = string_char_offsets(self.text, start)
        normalized, kept = _normalized(markdown)
        parsed = parse_note(self.path, normalized)
        text_lines = LineIndex(normalized)
        last = len(kept) - 1

        def to_file(line: int, column: int) -> tuple[int, int]:
            offset = text_lines.starts[min(line, len(text_lines.starts)) - 1] + column - 1
            raw = raw_offsets[kept[max(0, min(offset, last))]]
            return self.lines.position(raw)

        def move(span: Span) -> Span:
            line, column = to_file(span.line, span.column)
            end_line, end_column = to_file(span.end_line, span.end_column)
            return Span(line, column, end_line, max(end_column, column + 1) if end_line == line else end_column)

        self.links.extend(_moved(parsed.links, move))
        self.urls.extend(_moved(parsed.urls, move))
        self.headings.extend(_moved(parsed.headings, move))
        # Each card is a document of its own: the same ^id in two cards is no duplicate (LK008).
        earlier = {block.id.lower() for block in self.block_ids}
        self.block_ids.extend(_moved(tuple(b for b in parsed.block_ids if b.id.lower() not in earlier), move))
        self.tags.extend(_moved(parsed.tags, move))
        self.raw_space_links.extend(_moved(parsed.raw_space_links, move))
        self.empty_links.extend(_moved(parsed.empty_links, move))
        self.comments.extend(_moved(parsed.comments, move))


def _moved(items: tuple[T, ...], move: Callable[[Span], Span]) -> list[T]:
    return [dataclasses.replace(item, span=move(item.span)) for item in items]  # type: ignore[type-var]


def _normalized(markdown: str) -> tuple[str, list[int]]:
    """The text as the note parser sees it (no BOM, LF line ends), and for each of its
    characters the index of that character in ``markdown``, plus one past the end."""
    kept: list[int] = []
    chars: list[str] = []
    index = 1 if markdown.startswith("\ufeff") else 0
    while index < len(markdown):
        char = markdown[index]
        kept.append(index)  # a CRLF line end is its CR: a span that ends at the line ends before it
        if char == "\r":
            chars.append("\n")
            index += 2 if markdown[index + 1 : index + 2] == "\n" else 1
            continue
        chars.append(char)
        index += 1
    kept.append(len(markdown))
    if len(kept) == len(markdown) + 1:
        return markdown, kept
    return "".join(chars), kept


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(obj: dict[str, Any]) -> dict[str, Any]:
    """JSON may escape half of a UTF-16 pair (``"\\ud800"``), which no output can print:
    each becomes U+FFFD, one character for one, so positions stay right."""
    return {
        key: _LONE_SURROGATE.sub("\ufffd", value) if isinstance(value, str) else value for key, value in obj.items()
    }


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _json_error(error: ValueError, text: str, lines: LineIndex) -> ParseProblem:
    """CV001 at the place ``json`` stopped reading (lines counted as everywhere else: a lone
    CR ends a line too, which ``json``'s own ``lineno`` does not count)."""
    message = getattr(error, "msg", str(error))
    return ParseProblem(
        "CV001", f"canvas is not valid JSON: {message}", _character_at(text, lines, getattr(error, "pos", 0))
    )


def _character_at(text: str, lines: LineIndex, offset: int) -> Span:
    """The character at ``offset``; none (an empty span) at a line's end or the text's, where
    there is no character to mark (``[`` then a line break: the error is on the empty line 2)."""
    line, column = lines.position(offset)
    width = 0 if offset >= len(text) or text[offset] in "\r\n" else 1
    return Span(line, column, line, column + width)


# -- writing strings back ---------------------------------------------------------

#: A ``\uXXXX`` escape of a character beyond ASCII, not itself escaped (``\\u00e9`` is text).
_NON_ASCII_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u(?!00[0-7])[0-9a-fA-F]{4}")


def decoded_string_body(body: str) -> str | None:
    """What the characters between a JSON string's quotes say; ``None`` when they are not
    exactly one JSON string's contents (a raw quote, a control character, a bad escape)."""
    try:
        value = json.loads(f'"{body}"')
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def string_body(value: str, document: str) -> str:
    """``value`` as the characters between a JSON string's quotes, written the way ``document``
    writes strings: quotes, backslashes and control characters escaped as JSON must; other
    characters raw (as Obsidian writes them), unless the document is all ASCII and escapes
    what is not, in which case those are escaped too."""
    ascii_only = document.isascii() and _NON_ASCII_ESCAPE.search(document) is not None
    return json.dumps(value, ensure_ascii=ascii_only)[1:-1]
