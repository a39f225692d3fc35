"""Rate limits, budgets and a missing network, measured at the server and on the clock.

Every bound below holds with at least 3x margin on a loaded 2-core machine;
each test says what it expects to take.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import socket
import time

import pytest
import urlcheck_server as S
from urlcheck_util import FAST, codes, occ

from vaultlint.urls import UrlSettings, check_urls


def settings(**changes) -> UrlSettings:
    return dataclasses.replace(FAST, **changes)


def run(urls, s: UrlSettings = FAST, cache_dir=None):
    return check_urls(
        [("n.md", occ(u, line=i + 1)) for i, u in enumerate(urls)], s, cache_dir=cache_dir, progress=False
    )


def test_a_path_that_keeps_answering_429_ends_unverifiable_without_slowing_its_host(serve) -> None:
    srv = serve({"/stuck": S.status(429, {"Retry-After": "2"})}, default=S.ok(delay=0.02), host="127.0.2.1")
    fine = [srv.url(f"/ok{i}") for i in range(20)]
    report = run([srv.url("/stuck"), *fine])
    assert codes(report) == {srv.url("/stuck"): "UR002"}
    assert report.findings[0].violation.message.endswith("rate limited (429)")
    stuck = [r.started for r in srv.records if r.path == "/stuck"]
    # Retried a bounded number of times (1 + retries), each time after the Retry-After it got.
    assert len(stuck) == 3
    assert all(b - a >= 1.95 for a, b in zip(stuck, stuck[1:])), stuck
    # The other 20 URLs did not wait for it: every one started before its first retry, 2 s after
    # it began.  They take 0.13 s (0.27 s at worst with both cores busy: 7x margin); had the
    # host waited out the Retry-After, they would have started with the retry or after it.
    ok_starts = [r.started for r in srv.records if r.path != "/stuck"]
    assert len(ok_starts) == 20
    assert sum(start < stuck[1] for start in ok_starts) == 20
    assert srv.peak <= 4


def test_429_once_paths_are_retried_after_their_retry_after_and_are_fine(serve) -> None:
    routes = {f"/once{i}": S.retry_after_seconds(1, S.ok()) for i in range(5)}
    srv = serve(routes, default=S.ok(delay=0.02), host="127.0.2.2")
    report = run([srv.url(f"/once{i}") for i in range(5)] + [srv.url(f"/ok{i}") for i in range(20)])
    assert report.findings == ()
    for i in range(5):
        first, second = (r.started for r in srv.records if r.path == f"/once{i}")
        assert second - first >= 0.95
    assert srv.peak <= 4


def _phased_host(pushback_for: float):
    """Every request in the first ``pushback_for`` seconds gets 429 (no Retry-After),
    later ones a 200 after 50 ms; records how many were in flight at each later start."""
    state = {"t0": None, "in_flight": 0, "later_peaks": []}

    async def handler(req, conn) -> None:
        now = time.monotonic()
        if state["t0"] is None:
            state["t0"] = now
        if now - state["t0"] < pushback_for:
            await conn.send(429, {}, method=req.method)
            return
        state["in_flight"] += 1
        state["later_peaks"].append(state["in_flight"])
        try:
            await asyncio.sleep(0.05)
            await conn.send(200, {"Content-Type": "text/html"}, b"ok", method=req.method)
        finally:
            state["in_flight"] -= 1

    return handler, state


def test_a_host_that_pushed_back_on_everything_recovers_its_full_rate(serve) -> None:
    handler, state = _phased_host(0.3)
    srv = serve(default=handler, host="127.0.2.3")
    report = run([srv.url(f"/{i}") for i in range(80)], settings(retries=4, retry_backoff=0.1))
    assert report.findings == ()
    assert srv.peak <= 4  # never more than the configured limit, slowed or not
    later = state["later_peaks"]
    # It slowed down (one at a time right after the push-backs)...
    assert later[0] == 1
    # ...and came back to the configured 4 in flight once answers flowed again.
    assert max(later[-30:]) == 4, later


def test_a_host_that_keeps_pushing_back_is_given_up_on_within_its_budget(serve) -> None:
    srv = serve(default=S.status(429, {"Retry-After": "1"}), host="127.0.2.4")
    t0 = time.monotonic()
    report = run([srv.url(f"/{i}") for i in range(30)], settings(host_slowdown_budget=0.5, retries=5))
    elapsed = time.monotonic() - t0
    assert elapsed < 3.0  # about 1 s: the budget, then the first pause's end; never 30 x Retry-After
    assert len(report.findings) == 30 and set(codes(report).values()) == {"UR002"}
    reasons = {f.violation.message.split('": ', 1)[1] for f in report.findings}
    assert "not checked: 127.0.2.4 kept asking us to slow down" in reasons
    # One line for the whole host, not one per URL.
    lines = [w for w in report.warnings if "kept asking us to slow down" in w]
    assert len(lines) == 1 and "URLs given up on" in lines[0], report.warnings
    assert srv.count() < 10


def test_the_run_ends_at_max_run_time(serve) -> None:
    srv = serve(default=S.ok(delay=10), host="127.0.2.5")
    other = serve(default=S.ok(), host="127.0.2.6")
    t0 = time.monotonic()
    report = run(
        [srv.url(f"/{i}") for i in range(8)] + [other.url("/fine")],
        settings(max_run_time=0.5, timeout=5.0),
    )
    elapsed = time.monotonic() - t0
    assert elapsed < 2.5  # 0.5 s and the cancellation of what was in flight
    assert codes(report) == {srv.url(f"/{i}"): "UR002" for i in range(8)}
    assert all("max-run-time = 0.5 s" in f.violation.message for f in report.findings)
    assert any("time limit" in w for w in report.warnings)


# --------------------------------------------------------------------------
# No network


def test_no_network_ends_at_once_with_one_warning(capfd) -> None:
    holes = [S.Blackhole(f"127.0.3.{i}") for i in range(1, 13)]
    try:
        urls = [h.url(f"/page{j}") for h in holes for j in range(8)]
        t0 = time.monotonic()
        # Without the early stop, every URL would time out (0.2 s), wait at least
        # 1 s, time out again, wait at least 2 s and time out again: at least 3.6 s.
        report = run(urls, settings(connect_timeout=0.2, timeout=2.0, retries=2, retry_backoff=2.0))
        elapsed = time.monotonic() - t0
    finally:
        for h in holes:
            h.close()
    # One connect timeout (0.2 s), then stop: 0.26 s, 0.44 s with both cores busy (4.5x margin).
    assert elapsed < 2.0, elapsed
    assert report.findings == ()
    assert report.summary.network_unavailable
    assert report.warnings == ("network unavailable: 96 URLs not checked",)
    gc.collect()
    assert "Traceback" not in capfd.readouterr().err


def test_late_dns_failures_print_no_tracebacks(capfd, monkeypatch) -> None:
    """Lookups that fail after the run gave up on them: no "Task exception was never retrieved"."""
    real = socket.getaddrinfo

    def offline(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(host).endswith(".offline.invalid"):
            time.sleep(0.4)
            raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", offline)
    urls = [f"http://h{i}.offline.invalid/p" for i in range(5)]
    t0 = time.monotonic()
    report = run(urls, settings(connect_timeout=0.1, allow_private=False))
    assert time.monotonic() - t0 < 2.0  # three lookups time out at 0.1 s: no network
    assert report.summary.network_unavailable and report.findings == ()
    time.sleep(0.6)  # the lookup threads fail now, after the run
    gc.collect()
    err = capfd.readouterr().err
    assert "never retrieved" not in err and "Traceback" not in err, err


def test_one_unreachable_host_among_working_ones_is_not_no_network(serve) -> None:
    srv = serve(default=S.ok(), host="127.0.3.20")
    hole = S.Blackhole("127.0.3.21")
    try:
        report = run([srv.url("/a"), hole.url("/x")], settings(connect_timeout=0.2, retries=1, retry_backoff=0.05))
    finally:
        hole.close()
    assert codes(report) == {hole.url("/x"): "UR002"}
    assert not report.summary.network_unavailable


# --------------------------------------------------------------------------
# Cancelled (Ctrl-C): what was learnt is kept


def test_a_cancelled_run_keeps_what_it_learnt_in_the_cache(serve, tmp_path) -> None:
    from vaultlint.urls import _run
    from vaultlint.urls.cache import UrlCache
    from vaultlint.urls.normalize import normalize

    srv = serve({"/slow": S.ok(delay=10)}, default=S.ok(), host="127.0.2.7")
    urls = [srv.url(f"/fast{i}") for i in range(5)] + [srv.url("/slow")]
    occurrences = [("n.md", occ(u, line=i + 1)) for i, u in enumerate(urls)]
    s = settings(timeout=20.0)

    async def cancel_soon() -> float:
        task = asyncio.ensure_future(_run.run(occurrences, s, cache_dir=tmp_path, progress=False))
        for _ in range(100):  # until the fast ones are in, at most 5 s
            await asyncio.sleep(0.05)
            if srv.count() >= 6:
                break
        await asyncio.sleep(0.2)
        t0 = time.monotonic()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return time.monotonic() - t0

    assert asyncio.run(cancel_soon()) < 1.0
    targets = {t.key: t for t in (normalize(u) for u in urls)}
    cache = UrlCache.open(tmp_path)
    try:
        policies = {k: _run._policy(s, t) for k, t in targets.items()}
        hits = cache.lookup(targets, policies, time.time())
    finally:
        cache.close()
    assert sorted(hits) == sorted(k for k in targets if "/fast" in k)
