"""The on-disk cache: ok results reused, failures rechecked, corruption survived."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest
import urlcheck_server as S
from urlcheck_util import FAST, codes, occs

from vaultlint.urls import check_urls, clear_url_cache


def run(urls, cache_dir: Path, s=FAST):
    return check_urls(occs(*urls), s, cache_dir=cache_dir, progress=False)


def test_second_run_is_answered_from_the_cache(serve, tmp_path: Path) -> None:
    srv = serve({"/a": S.ok(), "/b": S.ok(), "/old": S.redirect("/a", 301)})
    urls = [srv.url("/a"), srv.url("/b#frag"), srv.url("/old")]
    first = run(urls, tmp_path)
    assert first.summary.from_cache == 0 and (tmp_path / "urls.sqlite3").exists()
    requests = srv.count()
    second = run(urls, tmp_path)
    assert srv.count() == requests  # zero requests the second time
    assert second.summary.from_cache == 3 and second.summary.checked == 3
    assert second.findings == first.findings  # the UR003 comes back from the cache too
    assert codes(second) == {srv.url("/old"): "UR003"}


def test_failures_are_always_rechecked(serve, tmp_path: Path) -> None:
    srv = serve({"/ok": S.ok(), "/missing": S.status(404)})
    urls = [srv.url("/ok"), srv.url("/missing")]
    run(urls, tmp_path)
    srv.reset_stats()
    report = run(urls, tmp_path)
    assert [r.path for r in srv.records] == ["/missing"]
    assert report.summary.from_cache == 1


def test_entries_expire(serve, tmp_path: Path) -> None:
    srv = serve({"/ok": S.ok()})
    short = dataclasses.replace(FAST, cache_max_age=0.3)
    run([srv.url("/ok")], tmp_path, short)
    run([srv.url("/ok")], tmp_path, short)
    assert srv.count() == 1
    time.sleep(0.35)
    run([srv.url("/ok")], tmp_path, short)
    assert srv.count() == 2


def test_changed_policy_invalidates(serve, tmp_path: Path) -> None:
    srv = serve({"/ok": S.ok()})
    run([srv.url("/ok")], tmp_path)
    run([srv.url("/ok")], tmp_path, dataclasses.replace(FAST, accept_statuses=frozenset({200, 403})))
    assert srv.count() == 2


def test_corrupt_cache_is_rebuilt_with_a_warning(serve, tmp_path: Path) -> None:
    srv = serve({"/ok": S.ok()})
    (tmp_path / "urls.sqlite3").write_bytes(b"SQLite format 3\0" + b"garbage" * 500)
    report = run([srv.url("/ok")], tmp_path)
    assert report.findings == ()
    assert len(report.warnings) == 1 and "was unreadable" in report.warnings[0]
    assert "rebuilt" in report.warnings[0]
    # The rebuilt file works: the next run is answered from it, without warnings.
    again = run([srv.url("/ok")], tmp_path)
    assert again.warnings == () and again.summary.from_cache == 1 and srv.count() == 1
    with sqlite3.connect(tmp_path / "urls.sqlite3") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_two_runs_can_share_the_cache(serve, tmp_path: Path) -> None:
    srv = serve(default=S.ok(delay=0.02))
    reports = []

    def one(offset: int) -> None:
        reports.append(run([srv.url(f"/{offset}-{i}") for i in range(20)], tmp_path))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(reports) == 3
    assert all(r.findings == () and r.warnings == () for r in reports)
    with sqlite3.connect(tmp_path / "urls.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM results").fetchone()[0] == 60


def test_no_cache_dir_means_no_cache(serve, tmp_path: Path) -> None:
    srv = serve({"/ok": S.ok()})
    check_urls(occs(srv.url("/ok")), FAST, cache_dir=None, progress=False)
    check_urls(occs(srv.url("/ok")), FAST, cache_dir=None, progress=False)
    assert srv.count() == 2


def test_clear(serve, tmp_path: Path) -> None:
    srv = serve({"/ok": S.ok()})
    run([srv.url("/ok")], tmp_path)
    clear_url_cache(tmp_path)
    assert not (tmp_path / "urls.sqlite3").exists()
    clear_url_cache(tmp_path)  # idempotent
    run([srv.url("/ok")], tmp_path)
    assert srv.count() == 2


def test_unwritable_cache_dir_is_a_warning_not_an_error(serve, tmp_path: Path) -> None:
    srv = serve({"/ok": S.ok()})
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    report = run([srv.url("/ok")], blocker / "cache")
    assert report.findings == () and len(report.warnings) == 1
    assert "running without it" in report.warnings[0]


def _planted(serve, tmp_path: Path):
    """A genuine ok row for a URL that now answers 404, to be bent into forgeries."""
    srv = serve({"/gone": S.ok()})
    url = srv.url("/gone")
    assert run([url], tmp_path).findings == ()
    srv.routes["/gone"] = S.status(404)
    assert run([url], tmp_path).summary.from_cache == 1  # a genuine row is believed: that is the cache's job
    return srv, url


@pytest.mark.parametrize(
    "forgery",
    [
        "expires_at = checked_at + 10 * 365 * 86400",  # "fine" for longer than any real check says
        "checked_at = checked_at + 86400 * 30, expires_at = expires_at + 86400 * 60",  # checked in the future
        "final_url = 'http://elsewhere.example/'",  # an ok row never names a final URL
        "kind = 'fine'",
        "kind = 'redirected', final_url = 'javascript:alert(1)'",
        "kind = x'6f6b'",  # the bytes of "ok", as a blob
        "expires_at = 'never'",
    ],
)
def test_a_planted_row_cannot_claim_a_dead_url_is_fine(serve, tmp_path: Path, forgery: str) -> None:
    srv, url = _planted(serve, tmp_path)
    with sqlite3.connect(tmp_path / "urls.sqlite3") as conn:
        conn.execute(f"UPDATE results SET {forgery}")  # noqa: S608 - the test's own literals
    report = run([url], tmp_path)
    assert codes(report) == {url: "UR001"}
    assert report.summary.from_cache == 0


def test_a_symlinked_url_cache_is_refused_and_not_written_through(serve, tmp_path: Path) -> None:
    srv = serve({"/ok": S.ok()})
    precious = tmp_path / "precious"
    precious.write_bytes(b"keep me")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "urls.sqlite3").symlink_to(precious)
    report = run([srv.url("/ok")], cache)
    assert report.findings == () and len(report.warnings) == 1 and "is a symlink" in report.warnings[0]
    assert precious.read_bytes() == b"keep me"


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_url_cache_tracked_by_git_is_refused(serve, tmp_path: Path) -> None:
    srv, url = _planted(serve, tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, timeout=60)
    subprocess.run(["git", "add", "-f", "urls.sqlite3"], cwd=tmp_path, check=True, timeout=60)
    report = run([url], tmp_path)
    assert codes(report) == {url: "UR001"}
    assert len(report.warnings) == 1 and "git tracks" in report.warnings[0]


def test_a_damaged_page_is_rebuilt_once(serve, tmp_path: Path) -> None:
    srv = serve({"/a": S.ok(), "/b": S.ok()})
    urls = [srv.url("/a"), srv.url("/b")]
    run(urls, tmp_path)
    path = tmp_path / "urls.sqlite3"
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root_page,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'results'").fetchone()
    with open(path, "r+b") as handle:
        handle.seek((root_page - 1) * page_size)
        handle.write(b"\xa5" * page_size)
    first = run(urls, tmp_path)
    assert first.findings == () and len(first.warnings) == 1 and "rebuilt" in first.warnings[0], first.warnings
    second = run(urls, tmp_path)
    assert second.warnings == () and second.summary.from_cache == 2
