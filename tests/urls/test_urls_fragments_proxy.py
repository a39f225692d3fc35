"""Fragments (UR005, opt-in), proxies from the environment, and ${VAR} in per-host headers."""

from __future__ import annotations

import dataclasses

import pytest
import urlcheck_server as S
from urlcheck_util import FAST, by_url, codes, occ

from vaultlint.urls import HostSettings, UrlConfigError, UrlSettings, check_urls, url_settings_from_mapping
from vaultlint.urls.fragments import names_an_anchor


def settings(**changes) -> UrlSettings:
    return dataclasses.replace(FAST, **changes)


def run(urls, s: UrlSettings = FAST):
    return check_urls([("n.md", occ(u, line=i + 1)) for i, u in enumerate(urls)], s, cache_dir=None, progress=False)


_TEXT = b"<p>" + b"Plenty of words in this page. " * 30 + b"</p>"
DOC = (
    b'<html><body><h2 id="intro">Intro</h2><h2 id="Install">Install</h2>'
    b'<a name="legacy"></a><h2 id="caf%C3%A9-and-more">x</h2>' + _TEXT + b"</body></html>"
)
GITHUB = b'<html><body><h2><a id="user-content-usage" href="#usage">Usage</a></h2>' + _TEXT + b"</body></html>"
SPA = b'<html><body><div id="root"></div><script src="/app.js"></script><script>render()</script></body></html>'


def test_fragments_are_checked_against_the_page_once(serve) -> None:
    page = {"Content-Type": "text/html; charset=utf-8"}
    srv = serve(
        {
            "/doc": S.ok(DOC, headers=page),
            "/gh": S.ok(GITHUB, headers=page),
            "/spa": S.ok(SPA, headers=page),
            "/text": S.status(200, {"Content-Type": "text/plain"}, b"intro install"),
        },
        host="127.0.4.1",
    )
    written = [
        srv.url("/doc#intro"),
        srv.url("/doc#install"),  # ids are matched case-insensitively: no false UR005
        srv.url("/doc#legacy"),
        srv.url("/doc#missing"),
        srv.url("/doc#top"),
        srv.url("/gh#usage"),  # GitHub's user-content- prefix
        srv.url("/gh#L10-L20"),  # line anchors are built by script
        srv.url("/gh#nope"),
        srv.url("/spa#anything"),  # a page built by script gives no verdict
        srv.url("/text#x"),  # not HTML: no verdict
    ]
    report = run(written, settings(check_fragments=True))
    assert codes(report) == {srv.url("/doc#missing"): "UR005", srv.url("/gh#nope"): "UR005"}
    message = by_url(report)[srv.url("/doc#missing")][0].violation.message
    assert (
        message
        == f'missing fragment in URL "{srv.url("/doc#missing")}": the page has no element with id or name "missing"'
    )
    # One GET per page, however many fragments point into it.
    assert srv.count("/doc") == 1 and srv.count("/doc", method="GET") == 1
    assert srv.count("/gh") == 1

    # Off by default: nothing about fragments, and no page needs to be read.
    srv.reset_stats()
    assert run(written).findings == ()


def test_fragment_matching_rules() -> None:
    anchors = frozenset({"intro", "user-content-usage", "café-and-more"})
    assert names_an_anchor("Intro", anchors)
    assert names_an_anchor("usage", anchors)
    assert names_an_anchor("caf%C3%A9-and-more", anchors)
    assert names_an_anchor("L10", anchors) and names_an_anchor("L10-L20", anchors) and names_an_anchor("L3C4", anchors)
    assert names_an_anchor(":~:text=hello", anchors)
    assert not names_an_anchor("outro", anchors)
    assert not names_an_anchor("L10-install", anchors)


def test_a_page_cut_off_by_the_cap_gives_no_verdict(serve) -> None:
    big = DOC.replace(b"</body>", b"<p>" + b"x" * 300_000 + b"</p></body>")
    srv = serve({"/big": S.ok(big)}, host="127.0.4.2")
    assert run([srv.url("/big#missing")], settings(check_fragments=True, page_cap=100_000)).findings == ()
    assert codes(run([srv.url("/big#missing")], settings(check_fragments=True))) == {srv.url("/big#missing"): "UR005"}


