"""Go to definition, completion of link targets and hover on broken links (server/linknav.py),
on real vaults through a real Workspace."""

from __future__ import annotations

import pytest
from helpers import write_vault

from vaultlint import Workspace
from vaultlint.model import Span
from vaultlint.server.linknav import Place, completions, definition, hover_text


@pytest.fixture
def vault(tmp_path):
    opened: list[Workspace] = []

    def make(files: dict[str, str]) -> Workspace:
        ws = Workspace(write_vault(tmp_path / "v", files))
        opened.append(ws)
        return ws

    yield make
    for ws in opened:
        ws.close()


PROJECT = "---\naliases: [The Plan, Roadmap]\n---\n# Project\n\n## Goals: 2024\n\ntext ^plan\n\n### Sub\n"


def column_of(line: str, needle: str) -> int:
    """The 1-based column of the first character of ``needle`` in ``line``."""
    return line.index(needle) + 1


# -- definition ------------------------------------------------------------------

HOME = "[[Project]] [[Project#Goals 2024#Sub]] ![[Project#^PLAN]] [g](Project.md#Goals%202024) [c](Project.md#Goals%3A%202024) [[Nowhere]]\n"


def test_definition_of_a_note_a_heading_a_block_and_an_embed(vault):
    ws = vault({"Project.md": PROJECT, "Home.md": HOME, "pic.png": "png", "Pics.md": "![[pic.png]]\n"})
    assert definition(ws, "Home.md", 1, 3) == Place("Project.md", Span(1, 1, 1, 1))
    assert definition(ws, "Home.md", 1, column_of(HOME, "Sub")) == Place("Project.md", Span(10, 1, 10, 8))
    assert definition(ws, "Home.md", 1, column_of(HOME, "PLAN")) == Place("Project.md", Span(8, 6, 8, 11))
    assert definition(ws, "Home.md", 1, column_of(HOME, "[g]")) == Place("Project.md", Span(6, 1, 6, 15))
    # decodeURI keeps "%3A": Obsidian looks for a heading "Goals%3A 2024" and opens the note at the top
    assert definition(ws, "Home.md", 1, column_of(HOME, "[c]")) == Place("Project.md", Span(1, 1, 1, 1))
    assert definition(ws, "Pics.md", 1, 4) == Place("pic.png", Span(1, 1, 1, 1))


def test_no_definition_off_a_link_or_for_a_broken_one(vault):
    ws = vault({"Project.md": PROJECT, "Home.md": HOME})
    assert definition(ws, "Home.md", 1, column_of(HOME, "[[Nowhere")) is None
    assert definition(ws, "Project.md", 8, 2) is None
    assert definition(ws, "Missing.md", 1, 1) is None


def test_a_missing_heading_opens_the_note_at_the_top(vault):
    ws = vault({"Project.md": PROJECT, "Home.md": "[[Project#Nope]] [[#Local]]\n\n## Local\n"})
    assert definition(ws, "Home.md", 1, 3) == Place("Project.md", Span(1, 1, 1, 1))
    assert definition(ws, "Home.md", 1, 20) == Place("Home.md", Span(3, 1, 3, 9))


def test_a_link_in_a_property_and_in_unsaved_text(vault):
    ws = vault({"Project.md": PROJECT, "Home.md": "nothing\n"})
    ws.update("Home.md", '---\nup: "[[Project#Goals 2024]]"\n---\n')
    assert definition(ws, "Home.md", 2, 8) == Place("Project.md", Span(6, 1, 6, 15))


# -- completion -------------------------------------------------------------------

FILES = {
    "Project.md": PROJECT,
    "archive/Project.md": "# Old project\n",
    "Projection.md": "# P\n",
    "people/Ada Lovelace.md": "# Ada\n",
    "img/project diagram.png": "png",
    "Home.md": "\n",
}


def complete(ws: Workspace, line_text: str, path: str = "Home.md", limit: int = 100):
    ws.update(path, line_text + "\n")
    return completions(ws, path, line_text, 1, len(line_text) + 1, limit)


def test_targets_after_double_brackets_are_written_as_obsidian_writes_them(vault):
    ws = vault(FILES)
    found = complete(ws, "See [[proj")
    inserts = [(item.insert, item.kind) for item in found.items]
    # names that start with what was typed first, shorter paths first; a path when the name
    # is not unique; an attachment with its extension
    assert inserts == [
        ("Project", "note"),
        ("Projection", "note"),
        ("archive/Project", "note"),
        ("project diagram.png", "attachment"),
    ]
    assert found.span == Span(1, 7, 1, 11)
    assert not found.incomplete


