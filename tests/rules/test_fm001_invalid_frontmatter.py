"""FM001 invalid-frontmatter (OBSIDIAN.md §7.1, D8, D12).

The block between the opening ``---`` (first line, nothing after it) and the next
line starting with ``---`` is YAML 1.2; a syntax error is FM001.  The column of a
YAML error depends on the parser, so these tests assert its line only.
"""

from __future__ import annotations

import json

import pytest
from rules_helpers import check, check_all, messages, run

from vaultlint.model import Severity

CODE = "FM001"


def fm001_lines(vault, files, **options):
    return [(path, line, code) for path, line, _, code in check(vault, files, CODE, **options)]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("---\ntitle: A: B\n---\n", 2, id="colon-space-in-plain-value"),
        pytest.param("---\na: 1\nb: c: d\n---\n", 3, id="error-on-third-line"),
        pytest.param("---\ntags: [a, b\n---\n", 2, id="unclosed-flow-list"),
        pytest.param('---\ntitle: "unterminated\n---\n', 2, id="unclosed-quote"),
        pytest.param("---\na:\n\t- b\n---\n", 3, id="tab-indentation"),
        pytest.param("---\na: 1\n  b: 2\n---\n", 3, id="bad-indentation"),
        pytest.param("---\ndate: {{date}}\n---\n", 2, id="template-placeholder"),
        pytest.param("---\ntitle: {{title}}\n---\n", 2, id="template-title-placeholder"),
        pytest.param("\ufeff---\ntitle: A: B\n---\n", 2, id="bom-D8"),
        pytest.param("---\r\ntitle: A: B\r\n---\r\n", 2, id="crlf"),
        pytest.param("---\na: *anchor\n---\n", 2, id="undefined-alias"),
    ],
)
def test_flags_yaml_error_line(vault, text, line):
    assert fm001_lines(vault, {"a.md": text}) == [("a.md", line, CODE)]


def test_is_an_error_and_reports_once(vault):
    [diagnostic] = messages(run(vault({"a.md": "---\na: b: c\nd: [\ne: 'x\n---\n"}), select=[CODE]), CODE)
    assert diagnostic.severity is Severity.ERROR


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("---\ntitle: x\n---\n", id="valid"),
        pytest.param('---\ntitle: "A: B"\n---\n', id="quoted-colon"),
        pytest.param("---\ntitle: A:B\n---\n", id="colon-without-space"),
        pytest.param('---\n{"a": 1, "b": [1, 2]}\n---\n', id="json"),
        pytest.param("---\n---\nbody", id="empty-block"),
        pytest.param("---\n# only a comment\n---\n", id="comment-only"),
        pytest.param("---\ntags: #foo\n---\n", id="hash-is-a-comment"),
        pytest.param("---\nok: no\nday: 2020-08-21\nx: on\n---\n", id="yaml-1-2-scalars"),
        pytest.param("---\na: 1\na: 2\n---\n", id="duplicate-key-is-FM003"),
        pytest.param("---\n- a\n- b\n---\n", id="list-is-FM002"),
        pytest.param("--- \ntitle: A: B\n---\n", id="trailing-space-not-frontmatter"),
        pytest.param("\n---\ntitle: A: B\n---\n", id="not-on-first-line"),
        pytest.param("text\n\n---\ntitle: A: B\n---\n", id="thematic-break-later"),
        pytest.param("---\ntitle: A: B\n", id="unclosed-is-FM004"),
        pytest.param("---\ntitle: x\n---\n\n```yaml\ntitle: A: B\n```\n", id="yaml-in-body"),
        pytest.param("---\ntitle: x\n--- trailing\nbody", id="closing-fence-with-trailing-text"),
        pytest.param("---\ntitle: x\n----\nbody", id="closing-fence-four-dashes"),
        pytest.param("---\ntitle: <% tp.file.title %>\n---\n", id="templater-plain-scalar"),
        pytest.param("---\nlong: >\n  folded\n  text\n---\n", id="folded-scalar"),
        pytest.param("---\nanchor: &a 1\nref: *a\n---\n", id="anchor-and-alias"),
    ],
)
def test_does_not_flag(vault, text):
    assert check(vault, {"a.md": text}, CODE) == []


# -- D12: template folders ------------------------------------------------------

TEMPLATE = "---\ndate: {{date}}\ntitle: {{title}}\n---\n# {{title}}\n"


@pytest.mark.parametrize(
    ("config_path", "config"),
    [
        pytest.param(".obsidian/templates.json", {"folder": "Templates"}, id="core-templates"),
        pytest.param(".obsidian/templates.json", {"folder": "/Templates/"}, id="core-templates-slashes"),
        pytest.param(
            ".obsidian/plugins/templater-obsidian/data.json", {"templates_folder": "Templates"}, id="templater"
        ),
    ],
)
def test_template_folder_notes_are_not_reported(vault, config_path, config):
    files = {config_path: json.dumps(config), "Templates/Daily.md": TEMPLATE, "Templates/Sub/Weekly.md": TEMPLATE}
    assert check_all(vault, files) == []


def test_template_folder_notes_reported_with_lint_templates(vault):
    files = {".obsidian/templates.json": json.dumps({"folder": "Templates"}), "Templates/Daily.md": TEMPLATE}
    assert fm001_lines(vault, files, lint_templates=True) == [("Templates/Daily.md", 2, CODE)]


def test_placeholder_outside_template_folder_is_reported(vault):
    files = {".obsidian/templates.json": json.dumps({"folder": "Templates"}), "Templates2/Daily.md": TEMPLATE}
    assert fm001_lines(vault, files) == [("Templates2/Daily.md", 2, CODE)]


def test_invalid_frontmatter_gives_no_properties(vault):
    # Obsidian drops every property: no FM005 for "tag", no FM010 for the tags, no property links.
    text = '---\ntag: x\ntags: [2024]\nup: "[[Missing]]"\ntitle: A: B\n---\n'
    assert [(line, code) for _, line, _, code in check_all(vault, {"a.md": text})] == [(5, CODE)]
