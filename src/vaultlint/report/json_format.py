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

from ..model import Diagnostic
from .base import ReportContext
from .escape import escape, is_safe


def _escaped(record: dict[str, Any]) -> dict[str, Any]:
    # The usual record has nothing to escape: its strings are tested at once, joined (is_safe), not
    # one call each (20,000 records: 200,000 calls, a tenth of a warm run's output).
    if is_safe(" ".join([value for value in record.values() if isinstance(value, str)])):
        return record
    return {key: escape(value) if isinstance(value, str) else value for key, value in record.items()}


#: Types json.dumps writes the same with or without an indent.
_FLAT = (str, int, bool, type(None))
#: Between two fields of a record, as json.dumps(indent=2) writes them inside the list.
_FIELDS = json.JSONEncoder(ensure_ascii=False, separators=(",\n    ", ": "))


def _record(record: dict[str, Any]) -> str:
    """One record as json.dumps(records, indent=2) writes it, by the C encoder (no indent there):
    its strings hold no raw newline, so each newline is one of the separators."""
    return "  {\n    " + _FIELDS.encode(record)[1:-1] + "\n  }"


def format_json(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    records = [_escaped(d.to_json()) for d in diagnostics]
    if not records:
        return "[]\n"
    # With an indent, json.dumps encodes in Python: a big vault's 20,000 diagnostics took most of a
    # second, a third of a warm run.  Flat records (all of them, today) are written by the C encoder.
    if not all(type(value) in _FLAT for record in records for value in record.values()):
        return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    return "[\n" + ",\n".join(map(_record, records)) + "\n]\n"
