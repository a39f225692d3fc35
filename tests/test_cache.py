"""The parse and result cache, and parallel parsing: never a different answer, only a faster one."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest
from helpers import FIXTURES, SHARED, run, write_vault

import vaultlint.cache
import vaultlint.loader
import vaultlint.workspace.checking
from vaultlint.cache import _DEPS, _STORE_PARSED, FileState, NoteCache, encode_loaded
from vaultlint.model import NoteSummary


def diagnostics(report):
    return [(d.path, d.span, d.code, d.message, d.hint, d.severity) for d in report.diagnostics]


VAULTS = [FIXTURES / "demo-vault", SHARED / "corpora" / "obsidian-help" / "en", SHARED / "corpora" / "rpg-east"]


@pytest.mark.parametrize("source", VAULTS, ids=lambda p: p.name)
def test_same_result_with_and_without_cache_and_parallelism(tmp_path, monkeypatch, source):
    if not source.is_dir():
        pytest.skip(f"{source} is not present")
    root = tmp_path / "vault"
    shutil.copytree(source, root)
    cache = tmp_path / "cache"
    reference = diagnostics(run(root))
    monkeypatch.setattr(vaultlint.loader, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr("vaultlint.engine.RESULTS_CACHE_MIN", 1)
    assert diagnostics(run(root, jobs=2)) == reference
    cold = run(root, jobs=2, use_cache=True, cache_dir=cache)
    warm = run(root, jobs=2, use_cache=True, cache_dir=cache)
    assert diagnostics(cold) == reference
    assert diagnostics(warm) == reference
    assert warm.warnings == ()


@pytest.fixture
def linked(tmp_path, monkeypatch):
    monkeypatch.setattr("vaultlint.engine.RESULTS_CACHE_MIN", 1)
    root = write_vault(
        tmp_path / "vault",
        {
            "a.md": "[[b#Heading]] [[b#^block]] [[c]]\n",
            "b.md": "# Heading\ntext ^block\n",
            "d.md": "---\naliases: [Dee]\n---\n",
        },
    )
    return root, tmp_path / "cache"


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The notes this process parses from now on, in order: a spy on the loader's choice of parser.

    It only records; every parse still runs.  Runs here use one job, so nothing is parsed
    in a worker process where the spy would not see it.
    """
    seen: list[str] = []
    choose = vaultlint.loader._parser

    def counting_parser(path: str):
        parse = choose(path)

        def parse_and_count(note_path: str, text: str):
            seen.append(note_path)
            return parse(note_path, text)

        return parse_and_count

    monkeypatch.setattr(vaultlint.loader, "_parser", counting_parser)
    return seen


def cached_run(root, cache):
    return [(d.path, d.code, d.message, d.hint) for d in run(root, use_cache=True, cache_dir=cache).diagnostics]


def test_a_changed_target_heading_invalidates_the_linking_note(linked):
    root, cache = linked
    assert cached_run(root, cache) == [("a.md", "LK001", 'unresolved link "c"', None)]
    (root / "b.md").write_text("# Renamed\ntext ^block\n")
    assert [d[1] for d in cached_run(root, cache)] == ["LK003", "LK001"]


def test_a_new_file_invalidates_resolution(linked):
    root, cache = linked
    cached_run(root, cache)
    (root / "c.md").write_text("")
    assert cached_run(root, cache) == []


def test_a_new_alias_changes_the_hint(linked):
    root, cache = linked
    cached_run(root, cache)
    (root / "d.md").write_text("---\naliases: [c]\n---\n")
    assert cached_run(root, cache) == [
        ("a.md", "LK001", 'unresolved link "c"', '"c" is an alias of "d": link it as [[d|c]]')
    ]


def test_a_changed_selection_is_not_answered_from_the_cache(linked):
    root, cache = linked
    cached_run(root, cache)
    report = run(root, use_cache=True, cache_dir=cache, ignore=["LK001"])
    assert report.diagnostics == ()


@pytest.mark.parametrize("app_json", ['{"newLinkFormat": "absolute"}', '{"useMarkdownLinks": true}'])
def test_a_changed_obsidian_setting_is_not_answered_from_the_cache(tmp_path, monkeypatch, app_json):
    """The Obsidian settings a note's check reads are part of its results' key: a warm run after
    ``.obsidian/app.json`` changed says what a run without the cache says."""
    monkeypatch.setattr("vaultlint.engine.RESULTS_CACHE_MIN", 1)
    root = write_vault(tmp_path / "vault", {"a.md": "[[sub/b]]\n", "sub/b.md": "", ".obsidian/app.json": "{}"})
    cache = tmp_path / "cache"
    before = run(root, use_cache=True, cache_dir=cache, select=["LK010"])
    assert [d.code for d in before.diagnostics] == ["LK010"]  # shortest: "b" alone would do
    (root / ".obsidian" / "app.json").write_text(app_json)
    warm = run(root, use_cache=True, cache_dir=cache, select=["LK010"])
    assert diagnostics(warm) == diagnostics(run(root, select=["LK010"]))
    assert diagnostics(warm) != diagnostics(before)


