"""LK008 duplicate-block-id (OBSIDIAN.md §5).

One warning per repeat, at each definition after the first (case-insensitive).
Ids inside ``%%`` comments never count.  Positions: the ``^`` of the repeated id.
"""

from __future__ import annotations

import pytest
from rules_helpers import check, messages, run

from vaultlint.model import Severity

CODE = "LK008"


def lk008(vault, text, **options):
    return check(vault, {"pic.png": b"\x89PNG", "a.md": text}, CODE, **options)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("First ^key\n\nSecond ^key", [(3, 8)], id="two-paragraphs"),
        pytest.param("First ^key\n\nSecond ^KEY", [(3, 8)], id="case-insensitive"),
        pytest.param("A ^x\n\nB ^x\n\nC ^x", [(3, 3), (5, 3)], id="each-repeat"),
        pytest.param("- a ^x\n- b ^x", [(2, 5)], id="list-items"),
        pytest.param("- a ^x\n\t- b ^x", [(2, 6)], id="nested-list-tab"),
        pytest.param("Para ^x\n\n- a\n- b\n\n^x", [(6, 1)], id="standalone"),
        pytest.param("## Head ^x\n\ntext ^x", [(3, 6)], id="heading-then-paragraph"),
        pytest.param("![[pic.png]]^x\n\ntext ^x", [(3, 6)], id="after-embed"),
        pytest.param("> [!note]\n> a ^x\n\nb ^x", [(4, 3)], id="callout"),
        pytest.param("| a |\n|---|\n| b ^x |\n\nc ^x", [(5, 3)], id="table"),
        pytest.param("Para\n^x\n\nMore\n^x", [(5, 1)], id="lazy-continuation-lines"),
        pytest.param("---\ntitle: t\n---\nA ^x\n\nB ^x", [(6, 3)], id="after-frontmatter"),
        pytest.param("%% ^x %%\n\nA ^x\n\nB ^x", [(5, 3)], id="comment-id-is-not-the-first"),
    ],
)
def test_flags_repeats(vault, text, expected):
    assert [(line, column) for _, line, column, _ in lk008(vault, text)] == expected


def test_is_a_warning_naming_the_id(vault):
    [diagnostic] = messages(run(vault({"a.md": "A ^dup\n\nB ^dup"}), select=[CODE]), CODE)
    assert diagnostic.severity is Severity.WARNING
    assert "dup" in diagnostic.message


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("A ^x\n\nB ^y", id="different-ids"),
        pytest.param("A ^x-1\n\nB ^x1", id="similar-ids"),
        pytest.param("A ^x\n\nB^x", id="glued-is-not-an-id"),
        pytest.param("A ^x_1\n\nB ^x_1", id="underscore-is-not-an-id"),
        pytest.param("A ^x more\n\nB ^x more", id="not-at-end"),
        pytest.param("A ^x\ncontinued\n\nB ^x", id="line-end-but-not-end-of-paragraph"),
        pytest.param("A ^x\n\n`B ^x`", id="inline-code"),
        pytest.param("A ^x\n\n```\nB ^x\n```", id="fenced-code"),
        pytest.param("A ^x\n\n    B ^x", id="indented-code"),
        pytest.param("A ^x\n\n$$\nB ^x\n$$", id="math-block"),
        pytest.param("---\nt: B ^x\n---\nA ^x", id="frontmatter"),
        pytest.param("A ^x\n\n<!-- B ^x -->", id="html-comment"),
        pytest.param("A ^x\n\n%% B ^x %%", id="obsidian-comment"),
        pytest.param("A ^x\n\n%%\nB ^x\n%%", id="block-comment"),
        pytest.param("%% ^x %%\n\n%% ^x %%", id="both-in-comments"),
    ],
)
def test_does_not_flag(vault, text):
    assert lk008(vault, text) == []


def test_comment_ids_never_count_even_with_check_comments(vault):
    assert lk008(vault, "A ^x\n\n%% B ^x %%", check_comments=True) == []


def test_same_id_in_different_notes_is_fine(vault):
    assert check(vault, {"a.md": "A ^x", "b.md": "B ^x"}, CODE) == []
