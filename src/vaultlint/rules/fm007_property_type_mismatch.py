"""FM007 property-type-mismatch: a value that does not fit the property's type.

**What it does**: checks each property named in ``.obsidian/types.json`` (or in
the config's ``types`` and ``[[schema]]`` entries) against its type, on the raw YAML text: ``date`` is ``YYYY-MM-DD`` and a real calendar
date, ``datetime`` is ``YYYY-MM-DDTHH:MM[:SS]``, ``number`` a number,
``checkbox`` ``true``/``false``, ``text`` a single value.  ``tags`` and ``aliases``
are left to FM010.  A problem with one list item is reported at that item.

**Why it matters**: Obsidian shows a warning on such values and date-based views
(Bases, Dataview, the calendar) skip the note.

**Example** (with ``"due": "date"`` in types.json)::

    ---
    due: 2024-02-30
    ---

**How to fix**: write the value in the type's format, or change the property's
type in Obsidian's Properties view.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from typing import Any

from ..model import Note, Property, Severity, Span, Violation
from ._frontmatter import shown
from .base import Rule, Scope

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?")


def _is_date(value: Any, pattern: re.Pattern[str]) -> bool:
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    match = pattern.fullmatch(value.strip())
    if match is None:
        return False
    try:
        datetime.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return False
    hour, minute = (match.group(4), match.group(5)) if match.re is _DATETIME else (None, None)
    return hour is None or (int(hour) < 24 and int(minute) < 60)


def _fits(kind: str, value: Any) -> bool:
    if kind == "date":
        return _is_date(value, _DATE) or _is_date(value, _DATETIME)
    if kind == "datetime":
        return _is_date(value, _DATETIME)
    if kind == "number":
        return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
    if kind == "checkbox":
        return value is None or isinstance(value, bool)
    if kind == "text":
        return not isinstance(value, (list, dict))
    if kind == "multitext":
        return not isinstance(value, dict)
    return True  # unknown type names, tags and aliases


_EXPECTED = {
    "date": "a date such as 2024-01-31",
    "datetime": "a date and time such as 2024-01-31T09:30",
    "number": "a number",
    "checkbox": "true or false",
    "text": "a single text value",
    "multitext": "a list of text values",
}


def _type_of(prop: Property, types: dict[str, str]) -> str | None:
    kind = types.get(prop.key)
    if kind is None:
        lowered = {k.lower(): v for k, v in types.items()}
        kind = lowered.get(prop.key.lower())
    return kind


def check(note: Note, ctx: Any) -> Iterator[Violation]:
    if note.frontmatter is None:
        return
    types = dict(ctx.expectations(note).types)
    if not types:
        return
    for prop in note.frontmatter.properties:
        kind = _type_of(prop, types)
        if kind is None or kind in ("tags", "aliases") or prop.key.lower() in ("tags", "aliases"):
            continue
        if kind in ("date", "datetime", "number", "checkbox") and prop.items:
            # A list where a single value belongs: report each item that does not fit.
            for item in prop.items:
                if not _fits(kind, item.value):
                    yield _violation(prop.key, kind, item.value, item.span)
            continue
        if not _fits(kind, prop.value):
            yield _violation(prop.key, kind, prop.value, prop.value_span)


def _violation(key: str, kind: str, value: Any, span: Span) -> Violation:
    written = shown(value, quoted=True) if not isinstance(value, (list, dict)) else repr(type(value).__name__)
    return Violation(span, f'property "{key}" should be {_EXPECTED.get(kind, kind)}, not {written}')


RULE = Rule(
    "FM007",
    "property-type-mismatch",
    Severity.ERROR,
    "value does not fit the type from .obsidian/types.json or config",
    __doc__,
    Scope.NOTE,
    check,
)
