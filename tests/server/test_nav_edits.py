"""The edits behind the editor's renames (server/linkedits.py): files, folders, headings, block ids.

Each test builds a real vault on disk, opens a real Workspace on it, asks for the
edits, applies them with the same function ``--fix`` uses, and then checks the
result the way a user would: the text, and that ``vaultlint check`` finds every
link working once the files are moved.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import write_vault
from test_renames import HOME as FIX_HOME
from test_renames import PROJECT

from vaultlint import Workspace
from vaultlint.fix import apply_edits
from vaultlint.model import Span
from vaultlint.server.linkedits import (
    RenameRefused,
    block_rename_edits,
    heading_rename_edits,
    moved_files,
    rename_edits,
    rename_target,
)


@pytest.fixture
def vault(tmp_path):
    def make(files: dict[str, str]) -> Workspace:
        root = write_vault(tmp_path / "v", files)
        ws = Workspace(root)
        opened.append(ws)
        return ws

    opened: list[Workspace] = []
    yield make
    for ws in opened:
        ws.close()


def applied(ws: Workspace, edits: dict) -> dict[str, str]:
    """Every note of the vault as it reads once ``edits`` are applied (vault path -> text)."""
    return {path: apply_edits(ws.text(path), found) for path, found in edits.items()}


def move_and_apply(ws: Workspace, old: str, new: str) -> dict[str, str]:
    """What an editor does on a file rename: apply willRenameFiles' edits, then move the file(s)."""
    moved = moved_files(ws.vault.index.paths, old, new)
    texts = applied(ws, rename_edits(ws, moved))
    for path, text in texts.items():
        ws.fs_path(path).write_text(text, encoding="utf-8")
    for path in texts:
        ws.update(path)
    root = ws.root
    (root / new).parent.mkdir(parents=True, exist_ok=True)
    shutil.move(root / old, root / new)
    ws.rename(old, new)
    return texts


def link_problems(root: Path) -> list[str]:
    """The link diagnostics of a fresh check of the vault (what must stay empty after a rename)."""
    with Workspace(root) as fresh:
        return [
            f"{d.path}:{d.span.line}: {d.code} {d.message}"
            for d in fresh.diagnostics()
            if d.code in ("LK001", "LK002", "LK003", "LK004", "LK005")
        ]


# The vault of --fix's own rename test (tests/test_renames.py), with two more link styles:
# the editor's rename must make the same edits.
HOME = FIX_HOME.replace(" and <!-- a comment -->", ", [with .md](<Project.md>) and [[Project.md|ext]]")


def test_a_note_rename_rewrites_every_link_in_its_own_style(vault):
    ws = vault({"Project.md": PROJECT, "Home.md": HOME})
    texts = move_and_apply(ws, "Project.md", "Big Plan.md")
    assert texts == {
        "Home.md": (
            "---\n"
            'up: "[[Big Plan]]"\n'
            "related:\n"
            "  - '[[Big Plan#Goals]]'\n"
            "---\n"
            "# Home\n"
            "\n"
            "See [[Big Plan]], [[ Big Plan#Goals | the goals ]] and ![[Big Plan#^plan]].\n"
            'A [Markdown link](Big%20Plan.md#Goals "title"), [with .md](<Big%20Plan.md>) and [[Big Plan.md|ext]].\n'
            "Also [[Elsewhere]], still missing.\n"
        )
    }
    assert [p for p in link_problems(ws.root) if "Elsewhere" not in p] == []


def test_the_edits_are_the_ones_fix_makes_after_a_git_rename(vault):
    """The same rewrite as ``--fix`` (tests/test_renames.py's expectation, one implementation)."""
    ws = vault({"Project.md": PROJECT, "Home.md": HOME})
    edits = rename_edits(ws, {"Project.md": "Big Plan.md"})
    from vaultlint.linkrepair import retarget
    from vaultlint.vault import VaultIndex

    after = VaultIndex(["Big Plan.md", "Home.md"])
    note, text = ws.note("Home.md"), ws.text("Home.md")
    to_project = [link for link in note.links if ws.vault.index.resolve(link.path, "Home.md").target == "Project.md"]
    expected = [retarget(text, link, "Project.md", "Big Plan.md", after, "Home.md") for link in to_project]
    assert list(edits["Home.md"]) == [e for e in expected if e is not None]


