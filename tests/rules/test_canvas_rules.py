"""Canvases (JSON Canvas 1.0): CV001, CV002, and the link rules on file, text, link and group nodes."""

from __future__ import annotations

import json

import pytest
from rules_helpers import check, check_all, run

from vaultlint.model import LinkKind, Note, UrlOrigin
from vaultlint.syntax.canvas import parse_canvas


def node(node_id: str, node_type: str, **fields: object) -> dict[str, object]:
    return {"id": node_id, "type": node_type, "x": 0, "y": 0, "width": 100, "height": 60, **fields}


def canvas(*nodes: dict[str, object], edges: tuple[dict[str, object], ...] = ()) -> str:
    """One node per line, as Obsidian writes canvases (so each node's line is its index + 3)."""
    lines = ",\n".join("\t\t" + json.dumps(n, ensure_ascii=False) for n in nodes)
    edge_lines = ",\n".join("\t\t" + json.dumps(e) for e in edges)
    return '{\n\t"nodes":[\n' + lines + '\n\t],\n\t"edges":[\n' + edge_lines + "\n\t]\n}\n"


def _at(lines: list[str], diagnostic) -> str:
    """The text a one-line diagnostic covers."""
    span = diagnostic.span
    return lines[span.line - 1][span.column - 1 : span.end_column - 1]


TARGET = "# Plan\n\n## Goals\n\nShip it. ^goal-1\n"


# -- CV001 invalid-canvas ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"nodes": [', "canvas is not valid JSON"),
        ('{"nodes": [], "x": NaN}', "canvas is not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"nodes": {}}', '"nodes" is not a list'),
        ('{"edges": "none"}', '"edges" is not a list'),
        ('{"nodes": ["text"]}', "node is not a JSON object"),
        ('{"nodes": [{"id": "a", "type": "text", "text": "t"}]}', 'node "a" lacks "x", "y", "width", "height"'),
        ('{"nodes": [{"type": "text", "text": "t", "x": 0, "y": 0, "width": 1, "height": 1}]}', 'lacks "id"'),
        ('{"nodes": [{"id": "a", "type": "file", "x": 0, "y": 0, "width": 1, "height": 1}]}', 'lacks "file"'),
        ('{"nodes": [{"id": "a", "type": "link", "x": 0, "y": "0", "width": 1, "height": 1, "url": "u"}]}', '"y"'),
        ('{"nodes": [], "edges": [{"id": "e", "fromNode": "a"}]}', 'edge "e" lacks "toNode"'),
        (canvas(node("a", "text", text="1"), node("a", "text", text="2")), 'node id "a" is used by an earlier node'),
    ],
)
def test_cv001_reports_what_is_not_a_canvas(vault, text, message):
    report = run(vault({"Board.canvas": text}), select=["CV001"])
    assert [d.code for d in report.diagnostics] == ["CV001"]
    assert message in report.diagnostics[0].message


def test_cv001_points_at_the_json_error_and_at_the_node(vault):
    bad_node = canvas(node("ok", "text", text="fine"), {"id": "b", "type": "text", "text": "no geometry"})
    files = {"A.canvas": '{\n  "nodes": [\n    {"id": "a",,}\n  ]\n}', "B.canvas": bad_node}
    assert check(vault, files, "CV001") == [("A.canvas", 3, 16, "CV001"), ("B.canvas", 4, 3, "CV001")]


def test_cv001_counts_lone_cr_and_crlf_as_line_ends(vault):
    """Found by the long fuzzing run: ``json`` counts only LF, so an old-Mac canvas was
    reported on line 1 at a column past the end of that line."""
    files = {"A.canvas": '{\r  "nodes": [\r    {"id": "a",,}\r  ]\r}', "B.canvas": '{\r\n"nodes": [\r\n,]}'}
    assert check(vault, files, "CV001") == [("A.canvas", 3, 16, "CV001"), ("B.canvas", 3, 1, "CV001")]


