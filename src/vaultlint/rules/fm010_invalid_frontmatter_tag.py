"""FM010 invalid-frontmatter-tag: a ``tags`` entry Obsidian drops or misreads.

**What it does**: reports ``tags`` entries that contain spaces, consist only of
digits (a YAML number included), or contain a character that ends a tag in
Obsidian (such as ``,``, ``.`` or ``!``); ``tags: #foo`` (a YAML comment, so no
value); and ``tags`` or ``aliases`` given as one comma-separated string.
Obsidian splits such a string for you, but other tools read it as one value,
so it should be a YAML list.

**Why it matters**: Obsidian drops entries with spaces and numeric tags, and
reads ``tags: #foo`` as empty, so the note is missing from tag searches.

**Example**::

    ---
    tags: [2024, my project]
    ---

**How to fix**: use a YAML list of single words: ``tags: [y2024, my-project]``;
quote a leading ``#``: ``tags: ["#x"]``.  ``--fix`` turns a comma-separated
string into a list.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import Edit, Fix, Note, Property, Severity, Span, Violation
from ..syntax.tags import TAG_FORBIDDEN_CHAR
from ._frontmatter import shown
from .base import Rule, Scope


def _tag_problem(value: Any) -> str | None:
    if value is None:
        return None  # an empty entry: dropped, harmless
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return "is not a tag name"
    if not isinstance(value, str):
        return "is a number, which Obsidian drops"
    name = value.strip()
    if name.startswith("#"):
        name = name[1:]
    if not name:
        return None
    if any(c.isspace() for c in name):
        return "contains a space, so Obsidian drops it"
    if name.isdigit():
        return "is only digits, which is not a tag"
    bad = TAG_FORBIDDEN_CHAR.search(name)
    if bad is not None:
        return f'contains "{bad.group()}", which ends a tag'
    return None


def _tags(prop: Property, raw_lines: list[str], first_line: int) -> Iterator[Violation]:
    if prop.value is None:
        line = (
            raw_lines[prop.key_span.line - first_line] if 0 <= prop.key_span.line - first_line < len(raw_lines) else ""
        )
        if "#" in line.partition(":")[2]:
            yield Violation(
                prop.key_span,
                f'"{prop.key}: #…" is a YAML comment, so the note has no tags',
                hint=f'write {prop.key}: ["#tag"] or {prop.key}: [tag]',
            )
        return
    if isinstance(prop.value, str):
        if "," in prop.value or " " in prop.value.strip():
            yield Violation(
                prop.value_span,
                f'"{prop.key}" is one string, not a list',
                hint=f"use a YAML list: {prop.key}: [a, b]",
                fix=list_fix(prop),
            )
            return
        problem = _tag_problem(prop.value)
        if problem:
            yield Violation(prop.value_span, f'tag "{shown(prop.value)}" {problem}')
        return
    if not isinstance(prop.value, list):  # a number, true/false, or a mapping
        problem = _tag_problem(prop.value)
        if problem:
            yield Violation(prop.value_span, f'tag "{shown(prop.plain_text or prop.value)}" {problem}')
        return
    for item in prop.items:
        problem = _tag_problem(item.value)
        if problem:
            yield Violation(item.span, f'tag "{shown(item.plain_text or item.value)}" {problem}')


def check(note: Note, ctx: object) -> Iterator[Violation]:
    frontmatter = note.frontmatter
    if frontmatter is None or not frontmatter.is_mapping:
        return
    raw_lines = frontmatter.raw.split("\n")
    for prop in frontmatter.properties:
        key = prop.key.lower()
        if key == "tags":
            yield from _tags(prop, raw_lines, frontmatter.span.line + 1)
        elif key == "aliases" and isinstance(prop.value, str) and "," in prop.value:
            yield Violation(
                prop.value_span,
                f'"{prop.key}" is one comma-separated string, not a list',
                hint=f"use a YAML list: {prop.key}: [A, B]",
                fix=list_fix(prop),
            )


def list_fix(prop: Property) -> Fix | None:
    """``tags: a, b`` -> ``tags: [a, b]``, only for a plain comma-separated value that YAML then
    reads as exactly those items (D4: spaces alone do not separate, so they get no fix)."""
    text = prop.plain_text
    if text is None or "," not in text or prop.value_span.line != prop.value_span.end_line:
        return None
    import yaml

    from ..syntax.frontmatter import Yaml12Loader

    wanted = [part.strip() for part in text.split(",") if part.strip()]
    try:
        parsed = yaml.load(f"[{text}]", Loader=Yaml12Loader)  # noqa: S506 - the safe 1.2 loader
    except yaml.YAMLError:
        return None
    if parsed != wanted:
        return None
    span = prop.value_span
    start = Span(span.line, span.column, span.line, span.column)
    end = Span(span.end_line, span.end_column, span.end_line, span.end_column)
    return Fix("make it a YAML list", (Edit(start, "["), Edit(end, "]")))


RULE = Rule(
    "FM010",
    "invalid-frontmatter-tag",
    Severity.WARNING,
    "a tags entry Obsidian will drop or misread",
    __doc__,
    Scope.NOTE,
    check,
    fixable=True,
)