def test_links_that_still_reach_the_note_are_left_alone(vault):
    ws = vault({"Project.md": PROJECT, "Home.md": "[[Project]] [p](Project.md) [q](./Project.md)\n"})
    # "Project" and "Project.md" name the only such file anywhere, and "./Project.md" (the
    # root's) still ends the path of "Archive/Project.md": Obsidian finds it by that suffix
    assert move_and_apply(ws, "Project.md", "Archive/Project.md") == {}
    assert link_problems(ws.root) == []


def test_a_name_that_becomes_ambiguous_gets_a_path(vault):
    ws = vault({"a/Plan.md": "# Old\n", "b/Draft.md": "# New\n", "Home.md": "[[Plan]] and [[Draft]]\n"})
    texts = move_and_apply(ws, "b/Draft.md", "b/Plan.md")
    # two "Plan" at the same depth would tie: each link names its own by path
    assert texts == {"Home.md": "[[a/Plan]] and [[b/Plan]]\n"}
    assert link_problems(ws.root) == []


def test_a_name_that_stays_unambiguous_stays_short(vault):
    ws = vault({"Plan.md": "# Old\n", "work/Draft.md": "# New\n", "Home.md": "[[Plan]] and [[Draft]]\n"})
    texts = move_and_apply(ws, "work/Draft.md", "work/Plan.md")
    # "[[Plan]]" is the root's Plan.md by its exact path: unchanged
    assert texts == {"Home.md": "[[Plan]] and [[work/Plan]]\n"}
    assert link_problems(ws.root) == []


def test_a_link_that_would_change_target_is_rewritten(vault):
    """Moving a note next to the note that links it makes a bare name reach the moved one."""
    ws = vault(
        {
            "a/Topic.md": "# A\n",
            "b/Topic.md": "# B\n",
            "b/Home.md": "[[a/Topic]] and [[Topic]]\n",
            "c/Topic.md": "# C\n",
        }
    )
    texts = move_and_apply(ws, "c/Topic.md", "d/Topic.md")
    assert texts == {}
    texts = move_and_apply(ws, "b/Home.md", "a/Home.md")
    # from a/, "[[Topic]]" would reach a/Topic.md: it is rewritten to keep reaching b/Topic.md
    assert texts == {"b/Home.md": "[[a/Topic]] and [[b/Topic]]\n"}


def test_a_folder_rename_rewrites_links_into_it_and_relative_links_out_of_it(vault):
    ws = vault(
        {
            "projects/Alpha.md": "See [up](../Index.md) and [[projects/Beta]].\n",
            "projects/Beta.md": "# Beta\n",
            "Index.md": "[[projects/Alpha]], [b](projects/Beta.md#Beta) and ![[projects/diagram.png]]\n",
            "projects/diagram.png": "png",
        }
    )
    texts = move_and_apply(ws, "projects", "archive/2024")
    assert texts["Index.md"] == "[[Alpha]], [b](Beta.md#Beta) and ![[diagram.png]]\n"
    # the shortest link, as --fix writes it (not a longer relative path)
    assert texts["projects/Alpha.md"] == "See [up](Index.md) and [[Beta]].\n"
    assert link_problems(ws.root) == []


def test_several_files_renamed_at_once_link_each_other_by_their_new_names(vault):
    """An editor moving a selection sends every file in one willRenameFiles."""
    ws = vault({"A.md": "[[B]] and [[A#Top]]\n\n# Top\n", "B.md": "[[A]]\n", "Home.md": "[[A]] [[B]]\n"})
    moved = {**moved_files(ws.vault.index.paths, "A.md", "C.md"), **moved_files(ws.vault.index.paths, "B.md", "D.md")}
    assert applied(ws, rename_edits(ws, moved)) == {
        "A.md": "[[D]] and [[C#Top]]\n\n# Top\n",
        "B.md": "[[C]]\n",
        "Home.md": "[[C]] [[D]]\n",
    }


