"""The verdict table and the address policy, without a server."""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl
from email.utils import formatdate

import httpx
import pytest

from vaultlint.urls.classify import (
    Done,
    Follow,
    HeadFailed,
    Kind,
    Retry,
    bot_wall,
    classify_error,
    classify_reply,
    parse_retry_after,
)
from vaultlint.urls.fetch import DnsLookupFailed, Reply, _BoundedDecoder, _interleave
from vaultlint.urls.safety import is_public_address

ACCEPT = frozenset(range(200, 300))


def reply(status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> Reply:
    return Reply(status, "", httpx.Headers(headers or {}), body, httpx.Response(status))


def verdict(status: int, headers: dict[str, str] | None = None, body: bytes = b"", method: str = "GET"):
    step = classify_reply(reply(status, headers, body), method=method, accept=ACCEPT, now=1_000_000.0)
    return step


@pytest.mark.parametrize("status", [200, 204, 299])
def test_ok(status: int) -> None:
    step = verdict(status)
    assert isinstance(step, Done) and step.verdict.kind is Kind.OK


@pytest.mark.parametrize(("status", "reason"), [(404, "404 Not Found"), (410, "410 Gone")])
def test_dead(status: int, reason: str) -> None:
    step = verdict(status)
    assert isinstance(step, Done) and step.verdict.kind is Kind.DEAD and step.verdict.reason == reason


@pytest.mark.parametrize(
    ("status", "headers", "body", "reason"),
    [
        (403, {"cf-mitigated": "challenge"}, b"", "bot wall (403, cf-mitigated)"),
        (503, {}, b"<html><title>Just a moment...</title>", "bot wall (503, Cloudflare challenge)"),
        (403, {}, b'<script src="/cdn-cgi/challenge-platform/x">', "bot wall (403, Cloudflare challenge)"),
        (999, {}, b"", "blocked (999)"),
        (401, {}, b"", "requires authentication (401 Unauthorized)"),
        (403, {}, b"no", "forbidden (403 Forbidden)"),
        (400, {}, b"", "unexpected status 400 Bad Request"),
    ],
)
def test_unverifiable(status: int, headers: dict, body: bytes, reason: str) -> None:
    step = verdict(status, headers, body)
    assert isinstance(step, Done), step
    assert step.verdict.kind is Kind.UNVERIFIABLE and step.verdict.reason == reason


def test_transient_statuses_retry() -> None:
    step = verdict(500)
    assert isinstance(step, Retry) and step.verdict.reason == "server error (500 Internal Server Error)"
    assert not step.rate_limited
    step = verdict(429, {"Retry-After": "7"})
    assert isinstance(step, Retry) and step.rate_limited and step.retry_after == 7.0
    assert step.verdict.reason == "rate limited (429)"
    step = verdict(503, {"Retry-After": "2"})
    assert isinstance(step, Retry) and step.rate_limited and step.retry_after == 2.0
    step = verdict(503)
    assert isinstance(step, Retry) and not step.rate_limited


def test_redirects() -> None:
    assert verdict(301, {"Location": "/x"}) == Follow("/x", True, 301)
    assert verdict(308, {"Location": "/x"}) == Follow("/x", True, 308)
    assert verdict(302, {"Location": "/x"}) == Follow("/x", False, 302)
    step = verdict(302)
    assert isinstance(step, Done) and step.verdict.kind is Kind.UNVERIFIABLE


@pytest.mark.parametrize("status", [404, 405, 501, 403, 500, 503])
def test_head_never_decides_a_failure(status: int) -> None:
    assert verdict(status, method="HEAD") == HeadFailed(status)


def test_a_push_back_to_a_head_is_a_push_back_not_a_reason_to_get_at_once() -> None:
    step = verdict(429, {"Retry-After": "3"}, method="HEAD")
    assert isinstance(step, Retry) and step.rate_limited and step.retry_after == 3.0
    step = verdict(503, {"Retry-After": "2"}, method="HEAD")
    assert isinstance(step, Retry) and step.rate_limited


def test_accept_statuses_override() -> None:
    step = classify_reply(reply(403), method="GET", accept=frozenset({403}), now=0)
    assert isinstance(step, Done) and step.verdict.kind is Kind.OK


def test_retry_after_forms() -> None:
    now = 1_700_000_000.0
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after(" 3 ", now) == 3.0
    assert parse_retry_after(formatdate(now + 30, usegmt=True), now) == pytest.approx(30, abs=1)
    assert parse_retry_after(formatdate(now - 30, usegmt=True), now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_bot_wall_only_for_wall_statuses() -> None:
    assert bot_wall(200, httpx.Headers({"cf-mitigated": "challenge"}), b"") is None
    assert bot_wall(429, httpx.Headers({"x-datadome": "1"}), b"") == "DataDome"


def _connect_error(code: int) -> httpx.ConnectError:
    try:
        try:
            raise OSError(code, errno.errorcode.get(code, "x"))
        except OSError as exc:
            raise httpx.ConnectError("boom") from exc
    except httpx.ConnectError as exc:
        return exc


def test_errors() -> None:
    kw = {"timeout": 10.0, "connect_timeout": 5.0}
    step = classify_error(DnsLookupFailed("x.invalid", socket.gaierror(socket.EAI_NONAME, "nope")), **kw)
    assert isinstance(step, Done) and step.verdict.kind is Kind.DEAD and step.verdict.network_level
    assert step.verdict.reason == 'unknown host "x.invalid"'
    step = classify_error(DnsLookupFailed("x", socket.gaierror(socket.EAI_AGAIN, "later")), **kw)
    assert isinstance(step, Retry) and step.verdict.kind is Kind.UNVERIFIABLE
    step = classify_error(_connect_error(errno.ECONNREFUSED), **kw)
    assert isinstance(step, Retry) and step.verdict.kind is Kind.DEAD and step.verdict.network_level
    assert step.verdict.reason == "connection refused"
    step = classify_error(_connect_error(errno.ENETUNREACH), **kw)
    assert isinstance(step, Retry) and step.verdict.kind is Kind.UNVERIFIABLE and step.verdict.network_level
    step = classify_error(asyncio.TimeoutError(), **kw)
    assert isinstance(step, Retry) and step.timeout and step.verdict.reason == "timed out after 10 s"
    step = classify_error(httpx.ConnectTimeout("t"), **kw)
    assert isinstance(step, Retry) and step.timeout and step.verdict.network_level
    step = classify_error(httpx.ReadError("reset"), **kw)
    assert isinstance(step, Retry) and step.verdict.reason == "connection reset"
    assert not step.verdict.network_level
    try:
        try:
            raise ssl.SSLCertVerificationError(1, "certificate verify failed")
        except ssl.SSLError as exc:
            raise httpx.ConnectError("tls") from exc
    except httpx.ConnectError as exc:
        step = classify_error(exc, **kw)
    assert isinstance(step, Done) and step.verdict.kind is Kind.UNVERIFIABLE
    assert step.verdict.reason.startswith("TLS error")
    with pytest.raises(ZeroDivisionError):  # bugs surface, they are not verdicts
        classify_error(ZeroDivisionError(), **kw)


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("127.0.0.1", False),
        ("127.3.4.5", False),
        ("10.1.2.3", False),
        ("192.168.1.1", False),
        ("172.16.0.1", False),
        ("169.254.169.254", False),
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("100.64.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::", False),
        ("::ffff:127.0.0.1", False),
        ("ff02::1", False),
        ("not an ip", False),
        ("93.184.216.34", True),
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public


def test_bounded_decoder_stops_a_bomb() -> None:
    import zlib

    z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = z.compress(b"\0" * (50 << 20)) + z.flush()
    assert len(bomb) < 100_000
    d = _BoundedDecoder("gzip", 4096)
    d.feed(bomb)
    d.feed(bomb)
    assert len(d.output()) == 4096 and d.full


def test_interleave_families() -> None:
    assert _interleave(["::1", "::2", "1.1.1.1", "::1"]) == ["::1", "1.1.1.1", "::2"]
    assert _interleave(["1.1.1.1", "2.2.2.2"]) == ["1.1.1.1", "2.2.2.2"]
