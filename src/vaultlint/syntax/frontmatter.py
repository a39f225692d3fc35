"""Frontmatter: detection (OBSIDIAN.md §7.1), YAML 1.2 core-schema reading, property links (§7.4).

Obsidian reads the block with the ``yaml`` npm package in YAML 1.2 mode, so
``yes``/``no`` and ``2020-08-21`` stay strings.  PyYAML speaks YAML 1.1; the
:class:`Yaml12Loader` below swaps in the 1.2 core-schema resolvers.  The
document is *composed* first (a node tree with positions) so that duplicate
keys, unquoted ``[[links]]`` and property links can be found with their lines,
and the tree is walked with a visited set so an alias bomb stays linear; a
block whose aliases expand too far is refused before its values are built
(``yaml_aliases``).  Every step is linear in the size of the block.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..model import (
    Edit,
    ExternalUrl,
    Fix,
    Frontmatter,
    FrontmatterProblem,
    Link,
    LinkKind,
    Property,
    PropertyItem,
    Span,
    UrlOrigin,
)
from .wikilinks import parse_wikilink_inner
from .yaml_aliases import alias_problem


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core-schema implicit typing."""

    def compose_node(self, parent: Node | None, index: object) -> Node:
        # YAML 1.2 lets an anchor name be used again: an alias means the most
        # recent node with that anchor.  PyYAML calls the repeat an error.
        if not self.check_event(yaml.AliasEvent):
            anchor = self.peek_event().anchor
            if anchor is not None:
                self.anchors.pop(anchor, None)
        return super().compose_node(parent, index)


#: The same with libyaml's C scanner and parser when PyYAML was built with it:
#: YAML was a third of the parse time of a note in pure Python.
Yaml12FastLoader: type = (
    type("Yaml12FastLoader", (yaml.CSafeLoader,), {}) if getattr(yaml, "__with_libyaml__", False) else Yaml12Loader
)

for _loader in {Yaml12Loader, Yaml12FastLoader}:
    _loader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    (
        "tag:yaml.org,2002:int",
        r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$",
        list("-+0123456789"),
    ),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$",
        list("-+.0123456789"),
    ),
):
    for _loader in {Yaml12Loader, Yaml12FastLoader}:
        _loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


#: Python converts an int from or to decimal text of at most 4300 digits (beyond,
#: the conversion is quadratic), so a longer number could be neither read nor shown.
#: Obsidian holds every number as a JavaScript double, for which such a number is
#: Infinity: so is it here.
_MAX_INT_DIGITS = 4000
_MAX_INT_BITS = _MAX_INT_DIGITS * 3  # 2**12000 has about 3600 decimal digits


def _construct_int(loader: yaml.SafeLoader, node: ScalarNode) -> int | float:
    text = loader.construct_scalar(node)
    if text.startswith(("0o", "0x")):  # power-of-two bases convert in linear time
        value = int(text[2:], 8 if text[1] == "o" else 16)
        return value if value.bit_length() <= _MAX_INT_BITS else float("inf")
    digits = text.lstrip("+-").lstrip("0")  # leading zeros count against Python's limit too
    if len(digits) > _MAX_INT_DIGITS:
        return float("-inf") if text.startswith("-") else float("inf")
    return -int(digits or "0") if text.startswith("-") else int(digits or "0")


def _construct_float(loader: yaml.SafeLoader, node: ScalarNode) -> float:
    text = loader.construct_scalar(node).lower()
    if text.endswith("inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text.endswith("nan"):
        return float("nan")
    return float(text)


for _loader in {Yaml12Loader, Yaml12FastLoader}:
    _loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


@dataclass(frozen=True)
class FrontmatterBlock:
    """Where the frontmatter is: lines are 0-based indexes into the file's lines."""

    yaml_text: str
    first_yaml_line: int  # the line after the opening fence
    closing_line: int  # the closing fence


def find_frontmatter(lines: list[str]) -> FrontmatterBlock | None | int:
    """The frontmatter block; ``None`` when there is none; the opening line (0) when unclosed."""
    if not lines or lines[0] != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].startswith("---"):
            return FrontmatterBlock("\n".join(lines[1:index]), 1, index)
    return 0