def test_a_changed_template_folder_is_not_answered_from_the_cache(tmp_path, monkeypatch):
    """LK007's hint on template syntax depends on whether the note is in a template folder
    (``templates.json``): outside one, it says where templates belong."""
    monkeypatch.setattr("vaultlint.engine.RESULTS_CACHE_MIN", 1)
    root = write_vault(tmp_path / "vault", {"T/a.md": "[x](UE <% nr %>.pdf)\n", ".obsidian/app.json": "{}"})
    cache = tmp_path / "cache"
    before = run(root, use_cache=True, cache_dir=cache, select=["LK007"], lint_templates=True)
    (root / ".obsidian" / "templates.json").write_text('{"folder": "T"}')
    warm = run(root, use_cache=True, cache_dir=cache, select=["LK007"], lint_templates=True)
    assert diagnostics(warm) == diagnostics(run(root, select=["LK007"], lint_templates=True))
    assert diagnostics(warm) != diagnostics(before)


def test_a_warm_run_parses_nothing(linked, parsed):
    root, cache = linked
    first = cached_run(root, cache)
    assert sorted(parsed) == ["a.md", "b.md", "d.md"]
    parsed.clear()
    assert cached_run(root, cache) == first
    assert parsed == []


def test_a_touched_but_unchanged_file_is_still_a_hit(linked, parsed):
    root, cache = linked
    first = cached_run(root, cache)
    parsed.clear()
    os.utime(root / "a.md", ns=(1, 1))
    assert cached_run(root, cache) == first
    assert parsed == []  # read again and hashed, not parsed again


def test_a_changed_file_is_parsed_again_alone(linked, parsed):
    root, cache = linked
    cached_run(root, cache)
    parsed.clear()
    (root / "d.md").write_text("---\naliases: [Dee, Dea]\n---\n")
    cached_run(root, cache)
    assert parsed == ["d.md"]


def test_a_deleted_note_leaves_the_cache(linked):
    root, cache = linked
    cached_run(root, cache)
    (root / "d.md").unlink()
    cached_run(root, cache)
    db = sqlite3.connect(cache / "notes.sqlite3")
    paths = [row[0] for row in db.execute("SELECT path FROM notes")]
    assert sorted(paths) == ["a.md", "b.md"]
    # Its parsed note went with it: each parsed row is the one of a note's row (by its id).
    assert db.execute("SELECT count(*) FROM parsed").fetchone() == (2,)
    assert db.execute("SELECT count(*) FROM parsed WHERE id NOT IN (SELECT id FROM notes)").fetchone() == (0,)


def test_a_parsed_note_is_stored_with_its_row_and_found_by_its_path(tmp_path):
    """A parsed note takes the id of its note's row: written again, the row keeps it; with no row
    for its path, nothing is written."""
    cache = NoteCache.open(tmp_path / "cache", [])
    assert cache is not None
    state, digest = FileState(1, 1, 1, 1), "0123456789abcdef0123456789abcdef"
    written = cache.store_parsed(
        [(name, state, digest, encode_loaded(f"reason {name}"), NoteSummary()) for name in "ab"]
    )
    assert written == ["a", "b"] and cache.note("a", digest) == "reason a" and cache.note("b", digest) == "reason b"
    cache.store_parsed([("b", state, digest, encode_loaded("reason b, again"), NoteSummary())])
    assert cache.note("b", digest) == "reason b, again" and cache.note("a", digest) == "reason a"
    assert cache.note("b", "another hash") is None
    cache._db.execute(_STORE_PARSED, (digest, encode_loaded("an orphan"), "no such row"))
    assert cache._db.execute("SELECT count(*) FROM parsed").fetchone() == (2,)
    cache.close()


def test_a_corrupt_cache_is_rebuilt_with_a_warning(linked):
    root, cache = linked
    cached_run(root, cache)
    (cache / "notes.sqlite3").write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (cache / f"notes.sqlite3{suffix}").unlink(missing_ok=True)
    report = run(root, use_cache=True, cache_dir=cache)
    assert [d.code for d in report.diagnostics] == ["LK001"]
    assert len(report.warnings) == 1 and "rebuilding it" in report.warnings[0]
    assert run(root, use_cache=True, cache_dir=cache).warnings == ()


def test_the_cache_folder_ignores_itself(linked):
    root, _ = linked
    run(root, use_cache=True)
    assert (root / ".vaultlint-cache" / ".gitignore").read_text().endswith("*\n")


def test_an_unwritable_cache_folder_only_warns(linked, tmp_path):
    root, _ = linked
    blocker = tmp_path / "file"
    blocker.write_text("")
    report = run(root, use_cache=True, cache_dir=blocker / "cache")
    assert [d.code for d in report.diagnostics] == ["LK001"]
    assert report.warnings and report.warnings[0].startswith("cache disabled: cannot create")


def test_two_runs_sharing_a_cache(linked):
    root, cache = linked
    first = NoteCache.open(cache, [])
    second = NoteCache.open(cache, [])
    assert first is not None and second is not None
    state = FileState(1, 1, 1, 1)
    first.write({"x.md": (state, "h", encode_loaded("reason"), NoteSummary())}, {}, {}, [])
    second.write({"y.md": (state, "h", encode_loaded("reason"), NoteSummary())}, {}, {}, [])
    assert sorted(first.rows()) == ["x.md", "y.md"]


def test_a_cache_written_by_another_version_is_replaced(linked):
    root, cache = linked
    cache.mkdir()
    db = sqlite3.connect(cache / "notes.sqlite3")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO meta VALUES ('code', 'an older vaultlint')")
    db.execute("CREATE TABLE notes (path TEXT PRIMARY KEY, aliases BLOB)")
    db.commit()
    db.close()
    assert cached_run(root, cache) == [("a.md", "LK001", 'unresolved link "c"', None)]
    assert cached_run(root, cache) == [("a.md", "LK001", 'unresolved link "c"', None)]


