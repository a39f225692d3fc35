"""The on-disk cache of parsed notes and of their results (DESIGN.md §7).

One SQLite database per vault (``<cache dir>/notes.sqlite3``): a row per note
with its stat, its content hash, its :class:`~vaultlint.model.NoteSummary`, the
diagnostics of its last check together with what they depended on, and (in a
second table) the parsed :class:`~vaultlint.model.Note`.  The engine decides
when a row is still valid; this module stores, loads and guards.

The ``runs`` table keeps the whole answer of the last few runs of the whole
vault that found every note as stored or built the cache (the engine decides),
by a key of everything the answer depends on (the results key,
every note's content hash, what the run looked at: ``checking.run_key``) and
with the content hash of every other file it read (a PDF): a run of an
unchanged vault gives it back without validating 100,000 notes' results one by
one (``checking.remembered_run``).

Threat model.  The cache folder lives inside the vault, and the vault is often
a repository written by others: a pull request, a shared team vault, a clone.

* *A repository can commit a cache.*  A cache folder that git tracks, or that
  is a symlink (or holds one where a cache file should be), is refused with one
  warning and the run goes on without a cache: a cache is only ever written by
  vaultlint runs, never shipped with the content it judges.  Cache files are
  never written through a symlink.
* *Nothing in the cache can run code.*  Everything is plain data: SQLite
  columns and JSON text read back by strict decoders (:mod:`.datacodec`) that
  check every field's type.  A row that does not decode is a miss, never an
  error; there is no pickle and no blob that skips the checks (an empty result
  list is ``[]`` and is decoded like any other).
* *CI may restore a cache made elsewhere* (another checkout, machine, venv).
  That must be warm, so nothing in the key is local: rows are keyed by
  vaultlint's version, its dependencies' versions (package metadata) and the
  shape of the stored data; results also by the settings.  No install path, no
  file time, no secret outside the vault.
* *A row is only as good as the content hash it names.*  The parsed note and
  its results belong to the content hash of the note's bytes; results also list
  the hashes of every note they looked into.  The stat (size, mtime, ctime,
  inode) is only a shortcut for "this file still has that hash", and it is a
  shortcut only on the machine and the file that wrote it: a restored or
  copied cache never matches on ctime and inode (which cannot be set by a
  checkout, ``cp -p`` or ``touch``), so every note is read and hashed once and
  the row is trusted only when the hash matches; its stat is then updated.  A
  file whose stat was taken within two seconds of the write is stored with a
  stat that never matches (git's "racily clean" problem: a change in the same
  clock tick would keep the stat), so it is hashed again next time.

Robustness.  Writes are transactions (atomic, so a full disk leaves the old
state): new notes with their rows in batches as a run goes, so that it need not
hold them all to its end, then the rest (results, stats, the vault aggregate) in
one; every row is right on its own, so a run stopped between two leaves a cache
the next run reads.  SQLite's locking makes overlapping runs safe.  A file that is not a
database, or one whose pages are damaged, is rebuilt once with one warning.  A
read-only cache folder turns the cache off with one warning.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from json.scanner import make_scanner
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from . import __version__
from .datacodec import DecodeError, EncodeError
from .datacodec import dumps as data_dumps
from .datacodec import loads as data_loads
from .model import Diagnostic, Note, NoteSummary, VaultAggregate
from .safeio import RefusedFile, read_regular

SCHEMA = 8
DATABASE = "notes.sqlite3"
URL_DATABASE = "urls.sqlite3"
GITIGNORE_TEXT = "# created by vaultlint\n*\n"
#: How many runs' whole answers are kept (the vault, and a folder or two of it).
RUNS_KEPT = 4
#: A stat this close to the moment it is stored is not trusted next time (see the docstring).
RACY_NS = 2_000_000_000
#: Bytes of write-ahead log after which a run's writes are copied into the file.
WAL_CHECKPOINT_BYTES = 40 * 1024 * 1024
#: The page size of a new cache file.  Parsed notes are a kilobyte or two each: 16 KB pages
#: hold more of them and of the notes' rows per page, so a cache build makes fewer pages
#: and fewer B-tree splits, and the results written at its end touch a quarter as many pages
#: (SQLite's share of a 25,000-note build 0.38 -> 0.31 s of CPU; the file an eighth smaller).
PAGE_SIZE = 16384

# What the stored JSON holds.
_DEPS = tuple[tuple[str, str], ...]
_RESULTS = tuple[Diagnostic, ...]
_AGGREGATE = tuple[str, dict[str, dict[str, int]], dict[str, str]]
_VERSIONS = tuple[str, tuple[str, ...]]


class FileState(NamedTuple):
    """A file's stat as far as the cache is concerned (a named tuple: one per note, every run)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int


