"""The first-``]]`` rule of wikilinks (OBSIDIAN.md §1.1, observed in the app: §12a).

From ``[[`` the rest of the line is searched for the first ``]]``; a single ``]``
does not end the link, it is part of the target.  The app resolves
``[[Sq]uare]]`` to ``Sq]uare.md``.  These tests fail if a single ``]`` ends a
wikilink (or stops one from being a link) in ``syntax/wikilinks.py``.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import found, messages, run, write_vault

from vaultlint.syntax.note import parse_note


def wikilinks(text: str) -> list[tuple[str, int, int, int]]:
    """(target, line, first column, end column) of each wikilink or embed in ``text``."""
    return [(l.path + l.subpath, l.span.line, l.span.column, l.span.end_column) for l in parse_note("n.md", text).links]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("[[a]b]]", [("a]b", 1, 1, 8)], id="single-bracket-inside"),
        pytest.param("[[Sq]uare]]", [("Sq]uare", 1, 1, 12)], id="app-fixture-Sq]uare"),
        pytest.param("x ![[a]b]] y", [("a]b", 1, 3, 11)], id="embed"),
        pytest.param("[[a]b]c]]", [("a]b]c", 1, 1, 10)], id="two-single-brackets"),
        pytest.param("[[a]b|alias]]", [("a]b", 1, 1, 14)], id="with-alias"),
        pytest.param("[[a]b#H]]", [("a]b#H", 1, 1, 10)], id="with-heading"),
        pytest.param("[[a]]b]]", [("a", 1, 1, 6)], id="first-double-bracket-ends-it"),
        pytest.param("[[a]]]", [("a", 1, 1, 6)], id="triple-bracket"),
        pytest.param("[[a]", [], id="single-bracket-only"),
        pytest.param("[[a] b", [], id="single-bracket-then-text"),
        pytest.param("[[a]\n]]", [], id="double-bracket-on-the-next-line"),
        pytest.param("text [[a] b]]", [("a] b", 1, 6, 14)], id="double-bracket-at-line-end"),
        pytest.param("[[a] b]]\nmore", [("a] b", 1, 1, 9)], id="double-bracket-at-line-end-then-a-line"),
        pytest.param("[[a]] [[b]c]]", [("a", 1, 1, 6), ("b]c", 1, 7, 14)], id="two-links"),
    ],
)
def test_only_a_double_bracket_ends_a_wikilink(text, expected):
    assert wikilinks(text + "\n") == expected


def test_a_single_bracket_target_reaches_its_file(vault):
    files = {"a]b.md": "", "Sq]uare.md": "", "x.md": "[[a]b]]\n[[Sq]uare]]\n![[Sq]uare]]\n"}
    assert found(run(vault(files))) == []


def test_a_single_bracket_is_part_of_the_name_looked_up(vault):
    # With only "Sq.md" and "a.md" present, stopping at the first "]" would reach them.
    files = {"a.md": "", "Sq.md": "", "x.md": "[[a]b]]\n[[Sq]uare]]\n"}
    report = run(vault(files), select=["LK001"])
    assert found(report) == [("x.md", 1, 1, "LK001"), ("x.md", 2, 1, "LK001")]
    assert [d.message for d in messages(report)] == ['unresolved link "a]b"', 'unresolved link "Sq]uare"']


def test_the_cli_follows_the_app_on_the_square_bracket_fixture(tmp_path):
    """OBSIDIAN.md §12a, as a user meets it: ``[[Sq]uare#…]]`` reaches ``Sq]uare.md`` and its headings."""
    text = "[[Sq]uare#S]] and [[Sq]uare]]b]]\n[[Sq]uare#Missing]]\n"
    root = write_vault(tmp_path / "v", {"Sq]uare.md": "# S", "n.md": text})
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "vaultlint",
            "check",
            "--offline",
            "--no-cache",
            "--output-format",
            "concise",
            "-q",
            ".",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=root,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stdout.splitlines() == ['n.md:2:1: LK003 no heading "Missing" in "Sq]uare.md"']