def test_the_vault_aggregate_is_updated_for_a_changed_note(tmp_path, monkeypatch):
    """The pre-commit case: one note changed; its tags must move in the cached aggregate."""
    root = write_vault(tmp_path / "v", {"a.md": "#Tag\n", "b.md": "#tag\n", "c.md": "#tag\n", "d.md": "text\n"})
    cache = tmp_path / "cache"
    codes = lambda paths=None: [  # noqa: E731
        (d.path, d.code) for d in run(root, paths=paths, use_cache=True, cache_dir=cache, select=["TG001"]).diagnostics
    ]
    assert codes() == [("a.md", "TG001")]
    (root / "d.md").write_text("#Tag #Tag #Tag\n")  # now "Tag" is the majority
    assert codes([root / "d.md"]) == []
    assert codes() == [("b.md", "TG001"), ("c.md", "TG001")]
    (root / "d.md").unlink()
    assert codes() == [("a.md", "TG001")]


def test_a_note_the_cache_cannot_store_is_counted_once_in_the_aggregate(tmp_path):
    """Found by the long fuzzing run: a note whose frontmatter holds a ``!!binary`` value gets no
    cache row, yet the stored aggregate counted its tags, so every warm run added them again
    ("written #Tag (1 times)", then 2, then 3)."""
    root = write_vault(tmp_path / "v", {"a.md": "---\nblob: !!binary aGVsbG8=\n---\n#Tag\n", "b.md": "#tag\n"})
    cache = tmp_path / "cache"
    messages = [
        [d.message for d in run(root, use_cache=True, cache_dir=cache, select=["TG001"]).diagnostics] for _ in range(3)
    ]
    assert messages == [['tag "#tag" is also written "#Tag" (1 times); Obsidian treats them as one tag']] * 3


def test_a_stat_taken_moments_after_a_change_is_not_trusted_next_time(linked, monkeypatch):
    """git's "racily clean" case: a change in the same clock tick as the stat would keep the stat."""
    root, cache = linked
    cached_run(root, cache)  # the files were written just now: every stat is racy
    stats = list(sqlite3.connect(cache / "notes.sqlite3").execute("SELECT mtime_ns, ctime_ns, ino FROM notes"))
    assert stats and all(row == (-1, -1, -1) for row in stats)
    monkeypatch.setattr("vaultlint.cache.RACY_NS", 0)  # as if the files were older
    (root / "a.md").write_text("[[b#Heading]] [[b#^block]] [[e]]\n")
    assert cached_run(root, cache) == [("a.md", "LK001", 'unresolved link "e"', None)]
    rows = dict(sqlite3.connect(cache / "notes.sqlite3").execute("SELECT path, mtime_ns FROM notes"))
    assert rows["a.md"] == (root / "a.md").stat().st_mtime_ns
    assert rows["b.md"] == (root / "b.md").stat().st_mtime_ns  # re-hashed, found unchanged, stat recorded


def test_results_of_a_note_that_read_no_other_are_checked_without_decoding_their_dependencies(linked, monkeypatch):
    """The usual note's stored dependencies are itself alone: compared as the cache's text, not
    decoded (a warm run of 100,000 notes).  A note that read another (a.md reads b.md) is still
    checked dependency by dependency."""
    root, cache = linked
    first = cached_run(root, cache)
    decoded = []
    deps = vaultlint.cache.StoredResults.deps

    def spy(self):
        decoded.append(self.deps_text)
        return deps.fget(self)

    monkeypatch.setattr(vaultlint.cache.StoredResults, "deps", property(spy))
    assert cached_run(root, cache) == first
    assert len(decoded) == 1 and '"b.md"' in decoded[0]  # a.md's; b.md's and d.md's by their text
    (root / "b.md").write_text("# Renamed\ntext ^block\n")
    assert [d[1] for d in cached_run(root, cache)] == ["LK003", "LK001"]


def test_a_run_that_builds_the_cache_does_not_read_stored_results(linked, monkeypatch):
    """Nothing is stored yet: reading every row's results would only scan the notes just written."""
    root, cache = linked
    read = []
    results, rows_and_results = vaultlint.cache.NoteCache.results, vaultlint.cache.NoteCache.rows_and_results

    def reading_rows_and_results(self):
        found = rows_and_results(self)
        read.extend(["rows and results"] if found[0] else [])  # (of a cache that holds rows)
        return found

    monkeypatch.setattr(vaultlint.cache.NoteCache, "results", lambda self: read.append("results") or results(self))
    monkeypatch.setattr(vaultlint.cache.NoteCache, "rows_and_results", reading_rows_and_results)
    first = cached_run(root, cache)
    assert read == []
    assert cached_run(root, cache) == first
    assert read == ["rows and results"]  # with the rows, in one query: a warm run reads both


