"""Template syntax in a note outside the template folders, and the hint that names the setting.

A template's placeholders (``{{title}}`` of core Templates, ``<% tp.file.title %>``
of Templater) are not real link targets until the template is applied.  Notes in
the vault's template folders are not reported on (OBSIDIAN.md D12), but which
folders hold templates is written in the Obsidian config folder, which many
vaults do not commit; so the hint says where to name them.
"""

from __future__ import annotations

import re

#: ``{{date}}``, ``{{title}}`` (core Templates) and ``<% tp.date.now() %>`` (Templater), on one line.
TEMPLATE_SYNTAX = re.compile(r"\{\{[^{}\n]*\}\}|<%[^\n]*?%>")

#: One text for every rule that gives it.  The same words as the FM001/LK001 hint of the
#: templates config key (issue 17 point 5), so that the two can become one at the merge.
TEMPLATE_HINT = (
    "this note holds template syntax ({{...}} or <% ... %>): if it is a template, list its folder in the"
    ' config key template-folders (e.g. template-folders = ["Templates"]) and it is not checked'
)


def holds_template_syntax(text: str) -> bool:
    return TEMPLATE_SYNTAX.search(text) is not None
