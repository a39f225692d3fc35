"""FN001-FN004: file names that break links or checkouts, and vaults inside the vault."""

from __future__ import annotations

import unicodedata

import pytest
from rules_helpers import check, check_all, messages, run


@pytest.mark.parametrize("name", ["C# notes.md", "a|b.pdf", "Draft [[old]].md", "a]]b.png", "x [[y.canvas", "x^2#3.md"])
def test_fn001_flags_link_breaking_characters(vault, name):
    assert check(vault, {name: ""}, "FN001") == [(name, 1, 1, "FN001")]


@pytest.mark.parametrize(
    "name",
    ["Pasted [1].png", "Board ].canvas", "Sq]uare.md", "a]b.md", "[x.md", "a[b]c.pdf", "x^2.md", "R^n-2025.webp"],
)
def test_fn001_does_not_flag_a_single_square_bracket_or_a_caret(vault, name):
    # Only "]]" ends a wikilink (OBSIDIAN.md §12a: [[Sq]uare]] reaches Sq]uare.md) and only "#^"
    # starts a block (§1.2): the links reach these, so warning about the name would be false.
    link = name if not name.endswith(".md") else name[:-3]
    files = {name: "", "x.md": f"[[{link}]] ![[{link}]]"}
    assert check_all(vault, files) == []


def test_fn001_names_the_characters_and_ignores_folders_and_other_punctuation(vault):
    files = {"Ideas#1/plain.md": "", "What? (draft) & more, 50% off!.md": "", "[[x]]#.md": ""}
    report = run(vault(files), select=["FN001"])
    assert [(d.path, d.message) for d in report.diagnostics] == [
        ("[[x]]#.md", 'file name contains "#" "[[" "]]": Obsidian says links do not work with it'),
    ]


def test_fn001_reports_only_on_the_files_being_checked(vault):
    root = vault({"Sub/C# notes.md": "", "Other/x#y.png": b"x"})
    report = run(root, paths=[root / "Sub"], select=["FN001"])
    assert [d.path for d in report.diagnostics] == ["Sub/C# notes.md"]


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("Q3: plan.md", 'contains ":"'),
        ('Say "hi".md', 'contains """'),
        ("a*b?.png", 'contains "*" "?"'),
        ("x <= y.md", 'contains "<"'),
        ("back\\slash.md", 'contains "\\"'),
        ("Trailing dot..md ", "ends in a space"),
    ],
)
def test_fn002_flags_names_windows_cannot_hold(vault, name, why):
    report = run(vault({name: ""}), select=["FN002"])
    assert [d.path for d in report.diagnostics] == [name]
    assert why in report.diagnostics[0].message


def test_fn002_reports_a_folder_once_and_accepts_portable_names(vault):
    files = {
        "Drafts./one.md": "",
        "Drafts./two.md": "",
        "Notes/.../x.md": "",  # a dot-folder: not part of the vault at all
        "Fine - names (2024) [ok] #tag, 100%.md": "",
        "v1.2/notes.v2.md": "",
    }
    report = run(vault(files), select=["FN002"])
    assert [(d.path, d.message) for d in report.diagnostics] == [
        ("Drafts./one.md", 'folder name "Drafts." ends in a dot, which Windows does not allow'),
    ]


def test_fn002_is_off_by_default(vault):
    assert run(vault({"Q3: plan.md": ""})).diagnostics == ()


def test_fn003_flags_files_and_folders_that_differ_only_by_case(vault):
    files = {
        "Plan.md": "",
        "plan.md": "",
        "Projects/a.md": "",
        "projects/b.md": "",
        "Projects/Sub/c.md": "",
        "projects/sub/d.md": "",
        "Unique.md": "",
    }
    report = run(vault(files), select=["FN003"])
    assert [(d.path, d.message) for d in report.diagnostics] == [
        ("plan.md", 'path differs only by case from "Plan.md"'),
        ("projects/b.md", 'folder "projects" differs only by case from "Projects"'),
        ("projects/sub/d.md", 'folder "projects/sub" differs only by case from "Projects/Sub"'),
    ]


def test_fn003_reports_a_folder_spelling_on_its_first_file_even_in_a_subfolder(vault):
    files = {
        "Projects/a.md": "",
        "Projects/b.md": "",
        "projects/x/c.md": "",
        "projects/x/d.md": "",
        "projects/y.md": "",
    }
    root = vault(files)
    expected = [("projects/x/c.md", 'folder "projects" differs only by case from "Projects"')]
    assert [(d.path, d.message) for d in run(root, select=["FN003"]).diagnostics] == expected
    # One note in scope (the pre-commit case) is told the same as in a whole-vault check, or nothing.
    one = run(root, paths=[root / "projects/x/c.md"], select=["FN003"])
    assert [(d.path, d.message) for d in one.diagnostics] == expected
    assert run(root, paths=[root / "projects/y.md"], select=["FN003"]).diagnostics == ()


def test_fn003_flags_two_encodings_of_the_same_name(vault):
    nfc = unicodedata.normalize("NFC", "Café.md")
    nfd = unicodedata.normalize("NFD", "Café.md")
    report = run(vault({nfc: "", nfd: ""}), select=["FN003"])
    assert [(d.path, d.message) for d in messages(report)] == [
        (
            nfd,
            f'name is "{nfc}" written in another Unicode normalization form (NFD, the other is NFC): '
            "the two names collide on macOS",
        )
    ]


def test_fn003_accepts_names_that_differ_otherwise(vault):
    assert check(vault, {"Plan.md": "", "Plan 2.md": "", "a/Plan.md": "", "Plan.png": b"x"}, "FN003") == []


def test_fn004_flags_a_folder_with_its_own_config_folder(vault):
    files = {
        "Inner/.obsidian/app.json": "{}",
        "Inner/Note.md": "",
        "Deep/er/.obsidian/app.json": "{}",
        "Deep/er/x.md": "",
    }
    report = run(vault(files), select=["FN004"])
    assert [(d.path, d.message) for d in report.diagnostics] == [
        ("Deep/er/.obsidian", 'folder "Deep/er" is a vault of its own inside this vault (it holds Deep/er/.obsidian)'),
        ("Inner/.obsidian", 'folder "Inner" is a vault of its own inside this vault (it holds Inner/.obsidian)'),
    ]


def test_fn004_ignores_other_dot_folders_and_the_root_config(vault):
    files = {"Inner/.trash/x.md": "", "Inner/.git/config": "", "Inner/obsidian/x.md": "", "Note.md": ""}
    assert check(vault, files, "FN004") == []


def test_fn004_follows_the_configured_config_folder_name(vault):
    root = vault({"Inner/.obsidian-work/app.json": "{}", "Inner/Note.md": "", ".obsidian-work/app.json": "{}"})
    report = run(root, select=["FN004"], obsidian_dir=".obsidian-work")
    assert [d.path for d in report.diagnostics] == ["Inner/.obsidian-work"]


def test_fn001_page_says_how_to_reach_a_note_whose_name_ends_in_a_bracket(vault):
    # The documented forms work; the bare form ends at the first "]]" (LK001), as the page says.
    files = {"Note [1].md": "", "x.md": "[[Note [1].md]] [[Note [1]|1]]\n[[Note [1]]]\n"}
    assert check_all(vault, files) == [("x.md", 2, 1, "LK001")]
