"""The workspace runs a vault-wide rule again only where what it reads changed (issue 21's keystroke
latency): which rules run after which change, the tag counts kept per note, and that the
differential test catches a rule left out when it should have run."""

from __future__ import annotations

import concurrent.futures
import gc
import random
import sqlite3
import sys
from pathlib import Path

import pytest
from helpers import write_vault
from workspace_steps import Mismatch, generated_vault, run

import vaultlint
from vaultlint import loader as loader_module
from vaultlint.rules._vault import VaultView
from vaultlint.workspace import Workspace, checking, vaultrules
from vaultlint.workspace import workspace as workspace_module
from vaultlint.workspace.vaultrules import Reads, VaultRules

EXTRA = ["OR001", "OR002", "FN002"]


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, tuple[str, ...] | None]]:
    """Each vault-wide rule run: its code and the notes it reported on (``None``: every note)."""
    seen: list[tuple[str, tuple[str, ...] | None]] = []
    replace = VaultRules._replace

    def recording(self, rule, view, reported):
        seen.append((rule.code, None if reported is None else tuple(reported)))
        return replace(self, rule, view, reported)

    monkeypatch.setattr(VaultRules, "_replace", recording)
    return seen


def vault(tmp_path: Path) -> Path:
    return write_vault(
        tmp_path / "v",
        {
            "a.md": "# A\n\n#Topic and [[b]]\n",
            "b.md": "#topic here, [[c]]\n",
            "c.md": "#topic again, [[a]]\n",
            "d.md": "#other\n",
            "pic.png": "",
        },
    )


def saved(ws: Workspace, root: Path, path: str, text: str, runs: list) -> None:
    """``path`` written with ``text`` and the workspace told; ``runs`` then lists the runs it caused."""
    (root / path).write_text(text, encoding="utf-8")
    runs.clear()
    ws.update(path)


def same_as_fresh(ws: Workspace, root: Path) -> None:
    assert ws.diagnostics() == vaultlint.lint(root, offline=True, no_cache=True, extend_select=EXTRA).diagnostics


def test_typing_plain_words_runs_tg001_on_that_note_only(tmp_path: Path, runs: list) -> None:
    root = vault(tmp_path)
    with Workspace(root, offline=True, extend_select=EXTRA) as ws:
        runs.clear()
        ws.update("a.md", "# A\n\nmore words\n#Topic and [[b]]\n")  # the TG001 finding moves a line down
        assert runs == [("TG001", ("a.md",))]
        assert [d.span.line for d in ws.diagnostics("a.md") if d.code == "TG001"] == [4]


def test_a_changed_link_runs_the_link_rules_not_the_name_rules(tmp_path: Path, runs: list) -> None:
    root = vault(tmp_path)
    with Workspace(root, offline=True, extend_select=EXTRA) as ws:
        saved(ws, root, "d.md", "#other ![[pic.png]] [[a]]\n", runs)
        assert sorted(code for code, _ in runs) == ["OR001", "OR002", "TG001"]
        assert ("TG001", ("d.md",)) in runs and ("OR001", None) in runs
        same_as_fresh(ws, root)


def test_a_changed_tag_runs_tg001_on_the_notes_with_that_tag(tmp_path: Path, runs: list) -> None:
    root = vault(tmp_path)
    with Workspace(root, offline=True, extend_select=EXTRA) as ws, pytest.MonkeyPatch.context() as patch:
        # The vault's tag counts are adjusted, never added up again from every note.
        patch.setattr(loader_module, "aggregate", lambda summaries: pytest.fail("tag counts rebuilt"))
        saved(ws, root, "d.md", "#TOPIC\n", runs)
        assert runs == [("TG001", ("a.md", "b.md", "c.md", "d.md"))]
        patch.undo()
        same_as_fresh(ws, root)


def test_a_changed_link_resolves_the_links_of_that_note_only(tmp_path: Path, monkeypatch) -> None:
    root = vault(tmp_path)
    with Workspace(root, offline=True, extend_select=EXTRA) as ws:
        resolved: list[str] = []
        targets = VaultView.targets
        monkeypatch.setattr(VaultView, "targets", lambda self, path: resolved.append(path) or targets(self, path))
        saved(ws, root, "d.md", "#other [[c]]\n", [])
        assert resolved == ["d.md"]
        same_as_fresh(ws, root)


