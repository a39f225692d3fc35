"""FM003 duplicate-property (OBSIDIAN.md §7.1, D7, fixture 16).

One error per repeat, at each key after the first.  Positions: the repeated key.
"""

from __future__ import annotations

import pytest
from rules_helpers import check, check_all, messages, run

from vaultlint.model import Severity

CODE = "FM003"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("---\na: 1\na: 2\n---\n", [(3, 1)], id="simple"),
        pytest.param("---\na: 1\nb: 2\na: 3\n---\n", [(4, 1)], id="not-adjacent"),
        pytest.param("---\na: 1\na: 2\na: 3\n---\n", [(3, 1), (4, 1)], id="each-repeat"),
        pytest.param("---\na: 1\nb: 1\na: 2\nb: 2\n---\n", [(4, 1), (5, 1)], id="two-keys"),
        pytest.param("---\ntags: [a]\ntags: [b]\n---\n", [(3, 1)], id="tags"),
        pytest.param("---\na:\n  - x\na: y\n---\n", [(4, 1)], id="after-block-list"),
        pytest.param("---\nmeta:\n  x: 1\n  x: 2\n---\n", [(4, 3)], id="nested-mapping"),
        pytest.param('---\n"a": 1\na: 2\n---\n', [(3, 1)], id="quoted-and-plain"),
        pytest.param('---\n{"a": 1, "a": 2}\n---\n', [(2, 10)], id="json"),
        pytest.param("\ufeff---\na: 1\na: 2\n---\n", [(3, 1)], id="bom-D8"),
        pytest.param("---\r\na: 1\r\na: 2\r\n---\r\n", [(3, 1)], id="crlf"),
    ],
)
def test_flags_each_repeat(vault, text, expected):
    assert [(line, column) for _, line, column, _ in check(vault, {"a.md": text}, CODE)] == expected


def test_is_an_error_naming_the_key(vault):
    [diagnostic] = messages(run(vault({"a.md": "---\nstatus: a\nstatus: b\n---\n"}), select=[CODE]), CODE)
    assert diagnostic.severity is Severity.ERROR
    assert "status" in diagnostic.message


def test_duplicate_is_fm003_not_fm001(vault):
    assert check_all(vault, {"a.md": "---\na: 1\na: 2\n---\n"}) == [("a.md", 3, 1, CODE)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("---\na: 1\nb: 2\n---\n", id="distinct"),
        pytest.param("---\ntitle: 1\nTitle: 2\n---\n", id="different-case-is-a-different-yaml-key"),
        pytest.param("---\na:\n  x: 1\nb:\n  x: 2\n---\n", id="same-key-in-different-maps"),
        pytest.param("---\nitems:\n  - x: 1\n  - x: 2\n---\n", id="same-key-in-list-items"),
        pytest.param("---\na: 1\n---\na: 2\na: 3\n", id="body-text"),
        pytest.param("---\na: 1\n# a: 2\n---\n", id="commented-out"),
        pytest.param("---\na: 1\na: 2\n", id="unclosed-is-FM004"),
    ],
)
def test_does_not_flag(vault, text):
    assert check(vault, {"a.md": text}, CODE) == []