@pytest.mark.parametrize(
    "text",
    [
        "",  # a new, empty canvas
        "  \n",
        "{}",
        '{"nodes": [], "edges": []}',
        canvas(node("a", "text", text="hi", color="1"), node("b", "group", label="G"), edges=()),
        # Floats where the spec says integers: other tools write them, Obsidian opens them.
        '{"nodes": [{"id": "a", "type": "text", "text": "t", "x": 0.5, "y": -3, "width": 10.25, "height": 1e2}]}',
        # A node type from a plugin: not ours to judge.
        '{"nodes": [{"id": "a", "type": "excalidraw", "x": 0, "y": 0, "width": 1, "height": 1}]}',
        "\ufeff{}",
    ],
)
def test_cv001_accepts_valid_canvases(vault, text):
    assert check_all(vault, {"Board.canvas": text}) == []


# -- CV002 dangling-edge ----------------------------------------------------------------------


def test_cv002_reports_each_end_that_names_no_node(vault):
    text = canvas(
        node("a", "text", text="A"),
        node("b", "text", text="B"),
        edges=(
            {"id": "ok", "fromNode": "a", "toNode": "b"},
            {"id": "e1", "fromNode": "a", "toNode": "gone"},
            {"id": "e2", "fromNode": "lost", "toNode": "gone"},
        ),
    )
    report = run(vault({"Board.canvas": text}), select=["CV002"])
    lines = text.split("\n")
    assert [(d.span.line, _at(lines, d)) for d in report.diagnostics] == [(8, '"gone"'), (9, '"lost"'), (9, '"gone"')]
    assert [d.message for d in report.diagnostics] == [
        'edge "e1" toNode names node "gone", which is not in the canvas',
        'edge "e2" fromNode names node "lost", which is not in the canvas',
        'edge "e2" toNode names node "gone", which is not in the canvas',
    ]


def test_cv002_does_not_report_an_edge_to_a_node_that_comes_later_or_is_a_group(vault):
    text = canvas(
        node("g", "group", label="Area"),
        node("z", "text", text="last"),
        edges=({"id": "e", "fromNode": "z", "toNode": "g"},),
    )
    assert check(vault, {"Board.canvas": text}, "CV002") == []


# -- file nodes: LK002, LK003, LK004 ------------------------------------------------------------


def test_file_nodes_are_checked_like_embeds_with_their_subpath(vault):
    text = canvas(
        node("a", "file", file="Projects/Plan.md"),
        node("b", "file", file="Projects/Plan.md", subpath="#Goals"),
        node("c", "file", file="Projects/Plan.md", subpath="#Timeline"),
        node("d", "file", file="Projects/Plan.md", subpath="#^goal-2"),
        node("e", "file", file="Projects/Budget.md"),
        node("f", "file", file="image.png", subpath="#anything"),  # never a subpath check on an image
        node("g", "group", background="Missing backdrop.png"),
        node("h", "group", background="image.png"),
    )
    files = {"Projects/Plan.md": TARGET, "image.png": b"\x89PNG", "Board.canvas": text}
    report = run(vault(files))
    lines = text.split("\n")
    assert [(d.code, d.span.line, _at(lines, d)) for d in report.diagnostics] == [
        ("LK003", 5, "Projects/Plan.md"),
        ("LK004", 6, "Projects/Plan.md"),
        ("LK002", 7, "Projects/Budget.md"),
        ("LK002", 9, "Missing backdrop.png"),
    ]
    report = run(vault(files))
    assert [d.message for d in report.diagnostics] == [
        'no heading "Timeline" in "Projects/Plan.md"',
        'no block "^goal-2" in "Projects/Plan.md"',
        'missing embed "Projects/Budget.md"',
        'missing embed "Missing backdrop.png"',
    ]


def test_the_span_of_a_file_node_is_the_path_inside_the_quotes(vault):
    text = canvas(node("e", "file", file="Gone.md"))
    [diagnostic] = run(vault({"Board.canvas": text})).diagnostics
    line = text.split("\n")[diagnostic.span.line - 1]
    assert line[diagnostic.span.column - 1 : diagnostic.span.end_column - 1] == "Gone.md"


# -- text nodes: Markdown at its place in the .canvas file ---------------------------------------


