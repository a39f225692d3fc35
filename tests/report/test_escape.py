"""report/escape.py: what a vault writes is shown, never obeyed."""

from __future__ import annotations

import unicodedata

import pytest

from vaultlint.report.escape import escape, line_start_safe, quote_diff_path


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text, ümlaut, 日本, emoji 🎉", "plain text, ümlaut, 日本, emoji 🎉"),
        ("a\nb\rc\td", "a\\nb\\rc\\td"),
        ("\x00\x07\x1b]0;title\x07", "\\x00\\x07\\x1b]0;title\\x07"),
        ("del\x7f csi\x9b2J osc\x9d nel\x85", "del\\x7f csi\\x9b2J osc\\x9d nel\\x85"),
        ("line\u2028sep\u2029 rtl\u202eevil\u2066", "line\\u2028sep\\u2029 rtl\\u202eevil\\u2066"),
        ("bad\udcff\udc80name", "bad\\xff\\x80name"),  # os.fsdecode of b"bad\xff\x80name"
        ("lone \ud800", "lone \\ud800"),
        ("x ##[error]boom ##vso[task.setvariable]y ##VSO[z", "x ##\\[error]boom ##vso\\[task.setvariable]y ##VSO\\[z"),
        ("# [not] a ## command", "# [not] a ## command"),
        ("back\\slash stays", "back\\slash stays"),
    ],
)
def test_escape(raw, shown):
    assert escape(raw) == shown


def test_escaped_text_is_valid_utf8_and_one_line():
    every = "".join(chr(c) for c in range(0x00, 0x250)) + "\ud800\udc80\udcff\u2028\u202e"
    shown = escape(every)
    shown.encode("utf-8")  # no lone surrogate left
    assert not [c for c in shown if unicodedata.category(c) in ("Cc", "Cs")]  # no control, no surrogate
    assert "\n" not in shown and "\x1b" not in shown and "\x9b" not in shown


def test_a_path_never_starts_a_line_with_a_workflow_command():
    assert line_start_safe("::error file=a::b.md") == "./::error file=a::b.md"
    assert line_start_safe("notes/a.md") == "notes/a.md"
    assert line_start_safe("x\n::error::y.md") == "x\\n::error::y.md"


@pytest.mark.parametrize(
    ("path", "quoted"),
    [
        ("a/notes/My Note.md", "a/notes/My Note.md"),
        ("a/ümlaut.md", "a/ümlaut.md"),
        ("a/x\n::error::y.md", '"a/x\\n::error::y.md"'),
        ("a/tab\there.md", '"a/tab\\there.md"'),
        ('a/say "hi".md', '"a/say \\"hi\\".md"'),
        ("a/bad\udcff.md", '"a/bad\\377.md"'),
        ("a/esc\x1b.md", '"a/esc\\033.md"'),
        ("a/é\n.md", '"a/\\303\\251\\n.md"'),
        ("a/##[error]x.md", '"a/##\\133error]x.md"'),
    ],
)
def test_diff_paths_are_quoted_the_git_way(path, quoted):
    assert quote_diff_path(path) == quoted


def test_diff_bodies_are_escaped_only_for_a_terminal():
    from pathlib import Path

    from vaultlint.report.diffpaths import relabel_diff

    diff = "--- a/n.md\n+++ b/n.md\n@@ -1,2 +1,2 @@\n-tag: x\n+tags: x\n \t\x1b]0;t\x07 ##[error]x\n"
    root = Path("/v")
    piped = relabel_diff(diff, "n.md", root, root)
    assert piped == diff  # the notes' bytes, so that the diff applies
    shown = relabel_diff(diff, "n.md", root, root, terminal=True)
    assert shown.endswith(" \t\\x1b]0;t\\x07 ##\\[error]x\n") and shown.startswith("--- a/n.md\n+++ b/n.md\n@@")
    assert relabel_diff(diff, "n.md", root, root / "elsewhere").startswith("--- a/n.md\n")


def test_every_character_escape_changes_is_one_str_isprintable_refuses():
    """escape() returns printable text without a "##" as it is, unsearched: that is only right
    if every character its pattern matches is unprintable."""
    import sys

    from vaultlint.report.escape import _UNSAFE

    matched = [chr(c) for c in range(sys.maxunicode + 1) if _UNSAFE.match(chr(c))]
    assert len(matched) > 2000  # the controls, separators, bidi characters and surrogates
    assert [c for c in matched if c.isprintable()] == []
