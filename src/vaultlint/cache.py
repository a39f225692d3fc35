"""The on-disk cache of parsed notes and of their results (DESIGN.md §7).

One SQLite database per vault (``<cache dir>/notes.sqlite3``): a row per note
with its size, mtime and content hash, the pickled :class:`~vaultlint.model.Note`,
its :class:`~vaultlint.model.NoteSummary`, and the diagnostics of its last check together with what they
depended on.  The engine decides when a row is still valid; this module only
stores and loads.

Rows are keyed to the vaultlint code that wrote them: a different version (or
any edit of the package, or of the parser libraries) empties the cache.  Writes
are one transaction; SQLite's locking makes two overlapping runs safe; a file
that is not a valid database is removed and rebuilt with a warning.

Stored objects are pickles, and unpickling runs code, while the cache folder
lives inside the vault, which may be a repository cloned from a stranger.  So
every blob carries a keyed BLAKE2 MAC made with a secret kept outside the vault
(``$XDG_CACHE_HOME/vaultlint/cache-key``); a blob that does not verify is a
cache miss and is never unpickled.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib.util
import marshal
import os
import pickle
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from .model import NoteSummary, VaultAggregate

SCHEMA = 5
DATABASE = "notes.sqlite3"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Changes whenever vaultlint's code or the parser libraries change."""
    digest = hashlib.blake2b(digest_size=16)
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    # The parser libraries, by where they are and when they were installed (an
    # upgrade rewrites them), without importing them or reading package metadata.
    for module in ("markdown_it", "mdit_py_plugins", "yaml"):
        spec = importlib.util.find_spec(module)
        origin = spec.origin if spec is not None else None
        if origin:
            info = os.stat(origin)
            digest.update(f"{origin}:{info.st_size}:{info.st_mtime_ns}".encode())
    digest.update(str(SCHEMA).encode())
    return digest.hexdigest()


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class Row(NamedTuple):
    """What the cache knows about one note's file; the stored blobs are read only when needed.

    A named tuple rather than a dataclass: a run builds one per note of the
    vault, and a pre-commit run on a 20,000-note vault has half a second.
    """

    size: int
    mtime_ns: int
    hash: str


@dataclass(frozen=True)
class StoredResults:
    results_key: str | None
    results: bytes | None
    deps_blob: bytes | None

    @property
    def deps(self) -> tuple[tuple[str, str], ...]:
        return loads_plain(self.deps_blob, ())


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


