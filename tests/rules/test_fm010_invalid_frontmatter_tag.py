"""FM010 invalid-frontmatter-tag (OBSIDIAN.md §7.1, §7.2, §7.5, D4, D11, fixtures 16-17).

A ``tags`` entry with whitespace, only digits (a YAML number included), or a
character that ends an inline tag; ``tags: #foo`` (a YAML comment, so null); a
comma- or space-separated ``tags`` string, or a comma-separated ``aliases``
string (one FM010 "use a YAML list").  Position: the item, the value, or (for
``tags: #foo``) the key.
"""

from __future__ import annotations

import pytest
from rules_helpers import check, check_all, messages, run

from vaultlint.model import Severity

CODE = "FM010"


def fm010(vault, frontmatter, **options):
    files = {"a.md": f"---\n{frontmatter}\n---\n"}
    return [(line, column) for _, line, column, _ in check(vault, files, CODE, **options)]


@pytest.mark.parametrize(
    ("frontmatter", "expected"),
    [
        pytest.param("tags: #foo", [(2, 1)], id="hash-is-a-yaml-comment"),
        pytest.param("tags: #foo #bar", [(2, 1)], id="hashes-are-a-yaml-comment"),
        pytest.param("Tags: #foo", [(2, 1)], id="key-case-insensitive-comment"),
        pytest.param("tags: [2024]", [(2, 8)], id="flow-number"),
        pytest.param(
            "tags: 2024",
            [(2, 7)],
            id="scalar-number",
        ),
        pytest.param('tags: ["2024"]', [(2, 8)], id="quoted-digits"),
        pytest.param('tags: ["#1984"]', [(2, 8)], id="hash-then-digits"),
        pytest.param("tags: [my project]", [(2, 8)], id="space"),
        pytest.param("tags: [a.b]", [(2, 8)], id="dot-ends-a-tag"),
        pytest.param("tags: [a&b]", [(2, 8)], id="ampersand-ends-a-tag"),
        pytest.param('tags: ["a#b"]', [(2, 8)], id="inner-hash-ends-a-tag"),
        pytest.param('tags: ["a\'b"]', [(2, 8)], id="apostrophe-ends-a-tag"),
        pytest.param("tags: [a\u2014b]", [(2, 8)], id="general-punctuation-em-dash"),
        pytest.param("tags: [a\u2e18b]", [(2, 8)], id="supplemental-punctuation"),
        pytest.param("tags: [ok, 2024, also ok]", [(2, 12), (2, 18)], id="only-the-bad-items"),
        pytest.param("tags:\n  - fine\n  - 2024", [(4, 5)], id="block-list-item"),
        pytest.param("Tags: [2024]", [(2, 8)], id="key-case-insensitive"),
        pytest.param("TAGS:\n  - my project", [(3, 5)], id="key-upper-case"),
        pytest.param("tags: a, b", [(2, 7)], id="D4-comma-separated"),
        pytest.param("tags: a b", [(2, 7)], id="D4-space-separated"),
        pytest.param("tags: a, b c, 2024", [(2, 7)], id="D4-one-diagnostic-whatever-the-pieces"),
        pytest.param('tags: "a, b"', [(2, 7)], id="D4-quoted-comma-separated"),
        pytest.param("aliases: A, B", [(2, 10)], id="D4-aliases-comma-separated"),
    ],
)
def test_flags(vault, frontmatter, expected):
    assert fm010(vault, frontmatter) == expected


def test_is_a_warning(vault):
    [diagnostic] = messages(run(vault({"a.md": "---\ntags: [2024]\n---\n"}), select=[CODE]), CODE)
    assert diagnostic.severity is Severity.WARNING


def test_separated_string_says_use_a_yaml_list(vault):
    [diagnostic] = messages(run(vault({"a.md": "---\ntags: a, b\n---\n"}), select=[CODE]), CODE)
    assert "YAML list" in f"{diagnostic.message} {diagnostic.hint}"


@pytest.mark.parametrize(
    "frontmatter",
    [
        pytest.param("tags: [x]", id="simple"),
        pytest.param("tags: foo", id="single-string"),
        pytest.param('tags: ["#x"]', id="quoted-leading-hash"),
        pytest.param('tags: "#x"', id="quoted-scalar-leading-hash"),
        pytest.param("tags:\n  - a\n  - b", id="block-list"),
        pytest.param("tags: [y1984, 1_2, 1-2, a_b, a-b]", id="digits-with-other-characters"),
        pytest.param("tags: [Parent/Child, a/b/c]", id="nested-tags"),
        pytest.param("tags: [café, 日本語, 😀]", id="unicode-and-emoji"),
        pytest.param("tags: []", id="empty-list"),
        pytest.param("tags:", id="empty-value"),
        pytest.param("tags: ''", id="empty-string"),
        pytest.param("tags: [a, '', b]", id="empty-entry-is-dropped"),
        pytest.param("tags: [ x ]", id="trimmed"),
        pytest.param("aliases: File formats", id="D4-alias-with-spaces"),
        pytest.param("aliases: [How to/Internal link, A B]", id="aliases-with-slash-and-space"),
        pytest.param("aliases:\n  - one, two", id="comma-inside-a-list-item-alias"),
        pytest.param("aliases: [2024]", id="aliases-are-not-tags"),
        pytest.param("tag: [2024]", id="singular-key-is-FM005"),
        pytest.param("keywords: [2024, my project]", id="other-key"),
        pytest.param("meta:\n  tags: [2024]", id="nested-tags-key"),
    ],
)
def test_does_not_flag(vault, frontmatter):
    assert fm010(vault, frontmatter) == []


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("---\ntitle: x\n---\n#1984 and #my project", id="inline-tags-in-body"),
        pytest.param("---\ntags: [2024]\n", id="unclosed-frontmatter"),
        pytest.param("---\ntags: [2024]\nx: a: b\n---\n", id="invalid-yaml"),
        pytest.param("---\n- tags: [2024]\n---\n", id="non-mapping"),
        pytest.param("--- \ntags: [2024]\n---\n", id="not-frontmatter"),
    ],
)
def test_only_real_frontmatter_is_checked(vault, text):
    assert check(vault, {"a.md": text}, CODE) == []


def test_fixture_17_frontmatter(vault):
    files = {"a.md": "---\ntags: [2024]\n---\n", "b.md": '---\ntags: ["#x"]\n---\n'}
    assert check_all(vault, files) == [("a.md", 2, 8, CODE)]
