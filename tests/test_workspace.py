"""The long-lived workspace (issue 21): its public API, each change kind, and that it answers
exactly what a fresh ``vaultlint check --no-cache`` of the same files answers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import FIXTURES, write_vault

import vaultlint
from vaultlint.workspace import Workspace


def fresh(root: Path, **overrides: object) -> tuple:
    """What a new batch run (no cache) says about the vault at ``root``."""
    return vaultlint.lint(root, offline=True, no_cache=True, **overrides).diagnostics


def codes(diagnostics) -> list[tuple[str, str]]:
    return sorted((d.path, d.code) for d in diagnostics)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURES / "demo-vault", tmp_path / "demo"))


def test_built_workspace_says_what_check_says(demo: Path) -> None:
    with vaultlint.Workspace(demo, offline=True) as ws:
        assert ws.root == demo.resolve()
        assert ws.diagnostics() == fresh(demo)
        assert ws.diagnostics()  # the demo vault has problems to show


def test_one_note_diagnostics_by_vault_path_or_absolute(demo: Path) -> None:
    with Workspace(demo, offline=True) as ws:
        everything = ws.diagnostics()
        path = everything[0].path
        mine = tuple(d for d in everything if d.path == path)
        assert ws.diagnostics(path) == mine
        assert ws.diagnostics(demo / path) == mine
        assert ws.diagnostics("/nowhere/else.md") == ()


def test_paths_in_and_out(demo: Path) -> None:
    with Workspace(demo, offline=True) as ws:
        assert ws.vault_path(demo / "Guides" / "x.md") == "Guides/x.md"
        assert ws.vault_path("Guides/x.md") == "Guides/x.md"
        assert ws.vault_path(demo.parent / "elsewhere.md") is None
        assert ws.fs_path("Reading list.md") == demo.resolve() / "Reading list.md"
        assert ws.note("Reading list.md") is not None and ws.note("Reading list.md").path == "Reading list.md"
        assert ws.note("nothing.md") is None
        assert ws.text("Reading list.md") == (demo / "Reading list.md").read_text(encoding="utf-8")
        assert ws.context.vault is ws.vault
        assert ws.settings.offline is True


def test_edit_on_disk_then_update(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]\n", "b.md": "# B\n"})
    with Workspace(root, offline=True) as ws:
        assert ws.diagnostics() == ()
        (root / "a.md").write_text("[[b#Missing]]\n", encoding="utf-8")
        assert "a.md" in ws.update(root / "a.md")
        assert codes(ws.diagnostics()) == [("a.md", "LK003")]
        assert ws.diagnostics() == fresh(root)


def test_unsaved_text_wins_over_disk_until_updated_without_it(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]\n", "b.md": "# B\n"})
    with Workspace(root, offline=True) as ws:
        assert ws.update("a.md", "[[nowhere]]\n") == frozenset({"a.md"})
        assert codes(ws.diagnostics()) == [("a.md", "LK001")]
        assert ws.text("a.md") == "[[nowhere]]\n"
        assert ws.note("a.md").links[0].path == "nowhere"
        assert (root / "a.md").read_text(encoding="utf-8") == "[[b]]\n"  # never written
        ws.update("a.md")
        assert ws.diagnostics() == ()


def test_heading_change_rechecks_the_notes_linking_to_it(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b#Start]]\n", "b.md": "# Start\n", "c.md": "plain\n"})
    with Workspace(root, offline=True) as ws:
        changed = ws.update("b.md", "# Begin\n")
        assert changed == frozenset({"a.md", "b.md"})
        assert codes(ws.diagnostics()) == [("a.md", "LK003")]


def test_created_deleted_and_renamed_files(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[b]] ![[pic.png]]\n", "b.md": "B\n"})
    with Workspace(root, offline=True) as ws:
        assert codes(ws.diagnostics()) == [("a.md", "LK002")]
        (root / "pic.png").write_bytes(b"\x89PNG")
        assert "a.md" in ws.update(root / "pic.png")
        assert ws.diagnostics() == ()
        (root / "b.md").rename(root / "c.md")
        assert "a.md" in ws.rename("b.md", "c.md")
        assert codes(ws.diagnostics()) == [("a.md", "LK001")]
        assert ws.diagnostics() == fresh(root)
        (root / "pic.png").unlink()
        assert "a.md" in ws.remove("pic.png")
        assert ws.diagnostics() == fresh(root)


def test_folder_rename_moves_every_note_in_it(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[Old/b]] [[Old/c]]\n", "Old/b.md": "[[c]]\n", "Old/c.md": "# C\n"})
    with Workspace(root, offline=True) as ws:
        (root / "Old").rename(root / "New")
        changed = ws.rename("Old", "New")
        assert {"a.md", "New/b.md", "Old/b.md"} <= changed
        assert codes(ws.diagnostics()) == [("a.md", "LK001"), ("a.md", "LK001")]
        assert ws.diagnostics() == fresh(root)


def test_unsaved_new_note_exists_until_closed(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[new]]\n"})
    with Workspace(root, offline=True) as ws:
        assert codes(ws.diagnostics()) == [("a.md", "LK001")]
        assert ws.update("new.md", "[[gone]]\n") >= {"a.md", "new.md"}
        assert codes(ws.diagnostics()) == [("new.md", "LK001")]
        ws.remove("new.md")
        assert codes(ws.diagnostics()) == [("a.md", "LK001")]


def test_config_change_reloads(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[nowhere]]\n"})
    with Workspace(root, offline=True) as ws:
        assert codes(ws.diagnostics()) == [("a.md", "LK001")]
        (root / ".vaultlint.toml").write_text('ignore = ["LK001"]\n', encoding="utf-8")
        assert ws.update(root / ".vaultlint.toml") == frozenset({"a.md"})
        assert ws.diagnostics() == ()


def test_obsidian_settings_change_reloads(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "---\nn: x\n---\n"})
    with Workspace(root, offline=True) as ws:
        assert ws.diagnostics() == ()
        (root / ".obsidian" / "types.json").write_text('{"types": {"n": "number"}}', encoding="utf-8")
        ws.update(root / ".obsidian" / "types.json")
        assert codes(ws.diagnostics()) == [("a.md", "FM007")]


def test_alias_change_updates_hints(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[Nick]]\n", "b.md": "plain\n"})
    with Workspace(root, offline=True) as ws:
        assert ws.diagnostics()[0].hint is None
        assert "a.md" in ws.update("b.md", "---\naliases: [Nick]\n---\n")
        assert "alias" in ws.diagnostics()[0].hint


def test_overrides_and_unknown_keywords(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[nowhere]]\n"})
    with Workspace(root, offline=True, ignore=["LK001"]) as ws:
        assert ws.diagnostics() == ()
    with pytest.raises(TypeError, match="unknown"):
        Workspace(root, colour=True)
    with pytest.raises(TypeError, match="one run"):
        Workspace(root, staged=True)


def test_memory_stays_flat_over_a_thousand_update_and_check_cycles(tmp_path: Path) -> None:
    """An editor session: typing (unsaved text), saving, a file created and deleted, each followed
    by diagnostics.  What the workspace holds must not grow with the number of changes."""
    import gc
    import tracemalloc

    root = write_vault(
        tmp_path / "v",
        {"a.md": "# A\n[[b#B]] [[c]]\n", "b.md": "# B\n^x\n", "c.md": "---\naliases: [see]\n---\n[[a]]\n"},
    )
    texts = ["# A\n[[b#B]] [[nowhere]] #tag\n", "# A\n[[b#Gone]] [[see]]\n", "# A\n[[b#B]] [[c]]\n"]

    def cycle(ws: Workspace, number: int) -> None:
        kind = number % 4
        if kind == 0:
            ws.update("a.md", texts[number % 3])
        elif kind == 1:
            (root / "b.md").write_text(f"# B\n^x{number % 3}\n", encoding="utf-8")
            ws.update("b.md")
        elif kind == 2:  # a new name each time: what is known of a file must go with it
            (root / f"new {number}.md").write_text("[[a]] [[nowhere]] [[c#Nope]]\n", encoding="utf-8")
            ws.update(f"new {number}.md")
        else:
            (root / f"new {number - 1}.md").unlink()
            ws.remove(f"new {number - 1}.md")
        ws.diagnostics()
        ws.diagnostics("a.md")

    with Workspace(root, offline=True, jobs=1) as ws:
        for number in range(200):  # every cache and index has seen every state
            cycle(ws, number)
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.take_snapshot()
            for number in range(1000):
                cycle(ws, number)
            gc.collect()
            after = tracemalloc.take_snapshot()
        finally:
            tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert grown < 64 * 1024, [str(stat) for stat in after.compare_to(before, "lineno")[:5]]


def test_git_rename_gives_the_hint_and_fix_a_fresh_check_gives(tmp_path: Path) -> None:
    """In a git work tree, links to a file renamed since HEAD get a hint naming the new file and a fix."""
    from helpers import git

    root = write_vault(tmp_path / "v", {"a.md": "[[Plan]]\n", "Plan.md": "# Plan\n", "other.md": "[[Plan]]\n"})
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start")
    with Workspace(root, offline=True) as ws:
        assert ws.diagnostics() == ()
        (root / "Plan.md").rename(root / "Project plan.md")
        changed = ws.rename("Plan.md", "Project plan.md")
        assert {"a.md", "other.md"} <= changed
        assert [d.hint for d in ws.diagnostics()] == [d.hint for d in fresh(root)]
        assert ws.diagnostics() == fresh(root)
        assert all("renamed" in (d.hint or "") and d.fix is not None for d in ws.diagnostics())
        unsaved = "Now: [[Plan]]\n"
        ws.update("a.md", unsaved)  # the fix is planned on the text checked, not the file's
        (edit,) = ws.diagnostics("a.md")[0].fix.edits
        assert (edit.span.line, unsaved[edit.span.column - 1 : edit.span.end_column - 1]) == (1, "Plan")
        assert edit.text == "Project plan"


def test_a_baseline_hides_what_it_records_as_check_does(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"a.md": "[[old]]\n", "b.md": "plain\n"})
    baseline = tmp_path / "baseline.json"
    vaultlint.lint(root, offline=True, no_cache=True, baseline=baseline, update_baseline=True)
    with Workspace(root, offline=True, baseline=baseline) as ws:
        assert ws.diagnostics() == ()
        ws.update("b.md", "[[new]]\n")
        assert codes(ws.diagnostics()) == [("b.md", "LK001")]
        assert ws.diagnostics("b.md") == ws.diagnostics()


def test_what_a_workspace_froze_for_the_collector_is_let_go_on_close_and_reload(tmp_path: Path) -> None:
    # A reference cycle frozen with the vault would never be collected: a program that opens
    # workspaces one after another (or an editor that reloads) would grow without bound.
    import gc
    import weakref

    class Cycle:
        pass

    root = write_vault(tmp_path / "v", {"a.md": "[[b]]\n", "b.md": "# B\n"})
    workspace = Workspace(root, no_cache=True)
    assert gc.get_freeze_count() > 0
    for let_go in (workspace.reload, workspace.close):
        cycle = Cycle()
        cycle.me = cycle  # type: ignore[attr-defined]
        watched = weakref.ref(cycle)
        gc.freeze()  # frozen as a build freezes what lives beside it
        del cycle
        let_go()
        gc.collect()
        assert watched() is None, let_go.__name__
    assert gc.get_freeze_count() == 0


def test_an_editor_opening_a_note_with_the_text_on_disk_changes_nothing(tmp_path: Path, monkeypatch) -> None:
    """Opening a note sends its text: when it is the text checked, nothing is checked again (the
    first diagnostics of a warm start wait for no re-check); any other text is taken in."""
    from vaultlint.workspace import checking

    root = write_vault(tmp_path / "v", {"a.md": "# A\n[[b]]\n", "b.md": "[[a#A]]\n", "c.md": "[[nowhere]]\n"})
    checked: list[str] = []
    check_note = checking.check_note

    def counting(path, *args, **kwargs):
        checked.append(path)
        return check_note(path, *args, **kwargs)

    with Workspace(root, offline=True, no_cache=True) as ws:
        monkeypatch.setattr(checking, "check_note", counting)
        assert ws.update("c.md", "[[nowhere]]\n") == frozenset()
        assert ws.update("c.md", "[[nowhere]]\n") == frozenset()  # the same unsaved text again
        assert checked == []
        assert ws.update("c.md", "[[nowhere]]\r\n")  # other bytes (a save would write them): taken in
        assert checked == ["c.md"]
        assert ws.update("a.md", "# Other\n[[b]]\n") >= {"a.md", "b.md"}
        assert ws.update("c.md", None) >= {"c.md"}  # closed: the disk again
        (root / "b.md").write_text("[[a]]\n", encoding="utf-8")  # changed on disk, not yet told
        ws.update("b.md", "[[a]]\n")  # the editor opens it with the new text: it is taken in
        assert [d.code for d in ws.diagnostics("b.md")] == []
        (root / "a.md").write_text("# Other\n[[b]]\n", encoding="utf-8")
        assert ws.diagnostics() == fresh(root)


@pytest.mark.parametrize("target", ["", "notes", "notes/b.md"])
def test_the_notes_among_the_files_in_scope_are_the_notes_in_scope(tmp_path: Path, target: str) -> None:
    """A run asks each file once whether it is excluded (a .gitignore match each) and takes its notes
    from that answer: the same notes as asking again for each note."""
    from vaultlint.api import options_for
    from vaultlint.vault import scan_vault
    from vaultlint.workspace.scope import files_in_scope, in_scope, locate, notes_among

    root = write_vault(
        tmp_path / "v",
        {
            ".obsidian/app.json": "{}",
            ".gitignore": "ignored/\n*.tmp.md\n",
            ".vaultlint.toml": 'exclude = ["drafts/**"]\n',
            "a.md": "x\n",
            "image.png": "",
            "board.canvas": "{}",
            "notes/b.md": "x\n",
            "notes/c.tmp.md": "x\n",
            "notes/view.base": "views: []\n",
            "ignored/d.md": "x\n",
            "drafts/e.md": "x\n",
            "templates/t.md": "x\n",
        },
    )
    (root / ".obsidian" / "templates.json").write_text('{"folder": "templates"}', encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(root)], check=True)  # a .gitignore counts in a git work tree
    options = options_for(root / target, None, {"offline": True}, "test")
    location = locate(options.paths, options.vault_root, options.obsidian_dir, options.config_folder)
    vault = scan_vault(location.root, options.obsidian_dir, options.template_folders)
    targets = [argument.target for argument in location.arguments]
    files = files_in_scope(vault, targets, options)
    assert notes_among(files) == in_scope(vault, targets, options)
    assert "ignored/d.md" not in files and "drafts/e.md" not in files and "templates/t.md" not in files


def test_a_build_tells_how_far_it_is_at_each_percent_and_at_the_last_note(tmp_path):
    root = write_vault(tmp_path / "vault", {f"n{i}.md": f"[[n{i + 1}]]\n" for i in range(250)})
    counts: list[tuple[int, int]] = []
    with Workspace(root, on_progress=lambda done, total: counts.append((done, total))) as workspace:
        assert counts[-1] == (250, 250)
        assert [done for done, _ in counts] == list(range(2, 251, 2))  # every 2 notes: 1% of 250
        counts.clear()
        workspace.update("n3.md", "[[n1]] changed\n")  # an edit is no build
        assert counts == []
        (root / ".vaultlint.toml").write_text('ignore = ["LK001"]\n', encoding="utf-8")
        workspace.update(".vaultlint.toml")  # a reload builds again, and tells it
        assert counts[-1] == (250, 250)


def test_tags_of_notes_that_come_go_and_move_are_counted_in_and_out(tmp_path: Path) -> None:
    """A note without aliases that comes, goes or is renamed changes only the vault's tag counts
    (counted in and out, not added up again): TG001's preferred spelling follows them."""
    root = write_vault(tmp_path / "v", {"a.md": "#Project\n", "b.md": "#project\n", "c.md": "#project x\n"})
    with Workspace(root, offline=True) as ws:

        def flagged() -> list[str]:
            found = ws.diagnostics()
            assert found == fresh(root)
            return sorted(d.path for d in found if d.code == "TG001")

        assert flagged() == ["a.md"]
        (root / "d.md").write_text("#Project and #Project\n", encoding="utf-8")
        ws.update("d.md")
        assert flagged() == ["b.md", "c.md"]  # three against two now
        (root / "d.md").rename(root / "e.md")
        ws.rename("d.md", "e.md")
        assert flagged() == ["b.md", "c.md"]
        (root / "e.md").unlink()
        ws.update("e.md")
        assert flagged() == ["a.md"]
        (root / "f.md").write_text("---\naliases: [Eff]\ntags: [Project, Project]\n---\n[[Eff]]\n", encoding="utf-8")
        ws.update("f.md")  # with an alias: the aggregate is made again
        assert flagged() == ["b.md", "c.md"]
