"""Getting parsed notes: from the cache when the file is unchanged, else by parsing.

Each note is parsed at most once per run and at most once per content version
across runs (the cache is keyed by content hash).  Many notes at once are parsed
in a process pool across the machine's cores; the result does not depend on it.
"""

from __future__ import annotations

import gc
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .cache import (
    FileState,
    NoteCache,
    Row,
    StoredResults,
    WholeRun,
    content_hash,
    decode_summary,
    encode_loaded,
    file_state,
)
from .model import Note, NoteSummary, VaultAggregate, aggregate, retagged, settled, summarize
from .vault import MAX_NOTE_BYTES, UnreadableFile, Vault, decode_note, is_source, read_note_bytes

#: Below this many notes to parse, a process pool costs more than it saves.
PARALLEL_THRESHOLD = 200

#: The smallest and largest piece of work sent to a pool worker.  Large enough
#: that sending it costs little; small enough that a worker does not hold many
#: parsed notes (and their pickle) at once: chunks of 2,500 notes made the peak
#: memory of a 20,000-note run 10 % higher.
MIN_CHUNK = 8
MAX_CHUNK = 250
#: Chunks queued per pool worker (:meth:`NoteLoader._parse_with_pool`).
QUEUED = 4

#: Up to this many changed notes, the cached vault aggregate is updated rather than rebuilt.
INCREMENTAL_LIMIT = 500

#: Settled notes' cache texts are written to the cache in batches of this many as the run goes,
#: not all at the end: held to the end they were a sixth of a cache-building run's memory.
STORE_BATCH = 1000


#: What loading a note gives: the note, or why it cannot be read (VL001).
Loaded = Note | str


class NotYetParsed(Exception):
    """A note, or the whole vault's aggregate, asked for while a pool is still parsing it.

    Raised only between the steps of :meth:`NoteLoader.preload_stepwise`; the
    engine checks the note that asked again later.  ``path`` is the note asked for,
    ``None`` for the aggregate (which waits for every note).
    """

    def __init__(self, path: str | None) -> None:
        super().__init__(path or "the vault's tags and aliases")
        self.path = path


def _parser(path: str) -> Callable[[str, str], Note]:
    """The parser for a source file: a canvas, a base, or a Markdown note."""
    lower = path.lower()
    if lower.endswith(".canvas"):
        from .syntax.canvas import parse_canvas

        return parse_canvas
    if lower.endswith(".base"):
        from .syntax.bases import parse_base

        return parse_base
    from .syntax.note import parse_note  # imported here: runs without notes never load markdown-it

    return parse_note


def parse_file(path: str, fs_path: str) -> tuple[str, FileState | None, str, Loaded]:
    """Read, hash and parse one note, canvas or base (module level: it runs in worker processes too)."""
    try:
        info: os.stat_result | None = os.stat(fs_path)
    except OSError:
        info = None  # read_note_bytes says why
    state = file_state(info) if info is not None else None
    try:
        data = read_note_bytes(fs_path, info=info)
    except UnreadableFile as error:
        return path, state, "", str(error)
    digest, loaded = parse_data(path, data)
    return path, state, digest, loaded


def parse_data(path: str, data: bytes) -> tuple[str, Loaded]:
    """Hash and parse the bytes of one source file: those on disk, or an editor's unsaved text."""
    from .syntax.note import NestingTooDeep  # canvases hold Markdown too: the parser is loaded for every source

    digest = content_hash(data)
    try:
        return digest, _parser(path)(path, decode_note(data))
    except UnreadableFile as error:
        return digest, str(error)
    except RecursionError:
        return digest, "too deeply nested to parse"
    except NestingTooDeep as error:
        return digest, str(error)


def parse_overlay(path: str, text: str) -> tuple[str, Loaded]:
    """Hash and parse an editor's unsaved text as the bytes a save would write, with the limits a
    file on disk has (:func:`~vaultlint.vault.read_note_bytes`)."""
    data = text.encode("utf-8", "surrogatepass")
    if len(data) > MAX_NOTE_BYTES:
        return "", f"file is too large to check: {len(data)} bytes, limit {MAX_NOTE_BYTES}"
    return parse_data(path, data)


def _start_worker() -> None:
    """Once per pool worker: build the parser up front; collection only costs time here."""
    from .syntax.note import markdown_parser

    gc.disable()  # parsing allocates millions of acyclic objects
    markdown_parser()


#: A parsed file and its cache text (:func:`encode_loaded`; ``None``: not storable).
ParsedForCache = tuple[tuple[str, FileState | None, str, Loaded], str | None]