def test_a_new_file_runs_every_vault_rule(tmp_path: Path, runs: list) -> None:
    root = vault(tmp_path)
    with Workspace(root, offline=True, extend_select=EXTRA) as ws:
        saved(ws, root, "e?.md", "[[d]]\n", runs)
        assert {code for code, reported in runs if reported is None} >= {"FN001", "FN002", "FN003", "OR001", "TG001"}
        same_as_fresh(ws, root)


def _tg001_never_for_tags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(vaultrules.READS, "TG001", Reads.NAMES)


def _orphans_never_for_links(monkeypatch: pytest.MonkeyPatch) -> None:
    for code in ("OR001", "OR002", "OR004"):
        monkeypatch.setitem(vaultrules.READS, code, Reads.NAMES)


def _tg001_only_on_edited_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        VaultRules, "_tagged", lambda self, notes, change, summary: [p for p in notes if p in change.edited]
    )


def _tg001_not_on_edited_notes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the notes with a tag whose counts changed: an edit that moves a finding is missed."""
    monkeypatch.setattr(
        VaultRules,
        "_tagged",
        lambda self, notes, change, summary: [
            p for p in notes if any(tag.lower() in change.tags for tag in summary(p).tags)
        ],
    )


def _links_never_retargeted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The links of an edited note are left as they were (made once, never updated)."""
    retarget = vaultrules.References.retarget
    monkeypatch.setattr(
        vaultrules.References,
        "retarget",
        lambda self, source, targets: None if source in self.targets_of else retarget(self, source, targets),
    )


#: A wrong dependency and the first seed of the differential test that shows it.
SABOTAGE = {
    "tg001-skipped-on-tag-change": (_tg001_never_for_tags, 0),
    "orphans-skipped-on-link-change": (_orphans_never_for_links, 0),
    "tg001-other-notes-with-the-tag-skipped": (_tg001_only_on_edited_notes, 0),
    "tg001-edited-note-skipped-when-its-tags-stay": (_tg001_not_on_edited_notes, 1),
    "links-of-an-edited-note-kept": (_links_never_retargeted, 0),
}


@pytest.mark.parametrize("name", sorted(SABOTAGE))
def test_a_vault_rule_wrongly_skipped_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    sabotage, seed = SABOTAGE[name]
    sabotage(monkeypatch)
    with pytest.raises(Mismatch):
        run(generated_vault(tmp_path / "vault", random.Random(seed), notes=12), 30)