class _Positions:
    """File positions of places in the YAML text, from their character index.

    PyYAML's and libyaml's own line numbers count NEL, U+2028 and U+2029 as
    line breaks, but the file's lines (as every editor shows them) break at LF
    only; the character index of a mark is the same for both parsers.
    """

    def __init__(self, text: str, first_line: int) -> None:
        self.lines = text.split("\n")
        self.starts = list(accumulate((len(line) + 1 for line in self.lines[:-1]), initial=0))
        self.first_line = first_line  # the file's 1-based line number of the text's first line
        # Without those characters the parsers' own lines and columns are right (and faster).
        self.marks_agree = not any(c in text for c in "\x85\u2028\u2029")

    def at(self, index: int) -> tuple[int, int]:
        """1-based file line and column of the character at ``index``."""
        row = bisect_right(self.starts, index) - 1
        return row + self.first_line, index - self.starts[row] + 1

    def span(self, node: Node) -> Span:
        start, end = node.start_mark, node.end_mark
        if self.marks_agree:
            first = self.first_line
            return Span(start.line + first, start.column + 1, end.line + first, end.column + 1)
        return Span(*self.at(start.index), *self.at(end.index))

    def point(self, index: int) -> Span:
        """One character at ``index``; nothing where that is the end of its line."""
        line, column = self.at(index)
        length = len(self.lines[line - self.first_line])
        column = min(column, length + 1)
        return Span(line, column, line, min(column + 1, length + 1))


def _key_text(node: Node) -> str:
    return node.value if isinstance(node, ScalarNode) else "<complex key>"


#: Key paths are for messages; a longer one is cut short, so that deep nesting
#: under long keys does not make the walk quadratic.
MAX_KEY_PATH = 200


def _child_path(path: str, key: str) -> str:
    if len(path) > MAX_KEY_PATH:  # already cut short
        return path
    joined = f"{path}.{key}" if path else key
    return joined if len(joined) <= MAX_KEY_PATH else joined[:MAX_KEY_PATH] + "…"


def _walk(root: Node) -> Iterator[tuple[str, Node]]:
    """Every node below ``root`` with its dotted key path, each node once."""
    seen: set[int] = set()
    stack: list[tuple[str, Node]] = [("", root)]
    while stack:
        path, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield path, node
        if isinstance(node, MappingNode):
            for key, value in reversed(node.value):
                stack.append((_child_path(path, _key_text(key)), value))
        elif isinstance(node, SequenceNode):
            for index in reversed(range(len(node.value))):
                stack.append((_child_path(path, str(index)), node.value[index]))


