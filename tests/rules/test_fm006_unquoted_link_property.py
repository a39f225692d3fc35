"""FM006 unquoted-link-property (OBSIDIAN.md §7.4, fixture 15).

``key: [[Note]]`` is a nested YAML list, not a link: FM006 (error), at the value.
It is not a link, so it never gives LK001.
"""

from __future__ import annotations

import pytest
from rules_helpers import check, check_all, messages, run

from vaultlint.model import Severity

CODE = "FM006"


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param("---\nup: [[Parent]]\n---\n", 2, 5, id="top-level"),
        pytest.param("---\nbad: [[C]]\n---\n", 2, 6, id="fixture-15"),
        pytest.param("---\nup: [[Parent|alias]]\n---\n", 2, 5, id="with-alias"),
        pytest.param("---\nup: [[Parent#Heading]]\n---\n", 2, 5, id="with-heading"),
        pytest.param("---\nrelated:\n  - [[A]]\n---\n", 3, 5, id="block-list-item"),
        pytest.param("---\nproject:\n  owner: [[A]]\n---\n", 3, 10, id="nested-mapping"),
        pytest.param("---\ntitle: x\nup:   [[Parent]]\n---\n", 3, 7, id="extra-spaces"),
        pytest.param("\ufeff---\nup: [[Parent]]\n---\n", 2, 5, id="bom-D8"),
    ],
)
def test_flags_unquoted_link(vault, text, line, column):
    assert check(vault, {"Parent.md": "", "a.md": text}, CODE) == [("a.md", line, column, CODE)]


def test_is_an_error_with_a_quoting_hint(vault):
    [diagnostic] = messages(run(vault({"a.md": "---\nup: [[Parent]]\n---\n"}), select=[CODE]), CODE)
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.hint is not None and '"[[Parent]]"' in diagnostic.hint


def test_flags_each_unquoted_link(vault):
    text = '---\nup: [[A]]\nrelated:\n  - [[B]]\n  - "[[C]]"\n  - [[D]]\n---\n'
    assert check(vault, {"a.md": text}, CODE) == [("a.md", 2, 5, CODE), ("a.md", 4, 5, CODE), ("a.md", 6, 5, CODE)]


def test_unquoted_link_is_not_a_link(vault):
    # Not resolved at all: FM006 only, even though "Missing" does not exist.
    assert check_all(vault, {"a.md": "---\nup: [[Missing]]\n---\n"}) == [("a.md", 2, 5, CODE)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('---\nup: "[[Parent]]"\n---\n', id="double-quoted"),
        pytest.param("---\nup: '[[Parent]]'\n---\n", id="single-quoted"),
        pytest.param('---\nrelated:\n  - "[[Parent]]"\n---\n', id="quoted-list-item"),
        pytest.param("---\ntags: [a, b]\n---\n", id="flow-list"),
        pytest.param("---\nx: [a, [b]]\n---\n", id="nested-list-not-starting-with-brackets"),
        pytest.param('---\nmixed: "see [[Parent]]"\n---\n', id="text-with-link"),
        pytest.param("---\ntitle: x\n---\nup: [[Parent]]\n", id="body-line"),
        pytest.param("---\n# up: [[Parent]]\n---\n", id="yaml-comment"),
        pytest.param("---\nup: [[Parent]]\n", id="unclosed-frontmatter-is-body"),
    ],
)
def test_does_not_flag(vault, text):
    assert check(vault, {"Parent.md": "", "a.md": text}, CODE) == []