# --------------------------------------------------------------------------
# Proxies


def _proxy_handler():
    async def handler(req, conn) -> None:
        await conn.send(200, {"Content-Type": "text/html"}, b"via proxy", method=req.method)

    return handler


def test_http_proxy_and_no_proxy_are_honoured(serve, monkeypatch) -> None:
    proxy = serve(default=_proxy_handler(), host="127.0.4.3")
    direct = serve(default=S.ok(), host="127.0.4.4")
    monkeypatch.setenv("HTTP_PROXY", proxy.origin)
    monkeypatch.setenv("NO_PROXY", "127.0.4.4")
    # A name this machine cannot resolve: the proxy resolves it, not us.
    report = run(["http://docs.vaultlint-test.invalid/page", direct.url("/here")], settings(allow_private=False))
    assert report.findings == ()
    assert [r.path for r in proxy.records] == ["http://docs.vaultlint-test.invalid/page"]
    # NO_PROXY: straight to the host (not fetched here only because it is private).
    assert direct.count() == 0 and proxy.count() == 1


def test_behind_a_proxy_private_addresses_are_still_refused(serve, monkeypatch) -> None:
    proxy = serve(default=_proxy_handler(), host="127.0.4.5")
    monkeypatch.setenv("HTTP_PROXY", proxy.origin)
    report = run(["http://127.0.0.1:9/admin", "http://localhost:9/x"], settings(allow_private=False))
    assert report.findings == ()
    assert proxy.count() == 0  # the proxy was never asked to fetch them
    assert any("private" in w for w in report.warnings)
    # Allowed, they go through the proxy like any other URL.
    report = run(["http://127.0.0.1:9/admin"], settings(allow_private=True))
    assert report.findings == () and proxy.count() == 1


# --------------------------------------------------------------------------
# ${VAR} in per-host headers


def test_header_values_may_name_environment_variables(serve, monkeypatch) -> None:
    monkeypatch.setenv("VAULTLINT_TEST_TOKEN", "s3cret")
    srv = serve(default=S.ok(), host="127.0.4.6")
    headers = {"Authorization": "Bearer ${VAULTLINT_TEST_TOKEN}", "X-Lit": "$${KEEP}"}
    table = {"hosts": {f"http://127.0.4.6:{srv.port}": {"headers": headers}}}
    s = url_settings_from_mapping(table, "vaultlint.toml")
    assert s.host("127.0.4.6").headers == {"Authorization": "Bearer s3cret", "X-Lit": "${KEEP}"}
    assert run([srv.url("/p")], dataclasses.replace(FAST, hosts={"127.0.4.6": s.host("127.0.4.6")})).findings == ()
    assert srv.records[0].headers["authorization"] == "Bearer s3cret"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("Bearer ${VAULTLINT_TEST_UNSET}", "environment variable VAULTLINT_TEST_UNSET is not set"),
        ("Bearer ${not a name}", "invalid environment variable name"),
    ],
)
def test_a_missing_or_bad_environment_variable_is_a_config_error(monkeypatch, value, error) -> None:
    monkeypatch.delenv("VAULTLINT_TEST_UNSET", raising=False)
    with pytest.raises(UrlConfigError) as info:
        url_settings_from_mapping({"hosts": {"example.com": {"headers": {"Authorization": value}}}}, "vaultlint.toml")
    assert str(info.value).startswith('vaultlint.toml: [urls] hosts."example.com".headers.Authorization: ')
    assert error in str(info.value)
    assert "\n" not in str(info.value)


def test_new_settings_are_validated() -> None:
    s = url_settings_from_mapping(
        {"max-run-time": 30, "host-slowdown-budget": 5, "check-fragments": True}, "vaultlint.toml"
    )
    assert (s.max_run_time, s.host_slowdown_budget, s.check_fragments) == (30.0, 5.0, True)
    for key, bad in (("max-run-time", 0), ("host-slowdown-budget", "1"), ("check-fragments", "yes")):
        with pytest.raises(UrlConfigError):
            url_settings_from_mapping({key: bad}, "vaultlint.toml")
    assert HostSettings().headers == {}
