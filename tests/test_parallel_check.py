"""Notes checked while the pool still parses (workspace.checking.check_while_parsing): the same answers
as checking after the parse, whatever arrives first.

A check that needs a note not parsed yet (a heading or block link to it) waits for it
before it starts (or, should it need one nobody foresaw, is stopped and tried again when
it arrives).  One that asks for the vault's aliases behind a hint is answered "no alias"
and confirmed after the parse, or checked again when the name turns out to be an alias.  These vaults are built so that both happen many times: every note links forward
to headings and blocks of notes parsed later, and the alias that makes a hint is declared
by the last note.  Tiny chunks make the pool hand back one or two notes per step.
"""

from __future__ import annotations

import os

import pytest
from helpers import run, write_vault

import vaultlint.engine
import vaultlint.loader
import vaultlint.workspace.checking
from vaultlint.loader import NotYetParsed

NOTES = 60


def _vault_files() -> dict[str, str]:
    files: dict[str, str] = {}
    for index in range(NOTES):
        later = (index + 7) % NOTES
        files[f"n{index:03}.md"] = (
            f"# Title {index}\n\n"
            f"Forward [[n{later:03}#Title {later}]] and [[n{later:03}#^b{later}]].\n"
            f"Broken heading [[n{later:03}#No such heading]] and block [[n{later:03}#^nope]].\n"
            f"Block here ^b{index}\n"
        )
        if index % 5 == 0:  # a hint needs every note's aliases: these wait for the whole parse
            files[f"n{index:03}.md"] += f"A missing note [[Nickname {index % 3}]] and a typo [[n{later:03}x]].\n"
    # Declared by the note parsed last: a hint made before it is parsed would miss it.
    files["zz-last.md"] = "---\naliases: [Nickname 0, Nickname 1]\n---\n"
    return files