def test_percent_encoding_and_case(vault):
    ws = vault({"Café notes.md": "# Ünïcode\n", "Home.md": "[c](Caf%C3%A9%20notes.md) [[café notes]]\n"})
    texts = move_and_apply(ws, "Café notes.md", "Ärger & (Plan).md")
    assert texts == {"Home.md": "[c](%C3%84rger%20&%20%28Plan%29.md) [[Ärger & (Plan)]]\n"}
    assert link_problems(ws.root) == []


def test_an_attachment_rename_keeps_embeds_and_its_extension(vault):
    ws = vault({"img/pic.png": "png", "Home.md": "![[pic.png|200]] ![alt](img/pic.png)\n"})
    texts = move_and_apply(ws, "img/pic.png", "img/diagram.png")
    assert texts == {"Home.md": "![[diagram.png|200]] ![alt](diagram.png)\n"}
    assert link_problems(ws.root) == []


def test_a_case_only_rename_changes_nothing_that_still_works(vault):
    ws = vault({"Project.md": PROJECT, "Home.md": "[[Project]]\n"})
    assert rename_edits(ws, {"Project.md": "project.md"}) == {}


def test_unsaved_text_is_what_gets_edited(vault):
    ws = vault({"Project.md": PROJECT, "Home.md": "nothing yet\n"})
    ws.update("Home.md", "typed [[Project]] now\n")
    edits = rename_edits(ws, {"Project.md": "Plan.md"})
    assert applied(ws, edits) == {"Home.md": "typed [[Plan]] now\n"}


def test_broken_links_stay_broken(vault):
    ws = vault({"Project.md": PROJECT, "Home.md": "[[Projekt]] [[Project#Nope]]\n"})
    edits = rename_edits(ws, {"Project.md": "Plan.md"})
    assert applied(ws, edits) == {"Home.md": "[[Projekt]] [[Plan#Nope]]\n"}


# -- headings ------------------------------------------------------------------

TARGET = "# Project ^top\n\n## Goals: 2024\n\ntext ^plan\n\n### Sub\n\n## Other\n"
LINKS = (
    "---\n"
    "up: '[[Project#Goals 2024]]'\n"
    "---\n"
    "[[Project#Goals: 2024]] [[Project#Goals 2024|g]] ![[Project#goals  2024]]\n"
    "[m](Project.md#Goals%202024) [n](<Project.md#Goals 2024>) [[Project#Goals 2024#Sub]]\n"
    "[[Project#Other]] [[Project#^plan]] [m](Project.md#%5Eplan)\n"
)


def heading_target(ws: Workspace, path: str, heading: str):
    line = next(h.span.line for h in ws.note(path).headings if h.text == heading)
    return rename_target(ws, path, line, 1)


def test_a_heading_rename_rewrites_the_heading_and_every_link_to_it(vault):
    ws = vault({"Project.md": TARGET, "Links.md": LINKS + "[[#Not here]]\n"})
    target = heading_target(ws, "Project.md", "Goals: 2024")
    assert (target.kind, target.placeholder) == ("heading", "Goals: 2024")
    texts = applied(ws, heading_rename_edits(ws, target, "Aims | 2025 #1"))
    assert texts["Project.md"] == TARGET.replace("Goals: 2024", "Aims | 2025 #1")
    assert texts["Links.md"] == (
        "---\n"
        "up: '[[Project#Aims 2025 1]]'\n"
        "---\n"
        "[[Project#Aims 2025 1]] [[Project#Aims 2025 1|g]] ![[Project#Aims 2025 1]]\n"
        "[m](Project.md#Aims%202025%201) [n](<Project.md#Aims%202025%201>) [[Project#Aims 2025 1#Sub]]\n"
        "[[Project#Other]] [[Project#^plan]] [m](Project.md#%5Eplan)\n"
        "[[#Not here]]\n"
    )
    for path, text in texts.items():
        ws.fs_path(path).write_text(text, encoding="utf-8")
    assert [p for p in link_problems(ws.root) if "Not here" not in p] == []


