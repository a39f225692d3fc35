"""Agreement with what the app was observed to do (issue 18; OBSIDIAN.md §12a, D3 amended, D13).

Each test is built from the issue's fixture and checks every diagnostic of the
default rule selection, so a finding that should not be there fails it too.
"""

from __future__ import annotations

from rules_helpers import check_all, messages, run

# -- `../` above the vault root stops at the root (D13) ------------------------
# The real vault: notes one folder deep link "../../Folder/Note.md" (one "../" too
# many), %20-encoded, and have done so for over a year.


def test_dot_dot_above_the_root_reaches_a_path_that_exists(vault):
    files = {
        "Other Folder/My Note.md": "# Part",
        "Other Folder/pic.png": b"\x89PNG",
        "Journal/day.md": (
            "[n](../../Other%20Folder/My%20Note.md)\n"
            "[h](../../Other%20Folder/My%20Note.md#Part)\n"
            "![p](../../Other%20Folder/pic.png)\n"
            "[[../../Other Folder/My Note]]\n"
            "![[../../../Other Folder/pic.png]]\n"
        ),
    }
    assert check_all(vault, files) == []


def test_dot_dot_above_the_root_to_a_path_that_does_not_exist_is_reported(vault):
    files = {
        "Other Folder/My Note.md": "# Part",
        "Journal/day.md": (
            "[n](../../Other%20Folder/Gone.md)\n"
            "![p](../../Other%20Folder/gone.png)\n"
            "[h](../../Other%20Folder/My%20Note.md#No%20such%20part)\n"
        ),
    }
    report = run(vault(files))
    assert [(d.span.line, d.code, d.message) for d in messages(report)] == [
        (1, "LK001", 'unresolved link "../../Other Folder/Gone.md"'),
        (2, "LK002", 'missing embed "../../Other Folder/gone.png"'),
        (3, "LK003", 'no heading "No such part" in "Other Folder/My Note.md"'),
    ]