_URL = re.compile(r"https?://\S+\Z", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedFrontmatter:
    frontmatter: Frontmatter
    links: tuple[Link, ...]
    urls: tuple[ExternalUrl, ...]


#: Up to this size, a block libyaml rejects is read again by PyYAML's own scanner,
#: ten times slower: libyaml often reports an error where it gave up (the end of
#: the block), PyYAML at the line that holds the mistake.
REPARSE_LIMIT = 64 * 1024


def parse_frontmatter(block: FrontmatterBlock) -> ParsedFrontmatter:
    parsed = _parse_frontmatter(block, Yaml12FastLoader)
    if Yaml12FastLoader is not Yaml12Loader and parsed.frontmatter.problems:
        message = parsed.frontmatter.problems[0].message
        if message.startswith("invalid YAML:") and (
            len(block.yaml_text) <= REPARSE_LIMIT
            # libyaml refuses a repeated anchor name, which YAML 1.2 (and Yaml12Loader) allows.
            or message == "invalid YAML: second occurrence"
        ):
            parsed = _parse_frontmatter(block, Yaml12Loader)
    return parsed


def _parse_frontmatter(block: FrontmatterBlock, loader_class: type) -> ParsedFrontmatter:
    positions = _Positions(block.yaml_text, block.first_yaml_line + 1)
    whole = Span(1, 1, block.closing_line + 1, 4)
    problems: list[FrontmatterProblem] = []
    loader = None
    try:
        loader = loader_class(block.yaml_text)  # PyYAML's reader refuses control characters here
        root = loader.get_single_node()
        if root is None:
            return ParsedFrontmatter(Frontmatter(whole, block.yaml_text), (), ())
        # No alias without an anchor (&) and a star (*): most blocks skip the check.
        refused = (
            alias_problem(root, lambda node: positions.at(node.start_mark.index)[0])
            if "&" in block.yaml_text and "*" in block.yaml_text
            else None
        )
        if refused is not None:
            problem = FrontmatterProblem(
                "FM001",
                refused.message,
                positions.point(refused.node.start_mark.index),
                hint="write the values out, or repeat each anchor less often" if refused.is_bomb else None,
            )
            return ParsedFrontmatter(Frontmatter(whole, block.yaml_text, problems=(problem,)), (), ())
        nodes = list(_walk(root))
        if isinstance(root, MappingNode):
            # Each value on its own, so a duplicated key keeps both of its values.
            values = [loader.construct_object(value, deep=True) for _, value in root.value]
        else:
            loader.construct_document(root)
            values = []
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "syntax error"
        problems.append(
            FrontmatterProblem("FM001", f"invalid YAML: {problem}", positions.point(mark.index if mark else 0))
        )
        return ParsedFrontmatter(Frontmatter(whole, block.yaml_text, problems=tuple(problems)), (), ())
    except yaml.reader.ReaderError as error:
        character = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
        message = f"invalid YAML: the character {character} is not allowed in YAML"
        problems.append(FrontmatterProblem("FM001", message, positions.point(error.position)))
        return ParsedFrontmatter(Frontmatter(whole, block.yaml_text, problems=tuple(problems)), (), ())
    except (yaml.YAMLError, RecursionError, ValueError, OverflowError) as error:
        message = "too deeply nested" if isinstance(error, RecursionError) else str(error).splitlines()[0]
        problems.append(FrontmatterProblem("FM001", f"invalid YAML: {message}", positions.point(0)))
        return ParsedFrontmatter(Frontmatter(whole, block.yaml_text, problems=tuple(problems)), (), ())
    finally:
        if loader is not None:
            loader.dispose()

    links: list[Link] = []
    urls: list[ExternalUrl] = []
    source = block.yaml_text
    for path, node in nodes:
        if isinstance(node, MappingNode):
            problems.extend(_duplicate_keys(node, positions))
        elif isinstance(node, SequenceNode) and node.flow_style:
            if source.startswith("[[", node.start_mark.index) and path:
                written = source[node.start_mark.index : node.end_mark.index]
                span = positions.span(node)
                problems.append(
                    FrontmatterProblem(
                        "FM006",
                        f'property "{path}" holds an unquoted link {written}, which YAML reads as a nested list',
                        span,
                        hint=f'quote it: {path.rsplit(".", 1)[-1]}: "{written}"',
                        fix=_quote_fix(span, written),
                    )
                )
        elif isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:str" and path:
            text = node.value
            if text.startswith("[[") and text.endswith("]]") and len(text) > 4:
                target = parse_wikilink_inner(text[2:-2])
                links.append(
                    Link(
                        LinkKind.PROPERTY,
                        target.target,
                        target.path,
                        target.subpath,
                        positions.span(node),
                        property_key=path,
                    )
                )
            elif _URL.match(text.strip()):
                urls.append(ExternalUrl(text.strip(), positions.span(node), UrlOrigin.FRONTMATTER))

    if not isinstance(root, MappingNode):
        problems.append(
            FrontmatterProblem(
                "FM002",
                f"frontmatter is a {'list' if isinstance(root, SequenceNode) else 'single value'}, "
                "not a set of properties, so Obsidian ignores it",
                positions.span(root),
            )
        )
        return ParsedFrontmatter(Frontmatter(whole, block.yaml_text, problems=tuple(problems)), (), ())

    properties = tuple(_properties(root, values, positions))
    return ParsedFrontmatter(
        Frontmatter(whole, block.yaml_text, properties, is_mapping=True, problems=tuple(problems)),
        tuple(links),
        tuple(urls),
    )


def _quote_fix(span: Span, written: str) -> Fix | None:
    """Quote an unquoted ``[[link]]`` in place, when a quote character is free to use."""
    quote = '"' if '"' not in written and "\\" not in written else "'" if "'" not in written else None
    if quote is None or span.line != span.end_line:
        return None
    start = Span(span.line, span.column, span.line, span.column)
    end = Span(span.end_line, span.end_column, span.end_line, span.end_column)
    return Fix(f"quote {written}", (Edit(start, quote), Edit(end, quote)))


def _duplicate_keys(node: MappingNode, positions: _Positions) -> Iterator[FrontmatterProblem]:
    seen: set[str] = set()
    for key, _ in node.value:
        if not isinstance(key, ScalarNode):
            continue
        if key.value in seen:
            yield FrontmatterProblem("FM003", f'duplicate property "{key.value}"', positions.span(key))
        seen.add(key.value)


def _properties(root: MappingNode, values: list[Any], positions: _Positions) -> Iterator[Property]:
    for (key_node, value_node), prop_value in zip(root.value, values):
        if not isinstance(key_node, ScalarNode):
            continue
        key = key_node.value
        items: tuple[PropertyItem, ...] = ()
        if isinstance(value_node, SequenceNode) and isinstance(prop_value, list):
            items = tuple(
                PropertyItem(item_value, positions.span(item), _plain_text(item))
                for item, item_value in zip(value_node.value, prop_value)
            )
        yield Property(
            key=key,
            key_span=positions.span(key_node),
            value=prop_value,
            value_span=positions.span(value_node),
            items=items,
            plain_text=_plain_text(value_node),
        )


def _plain_text(node: Node) -> str | None:
    """The source text of an unquoted scalar (type checks work on it, OBSIDIAN.md §7.3)."""
    return node.value if isinstance(node, ScalarNode) and not node.style else None  # libyaml says "", PyYAML None