def test_a_heading_rename_keeps_a_trailing_block_id_and_rewrites_self_links(vault):
    ws = vault({"Project.md": TARGET + "\nSee [[#Project]] and [[#^top]].\n"})
    target = heading_target(ws, "Project.md", "Project ^top")
    assert target.placeholder == "Project"
    texts = applied(ws, heading_rename_edits(ws, target, "Plan"))
    assert texts["Project.md"].startswith("# Plan ^top\n")
    assert texts["Project.md"].endswith("See [[#Plan]] and [[#^top]].\n")


def test_a_rename_started_on_a_link_renames_the_heading_it_reaches(vault):
    ws = vault({"Project.md": TARGET, "Links.md": "x [[Project#Goals 2024#Sub]]\n"})
    column = "x [[Project#Goals 2024#S".index("#S") + 2
    target = rename_target(ws, "Links.md", 1, column)
    assert (target.path, target.kind, target.placeholder) == ("Project.md", "heading", "Sub")
    assert target.here == Span(1, column, 1, column + 3)  # what the editor highlights: the link's "Sub"
    texts = applied(ws, heading_rename_edits(ws, target, "Details"))
    assert texts["Links.md"] == "x [[Project#Goals 2024#Details]]\n"
    assert "### Details\n" in texts["Project.md"]


def test_a_heading_rename_that_would_send_links_elsewhere_is_refused(vault):
    ws = vault({"Project.md": TARGET, "Links.md": "[[Project#Other]]\n"})
    target = heading_target(ws, "Project.md", "Other")
    with pytest.raises(RenameRefused, match="another heading"):
        heading_rename_edits(ws, target, "Goals 2024")


def test_nothing_to_rename_outside_headings_and_block_ids(vault):
    ws = vault({"Project.md": TARGET, "Links.md": "[[Project]] plain\n"})
    assert rename_target(ws, "Project.md", 2, 1) is None
    assert rename_target(ws, "Links.md", 1, 4) is None  # a link without a heading part
    assert rename_target(ws, "Links.md", 1, 14) is None


# -- block ids -------------------------------------------------------------------


def test_a_block_rename_rewrites_the_id_and_every_link_to_it(vault):
    ws = vault({"Project.md": TARGET, "Links.md": LINKS})
    line = next(b.span.line for b in ws.note("Project.md").block_ids if b.id == "plan")
    target = rename_target(ws, "Project.md", line, 7)
    assert (target.kind, target.placeholder) == ("block", "plan")
    texts = applied(ws, block_rename_edits(ws, target, "decision-1"))
    assert "text ^decision-1\n" in texts["Project.md"]
    assert texts["Links.md"].endswith("[[Project#Other]] [[Project#^decision-1]] [m](Project.md#^decision-1)\n")
    with pytest.raises(RenameRefused):
        block_rename_edits(ws, target, "not an id")
    with pytest.raises(RenameRefused, match="already has"):
        block_rename_edits(ws, target, "TOP")


def test_a_renamed_index_is_the_index_of_the_new_paths():
    """VaultIndex.renamed (built from the old tables, for speed) equals an index built afresh."""
    import random

    from vaultlint.vault import VaultIndex

    names = ["Note.md", "note.md", "Plan.md", "a.png", "Über.md", "x y.md"]
    folders = ["", "a/", "a/b/", "B/", "b/"]
    rng = random.Random(21)
    for _ in range(300):
        paths = sorted({rng.choice(folders) + rng.choice(names) for _ in range(rng.randint(1, 12))})
        index = VaultIndex(paths)
        moving = rng.sample(paths, rng.randint(1, len(paths)))
        taken = set(paths) - set(moving)
        moved = {}
        for old in moving:
            new = rng.choice(folders) + rng.choice(names)
            if new not in taken:
                moved[old] = new
                taken.add(new)
        fresh = VaultIndex(moved.get(p, p) for p in paths)
        renamed = index.renamed(moved)
        assert renamed.paths == fresh.paths
        assert renamed.by_name == fresh.by_name
        assert renamed._by_lower_path == fresh._by_lower_path
        for link in ("Note", "note", "a/Note", "b/Plan", "a.png", "../x y", "/Über"):
            for source in ("Home.md", "a/Home.md", "b/Home.md"):
                assert renamed.resolve(link, source) == fresh.resolve(link, source)