def _signature(report):
    return [(d.path, d.span, d.code, d.message, d.hint) for d in report.diagnostics]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(vaultlint.loader, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(vaultlint.loader, "MIN_CHUNK", 1)
    monkeypatch.setattr(vaultlint.loader, "MAX_CHUNK", 2)


def _count_stops(monkeypatch) -> dict[str, int]:
    """How often a check was stopped for a note (``note``) or for the whole vault (``vault``),
    how often one waited for a note before it started (``waited``), and how many times each
    note's check ran to its end (by path)."""
    stops = {"note": 0, "vault": 0, "waited": 0}
    original = vaultlint.workspace.checking.check_in_scope
    original_waits_for = vaultlint.Workspace._waits_for

    def waits_for(self, path):
        first = original_waits_for(self, path)
        stops["waited"] += first is not None
        return first

    def counting(path, *args, **kwargs):
        try:
            found = original(path, *args, **kwargs)
        except NotYetParsed as missing:
            stops["note" if missing.path else "vault"] += 1
            raise
        stops[path] = stops.get(path, 0) + 1
        return found

    monkeypatch.setattr(vaultlint.workspace.checking, "check_in_scope", counting)
    monkeypatch.setattr(vaultlint.Workspace, "_waits_for", waits_for)
    return stops


def test_checks_during_the_parse_give_the_sequential_answers(tmp_path, small_chunks, monkeypatch):
    root = write_vault(tmp_path / "vault", _vault_files())
    reference = _signature(run(root, jobs=1))
    assert {d[2] for d in reference} >= {"LK001", "LK003", "LK004"}
    assert any(hint and "alias" in hint for *_, hint in reference)  # the last note's alias made a hint
    stops = _count_stops(monkeypatch)
    assert _signature(run(root, jobs=2)) == reference
    # The pipeline really ran: checks waited for notes not parsed yet, and none was stopped
    # half-way for one (each heading and block link's target was waited for).
    assert stops["waited"] > 0 and stops["note"] == 0
    # No check waited for the vault's aliases: a hint's lookup was answered before the last note
    # came, and a note whose hint named an alias (Nickname 0 and 1) was checked again after the
    # parse, while one whose name is nobody's alias (Nickname 2) was checked once.
    assert stops["vault"] == 0
    nickname = {f"n{index:03}.md": index % 3 for index in range(0, NOTES, 5)}
    assert max(stops[path] for path, n in nickname.items() if n < 2) == 2
    assert all(stops[path] == 1 for path, n in nickname.items() if n == 2)


def test_a_check_that_needs_a_note_nobody_foresaw_is_stopped_and_tried_again(tmp_path, small_chunks, monkeypatch):
    root = write_vault(tmp_path / "vault", _vault_files())
    reference = _signature(run(root, jobs=1))
    stops = _count_stops(monkeypatch)
    monkeypatch.setattr(vaultlint.Workspace, "_waits_for", lambda self, path: None)  # foresees nothing
    assert _signature(run(root, jobs=2)) == reference
    assert stops["note"] > 0


def test_with_the_results_cache_cold_and_warm(tmp_path, small_chunks, monkeypatch):
    monkeypatch.setattr(vaultlint.engine, "RESULTS_CACHE_MIN", 1)
    root = write_vault(tmp_path / "vault", _vault_files())
    reference = _signature(run(root, jobs=1))
    cache = tmp_path / "cache"
    assert _signature(run(root, jobs=2, use_cache=True, cache_dir=cache)) == reference
    # Stored results were keyed when the run ended, so the warm run answers from them.
    assert _signature(run(root, jobs=2, use_cache=True, cache_dir=cache)) == reference
    (root / "n010.md").write_text("# Title 10\n\nNow [[n011#Gone]]\n", encoding="utf-8")
    changed = _signature(run(root, jobs=2, use_cache=True, cache_dir=cache))
    assert changed == _signature(run(root, jobs=1))


def test_with_placeholders_allowed(tmp_path, small_chunks, monkeypatch):
    root = write_vault(tmp_path / "vault", _vault_files())
    reference = _signature(run(root, jobs=1, allow_placeholders=True))
    stops = _count_stops(monkeypatch)
    assert _signature(run(root, jobs=2, allow_placeholders=True)) == reference
    assert stops["vault"] > 0  # a placeholder's near misses read every alias: those checks wait


def test_a_live_workspace_start_and_its_next_change(tmp_path, small_chunks, monkeypatch):
    """A workspace's start checks while its pool parses too: the notes whose hints were confirmed
    after the parse settle then, and one of them edited later is checked again whole."""
    root = write_vault(tmp_path / "vault", _vault_files())
    reference = _signature(run(root, jobs=1))
    stops = _count_stops(monkeypatch)
    with vaultlint.Workspace(root, offline=True, jobs=2, no_cache=True) as ws:
        assert sorted((d.path, d.span, d.code, d.message, d.hint) for d in ws.diagnostics()) == sorted(reference)
        assert stops["vault"] == 0
        # A note confirmed after the parse (Nickname 2) is settled as every other note is.
        assert stops["n020.md"] == 1 and ws._loader.loaded["n020.md"].links == ()
        assert "n010.md" in ws.update(root / "n010.md")  # told of no change: the same note, checked again
        assert sorted((d.path, d.span, d.code, d.message, d.hint) for d in ws.diagnostics()) == sorted(reference)


_MAIN_PROCESS = os.getpid()
_PARSED_HERE: list[int] = []  # the size of each chunk this process parsed itself
_parse_batch_for_cache = vaultlint.loader._parse_batch_for_cache


def _counted_parse(batch, encode):
    """The pool's parse, counted when this process runs it (module level: the pool pickles it by name)."""
    if os.getpid() == _MAIN_PROCESS:
        _PARSED_HERE.append(len(batch))
    return _parse_batch_for_cache(batch, encode)


def test_this_process_checks_what_the_worker_parsed_before_it_parses_more(tmp_path, small_chunks, monkeypatch):
    """This process checks every note, so it is the run's critical path: between two steps it
    takes in what the worker finished and parses a chunk itself only when none is ready.  Parsing
    one at every step left the worker's queue to run dry while it checked (issue 20: at 100,000
    notes the worker idled a quarter of the run).  Here a step's checks are slow (a sleep) and
    the worker's chunks of one or two tiny notes are quick: once the worker has started (this
    process parses while it starts, however long that takes), its queue is done by the end of
    every step, so this process parses nothing more.  Bounded by count; the sleeps make the run
    about half a second."""
    import time

    _PARSED_HERE.clear()
    steps: list[tuple[int, int]] = []  # per step: the notes it brought, and how many this process parsed
    stepwise = vaultlint.loader.NoteLoader.preload_stepwise

    def slow_checks(self, paths):
        before = 0
        for parsed in stepwise(self, paths):
            now = sum(_PARSED_HERE)
            steps.append((len(parsed), now - before))
            before = now
            yield parsed
            time.sleep(0.02)  # the checks of a step, between two steps

    monkeypatch.setattr(vaultlint.loader, "_parse_batch_for_cache", _counted_parse)
    monkeypatch.setattr(vaultlint.loader.NoteLoader, "preload_stepwise", slow_checks)
    root = write_vault(tmp_path / "vault", _vault_files())
    reference = _signature(run(root, jobs=1))  # (no pool: no steps)
    assert _signature(run(root, jobs=2)) == reference
    first_from_worker = next(number for number, (brought, here) in enumerate(steps) if brought > here)
    parsed_here_after = sum(here for _, here in steps[first_from_worker + 1 :])
    # Parsing a chunk at every step, as before, this process parsed 20-odd of the 61 notes.
    assert parsed_here_after <= 2, steps
