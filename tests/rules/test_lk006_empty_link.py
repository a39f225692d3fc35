"""LK006 empty-link (OBSIDIAN.md §1.1, §1.2, D6; DESIGN.md §3).

``[[ ]]`` (only whitespace), ``[[#]]`` and ``[]()`` are reported (warning);
``[[]]`` is plain text and is not.  Positions: the link's ``[``.
"""

from __future__ import annotations

import pytest
from rules_helpers import check, check_all, messages, run

from vaultlint.model import Severity

CODE = "LK006"


def lk006(vault, text, **options):
    return check(vault, {"Note.md": "", "a.md": text}, CODE, **options)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param("[[ ]]", 1, 1, id="space"),
        pytest.param("[[   ]]", 1, 1, id="spaces"),
        pytest.param("[[\t]]", 1, 1, id="tab"),
        pytest.param("[[\u00a0]]", 1, 1, id="no-break-space"),
        pytest.param("See [[ ]] for details.", 1, 5, id="mid-line"),
        pytest.param("[[#]]", 1, 1, id="hash-only"),
        pytest.param("[]()", 1, 1, id="empty-markdown-link"),
        pytest.param("text []() text", 1, 6, id="empty-markdown-link-mid-line"),
        pytest.param("[](#)", 1, 1, id="empty-markdown-link-with-hash"),
        pytest.param("- [[ ]]", 1, 3, id="list-item"),
        pytest.param("- a\n\t- [[ ]]", 2, 4, id="nested-list-tab"),
        pytest.param("> [[ ]]", 1, 3, id="blockquote"),
        pytest.param("> [!note] Title\n> x [[ ]]", 2, 5, id="callout"),
        pytest.param("| a | b |\n|---|---|\n| x | [[ ]] |", 3, 7, id="table"),
        pytest.param("Text[^1]\n\n[^1]: [[ ]]", 3, 7, id="footnote"),
        pytest.param("# Title [[ ]]", 1, 9, id="heading"),
        pytest.param("---\ntitle: x\n---\n\n[[ ]]", 5, 1, id="after-frontmatter"),
    ],
)
def test_flags_empty_link(vault, text, line, column):
    assert lk006(vault, text) == [("a.md", line, column, CODE)]


def test_is_a_warning(vault):
    [diagnostic] = messages(run(vault({"a.md": "[[ ]]"}), select=[CODE]), CODE)
    assert diagnostic.severity is Severity.WARNING


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[[]]", id="empty-brackets-are-text"),
        pytest.param("[[Note|]]", id="empty-alias-is-a-real-link"),
        pytest.param("[[Note]]", id="normal-link"),
        pytest.param("[[#Heading]]", id="self-heading-link"),
        pytest.param("[x](Note.md)", id="normal-markdown-link"),
        pytest.param("![](Note.md)", id="image-with-empty-alt"),
        pytest.param("`[[ ]]`", id="inline-code"),
        pytest.param("`[]()`", id="inline-code-markdown"),
        pytest.param("```\n[[ ]]\n[]()\n```", id="fenced-code"),
        pytest.param("para\n\n    [[ ]]", id="indented-code"),
        pytest.param("$[[ ]]$", id="inline-math"),
        pytest.param("$$\n[[ ]]\n$$", id="math-block"),
        pytest.param("<!-- [[ ]] -->", id="html-comment"),
        pytest.param("<div>\n[[ ]]\n</div>", id="html-block"),
        pytest.param("\\[[ ]]", id="escaped"),
        pytest.param("%% [[ ]] %%", id="obsidian-comment-by-default"),
        pytest.param("```mermaid\ngraph TD\nA[[ ]]\n```", id="mermaid"),
    ],
)
def test_does_not_flag(vault, text):
    assert lk006(vault, text) == []


def test_comment_reported_with_check_comments(vault):
    assert lk006(vault, "%%\n[[ ]]\n%%", check_comments=True) == [("a.md", 2, 1, CODE)]


def test_empty_link_is_lk006_only(vault):
    # Not LK001 (no target) and not LK003 (no heading): only the empty-link warning.
    assert check_all(vault, {"a.md": "[[ ]]\n[[#]]\n[](#)"}) == [
        ("a.md", 1, 1, CODE),
        ("a.md", 2, 1, CODE),
        ("a.md", 3, 1, CODE),
    ]


def test_empty_markdown_link_is_lk006_only(vault):
    assert check_all(vault, {"a.md": "[]()"}) == [("a.md", 1, 1, CODE)]
