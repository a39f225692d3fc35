"""Turn a ``.base`` file (Obsidian Bases, YAML) into a :class:`~vaultlint.model.Note`.  Pure: text in, Note out.

``docs/bases.md`` describes the format.  What is wrong with the file alone is
found here: YAML that does not parse, a top level that is not a mapping, an
unknown top-level key or a section of the wrong shape (BS001), and a
``formula.X`` that a view, a sort or a filter uses but ``formulas`` does not
define (BS002).  What needs the vault to decide is recorded as
:class:`~vaultlint.model.BaseReference` for the BS002 rule: folders named by
``file.inFolder("X")``, notes named by ``link("X")`` and ``file.hasLink("X")``,
and the note properties a view's ``order`` shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml

from ..model import BaseReference, Note, ParseProblem, Span

#: The top-level keys of a base.  ``display`` is the older name of ``properties``'
#: ``displayName`` (early 2025 bases still carry it; inferred from real files).
TOP_LEVEL_KEYS = ("filters", "formulas", "properties", "summaries", "views", "display")

_STRING = r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
#: ``file.inFolder("X")``, ``file.hasLink("X")`` and ``link("X")`` with a string literal.
_CALLS = re.compile(rf"""(?<![\w.])(?:file\.|this\.file\.)?(inFolder|hasLink|link)\(\s*{_STRING}""")
#: ``formula.X`` and ``formula["X"]``.
_FORMULA = re.compile(r"""(?<![\w.])formula(?:\.([^\W\d]\w*)|\[\s*("[^"]*"|'[^']*')\s*\])""")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
#: View keys whose entries are stored layout, not references (left behind harmlessly when a formula goes).
_VIEW_LAYOUT_KEYS = ("columnSize",)


def parse_base(path: str, text: str) -> Note:
    text = text[1:] if text.startswith("\ufeff") else text
    reader = _BaseReader(text)
    reader.read()
    return Note(
        path=path,
        frontmatter=None,
        unclosed_frontmatter=None,
        headings=(),
        block_ids=(),
        tags=(),
        links=(),
        urls=(),
        raw_space_links=(),
        empty_links=(),
        comments=(),
        body_is_empty=False,
        line_count=text.count("\n") + 1,
        problems=tuple(reader.problems),
        base_references=tuple(reader.references),
    )


def _span(node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    if end.line != start.line or end.column <= start.column:
        return Span(start.line + 1, start.column + 1, start.line + 1, start.column + 2)
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


class _BaseReader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.problems: list[ParseProblem] = []
        self.references: list[BaseReference] = []
        #: (formula name, where it is used)
        self.formula_uses: list[tuple[str, Span]] = []
        #: Nodes already read: YAML aliases make the tree a graph, and reading
        #: ``*alias`` again (nine times per level, nine levels deep) must not take forever.
        self.seen: set[int] = set()

    def first_visit(self, node: yaml.Node) -> bool:
        if id(node) in self.seen:
            return False
        self.seen.add(id(node))
        return True

    def read(self) -> None:
        try:
            root = yaml.compose(self.text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
            self.problems.append(ParseProblem("BS001", f"base is not valid YAML: {problem}", Span.point(line, column)))
            return
        except yaml.YAMLError as error:
            self.problems.append(ParseProblem("BS001", f"base is not valid YAML: {error}", Span.point(1, 1)))
            return
        except RecursionError:
            self.problems.append(ParseProblem("BS001", "base is not valid YAML (nested too deeply)", Span.point(1, 1)))
            return
        if root is None or _is_null(root):
            return  # an empty base: every file of the vault, one default view
        _replace_lone_surrogates(root)
        if not isinstance(root, yaml.MappingNode):
            self.problems.append(ParseProblem("BS001", "base is not a YAML mapping", _span(root)))
            return
        formulas: set[str] = set()
        for key, value in root.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name not in TOP_LEVEL_KEYS:
                known = ", ".join(TOP_LEVEL_KEYS[:5])
                self.problems.append(
                    ParseProblem("BS001", f'unknown top-level key "{name}" (a base has {known})', _span(key))
                )
                continue
            if _is_null(value):
                continue
            if name == "filters":
                self.read_filters(value)
            elif name == "formulas":
                formulas.update(self.read_formulas(value))
            elif name == "views":
                self.read_views(value)
            elif not isinstance(value, yaml.MappingNode):
                self.problems.append(ParseProblem("BS001", f'"{name}" is not a mapping', _span(value)))
        for formula, span in self.formula_uses:
            if formula not in formulas:
                self.problems.append(ParseProblem("BS002", f'formula "{formula}" is used but never defined', span))

    # -- sections ---------------------------------------------------------------------
    def read_filters(self, node: yaml.Node) -> None:
        """A filter statement (string) or an object of ``and``/``or``/``not`` lists, recursively."""
        if not self.first_visit(node):
            return
        if isinstance(node, yaml.ScalarNode):
            self.read_expression(node)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self.read_filters(item)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if not (isinstance(key, yaml.ScalarNode) and key.value in ("and", "or", "not")):
                    self.problems.append(
                        ParseProblem("BS001", 'a filter object holds only "and", "or" or "not"', _span(key))
                    )
                    continue
                self.read_filters(value)

    def read_formulas(self, node: yaml.Node) -> Iterator[str]:
        if not isinstance(node, yaml.MappingNode):
            self.problems.append(ParseProblem("BS001", '"formulas" is not a mapping', _span(node)))
            return
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                yield key.value
            # Read once: 2,000 formulas that alias one 38 KB expression were read 2,000 times.
            if isinstance(value, yaml.ScalarNode) and self.first_visit(value):
                self.read_expression(value)

    def read_views(self, node: yaml.Node) -> None:
        if not isinstance(node, yaml.SequenceNode):
            self.problems.append(ParseProblem("BS001", '"views" is not a list', _span(node)))
            return
        for view in node.value:
            if not isinstance(view, yaml.MappingNode):
                self.problems.append(ParseProblem("BS001", "a view is not a mapping", _span(view)))
                continue
            for key, value in view.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else None
                if name == "filters":
                    self.read_filters(value)
                elif name == "order":
                    self.read_order(value)
                elif name in _VIEW_LAYOUT_KEYS:
                    continue
                else:
                    self.read_property_ids(value)

    def read_order(self, node: yaml.Node) -> None:
        """The properties a view shows: formulas must be defined, note properties must exist somewhere."""
        if isinstance(node, yaml.SequenceNode) and not self.first_visit(node):
            return
        if not isinstance(node, yaml.SequenceNode):
            self.read_property_ids(node)
            return
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode) or not isinstance(item.value, str):
                continue
            value = item.value.strip()
            if value.startswith("formula."):
                self.formula_uses.append((value[len("formula.") :], _span(item)))
            elif value and not value.startswith(("file.", "this.")):
                name = value[len("note.") :] if value.startswith("note.") else value
                self.references.append(BaseReference("property", name, _span(item)))

    def read_property_ids(self, node: yaml.Node) -> None:
        """Any other view setting (sort, groupBy, summaries, image, ...): the formulas it names."""
        if not self.first_visit(node):
            return
        if isinstance(node, yaml.ScalarNode):
            value = node.value.strip() if isinstance(node.value, str) else ""
            if value.startswith("formula.") and re.fullmatch(r"formula\.[^\W\d]\w*", value):
                self.formula_uses.append((value[len("formula.") :], _span(node)))
            else:
                self.read_expression(node)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                self.read_property_ids(item)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                self.read_property_ids(key)
                self.read_property_ids(value)

    # -- expressions --------------------------------------------------------------------
    def read_expression(self, node: yaml.ScalarNode) -> None:
        """Folders, links and formulas named in one filter or formula expression."""
        expression = node.value
        if not isinstance(expression, str) or node.tag != "tag:yaml.org,2002:str":
            return
        for match in _CALLS.finditer(expression):
            function, literal = match.group(1), match.group(2)
            value = _unquote(literal)
            span = self.locate(node, match.group(0))
            if function == "inFolder":
                self.references.append(BaseReference("folder", value, span))
            else:
                target = _link_path(value)
                if target:
                    self.references.append(BaseReference("link", target, span))
        for match in _FORMULA.finditer(expression):
            name = match.group(1) or _unquote(match.group(2))
            self.formula_uses.append((name, self.locate(node, match.group(0))))

    def locate(self, node: yaml.Node, written: str) -> Span:
        """Where ``written`` is inside a one-line scalar; the scalar's start otherwise."""
        start = node.start_mark
        if node.end_mark.line == start.line and start.line < len(self.lines):
            column = self.lines[start.line].find(written, start.column)
            if column >= 0:
                return Span(start.line + 1, column + 1, start.line + 1, column + 1 + len(written))
        return _span(node)


def _replace_lone_surrogates(root: yaml.Node) -> None:
    """YAML may escape half of a UTF-16 pair (``"\\ud800"``), which no output can print:
    each becomes U+FFFD in every scalar of the tree (anchors can make it a graph)."""
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str):
            node.value = _LONE_SURROGATE.sub("\ufffd", node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal[1:-1])


def _link_path(value: str) -> str:
    """The note a ``link("…")`` names: ``[[Note|shown]]`` and ``Note#Heading`` give ``Note``; URLs give ``""``."""
    value = value.strip()
    if value.startswith("[[") and value.endswith("]]"):
        value = value[2:-2]
    if "://" in value or value.startswith("mailto:"):
        return ""
    value = value.split("|", 1)[0]
    return value.split("#", 1)[0].strip()
