"""Verdicts against real servers on loopback addresses (never the internet)."""

from __future__ import annotations

import asyncio
import ssl
import time

import pytest
import trustme
import urlcheck_server as S
from urlcheck_util import FAST, by_url, codes, occ, occs

from vaultlint.model import Span
from vaultlint.urls import UrlSettings, check_urls


def run(urls, settings: UrlSettings = FAST, **kw):
    occurrences = occs(*urls) if isinstance(urls, (list, tuple)) and urls and isinstance(urls[0], str) else urls
    return check_urls(occurrences, settings, cache_dir=kw.pop("cache_dir", None), progress=kw.pop("progress", False))


def test_ok_404_410(serve) -> None:
    srv = serve({"/ok": S.ok(), "/gone": S.status(410), "/missing": S.status(404)})
    report = run([srv.url("/ok"), srv.url("/missing"), srv.url("/gone")])
    assert codes(report) == {srv.url("/missing"): "UR001", srv.url("/gone"): "UR001"}
    messages = sorted(f.violation.message for f in report.findings)
    assert messages == [
        f'dead URL "{srv.url("/gone")}": 410 Gone',
        f'dead URL "{srv.url("/missing")}": 404 Not Found',
    ]
    s = report.summary
    assert (s.checked, s.ok, s.dead, s.unverifiable, s.from_cache) == (3, 1, 2, 0, 0)
    assert not s.network_unavailable and report.warnings == ()
    # Definitive answers are not retried.
    assert srv.count("/missing") == 1 and srv.count("/gone") == 1


def test_slow_but_ok(serve) -> None:
    srv = serve({"/slow": S.ok(delay=0.6)})
    assert run([srv.url("/slow")]).findings == ()


def test_hanging_server_times_out(serve) -> None:
    srv = serve({"/hang": S.hang()})
    t0 = time.monotonic()
    report = run([srv.url("/hang")])
    elapsed = time.monotonic() - t0
    assert codes(report) == {srv.url("/hang"): "UR002"}
    assert report.findings[0].violation.message.endswith(": timed out after 1 s")
    # A timeout is retried once, not twice: 2 attempts of 1 s each.
    assert srv.count("/hang") == 2
    assert elapsed < 8  # far below the server's 20 s hang; loose enough for a loaded CI machine


def test_trickling_head_is_bounded_by_the_whole_attempt_timeout(serve) -> None:
    # One byte every 0.2 s never trips a per-read timeout; the whole-attempt deadline must.
    srv = serve({"/drip": S.trickle_head(every=0.2)})
    t0 = time.monotonic()
    report = run([srv.url("/drip")])
    assert codes(report) == {srv.url("/drip"): "UR002"}
    assert "timed out after 1 s" in report.findings[0].violation.message
    assert time.monotonic() - t0 < 8


def test_trickling_body_after_a_200_is_ok_and_bounded(serve) -> None:
    srv = serve({"/drip": S.trickle_body(every=0.3)})
    t0 = time.monotonic()
    assert run([srv.url("/drip")]).findings == ()
    assert time.monotonic() - t0 < 5


def test_connection_reset_is_retried_then_unverifiable(serve) -> None:
    srv = serve({"/reset": S.reset()})
    report = run([srv.url("/reset")])
    assert codes(report) == {srv.url("/reset"): "UR002"}
    assert report.findings[0].violation.message.endswith("connection reset")
    assert srv.count("/reset") == 3  # 1 + retries


def test_reset_once_then_ok(serve) -> None:
    srv = serve({"/flaky": S.sequence(S.reset(), S.ok())})
    assert run([srv.url("/flaky")]).findings == ()
    assert srv.count("/flaky") == 2


def test_connection_refused_is_dead_while_other_hosts_answer(serve) -> None:
    srv = serve({"/ok": S.ok()})
    refused = f"http://127.0.0.3:{S.free_port('127.0.0.3')}/x"
    report = run([srv.url("/ok"), refused])
    assert codes(report) == {refused: "UR001"}
    assert report.findings[0].violation.message == f'dead URL "{refused}": connection refused'
    assert not report.summary.network_unavailable


