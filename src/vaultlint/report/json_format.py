"""``json``: a JSON list of diagnostic objects; the stable machine interface.

Each object has ``code``, ``name``, ``severity`` (``error``/``warning``/``info``),
``path`` (vault-relative, ``/``-separated), ``line``, ``column``, ``end_line``,
``end_column`` (1-based; the end column is exclusive), ``message``, ``hint``
(string or null) and ``fixable`` (bool).  Fields may be added; none are removed
or renamed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..model import Diagnostic
from .base import ReportContext


def format_json(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    return json.dumps([d.to_json() for d in diagnostics], indent=2, ensure_ascii=False) + "\n"
