"""On-disk cache of successful URL checks: ``<cache_dir>/urls.sqlite3``.

Only successes are stored (ok, and ok-but-permanently-redirected); a failure is
always checked again, because a dead link that came back must stop failing CI
at once.  Each entry expires after ``cache_max_age`` seconds shortened by up
to 20% at random, so the URLs of a vault checked together do not all expire
together and make one slow run every week.

Two runs may share the file (pre-commit plus an editor, parallel CI jobs): the
database is in WAL mode with a busy timeout, reads happen once up front and
writes once at the end in one short transaction.  A file that is not a valid
database, or one found damaged while reading, is deleted and rebuilt with one
warning; if even that fails the run goes on without a cache.  Bodies are never
stored, only verdicts.

Forgery.  A row says "this URL was fine on that day", so a planted row could
hide a dead link.  What keeps rows honest is where the file comes from: the
cache folder is refused (with one warning, the run goes on without it) when it
is a symlink, when this file or its journal is a symlink, or when git tracks
anything in it (:func:`vaultlint.cache.refusal`): a repository cannot ship
verdicts about its own links.  What a restored cache (CI) holds was written
by vaultlint runs; each row is still checked for its shape before it is used:
a known kind, a final URL only for a redirect and only http(s), a check time
not in the future and an expiry no later than the configured maximum age
after it, so not even a damaged row can keep a URL "fine" for longer than a
real check would.
"""

from __future__ import annotations

import contextlib
import math
import random
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "urls.sqlite3"
_SCHEMA_VERSION = 1
_JITTER = 0.2
#: Clock differences between machines sharing a restored cache that still count as "now".
_CLOCK_SKEW = 300.0


@dataclass(frozen=True)
class CachedResult:
    #: "ok" or "redirected"
    kind: str
    final_url: str | None


class UrlCache:
    """A handle on the cache file.  Use :meth:`open`; never raises on a bad file."""

    def __init__(self, conn: sqlite3.Connection | None, warnings: list[str], path: Path | None = None) -> None:
        self._conn = conn
        self.warnings = warnings
        self._path = path

    @classmethod
    def open(cls, cache_dir: Path) -> UrlCache:
        from ..cache import refusal

        path = cache_dir / FILE_NAME
        warnings: list[str] = []
        refused = refusal(cache_dir)
        if refused:
            warnings.append(f"URL cache disabled: {refused}")
            return cls(None, warnings, path)
        try:
            cache_dir.mkdir(parents=True, exist_ok=True)
            return cls(_connect(path), warnings, path)
        except sqlite3.OperationalError as exc:
            # Locked past the busy timeout, read-only, disk full: the file may be
            # fine and in use by another run, so never delete it for this.
            warnings.append(f"URL cache {path} could not be opened ({exc}); running without it")
        except sqlite3.DatabaseError as exc:
            # Corrupt or not a database at all: start afresh.
            warnings.append(f"URL cache {path} was unreadable ({exc}); rebuilt it")
            try:
                _delete(path)
                return cls(_connect(path), warnings, path)
            except (sqlite3.Error, OSError) as exc2:
                warnings.append(f"URL cache {path} could not be rebuilt ({exc2}); running without it")
        except OSError as exc:
            warnings.append(f"URL cache {path} could not be opened ({exc}); running without it")
        return cls(None, warnings, path)

    def lookup(
        self, keys: Iterable[str], policies: Mapping[str, str], now: float, max_age: float | None = None
    ) -> dict[str, CachedResult]:
        """Fresh cached results for ``keys`` whose policy fingerprint still matches.

        Rows that do not have the shape this module writes are ignored (see the
        module docstring); with ``max_age``, so is a row whose expiry lies
        further from its check than that.
        """
        if self._conn is None:
            return {}
        found: dict[str, CachedResult] = {}
        keys = list(keys)
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    "SELECT url, kind, final_url, policy, checked_at, expires_at FROM results "
                    f"WHERE url IN ({marks}) AND expires_at > ?",
                    (*chunk, now),
                ).fetchall()
                for url, kind, final_url, policy, checked_at, expires_at in rows:
                    if policies.get(url) == policy and _valid(kind, final_url, checked_at, expires_at, now, max_age):
                        found[url] = CachedResult(kind, final_url)
        except sqlite3.Error as exc:
            self._read_failed(exc)
            return {}
        return found

    def _read_failed(self, exc: sqlite3.Error) -> None:
        """A damaged file is rebuilt now (one warning); anything else only costs this run its hits."""
        from ..cache import is_corruption

        if not is_corruption(exc) or self._path is None or self._conn is None:
            self.warnings.append(f"URL cache read failed ({exc}); checking every URL")
            return
        self.warnings.append(f"URL cache {self._path} was damaged ({exc}); rebuilt it")
        self.close()
        try:
            _delete(self._path)
            self._conn = _connect(self._path)
        except (sqlite3.Error, OSError) as exc2:
            self.warnings.append(f"URL cache {self._path} could not be rebuilt ({exc2}); running without it")

    def store(
        self, results: Mapping[str, CachedResult], policies: Mapping[str, str], max_age: float, now: float
    ) -> None:
        if self._conn is None or not results or max_age <= 0:
            return
        rows = [
            (url, r.kind, r.final_url, policies.get(url, ""), now, now + max_age * (1.0 - _JITTER * random.random()))
            for url, r in results.items()
        ]
        try:
            with self._conn:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO results (url, kind, final_url, policy, checked_at, expires_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )
        except sqlite3.Error as exc:
            self.warnings.append(f"URL cache write failed ({exc}); results not cached")

    def forget(self, keys: Iterable[str]) -> None:
        """Drop entries (a URL that failed now must not be answered by an old success)."""
        if self._conn is None:
            return
        keys = list(keys)
        if not keys:
            return
        try:
            with self._conn:
                self._conn.executemany("DELETE FROM results WHERE url = ?", [(k,) for k in keys])
        except sqlite3.Error as exc:
            self.warnings.append(f"URL cache write failed ({exc})")

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None