def _parse_batch_for_cache(batch: Sequence[tuple[str, str]], encode: bool) -> list[ParsedForCache]:
    """Each file of ``batch`` parsed (:func:`parse_file`) and, with ``encode``, its cache text, made
    right after the parse (in a worker, or in this process for its own chunks): on a run that builds
    the cache, encoding every note in the main process made it a sixth slower, and encoding a note
    long after its parse (when it is settled) costs half as much again as right after it."""
    parsed = [parse_file(path, fs_path) for path, fs_path in batch]
    return [(item, encode_loaded(item[3]) if encode else None) for item in parsed]


def _chunks(items: Sequence[tuple[str, str]], jobs: int) -> list[Sequence[tuple[str, str]]]:
    """Work for the pool, in chunks that shrink towards the end (guided scheduling):
    small ones at the end let the workers finish together instead of one of them
    parsing a last large chunk alone."""
    chunks = []
    start = 0
    while start < len(items):
        size = min(MAX_CHUNK, max(MIN_CHUNK, (len(items) - start) // (jobs * 4)))
        chunks.append(items[start : start + size])
        start += size
    return chunks


def _summary(loaded: Loaded) -> NoteSummary:
    return summarize(loaded) if isinstance(loaded, Note) else NoteSummary()


@dataclass
class NoteLoader:
    vault: Vault
    cache: NoteCache | None
    jobs: int = 1
    #: Read every note's stored results with the rows, in one query: for a run that will ask for
    #: them (:meth:`stored_results_of`); others (a pre-commit run of a few notes) read only the rows.
    with_results: bool = False
    rows: dict[str, Row] = field(default_factory=dict)
    #: Every note of the vault, with its current stat where the cache holds a row for it whose stat
    #: differs (:meth:`current_hash` stores it when the content turns out the same); else None.
    states: dict[str, FileState | None] = field(default_factory=dict)
    #: Content hash of notes known to be unchanged or parsed in this run.
    hashes: dict[str, str] = field(default_factory=dict)
    loaded: dict[str, Loaded] = field(default_factory=dict)
    summaries: dict[str, NoteSummary] = field(default_factory=dict)
    #: The cache's summaries, as stored until one is asked for (:meth:`keep_stored_summaries`).
    _stored_summaries: dict[str, str] | None = None
    _stored_results: dict[str, StoredResults] | None = None
    _aggregate: VaultAggregate | None = None
    _new_aggregate: tuple[str, VaultAggregate] | None = None
    # What to write back to the cache: the notes parsed and not yet written, and the cache text of
    # those whose text is made (:meth:`store_text`), written in batches as the run goes.
    parsed: dict[str, tuple[FileState, str, NoteSummary]] = field(default_factory=dict)
    _texts: dict[str, str | None] = field(default_factory=dict)
    touched: dict[str, FileState] = field(default_factory=dict)
    _flushed: bool = False
    #: Notes a pool is parsing right now (:meth:`preload_stepwise`).
    pending: set[str] = field(default_factory=set)
    #: PDF page counts: stored ones (read on first use), and those counted in this run (to store).
    _stored_pdfs: dict[str, tuple[FileState, int | None]] | None = None
    counted_pdfs: dict[str, tuple[FileState, int | None]] = field(default_factory=dict)
    #: Content hashes of files other than notes (a PDF results depend on): stored ones (read on
    #: first use), and those taken in this run (to store), each with the stat it was taken with.
    _stored_files: dict[str, tuple[FileState, str]] | None = None
    hashed_files: dict[str, tuple[FileState, str]] = field(default_factory=dict)
    #: Every file other than a note whose content hash this run asked for, with it: what the
    #: results depend on besides notes (a PDF), the inputs of a whole run's answer (:meth:`flush`).
    other_files_read: dict[str, str] = field(default_factory=dict)
    #: Unsaved editor texts that win over the disk (a :class:`~vaultlint.workspace.Workspace`'s).
    overlays: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        notes = [file for file in self.vault.files if file.is_note or is_source(file.path)]
        self.states = states = dict.fromkeys(file.path for file in notes)
        if self.cache is None:
            return
        if self.with_results:
            stored, self._stored_results = self.cache.rows_and_results()
        else:
            stored = self.cache.rows()
        # The rows again, keyed by the vault's own path strings: a warm run looks every note up in
        # them some ten times, and a key that is the very object asked for is found without
        # comparing its text (a fifth of each pass over 100,000 notes).
        self.rows = rows = {}
        hashes, stat = self.hashes, os.stat
        # A note the cache has no row for is read and parsed whatever its stat: not stat'ed here
        # (on a run that builds the cache, that is every note), and no stat kept for it.
        for path, fs_path, _ in notes:
            row = stored.pop(path, None)
            if row is None:
                continue
            rows[path] = row
            try:
                info = stat(fs_path)
            except OSError:
                continue
            # Only the stat this machine stored for this very file vouches for its hash (cache.py).
            # (Compared as a plain tuple: a FileState made for each of 100,000 unchanged notes costs.)
            if row.state == (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino):
                hashes[path] = row.hash
            else:
                states[path] = file_state(info)
        rows.update(stored)  # the rows of notes no longer in the vault (flush removes them)

    # -- loading -----------------------------------------------------------------
    def preload(self, paths: Iterable[str]) -> None:
        """Parse, in parallel when many, the notes the cache cannot answer for.

        Cached notes are not loaded here: a warm run mostly needs their stored
        results and summaries, not the notes themselves (see :meth:`load`).
        """
        for _ in self.preload_stepwise(paths):
            pass

    def preload_stepwise(self, paths: Iterable[str]) -> Generator[list[str], None, None]:
        """:meth:`preload`, yielding the paths parsed so far whenever a pool parses in the background.

        Between two steps the caller may check the notes already parsed, on the core
        that would otherwise wait for the pool.  Until the last step, asking for a note
        still being parsed, or for the vault's aggregate, raises :class:`NotYetParsed`.
        Without a pool (few notes, one job) everything is parsed before the first step
        and nothing is yielded.
        """
        missing = self.without_fresh_row(p for p in paths if p not in self.loaded)
        for path in [p for p in missing if p in self.overlays]:
            self.load(path)
        missing = [p for p in missing if p not in self.loaded]
        if not missing:
            return
        batch = [(path, self.vault.by_path[path].fs_path) for path in missing]
        # The notes parsed here live to the end of the run and hold no cycles: a
        # collection while they pile up only walks them again and again.
        collecting = gc.isenabled()
        gc.disable()
        try:
            if self.jobs > 1 and len(batch) >= PARALLEL_THRESHOLD:
                self.pending = set(missing)
                for parsed in self._parse_with_pool(batch):
                    self.pending.difference_update(parsed)
                    yield parsed
            else:
                for path, fs_path in batch:
                    self._accept(*parse_file(path, fs_path))
        finally:
            self.pending = set()  # interrupted: what is left is parsed here, on demand
            if collecting:
                gc.enable()

    def _parse_with_pool(self, batch: Sequence[tuple[str, str]]) -> Generator[list[str], None, None]:
        """Parse ``batch`` in ``jobs`` processes: this one and ``jobs - 1`` pool workers.

        This process takes chunks from the same queue instead of waiting for the
        workers: the notes it parses need no pickling there and back, and one
        process fewer starts.  But it also checks every note parsed (the caller, between
        steps), so it is the run's critical path: it takes in what the workers finished
        first and parses a chunk itself only when none is ready.  Parsing one whenever
        it looped left the workers' queues to run dry while it parsed and then checked:
        on 100,000 notes the worker idled a quarter of the run.  Each worker keeps
        ``QUEUED`` chunks queued; not more, or at the end this process waits for a worker
        to parse a backlog it could have shared.  After each step it yields what is
        parsed so far, its own and the workers' (see :meth:`preload_stepwise`).
        """
        from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

        chunks = deque(_chunks(batch, self.jobs))
        workers = self.jobs - 1
        running: set[Future[list[ParsedForCache]]] = set()
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_start_worker)
        try:
            while chunks or running:
                finished = {future for future in running if future.done()}
                running -= finished  # their places in the queue are free: refilled before this process parses
                while chunks and len(running) < QUEUED * workers:
                    running.add(pool.submit(_parse_batch_for_cache, chunks.popleft(), self.cache is not None))
                parsed: list[str] = []
                if not finished and chunks:
                    # Its own chunk encoded for the cache as a worker's is, right after the parse:
                    # encoded when each note was settled, long after, took half as long again.
                    own = _parse_batch_for_cache(chunks.popleft(), self.cache is not None)
                    parsed.extend(self._accept_encoded(*item) for item in own)
                    finished = {future for future in running if future.done()}
                    running -= finished
                elif not finished:
                    finished, running = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    parsed.extend(self._accept_encoded(*item) for item in future.result())
                yield parsed
        finally:
            # Normally nothing is left to wait for; on Ctrl-C, do not parse the queued chunks first.
            pool.shutdown(wait=True, cancel_futures=True)

    def load(self, path: str) -> Loaded:
        if path in self.pending:
            raise NotYetParsed(path)
        if path in self.overlays:
            if path not in self.loaded:
                self._accept(path, None, *parse_overlay(path, self.overlays[path]))
        elif path not in self.loaded and not self._from_cache(path):
            file = self.vault.by_path.get(path)
            if file is None:
                return "not in the vault"
            self._accept(*parse_file(path, file.fs_path))
        return self.loaded[path]

    def text(self, path: str) -> str | None:
        """The text checked for a note: the unsaved overlay, else the file's (``None``: unreadable)."""
        overlay = self.overlays.get(path)
        if overlay is not None:
            return overlay
        file = self.vault.by_path.get(path)
        if file is None:
            return None
        try:
            return decode_note(read_note_bytes(file.fs_path))
        except UnreadableFile:
            return None

    def forget(self, paths: Iterable[str], aggregate: bool = True) -> None:
        """Drop what is known of these files (changed, added or gone): the next load reads them again.
        ``aggregate=False`` keeps the vault's tags and aliases: the caller knows they did not change."""
        for path in paths:
            for known in (self.loaded, self.summaries, self.hashes, self.parsed, self.counted_pdfs, self.hashed_files):
                known.pop(path, None)
        if aggregate:
            self._aggregate = None

    def _from_cache(self, path: str) -> bool:
        if path in self.overlays or self.cache is None or not self.has_fresh_row(path):
            return False
        stored = self.cache.note(path, self.hashes[path])
        if not isinstance(stored, (Note, str)):
            return False
        self.loaded[path] = stored
        return True

    def _accept(self, path: str, state: FileState | None, digest: str, loaded: Loaded) -> str:
        self.loaded[path] = loaded
        if digest:
            self.hashes[path] = digest
        summary = self.summaries[path] = _summary(loaded)  # made once: the aggregate and vault rules read it
        if state is not None and digest and self.cache is not None:
            self.parsed[path] = (state, digest, summary)
        return path

    def _accept_encoded(self, item: tuple[str, FileState | None, str, Loaded], text: str | None) -> str:
        path = self._accept(*item)
        if path in self.parsed:
            self._queue_text(path, text)
        return path

    def settle(self, path: str) -> None:
        """The note's own checks are done: from now on keep only what others read of it (``settled``).

        A whole vault's parsed notes are most of a run's memory; what other notes' checks
        and the later stages read of one is about half of it.  The cache stores the whole
        note, so its text is made here, before the rest goes.
        """
        loaded = self.loaded.get(path)
        if not isinstance(loaded, Note):
            return
        if path not in self.summaries:  # read from the cache, not parsed: its links live on here only
            self.summaries[path] = _summary(loaded)
        self.store_text(path)
        self.loaded[path] = settled(loaded, path)

    def store_text(self, path: str) -> None:
        """Make the cache's text of a parsed note now, and write it with the next batch: the
        texts of a whole vault, made at :meth:`flush`, would be a run's peak of memory."""
        loaded = self.loaded.get(path)
        if isinstance(loaded, Note) and path in self.parsed and path not in self._texts:
            self._queue_text(path, encode_loaded(loaded))

    def _queue_text(self, path: str, text: str | None) -> None:
        self._texts[path] = text
        if len(self._texts) >= STORE_BATCH:
            self._store_texts()

    def _store_texts(self) -> None:
        """Write the notes whose cache texts are made so far, rows and all, and forget them here
        (those the cache cannot take now, or at all, wait for :meth:`flush`)."""
        if self.cache is None:
            return
        parsed, texts = self.parsed, self._texts
        rows = [(path, *parsed[path][:2], text, parsed[path][2]) for path, text in texts.items() if text is not None]
        for path in self.cache.store_parsed(rows):
            del texts[path], parsed[path]

    # -- what results depend on -----------------------------------------------------
    def current_hash(self, path: str) -> str | None:
        """The note's content hash now: from an unchanged stat, or by reading the file."""
        if path in self.hashes:
            return self.hashes[path]
        file = self.vault.by_path.get(path)
        if file is None:
            return None
        if self.cache is not None and not is_source(path):
            digest = self._file_hash(path, file.fs_path)
            if digest is not None:
                self.hashes[path] = self.other_files_read[path] = digest
            return digest
        try:
            digest = content_hash(read_note_bytes(file.fs_path))
        except UnreadableFile:
            return None
        self.hashes[path] = digest
        row, state = self.rows.get(path), self.states.get(path)
        if row is not None and row.hash == digest and state is not None:
            self.touched[path] = state
        return digest

    def _file_hash(self, path: str, fs_path: str) -> str | None:
        """The content hash of a file that is not a note: the stored one while the file's stat is
        the one it was taken with (as a note's row, cache.py), else read (and kept to store).
        A warm run of 100,000 notes read 2,000 PDFs whole for their hashes."""
        try:
            info = os.stat(fs_path)
        except OSError:
            return None
        state = file_state(info)
        if self._stored_files is None:
            self._stored_files = self.cache.file_hashes() if self.cache is not None else {}
        stored = self._stored_files.get(path)
        if stored is not None and stored[0] == state:
            return stored[1]
        try:
            digest = content_hash(read_note_bytes(fs_path, info=info))
        except UnreadableFile:
            return None
        self.hashed_files[path] = (state, digest)
        return digest

    def has_fresh_row(self, path: str) -> bool:
        """True when the cache holds this note and it has not changed (by stat, else by content)."""
        return not self.without_fresh_row((path,))

    def without_fresh_row(self, paths: Iterable[str]) -> list[str]:
        """Those of ``paths`` that :meth:`has_fresh_row` says no for, in order: one loop, not a
        call for each (a warm run asks it of every note of the vault four times)."""
        rows, hashes, overlays = self.rows, self.hashes, self.overlays
        if not overlays:
            # Most paths have a row and a known hash, the row's: one comprehension sets them aside
            # (the loop below costs twice as much per path, and a warm run asks five times).
            get_row, get_hash = rows.get, hashes.get
            paths = [path for path in paths if (row := get_row(path)) is None or get_hash(path) != row.hash]
        found = []
        for path in paths:
            row = rows.get(path)
            if row is not None and path not in overlays:
                digest = hashes.get(path)  # current_hash's own first look, without its call
                if (digest if digest is not None else self.current_hash(path)) == row.hash:
                    continue
            found.append(path)
        return found

    def summary(self, path: str) -> NoteSummary:
        found = self.summaries.get(path)
        if found is None:
            if path not in self.loaded and self.has_fresh_row(path):
                self.keep_stored_summaries()
                assert self._stored_summaries is not None
                text = self._stored_summaries.pop(path, None)
                found = decode_summary(text) if text is not None else None
            if found is None:
                found = _summary(self.load(path))
            self.summaries[path] = found
        return found

    def keep_stored_summaries(self) -> None:
        """Read the cache's summaries (in one query) if not read yet: each is decoded when first
        asked for, even after the cache is closed (a workspace closes it after its start)."""
        if self._stored_summaries is None:
            self._stored_summaries = self.cache.summary_texts() if self.cache is not None else {}

    def stored_results(self, path: str) -> StoredResults | None:
        """The results stored for an unchanged note (read in one query on first use)."""
        if path not in self.rows:
            return None  # no row, no results: a run that builds the cache asks this of every note
        found = self.stored_results_of((path,))
        return found[0][1] if found else None

    def stored_results_of(self, paths: Sequence[str], *, alone: bool = False) -> list[tuple[str, StoredResults]]:
        """:meth:`stored_results` of each of ``paths`` that has them, in one pass; ``alone``: read
        only theirs, unless every note's are read already (a workspace's first answers)."""
        stale = set(self.without_fresh_row(paths))
        unchanged = [path for path in paths if path not in stale]
        if self.cache is None or not unchanged:
            return []  # (a run that builds the cache: no query over the notes it just wrote)
        if self._stored_results is None:
            if alone:
                stored = self.cache.results(unchanged)
                return [(path, stored[path]) for path in unchanged if path in stored]
            self._stored_results = self.cache.results()
        stored = self._stored_results.get
        return [(path, found) for path in unchanged if (found := stored(path)) is not None]

    def aggregate(self) -> VaultAggregate:
        """Tags and aliases of the whole vault.

        From the cache when no note changed since it was stored; updated from
        the few notes that changed when only those did (the pre-commit case);
        otherwise rebuilt from every note's summary.
        """
        if self._aggregate is not None:
            return self._aggregate
        if self.pending:
            raise NotYetParsed(None)
        if self.cache is None:
            self.preload_summaries()
            self._aggregate = aggregate((path, self.summary(path)) for path in self.states)
            return self._aggregate
        # A stored aggregate always matches the cached rows (a write that changes rows
        # replaces or drops it), so only the notes that differ from their rows matter.
        stored = self.cache.aggregate()
        result = None
        if stored is not None:
            result = self._updated_aggregate(stored[1])
        if result is None:
            self.preload_summaries()
            result = aggregate((path, self.summary(path)) for path in self.states)
        if stored is None or result is not stored[1]:
            self._new_aggregate = ("", result)
        self._aggregate = result
        return result

    def retag(self, before: Iterable[NoteSummary], after: Iterable[NoteSummary]) -> None:
        """Some notes' tags changed and nothing else did: their old tags are counted out of the
        vault's aggregate and the new ones in (a live workspace's edit; no pass over every note)."""
        if self._aggregate is not None:
            self._aggregate = VaultAggregate(retagged(self._aggregate, before, after), self._aggregate.alias_owners)

    def _updated_aggregate(self, old: VaultAggregate) -> VaultAggregate | None:
        """``old`` (built from the cached rows) with the notes that changed since swapped in.

        Tag counts are adjusted exactly; when any changed note's aliases differ,
        alias ownership (first note in vault order) is rebuilt instead.
        """
        changed = self.without_fresh_row(self.states)
        removed = [p for p in self.rows if p not in self.states]
        if not changed and not removed:
            return old
        if len(changed) + len(removed) > INCREMENTAL_LIMIT or self.cache is None:
            return None
        before = self.cache.summaries([p for p in changed if p in self.rows] + removed)
        after = {p: self.summary(p) for p in changed}
        empty = NoteSummary()
        if any(before.get(p, empty).aliases != after.get(p, empty).aliases for p in [*changed, *removed]):
            return None
        paths = [*changed, *removed]
        spellings = retagged(old, (before.get(p, empty) for p in paths), (after.get(p, empty) for p in paths))
        return VaultAggregate(spellings, old.alias_owners)

    def preload_summaries(self) -> None:
        """Make every note's summary cheap: parse (in parallel) the notes the cache cannot answer for."""
        self.preload(self.states)  # (preload leaves out the notes loaded and those with a fresh row)

    def pdf_page_count(self, path: str) -> int | None:
        """The page count of a PDF of the vault (``None``: no verdict), stored while its stat holds.

        Counting is capped per file (pdf.py) but still reads the file; a vault of many
        PDFs, or of PDFs built to cost the cap, pays it once per version of each file.
        """
        from .pdf import page_count

        file = self.vault.by_path.get(path)
        if file is None:
            return None
        try:
            state = file_state(os.stat(file.fs_path))
        except OSError:
            return None
        if self.cache is not None:
            if self._stored_pdfs is None:
                self._stored_pdfs = self.cache.pdf_pages()
            stored = self._stored_pdfs.get(path)
            if stored is not None and stored[0] == state:
                return stored[1]
        pages = page_count(file.fs_path)
        if self.cache is not None:
            self.counted_pdfs[path] = (state, pages)
        return pages

    # -- writing back ------------------------------------------------------------------
    def _stored_text(self, path: str) -> str | None:
        """What the cache stores for a note parsed in this run (``None``: not storable)."""
        return self._texts[path] if path in self._texts else encode_loaded(self.loaded[path])

    def flush(
        self,
        results: Mapping[str, tuple[str, str, tuple[tuple[str, str], ...]]],
        warnings: list[str],
        run: WholeRun | None = None,
    ) -> None:
        """Write back what this run learnt: new parses and stats, ``results`` (new per-note
        results with their key and dependencies), and ``run``, the whole run's answer."""
        if self.cache is None or self._flushed:
            return
        self._flushed = True  # once: an interrupted run flushes early, and must not write twice
        gone = [path for path in self.rows if path not in self.states]
        # PDFs whose counts were read and that are no longer in the vault go too.
        gone += [path for path in self._stored_pdfs or () if path not in self.vault.by_path]
        gone += [path for path in self._stored_files or () if path not in self.vault.by_path]
        try:
            parsed = {
                path: (state, digest, self._stored_text(path), summary)
                for path, (state, digest, summary) in self.parsed.items()
            }
            self.cache.write(
                parsed, self.touched, results, gone, self._new_aggregate, self.counted_pdfs, self.hashed_files, run
            )
        except Exception as error:  # noqa: BLE001 - a cache that cannot be written is not fatal
            warnings.append(f"cache not updated: {error}")