def test_unknown_host_is_dead_while_other_hosts_answer(serve) -> None:
    srv = serve({"/ok": S.ok()})
    report = run([srv.url("/ok"), "http://no-such-host.invalid/page"])
    assert codes(report) == {"http://no-such-host.invalid/page": "UR001"}
    assert report.findings[0].violation.message.endswith('unknown host "no-such-host.invalid"')


def test_no_network_is_not_a_dead_link() -> None:
    urls = ["http://a.invalid/", "https://b.invalid/x", f"http://127.0.0.4:{S.free_port('127.0.0.4')}/"]
    report = run(urls)
    assert report.findings == ()
    assert report.summary.network_unavailable
    assert report.summary.checked == 0
    assert report.warnings == ("network unavailable: 3 URLs not checked",)


@pytest.mark.parametrize("head_status", [405, 404, 501, 403])
def test_head_failure_while_get_works_is_ok(serve, head_status: int) -> None:
    srv = serve(default=S.get_only(head_status))
    urls = [srv.url(f"/page{i}") for i in range(8)]
    assert run(urls).findings == ()
    # HEAD was tried at most once (the probe); the host then got GET only.
    assert srv.count(method="HEAD") <= 1
    assert srv.count(method="GET") == 8


def test_head_is_used_once_a_host_has_shown_it_works(serve) -> None:
    srv = serve(default=S.ok())
    urls = [srv.url(f"/page{i}") for i in range(12)]
    assert run(urls, UrlSettings(**{**FAST.__dict__, "per_host_concurrency": 1})).findings == ()
    assert srv.count() == 12  # still one request per URL
    assert srv.count(method="HEAD") >= 9
    first = srv.records[0]
    assert first.method == "GET"  # never assumed: learned from a GET first


def test_redirect_chain_is_ok(serve) -> None:
    other = serve({"/final": S.ok()}, host="127.0.0.2")
    srv = serve(
        {
            "/a": S.redirect("/b", 302),
            "/b": S.redirect("/c", 307),
            "/c": S.redirect(other.url("/final"), 303),
        }
    )
    report = run([srv.url("/a")])
    assert report.findings == ()
    assert [srv.count(p) for p in ("/a", "/b", "/c")] == [1, 1, 1]
    assert other.count("/final") == 1


def test_permanent_redirect_names_the_final_url(serve) -> None:
    srv = serve(
        {
            "/old": S.redirect("/older", 301),
            "/older": S.redirect("/new", 308),
            "/new": S.ok(),
            "/moved-then-temp": S.redirect("/here", 301),
            "/here": S.redirect("/new", 302),
        }
    )
    report = run([srv.url("/old#part"), srv.url("/moved-then-temp")])
    found = by_url(report)
    (old,) = found[srv.url("/old#part")]
    assert old.code == "UR003"
    assert old.violation.message == (
        f'redirected URL "{srv.url("/old#part")}": permanently moved to "{srv.url("/new#part")}"'
    )
    assert old.violation.hint == f'replace it with "{srv.url("/new#part")}"'
    # Only the permanent part of a chain is what the note should say now.
    (temp,) = found[srv.url("/moved-then-temp")]
    assert temp.code == "UR003" and temp.violation.message.endswith(f'moved to "{srv.url("/here")}"')
    assert report.summary.redirected == 2


def test_redirect_loop_is_dead(serve) -> None:
    srv = serve({"/x": S.redirect("/y"), "/y": S.redirect("/x")})
    report = run([srv.url("/x")])
    assert codes(report) == {srv.url("/x"): "UR001"}
    assert "redirect loop" in report.findings[0].violation.message
    assert srv.count() == 2


def test_too_many_redirects_is_dead(serve) -> None:
    srv = serve({f"/{i}": S.redirect(f"/{i + 1}") for i in range(10)})
    report = run([srv.url("/0")], UrlSettings(**{**FAST.__dict__, "max_redirects": 3}))
    assert codes(report) == {srv.url("/0"): "UR001"}
    assert "too many redirects (more than 3)" in report.findings[0].violation.message
    assert srv.count() == 4


