"""Canvas links after a rename git knows about: ``--fix`` rewrites a ``file`` node's path and the links
of text nodes inside the ``.canvas`` JSON, or leaves them alone; it never breaks the JSON.

Every test compares the whole file after the fix with an exact expectation (so every other
byte is shown unchanged) and reads it back as JSON.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest
from helpers import check_in_subprocess, git, run
from hypothesis import example, given, settings
from hypothesis import strategies as st
from test_renames import make_repo

from vaultlint.cli import main
from vaultlint.fix import apply_edits
from vaultlint.linkrepair import canvas_file_edit, target_edit
from vaultlint.model import LinkKind
from vaultlint.syntax.canvas import parse_canvas

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

PROJECT = "# Project\n\n## Goals\n\ntext\n"
# As Obsidian writes a canvas: tabs, one node a line, no space after ":".
BOARD = (
    "{\n"
    '\t"nodes":[\n'
    '\t\t{"id":"f1","type":"file","file":"projects/Project.md","x":0,"y":0,"width":400,"height":400},\n'
    '\t\t{"id":"f2","type":"file","file":"projects/Project.md","subpath":"#Goals","x":500,"y":0,"width":400,"height":400},\n'
    '\t\t{"id":"t1","type":"text","text":"# Card\\nSee [[Project]] and\\n[p](projects/Project.md#Goals)","x":0,"y":500,"width":400,"height":400},\n'
    '\t\t{"id":"t2","type":"text","text":"[[Pro\\u006aect]] and [[Project|say \\"hi\\"]]","x":500,"y":500,"width":400,"height":400}\n'
    "\t],\n"
    '\t"edges":[{"id":"e1","fromNode":"f1","toNode":"t1"}]\n'
    "}"
)


def renamed_board(board: str, file: str, wikilink: str, destination: str) -> str:
    """``board`` (:data:`BOARD` or a variant) with what a rename of ``projects/Project.md`` changes:
    the file nodes' path and the plain card's two links; each as written inside the JSON string."""
    return (
        board.replace('"file":"projects/Project.md"', f'"file":"{file}"')
        .replace("See [[Project]]", f"See [[{wikilink}]]")
        .replace("[p](projects/Project.md#Goals)", f"[p]({destination}#Goals)")
    )


#: The card whose links are written with escapes: left alone, and still reported (no fix offered).
ESCAPED_CARD_PROBLEMS = [("LK001", "[[Pro\\u006aect]]", False), ("LK001", '[[Project|say \\"hi\\"]]', False)]


def fixed(repo, old: str, new: str) -> str:
    """The canvas once ``git mv old new`` and ``vaultlint check --fix`` (a process, as a user runs it) have run."""
    git(repo, "mv", old, new)
    done, _cpu = check_in_subprocess(repo, "--fix")
    assert "Traceback" not in done.stderr and done.returncode in (0, 1), done.stderr
    return (repo / "Board.canvas").read_text(encoding="utf-8")


def link_problems(repo) -> list[tuple[str, str, bool]]:
    """Each broken link of the vault: its code, the text it marks in the file, whether it has a fix."""
    found = []
    for d in run(repo, select=["LK001", "LK002", "LK003"]).diagnostics:
        line = (repo / d.path).read_bytes().decode("utf-8").removeprefix("\ufeff").splitlines()[d.span.line - 1]
        found.append((d.code, line[d.span.column - 1 : d.span.end_column - 1], d.fix is not None))
    return found


@needs_git
def test_file_nodes_and_plain_text_node_links_follow_a_renamed_note(tmp_path):
    repo = make_repo(tmp_path / "v", {"projects/Project.md": PROJECT, "Board.canvas": BOARD})
    after = fixed(repo, "projects/Project.md", "projects/Big Plan.md")
    assert after == renamed_board(BOARD, "projects/Big Plan.md", "Big Plan", "Big%20Plan.md")
    nodes = json.loads(after)["nodes"]
    assert [n.get("file") for n in nodes[:2]] == ["projects/Big Plan.md"] * 2
    assert nodes[1]["subpath"] == "#Goals"
    assert nodes[3]["text"] == '[[Project]] and [[Project|say "hi"]]'
    assert link_problems(repo) == ESCAPED_CARD_PROBLEMS


@needs_git
def test_a_name_json_must_escape_is_escaped_and_non_ascii_stays_raw(tmp_path):
    board = BOARD.replace('"id":"t1"', '"label":"Ça","id":"t1"')  # the file writes non-ASCII raw
    repo = make_repo(tmp_path / "v", {"projects/Project.md": PROJECT, "Board.canvas": board})
    after = fixed(repo, "projects/Project.md", 'projects/Café "Plan".md')
    assert after == renamed_board(board, 'projects/Café \\"Plan\\".md', 'Café \\"Plan\\"', "Caf%C3%A9%20%22Plan%22.md")
    nodes = json.loads(after)["nodes"]
    assert nodes[0]["file"] == 'projects/Café "Plan".md'
    assert nodes[2]["text"] == '# Card\nSee [[Café "Plan"]] and\n[p](Caf%C3%A9%20%22Plan%22.md#Goals)'
    assert link_problems(repo) == ESCAPED_CARD_PROBLEMS


@needs_git
def test_a_canvas_that_escapes_non_ascii_gets_the_new_name_escaped_too(tmp_path):
    """Written by a tool with JSON's ASCII-only default (Python's ``json.dumps``)."""
    board = {
        "nodes": [
            {"id": "a", "type": "file", "file": "Déjà vu.md", "x": 0, "y": 0, "width": 1, "height": 1},
            {"id": "b", "type": "text", "text": "[[Déjà vu]]", "x": 0, "y": 0, "width": 1, "height": 1},
        ]
    }
    text = json.dumps(board, indent=2)
    assert '"D\\u00e9j\\u00e0 vu.md"' in text
    repo = make_repo(tmp_path / "v", {"Déjà vu.md": PROJECT, "Board.canvas": text})
    after = fixed(repo, "Déjà vu.md", "Ça ira.md")
    # the file node is rewritten, in the file's style; the card's link has escapes: left alone
    assert after == text.replace('"D\\u00e9j\\u00e0 vu.md"', '"\\u00c7a ira.md"')
    assert json.loads(after)["nodes"][0]["file"] == "Ça ira.md"


# Unusual but valid ways to write the same canvas: each is edited in place, or (lone CR line ends)
# left alone; never anything else.
UNUSUAL = [
    pytest.param(
        '{"nodes":[{"id":"a","type":"file","file":"old/N.md","x":0,"y":0,"width":1,"height":1}]}', id="compact"
    ),
    pytest.param(
        '{\r\n  "nodes" : [\r\n    { "id" : "a", "type" : "file",\r\n      "file"  :  "old/N.md" ,\r\n'
        '      "x" : 0, "y" : 0, "width" : 1.5, "height" : 1e2 }\r\n  ]\r\n}\r\n',
        id="crlf-and-spaces",
    ),
    pytest.param(
        '\ufeff{"nodes":[{"id":"a","type":"file","file":"old/N.md","x":0,"y":0,"width":1,"height":1}]}', id="bom"
    ),
    pytest.param(
        '{"nodes":[{"id":"a","type":"file","file":"old\\/N\\u002emd","x":0,"y":0,"width":1,"height":1}]}',
        id="escaped-slash-and-dot",
    ),
    pytest.param(
        '{"nodes":[{"id":"a","type":"file","file":"old/N.md","file":"old/N.md","x":0,"y":0,"width":1,"height":1}]}',
        id="key-twice",
    ),
]


@needs_git
@pytest.mark.parametrize("board", UNUSUAL)
def test_unusual_formatting_is_edited_in_place(tmp_path, board):
    repo = make_repo(tmp_path / "v", {"old/N.md": "# N\n", "Board.canvas": board.encode("utf-8")})
    git(repo, "mv", "old", "new")
    main(["check", "--offline", "--no-cache", "--fix", str(repo)])
    after = (repo / "Board.canvas").read_bytes().decode("utf-8")
    # the last "file" is the one JSON reads (and the one vaultlint reports and fixes)
    written = "old\\/N\\u002emd" if "\\u002e" in board else "old/N.md"
    head, _, tail = board.rpartition(f'"{written}"')
    assert after == f'{head}"new/N.md"{tail}'
    assert json.loads(after.removeprefix("\ufeff"))["nodes"][0]["file"] == "new/N.md"
    assert link_problems(repo) == []


@needs_git
def test_lone_cr_line_ends_get_no_fix_and_no_write(tmp_path):
    board = '{\r"nodes":[\r{"id":"a","type":"file","file":"old/N.md","x":0,"y":0,"width":1,"height":1}]}'
    repo = make_repo(tmp_path / "v", {"old/N.md": "# N\n", "Board.canvas": board.encode("utf-8")})
    git(repo, "mv", "old", "new")
    main(["check", "--offline", "--no-cache", "--fix", str(repo)])
    assert (repo / "Board.canvas").read_bytes() == board.encode("utf-8")
    assert link_problems(repo) == [("LK002", "old/N.md", False)]


@needs_git
def test_a_group_background_follows_a_renamed_image(tmp_path):
    board = '{"nodes":[{"id":"g","type":"group","background":"img/bg.png","x":0,"y":0,"width":1,"height":1}]}'
    repo = make_repo(tmp_path / "v", {"img/bg.png": b"\x89PNG", "Board.canvas": board})
    after = fixed(repo, "img/bg.png", "img/back ground.png")
    assert after == board.replace("img/bg.png", "img/back ground.png")


# -- the edit itself, on canvases written every way json.dumps can ----------------------------

_NAMES = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=12)


def _board(file: str, style: dict) -> str:
    node = {"id": "a", "type": "file", "file": file, "x": 0, "y": 0, "width": 1, "height": 1}
    text = {"id": "b", "type": "text", "text": 'Ünïcode "quoted"\n\\', "x": 0, "y": 0, "width": 1, "height": 1}
    return json.dumps({"nodes": [text, node], "edges": []}, **style)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    old=_NAMES,
    new=_NAMES,
    style=st.sampled_from(
        [
            {},
            {"ensure_ascii": False},
            {"indent": "\t", "ensure_ascii": False},
            {"indent": 2, "separators": (",", " : ")},
            {"separators": (",", ":")},
        ]
    ),
)
@example(old="a.md", new='say "hi"\\\n\t\x00\x7f\u2028.md', style={})
@example(old="C:\\dir\\a.md", new="é/ü.md", style={"ensure_ascii": False})
def test_a_file_node_edit_changes_only_that_string_and_keeps_the_json_valid(old, new, style):
    board = _board(old, style)
    (link,) = [link for link in parse_canvas("Board.canvas", board).links if link.kind is LinkKind.CANVAS_FILE]
    edit = canvas_file_edit(board, link, new)
    assert edit is not None
    after = apply_edits(board, [edit])
    assert json.loads(after) == json.loads(_board(new, style))
    # every byte outside the string's quotes is as it was
    opening = board.index('"', re.search(r'"file"\s*:', board).end())
    closing = opening + len(json.dumps(old, ensure_ascii=style.get("ensure_ascii", True))) - 1
    assert after.startswith(board[: opening + 1]) and after.endswith(board[closing:])
    # what the parser reads back is the new path, as a link
    (again,) = [link for link in parse_canvas("Board.canvas", after).links if link.kind is LinkKind.CANVAS_FILE]
    assert again.path == new


def test_a_file_value_that_is_not_what_the_parser_read_gets_no_edit():
    """A lone surrogate escape is read as U+FFFD: the text between the quotes does not say the path."""
    board = '{"nodes":[{"id":"a","type":"file","file":"a\\ud800.md","x":0,"y":0,"width":1,"height":1}]}'
    (link,) = parse_canvas("Board.canvas", board).links
    assert link.path == "a\ufffd.md"
    assert canvas_file_edit(board, link, "b.md") is None


def test_link_text_is_never_written_into_a_file_node():
    """``target_edit`` writes link text (``[[Note]]``'s "Note"): a file node needs the full path."""
    board = '{"nodes":[{"id":"a","type":"file","file":"x/Old.md","x":0,"y":0,"width":1,"height":1}]}'
    (link,) = parse_canvas("Board.canvas", board).links
    assert target_edit(board, link, "New") is None
    assert canvas_file_edit(board, link, "x/New.md") is not None
