"""Notes settled after their own checks (loader.NoteLoader.settle, model.settled), issue 20 point 2.

A whole-vault run keeps of each checked note only what other notes' checks and the
later stages read: headings and block ids (links into it), tags and properties
(TG001, BS002), comments (suppressions of vault-wide findings) and URLs.  These
tests hold the answers equal to a run that keeps every note whole, in vaults where
every one of those readers comes after the note it reads was checked and settled,
and show that the cache still stores whole notes.
"""

from __future__ import annotations

import pytest
from helpers import run, write_vault

import vaultlint.loader
from vaultlint.cache import NoteCache
from vaultlint.loader import NoteLoader, _parser
from vaultlint.model import Note, settled
from vaultlint.syntax.note import parse_note

# "a.md" sorts first: checked (and settled) before every note that reads it.
FIRST = """\
---
tags: [Project]
rating: 3
aliases: [Alpha]
---
# Heading A

A paragraph with a block id ^blka

%% vaultlint-disable-next-line TG001 %%
#Project suppressed

#Project reported, and [[b]] and <https://example.invalid/a> and [[ ]]
"""

READER = """\
# Reader {index}

#project [[a#Heading A]] [[a#Missing heading]] [[a#^blka]] [[a#^nope]] [[Alpha]] [[alpah]]
"""

# Sorts after every note: its property names are looked up once every note was settled.
BASE = """\
views:
  - type: table
    order:
      - rating
      - owner
"""


def _files(readers: int) -> dict[str, str]:
    files = {"a.md": FIRST, "zz.base": BASE}
    files.update({f"r{index:03}.md": READER.format(index=index) for index in range(readers)})
    return files


def parse_source(path: str, text: str) -> Note:
    return _parser(path)(path, text)


def _signature(report):
    return [(d.path, d.span, d.code, d.message, d.hint) for d in report.diagnostics]


@pytest.fixture
def whole_notes(monkeypatch):
    """A run that never settles: every note stays whole, as before issue 20."""

    def keep_whole(self, path):
        return None

    def use(enabled: bool) -> None:
        if enabled:
            monkeypatch.setattr(NoteLoader, "settle", keep_whole)
        else:
            monkeypatch.undo()

    return use


@pytest.mark.parametrize("jobs", [1, 2])
def test_answers_equal_to_keeping_every_note_whole(tmp_path, whole_notes, jobs):
    # 240 readers: more than loader.PARALLEL_THRESHOLD, so jobs=2 parses in a pool while checking.
    root = write_vault(tmp_path / "v", _files(240))
    settling = run(root, jobs=jobs)
    whole_notes(True)
    whole = run(root, jobs=jobs)
    assert _signature(settling) == _signature(whole)
    codes = {d.code for d in whole.diagnostics}
    # Every reader of a settled note had something to say: heading and block links into it,
    # the tag spellings (and its suppression), the base's property names.
    assert {"LK003", "LK004", "TG001", "BS002"} <= codes
    tg001 = [d for d in whole.diagnostics if d.code == "TG001" and d.path == "a.md"]
    assert [d.span.line for d in tg001] == [2, 13]  # line 10 is suppressed by the comment above it
    assert any(d.code == "BS002" and '"owner"' in d.message for d in whole.diagnostics)
    assert not any(d.code == "BS002" and '"rating"' in d.message for d in whole.diagnostics)


@pytest.mark.parametrize(("batch", "jobs"), [(1000, 1), (1, 1), (3, 2)])
def test_cache_built_by_a_settling_run_stores_whole_notes(tmp_path, monkeypatch, batch, jobs):
    """Every note's stored copy is the whole note: written at the end, or in batches while the
    run goes on (loader.STORE_BATCH), encoded here or in a pool worker (jobs=2)."""
    monkeypatch.setattr(vaultlint.loader, "STORE_BATCH", batch)
    monkeypatch.setattr(vaultlint.loader, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(vaultlint.loader, "MAX_CHUNK", 4)
    root = write_vault(tmp_path / "v", _files(60))
    cache_dir = tmp_path / "cache"
    first = run(root, use_cache=True, cache_dir=cache_dir, jobs=jobs)
    again = run(root, use_cache=True, cache_dir=cache_dir, jobs=jobs)
    assert _signature(again) == _signature(first) == _signature(run(root))
    cache = NoteCache.open(cache_dir, [])
    assert cache is not None
    try:
        rows = cache.rows()
        stored = {path: cache.note(path, row.hash) for path, row in rows.items()}
    finally:
        cache.close()
    assert sorted(stored) == sorted(_files(60))
    for path, note in stored.items():
        assert note == parse_source(path, (root / path).read_text(encoding="utf-8")), path
    whole = stored["a.md"]
    assert isinstance(whole, Note) and whole.links and whole.frontmatter is not None and whole.frontmatter.raw


def test_a_note_read_from_the_cache_keeps_its_links_in_its_summary(tmp_path):
    """Found by the fuzzer: a warm run (too few notes for stored results) reads the notes from
    the cache, checks and settles them; the orphan rule then read the links of the settled
    note, none, and called the note it links to an orphan."""
    root = write_vault(tmp_path / "v", {"Note.md": "word\n\nword", "sub/Deep.md": "[^1]: footnote [[Note]]"})
    cache_dir = tmp_path / "cache"
    plain = _signature(run(root, select=["ALL"], jobs=1))
    assert [(path, code) for path, _, code, _, _ in plain] == [("sub/Deep.md", "OR001")]
    for _ in ("cold", "warm"):
        assert _signature(run(root, select=["ALL"], jobs=1, use_cache=True, cache_dir=cache_dir)) == plain


def test_settled_note_keeps_what_others_read():
    note = parse_note("a.md", FIRST)
    kept = settled(note)
    assert note.links and note.frontmatter is not None and note.frontmatter.raw and note.empty_links
    assert (kept.path, kept.headings, kept.block_ids, kept.tags, kept.comments, kept.urls) == (
        note.path,
        note.headings,
        note.block_ids,
        note.tags,
        note.comments,
        note.urls,
    )
    # The tags property whole (TG001 reports on its items); of the others, the names alone (BS002),
    # one shared property object per name.
    assert kept.frontmatter is not None
    assert [p.key for p in kept.frontmatter.properties] == ["tags", "rating", "aliases"]
    assert kept.frontmatter.get("tags") == note.frontmatter.get("tags")
    assert [(p.value, p.items) for p in kept.frontmatter.properties[1:]] == [(None, ()), (None, ())]
    assert settled(parse_note("b.md", FIRST)).frontmatter.properties[1] is kept.frontmatter.properties[1]
    assert settled(note, "a.md").path == "a.md"
    assert (kept.links, kept.empty_links, kept.raw_space_links, kept.frontmatter.raw) == ((), (), (), "")
