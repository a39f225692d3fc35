"""OR004 attachment-outside-folder and LK010 link-style: both follow .obsidian/app.json."""

from __future__ import annotations

import json

import pytest
from rules_helpers import check, messages, run


def app(**settings: object) -> str:
    return json.dumps(settings)


# -- OR004 ------------------------------------------------------------------------------------

ATTACHMENTS = {
    "Note.md": "![[in root.png]] ![[kept.png]] ![[nested.png]] ![[beside.png]]",
    "in root.png": b"x",
    "Attachments/kept.png": b"x",
    "Attachments/2024/nested.png": b"x",
    "Projects/beside.png": b"x",
    "Projects/Plan.md": "![[beside.png]]",
    "Board.canvas": "{}",
    "Table.base": "",
}


def test_or004_fixed_folder_any_depth(vault):
    files = {**ATTACHMENTS, ".obsidian/app.json": app(attachmentFolderPath="Attachments")}
    assert check(vault, files, "OR004") == [("Projects/beside.png", 1, 1, "OR004"), ("in root.png", 1, 1, "OR004")]
    report = run(vault(files), select=["OR004"])
    assert messages(report)[0].message == (
        'attachment is outside the attachment folder ("Attachments", from attachmentFolderPath)'
    )


def test_or004_vault_root(vault):
    files = {**ATTACHMENTS, ".obsidian/app.json": app(attachmentFolderPath="/")}
    assert [p for p, *_ in check(vault, files, "OR004")] == [
        "Attachments/2024/nested.png",
        "Attachments/kept.png",
        "Projects/beside.png",
    ]


def test_or004_next_to_the_note_that_uses_it(vault):
    files = {
        ".obsidian/app.json": app(attachmentFolderPath="./"),
        "Projects/Plan.md": "![[beside.png]] ![[far.png]]",
        "Projects/beside.png": b"x",
        "Elsewhere/far.png": b"x",
        "Elsewhere/unused.png": b"x",  # no note refers to it: no verdict
    }
    assert check(vault, files, "OR004") == [("Elsewhere/far.png", 1, 1, "OR004")]


def test_or004_subfolder_next_to_the_note_and_canvas_referrers(vault):
    board = {
        "nodes": [{"id": "a", "type": "file", "file": "Boards/assets/b.png", "x": 0, "y": 0, "width": 1, "height": 1}]
    }
    files = {
        ".obsidian/app.json": app(attachmentFolderPath="./assets"),
        "Projects/Plan.md": "![[Projects/assets/a.png]] ![[Projects/wrong.png]]",
        "Projects/assets/a.png": b"x",
        "Projects/wrong.png": b"x",
        "Boards/Board.canvas": json.dumps(board),
        "Boards/assets/b.png": b"x",
    }
    assert check(vault, files, "OR004") == [("Projects/wrong.png", 1, 1, "OR004")]


def test_or004_without_a_setting_and_off_by_default(vault):
    assert check(vault, ATTACHMENTS, "OR004") == []
    files = {**ATTACHMENTS, ".obsidian/app.json": app(attachmentFolderPath="Attachments")}
    assert [d for d in run(vault(files)).diagnostics if d.code == "OR004"] == []


# -- LK010 ------------------------------------------------------------------------------------

STYLE_VAULT = {
    "Projects/Plan.md": "",
    "Projects/Notes/Meeting.md": "",
    "Archive/Plan.md": "",  # a second Plan: [[Plan]] alone is ambiguous from the root
    "Unique.md": "",
    "Attachments/pic.png": b"x",
}


@pytest.mark.parametrize(
    ("settings", "note", "expected"),
    [
        # shortest: a folder path where the name alone reaches the same file, and only it.
        ({}, "[[Projects/Notes/Meeting]] [[Unique]] [[Projects/Plan]]", ['write "Meeting"']),
        ({}, "![[Attachments/pic.png]] [[Meeting]]", ['write "pic.png"']),
        # relative: paths from the note's folder (the note is Projects/Notes/Today.md).
        (
            {"newLinkFormat": "relative"},
            "[[../Plan]] [[Meeting]] [[./Meeting.md]] [[Unique]]",
            ['write "../../Unique"'],
        ),
        (
            {"newLinkFormat": "relative", "useMarkdownLinks": True},
            "[x](../../Unique.md) [y](Unique.md)",
            ['write "../../Unique.md"'],
        ),
        # absolute: the full vault path (a leading "/" and ".md" are fine).
        (
            {"newLinkFormat": "absolute"},
            "[[Projects/Plan]] [[/Unique]] [[Meeting]] [[Projects/Notes/Meeting.md]]",
            ['write "Projects/Notes/Meeting"'],
        ),
        # wikilinks versus Markdown links.
        ({"useMarkdownLinks": True}, "[[Unique]] [u](Unique.md)", ["wikilink in a vault set to Markdown links"]),
        ({}, "[u](../../Unique.md) [[Unique]]", ["Markdown link in a vault set to wikilinks"]),
        # unresolved links, self links and external URLs are not LK010's business.
        ({}, "[[Projects/Nowhere]] [[#Heading]] [site](https://example.com/a/b)", []),
    ],
)
def test_lk010_follows_the_vaults_link_settings(vault, settings, note, expected):
    files = {**STYLE_VAULT, ".obsidian/app.json": app(**settings), "Projects/Notes/Today.md": note}
    report = run(vault(files), select=["LK010"])
    assert [d.hint or d.message for d in report.diagnostics] == expected


def test_lk010_is_off_by_default_and_ignores_canvas_file_nodes(vault):
    board = {
        "nodes": [{"id": "a", "type": "file", "file": "Projects/Plan.md", "x": 0, "y": 0, "width": 1, "height": 1}]
    }
    files = {**STYLE_VAULT, "Note.md": "[[Projects/Notes/Meeting]]", "Board.canvas": json.dumps(board)}
    assert [d for d in run(vault(files)).diagnostics if d.code == "LK010"] == []
    assert check(vault, files, "LK010") == [("Note.md", 1, 1, "LK010")]


def test_or004_counts_media_and_linked_files_as_attachments_not_scripts(vault):
    files = {
        ".obsidian/app.json": app(attachmentFolderPath="Attachments"),
        "Note.md": "[data](Docs/data.csv)",
        "Docs/data.csv": "a,b",  # linked from a note: an attachment
        "Scripts/tool.js": "",  # nothing refers to it: not an attachment
        "LICENSE": "",
        "Docs/scan.pdf": b"%PDF",  # media, referred to or not
    }
    assert check(vault, files, "OR004") == [("Docs/data.csv", 1, 1, "OR004"), ("Docs/scan.pdf", 1, 1, "OR004")]
