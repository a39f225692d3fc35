"""Bases (.base, YAML): BS001 invalid-base and BS002 broken-base-reference."""

from __future__ import annotations

import pytest
from rules_helpers import check, check_all, messages, run

# The example of Obsidian's "Bases syntax" help page, whole: it must give nothing
# in a vault that has what it names.
HELP_EXAMPLE = """\
filters:
  or:
    - file.hasTag("tag")
    - and:
        - file.hasTag("book")
        - file.hasLink("Textbook")
    - not:
        - file.hasTag("book")
        - file.inFolder("Required Reading")
formulas:
  formatted_price: 'if(price, price.toFixed(2) + " dollars")'
  ppu: "(price / age).toFixed(2)"
properties:
  status:
    displayName: Status
  formula.formatted_price:
    displayName: "Price"
  file.ext:
    displayName: Extension
summaries:
  customAverage: 'values.mean().round(3)'
views:
  - type: table
    name: "My table"
    limit: 10
    groupBy:
      property: note.age
      direction: DESC
    filters:
      and:
        - 'status != "done"'
        - or:
            - "formula.ppu > 5"
            - "price > 2.1"
    order:
      - file.name
      - file.ext
      - note.age
      - formula.ppu
      - formula.formatted_price
    summaries:
      formula.ppu: Average
"""

VAULT = {
    "Textbook.md": "---\nprice: 3\nage: 2\n---\n",
    "Required Reading/Essay.md": "",
    "Categories/Books.md": "",
}


def test_the_help_pages_example_base_is_valid(vault):
    assert check_all(vault, {**VAULT, "Example.base": HELP_EXAMPLE}) == []


# -- BS001 invalid-base ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "message"),
    [
        ('filters:\n  and:\n    - file.hasTag("a"\n   - x: [\n', (4, 4), "base is not valid YAML"),
        ("views: [\n", (2, 1), "base is not valid YAML"),
        ("- a\n- b\n", (1, 1), "base is not a YAML mapping"),
        ("filter:\n  and: []\nviews: []\n", (1, 1), 'unknown top-level key "filter"'),
        ("views:\n  type: table\n", (2, 3), '"views" is not a list'),
        ("views:\n  - table\n", (2, 5), "a view is not a mapping"),
        ("filters:\n  any:\n    - x\n", (2, 3), 'a filter object holds only "and", "or" or "not"'),
        ("formulas: [a, b]\n", (1, 11), '"formulas" is not a mapping'),
    ],
)
def test_bs001_reports_bases_obsidian_cannot_read(vault, text, position, message):
    report = run(vault({"Table.base": text}), select=["BS001"])
    assert [(d.span.line, d.span.column) for d in report.diagnostics] == [position]
    assert message in report.diagnostics[0].message


@pytest.mark.parametrize(
    "text",
    [
        "",  # a new base: every file, one default view
        "# only a comment\n",
        "views: []\n",
        "filters: 'file.ext == \"md\"'\n",  # a single statement instead of an and/or/not object
        "filters:\nformulas:\nviews:\n",  # empty sections
        # The older "display" section, as real bases from early 2025 still carry.
        "display:\n  file.name: Name\nviews:\n  - type: table\n    name: All\n",
        "\ufeffviews:\n  - type: cards\n",
    ],
)
def test_bs001_accepts_valid_bases(vault, text):
    assert check_all(vault, {"Table.base": text}) == []


# -- BS002 broken-base-reference ----------------------------------------------------------------


def test_bs002_missing_folder_unresolved_link_undefined_formula_unknown_property(vault):
    text = """\
filters:
  and:
    - file.inFolder("Archive")
    - file.hasLink("Nope")
    - categories.contains(link("[[Books|my books]]"))
    - 'link("Lost") != this'
formulas:
  score: rating * 2
  double: formula.score * 2 + formula.missing
views:
  - type: table
    order:
      - file.name
      - price
      - note.owner
      - formula.score
      - formula.urgency
    sort:
      - property: formula.gone
        direction: DESC
    columnSize:
      formula.removed: 120
"""
    report = run(vault({**VAULT, "Table.base": text}), select=["BS002"])
    assert [(d.span.line, d.span.column, d.message) for d in report.diagnostics] == [
        (3, 7, 'no folder "Archive" in the vault'),
        (4, 7, 'link "Nope" resolves to no file'),
        (6, 8, 'link "Lost" resolves to no file'),
        (9, 31, 'formula "missing" is used but never defined'),
        (15, 9, 'no note of the vault has the property "owner"'),
        (17, 9, 'formula "urgency" is used but never defined'),
        (19, 19, 'formula "gone" is used but never defined'),
    ]


def test_bs002_spans_cover_the_call(vault):
    text = 'filters:\n  and:\n    - file.inFolder("Archive")\n'
    [diagnostic] = run(vault({"Table.base": text}), select=["BS002"]).diagnostics
    line = text.split("\n")[2]
    assert line[diagnostic.span.column - 1 : diagnostic.span.end_column - 1] == 'file.inFolder("Archive"'


def test_bs002_accepts_what_exists(vault):
    text = """\
filters:
  or:
    - file.inFolder("Required Reading/")
    - file.inFolder("/")
    - file.inFolder("required reading")
    - file.inFolder("Empty folder")
    - file.hasLink("Textbook")
    - file.hasLink(this)
    - link("https://obsidian.md") == link(file.name)
    - list(categories).contains(link("Books"))
    - file.hasLink("Categories/Books.md")
formulas:
  per_age: price / age
views:
  - type: table
    order:
      - file.name
      - this.file.name
      - PRICE
      - note.age
      - rating
      - formula.per_age
    image: formula.per_age
"""
    root = vault({**VAULT, "Table.base": text, ".obsidian/types.json": '{"types": {"rating": "number"}}'})
    (root / "Empty folder").mkdir()
    assert found_codes(run(root)) == []


def found_codes(report):
    return [(d.path, d.span.line, d.code, d.message) for d in report.diagnostics]


def test_bs002_links_resolve_from_the_bases_folder(vault):
    text = 'filters:\n  and:\n    - file.hasLink("./Sibling")\n'
    assert check(vault, {"Bases/Sibling.md": "", "Bases/Table.base": text}, "BS002") == []
    assert check(vault, {"Other/Table.base": text}, "BS002") == [("Other/Table.base", 3, 7, "BS002")]


def test_bs002_hint_names_a_close_note(vault):
    text = 'filters:\n  and:\n    - file.hasLink("Textbok")\n'
    [diagnostic] = messages(run(vault({**VAULT, "Table.base": text}), select=["BS002"]))
    assert diagnostic.hint == 'did you mean "Textbook"?'


def test_bases_in_template_folders_are_not_checked_by_default(vault):
    files = {
        ".obsidian/templates.json": '{"folder": "Templates"}',
        "Templates/Table.base": "views:\n  - type: table\n    order:\n      - nobody_has_this\n",
    }
    assert check_all(vault, files) == []
    assert check_all(vault, files, lint_templates=True) == [("Templates/Table.base", 4, 9, "BS002")]
