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
from .escape import escape


def _escaped(record: dict[str, Any]) -> dict[str, Any]:
    return {key: escape(value) if isinstance(value, str) else value for key, value in record.items()}


def format_json(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    return json.dumps([_escaped(d.to_json()) for d in diagnostics], indent=2, ensure_ascii=False) + "\n"