def test_cookie_redirect_is_not_a_loop(serve) -> None:
    async def gate(req, conn) -> None:
        if "seen=1" in req.headers.get("cookie", ""):
            await conn.send(200, {}, b"welcome", method=req.method)
        else:
            await conn.send(302, {"Location": "/set"}, method=req.method)

    async def setter(req, conn) -> None:
        await conn.send(302, {"Location": "/gate", "Set-Cookie": "seen=1; Path=/"}, method=req.method)

    srv = serve({"/gate": gate, "/set": setter})
    assert run([srv.url("/gate")]).findings == ()


def test_credentials_never_cross_origins(serve) -> None:
    other = serve({"/landing": S.ok()}, host="127.0.0.2")
    srv = serve({"/login": S.redirect(other.url("/landing"))})
    entry = _host(headers={"X-Token": "secret"}, scheme="http", port=srv.port)
    settings = UrlSettings(**{**FAST.__dict__, "hosts": {"127.0.0.1": entry}})
    url = f"http://user:pw@127.0.0.1:{srv.port}/login"
    assert run([url], settings).findings == ()
    sent = srv.records[0].headers
    assert sent.get("authorization", "").startswith("Basic ") and sent.get("x-token") == "secret"
    received = other.records[0].headers
    assert "authorization" not in received and "x-token" not in received


def _headers_for(entry: str, **hosts_kw):
    from vaultlint.urls import url_settings_from_mapping

    table = {"hosts": {entry: {"headers": {"X-Token": "secret"}, **hosts_kw}}}
    return UrlSettings(**{**FAST.__dict__, "hosts": url_settings_from_mapping(table, "t.toml").hosts})


def test_host_headers_go_only_to_the_origin_the_entry_names(serve) -> None:
    srv = serve({"/p": S.ok()})
    other_port = serve({"/p": S.ok()})
    urls = [srv.url("/p"), other_port.url("/p")]
    # No scheme: https only, so a plain-http server on the host never sees the header.
    for entry in ("127.0.0.1", f"127.0.0.1:{srv.port}", f"https://127.0.0.1:{srv.port}", "http://127.0.0.1"):
        assert run(urls, _headers_for(entry)).findings == ()
        assert not any("x-token" in r.headers for r in srv.records + other_port.records), entry
    assert run(urls, _headers_for(f"http://127.0.0.1:{srv.port}")).findings == ()
    assert srv.records[-1].headers.get("x-token") == "secret"
    assert not any("x-token" in r.headers for r in other_port.records)  # same host, another port


def test_host_headers_are_dropped_once_a_redirect_leaves_the_origin(serve) -> None:
    home = serve({"/back": S.ok()})
    away = serve({"/bounce": S.redirect(home.url("/back"))})
    home_routes = {"/start": S.redirect(away.url("/bounce")), "/same": S.redirect("/back")}
    home.routes.update(home_routes)
    settings = _headers_for(f"http://127.0.0.1:{home.port}")
    assert run([home.url("/same")], settings).findings == ()
    assert [(r.path, r.headers.get("x-token")) for r in home.records] == [("/same", "secret"), ("/back", "secret")]
    home.records.clear()
    assert run([home.url("/start")], settings).findings == ()
    # Out to another port and back: like curl, the header is not sent again on the way back.
    assert [(r.path, r.headers.get("x-token")) for r in home.records] == [("/start", "secret"), ("/back", None)]
    assert "x-token" not in away.records[0].headers


def test_host_entries_name_an_origin() -> None:
    from vaultlint.urls import UrlConfigError, url_settings_from_mapping

    hosts = url_settings_from_mapping({"hosts": {"http://Example.com:8080/": {}, "b.org:8443": {}}}, "t").hosts
    assert (hosts["example.com"].scheme, hosts["example.com"].port) == ("http", 8080)
    assert (hosts["b.org"].scheme, hosts["b.org"].port) == ("https", 8443)
    for bad in ("ftp://a.com", "a.com:0", "a.com:99999", "a.com/path", "a.com:²"):
        with pytest.raises(UrlConfigError, match="expected host names as keys"):
            url_settings_from_mapping({"hosts": {bad: {}}}, "t")
    with pytest.raises(UrlConfigError, match='names the same host as "a.com"'):
        url_settings_from_mapping({"hosts": {"a.com": {}, "http://a.com": {}}}, "t")