def file_state(info: os.stat_result) -> FileState:
    return FileState(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


class Row(NamedTuple):
    """What the cache knows about one note's file; the stored blobs are read only when needed."""

    state: FileState
    hash: str


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# -- the key --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Changes whenever the code that produced a row may produce a different one.

    vaultlint's version and the text of its source files (the model's shapes
    included, so a development checkout never reuses rows of older code; about
    a millisecond), and the versions of its dependencies from their package
    metadata.  Nothing about where or when anything was installed, so the
    pre-commit environment, a venv and another machine share one cache.
    """
    digest = hashlib.blake2b(digest_size=16)
    for part in (f"schema {SCHEMA}", f"vaultlint {__version__}", *dependency_versions()):
        digest.update(part.encode())
        digest.update(b"\0")
    package = os.path.dirname(os.path.abspath(__file__))
    for folder, subfolders, names in os.walk(package):
        subfolders[:] = sorted(name for name in subfolders if name != "__pycache__")
        for name in sorted(names):
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                digest.update(os.path.relpath(path, package).replace(os.sep, "/").encode())
                with open(path, "rb") as handle:
                    digest.update(handle.read())
    return digest.hexdigest()


#: Dependency versions by :func:`environment_signature`, seeded from the cache's own record.
_known_versions: dict[str, tuple[str, ...]] = {}


@functools.lru_cache(maxsize=1)
def environment_signature() -> str:
    """Which Python and which package folders (with their change times) this process sees.

    Only a shortcut to the package metadata, never part of the cache key:
    installing, removing or upgrading a package changes its folder's time, so
    an unchanged signature means unchanged versions.  Reading the metadata
    costs 25-90 ms (``importlib.metadata`` and its imports), a sixth of a warm
    pre-commit run; this costs a few ``stat`` calls.
    """
    import sys

    parts = [sys.version]
    for entry in sys.path:
        try:
            parts.append(f"{entry}\0{os.stat(entry or '.').st_mtime_ns}")
        except OSError:
            parts.append(f"{entry}\0-")
    return hashlib.blake2b("\n".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def dependency_versions() -> tuple[str, ...]:
    """``name version`` of each of vaultlint's dependencies, from their package metadata."""
    signature = environment_signature()
    known = _known_versions.get(signature)
    if known is not None:
        return known
    import importlib.metadata as metadata

    try:
        requirements = metadata.requires("vaultlint") or []
    except metadata.PackageNotFoundError:  # running from a source tree
        requirements = ["markdown-it-py", "mdit-py-plugins", "pyyaml", "pathspec", "rapidfuzz"]
    found = []
    for requirement in requirements:
        if "extra ==" in requirement:
            continue
        name = requirement.split(";")[0].strip().split("[")[0]
        for stop in "<>=!~ (":
            name = name.split(stop)[0]
        try:
            found.append(f"{name.lower()} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name.lower()} absent")
    _known_versions[signature] = result = tuple(sorted(found))
    return result


# -- guarding the folder ------------------------------------------------------------------------


def refusal(cache_dir: Path, repository: Path | None = None) -> str | None:
    """Why ``cache_dir`` must not be used as a cache, or ``None`` when it may.

    It is refused when it is a symlink, when its path passes through a symlink
    inside ``repository`` (``--cache-dir`` through a link the repository
    committed), when one of the cache's files in it is a symlink or not a
    regular file (a FIFO would hang SQLite), or when git tracks anything in it.
    """
    if cache_dir.is_symlink():
        return f"{cache_dir} is a symlink"
    if repository is not None:
        from .safeio import RefusedFile, check_folder

        try:
            check_folder(cache_dir, repository)
        except RefusedFile as error:
            return str(error)
        except OSError:
            pass  # a missing folder on the way: mkdir says why, or creates it
    if not cache_dir.is_dir():
        return None  # created later by vaultlint itself, so neither tracked nor planted
    for base in (DATABASE, URL_DATABASE, ".gitignore"):
        for suffix in ("", "-wal", "-shm", "-journal") if base != ".gitignore" else ("",):
            path = cache_dir / f"{base}{suffix}"
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                continue
            if stat.S_ISLNK(mode):
                return f"{path} is a symlink"
            if not stat.S_ISREG(mode):
                return f"{path} is not a regular file"
    if _git_tracked(cache_dir):  # (the file's name is the repository's to choose: not echoed)
        return f"git tracks files in {cache_dir} (a cache must come from vaultlint runs, not from the repository)"
    return None


