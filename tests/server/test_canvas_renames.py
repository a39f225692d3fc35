"""Canvases in the editor's file renames (``workspace/willRenameFiles``, server/linkedits.py rename_edits).

A canvas ``file`` node holds the full vault path of its file; Obsidian rewrites it
when the file or a folder above it is renamed, and so do these edits, the same
way ``--fix`` does after a git rename (tests/test_renames_canvas.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import write_vault
from lsprotocol import types
from test_renames_canvas import BOARD, PROJECT, renamed_board

from server.lspclient import NEOVIM, VSCODE, lsp_session, open_note, uri, within
from server.test_nav_edits import applied, link_problems, move_and_apply, vault  # noqa: F401 - the vault fixture
from vaultlint import Workspace
from vaultlint.fix import apply_edits
from vaultlint.server.actions import Request, did_you_mean
from vaultlint.server.anchorhints import anchor_did_you_mean
from vaultlint.server.linkedits import RenameRefused, heading_rename_edits, rename_edits, rename_target

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


# -- headings and block ids named from a canvas card ---------------------------------------------


def _card(text: str) -> str:
    return json.dumps({"nodes": [{"id": "a", "type": "text", "text": text, "x": 0, "y": 0, "width": 1, "height": 1}]})


def test_a_heading_rename_escapes_the_new_name_in_a_card(vault):  # noqa: F811
    ws = vault({"Project.md": "# Goals\n", "Board.canvas": _card("[[Project#Goals]] and ![[Project#Goals|g]]")})
    edits = heading_rename_edits(ws, rename_target(ws, "Project.md", 1, 3), 'Say "hi"')
    after = applied(ws, edits)["Board.canvas"]
    assert json.loads(after)["nodes"][0]["text"] == '[[Project#Say "hi"]] and ![[Project#Say "hi"|g]]'
    assert after == _card('[[Project#Say "hi"]] and ![[Project#Say "hi"|g]]')


def test_a_heading_rename_is_refused_where_a_card_writes_the_link_with_escapes(vault):  # noqa: F811
    ws = vault({"Project.md": "# Goals\n", "Board.canvas": _card('[[Project#Goals|say "hi"]]')})
    with pytest.raises(RenameRefused, match="Board.canvas"):
        heading_rename_edits(ws, rename_target(ws, "Project.md", 1, 3), "Aims")


@pytest.mark.parametrize(
    ("card", "offered"),
    [("[[Target#Introductoin]]", "[[Target#Introduction]]"), ('[[Target#Introductoin|"i"]]', None)],
)
def test_did_you_mean_for_a_heading_in_a_card(tmp_path: Path, card: str, offered: str | None) -> None:
    root = write_vault(tmp_path / "v", {"Target.md": "# Introduction\n", "Board.canvas": _card(card)})
    with Workspace(root, offline=True, no_cache=True) as ws:
        [found] = [d for d in ws.diagnostics("Board.canvas") if d.code == "LK003"]
        [link] = [link for link in ws.note("Board.canvas").links if link.span == found.span]
        made = anchor_did_you_mean(found, link, "Board.canvas", ws.text("Board.canvas"), ws)
    if offered is None:
        assert made is None
    else:
        assert apply_edits(_card(card), [made[1]]) == _card(offered)


def test_did_you_mean_for_a_note_in_a_card_escapes_the_name(tmp_path: Path) -> None:
    """A backslash is a JSON escape: written raw, ``Back\\slash`` would make the canvas invalid."""
    root = write_vault(tmp_path / "v", {"Back\\slash.md": "# B\n", "Board.canvas": _card("[[Back slash]]")})
    with Workspace(root, offline=True, no_cache=True) as ws:
        text = ws.text("Board.canvas")
        [found] = [d for d in ws.diagnostics("Board.canvas") if d.code == "LK001"]
        [link] = ws.note("Board.canvas").links
        request = Request("file:///Board.canvas", "Board.canvas", text, None, (found,), "utf-16", (0, 0), (0, 0), True)
        title, edit = did_you_mean(found, link, request, ws)
    assert title == 'Link "Back\\slash" instead'
    assert json.loads(apply_edits(text, [edit]))["nodes"][0]["text"] == "[[Back\\slash]]"