def _valid(
    kind: object, final_url: object, checked_at: object, expires_at: object, now: float, max_age: float | None
) -> bool:
    """Whether a row has the shape :meth:`UrlCache.store` writes."""
    if kind == "ok":
        if final_url is not None:
            return False
    elif kind == "redirected":
        if type(final_url) is not str or not final_url.startswith(("http://", "https://")):
            return False
    else:
        return False
    if type(checked_at) not in (int, float) or type(expires_at) not in (int, float):
        return False
    if not (math.isfinite(checked_at) and math.isfinite(expires_at)):  # type: ignore[arg-type]
        return False
    if checked_at > now + _CLOCK_SKEW or expires_at < checked_at:  # type: ignore[operator]
        return False
    return max_age is None or expires_at <= checked_at + max_age  # type: ignore[operator]


def _connect(path: Path) -> sqlite3.Connection:
    from ..cache import retry_when_locked

    return retry_when_locked(_connect_once, path)


def _connect_once(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(str(path), timeout=10.0, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version not in (0, _SCHEMA_VERSION):
            conn.execute("DROP TABLE IF EXISTS results")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS results ("
            " url TEXT PRIMARY KEY, kind TEXT NOT NULL, final_url TEXT,"
            " policy TEXT NOT NULL, checked_at REAL NOT NULL, expires_at REAL NOT NULL)"
        )
        conn.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")
        # Touch the table so a damaged file fails here, where we can rebuild it.
        conn.execute("SELECT count(*) FROM results").fetchone()
    except BaseException:
        conn.close()
        raise
    # Transactions from here on: "with conn:" commits or rolls back.
    conn.isolation_level = "DEFERRED"
    return conn


def _delete(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()


def clear(cache_dir: Path) -> None:
    """Remove the URL cache file (``vaultlint clean``)."""
    if not cache_dir.is_symlink():  # never delete through a symlinked folder
        _delete(cache_dir / FILE_NAME)


def now() -> float:
    return time.time()