@pytest.mark.parametrize(
    ("path", "alone"),
    [
        ("a.md", True),
        ("f/b c.md", True),
        ("ümlaut/日本 🎉.md", True),  # orjson writes non-ASCII as it is
        ('say "hi" \\ back.md', False),
        ("tab\t\x1b.md", False),
    ],
)
def test_only_a_note_exactly_alone_in_its_dependencies_is_read_without_its_text(tmp_path, path, alone):
    """SQLite compares the stored dependencies with what the cache writes for a note that read no
    other file, and gives ``""`` for those; any other list, and any path JSON writes with escapes
    (a quote, a backslash, a control character), comes back as stored text, decoded to the same pairs."""
    from vaultlint.cache import _DEPS
    from vaultlint.datacodec import dumps

    digest, other = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
    cache = NoteCache.open(tmp_path / "cache", [])
    assert cache is not None
    state = FileState(1, 1, 1, 1)
    variants = {
        path: ((path, digest),),
        "other hash/" + path: (("other hash/" + path, other),),  # its row's hash is ``digest``
        "two/" + path: (("two/" + path, digest), ("a.md", digest)),
        "named another/" + path: (("a.md", digest),),
    }
    cache.write(
        {name: (state, digest, encode_loaded("reason"), NoteSummary()) for name in variants},
        {},
        {name: ("key", "[]", deps) for name, deps in variants.items()},
        [],
    )
    rows, results = cache.rows_and_results()
    assert set(rows) == set(results) == set(variants)
    assert results[path].deps_text == ("" if alone else dumps(_DEPS, variants[path]))
    for name, deps in variants.items():
        stored = results[name]
        assert stored.hash == digest
        if name != path:
            assert stored.deps_text == dumps(_DEPS, deps)
        if stored.deps_text:
            assert stored.deps == [list(pair) for pair in deps]
    assert cache.results() == results
    cache.close()


def test_rows_and_results_are_written_in_the_order_of_their_paths(tmp_path):
    """A run checks notes in the order the pool parsed them: written in that order, a 100,000-note
    build's results took SQLite 1.3 s to place at the end of the run, in the order of the paths (the
    key of the table) a third of that.  Every batch of new rows is written in path order too, and
    what is stored is the same whatever the order the run gives it in."""
    digest = "0123456789abcdef0123456789abcdef"
    names = [f"{folder}/n{index:03}.md" for index in range(40) for folder in ("b", "a", "c")]  # not sorted
    cache = NoteCache.open(tmp_path / "cache", [])
    assert cache is not None
    statements: list[str] = []
    cache._db.set_trace_callback(statements.append)
    state = FileState(1, 1, 1, 1)
    note = encode_loaded("reason")
    written = cache.store_parsed([(name, state, digest, note, NoteSummary()) for name in names[:60]])
    cache.write(
        {name: (state, digest, note, NoteSummary()) for name in names[60:]},
        {name: state for name in reversed(names[:60])},
        {name: ("key", "[]", ((name, digest),)) for name in reversed(names)},
        [],
    )
    cache._db.set_trace_callback(None)

    def paths(prefix: str) -> list[str]:
        """The path each statement starting with ``prefix`` names: its first literal for a note's
        row, its last for an update and for a parsed note (its row is found by that path)."""
        found = [statement for statement in statements if statement.startswith(prefix)]
        first = prefix.startswith("INSERT INTO")
        return [statement.split("'")[1 if first else -2] for statement in found]

    upserts = paths("INSERT INTO notes")
    assert upserts[:60] == sorted(names[:60]) and upserts[60:] == sorted(names[60:])
    assert paths("INSERT OR REPLACE INTO parsed") == upserts
    assert paths("UPDATE notes SET size") == sorted(names[:60])
    assert paths("UPDATE notes SET results_key") == sorted(names)
    assert written == sorted(names[:60])
    rows, results = cache.rows_and_results()
    assert set(rows) == set(results) == set(names)
    assert all(stored.results_key == "key" and stored.deps_text == "" for stored in results.values())
    cache.close()


def test_a_run_holds_its_results_to_store_in_little_more_than_a_tuple_per_note(tmp_path, monkeypatch):
    """Until the end of a run, the results to store are held per note as the stored text, the
    note's own content hash and the other files read (none, for most notes): the note's own
    (path, hash) pair, a tuple around it and one around both, made for each of 100,000 notes,
    were 10 MB of a cache build.  The cache gets the same rows: the note's own pair first."""
    import sys

    import vaultlint.engine
    from vaultlint.datacodec import dumps

    monkeypatch.setattr("vaultlint.engine.RESULTS_CACHE_MIN", 1)
    held = []
    keyed = vaultlint.engine.keyed
    monkeypatch.setattr(
        "vaultlint.engine.keyed", lambda fresh, *rest, **named: held.append(fresh) or keyed(fresh, *rest, **named)
    )
    files = {f"n{index:02}.md": f"# N{index}\n[[n{index + 1:02}]]\n" for index in range(20)}
    files["reader.md"] = "[[n01#N1]] [[n02#Nothing]]\n"  # reads n01 and n02 (their headings)
    root = write_vault(tmp_path / "v", files)
    cache_dir = tmp_path / "cache"
    report = run(root, use_cache=True, cache_dir=cache_dir)
    (fresh,) = held
    assert set(fresh) == set(files)

    def size(value):  # the tuples a value adds (its strings are shared with the run, ``()`` by all)
        return sys.getsizeof(value) + sum(size(item) for item in value if type(item) is tuple and item)

    alone = [value for path, value in fresh.items() if path != "reader.md"]
    assert all(size(value) <= sys.getsizeof((1, 2, 3)) for value in alone)
    cache = NoteCache.open(cache_dir, [])
    assert cache is not None
    try:
        rows, results = cache.rows_and_results()
        assert all(results[path].deps_text == "" for path in files if path != "reader.md")
        others = ((path, rows[path].hash) for path in ("n01.md", "n02.md"))
        assert results["reader.md"].deps_text == dumps(_DEPS, (("reader.md", rows["reader.md"].hash), *others))
    finally:
        cache.close()
    assert diagnostics(run(root, use_cache=True, cache_dir=cache_dir)) == diagnostics(report)