def _host(**kw):
    from vaultlint.urls import HostSettings

    return HostSettings(**kw)


def test_endless_body_is_capped(serve) -> None:
    srv = serve({"/forever": S.endless()})
    t0 = time.monotonic()
    assert run([srv.url("/forever")]).findings == ()
    assert time.monotonic() - t0 < 5


def test_gzip_bomb_is_capped(serve) -> None:
    srv = serve({"/bomb": S.gzip_bomb(200), "/bomb403": S.gzip_bomb(403)})
    t0 = time.monotonic()
    report = run([srv.url("/bomb"), srv.url("/bomb403")])
    assert codes(report) == {srv.url("/bomb403"): "UR002"}
    assert time.monotonic() - t0 < 6


def test_self_signed_tls_is_unverifiable(serve) -> None:
    ca = trustme.CA()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    srv = serve({"/": S.ok()}, tls=ctx)
    report = run([srv.url("/")])
    assert codes(report) == {srv.url("/"): "UR002"}
    message = report.findings[0].violation.message
    assert ": TLS error: certificate verify failed" in message, message


def test_bot_walls_and_999(serve) -> None:
    srv = serve(
        {
            "/cf": S.status(403, {"cf-mitigated": "challenge"}),
            "/challenge": S.gzipped(503, b"<html><head><title>Just a moment...</title></head></html>"),
            "/linkedin": S.status(999),
            "/auth": S.status(401),
        }
    )
    urls = [srv.url(p) for p in ("/cf", "/challenge", "/linkedin", "/auth")]
    report = run(urls)
    reasons = {url: fs[0].violation.message.split('": ', 1)[1] for url, fs in by_url(report).items()}
    assert reasons == {
        urls[0]: "bot wall (403, cf-mitigated)",
        urls[1]: "bot wall (503, Cloudflare challenge)",
        urls[2]: "blocked (999)",
        urls[3]: "requires authentication (401 Unauthorized)",
    }
    assert {f.code for f in report.findings} == {"UR002"}
    assert srv.count("/cf") == 1 and srv.count("/challenge") == 1  # walls are not hammered


def test_persistent_500_is_unverifiable_after_retries(serve) -> None:
    srv = serve({"/err": S.status(500), "/flaky": S.sequence(S.status(502), S.ok())})
    report = run([srv.url("/err"), srv.url("/flaky")])
    assert codes(report) == {srv.url("/err"): "UR002"}
    assert report.findings[0].violation.message.endswith("server error (500 Internal Server Error)")
    assert srv.count("/err") == 3
    assert srv.count("/flaky") == 2


def test_every_occurrence_reported_at_its_own_span(serve) -> None:
    srv = serve({"/missing": S.status(404)})
    occurrences = [
        ("a.md", occ(srv.url("/missing"), line=3, column=5)),
        ("a.md", occ(srv.url("/missing#top"), line=9, column=1)),
        ("b.md", occ(srv.url("/missing"), line=1, column=2)),
    ]
    report = check_urls(occurrences, FAST, cache_dir=None, progress=False)
    assert [(f.path, f.violation.span.line, f.violation.span.column) for f in report.findings] == [
        ("a.md", 3, 5),
        ("a.md", 9, 1),
        ("b.md", 1, 2),
    ]
    assert report.findings[1].violation.message == f'dead URL "{srv.url("/missing#top")}": 404 Not Found'
    assert srv.count() == 1
    assert report.summary.checked == 1


def test_malformed_urls_make_no_request(serve) -> None:
    srv = serve(default=S.ok())
    urls = [f"http://127.0.0.1:{srv.port}/a b", "http://exa mple.com/", "http://host:99999/", "http://bad!host/"]
    report = run(urls)
    assert {f.code for f in report.findings} == {"UR004"}
    assert len(report.findings) == 4
    assert report.findings[0].violation.message == f'malformed URL "{urls[0]}": contains a space'
    assert srv.count() == 0 and report.summary.checked == 0