def prepare_cache_dir(cache_dir: Path) -> None:
    """Create the folder, with a ``.gitignore`` so it never gets committed."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    ignore = cache_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# created by vaultlint\n*\n", encoding="utf-8")


class NoteCache:
    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, cache_dir: Path, warnings: list[str]) -> NoteCache | None:
        try:
            prepare_cache_dir(cache_dir)
        except OSError as error:
            warnings.append(f"cache disabled: cannot create {cache_dir} ({error.strerror or error})")
            return None
        path = cache_dir / DATABASE
        for attempt in range(2):
            try:
                return cls(cls._connect(path), path)
            except sqlite3.Error as error:
                if attempt:
                    warnings.append(f"cache disabled: {path}: {error}")
                    return None
                warnings.append(f"cache file {path} was unreadable ({error}); rebuilding it")
                _remove(path)
        return None  # pragma: no cover

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        return retry_when_locked(NoteCache._connect_once, path)

    @staticmethod
    def _connect_once(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=10, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 10000")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        fingerprint = code_fingerprint()
        found = db.execute("SELECT value FROM meta WHERE key = 'code'").fetchone()
        if found is None or found[0] != fingerprint:
            # Another vaultlint wrote it: its rows, and perhaps its table layout, mean nothing here.
            db.execute("BEGIN IMMEDIATE")
            db.execute("DROP TABLE IF EXISTS notes")
            db.execute("DROP TABLE IF EXISTS parsed")
            db.execute("DELETE FROM meta WHERE key = 'aggregate'")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('code', ?)", (fingerprint,))
            db.execute("COMMIT")
        # Small columns in one table, the (kilobytes large) parsed notes in another: a
        # pre-commit run reads every row of the first and almost nothing of the second.
        db.execute(
            "CREATE TABLE IF NOT EXISTS notes (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, "
            "hash TEXT, summary BLOB, results_key TEXT, results BLOB, deps BLOB)"
        )
        db.execute("CREATE TABLE IF NOT EXISTS parsed (path TEXT PRIMARY KEY, note BLOB)")
        db.execute("SELECT count(*) FROM notes").fetchone()  # a file that is no database fails here
        return db

    def rows(self) -> dict[str, Row]:
        try:
            query = "SELECT path, size, mtime_ns, hash FROM notes"
            return {path: Row(size, mtime, digest) for path, size, mtime, digest in self._db.execute(query)}
        except sqlite3.Error:
            return {}  # unreadable: every note is a miss, and the write at the end rebuilds

    def summaries(self, paths: Iterable[str] | None = None) -> dict[str, NoteSummary]:
        """Stored summaries: of ``paths``, or of every note (one query)."""
        result: dict[str, NoteSummary] = {}
        try:
            if paths is None:
                found = self._db.execute("SELECT path, summary FROM notes")
            else:
                found = (
                    row
                    for path in paths
                    for row in self._db.execute("SELECT path, summary FROM notes WHERE path = ?", (path,))
                )
            for path, blob in found:
                stored = loads_plain(blob, None)
                if isinstance(stored, tuple) and len(stored) == 3:
                    result[path] = NoteSummary(*stored)
        except sqlite3.Error:
            return {}
        return result

    def results(self) -> dict[str, StoredResults]:
        try:
            query = "SELECT path, results_key, results, deps FROM notes WHERE results_key IS NOT NULL"
            return {path: StoredResults(key, blob, deps) for path, key, blob, deps in self._db.execute(query)}
        except sqlite3.Error:
            return {}

    def aggregate(self) -> tuple[str, VaultAggregate] | None:
        """The stored vault aggregate and the fingerprint of the note versions it was built from."""
        try:
            found = self._db.execute("SELECT value FROM meta WHERE key = 'aggregate'").fetchone()
        except sqlite3.Error:
            return None
        stored = loads_plain(found[0], None) if found and isinstance(found[0], bytes) else None
        if not isinstance(stored, tuple) or len(stored) != 3:
            return None
        return stored[0], VaultAggregate(stored[1], stored[2])

    def note(self, path: str) -> Any:
        """The pickled note (or unreadable-file reason) stored for ``path``, if any."""
        try:
            found = self._db.execute("SELECT note FROM parsed WHERE path = ?", (path,)).fetchone()
        except sqlite3.Error:
            return None
        return loads(found[0], None) if found else None

    def write(
        self,
        parsed: Mapping[str, tuple[int, int, str, Any, NoteSummary]],
        touched: Mapping[str, tuple[int, int]],
        results: Mapping[str, tuple[str, bytes, tuple[tuple[str, str], ...]]],
        gone: Iterable[str],
        aggregate: tuple[str, VaultAggregate] | None = None,
    ) -> None:
        """One transaction: new parses, new stat of unchanged files, new results, removed files.

        The stored aggregate is kept only if it is replaced here or no note row
        changed: its presence then always means it matches the rows.
        """
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany(
                "INSERT INTO notes (path, size, mtime_ns, hash, summary, results_key, results, deps) "
                "VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL) ON CONFLICT(path) DO UPDATE SET "
                "size = excluded.size, mtime_ns = excluded.mtime_ns, hash = excluded.hash, "
                "summary = excluded.summary, results_key = NULL, results = NULL, deps = NULL",
                [
                    (path, size, mtime, digest, dumps_plain(astuple_summary(summary)))
                    for path, (size, mtime, digest, _, summary) in parsed.items()
                ],
            )
            db.executemany(
                "INSERT OR REPLACE INTO parsed (path, note) VALUES (?, ?)",
                [(path, dumps(note)) for path, (_, _, _, note, _) in parsed.items()],
            )
            db.executemany(
                "UPDATE notes SET size = ?, mtime_ns = ? WHERE path = ?",
                [(size, mtime, path) for path, (size, mtime) in touched.items()],
            )
            db.executemany(
                "UPDATE notes SET results_key = ?, results = ?, deps = ? WHERE path = ?",
                [(key, blob, dumps_plain(tuple(deps)), path) for path, (key, blob, deps) in results.items()],
            )
            db.executemany("DELETE FROM notes WHERE path = ?", [(path,) for path in gone])
            db.executemany("DELETE FROM parsed WHERE path = ?", [(path,) for path in gone])
            if aggregate is not None:
                fingerprint, value = aggregate
                blob = dumps_plain((fingerprint, dict(value.tag_spellings), dict(value.alias_owners)))
                db.execute("INSERT OR REPLACE INTO meta VALUES ('aggregate', ?)", (blob,))  # a BLOB value
            elif parsed or gone:
                db.execute("DELETE FROM meta WHERE key = 'aggregate'")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._db.close()


def astuple_summary(summary: NoteSummary) -> tuple[tuple[str, ...], ...]:
    return (tuple(summary.aliases), tuple(summary.tags), tuple(summary.link_paths))


def clear(cache_dir: Path) -> list[Path]:
    """Remove vaultlint's cache files from ``cache_dir``; returns what was removed."""
    removed = []
    for name in os.listdir(cache_dir) if cache_dir.is_dir() else []:
        if name.startswith(("notes.sqlite3", "urls.sqlite3")):
            _remove(cache_dir / name)
            removed.append(cache_dir / name)
    return removed


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(f"{path}{suffix}")
        except FileNotFoundError:
            pass


_MAC_SIZE = 32


@functools.lru_cache(maxsize=1)
def _secret() -> bytes:
    """This user's cache key, created on first use; a per-process key when it cannot be stored."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "vaultlint"
    key_file = base / "cache-key"
    try:
        key = key_file.read_bytes()
        if len(key) == 32:
            return key
    except OSError:
        pass
    key = os.urandom(32)
    try:
        base.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(key)
    except FileExistsError:  # another run created it first: use theirs
        return key_file.read_bytes()
    except OSError:
        pass
    return key


def _mac(data: bytes) -> bytes:
    return hashlib.blake2b(data, key=_secret(), digest_size=_MAC_SIZE).digest()


def dumps(value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _mac(data) + data


def dumps_plain(value: Any) -> bytes:
    """For plain data (tuples of strings): marshal is several times faster to load than pickle."""
    data = marshal.dumps(value)
    return _mac(data) + data


def _verified(blob: bytes | None) -> bytes | None:
    """The data of a blob this user wrote, or ``None`` for anything else (tampered, damaged, foreign)."""
    if not blob or len(blob) < _MAC_SIZE:
        return None
    mac, data = blob[:_MAC_SIZE], blob[_MAC_SIZE:]
    return data if hmac.compare_digest(mac, _mac(data)) else None


def loads_plain(blob: bytes | None, default: Any = None) -> Any:
    data = _verified(blob)
    if data is None:
        return default
    try:
        return marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return default


def loads(blob: bytes | None, default: Any = None) -> Any:
    """Unpickle a blob this user wrote; anything else is ``default`` and is never unpickled."""
    data = _verified(blob)
    if data is None:
        return default
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a damaged row is a cache miss, never a crash
        return default
