"""Notes that look like templates: the hint on FM001 and LK001 that names the ``template-folders`` key.

Template folders are not reported on (OBSIDIAN.md D12), but which folders hold
templates is written in the Obsidian config folder, which many vaults do not
commit.  Without it a template's ``created: {{date}}`` is invalid YAML (FM001)
and its ``[[{{title}}]]`` an unresolved link (LK001).  When a note with such a
problem holds template syntax (``{{...}}`` of core Templates, ``<% ... %>`` of
Templater), the diagnostic says how to tell vaultlint where templates live.

The engine asks this once per note, after the rules: a rule never decides it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from .model import Diagnostic

#: The rules whose problems template syntax causes.
CODES = frozenset({"FM001", "LK001"})
#: ``{{date}}``, ``{{title}}`` (core Templates) and ``<% tp.date.now() %>`` (Templater), on one line.
TEMPLATE_SYNTAX = re.compile(r"\{\{[^{}\n]*\}\}|<%[^\n]*?%>")
HINT = (
    "this note holds template syntax ({{...}} or <% ... %>): if it is a template, list its folder in the"
    ' config key template-folders (e.g. template-folders = ["Templates"]) and it is not checked'
)


def holds_template_syntax(text: str) -> bool:
    return TEMPLATE_SYNTAX.search(text) is not None


def with_template_hint(diagnostics: Sequence[Diagnostic], text: str | None) -> list[Diagnostic]:
    """``diagnostics`` of one note, with :data:`HINT` added to its FM001 and LK001 when the note's
    ``text`` holds template syntax (after any hint they already have)."""
    if text is None or not any(d.code in CODES for d in diagnostics) or not holds_template_syntax(text):
        return list(diagnostics)
    return [
        dataclasses.replace(d, hint=f"{d.hint}; {HINT}" if d.hint else HINT) if d.code in CODES else d
        for d in diagnostics
    ]
