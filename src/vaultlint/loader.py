"""Getting parsed notes: from the cache when the file is unchanged, else by parsing.

Each note is parsed at most once per run and at most once per content version
across runs (the cache is keyed by content hash).  Many notes at once are parsed
in a process pool across the machine's cores; the result does not depend on it.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .cache import NoteCache, Row, content_hash
from .model import Note, NoteSummary, summarize
from .vault import UnreadableFile, Vault, decode_note, read_note_bytes

#: Below this many notes to parse, a process pool costs more than it saves.
PARALLEL_THRESHOLD = 200

#: What loading a note gives: the note, or why it cannot be read (VL001).
Loaded = Note | str


@dataclass(frozen=True)
class FileState:
    size: int
    mtime_ns: int


def parse_file(path: str, fs_path: str) -> tuple[str, FileState | None, str, Loaded]:
    """Read, hash and parse one note (module level: it runs in worker processes too)."""
    from .syntax.note import parse_note  # imported here: runs without notes never load markdown-it

    try:
        info = os.stat(fs_path)
        state = FileState(info.st_size, info.st_mtime_ns)
    except OSError:
        state = None
    try:
        data = read_note_bytes(fs_path)
    except UnreadableFile as error:
        return path, state, "", str(error)
    digest = content_hash(data)
    try:
        text = decode_note(data)
        return path, state, digest, parse_note(path, text)
    except UnreadableFile as error:
        return path, state, digest, str(error)
    except RecursionError:
        return path, state, digest, "too deeply nested to parse"


def _parse_batch(batch: Sequence[tuple[str, str]]) -> list[tuple[str, FileState | None, str, Loaded]]:
    gc.disable()  # parsing allocates millions of acyclic objects; collection only costs time
    return [parse_file(path, fs_path) for path, fs_path in batch]


def _summary(loaded: Loaded) -> NoteSummary:
    return summarize(loaded) if isinstance(loaded, Note) else NoteSummary()


@dataclass
class NoteLoader:
    vault: Vault
    cache: NoteCache | None
    jobs: int = 1
    rows: dict[str, Row] = field(default_factory=dict)
    #: Current stat of each note of the vault (None when it cannot be stat'ed).
    states: dict[str, FileState | None] = field(default_factory=dict)
    #: Content hash of notes known to be unchanged or parsed in this run.
    hashes: dict[str, str] = field(default_factory=dict)
    loaded: dict[str, Loaded] = field(default_factory=dict)
    summaries: dict[str, NoteSummary] = field(default_factory=dict)
    # What to write back to the cache at the end of the run.
    parsed: dict[str, tuple[int, int, str, Loaded, NoteSummary]] = field(default_factory=dict)
    touched: dict[str, tuple[int, int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.cache is not None:
            self.rows = self.cache.rows()
        for file in self.vault.files:
            if file.is_note:
                try:
                    info = os.stat(file.fs_path)
                    self.states[file.path] = FileState(info.st_size, info.st_mtime_ns)
                except OSError:
                    self.states[file.path] = None
                row = self.rows.get(file.path)
                state = self.states[file.path]
                if row is not None and state is not None and (row.size, row.mtime_ns) == (state.size, state.mtime_ns):
                    self.hashes[file.path] = row.hash

    # -- loading -----------------------------------------------------------------
    def preload(self, paths: Iterable[str]) -> None:
        """Parse, in parallel when many, the notes the cache cannot answer for.

        Cached notes are not loaded here: a warm run mostly needs their stored
        results and summaries, not the notes themselves (see :meth:`load`).
        """
        missing = [p for p in paths if p not in self.loaded and not self.has_fresh_row(p)]
        if not missing:
            return
        batch = [(path, self.vault.by_path[path].fs_path) for path in missing]
        if self.jobs > 1 and len(batch) >= PARALLEL_THRESHOLD:
            from concurrent.futures import ProcessPoolExecutor

            size = max(16, len(batch) // (self.jobs * 8))
            chunks = [batch[i : i + size] for i in range(0, len(batch), size)]
            with ProcessPoolExecutor(max_workers=self.jobs) as pool:
                for results in pool.map(_parse_batch, chunks):
                    for result in results:
                        self._accept(*result)
        else:
            for path, fs_path in batch:
                self._accept(*parse_file(path, fs_path))

    def load(self, path: str) -> Loaded:
        if path not in self.loaded and not self._from_cache(path):
            file = self.vault.by_path.get(path)
            if file is None:
                return "not in the vault"
            self._accept(*parse_file(path, file.fs_path))
        return self.loaded[path]

    def _from_cache(self, path: str) -> bool:
        if self.cache is None or path not in self.rows:
            return False
        if path not in self.hashes:
            self.current_hash(path)
        if self.hashes.get(path) != self.rows[path].hash:
            return False
        stored = self.cache.note(path)
        if not isinstance(stored, (Note, str)):
            return False
        self.loaded[path] = stored
        return True

    def _accept(self, path: str, state: FileState | None, digest: str, loaded: Loaded) -> None:
        self.loaded[path] = loaded
        if digest:
            self.hashes[path] = digest
        if state is not None and digest:
            self.parsed[path] = (state.size, state.mtime_ns, digest, loaded, _summary(loaded))

    # -- what results depend on -----------------------------------------------------
    def current_hash(self, path: str) -> str | None:
        """The note's content hash now: from an unchanged stat, or by reading the file."""
        if path in self.hashes:
            return self.hashes[path]
        file = self.vault.by_path.get(path)
        if file is None:
            return None
        try:
            digest = content_hash(read_note_bytes(file.fs_path))
        except UnreadableFile:
            return None
        self.hashes[path] = digest
        row, state = self.rows.get(path), self.states.get(path)
        if row is not None and row.hash == digest and state is not None:
            self.touched[path] = (state.size, state.mtime_ns)
        return digest

    def has_fresh_row(self, path: str) -> bool:
        """True when the cache holds this note and it has not changed (by stat, else by content)."""
        row = self.rows.get(path)
        return row is not None and self.current_hash(path) == row.hash

    def summary(self, path: str) -> NoteSummary:
        found = self.summaries.get(path)
        if found is None:
            row = self.rows.get(path)
            if path not in self.loaded and row is not None and self.current_hash(path) == row.hash:
                found = row.summary
            else:
                found = _summary(self.load(path))
            self.summaries[path] = found
        return found

    def preload_summaries(self) -> None:
        """Make every note's summary cheap: parse (in parallel) the notes the cache cannot answer for."""
        self.preload([p for p in self.states if p not in self.loaded and not self.has_fresh_row(p)])

    # -- writing back ------------------------------------------------------------------
    def flush(self, results: dict[str, tuple[str, bytes, tuple[tuple[str, str], ...]]], warnings: list[str]) -> None:
        if self.cache is None:
            return
        gone = [path for path in self.rows if path not in self.states]
        try:
            self.cache.write(self.parsed, self.touched, results, gone)
        except Exception as error:  # noqa: BLE001 - a cache that cannot be written is not fatal
            warnings.append(f"cache not updated: {error}")
