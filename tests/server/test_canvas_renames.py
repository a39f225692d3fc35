"""Canvases in the editor's file renames (``workspace/willRenameFiles``, server/linkedits.py rename_edits).

A canvas ``file`` node holds the full vault path of its file; Obsidian rewrites it
when the file or a folder above it is renamed, and so do these edits, the same
way ``--fix`` does after a git rename (tests/test_renames_canvas.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lsprotocol import types
from test_renames_canvas import BOARD, PROJECT, renamed_board

from server.lspclient import NEOVIM, VSCODE, lsp_session, open_note, uri, within
from server.test_nav_edits import applied, link_problems, move_and_apply, vault  # noqa: F401 - the vault fixture
from vaultlint.server.linkedits import rename_edits

#: The card written with escapes (line 6): left alone by every rename, so it stays broken.
ESCAPED_CARD = "Board.canvas:6:"


def test_a_note_rename_rewrites_file_nodes_and_plain_card_links(vault):  # noqa: F811
    ws = vault({"projects/Project.md": PROJECT, "Board.canvas": BOARD})
    texts = move_and_apply(ws, "projects/Project.md", "projects/Big Plan.md")
    # the same text --fix writes after `git mv` (test_renames_canvas)
    assert texts == {"Board.canvas": renamed_board(BOARD, "projects/Big Plan.md", "Big Plan", "Big%20Plan.md")}
    json.loads(texts["Board.canvas"])
    assert [p for p in link_problems(ws.root) if not p.startswith(ESCAPED_CARD)] == []


def test_a_folder_rename_rewrites_file_nodes_that_a_wikilink_would_still_find(vault):  # noqa: F811
    """``projects/Project.md`` still ends ``archive/projects/Project.md``: a wikilink finds it by
    that suffix and is left alone, but a file node is opened by its exact path, so it gets the new one."""
    ws = vault({"projects/Project.md": PROJECT, "Board.canvas": BOARD})
    texts = move_and_apply(ws, "projects", "archive/projects")
    assert texts == {
        "Board.canvas": BOARD.replace('"file":"projects/Project.md"', '"file":"archive/projects/Project.md"')
    }
    assert [p for p in link_problems(ws.root) if not p.startswith(ESCAPED_CARD)] == []


def test_a_file_node_by_bare_name_gets_the_full_path_when_its_file_moves(vault):  # noqa: F811
    board = '{"nodes":[{"id":"a","type":"file","file":"Note.md","x":0,"y":0,"width":1,"height":1}]}'
    ws = vault({"Note.md": "# N\n", "Board.canvas": board})
    assert move_and_apply(ws, "Note.md", "inbox/Note.md") == {"Board.canvas": board.replace("Note.md", "inbox/Note.md")}


def test_a_canvas_that_moves_keeps_its_full_paths(vault):  # noqa: F811
    ws = vault({"projects/Project.md": PROJECT, "Board.canvas": BOARD})
    assert rename_edits(ws, {"Board.canvas": "boards/Board.canvas"}) == {}


def test_a_name_with_a_quote_is_escaped_in_the_json(vault):  # noqa: F811
    ws = vault({"projects/Project.md": PROJECT, "Board.canvas": BOARD})
    texts = applied(ws, rename_edits(ws, {"projects/Project.md": 'projects/Say "hi".md'}))
    nodes = json.loads(texts["Board.canvas"])["nodes"]
    assert [nodes[0]["file"], nodes[1]["file"]] == ['projects/Say "hi".md'] * 2
    assert nodes[2]["text"] == '# Card\nSee [[Say "hi"]] and\n[p](Say%20%22hi%22.md#Goals)'
    assert nodes[3] == json.loads(BOARD)["nodes"][3]


# -- through the real server ---------------------------------------------------------------------

#: Characters outside the BMP before the links on their line: positions are counted in UTF-16 units.
SESSION_BOARD = (
    "{\n"
    '\t"nodes":[\n'
    '\t\t{"id":"🎉","type":"file","file":"people/Ada Lovelace.md","x":0,"y":0,"width":1,"height":1},\n'
    '\t\t{"id":"😀","type":"text","text":"Ça [[Ada Lovelace|Ada]] 🎉 [a](people/Ada%20Lovelace.md)","x":0,"y":0,"width":1,"height":1}\n'
    "\t]\n"
    "}\n"
)


def _utf16_apply(text: str, edits: list[types.TextEdit]) -> str:
    """``edits`` applied as an editor applies them (UTF-16 positions)."""
    lines = text.split("\n")

    def offset(pos: types.Position) -> int:
        row, units, column = lines[pos.line], 0, 0
        while units < pos.character:
            units += 2 if ord(row[column]) > 0xFFFF else 1
            column += 1
        return sum(len(r) + 1 for r in lines[: pos.line]) + column

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


@pytest.mark.asyncio(loop_scope="function")
@pytest.mark.parametrize("client", [NEOVIM, VSCODE])
async def test_will_rename_files_answers_with_the_canvas_edits(tmp_path: Path, client: str) -> None:
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    (root / "people").mkdir()
    (root / "people" / "Ada Lovelace.md").write_text("# Ada\n", encoding="utf-8")
    (root / "Board.canvas").write_text(SESSION_BOARD, encoding="utf-8")
    async with lsp_session(root, client) as lsp:
        open_note(lsp, root / "Board.canvas")
        # a folder rename, then a file rename (each answered before the editor moves anything)
        for old, new, expected in [
            (
                "people",
                "team",
                SESSION_BOARD.replace('"people/Ada Lovelace.md"', '"team/Ada Lovelace.md"').replace(
                    "(people/Ada%20Lovelace.md)", "(Ada%20Lovelace.md)"
                ),
            ),
            (
                "people/Ada Lovelace.md",
                "people/Ada King.md",
                SESSION_BOARD.replace('"people/Ada Lovelace.md"', '"people/Ada King.md"')
                .replace("[[Ada Lovelace|", "[[Ada King|")
                .replace("(people/Ada%20Lovelace.md)", "(Ada%20King.md)"),
            ),
        ]:
            rename = types.FileRename(old_uri=uri(root / old), new_uri=uri(root / new))
            edit = await within(lsp.workspace_will_rename_files_async(types.RenameFilesParams(files=[rename])))
            assert set(edit.changes) == {uri(root / "Board.canvas")}
            after = _utf16_apply(SESSION_BOARD, edit.changes[uri(root / "Board.canvas")])
            assert after == expected
            json.loads(after)
