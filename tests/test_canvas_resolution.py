"""A canvas names its files by full vault path: Obsidian opens that path, it does not search by name.

Links in a canvas's text cards are Markdown and resolve like any note's links.
"""

from __future__ import annotations

import json

from helpers import found, messages, run, write_vault


def canvas(*nodes: dict) -> str:
    geometry = {"x": 0, "y": 0, "width": 100, "height": 100}
    return json.dumps({"nodes": [{"id": f"n{i}", **geometry, **node} for i, node in enumerate(nodes)], "edges": []})


def test_a_file_node_reaches_its_vault_path_and_not_a_file_of_the_same_name_elsewhere(tmp_path):
    root = write_vault(
        tmp_path / "vault",
        {
            "Folder/x.md": "# Heading\n",
            "Attachments/img.png": b"\x89PNG\r\n\x1a\n",
            "Board.canvas": canvas(
                {"type": "file", "file": "x.md"},  # only Folder/x.md exists: missing
                {"type": "file", "file": "Folder/x.md"},
                {"type": "file", "file": "folder/X.md"},  # another case, the same path
                {"type": "file", "file": "Folder/x.md", "subpath": "#Heading"},
                {"type": "file", "file": "x.md", "subpath": "#Heading"},  # missing: no heading check
                {"type": "text", "text": "[[x]] and ![[img.png]]"},  # Markdown: by name, as in a note
                {"type": "group", "background": "img.png"},  # missing: the image is in Attachments/
                {"type": "group", "background": "Attachments/img.png"},
            ),
        },
    )
    report = run(root)
    assert [code for _, _, _, code in found(report)] == ["LK002", "LK002", "LK002"]
    missing = [d for d in messages(report) if d.code == "LK002"]
    lines = (root / "Board.canvas").read_text(encoding="utf-8")
    assert [lines.split("\n")[d.span.line - 1][d.span.column - 1 : d.span.end_column - 1] for d in missing] == [
        "x.md",
        "x.md",
        "img.png",
    ]


def test_the_hint_names_the_vault_paths_of_that_name(tmp_path):
    root = write_vault(
        tmp_path / "vault",
        {
            "Folder/x.md": "",
            "Other/x.md": "",
            "Board.canvas": canvas({"type": "file", "file": "x.md"}, {"type": "file", "file": "Folder/y.md"}),
            "Folder/why.md": "",
        },
    )
    hints = [d.hint for d in messages(run(root)) if d.code == "LK002"]
    assert hints == ['a canvas names the whole vault path: did you mean "Folder/x.md" or "Other/x.md"?', None]


def test_a_workspace_gives_the_canvas_a_new_hint_when_a_file_of_that_name_arrives(tmp_path):
    import vaultlint

    root = write_vault(
        tmp_path / "vault",
        {"Folder/x.md": "", "Board.canvas": canvas({"type": "file", "file": "x.md"})},
    )
    with vaultlint.Workspace(root) as workspace:
        assert [d.hint for d in workspace.diagnostics("Board.canvas")] == [
            'a canvas names the whole vault path: did you mean "Folder/x.md"?'
        ]
        (root / "Other").mkdir()
        (root / "Other" / "x.md").write_text("", encoding="utf-8")
        workspace.update("Other/x.md")
        assert [d.hint for d in workspace.diagnostics("Board.canvas")] == [
            'a canvas names the whole vault path: did you mean "Folder/x.md" or "Other/x.md"?'
        ]
        (root / "x.md").write_text("", encoding="utf-8")
        workspace.update("x.md")
        assert workspace.diagnostics("Board.canvas") == ()