def _git_tracked(folder: Path) -> str | None:
    """A file in ``folder`` that git tracks, if ``folder`` is inside a git work tree."""
    resolved = folder.resolve()
    marker = next((c / ".git" for c in (resolved, *resolved.parents) if (c / ".git").exists()), None)
    if marker is None:
        return None  # not in a work tree: nothing to ask git (and no subprocess to pay for)
    try:
        index = os.stat(marker / "index")
        version: tuple[int, int] | None = (index.st_size, index.st_mtime_ns)
    except OSError:
        version = None
    if version is None:
        return _ask_git(str(resolved))
    # The notes cache and the URL cache ask about the same folder: once per version of the index.
    return _ask_git_memo(str(resolved), version)


@functools.lru_cache(maxsize=8)
def _ask_git_memo(folder: str, index_version: tuple[int, int]) -> str | None:
    return _ask_git(folder)


def _ask_git(resolved: str) -> str | None:
    from .git.run import ask_git  # only for caches inside a git work tree

    # Answered for a checkout owned by another user too (CI containers): the question
    # protects the user, and git runs with every repository-configured command off.
    listed = ask_git(resolved, "ls-files", "-z", "--", ".", any_owner=True)
    first = listed.split(b"\0")[0] if listed else b""
    return os.fsdecode(first) if first else None  # no git, or no answer: nothing can be tracked


def prepare_cache_dir(cache_dir: Path) -> None:
    """Create the folder, with a ``.gitignore`` so it never gets committed.

    The ``.gitignore`` is written to a temporary file and renamed into place: a
    full disk leaves either none (and the next run tries again) or a whole one.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    ignore = cache_dir / ".gitignore"
    try:
        if read_regular(ignore, len(GITIGNORE_TEXT)) == GITIGNORE_TEXT.encode():
            return
    except (OSError, RefusedFile):
        pass
    write_atomically(ignore, GITIGNORE_TEXT.encode())


def write_atomically(path: Path, data: bytes) -> None:
    """``data`` in ``path`` completely or not at all (temp file in the same folder, then rename)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)  # (not on Windows)
        descriptor = os.open(temporary, flags, 0o644)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)  # replaces a symlink itself, never writes through it
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(temporary)
        raise


def retry_when_locked(connect: Callable[[Path], sqlite3.Connection], path: Path) -> sqlite3.Connection:
    """``connect(path)``, retried a few times on "database is locked".

    Switching a new file to WAL needs a moment alone with it: two runs that
    create a cache at the same instant can see that error outside SQLite's busy
    timeout.  Bounded: five tries within about half a second.
    """
    for attempt in range(5):
        try:
            return connect(path)
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")  # pragma: no cover


def is_corruption(error: BaseException) -> bool:
    """True for "this file is damaged or no database" (rebuild it), false for locks, I/O, read-only."""
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
    return isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.OperationalError)


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{path}{suffix}")


# -- stored values ------------------------------------------------------------------------------


#: The compact JSON reader under ``json.loads`` (C), without its wrapper: half the cost of a
#: warm run's dependency lists.  Strict: no whitespace around the value (:meth:`StoredResults.deps`).
_scan_json = make_scanner(json.JSONDecoder())


class WholeRun(NamedTuple):
    """The answer of a whole run, to store (:meth:`NoteCache.remembered_run`)."""

    key: str
    #: The files other than notes the run read, each with its content hash (a PDF, for LK009).
    files: tuple[tuple[str, str], ...]
    #: Its diagnostics, as :func:`encode_results` wrote them.
    results: str


class StoredResults(NamedTuple):
    """A note's stored results as stored (a named tuple: one per note read by every warm run)."""

    results_key: str | None
    results: str | None
    #: The stored dependencies as text; ``""`` when SQLite found them to be the note alone with
    #: ``hash`` (see :data:`_DEPS_COLUMN`): most notes, whose dependencies are then not decoded.
    deps_text: str | None
    #: The content hash in the note's row when the results were read.
    hash: str | None

    @property
    def deps(self) -> list[list[str]] | None:
        """The (path, content hash) pairs the results depend on; ``None`` when unreadable
        (and for ``""``, which only the caller, knowing the note, can answer).

        Checked by hand rather than by the generic decoder: a warm run reads
        one of these per note that read another, and this is several times as fast.
        """
        text = self.deps_text
        try:
            found, end = _scan_json(text, 0)
        except (TypeError, ValueError, StopIteration, RecursionError):
            return None
        if end != len(text) or type(found) is not list:  # type: ignore[arg-type]
            return None
        for pair in found:
            if type(pair) is not list or len(pair) != 2 or type(pair[0]) is not str or type(pair[1]) is not str:
                return None
        return found


