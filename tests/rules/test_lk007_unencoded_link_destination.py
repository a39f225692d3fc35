"""LK007 unencoded-link-destination (OBSIDIAN.md §3 "Raw spaces", D2).

``[a](My Note.md)`` is not a link under CommonMark: never LK001, always LK007
(warning); when the destination resolves, the hint names the target.
Positions: the ``[`` of the would-be link.
"""

from __future__ import annotations

import pytest
from rules_helpers import check, check_all, messages, run

from vaultlint.model import Severity

CODE = "LK007"


def lk007(vault, text, **options):
    return check(vault, {"My Note.md": "# Part", "a.md": text}, CODE, **options)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param("[a](My Note.md)", 1, 1, id="resolving"),
        pytest.param("[a](Missing Note.md)", 1, 1, id="not-resolving"),
        pytest.param("See [a](My Note.md) now", 1, 5, id="mid-line"),
        pytest.param("[a](My Note)", 1, 1, id="without-extension"),
        pytest.param("[a](My Note.md#Part)", 1, 1, id="with-heading"),
        pytest.param("[a](sub/My Note.md)", 1, 1, id="with-folder"),
        pytest.param("- [a](My Note.md)", 1, 3, id="list-item"),
        pytest.param("- a\n\t- [a](My Note.md)", 2, 4, id="nested-list-tab"),
        pytest.param("> [a](My Note.md)", 1, 3, id="blockquote"),
        pytest.param("> [!note] T\n> x [a](My Note.md)", 2, 5, id="callout"),
        pytest.param("| a | b |\n|---|---|\n| x | [a](My Note.md) |", 3, 7, id="table"),
        pytest.param("Text[^1]\n\n[^1]: [a](My Note.md)", 3, 7, id="footnote"),
        pytest.param("## [a](My Note.md)", 1, 4, id="heading"),
    ],
)
def test_flags_raw_space_destination(vault, text, line, column):
    assert lk007(vault, text) == [("a.md", line, column, CODE)]


def test_is_warning_and_hint_names_resolved_target(vault):
    [diagnostic] = messages(run(vault({"My Note.md": "", "a.md": "[a](My Note.md)"}), select=[CODE]), CODE)
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.hint is not None and "My Note.md" in diagnostic.hint


def test_hint_names_target_reached_by_resolution(vault):
    # The destination is read as a link path (§2.1), so it can reach a note in another folder.
    [diagnostic] = messages(run(vault({"deep/My Note.md": "", "a.md": "[a](My Note.md)"}), select=[CODE]), CODE)
    assert diagnostic.hint is not None and "deep/My Note.md" in diagnostic.hint


def test_never_lk001_even_when_unresolved(vault):
    assert check_all(vault, {"a.md": "[a](Missing Note.md)"}) == [("a.md", 1, 1, CODE)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[a](<My Note.md>)", id="angle-brackets"),
        pytest.param("[a](My%20Note.md)", id="percent-encoded"),
        pytest.param('[a](Note.md "a title")', id="title-is-not-a-raw-space"),
        pytest.param("[a](Note.md)", id="no-space"),
        pytest.param("[[My Note]]", id="wikilink"),
        pytest.param("`[a](My Note.md)`", id="inline-code"),
        pytest.param("```\n[a](My Note.md)\n```", id="fenced-code"),
        pytest.param("para\n\n    [a](My Note.md)", id="indented-code"),
        pytest.param("$[a](My Note.md)$", id="inline-math"),
        pytest.param("$$\n[a](My Note.md)\n$$", id="math-block"),
        pytest.param("<!-- [a](My Note.md) -->", id="html-comment"),
        pytest.param("<div>\n[a](My Note.md)\n</div>", id="html-block"),
        pytest.param("%% [a](My Note.md) %%", id="obsidian-comment-by-default"),
        pytest.param("\\[a](My Note.md)", id="escaped"),
        pytest.param('---\nlink: "[a](My Note.md)"\n---\n', id="frontmatter"),
    ],
)
def test_does_not_flag(vault, text):
    assert lk007(vault, text) == []


def test_comment_reported_with_check_comments(vault):
    assert lk007(vault, "%%\n[a](My Note.md)\n%%", check_comments=True) == [("a.md", 2, 1, CODE)]
