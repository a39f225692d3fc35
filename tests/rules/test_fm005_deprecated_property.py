"""FM005 deprecated-property (OBSIDIAN.md §7.2, fixture 16).

``tag``, ``alias`` and ``cssclass`` are no longer default properties since 1.9.
Position: the key.
"""

from __future__ import annotations

import pytest
from rules_helpers import check, messages, run

from vaultlint.model import Severity

CODE = "FM005"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param("---\ntag: foo\n---\n", 2, 1, id="tag"),
        pytest.param("---\nalias: Foo\n---\n", 2, 1, id="alias"),
        pytest.param("---\ncssclass: wide\n---\n", 2, 1, id="cssclass"),
        pytest.param("---\ntitle: x\ntag:\n  - a\n---\n", 3, 1, id="block-list-value"),
        pytest.param("---\ntag:\n---\n", 2, 1, id="empty-value"),
        pytest.param('---\n"tag": foo\n---\n', 2, 1, id="quoted-key"),
        pytest.param('---\n{"title": "x", "tag": "foo"}\n---\n', 2, 16, id="json"),
        pytest.param("\ufeff---\ntag: foo\n---\n", 2, 1, id="bom-D8"),
    ],
)
def test_flags_deprecated_key(vault, text, line, column):
    assert check(vault, {"a.md": text}, CODE) == [("a.md", line, column, CODE)]


def test_flags_each_deprecated_key(vault):
    text = "---\ntag: a\nalias: b\ncssclass: c\n---\n"
    assert check(vault, {"a.md": text}, CODE) == [("a.md", 2, 1, CODE), ("a.md", 3, 1, CODE), ("a.md", 4, 1, CODE)]


@pytest.mark.parametrize(("key", "replacement"), [("tag", "tags"), ("alias", "aliases"), ("cssclass", "cssclasses")])
def test_warning_with_replacement_hint(vault, key, replacement):
    [diagnostic] = messages(run(vault({"a.md": f"---\n{key}: x\n---\n"}), select=[CODE]), CODE)
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.hint is not None and f'"{replacement}"' in diagnostic.hint


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("---\ntags: foo\naliases: [Foo]\ncssclasses: [wide]\n---\n", id="current-names"),
        pytest.param("---\nmeta:\n  tag: x\n---\n", id="nested-key"),
        pytest.param("---\ntagline: x\naliased: y\n---\n", id="longer-names"),
        pytest.param("---\ntitle: x\n---\ntag: foo\n", id="body-text"),
        pytest.param("---\ntag: foo\n", id="unclosed-block"),
        pytest.param("---\ntag: foo\ntitle: A: B\n---\n", id="invalid-yaml-gives-no-properties"),
        pytest.param("---\n- tag: foo\n---\n", id="non-mapping-gives-no-properties"),
    ],
)
def test_does_not_flag(vault, text):
    assert check(vault, {"a.md": text}, CODE) == []