def test_results_read_after_another_run_rewrote_the_note_are_not_taken_for_the_text_read_before(tmp_path, monkeypatch):
    """Results read apart from the rows (a workspace reads them when first asked): another run may
    have checked a new text of the note in between.  Its results, alone in their dependencies
    (found so by SQLite, with the hash of the row then), belong to that text, not to the one this
    loader's rows vouched for."""
    from vaultlint.vault import scan_vault

    monkeypatch.setattr("vaultlint.engine.RESULTS_CACHE_MIN", 1)
    monkeypatch.setattr("vaultlint.cache.RACY_NS", 0)  # stats of files written just now are trusted
    root = write_vault(tmp_path / "v", {"a.md": "[[x]]\n", "b.md": "text\n"})
    cache_dir = tmp_path / "cache"
    cached_run(root, cache_dir)
    cache = NoteCache.open(cache_dir, [])
    assert cache is not None
    loader = vaultlint.loader.NoteLoader(scan_vault(root), cache)  # the rows, not the results
    key = cache.results()["a.md"].results_key
    still_valid = vaultlint.workspace.checking.still_valid

    def answered(alone: bool) -> bool:
        """Whether the note is answered from results read now (alone: its own row, as a workspace's
        first answer reads it; else every note's, as a batch run)."""
        loader._stored_results = None
        [(_, stored)] = loader.stored_results_of(["a.md"], alone=alone)
        return still_valid(loader, "a.md", stored, key) is not None

    assert answered(alone=True) and answered(alone=False)  # as read: valid
    (root / "a.md").write_text("[[y]]\n")
    assert cached_run(root, cache_dir) == [("a.md", "LK001", 'unresolved link "y"', None)]
    loader._stored_results = None
    stored = loader.stored_results("a.md")
    assert stored is not None and stored.deps_text == "" and stored.hash != loader.hashes["a.md"]
    assert not answered(alone=True) and not answered(alone=False)
    cache.close()


@pytest.mark.parametrize("text", ["", " []", "[] ", "[[1, 2]]", '[["a"]]', "{}", "[", '[["a","b"]]x', None])
def test_stored_dependencies_that_do_not_read_are_none(text):
    assert vaultlint.cache.StoredResults("key", "[]", text, "h").deps is None


