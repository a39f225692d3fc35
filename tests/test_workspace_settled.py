"""A live Workspace settles the notes its start checked (memory) and parses one again when it is
needed whole: an edit that reaches it, a rename's edits, a quick fix, go-to-definition.

The answers must be those of a workspace holding every note whole, and come from the text
the note was checked from (an editor's unsaved text before the file).  Every test here
compares a freshly started workspace (settled notes) with one whose notes were each checked
again after the start (whole notes, as before settling), and fails when the note parsed again
is not the one checked (no links, or the file's text instead of the editor's).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_vault
from test_workspace_vaultrules import paths_given_to

import vaultlint
import vaultlint.loader as loader_module
from vaultlint import Workspace
from vaultlint.fix import apply_edits
from vaultlint.server.actions import Request, actions_for
from vaultlint.server.linkedits import heading_rename_edits, rename_edits, rename_target
from vaultlint.server.linknav import definition

HOME = (
    "---\nrelated: '[[Project]]'\ntags: [plan]\n---\n"
    "# Home\n\nSee [[Project#Goal]], [[Project|the plan]] and [[Project#^blk]].\n"
    "![[Project]] and [read](Project.md) and [[Elsewhere]].\n"
)
FILES = {
    "Project.md": "# Goals\n\nThe aim. ^blk\n",
    "Other.md": "# Other\n\n[[Project#Goals]] again, [x](<Project.md#Goals>).\n",
    **{f"more/n{i}.md": f"# N{i}\n\n[[Elsewhere]] {i}\n" for i in range(30)},
    "Elsewhere.md": "# Elsewhere\n",
}


@pytest.fixture
def vaults(tmp_path: Path):
    """``(settled, whole)``: two Workspaces on one vault, as started, and with every note checked
    again (whole, as a workspace held them before it settled its start's notes)."""
    root = write_vault(tmp_path / "v", {**FILES, "Home.md": HOME})
    settled = Workspace(root, no_cache=True, offline=True)
    whole = Workspace(root, no_cache=True, offline=True)
    for path in sorted(whole.vault.by_path):
        whole.update(path)  # read again: the note is parsed and checked again, and kept whole
    yield settled, whole
    settled.close()
    whole.close()


def _held(ws: Workspace, path: str):
    return ws._loader.loaded.get(path)


def test_the_start_settles_its_notes_and_a_change_keeps_them_whole(vaults) -> None:
    settled, whole = vaults
    assert _held(settled, "Home.md").links == ()  # what the memory is saved on
    assert _held(settled, "Home.md").headings == _held(whole, "Home.md").headings  # what others read
    assert len(_held(whole, "Home.md").links) == 7
    assert settled.diagnostics() == whole.diagnostics()
    assert settled.note("Home.md") == whole.note("Home.md")  # parsed again, whole


def test_a_rename_on_settled_notes_gives_the_edits_it_gives_on_whole_ones(vaults, monkeypatch) -> None:
    settled, whole = vaults
    moved = {"Project.md": "Plans/Big Plan.md"}
    parsed = paths_given_to(monkeypatch, loader_module, "parse_file")
    edits = rename_edits(settled, moved)
    # Only the notes whose links name the file, and the file itself, are parsed again: not the
    # vault's every note.
    assert sorted(parsed) == ["Home.md", "Other.md", "Project.md"]
    assert edits == rename_edits(whole, moved)
    assert sorted(edits) == ["Home.md", "Other.md"]
    assert "[[Big Plan#Goal]]" in apply_edits(settled.text("Home.md"), edits["Home.md"])


def test_a_settled_note_open_in_the_editor_is_parsed_again_from_the_editors_text(vaults) -> None:
    """The editor opened Home.md (its text, the file's: nothing to check again), then the file
    changed on disk and the workspace has not been told yet: the edits are for the text the
    editor shows, as they are on a whole note."""
    settled, whole = vaults
    moved = {"Project.md": "Big Plan.md"}
    for ws in (settled, whole):
        ws.update("Home.md", HOME)
    assert _held(settled, "Home.md").links == ()  # still settled: the text was the one checked
    (settled.root / "Home.md").write_text("\n\n\n" + HOME, encoding="utf-8")
    edits = rename_edits(settled, moved)
    assert edits == rename_edits(whole, moved)
    assert apply_edits(HOME, edits["Home.md"]) == HOME.replace("[[Project", "[[Big Plan").replace(
        "(Project.md)", "(Big%20Plan.md)"
    )


def test_a_heading_rename_on_a_settled_vault_gives_the_edits_it_gives_on_whole_notes(vaults) -> None:
    settled, whole = vaults
    found = []
    for ws in (settled, whole):
        target = rename_target(ws, "Project.md", 1, 3)
        assert target is not None
        found.append(heading_rename_edits(ws, target, "Aims"))
    assert found[0] == found[1]
    assert sorted(found[0]) == ["Other.md", "Project.md"]


def _actions(ws: Workspace, path: str) -> list:
    """The code actions for the whole of ``path`` (as the server plans them)."""
    request = Request(
        "file:///" + path,
        path,
        ws.text(path) or "",
        ws.note(path),
        tuple(ws.diagnostics(path)),
        "utf-16",
        (0, 0),
        (100, 0),
        True,
    )
    return actions_for(request, ws)


def test_quick_fixes_on_a_settled_note_are_those_on_a_whole_one(vaults) -> None:
    settled, whole = vaults
    actions = _actions(settled, "Home.md")
    assert actions == _actions(whole, "Home.md")
    # The anchor hint reads the link under the diagnostic: "#Goal" -> "#Goals".
    assert any("Goals" in action.title for action in actions)


def test_go_to_definition_on_a_settled_note_is_that_on_a_whole_one(vaults) -> None:
    settled, whole = vaults
    line = HOME.split("\n").index("See [[Project#Goal]], [[Project|the plan]] and [[Project#^blk]].") + 1
    for column in (8, 26, 50):
        assert definition(settled, "Home.md", line, column) == definition(whole, "Home.md", line, column)
    assert definition(settled, "Home.md", line, 50) is not None


def test_a_file_changed_behind_the_workspaces_back_is_still_a_change_when_it_is_told(tmp_path: Path) -> None:
    """X gains an alias on disk; before the workspace is told (the watcher's event), a rename
    parses X again from the file.  The update that follows must still see X's aliases change
    (A's hint now names X), as it does when nothing read X in between."""
    root = write_vault(tmp_path / "v", {"A.md": "See [[Nickname]].\n", "X.md": "# X\n"})
    with Workspace(root, no_cache=True, offline=True) as ws:
        (root / "X.md").write_text("---\naliases: [Nickname]\n---\n# X\n", encoding="utf-8")
        assert ws.note("X.md").frontmatter is not None  # parsed again, from the file as it is now
        ws.update("X.md")
        expected = vaultlint.lint(root, offline=True, no_cache=True).diagnostics
        assert any(d.hint and "X" in d.hint for d in expected)  # the alias is in A's hint
        assert ws.diagnostics() == expected
