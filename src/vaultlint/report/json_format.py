"""``json``: a JSON list of diagnostic objects; the stable machine interface.

Each object has ``code``, ``name``, ``severity`` (``error``/``warning``/``info``),
``path`` (vault-relative, ``/``-separated), ``line``, ``column``, ``end_line``,
``end_column`` (1-based; the end column is exclusive), ``message``, ``hint``
(string or null) and ``fixable`` (bool).  Fields may be added; none are removed
or renamed.

Strings are escaped as in every format (:mod:`vaultlint.report.escape`): a
control character or an undecodable byte of a file name reads ``\\x1b`` or
``\\xff``, so the document is valid UTF-8 whatever the vault holds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import orjson

from ..model import Diagnostic
from .base import ReportContext
from .escape import escape, is_safe


def _escaped(record: dict[str, Any]) -> dict[str, Any]:
    # The usual record has nothing to escape: its strings are tested at once, joined (is_safe), not
    # one call each (20,000 records: 200,000 calls, a tenth of a warm run's output).
    if is_safe(" ".join([value for value in record.values() if isinstance(value, str)])):
        return record
    return {key: escape(value) if isinstance(value, str) else value for key, value in record.items()}


#: Types orjson writes as json.dumps(ensure_ascii=False) does.  A string: once escaped, it holds no
#: control character, separator or surrogate, so both write it as it is but for quotes and backslashes.
_FLAT = (str, int, bool, type(None))


def format_json(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    records = [_escaped(d.to_json()) for d in diagnostics]
    if not records:
        return "[]\n"
    # The text json.dumps(records, indent=2, ensure_ascii=False) writes.  With an indent, json.dumps
    # encodes in Python (a big vault's 20,000 diagnostics took most of a second, a third of a warm
    # run), so flat records (all of them, today) are written by orjson, in C: the same bytes.
    if all(type(value) in _FLAT for record in records for value in record.values()):
        try:
            return orjson.dumps(records, option=orjson.OPT_INDENT_2).decode() + "\n"
        except orjson.JSONEncodeError:  # an int beyond 64 bits
            pass
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
