"""Inline suppression directives, in both comment forms, and VL002/VL003."""

from __future__ import annotations

import pytest
from helpers import found, messages, run

from vaultlint.cli import main


def lint(vault, text: str, **options):
    return found(run(vault({"a.md": text}), select=["LK001", "LK006", "VL"], **options))


@pytest.mark.parametrize(
    "text",
    [
        "%% vaultlint-disable-next-line LK001 %%\n[[missing]]\n",
        "<!-- vaultlint-disable-next-line LK001 -->\n[[missing]]\n",
        "<!-- vaultlint-disable-next-line unresolved-link -->\n[[missing]]\n",
        "<!-- vaultlint-disable-next-line LK -->\n[[missing]]\n",
        "<!-- vaultlint-disable-next-line -->\n[[missing]]\n",
        "[[missing]] %% vaultlint-disable-line LK001 %%\n",
        "[[missing]] <!-- vaultlint-disable-line LK001,LK006 --> [[ ]]\n",
        "%% vaultlint-disable-file %%\n\n[[missing]]\n",
        "%%\nvaultlint-disable-file LK001\n%%\n[[missing]]\n",
        "text\n\n<!-- vaultlint-disable LK001 -->\n\n[[missing]]\n\n[[other]]\n",
    ],
)
def test_directives_suppress(vault, text):
    assert lint(vault, text) == []


def test_disable_enable_range(vault):
    text = "[[x1]]\n%% vaultlint-disable LK001 %%\n[[x2]]\n[[x3]]\n%% vaultlint-enable LK001 %%\n[[x4]]\n"
    assert lint(vault, text) == [("a.md", 1, 1, "LK001"), ("a.md", 6, 1, "LK001")]


def test_only_the_named_code_is_suppressed(vault):
    assert lint(vault, "%% vaultlint-disable-next-line LK006 %%\n[[missing]] [[ ]]\n") == [("a.md", 2, 1, "LK001")]


def test_next_line_means_only_the_next_line(vault):
    assert lint(vault, "%% vaultlint-disable-next-line LK001 %%\n[[x1]]\n[[x2]]\n") == [("a.md", 3, 1, "LK001")]


def test_unused_suppression_is_vl002(vault):
    assert lint(vault, "%% vaultlint-disable-next-line LK001 %%\nfine\n") == [("a.md", 1, 1, "VL002")]


def test_unknown_code_in_suppression_is_vl003(vault):
    report = run(vault({"a.md": "[[m]] <!-- vaultlint-disable-line LK001 LK999 -->\n"}), select=["LK001", "VL"])
    assert [(d.code, d.severity.value, d.message) for d in report.diagnostics] == [
        ("VL003", "error", 'unknown rule "LK999" in suppression comment (it suppresses nothing)'),
    ]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("[[missing]] %% vaultlint-disable-line LK00l %%\n", 'did you mean "LK001"?'),
        ("%% vaultlint-disable-next-line unresolved-links %%\n[[missing]]\n", 'did you mean "unresolved-link"?'),
        ("%% vaultlint-disable-file unresolved-links %%\n\n[[missing]]\n", 'did you mean "unresolved-link"?'),
        ("%% vaultlint-disable LK00l %%\n\n[[missing]]\n", 'did you mean "LK001"?'),
        ("%% vaultlint-disable-file XYZZY %%\n\n[[missing]]\n", None),
    ],
    ids=["line", "next-line-name", "file-name", "range", "no-guess"],
)
def test_a_typo_in_a_suppression_suppresses_nothing_and_fails(vault, text, hint):
    """Reproduction of issue 8: the typo used to widen into "every rule" and the run passed."""
    root = vault({"a.md": text})
    report = run(root, select=["LK001", "VL"])
    assert sorted(d.code for d in report.diagnostics) == ["LK001", "VL003"]
    vl003 = messages(report, "VL003")[0]
    assert vl003.severity.value == "error" and vl003.hint == hint
    assert main(["check", "--offline", "--no-cache", "-q", str(root)]) == 1


def test_an_enable_with_a_typo_closes_nothing(vault):
    text = "%% vaultlint-disable LK001 %%\n[[x1]]\n%% vaultlint-enable LK00l %%\n[[x2]]\n"
    assert lint(vault, text) == [("a.md", 3, 1, "VL003")]


def test_a_directive_for_a_disabled_rule_is_not_unused(vault):
    assert lint(vault, "%% vaultlint-disable-next-line LK005 %%\nfine\n") == []


def test_directives_in_code_are_text(vault):
    assert lint(vault, "```\n%% vaultlint-disable-file %%\n```\n[[missing]]\n") == [("a.md", 4, 1, "LK001")]


def test_comment_links_stay_quiet_but_directives_in_comments_work(vault):
    text = "%% [[hidden]] vaultlint-disable-next-line LK001 %%\n[[missing]]\n"
    assert lint(vault, text) == []
    assert lint(vault, text, check_comments=True) == [("a.md", 1, 4, "LK001")]
