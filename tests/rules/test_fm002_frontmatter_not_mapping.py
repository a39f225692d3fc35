"""FM002 frontmatter-not-mapping (OBSIDIAN.md §7.1, fixture 16).

Frontmatter is kept only when it is a mapping.  A list or a scalar is FM002,
reported at the value (the first line of the YAML); the empty block
``---\\n---`` is neither and is not reported.
"""

from __future__ import annotations

import pytest
from rules_helpers import check, check_all, messages, run

from vaultlint.model import Severity

CODE = "FM002"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param("---\n- a\n- b\n---\n", 2, 1, id="block-list"),
        pytest.param("---\n[a, b]\n---\n", 2, 1, id="flow-list"),
        pytest.param('---\n["a", "b"]\n---\n', 2, 1, id="json-array"),
        pytest.param("---\njust some text\n---\n", 2, 1, id="plain-scalar"),
        pytest.param('---\n"quoted"\n---\n', 2, 1, id="quoted-scalar"),
        pytest.param("---\n42\n---\n", 2, 1, id="number"),
        pytest.param("---\ntrue\n---\n", 2, 1, id="boolean"),
        pytest.param("---\n# comment\n- a\n---\n", 3, 1, id="list-after-comment"),
        pytest.param("\ufeff---\n- a\n---\n", 2, 1, id="bom-D8"),
        pytest.param("---\r\n- a\r\n---\r\n", 2, 1, id="crlf"),
    ],
)
def test_flags_non_mapping(vault, text, line, column):
    assert check(vault, {"a.md": text}, CODE) == [("a.md", line, column, CODE)]


def test_is_an_error(vault):
    [diagnostic] = messages(run(vault({"a.md": "---\n- a\n---\n"}), select=[CODE]), CODE)
    assert diagnostic.severity is Severity.ERROR


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("---\n---\nbody", id="empty-block"),
        pytest.param("---\n\n---\nbody", id="blank-block"),
        pytest.param("---\n# only a comment\n---\n", id="comment-only"),
        pytest.param("---\na: 1\n---\n", id="mapping"),
        pytest.param('---\n{"a": 1}\n---\n', id="json-object"),
        pytest.param("---\na:\n  - x\n---\n", id="mapping-with-list"),
        pytest.param("---\n- a: [\n---\n", id="invalid-is-FM001"),
        pytest.param("--- \n- a\n---\n", id="trailing-space-not-frontmatter"),
        pytest.param("- a\n- b\n", id="body-list"),
        pytest.param("---\n- a\n", id="unclosed-is-FM004"),
    ],
)
def test_does_not_flag(vault, text):
    assert check(vault, {"a.md": text}, CODE) == []


def test_non_mapping_gives_no_properties_or_links(vault):
    # A list frontmatter gives no properties: no FM010, FM005 or property links.
    text = '---\n- tag: x\n- tags: [2024]\n- "[[Missing]]"\n---\n'
    assert check_all(vault, {"a.md": text}) == [("a.md", 2, 1, CODE)]