def test_text_node_diagnostics_are_at_their_line_and_column_through_escapes(vault):
    text = canvas(
        node("t", "text", text='# Card\n\n"Quoted" café 😀 tab\there: [[Nowhere]] and ![[gone.png]]\r\n[[Plan#Nope]]'),
    )
    files = {"Plan.md": TARGET, "Board.canvas": text}
    report = run(vault(files))
    lines = text.split("\n")
    found = [(d.code, _at(lines, d)) for d in report.diagnostics]
    assert found == [("LK001", "[[Nowhere]]"), ("LK002", "![[gone.png]]"), ("LK003", "[[Plan#Nope]]")]
    assert {d.span.line for d in report.diagnostics} == {3}


def test_text_node_with_ascii_escapes_as_json_dumps_writes_them(vault):
    text = json.dumps({"nodes": [node("t", "text", text="é 😀 [[Missing]]")]})  # \u00e9 \ud83d\ude00
    assert "\\ud83d\\ude00" in text
    [diagnostic] = run(vault({"Board.canvas": text})).diagnostics
    assert text[diagnostic.span.column - 1 : diagnostic.span.end_column - 1] == "[[Missing]]"


def test_text_node_links_resolve_from_the_canvas_folder(vault):
    text = canvas(node("t", "text", text="[[./Sibling]] [[Plan]]"))
    files = {"Boards/Sibling.md": "", "Plan.md": "", "Boards/Board.canvas": text}
    assert check_all(vault, files) == []


def test_text_nodes_give_tags_urls_and_suppressions_like_a_note(vault):
    text = canvas(
        node("t", "text", text="#todo see https://example.com/a"),
        node("u", "link", url="https://obsidian.md"),
        node("s", "text", text="%% vaultlint-disable-line LK001 %% [[Ignored]]"),
    )
    root = vault({"Board.canvas": text})
    assert check_all(vault, {"Board.canvas": text}) == []
    note = parse_canvas("Board.canvas", (root / "Board.canvas").read_text(encoding="utf-8"))
    assert [t.name for t in note.tags] == ["todo"]
    assert [(u.url, u.origin) for u in note.urls] == [
        ("https://example.com/a", UrlOrigin.BARE),
        ("https://obsidian.md", UrlOrigin.CANVAS),
    ]


def test_canvas_links_are_in_the_note_model_for_other_stages():
    note = parse_canvas(
        "Board.canvas", canvas(node("a", "file", file="A.md", subpath="#H"), node("t", "text", text="[[B]]"))
    )
    assert isinstance(note, Note)
    assert [(link.kind, link.path, link.subpath) for link in note.links] == [
        (LinkKind.CANVAS_FILE, "A.md", "#H"),
        (LinkKind.WIKILINK, "B", ""),
    ]


# -- canvases are referrers (OR001, OR002) ------------------------------------------------------


def test_canvas_references_count_for_orphans_and_unused_attachments(vault):
    text = canvas(node("a", "file", file="Linked.md"), node("t", "text", text="![[used.png]]"))
    files = {"Linked.md": "", "Orphan.md": "", "used.png": b"x", "unused.png": b"x", "Board.canvas": text}
    assert check_all(vault, files, select=["OR001", "OR002"]) == [
        ("Orphan.md", 1, 1, "OR001"),
        ("unused.png", 1, 1, "OR002"),
    ]


def test_a_canvas_is_never_an_orphan_note_nor_an_empty_note(vault):
    assert check_all(vault, {"Board.canvas": "{}", "Table.base": ""}, select=["OR001", "OR003", "FM"]) == []


def test_property_schemas_apply_to_notes_not_to_canvases_or_bases(vault):
    from vaultlint.config import PropertySchema

    files = {"Note.md": "---\nstatus: done\n---\n", "Board.canvas": "{}", "Table.base": "", "Bare.md": ""}
    schema = (PropertySchema(required=("status",)),)
    assert check_all(vault, files, schema=schema) == [("Bare.md", 1, 1, "FM008")]


def test_block_ids_are_duplicates_within_a_card_not_across_cards(vault):
    text = canvas(
        node("a", "text", text="One ^same"), node("b", "text", text="Two ^same\n\nThree ^twice\n\nFour ^twice")
    )
    [diagnostic] = run(vault({"Board.canvas": text}), select=["LK008"]).diagnostics
    assert (diagnostic.span.line, _at(text.split("\n"), diagnostic)) == (4, "^twice")
    assert diagnostic.span.column > text.split("\n")[3].index("Four")
