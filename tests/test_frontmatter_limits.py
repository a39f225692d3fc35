"""Hostile frontmatter (issue 8): alias bombs, huge numbers, huge flat blocks.

Each case is linear in the size of the note: an alias bomb is an FM001 found
without expanding it, a number of any length is a number, and a flat list of
any length is a list.  The time bounds are at least ten times what the cases
take on an idle machine.
"""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from helpers import found, messages, run

from vaultlint.syntax.frontmatter import Yaml12FastLoader
from vaultlint.syntax.note import parse_note
from vaultlint.syntax.yaml_aliases import MAX_ALIAS_EXPANSION


def laughs(levels: int, key: str = "tags") -> str:
    """Billion laughs: each level is a list of nine aliases of the level before; the last is ``key``."""
    names = [chr(ord("a") + level) for level in range(levels)]
    lines = [f"{names[0]}: &{names[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip(names, names[1:-1]):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    lines.append(f"{key}: [{', '.join([f'*{names[-2]}'] * 9)}]")
    return "---\n" + "\n".join(lines) + "\n---\n# Body\n"


def timed_parse(text: str) -> tuple[float, object]:
    start = time.perf_counter()
    note = parse_note("n.md", text)
    return time.perf_counter() - start, note


def fm001(note) -> list[tuple[int, str]]:
    return [(p.span.line, p.message) for p in note.frontmatter.problems if p.code == "FM001"]


# -- alias bombs --------------------------------------------------------------------


def test_the_400_byte_bomb_into_tags_is_fm001_at_once(vault):
    # The reproduction: 9 levels of 9 aliases flowing into tags grew past 1.8 GB and never ended.
    text = laughs(9)
    assert len(text.encode()) < 450
    result = subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--offline", "--no-cache", "--output-format", "concise", "."],
        cwd=vault({"bomb.md": text, "Parent.md": ""}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    [line] = [line for line in result.stdout.splitlines() if "FM001" in line]
    # Obsidian's reader stops at the first alias of the third level (4 aliases x 9 x 9 > 100).
    assert line.startswith("bomb.md:4:4: FM001 alias bomb: aliases repeat the value at line 4 too often")
    assert "excessive alias count" in line
    assert "FM010" not in result.stdout  # no properties, so nothing else is reported on them


def test_bomb_parse_is_fast_and_gives_no_properties():
    seconds, note = timed_parse(laughs(12))
    assert seconds < 1.0  # about a millisecond
    assert fm001(note) and note.frontmatter.properties == () and note.links == ()


def test_a_few_aliases_still_work(vault):
    text = (
        "---\n"
        "base: &base [project, draft]\n"
        "tags: *base\n"
        "owner: &owner '[[Alice]]'\n"
        "reviewer: *owner\n"
        "nested:\n  list: *base\n"
        "---\n"
    )
    note = parse_note("n.md", text)
    assert note.frontmatter.problems == ()
    assert note.frontmatter.get("tags").value == ["project", "draft"]
    assert [(link.path, link.property_key) for link in note.links] == [("Alice", "owner")]
    report = run(vault({"n.md": text, "Alice.md": ""}))
    assert found(report) == []


def test_obsidians_alias_count_boundary():
    # The yaml package counts 1 + the uses of an anchor; a scalar anchor may be used 99 times.
    def note_with(uses: int):
        refs = "\n".join(f"r{i}: *x" for i in range(uses))
        return parse_note("n.md", f"---\nv: &x 1\n{refs}\n---\n")

    assert fm001(note_with(99)) == []
    assert len(note_with(99).frontmatter.properties) == 100
    [(line, message)] = fm001(note_with(100))
    assert line == 2 and message.startswith("alias bomb: aliases repeat the value at line 2 too often")


def test_nested_aliases_count_like_obsidian():
    # *b holds 9 uses of *a, so b may be used 100 / (1 + 9) - 1 = 9 times ... but not 10.
    def note_with(uses: int):
        refs = ", ".join(["*b"] * uses)
        return parse_note("n.md", f"---\na: &a x\nb: &b [{', '.join(['*a'] * 9)}]\nc: [{refs}]\n---\n")

    assert fm001(note_with(9)) == []
    assert [line for line, _ in fm001(note_with(10))] == [3]


def test_a_block_obsidian_accepts_but_expands_too_far_is_refused():
    # 99 uses of an anchor of 1100 scalars: within Obsidian's count, 108,900 values added.
    items = ", ".join(["v"] * 1100)
    uses = "\n".join(f"u{i}: *big" for i in range(99))
    seconds, note = timed_parse(f"---\nbig: &big [{items}]\n{uses}\n---\n")
    assert seconds < 5.0
    [(line, message)] = fm001(note)
    assert (line, message) == (2, f"alias bomb: aliases expand it by more than {MAX_ALIAS_EXPANSION:,} values")


def test_a_recursive_alias_is_fm001():
    note = parse_note("n.md", "---\nloop: &l [a, *l]\n---\n")
    [(line, message)] = fm001(note)
    assert line == 2 and "endless structure" in message


def test_a_repeated_anchor_name_means_the_latest_one():
    # YAML 1.2: an alias refers to the most recent node with the anchor; PyYAML alone would refuse it.
    note = parse_note("n.md", "---\na: &x one\nb: *x\nc: &x two\nd: *x\n---\n")
    assert note.frontmatter.problems == ()
    assert [p.value for p in note.frontmatter.properties] == ["one", "one", "two", "two"]


# -- numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        pytest.param("1" * 100_000, float("inf"), id="100k-digits"),
        pytest.param("-" + "9" * 5000, float("-inf"), id="negative-5k-digits"),
        pytest.param("0" * 9000 + "42", 42, id="leading-zeros"),
        pytest.param("0x" + "f" * 20_000, float("inf"), id="huge-hex"),
        pytest.param("0o" + "7" * 20_000, float("inf"), id="huge-octal"),
        pytest.param("9" * 4000, int("9" * 4000), id="4000-digits-stay-exact"),
        pytest.param("1" + "0" * 100_000 + ".5", float("inf"), id="huge-float"),
    ],
)
def test_a_number_of_any_length_is_a_number(written, value):
    # Python refuses int() past 4300 digits; YAML 1.2 says this is an int, and Obsidian
    # (JavaScript doubles) holds Infinity for it.
    seconds, note = timed_parse(f"---\nn: {written}\n---\n")
    assert note.frontmatter.problems == ()
    assert note.frontmatter.get("n").value == value
    assert seconds < 2.0