def test_stored_results_of_notes_alone_in_their_dependencies_follow_every_change(tmp_path, monkeypatch):
    """Notes whose results depend on no other note (the text fast path): a change to the note (same
    size, same mtime), a file that comes (by a rename that keeps size and mtime) and a changed
    selection each give the answer of a run without a cache."""
    monkeypatch.setattr("vaultlint.engine.RESULTS_CACHE_MIN", 1)
    root = write_vault(tmp_path / "vault", {"e.md": "[[f]]\n", "g.md": "[[h]]\n", "h2.md": "x\n"})
    cache = tmp_path / "cache"

    def both(**options):
        cold = diagnostics(run(root, **options))
        assert diagnostics(run(root, use_cache=True, cache_dir=cache, **options)) == cold
        return [(d[0], d[3]) for d in cold]

    assert both() == [("e.md", 'unresolved link "f"'), ("g.md", 'unresolved link "h"')]
    assert both() == [("e.md", 'unresolved link "f"'), ("g.md", 'unresolved link "h"')]
    before = (root / "e.md").stat()
    (root / "e.md").write_text("[[x]]\n")  # same size
    os.utime(root / "e.md", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert both() == [("e.md", 'unresolved link "x"'), ("g.md", 'unresolved link "h"')]
    os.rename(root / "h2.md", root / "h.md")  # same size, same mtime
    assert both() == [("e.md", 'unresolved link "x"')]
    assert both(ignore=["LK001"]) == []
    assert both() == [("e.md", 'unresolved link "x"')]


def _stored(cache_dir):
    db = sqlite3.connect(cache_dir / "notes.sqlite3")
    try:
        notes = dict(db.execute("SELECT path, results FROM notes"))
        parsed = {path for (path,) in db.execute("SELECT path FROM notes JOIN parsed USING (id)")}
        aggregate = db.execute("SELECT count(*) FROM meta WHERE key = 'aggregate'").fetchone()[0]
    finally:
        db.close()
    return notes, parsed, aggregate


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_build_killed_half_way_leaves_rows_the_next_run_reads_right(tmp_path, monkeypatch, parsed, jobs):
    """Notes are written to the cache in batches as the run goes (issue 20: memory), each with its
    ``notes`` row.  A run killed after some batches, with no write at the end, leaves rows that
    are right for their files; the vault's stored tags and aliases go with the first batch, since
    they no longer match the rows.  The next run reads the rows written, parses the rest, and
    answers as a run without a cache does."""
    monkeypatch.setattr("vaultlint.engine.RESULTS_CACHE_MIN", 1)
    monkeypatch.setattr(vaultlint.loader, "STORE_BATCH", 4)
    monkeypatch.setattr(vaultlint.loader, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(vaultlint.loader, "MAX_CHUNK", 4)
    names = [f"n{index:02}.md" for index in range(40)]
    root = write_vault(
        tmp_path / "v", {name: f"#tag\n[[n{(i + 1) % 40:02}]] [[gone{i}]]\n" for i, name in enumerate(names)}
    )
    (root / "n00.md").write_text("#Tag\n[[n01]]\n")
    cache = tmp_path / "cache"
    tg001 = lambda report: [(d.path, d.message) for d in report.diagnostics if d.code == "TG001"]  # noqa: E731
    first = run(root, use_cache=True, cache_dir=cache, jobs=jobs)
    assert tg001(first) == [("n00.md", 'tag "#Tag" is also written "#tag" (39 times); Obsidian treats them as one tag')]
    assert _stored(cache)[2] == 1  # the vault's tags and aliases, stored
    for name in names[10:]:  # the majority's spelling changes: every note's verdict does
        (root / name).write_text(f"#Tag\n[[n00]] [[changed{name}]]\n")
    expected = diagnostics(run(root))

    checked = []
    check_note = vaultlint.workspace.checking.check_note

    def killed_after_twenty(path, *args, **kwargs):
        checked.append(path)
        if len(checked) > 20:
            raise KeyboardInterrupt
        return check_note(path, *args, **kwargs)

    with monkeypatch.context() as killed:
        killed.setattr(vaultlint.workspace.checking, "check_note", killed_after_twenty)
        killed.setattr(vaultlint.loader.NoteLoader, "flush", lambda self, results, warnings, run=None: None)  # no end
        with pytest.raises(KeyboardInterrupt):
            run(root, use_cache=True, cache_dir=cache, jobs=jobs)
    rows, stored_notes, aggregate = _stored(cache)
    early = {path for path in names[10:] if rows[path] is None}  # written again in this run, results to come
    assert early and early <= stored_notes and len(early) < 30
    assert aggregate == 0

    del parsed[:]
    again = run(root, use_cache=True, cache_dir=cache, jobs=1)
    assert diagnostics(again) == expected and again.warnings == ()
    assert not early & set(parsed)  # what the killed run wrote is read, not parsed again
    assert diagnostics(run(root, use_cache=True, cache_dir=cache, jobs=jobs)) == expected
    rows, stored_notes, aggregate = _stored(cache)
    assert sorted(rows) == sorted(stored_notes) == names and aggregate == 1


def test_a_pool_parsed_note_is_encoded_for_the_cache_right_after_its_parse(tmp_path, monkeypatch):
    """With a pool, every note it parses gets its cache text right after the parse, the chunks this
    process parses too (encoded when settled, long after, each took half as long again); only a
    note parsed on its own (asked for before the pool reached it, or without a pool) is encoded
    when settled.  What is stored is the same."""
    import sys

    monkeypatch.setattr(vaultlint.loader, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(vaultlint.loader, "MAX_CHUNK", 4)
    root = write_vault(
        tmp_path / "v", {f"n{index:02}.md": f"# N{index}\n[[n{index + 1:02}#N]]\n" for index in range(40)}
    )
    encoded_by: list[str] = []
    encode = vaultlint.loader.encode_loaded

    def recorded(loaded):
        callers = {sys._getframe(depth).f_code.co_name for depth in range(1, 4)}
        encoded_by.append("settle" if {"settle", "store_text"} & callers else "parse")
        return encode(loaded)

    monkeypatch.setattr(vaultlint.loader, "encode_loaded", recorded)
    cache = tmp_path / "cache"
    report = run(root, use_cache=True, cache_dir=cache, jobs=2)
    # (the workers encode theirs in their own processes: not seen here)
    assert encoded_by and set(encoded_by) == {"parse"}, encoded_by
    rows, stored_notes, aggregate = _stored(cache)
    assert len(rows) == len(stored_notes) == 40 and aggregate == 1
    assert diagnostics(run(root, use_cache=True, cache_dir=cache, jobs=2)) == diagnostics(report)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_cache_build_holds_no_more_than_a_batch_of_notes_to_write(tmp_path, monkeypatch, jobs):
    """Memory of a run that builds the cache (issue 20): each note's row is written with the
    batch its text goes in, so what waits for the end of the run is less than a batch, not
    the whole vault's stats, hashes and summaries.  Bounded by count, not timed."""
    monkeypatch.setattr(vaultlint.loader, "STORE_BATCH", 5)
    monkeypatch.setattr(vaultlint.loader, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(vaultlint.loader, "MAX_CHUNK", 4)
    root = write_vault(tmp_path / "v", {f"n{index:02}.md": f"# N{index}\n[[n{index + 1:02}]]\n" for index in range(60)})
    waiting = []
    flush = vaultlint.loader.NoteLoader.flush

    def measured_flush(self, results, warnings, run=None):
        waiting.append(len(self.parsed) + len(self._texts))
        flush(self, results, warnings, run)

    monkeypatch.setattr(vaultlint.loader.NoteLoader, "flush", measured_flush)
    cache = tmp_path / "cache"
    report = run(root, use_cache=True, cache_dir=cache, jobs=jobs)
    assert len(waiting) == 1 and waiting[0] < 2 * 5  # (texts made, and the notes whose text is not made yet)
    rows, stored_notes, aggregate = _stored(cache)
    assert len(rows) == len(stored_notes) == 60 and aggregate == 1
    assert diagnostics(run(root, use_cache=True, cache_dir=cache, jobs=jobs)) == diagnostics(report)


def test_the_write_ahead_log_is_checkpointed_seldom_and_never_left_behind(tmp_path, monkeypatch):
    """A cache build writes in batches: SQLite's default checkpoint every 1000 pages synced the
    file twice each time (about 5 s of waiting on 25,000 notes).  A larger log is copied into
    the file when the run closes it, so no log is left next to the cache afterwards."""
    monkeypatch.setattr(vaultlint.loader, "STORE_BATCH", 3)
    root = write_vault(tmp_path / "v", {f"n{index:02}.md": f"# N{index}\n[[n{index + 1:02}]]\n" for index in range(30)})
    cache_dir = tmp_path / "cache"
    cache = NoteCache.open(cache_dir, [])
    assert cache is not None
    try:
        pages = cache._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        assert pages * vaultlint.cache.PAGE_SIZE == vaultlint.cache.WAL_CHECKPOINT_BYTES
    finally:
        cache.close()
    run(root, use_cache=True, cache_dir=cache_dir)
    assert not (cache_dir / "notes.sqlite3-wal").exists()
    rows, stored_notes, aggregate = _stored(cache_dir)
    assert len(rows) == len(stored_notes) == 30 and aggregate == 1


def test_a_new_cache_file_has_large_pages_and_an_old_one_keeps_its_own(tmp_path):
    """A cache made now has 16 KB pages (fewer pages and B-tree splits to write a build's parsed
    notes); a file made with SQLite's default 4 KB pages, by an earlier version, keeps them, is
    read and written as before, and its write-ahead log is still checkpointed every 40 MB."""
    root = write_vault(tmp_path / "v", {f"n{index:02}.md": f"# N{index}\n[[n{index + 1:02}]]\n" for index in range(30)})
    new, old = tmp_path / "new", tmp_path / "old"
    report = run(root, use_cache=True, cache_dir=new)
    old.mkdir()
    with sqlite3.connect(old / "notes.sqlite3") as db:
        db.execute("PRAGMA page_size = 4096")
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    for folder, page_size in ((new, vaultlint.cache.PAGE_SIZE), (old, 4096)):
        assert diagnostics(run(root, use_cache=True, cache_dir=folder)) == diagnostics(report)
        cache = NoteCache.open(folder, [])
        assert cache is not None
        try:
            assert cache._db.execute("PRAGMA page_size").fetchone()[0] == page_size
            pages = cache._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
            assert pages * page_size == vaultlint.cache.WAL_CHECKPOINT_BYTES
        finally:
            cache.close()
        rows, stored_notes, aggregate = _stored(folder)
        assert len(rows) == len(stored_notes) == 30 and aggregate == 1
    assert vaultlint.cache.PAGE_SIZE == 16384


def test_a_pdf_that_results_depend_on_is_read_again_only_when_its_stat_changes(tmp_path, monkeypatch):
    """Results that read a PDF (LK009's page count) depend on its content hash, which is kept in
    the cache with the PDF's stat: a warm run reads neither the note nor the PDF.  A PDF replaced
    by one of the same size and time (another ctime) is read again, and the results follow it."""
    from pdfs import pdf

    monkeypatch.setattr("vaultlint.engine.RESULTS_CACHE_MIN", 1)
    monkeypatch.setattr("vaultlint.cache.RACY_NS", 0)  # stats of files written just now are trusted
    five = pdf(5)
    two = pdf(2) + b"\n" * (len(five) - len(pdf(2)))  # the same size as five
    root = write_vault(tmp_path / "v", {"Doc.pdf": two, "n.md": "[[Doc.pdf#page=3]]\n", "m.md": "text\n"})
    cache = tmp_path / "cache"
    read: list[str] = []
    read_note_bytes = vaultlint.loader.read_note_bytes

    def reading(fs_path, *args, **kwargs):
        read.append(os.path.basename(fs_path))
        return read_note_bytes(fs_path, *args, **kwargs)

    monkeypatch.setattr(vaultlint.loader, "read_note_bytes", reading)

    def codes():
        return [(d.path, d.code) for d in run(root, use_cache=True, cache_dir=cache, select=["LK009"]).diagnostics]

    assert codes() == [("n.md", "LK009")]
    assert "Doc.pdf" in read
    read.clear()
    assert codes() == [("n.md", "LK009")]
    assert read == []
    before = (root / "Doc.pdf").stat()
    (root / "Doc.pdf").write_bytes(five)
    os.utime(root / "Doc.pdf", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert codes() == []
    assert read.count("Doc.pdf") == 1
    read.clear()
    assert codes() == [] and read == []


# -- the answer of a whole run ----------------------------------------------------------------


def _runs(cache_dir) -> list[str]:
    db = sqlite3.connect(cache_dir / "notes.sqlite3")
    try:
        return [key for (key,) in db.execute("SELECT key FROM runs ORDER BY written")]
    finally:
        db.close()


@pytest.fixture
def vault(linked, monkeypatch):
    """``linked``, with the stats of files written just now trusted (as those of files written
    more than two seconds before a run are)."""
    monkeypatch.setattr("vaultlint.cache.RACY_NS", 0)
    return linked


@pytest.fixture
def no_workspace(monkeypatch):
    """Makes a run that checks note by note fail: what follows must be answered whole, without
    the vault index's tables either (a run answered whole resolves no link: they are made on
    first use, 0.1 s of such a run at 100,000 notes)."""

    def refuse(*args, **kwargs):
        raise AssertionError("checked note by note")

    def no_tables(*args, **kwargs):
        raise AssertionError("the vault index's tables were made")

    def arm():
        monkeypatch.setattr("vaultlint.engine.Workspace.checked_once", refuse)
        monkeypatch.setattr("vaultlint.vault.VaultIndex._make_tables", no_tables)

    return arm


def test_an_unchanged_vault_is_answered_whole_by_the_last_run(vault, no_workspace, parsed):
    """Every run of the whole vault keeps its answer, the one that built the cache too; the next run
    of the unchanged vault gives it back without looking at a note or its results."""
    root, cache = vault
    first = run(root, use_cache=True, cache_dir=cache)
    assert len(_runs(cache)) == 1
    no_workspace()
    parsed.clear()
    second = run(root, use_cache=True, cache_dir=cache)
    assert diagnostics(second) == diagnostics(first) != []
    assert second.fixable.keys() == first.fixable.keys()
    assert parsed == []


def _edit_note(root):
    (root / "b.md").write_text("# Other\ntext ^block\n")


def _add_attachment(root):
    (root / "c").write_bytes(b"")  # a file named as the link: resolves now


def _delete_note(root):
    (root / "d.md").unlink()


def _change_settings(root):
    (root / ".obsidian").mkdir(exist_ok=True)
    (root / ".obsidian" / "types.json").write_text('{"types": {"aliases": "number"}}')


def _add_folder_config(root):
    (root / "sub" / ".obsidian").mkdir()  # a vault inside the vault (FN004): no file more or less


def _ignore_note(root):
    (root / ".gitignore").write_text("a.md\n")  # a dot-file: not a file of the vault


@pytest.mark.parametrize(
    "change", [_edit_note, _add_attachment, _delete_note, _change_settings, _add_folder_config, _ignore_note]
)
def test_a_changed_vault_is_not_answered_by_a_whole_run(vault, change):
    root, cache = vault
    (root / "sub").mkdir()
    (root / "sub" / "e.md").write_text("")
    run(root, use_cache=True, cache_dir=cache)
    assert len(_runs(cache)) == 1
    change(root)
    assert diagnostics(run(root, use_cache=True, cache_dir=cache)) == diagnostics(run(root))


def test_a_run_that_checks_some_notes_again_keeps_no_whole_answer(vault):
    """Someone is editing: the next run will likely find another change, and keeping the answer
    would only slow this one."""
    root, cache = vault
    run(root, use_cache=True, cache_dir=cache)
    kept = _runs(cache)
    _edit_note(root)
    run(root, use_cache=True, cache_dir=cache)
    assert _runs(cache) == kept
    run(root, use_cache=True, cache_dir=cache)  # found every note as stored: kept
    assert len(_runs(cache)) == 2


def test_a_note_changed_and_checked_by_another_run_is_not_answered_by_a_whole_run(vault):
    """A run of a folder checks a changed note and stores its row, stat and all: the next run of the
    vault finds every stat as stored, and the note's new content hash in the key tells it apart."""
    root, cache = vault
    (root / "sub").mkdir()
    (root / "sub" / "e.md").write_text("text\n")
    run(root, use_cache=True, cache_dir=cache)
    (root / "sub" / "e.md").write_text("[[nowhere]]\n")
    run(root, [root / "sub"], use_cache=True, cache_dir=cache)
    assert diagnostics(run(root, use_cache=True, cache_dir=cache)) == diagnostics(run(root))


def test_a_run_asked_otherwise_is_not_answered_by_a_whole_run(vault):
    """Another selection, or a folder of the vault: another key, another answer."""
    root, cache = vault
    (root / "sub").mkdir()
    (root / "sub" / "e.md").write_text("[[nowhere]]\n")
    run(root, use_cache=True, cache_dir=cache)
    assert diagnostics(run(root, use_cache=True, cache_dir=cache, ignore=["LK001"])) == diagnostics(
        run(root, ignore=["LK001"])
    )
    folder = [root / "sub"]
    assert diagnostics(run(root, folder, use_cache=True, cache_dir=cache)) == diagnostics(run(root, folder))
    assert diagnostics(run(root, folder, use_cache=True, cache_dir=cache)) == diagnostics(run(root, folder))
    assert len(_runs(cache)) == 3  # the vault's, without LK001, the folder's


def test_a_whole_run_that_read_a_pdf_follows_it(tmp_path, monkeypatch):
    """LK009's page count: a PDF replaced (the same size and time, another content) is not the one
    the stored answer read."""
    from pdfs import pdf

    monkeypatch.setattr("vaultlint.engine.RESULTS_CACHE_MIN", 1)
    monkeypatch.setattr("vaultlint.cache.RACY_NS", 0)  # stats of files written just now are trusted
    five = pdf(5)
    two = pdf(2) + b"\n" * (len(five) - len(pdf(2)))
    root = write_vault(tmp_path / "v", {"Doc.pdf": two, "n.md": "[[Doc.pdf#page=3]]\n", "m.md": "text\n"})
    cache = tmp_path / "cache"

    def codes():
        return [(d.path, d.code) for d in run(root, use_cache=True, cache_dir=cache, select=["LK009"]).diagnostics]

    assert codes() == codes() == [("n.md", "LK009")]
    assert len(_runs(cache)) == 1
    before = (root / "Doc.pdf").stat()
    (root / "Doc.pdf").write_bytes(five)
    os.utime(root / "Doc.pdf", ns=(before.st_atime_ns, before.st_mtime_ns))
    assert codes() == []


@pytest.mark.parametrize("column", ["results", "files"])
def test_a_damaged_whole_run_is_a_miss(vault, column):
    root, cache = vault
    expected = diagnostics(run(root, use_cache=True, cache_dir=cache))
    db = sqlite3.connect(cache / "notes.sqlite3")
    with db:
        db.execute(f"UPDATE runs SET {column} = '[[\"a.md\"'")  # noqa: S608 - a column name of this test
    db.close()
    assert diagnostics(run(root, use_cache=True, cache_dir=cache)) == expected


def test_only_the_last_few_whole_runs_are_kept(vault):
    root, cache = vault
    selections = [[], ["OR001"], ["OR002"], ["OR003"], ["TG001"], ["FN001"]]
    assert len(selections) > vaultlint.cache.RUNS_KEPT
    for ignore in selections:
        run(root, use_cache=True, cache_dir=cache, ignore=ignore)
    assert len(_runs(cache)) == vaultlint.cache.RUNS_KEPT