#: The ``deps`` column as read: ``''`` when it is exactly what the cache writes for a note that read
#: no other file (``[["<path>","<its hash>"]]``), compared by SQLite; else the text.  Only for a path
#: that JSON writes as it is (no quote, no backslash; any other escape, a control character's,
#: makes the stored text differ): for those the text itself is read and decoded.
_DEPS_COLUMN = (
    "CASE WHEN deps = '[[\"' || path || '\",\"' || hash || '\"]]' "
    "AND instr(path, '\"') = 0 AND instr(path, '\\') = 0 THEN '' ELSE deps END"
)


def encode_results(found: list[Diagnostic]) -> str | None:
    """Diagnostics as stored text; ``None`` when they cannot be stored (then they are not)."""
    if not found:
        return "[]"  # what most notes have to report (and what the encoder writes for it)
    try:
        return data_dumps(_RESULTS, tuple(found))
    except EncodeError:
        return None


def decode_results(text: str | None) -> list[Diagnostic] | None:
    if text == "[]":
        return []  # what most notes have to report: the exact text of an empty list, nothing skipped
    try:
        return list(data_loads(_RESULTS, text))
    except DecodeError:
        return None


def encode_loaded(loaded: Any) -> str | None:
    """A parsed note, or the reason it could not be read, as stored text (``None``: not storable)."""
    try:
        if isinstance(loaded, Note):
            return '["note",' + data_dumps(Note, loaded) + "]"
        return '["unreadable",' + data_dumps(str, loaded) + "]"
    except EncodeError:
        return None


def _decode_loaded(text: Any) -> Note | str | None:
    if type(text) is not str:
        return None
    try:
        if text.startswith('["note",') and text.endswith("]"):
            return data_loads(Note, text[8:-1])
        if text.startswith('["unreadable",') and text.endswith("]"):
            return data_loads(str, text[14:-1])
    except DecodeError:
        return None
    return None


#: A parsed note, written after its ``notes`` row (whose ``id`` it takes; none without that row).
_STORE_PARSED = "INSERT OR REPLACE INTO parsed (id, hash, note) SELECT id, ?, ? FROM notes WHERE path = ?"
_READ_PARSED = "SELECT parsed.hash, parsed.note FROM notes JOIN parsed USING (id) WHERE notes.path = ?"

#: A note's row as a new parse makes it: stat, hash and summary; no results yet.
_UPSERT_NOTE = (
    "INSERT INTO notes (path, size, mtime_ns, ctime_ns, ino, hash, summary, results_key, results, deps) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL) ON CONFLICT(path) DO UPDATE SET "
    "size = excluded.size, mtime_ns = excluded.mtime_ns, ctime_ns = excluded.ctime_ns, "
    "ino = excluded.ino, hash = excluded.hash, summary = excluded.summary, "
    "results_key = NULL, results = NULL, deps = NULL"
)


def _stat_columns(state: FileState, racy_after: int) -> tuple[int, int, int, int]:
    """The stat as stored: one taken after ``racy_after`` never matches (hashed again next run)."""
    if state.ctime_ns >= racy_after or state.mtime_ns >= racy_after:
        return (state.size, -1, -1, -1)
    return tuple(state)  # type: ignore[return-value]


