"""Politeness and economy, measured at the server: limits, pauses, one request per URL."""

from __future__ import annotations

import dataclasses
import time

import urlcheck_server as S
from urlcheck_util import FAST, codes, occ

from vaultlint.urls import HostSettings, UrlSettings, check_urls


def settings(**changes) -> UrlSettings:
    return dataclasses.replace(FAST, **changes)


def run(urls, s: UrlSettings = FAST):
    return check_urls([("n.md", occ(u, line=i + 1)) for i, u in enumerate(urls)], s, cache_dir=None, progress=False)


def test_per_host_concurrency_is_never_exceeded(serve) -> None:
    busy = serve(default=S.ok(delay=0.15), host="127.0.0.5")
    assert run([busy.url(f"/{i}") for i in range(20)]).findings == ()
    assert busy.peak == 4  # the default limit, reached but never passed
    assert busy.count() == 20


def test_per_host_override_and_global_limit(serve) -> None:
    a = serve(default=S.ok(delay=0.1), host="127.0.0.6")
    b = serve(default=S.ok(delay=0.1), host="127.0.0.7")
    s = settings(hosts={"127.0.0.6": HostSettings(concurrency=2)})
    assert run([a.url(f"/{i}") for i in range(10)] + [b.url(f"/{i}") for i in range(10)], s).findings == ()
    assert a.peak == 2 and b.peak == 4
    a.reset_stats()
    b.reset_stats()
    assert (
        run(
            [a.url(f"/g{i}") for i in range(6)] + [b.url(f"/g{i}") for i in range(6)], settings(max_concurrency=1)
        ).findings
        == ()
    )
    assert a.peak == 1 and b.peak == 1
    starts = sorted(r.started for r in a.records + b.records)
    assert all(later - earlier >= 0.08 for earlier, later in zip(starts, starts[1:]))


def test_per_host_interval(serve) -> None:
    # The client spaces the *starts* of its requests 0.3 s apart; the server sees
    # each start a little later, by however long the connection and the send took
    # (a new connection costs more than a reused one), so a gap measured at the
    # server can be shorter by that jitter (15 ms seen on a loaded machine).  The
    # bound leaves 100 ms for it: 6x what was seen, and a third of the interval.
    srv = serve(default=S.ok(), host="127.0.0.8")
    assert run([srv.url(f"/{i}") for i in range(4)], settings(per_host_interval=0.3)).findings == ()
    starts = [r.started for r in srv.records]
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(gaps) == 3 and min(gaps) >= 0.2, gaps
    # Without the interval, the same URLs do not wait at all (the bound above can fail).
    srv.reset_stats()
    assert run([srv.url(f"/{i}") for i in range(4, 8)], settings(per_host_concurrency=1)).findings == ()
    starts = [r.started for r in srv.records]
    assert starts[-1] - starts[0] < 0.2 * 3, starts


def _host_wide_429(retry_after: str, code: int = 429):
    """The host's first request gets ``code`` with ``Retry-After``; every later one 200."""
    first = [True]

    async def handler(req, conn) -> None:
        if first[0]:
            first[0] = False
            await conn.send(code, {"Retry-After": retry_after}, method=req.method)
        else:
            await conn.send(200, {}, b"ok", method=req.method)

    return handler


def _paused_host_check(serve, retry_after: str, min_pause: float, code: int = 429) -> None:
    limited = serve(default=_host_wide_429(retry_after, code), host="127.0.0.9")
    other = serve(default=S.ok(delay=0.05), host="127.0.0.10")
    urls = [limited.url(f"/{i}") for i in range(4)] + [other.url(f"/{i}") for i in range(12)]
    report = run(urls, settings(per_host_concurrency=1))
    assert report.findings == ()
    t429 = limited.records[0].started
    after = [r.started for r in limited.records[1:]]
    # The whole host waited...
    assert after and min(after) - t429 >= min_pause, min(after) - t429
    # ...and each of its URLs was still asked exactly once more at most.
    assert limited.count() == 5
    # Meanwhile the other host kept going (not blocked behind the pause): its 12
    # requests take about 0.6 s one after the other; half of them is a 3x margin.
    assert sum(1 for r in other.records if r.started < t429 + min_pause) >= 6


def test_429_retry_after_seconds_pauses_the_host(serve) -> None:
    _paused_host_check(serve, "1", min_pause=0.95)


def test_429_retry_after_http_date_pauses_the_host(serve) -> None:
    from email.utils import formatdate

    # HTTP dates have whole seconds: "now + 3 s" is between 2 and 3 s away when
    # sent, less the time the answer takes to arrive (a loaded machine: 0.3 s).
    _paused_host_check(serve, formatdate(time.time() + 3, usegmt=True), min_pause=1.0)


def test_503_retry_after_pauses_the_host(serve) -> None:
    _paused_host_check(serve, "1", min_pause=0.95, code=503)


def test_retry_after_beyond_the_cap_is_not_waited_for(serve) -> None:
    srv = serve(default=S.status(429, {"Retry-After": "3600"}), host="127.0.0.11")
    t0 = time.monotonic()
    urls = [srv.url(f"/{i}") for i in range(5)]
    report = run(urls, settings(per_host_concurrency=1))
    assert time.monotonic() - t0 < 5  # an hour's Retry-After is never waited for
    assert set(codes(report).values()) == {"UR002"} and len(report.findings) == 5
    assert report.findings[0].violation.message.endswith("rate limited (429), asked to retry after 3600 s")
    assert srv.count() == 1  # the host said stop: we stopped


def test_rate_limited_beyond_the_retry_budget(serve) -> None:
    srv = serve({"/x": S.status(429, {"Retry-After": "0"})}, host="127.0.0.12")
    report = run([srv.url("/x")])
    assert codes(report) == {srv.url("/x"): "UR002"}
    assert report.findings[0].violation.message.endswith("rate limited (429)")
    assert srv.count() == 3  # 1 + retries


def test_exactly_one_request_per_unique_url(serve) -> None:
    a = serve(default=S.ok(), host="127.0.0.13")
    b = serve(default=S.status(404), host="127.0.0.14")
    written = []
    for i in range(15):
        written += [
            a.url(f"/p{i}"),
            a.url(f"/p{i}#section"),
            a.url(f"/p{i}#other"),
            f"HTTP://127.0.0.13:{a.port}/p{i}",
        ]
    for i in range(5):
        written += [b.url(f"/gone{i}"), b.url(f"/gone{i}#x")]
    report = run(written)
    assert len(report.findings) == 10  # every 404 occurrence reported
    paths = [r.path for r in a.records] + [r.path for r in b.records]
    assert sorted(paths) == sorted({p for p in paths})  # no path asked twice
    assert len(paths) == 20
    assert report.summary.checked == 20