def test_aliases_and_words_in_any_order(vault):
    ws = vault(FILES)
    found = complete(ws, "[[road")
    assert [(i.label, i.insert, i.kind) for i in found.items] == [("Roadmap", "Project|Roadmap", "alias")]
    found = complete(ws, "[[plan")  # aliases are written [[Owner|alias]], as Obsidian does
    assert [(i.label, i.insert) for i in found.items] == [("The Plan", "Project|The Plan")]
    found = complete(ws, "[[love ada")
    assert [i.insert for i in found.items] == ["Ada Lovelace"]


def test_markdown_links_get_encoded_paths_with_the_extension(vault):
    ws = vault(FILES)
    found = complete(ws, "[x](ada")
    assert [i.insert for i in found.items] == ["Ada%20Lovelace.md"]
    assert found.span == Span(1, 5, 1, 8)
    assert complete(ws, "[x](https://exa") is None
    assert complete(ws, "[x](ada lovelace") is None  # a space ends a destination outside <>
    found = complete(ws, "[x](<ada love")
    assert [i.insert for i in found.items] == ["Ada%20Lovelace.md"]
    assert found.span == Span(1, 6, 1, 14)


def test_headings_after_hash_and_blocks_after_caret(vault):
    ws = vault(FILES)
    found = complete(ws, "[[Project#go")
    assert [(i.label, i.insert) for i in found.items] == [("Goals: 2024", "Goals 2024")]
    assert found.span == Span(1, 11, 1, 13)
    found = complete(ws, "[[Project#")
    assert [i.label for i in found.items] == ["Project", "Goals: 2024", "Sub"]
    found = complete(ws, "[m](Project.md#Goals")
    assert [i.insert for i in found.items] == ["Goals%202024"]
    found = complete(ws, "![[Project#^")
    assert [(i.insert, i.kind, i.detail) for i in found.items] == [("plan", "block", "text ^plan")]
    assert found.span == Span(1, 13, 1, 13)


def test_headings_of_the_note_itself(vault):
    ws = vault(FILES)
    ws.update("Home.md", "# Mine\n[[#\n")
    found = completions(ws, "Home.md", "[[#", 2, 4)
    assert [i.label for i in found.items] == ["Mine"]


def test_nothing_outside_a_link_being_typed(vault):
    ws = vault(FILES)
    assert complete(ws, "plain text") is None
    assert complete(ws, "[[Project]] and") is None
    assert complete(ws, "[[Project|ali") is None


def test_a_big_vault_gets_a_bounded_list_marked_incomplete(vault):
    ws = vault({f"notes/Note {n:04}.md": "x\n" for n in range(300)} | {"Home.md": "\n"})
    found = complete(ws, "[[note", limit=50)
    assert len(found.items) == 50
    assert found.incomplete
    assert found.items[0].insert == "Note 0000"


# -- hover -----------------------------------------------------------------------------


def test_hover_on_a_broken_link_shows_the_diagnostic_and_its_hint(vault):
    ws = vault({"Project.md": PROJECT, "Home.md": "See [[Projet]] and [[Project#Goal]].\n"})
    note, diagnostics = ws.note("Home.md"), ws.diagnostics("Home.md")
    text = hover_text(note, diagnostics, 1, 8)
    assert text == '**LK001** unresolved-link\n\n```text\nunresolved link "Projet"\nhint: did you mean "Project"?\n```'
    assert "LK003" in hover_text(note, diagnostics, 1, 25)
    assert hover_text(note, diagnostics, 1, 2) is None  # off the link


def test_hover_on_a_working_link_says_nothing(vault):
    ws = vault({"Project.md": PROJECT, "Home.md": "[[Project]]\n"})
    assert hover_text(ws.note("Home.md"), ws.diagnostics("Home.md"), 1, 3) is None


def test_hover_keeps_what_the_vault_wrote_inside_a_code_block(vault):
    ws = vault({"Home.md": "[[```![x](https://example.invalid/t.png)]]\n"})
    text = hover_text(ws.note("Home.md"), ws.diagnostics("Home.md"), 1, 3)
    fence = "````"
    assert text.startswith(f"**LK001** unresolved-link\n\n{fence}text\n") and text.endswith(f"\n{fence}")