def _encodable(path: str) -> bool:
    """SQLite keeps text as UTF-8: a path with surrogate escapes (a non-UTF-8 name) is not cached."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# -- the database -----------------------------------------------------------------------------------


def decode_summary(text: str) -> NoteSummary | None:
    """A summary as :meth:`NoteCache.summary_texts` gives it; ``None`` when it does not decode."""
    try:
        return data_loads(NoteSummary, text)
    except DecodeError:
        return None


class NoteCache:
    def __init__(self, connection: sqlite3.Connection, path: Path, warnings: list[str]) -> None:
        self._db = connection
        self.path = path
        self.warnings = warnings
        #: Set when a read met a damaged page: the write at the end rebuilds the file.
        self.damaged: BaseException | None = None

    @classmethod
    def open(cls, cache_dir: Path, warnings: list[str], repository: Path | None = None) -> NoteCache | None:
        refused = refusal(cache_dir, repository)
        if refused:
            warnings.append(f"cache disabled: {refused}")
            return None
        if cache_dir.is_dir() and not os.access(cache_dir, os.W_OK):
            # A read-only vault (a mount, a checkout for reading): SQLite could read the
            # cache but never record what changed, so it is off, with one warning.
            warnings.append(f"cache disabled: {cache_dir} is read-only")
            return None
        try:
            prepare_cache_dir(cache_dir)
        except OSError as error:
            if cache_dir.is_dir() and not os.access(cache_dir, os.W_OK):
                warnings.append(f"cache disabled: {cache_dir} is read-only")
            else:
                warnings.append(f"cache disabled: cannot create {cache_dir} ({error.strerror or error})")
            return None
        path = cache_dir / DATABASE
        for attempt in range(2):
            try:
                return cls(cls._connect(path), path, warnings)
            except sqlite3.Error as error:
                if attempt or not is_corruption(error):
                    warnings.append(f"cache disabled: {path}: {error}")
                    return None
                warnings.append(f"cache file {path} was unreadable ({error}); rebuilding it")
                try:
                    remove_database(path)
                except OSError as removal:
                    warnings.append(f"cache disabled: cannot remove {path} ({removal.strerror or removal})")
                    return None
        return None  # pragma: no cover

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        return retry_when_locked(NoteCache._connect_once, path)

    @staticmethod
    def _connect_once(path: Path) -> sqlite3.Connection:
        # A workspace may read its start's cache later, from another thread than the one that
        # built it (calls on a workspace are serialised: never two threads at once).
        db = sqlite3.connect(path, timeout=10, isolation_level=None, check_same_thread=False)
        try:
            NoteCache._set_up(db)
        except BaseException:
            db.close()
            raise
        return db

    @staticmethod
    def _set_up(db: sqlite3.Connection) -> None:
        db.execute("PRAGMA busy_timeout = 10000")
        # Takes effect only on a file with no tables yet (a new or rebuilt cache): one written by
        # an earlier version keeps its pages, and the checkpoint below is counted in them.
        db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        # A run that builds the cache writes its notes in many transactions; a checkpoint
        # after every 4 MB of them (SQLite's default, 1000 pages) syncs the file twice each
        # time, and kept a 25,000-note build waiting about 5 s.  So: every 40 MB, and when
        # the run closes the file (which then removes the WAL, as before).
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        db.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_BYTES // page_size}")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        signature = environment_signature()
        recorded = db.execute("SELECT value FROM meta WHERE key = 'versions'").fetchone()
        seen = None
        with contextlib.suppress(DecodeError):
            seen, versions = data_loads(_VERSIONS, recorded[0] if recorded else None)
            if seen == signature:
                _known_versions.setdefault(signature, versions)
        fingerprint = code_fingerprint()
        if recorded is None or seen != signature:
            record = data_dumps(_VERSIONS, (signature, dependency_versions()))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('versions', ?)", (record,))
        found = db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
        if found is None or found[0] != fingerprint:
            # Another vaultlint wrote it: its rows, and perhaps its table layout, mean nothing here.
            db.execute("BEGIN IMMEDIATE")
            db.execute("DROP TABLE IF EXISTS notes")
            db.execute("DROP TABLE IF EXISTS parsed")
            db.execute("DROP TABLE IF EXISTS pdfs")
            db.execute("DROP TABLE IF EXISTS files")
            db.execute("DROP TABLE IF EXISTS runs")
            db.execute("DELETE FROM meta WHERE key = 'aggregate'")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (fingerprint,))
            db.execute("COMMIT")
        # Small columns in one table, the (kilobytes large) parsed notes in another: a
        # pre-commit run reads every row of the first and almost nothing of the second.
        # A parsed note's row is the one with its note's ``id``: keyed by its path, the table
        # had an index of paths beside its rows, a second tree to insert every note into
        # (a quarter of a cache build's SQLite time: 100,000 notes, 1.40 -> 1.07 s of CPU).
        # The id is the notes table's INTEGER PRIMARY KEY, so that no VACUUM renumbers it.
        db.execute(
            "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, size INTEGER, "
            "mtime_ns INTEGER, ctime_ns INTEGER, ino INTEGER, hash TEXT, summary TEXT, results_key TEXT, "
            "results TEXT, deps TEXT)"
        )
        db.execute("CREATE TABLE IF NOT EXISTS parsed (id INTEGER PRIMARY KEY, hash TEXT, note TEXT)")
        # PDF page counts (LK009), valid while the PDF's stat is the one stored (NULL: no verdict).
        db.execute(
            "CREATE TABLE IF NOT EXISTS pdfs (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, "
            "ctime_ns INTEGER, ino INTEGER, pages INTEGER)"
        )
        # The content hash of the other files stored results depend on (a PDF, for LK009), valid
        # while the file's stat is the one stored, as a note's row is: a warm run need not read them.
        db.execute(
            "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, "
            "ctime_ns INTEGER, ino INTEGER, hash TEXT)"
        )
        # The whole answer of a run of the whole vault (:meth:`remembered_run`), by the run's key;
        # the few written last are kept (the vault, a folder of it, ...).
        db.execute("CREATE TABLE IF NOT EXISTS runs (key TEXT PRIMARY KEY, files TEXT, results TEXT, written INTEGER)")
        db.execute("SELECT count(*) FROM notes").fetchone()  # a file that is no database fails here

    def _failed(self, error: sqlite3.Error) -> None:
        """A read failed: remember damage for the rebuild; anything else only makes this read a miss."""
        if is_corruption(error) and self.damaged is None:
            self.damaged = error

    def rows(self) -> dict[str, Row]:
        return self._rows(False)[0]

    def rows_and_results(self) -> tuple[dict[str, Row], dict[str, StoredResults]]:
        """:meth:`rows` and :meth:`results` in one query: a warm run reads both of every note."""
        return self._rows(True)

    def _rows(self, with_results: bool) -> tuple[dict[str, Row], dict[str, StoredResults]]:
        rows: dict[str, Row] = {}
        results: dict[str, StoredResults] = {}
        stored = f"results_key, results, {_DEPS_COLUMN}" if with_results else "NULL, NULL, NULL"
        try:
            query = f"SELECT path, size, mtime_ns, ctime_ns, ino, hash, {stored} FROM notes"
            make = tuple.__new__  # (a named tuple's own __new__ is a Python call: two per note, every run)
            for path, size, mtime, ctime, ino, digest, key, text, deps in self._db.execute(query):
                if type(path) is str and type(digest) is str:
                    rows[path] = make(Row, (make(FileState, (size, mtime, ctime, ino)), digest))
                    if key is not None:
                        results[path] = make(StoredResults, (key, text, deps, digest))
        except sqlite3.Error as error:
            self._failed(error)
            return {}, {}  # every note is a miss, and the write at the end rebuilds
        return rows, results

    def summaries(self, paths: Iterable[str] | None = None) -> dict[str, NoteSummary]:
        """Stored summaries: of ``paths``, or of every note (one query)."""
        result: dict[str, NoteSummary] = {}
        for path, text in self.summary_texts(paths).items():
            summary = decode_summary(text)
            if summary is not None:
                result[path] = summary
        return result

    def summary_texts(self, paths: Iterable[str] | None = None) -> dict[str, str]:
        """Stored summaries as stored (:func:`decode_summary` reads one), for a caller that may
        need only a few of them decoded, or later, when the cache is closed."""
        try:
            if paths is None:
                found = self._db.execute("SELECT path, summary FROM notes")
            else:
                found = (
                    row
                    for path in paths
                    for row in self._db.execute("SELECT path, summary FROM notes WHERE path = ?", (path,))
                )
            return {path: text for path, text in found if type(text) is str}
        except sqlite3.Error as error:
            self._failed(error)
            return {}

    def results(self, paths: Iterable[str] | None = None) -> dict[str, StoredResults]:
        """Stored results: of ``paths`` (a query each), or of every note (one query)."""
        try:
            query = f"SELECT path, results_key, results, {_DEPS_COLUMN}, hash FROM notes WHERE results_key IS NOT NULL"
            make = tuple.__new__  # (StoredResults' own __new__ is a Python call: 100,000 of them)
            if paths is None:
                return {row[0]: make(StoredResults, row[1:]) for row in self._db.execute(query)}
            return {
                row[0]: make(StoredResults, row[1:])
                for path in paths
                for row in self._db.execute(query + " AND path = ?", (path,))
            }
        except sqlite3.Error as error:
            self._failed(error)
            return {}

    def aggregate(self) -> tuple[str, VaultAggregate] | None:
        """The stored vault aggregate and the fingerprint of the note versions it was built from."""
        try:
            found = self._db.execute("SELECT value FROM meta WHERE key = 'aggregate'").fetchone()
        except sqlite3.Error as error:
            self._failed(error)
            return None
        try:
            fingerprint, spellings, owners = data_loads(_AGGREGATE, found[0] if found else None)
        except DecodeError:
            return None
        return fingerprint, VaultAggregate(spellings, owners)

    def file_hashes(self) -> dict[str, tuple[FileState, str]]:
        """Every stored content hash of a file that is not a note, with the stat it was taken with."""
        result: dict[str, tuple[FileState, str]] = {}
        try:
            query = "SELECT path, size, mtime_ns, ctime_ns, ino, hash FROM files"
            for path, size, mtime, ctime, ino, digest in self._db.execute(query):
                if type(path) is str and type(digest) is str and all(type(n) is int for n in (size, mtime, ctime, ino)):
                    result[path] = (FileState(size, mtime, ctime, ino), digest)
        except sqlite3.Error as error:
            self._failed(error)
            return {}
        return result

    def pdf_pages(self) -> dict[str, tuple[FileState, int | None]]:
        """Every stored PDF page count, with the stat of the file it was counted from."""
        result: dict[str, tuple[FileState, int | None]] = {}
        try:
            query = "SELECT path, size, mtime_ns, ctime_ns, ino, pages FROM pdfs"
            for path, size, mtime, ctime, ino, pages in self._db.execute(query):
                if type(path) is str and all(type(n) is int for n in (size, mtime, ctime, ino)):
                    if pages is None or type(pages) is int:
                        result[path] = (FileState(size, mtime, ctime, ino), pages)
        except sqlite3.Error as error:
            self._failed(error)
            return {}
        return result

    def remembered_run(self, key: str) -> tuple[tuple[tuple[str, str], ...], str] | None:
        """What :meth:`write` stored for a run with this key: the files other than notes it read,
        each with its content hash then, and its diagnostics as :func:`encode_results` wrote them."""
        try:
            found = self._db.execute("SELECT files, results FROM runs WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as error:
            self._failed(error)
            return None
        if found is None or type(found[1]) is not str:
            return None
        try:
            return data_loads(_DEPS, found[0]), found[1]
        except DecodeError:
            return None

    def note(self, path: str, digest: str) -> Note | str | None:
        """The note (or unreadable-file reason) stored for ``path`` with content hash ``digest``."""
        try:
            found = self._db.execute(_READ_PARSED, (path,)).fetchone()
        except sqlite3.Error as error:
            self._failed(error)
            return None
        if found is None or found[0] != digest:
            return None
        loaded = _decode_loaded(found[1])
        if isinstance(loaded, Note) and loaded.path != path:
            return None
        return loaded

    def store_parsed(self, stored: Sequence[tuple[str, FileState, str, str, NoteSummary]]) -> list[str]:
        """Parsed notes ``(path, stat, hash, text, summary)`` written while the run goes on, their
        ``notes`` rows (without results) with them: the paths written (none when the file cannot
        take them now; :meth:`write` does, at the end).

        So that a run need not hold every note's text, stat and summary until :meth:`write`.
        The stored aggregate goes in the same transaction (rows changed; the run's :meth:`write`
        stores the new one).  A run that then stops early leaves rows that are right for the
        files they name: the next run reads them as any others, and checks those notes again.
        """
        if self.damaged is not None:
            return []  # the write at the end rebuilds the file first
        rows = sorted((row for row in stored if _encodable(row[0])), key=itemgetter(0))  # (see _write)
        racy_after = time.time_ns() - RACY_NS
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    _UPSERT_NOTE,
                    (
                        (path, *_stat_columns(state, racy_after), digest, data_dumps(NoteSummary, summary))
                        for path, state, digest, _, summary in rows
                    ),
                )
                db.executemany(_STORE_PARSED, ((digest, text, path) for path, _, digest, text, _ in rows))
                db.execute("DELETE FROM meta WHERE key = 'aggregate'")
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            self._failed(error)
            return []
        return [row[0] for row in rows]

    def write(
        self,
        parsed: Mapping[str, tuple[FileState, str, str | None, NoteSummary]],
        touched: Mapping[str, FileState],
        results: Mapping[str, tuple[str, str, _DEPS]],
        gone: Iterable[str],
        aggregate: tuple[str, VaultAggregate] | None = None,
        pdfs: Mapping[str, tuple[FileState, int | None]] | None = None,
        files: Mapping[str, tuple[FileState, str]] | None = None,
        run: WholeRun | None = None,
    ) -> None:
        """One transaction: new parses (as :func:`encode_loaded` wrote them; those not in the file
        already, :meth:`store_parsed`), new stat of unchanged files, new results, removed files,
        new PDF page counts, new content hashes of other files (:meth:`file_hashes`), and the
        answer of the whole run (:meth:`remembered_run`).

        The stored aggregate is kept only if it is replaced here or no note row
        changed: its presence then always means it matches the rows.  A file
        found damaged while reading is rebuilt first (once, with one warning).
        """
        if self.damaged is not None:
            self._rebuild()
        try:
            self._write(parsed, touched, results, list(gone), aggregate, pdfs or {}, files or {}, run)
        except sqlite3.Error as error:
            if not is_corruption(error) or self.damaged is not None:
                raise
            self.damaged = error
            self._rebuild()
            # The notes written early are not in the rebuilt file: parsed again next run (their
            # results find no row to go into).
            self._write(parsed, touched, results, [], aggregate, pdfs or {}, files or {}, None)

    def _rebuild(self) -> None:
        self.warnings.append(f"cache file {self.path} was damaged ({self.damaged}); rebuilt it")
        with contextlib.suppress(sqlite3.Error):
            self._db.close()
        remove_database(self.path)
        self._db = self._connect(self.path)

    def _write(
        self,
        parsed: Mapping[str, tuple[FileState, str, str | None, NoteSummary]],
        touched: Mapping[str, FileState],
        results: Mapping[str, tuple[str, str, _DEPS]],
        gone: list[str],
        aggregate: tuple[str, VaultAggregate] | None,
        pdfs: Mapping[str, tuple[FileState, int | None]],
        files: Mapping[str, tuple[FileState, str]],
        run: WholeRun | None,
    ) -> None:
        racy_after = time.time_ns() - RACY_NS

        def stat_columns(state: FileState) -> tuple[int, int, int, int]:
            return _stat_columns(state, racy_after)

        def storable(path: str, text: str | None) -> bool:
            return text is not None and _encodable(path)

        if not all(storable(path, text) for path, (_, _, text, _) in parsed.items()):
            # No row for this note (a ``!!binary`` value, a name that is not UTF-8), while
            # the aggregate counts it: stored, it would no longer match the rows, and the
            # next run would add the note's tags a second time.
            aggregate = None
        # Every row is written in the order of its key, the path: SQLite then finds it in pages it
        # has just read (the results of a 100,000-note build, written in the order the notes were
        # checked, took 1.3 s at the end of the run; in order of their paths, a third of that).
        # Rows made as SQLite takes them, not in lists first: a list of every note's row was
        # the peak of a cache-building run's memory (a sorted list of paths is a tenth of it).
        new_paths = sorted(path for path, (_, _, text, _) in parsed.items() if storable(path, text))
        notes = (
            (path, *stat_columns(state), digest, data_dumps(NoteSummary, summary))
            for path in new_paths
            for state, digest, _, summary in (parsed[path],)
        )
        stored = ((digest, text, path) for path in new_paths for _, digest, text, _ in (parsed[path],))
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(_UPSERT_NOTE, notes)
            db.executemany(_STORE_PARSED, stored)
            db.executemany(
                "UPDATE notes SET size = ?, mtime_ns = ?, ctime_ns = ?, ino = ? WHERE path = ?",
                [(*stat_columns(touched[path]), path) for path in sorted(touched)],
            )
            db.executemany(
                "UPDATE notes SET results_key = ?, results = ?, deps = ? WHERE path = ?",
                (
                    (key, text, data_dumps(_DEPS, deps), path)
                    for path in sorted(results)
                    for key, text, deps in (results[path],)
                ),
            )
            db.executemany("DELETE FROM parsed WHERE id = (SELECT id FROM notes WHERE path = ?)", [(p,) for p in gone])
            db.executemany("DELETE FROM notes WHERE path = ?", [(path,) for path in gone])
            db.executemany("DELETE FROM pdfs WHERE path = ?", [(path,) for path in gone])
            db.executemany("DELETE FROM files WHERE path = ?", [(path,) for path in gone])
            db.executemany(
                "INSERT OR REPLACE INTO files (path, size, mtime_ns, ctime_ns, ino, hash) VALUES (?, ?, ?, ?, ?, ?)",
                [(path, *stat_columns(state), digest) for path, (state, digest) in files.items() if _encodable(path)],
            )
            db.executemany(
                "INSERT OR REPLACE INTO pdfs (path, size, mtime_ns, ctime_ns, ino, pages) VALUES (?, ?, ?, ?, ?, ?)",
                [(path, *stat_columns(state), pages) for path, (state, pages) in pdfs.items() if _encodable(path)],
            )
            if aggregate is not None:
                fingerprint, value = aggregate
                text = data_dumps(_AGGREGATE, (fingerprint, dict(value.tag_spellings), dict(value.alias_owners)))
                db.execute("INSERT OR REPLACE INTO meta VALUES ('aggregate', ?)", (text,))
            elif parsed or gone:
                db.execute("DELETE FROM meta WHERE key = 'aggregate'")
            if run is not None and all(_encodable(path) for path, _ in run.files):
                db.execute(
                    "INSERT OR REPLACE INTO runs (key, files, results, written) "
                    "VALUES (?, ?, ?, (SELECT coalesce(max(written), 0) + 1 FROM runs))",
                    (run.key, data_dumps(_DEPS, run.files), run.results),
                )
                db.execute("DELETE FROM runs WHERE written <= (SELECT max(written) FROM runs) - ?", (RUNS_KEPT,))
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()


def clear(cache_dir: Path) -> list[Path]:
    """Remove vaultlint's cache files from ``cache_dir``; returns what was removed.

    A symlinked folder is left alone: emptying it would delete files elsewhere.
    """
    removed = []
    if cache_dir.is_symlink() or not cache_dir.is_dir():
        return removed
    for name in os.listdir(cache_dir):
        if name.startswith((DATABASE, URL_DATABASE)) or (name.startswith(".") and name.endswith(".tmp")):
            with contextlib.suppress(FileNotFoundError):
                os.remove(cache_dir / name)
            removed.append(cache_dir / name)
    return removed
