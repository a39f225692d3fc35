"""FM007 property-type-mismatch (OBSIDIAN.md §7.3 and the YAML 1.2 note at the top).

Types come from ``.obsidian/types.json``; values are read with the YAML 1.2 core
schema and checked on the raw scalar.  Position: the value, or the list item.
"""

from __future__ import annotations

import pytest
from rules_helpers import check, messages, run, types_json

from vaultlint.model import Severity

CODE = "FM007"

TYPES = {
    "due": "date",
    "when": "datetime",
    "count": "number",
    "done": "checkbox",
    "title": "text",
    "topics": "multitext",
}


def fm007(vault, frontmatter, types=TYPES, **options):
    files = {".obsidian/types.json": types_json(types), "a.md": f"---\n{frontmatter}\n---\n"}
    return [(line, column) for _, line, column, _ in check(vault, files, CODE, **options)]


@pytest.mark.parametrize(
    "frontmatter",
    [
        "due: 2020-08-21",
        "due: 2024-02-29",
        'due: "2024-01-31"',
        "due:",
        "when: 2020-08-21T10:30:00",
        "when: 2020-08-21T10:30",
        "when: 2020-08-21 10:30",
        "when: 2020-08-21 10:30:00",
        "count: 3",
        "count: -2",
        "count: 3.5",
        "count: 1e3",
        "count: 0x1F",
        "count: 0o17",
        "count:",
        "done: true",
        "done: false",
        "done: True",
        "done: FALSE",
        "done:",
        "title: anything",
        "topics: [a, b]",
    ],
)
def test_value_fits_its_type(vault, frontmatter):
    assert fm007(vault, frontmatter) == []


@pytest.mark.parametrize(
    ("frontmatter", "column"),
    [
        pytest.param("due: 2024-13-45", 6, id="date-not-a-calendar-date"),
        pytest.param("due: 2023-02-29", 6, id="date-not-a-leap-year"),
        pytest.param("due: 2024-02-30", 6, id="date-february-30"),
        pytest.param("due: tomorrow", 6, id="date-word"),
        pytest.param("due: 21/08/2020", 6, id="date-other-format"),
        pytest.param("due:   2024-13-01", 8, id="date-value-column"),
        pytest.param("when: yesterday", 7, id="datetime-word"),
        pytest.param("when: 2020-08-21T25:00", 7, id="datetime-bad-hour"),
        pytest.param("when: 2020-02-30T10:00", 7, id="datetime-bad-date"),
        pytest.param("count: 1+2", 8, id="number-expression"),
        pytest.param("count: ten", 8, id="number-word"),
        pytest.param("count: 1_000", 8, id="number-yaml-1-1-underscore-is-a-string"),
        pytest.param("done: yes", 7, id="checkbox-yes-is-a-string-in-yaml-1-2"),
        pytest.param("done: no", 7, id="checkbox-no"),
        pytest.param("done: on", 7, id="checkbox-on"),
        pytest.param("done: 1", 7, id="checkbox-number"),
        pytest.param("count: 0b101", 8, id="number-binary-is-a-string-in-yaml-1-2"),
        pytest.param("count: 1,000", 8, id="number-with-comma"),
        pytest.param("due: 20200821", 6, id="date-as-integer"),
    ],
)
def test_value_does_not_fit(vault, frontmatter, column):
    assert fm007(vault, frontmatter) == [(2, column)]


def test_is_an_error_naming_the_property(vault):
    files = {".obsidian/types.json": types_json(TYPES), "a.md": "---\ndue: 2024-13-45\n---\n"}
    [diagnostic] = messages(run(vault(files), select=[CODE]), CODE)
    assert diagnostic.severity is Severity.ERROR
    assert "due" in diagnostic.message


def test_list_item_problem_is_reported_at_the_item(vault):
    assert fm007(vault, "due:\n  - 2024-01-01\n  - 2024-13-01") == [(4, 5)]


def test_each_bad_property_is_reported(vault):
    assert fm007(vault, "due: 2024-13-45\ncount: x\ndone: yes\ntitle: ok") == [(2, 6), (3, 8), (4, 7)]


@pytest.mark.parametrize(
    ("types", "frontmatter"),
    [
        pytest.param({}, "due: 2024-13-45", id="no-types"),
        pytest.param({"other": "date"}, "due: 2024-13-45", id="untyped-key"),
        pytest.param({"tags": "number"}, "tags: [a, b]", id="tags-left-to-FM010"),
        pytest.param({"tags": "multitext"}, "tags: [a, b]", id="tags-as-multitext-tolerated"),
        pytest.param({"tags": "tags"}, "tags: [2024]", id="tags-type"),
        pytest.param({"aliases": "date"}, "aliases: [Foo]", id="aliases-left-to-FM010"),
        pytest.param({"due": "date"}, "meta:\n  due: 2024-13-45", id="nested-key-is-not-the-property"),
    ],
)
def test_does_not_flag(vault, types, frontmatter):
    assert fm007(vault, frontmatter, types=types) == []


def test_no_types_json_at_all(vault):
    assert check(vault, {"a.md": "---\ndue: 2024-13-45\ndone: yes\n---\n"}, CODE) == []


def test_body_text_is_not_checked(vault):
    files = {".obsidian/types.json": types_json(TYPES), "a.md": "---\ntitle: x\n---\ndue: 2024-13-45\n"}
    assert check(vault, files, CODE) == []


def test_invalid_frontmatter_is_not_type_checked(vault):
    files = {".obsidian/types.json": types_json(TYPES), "a.md": "---\ndue: 2024-13-45\nx: a: b\n---\n"}
    assert check(vault, files, CODE) == []


def test_types_are_read_from_the_named_config_folder_D10(vault):
    files = {
        ".config/types.json": types_json({"due": "date"}),
        ".obsidian/types.json": types_json({"count": "number"}),
        "a.md": "---\ndue: 2024-13-45\ncount: x\n---\n",
    }
    assert check(vault, files, CODE, obsidian_dir=".config") == [("a.md", 2, 6, CODE)]