# -- a warm start: results from the cache ---------------------------------------------------------
def paths_given_to(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[str]:
    """The paths ``module.name`` (a function taking a path first) is called with from now on."""
    seen: list[str] = []
    function = getattr(module, name)

    def counting(path, *args, **kwargs):
        seen.append(path)
        return function(path, *args, **kwargs)

    monkeypatch.setattr(module, name, counting)
    return seen


def checked_notes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The notes actually checked (not answered from the cache)."""
    return paths_given_to(monkeypatch, checking, "check_note")


def test_a_warm_start_checks_no_note_the_cache_answers(tmp_path: Path, monkeypatch) -> None:
    root = write_vault(
        tmp_path / "v",
        {
            "a.md": "# A\n\n## Part\n[[b]]\n",
            "b.md": "[[a#Part]] and [[c]]\n",
            "c.md": "[[Missing]] here\n",  # a link that reaches nothing
            "d.md": "plain\n",
            "e.md": "[[a#Part]]\n",
            # A run stores results from 50 notes on (engine.RESULTS_CACHE_MIN).
            **{f"more/n{i}.md": f"note {i} [[d]]\n" for i in range(50)},
        },
    )
    primed = vaultlint.lint(root, offline=True, extend_select=EXTRA)  # stores notes and results
    assert (root / ".vaultlint-cache").is_dir()
    checked = checked_notes(monkeypatch)
    with Workspace(root, offline=True, extend_select=EXTRA) as ws:
        assert ws.diagnostics() == primed.diagnostics
        assert checked == []
        checked.clear()
        # The reverse index knows the stored notes' dependencies: a heading they read, a file they name.
        (root / "c.md").unlink()
        assert "b.md" in ws.remove("c.md")
        same_as_fresh(ws, root)
        (root / "more" / "n1.md").write_text("[[a#Part]]\n", encoding="utf-8")
        ws.update("more/n1.md")
        (root / "a.md").write_text("# A\n\n## Renamed\n[[b]]\n", encoding="utf-8")
        assert {"b.md", "e.md", "more/n1.md"} <= ws.update("a.md")
        (root / "Missing.md").write_text("[[d]]\n", encoding="utf-8")
        ws.update("Missing.md")
        same_as_fresh(ws, root)
    assert checked


@pytest.mark.parametrize("sabotaged", [False, True])
def test_a_stored_note_with_a_broken_link_is_checked_for_its_hints(tmp_path: Path, monkeypatch, sabotaged) -> None:
    """Its hint looks up close names, which stored results do not keep: they follow from its links,
    and so its hint follows the files (the sabotaged run shows the test can fail)."""
    root = write_vault(
        tmp_path / "v",
        {"Alpha.md": "x\n", "c.md": "[[Alpah]]\n", **{f"more/n{i}.md": f"{i} [[c]]\n" for i in range(50)}},
    )
    vaultlint.lint(root, offline=True, extend_select=EXTRA)
    checked = checked_notes(monkeypatch)
    if sabotaged:
        monkeypatch.setattr(workspace_module, "_lookups", lambda links, source, index: (set(), False))
    with Workspace(root, offline=True, extend_select=EXTRA) as ws:
        assert [d.hint for d in ws.diagnostics("c.md")] == ['did you mean "Alpha"?']
        assert checked == []  # answered from the cache
        (root / "Alpha.md").unlink()
        ws.remove("Alpha.md")
        hints = [d.hint for d in ws.diagnostics("c.md")]
    assert (hints == [None]) is not sabotaged


def test_a_warm_start_leaves_the_stored_notes_dependencies_until_they_are_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first diagnostics come before the reverse index knows what stored results read (half
    of a warm start); ``finish_index`` (a server, once idle) or the first change completes it."""
    root = write_vault(
        tmp_path / "v",
        {"a.md": "# A\n", "b.md": "[[a]]\n", **{f"more/n{i}.md": f"{i} [[b]]\n" for i in range(50)}},
    )
    # The default rules: no vault-wide rule that reads every note's summary during the start.
    vaultlint.lint(root, offline=True)
    with Workspace(root, offline=True) as ws:
        assert ws.diagnostics() == vaultlint.lint(root, offline=True, no_cache=True).diagnostics
        assert "b.md" not in ws._index.naming(["a.md"])  # not yet: deferred
        parsed = paths_given_to(monkeypatch, loader_module, "parse_file")  # notes read and parsed
        ws.finish_index()
        assert parsed == []  # from the summaries stored, not by reading every note again
        assert "b.md" in ws._index.naming(["a.md"])
        assert "more/n3.md" in ws._index.naming(["b.md"])
        # What the index grew by is frozen for the collector as the build's objects are: a full
        # collection would otherwise walk it on some keystroke (~50 ms on 13k notes).
        recorded = ws._index.by_name["a"]  # a set: tracked by the collector unless frozen
        assert not any(o is recorded for o in gc.get_objects())
        ws.finish_index()  # twice is once
        (root / "a.md").unlink()
        assert "b.md" in ws.remove("a.md")
        assert ws.diagnostics() == vaultlint.lint(root, offline=True, no_cache=True).diagnostics


def stale_first(root: Path) -> None:
    """A vault whose cache holds results for b.md that a change to a.md since has made stale."""
    vaultlint.lint(root, offline=True, extend_select=EXTRA)
    (root / "a.md").write_text("# A\n\n## Other\n", encoding="utf-8")  # b.md's [[a#Part]] now breaks


def put_off_vault(tmp_path: Path) -> Path:
    return write_vault(
        tmp_path / "v",
        {
            "a.md": "# A\n\n## Part\n",
            "b.md": "[[a#Part]]\n",
            **{f"more/n{i}.md": f"{i} [[b]] [[Nowhere {i}]]\n" for i in range(50)},
        },
    )


def test_a_warm_start_validates_only_the_stored_results_asked_for(tmp_path: Path, monkeypatch) -> None:
    """An editor's first diagnostics are one note's: the other notes' stored results are validated
    when asked for, or all at once by ``finish_index`` (a server, once idle) or the first change."""
    root = put_off_vault(tmp_path)
    vaultlint.lint(root, offline=True, extend_select=EXTRA)
    fresh = vaultlint.lint(root, offline=True, no_cache=True, extend_select=EXTRA).diagnostics
    validated: list[str] = []
    still_valid = checking.still_valid

    def validating(loader, path, *args):
        validated.append(path)
        return still_valid(loader, path, *args)

    monkeypatch.setattr(checking, "still_valid", validating)
    checked = checked_notes(monkeypatch)
    progress: list[tuple[int, int]] = []
    with Workspace(root, offline=True, extend_select=EXTRA, on_progress=lambda *p: progress.append(p)) as ws:
        assert progress[-1] == (52, 52)  # the bar fills: the notes put off count as done
        assert validated == []
        assert ws.diagnostics("more/n7.md") == tuple(d for d in fresh if d.path == "more/n7.md")
        assert validated == ["more/n7.md"]
        ws.finish_index()
        assert sorted(validated) == sorted(["a.md", "b.md", *(f"more/n{i}.md" for i in range(50))])
        assert checked == []  # every note answered from the cache
        assert ws.diagnostics() == fresh


def test_the_cache_is_held_only_until_the_notes_put_off_are_answered(tmp_path: Path) -> None:
    root = put_off_vault(tmp_path)
    vaultlint.lint(root, offline=True, extend_select=EXTRA)
    with Workspace(root, offline=True, extend_select=EXTRA) as ws:
        assert ws._held_cache is not None  # for the stored results of the notes not asked for yet
        ws.diagnostics("b.md")
        assert ws._held_cache is not None
        ws.diagnostics()  # every note answered: nothing left to read
        assert ws._held_cache is None
    ws = Workspace(root, offline=True, extend_select=EXTRA)
    first = ws._held_cache
    ws.reload()  # the new start holds its own; the last start's is closed
    assert ws._held_cache is not None and ws._held_cache is not first
    with pytest.raises(sqlite3.ProgrammingError):
        first._db.execute("SELECT 1")
    ws.close()
    assert ws._held_cache is None


def test_notes_put_off_are_answered_from_another_thread(tmp_path: Path, monkeypatch) -> None:
    """A workspace built on one thread and asked on another (its calls serialised) reads the
    cache its start kept open."""
    root = put_off_vault(tmp_path)
    vaultlint.lint(root, offline=True, extend_select=EXTRA)
    fresh = vaultlint.lint(root, offline=True, no_cache=True, extend_select=EXTRA).diagnostics
    checked = checked_notes(monkeypatch)
    with concurrent.futures.ThreadPoolExecutor(1) as builder:
        ws = builder.submit(Workspace, root, offline=True, extend_select=EXTRA).result()
    try:
        assert ws.diagnostics("b.md") == tuple(d for d in fresh if d.path == "b.md")
        assert ws.diagnostics() == fresh
        assert checked == []
    finally:
        ws.close()


def test_notes_put_off_without_stored_results_are_checked(tmp_path: Path, monkeypatch) -> None:
    """A small vault's cache keeps its notes but not their results (a run stores results from
    50 notes on): each note asked for is checked then, and only it."""
    root = write_vault(tmp_path / "v", {"a.md": "# A\n", "b.md": "[[a#Gone]] [[c]]\n", "c.md": "[[b]]\n"})
    vaultlint.lint(root, offline=True, extend_select=EXTRA)
    fresh = vaultlint.lint(root, offline=True, no_cache=True, extend_select=EXTRA).diagnostics
    checked = checked_notes(monkeypatch)
    with Workspace(root, offline=True, extend_select=EXTRA) as ws:
        assert checked == []
        assert ws.diagnostics("b.md") == tuple(d for d in fresh if d.path == "b.md")
        assert checked == ["b.md"]
        assert ws.diagnostics() == fresh


def test_a_note_opened_in_an_editor_is_answered_from_its_stored_results(tmp_path: Path, monkeypatch) -> None:
    """An editor opening a note sends the text on disk: the results stored for that text stand,
    as they would have had the start validated them before the editor's text came."""
    root = put_off_vault(tmp_path)
    vaultlint.lint(root, offline=True, extend_select=EXTRA)
    fresh = vaultlint.lint(root, offline=True, no_cache=True, extend_select=EXTRA).diagnostics
    checked = checked_notes(monkeypatch)
    with Workspace(root, offline=True, extend_select=EXTRA) as ws:
        assert ws.update("more/n3.md", (root / "more" / "n3.md").read_text(encoding="utf-8")) == frozenset()
        assert ws.diagnostics("more/n3.md") == tuple(d for d in fresh if d.path == "more/n3.md")
        assert checked == []
        ws.update("more/n3.md", "3 [[b]] [[Nowhere 3]] and more\n")  # a change: every note answered first
        assert checked == ["more/n3.md"]
    checked.clear()
    with Workspace(root, offline=True, extend_select=EXTRA) as ws:
        ws.update("more/n4.md", "unsaved\n")  # from the stored results first, then checked once
        assert checked == ["more/n4.md"]


def test_a_note_put_off_whose_stored_results_went_stale_is_checked_as_the_start_would(tmp_path: Path) -> None:
    root = put_off_vault(tmp_path)
    stale_first(root)
    with Workspace(root, offline=True, extend_select=EXTRA) as ws:
        assert [d.code for d in ws.diagnostics("b.md")] == ["LK003"]
        assert "b.md" in ws._settled  # kept as little of as the start's own checks keep
        same_as_fresh(ws, root)
        (root / "a.md").write_text("# A\n\n## Part\n", encoding="utf-8")
        assert "b.md" in ws.update("a.md")  # what the late check read is in the index
        same_as_fresh(ws, root)


def test_unsaved_text_given_before_the_put_off_notes_are_answered(tmp_path: Path) -> None:
    """Stored results are judged against the files the start read, not an editor's text that came
    after: then the text is a change like any other."""
    root = put_off_vault(tmp_path)
    stale_first(root)
    with Workspace(root, offline=True, extend_select=EXTRA) as ws:
        ws.update("a.md", "# A\n\n## Part\n")  # unsaved: b.md's link works again
        (root / "a.md").write_text("# A\n\n## Part\n", encoding="utf-8")  # what a fresh check reads
        assert [d.code for d in ws.diagnostics("b.md")] == []
        same_as_fresh(ws, root)


@pytest.mark.parametrize("collecting", [True, False])
def test_a_build_runs_without_the_cyclic_collector_and_restores_it(tmp_path: Path, collecting: bool) -> None:
    """Each collection during a build walks everything built so far (a third of a warm start on
    13k notes); the caller's collector setting is left as it was."""
    root = vault(tmp_path)
    collections: list[str] = []

    def seen(phase: str, info: dict) -> None:
        frame = sys._getframe(1)
        while frame is not None and phase == "start":  # a collection that started inside the build
            if frame.f_code.co_name == "_build_paused":
                collections.append(phase)
                break
            frame = frame.f_back

    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    gc.callbacks.append(seen)
    try:
        gc.set_threshold(1)  # without the pause, the build would collect at every allocation or so
        try:
            ws = Workspace(root, offline=True, no_cache=True)
        finally:
            gc.set_threshold(700, 10, 10)
        assert collections == []
        assert gc.isenabled() is collecting
        ws.close()
    finally:
        gc.callbacks.remove(seen)
        (gc.enable if was else gc.disable)()


def test_unsaved_text_never_reaches_the_cache(tmp_path: Path) -> None:
    root = vault(tmp_path)

    def stored() -> list[tuple[str, int, int]]:
        return [(p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted((root / ".vaultlint-cache").iterdir())]

    with Workspace(root, offline=True) as ws:  # a start with nothing unsaved stores what it learnt
        before = stored()
        ws.update("a.md", "#TOPIC [[nowhere]]\n")
        ws.update("new.md", "unsaved [[a]]\n")
        ws.reload()  # a start with unsaved text: the cache is neither read nor written
        assert ws.note("new.md") is not None
        assert stored() == before
    assert (
        vaultlint.lint(root, offline=True).diagnostics == vaultlint.lint(root, offline=True, no_cache=True).diagnostics
    )


def test_no_cache_means_none_read_or_written(tmp_path: Path) -> None:
    root = vault(tmp_path)
    with Workspace(root, offline=True, no_cache=True):
        pass
    assert not (root / ".vaultlint-cache").exists()


@pytest.mark.parametrize("seed", range(3))
def test_warm_restarts_match_a_fresh_check(tmp_path: Path, seed: int) -> None:
    """The differential run, the workspace started again from the cache every 3 steps."""
    run(generated_vault(tmp_path / "vault", random.Random(seed), notes=60), 30, restart_every=3)