def test_a_huge_number_in_tags_is_reported_shortly(vault):
    report = run(vault({"n.md": f"---\ntags: [{'1' * 100_000}, ok]\n---\n"}))
    [diagnostic] = messages(report)
    assert diagnostic.code == "FM010"
    assert diagnostic.message == f'tag "{"1" * 79}…" is a number, which Obsidian drops'  # as written, cut short


def test_a_long_value_is_cut_short_in_messages(vault):
    report = run(vault({"n.md": f"---\ntags:\n  - [{', '.join(['x'] * 5000)}]\n---\n"}))
    [diagnostic] = messages(report)
    assert diagnostic.code == "FM010" and len(diagnostic.message) < 150 and "…" in diagnostic.message


# -- size -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "block",
    [
        pytest.param("tags:\n" + "  - t\n" * 110_000, id="block-list"),
        pytest.param("tags: [" + "t, " * 110_000 + "t]\n", id="flow-list"),
        pytest.param("".join(f"k{i}: v\n" for i in range(55_000)), id="many-keys"),
    ],
)
def test_a_big_flat_block_is_read_in_linear_time(block):
    # The reproduction: a flat list in a 9 MB block was "too deeply nested" after 62 s
    # (a node limit of 100,000, then a second, pure-Python parse).
    seconds, note = timed_parse(f"---\n{block}---\n")
    assert note.frontmatter.problems == ()
    props = note.frontmatter.properties
    assert len(props) == 55_000 or len(props[0].items) in (110_000, 110_001)
    assert seconds < 20.0  # 1-2 s


@pytest.mark.skipif(not Yaml12FastLoader.__name__.endswith("FastLoader"), reason="PyYAML without libyaml")
def test_a_syntax_error_at_the_end_of_a_big_block_is_not_parsed_twice():
    # A small block libyaml rejects is read again by PyYAML, whose message and position
    # are better; a big one is not (ten times the time): libyaml's message stays.
    small = parse_note("n.md", "---\ntags:\n  - t\nbad: a: b\n---\n")
    assert fm001(small) == [(4, "invalid YAML: mapping values are not allowed here")]
    block = "tags:\n" + "  - t\n" * 100_000 + "bad: a: b\n"
    seconds, note = timed_parse(f"---\n{block}---\n")
    assert fm001(note) == [(100_003, "invalid YAML: mapping values are not allowed in this context")]
    assert seconds < 10.0  # about 1 s


def test_long_keys_nested_deep_stay_linear():
    # Key paths were built for every node by joining all keys above it: quadratic.
    block = "".join("  " * depth + "k" * 1000 + f"{depth}:\n" for depth in range(200))
    block += "".join("  " * 200 + f"leaf{i}: '[[x]]'\n" for i in range(20_000))
    seconds, note = timed_parse(f"---\n{block}---\n")
    assert note.frontmatter.problems == ()
    assert len(note.links) == 20_000
    assert all(len(link.property_key) <= 201 for link in note.links)
    assert seconds < 10.0


# -- found by the fuzzing harness ------------------------------------------------------


def test_nel_and_line_separators_do_not_shift_positions():
    # YAML parsers count NEL, U+2028 and U+2029 as line breaks; the file's lines break at LF only.
    note = parse_note("n.md", '---\na: "x\x85y\u2028z\u2029"\nb: 1\nb: "[[N]]"\nc: [[M]]\n---\n')
    assert [(p.code, p.span.line, p.span.column) for p in note.frontmatter.problems] == [
        ("FM003", 4, 1),
        ("FM006", 5, 4),
    ]
    assert [(link.path, link.span.line, link.span.column) for link in note.links] == [("N", 4, 4)]


@pytest.mark.parametrize("character", ["\x1b", "\x7f", "\x00", "\ufffe"])
def test_a_control_character_is_fm001_not_a_crash(character):
    # PyYAML's reader raised ReaderError outside the error handling: an internal error.
    note = parse_note("n.md", f"---\ntitle: ok\nd: a{character}b\n---\n")
    assert fm001(note) == [(3, f"invalid YAML: the character U+{ord(character):04X} is not allowed in YAML")]
    assert note.frontmatter.problems[0].span.column == 5


def test_an_error_at_the_end_of_a_line_stays_inside_the_line():
    note = parse_note("n.md", "---\na: >-\n  folded\nb: 'open\n---\n")
    [problem] = note.frontmatter.problems
    lines = "---\na: >-\n  folded\nb: 'open\n".split("\n")
    assert problem.span.end_column <= len(lines[problem.span.end_line - 1]) + 1


@pytest.mark.parametrize(("written", "shown"), [("0x1F", "0x1F"), ("1e3", "1e3"), ("2024", "2024")])
def test_a_numeric_tag_is_shown_as_written(vault, written, shown):
    [diagnostic] = messages(run(vault({"n.md": f"---\ntags: [{written}]\n---\n"}), select=["FM010"]))
    assert diagnostic.message.startswith(f'tag "{shown}" is ')