def test_excluded_and_non_http_urls_are_skipped(serve) -> None:
    srv = serve(default=S.status(404))
    settings = UrlSettings(**{**FAST.__dict__, "exclude": (r"/skip",)})
    report = run([srv.url("/skip/me"), "ftp://example.com/file", srv.url("/checked")], settings)
    assert codes(report) == {srv.url("/checked"): "UR001"}
    assert srv.count() == 1


def test_in_comment_flag_is_carried(serve) -> None:
    from vaultlint.model import ExternalUrl, UrlOrigin

    srv = serve({"/missing": S.status(404)})
    hidden = ExternalUrl(srv.url("/missing"), Span(1, 1, 1, 20), UrlOrigin.BARE, in_comment=True)
    report = check_urls([("n.md", hidden)], FAST, cache_dir=None, progress=False)
    assert report.findings[0].violation.in_comment


def test_private_addresses_are_refused_unless_allowed(serve) -> None:
    srv = serve({"/": S.ok(), "/missing": S.status(404)})
    settings = UrlSettings(**{**FAST.__dict__, "allow_private": False})
    report = run([srv.url("/"), srv.url("/missing"), "http://localhost:1/"], settings)
    assert report.findings == ()
    assert srv.count() == 0
    assert report.summary.checked == 0
    assert report.warnings == (
        "3 URLs not checked: loopback, private or link-local address"
        " (--allow-private-urls, or allow-private = true in [urls], checks them)",
    )
    # The same URLs with allow_private: checked.
    assert codes(run([srv.url("/missing")])) == {srv.url("/missing"): "UR001"}


def test_redirect_to_private_address_is_refused_on_every_hop(serve, monkeypatch) -> None:
    import vaultlint.urls.fetch as fetch

    inner = serve({"/secret": S.ok()}, host="127.0.0.2")
    outer = serve({"/go": S.redirect(inner.url("/secret"))}, host="127.0.0.1")
    # Pretend 127.0.0.1 is a public address; 127.0.0.2 stays private.
    monkeypatch.setattr(fetch, "is_public_address", lambda a: a == "127.0.0.1")
    settings = UrlSettings(**{**FAST.__dict__, "allow_private": False})
    report = run([outer.url("/go")], settings)
    assert codes(report) == {outer.url("/go"): "UR002"}
    assert "redirected to a private address (127.0.0.2), not followed" in report.findings[0].violation.message
    assert outer.count() == 1 and inner.count() == 0


def test_progress_goes_to_stderr_only(serve, capsys) -> None:
    srv = serve(default=S.ok(delay=0.05))
    run([srv.url(f"/{i}") for i in range(5)], progress=True)
    out, err = capsys.readouterr()
    assert out == ""
    assert "checking URLs" in err


def test_works_when_called_from_a_running_loop(serve) -> None:
    srv = serve({"/missing": S.status(404)})

    async def inside() -> int:
        return len(run([srv.url("/missing")]).findings)

    assert asyncio.run(inside()) == 1


def test_a_stuck_dns_lookup_does_not_hold_the_run(serve, monkeypatch) -> None:
    import socket

    real = socket.getaddrinfo

    def slow(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(host).endswith(".stuck-dns.invalid"):
            time.sleep(5)  # a resolver that never answers in time
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", slow)
    srv = serve({"/ok": S.ok()})
    t0 = time.monotonic()
    report = run([srv.url("/ok"), "http://a.stuck-dns.invalid/"])
    assert time.monotonic() - t0 < 4.5  # not the 5 s the lookup thread still sleeps
    assert codes(report) == {"http://a.stuck-dns.invalid/": "UR002"}
    assert "connection timed out after 0.5 s" in report.findings[0].violation.message


def test_redirect_to_a_bad_location_is_unverifiable_not_malformed(serve) -> None:
    srv = serve({"/ftp": S.redirect("ftp://example.com/file"), "/bad": S.redirect("http://exa mple.com/")})
    report = run([srv.url("/ftp"), srv.url("/bad")])
    assert codes(report) == {srv.url("/ftp"): "UR002", srv.url("/bad"): "UR002"}
    found = by_url(report)
    assert found[srv.url("/ftp")][0].violation.message.endswith('redirected to a non-http URL "ftp://example.com/file"')
    assert "redirected to a malformed URL (invalid host" in found[srv.url("/bad")][0].violation.message
