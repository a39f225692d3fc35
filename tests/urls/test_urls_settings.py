"""The [urls] config table: defaults, conversion, strict errors that name file and key."""

from __future__ import annotations

import pytest

from vaultlint.urls import (
    HostSettings,
    UrlConfigError,
    UrlSettings,
    url_settings_from_mapping,
)


def test_defaults() -> None:
    s = UrlSettings()
    assert s.per_host_concurrency == 4
    assert s.timeout == 10.0
    assert s.accept_statuses == frozenset(range(200, 300))
    assert s.user_agent.startswith("vaultlint/")
    assert not s.allow_private
    assert s.cache_max_age == 7 * 86400
    assert url_settings_from_mapping({}, "x.toml") == s


def test_full_table() -> None:
    s = url_settings_from_mapping(
        {
            "timeout": 5,
            "connect-timeout": 2.5,
            "max-concurrency": 8,
            "per-host-concurrency": 2,
            "per-host-interval": 0.5,
            "retries": 0,
            "max-redirects": 3,
            "max-retry-after": 10,
            "accept-statuses": ["200-299", 403],
            "exclude": ["^https://internal\\."],
            "user-agent": "my agent",
            "allow-private": True,
            "cache-max-age-days": 1.5,
            "hosts": {
                "Example.COM": {
                    "concurrency": 1,
                    "interval": 2,
                    "headers": {"Authorization": "Bearer x"},
                    "accept-statuses": [200, "429"],
                }
            },
        },
        "vault/.vaultlint.toml",
    )
    assert s.timeout == 5.0 and s.connect_timeout == 2.5
    assert s.max_concurrency == 8 and s.per_host_concurrency == 2 and s.per_host_interval == 0.5
    assert s.retries == 0 and s.max_redirects == 3 and s.max_retry_after == 10.0
    assert s.accept_statuses == frozenset(range(200, 300)) | {403}
    assert s.exclude == ("^https://internal\\.",)
    assert s.user_agent == "my agent" and s.allow_private
    assert s.cache_max_age == 1.5 * 86400
    host = s.host("example.com")
    assert host == HostSettings(
        concurrency=1, interval=2.0, headers=host.headers, accept_statuses=frozenset({200, 429})
    )
    assert dict(host.headers) == {"Authorization": "Bearer x"}
    assert s.host("other.com") == HostSettings()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"timout": 5}, "cfg.toml: [urls] timout: unknown key"),
        ({"timeout": "5"}, "cfg.toml: [urls] timeout: expected a positive number of seconds, got '5'"),
        ({"timeout": 0}, "cfg.toml: [urls] timeout: expected a positive number"),
        ({"retries": True}, "cfg.toml: [urls] retries: expected an integer >= 0, got True"),
        ({"retries": 1.5}, "cfg.toml: [urls] retries: expected an integer >= 0"),
        ({"max-concurrency": 0}, "cfg.toml: [urls] max-concurrency: expected an integer >= 1"),
        ({"allow-private": "yes"}, "cfg.toml: [urls] allow-private: expected true or false"),
        ({"accept-statuses": [200, 1000]}, "cfg.toml: [urls] accept-statuses: expected a list of HTTP status codes"),
        ({"accept-statuses": "200"}, "cfg.toml: [urls] accept-statuses: expected a list"),
        ({"exclude": ["("]}, "cfg.toml: [urls] exclude: invalid regular expression '('"),
        ({"exclude": "x"}, "cfg.toml: [urls] exclude: expected a list of regular expressions"),
        ({"user-agent": "a\nb"}, "cfg.toml: [urls] user-agent: expected a non-empty string"),
        ({"cache-max-age-days": -1}, "cfg.toml: [urls] cache-max-age-days: expected a number of days"),
        ({"hosts": {"a.com": {"concurency": 1}}}, 'cfg.toml: [urls] hosts."a.com".concurency: unknown key'),
        (
            {"hosts": {"a.com": {"concurrency": 0}}},
            'cfg.toml: [urls] hosts."a.com".concurrency: expected an integer >= 1',
        ),
        (
            {"hosts": {"a.com": {"headers": {"X": 1}}}},
            'cfg.toml: [urls] hosts."a.com".headers.X: expected a header value',
        ),
        (
            {"hosts": {"a.com": {"headers": {"Bad Name": "v"}}}},
            'cfg.toml: [urls] hosts."a.com".headers: expected a valid header name',
        ),
        ({"hosts": {"a.com": 3}}, 'cfg.toml: [urls] hosts."a.com": expected a table'),
        ({"hosts": {"no host!": {}}}, "cfg.toml: [urls] hosts: expected host names as keys"),
    ],
)
def test_errors_name_file_and_key(table: dict, message: str) -> None:
    with pytest.raises(UrlConfigError) as info:
        url_settings_from_mapping(table, "cfg.toml")
    assert str(info.value).startswith(message), str(info.value)


def test_settings_are_frozen() -> None:
    s = UrlSettings()
    with pytest.raises(AttributeError):
        s.timeout = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        s.hosts["x"] = HostSettings()  # type: ignore[index]


def test_importing_the_api_does_not_import_httpx() -> None:
    # Start-up stays lean: httpx is loaded only when URLs are actually checked.
    import os
    import subprocess
    import sys
    from pathlib import Path

    src = str(Path(__file__).resolve().parents[2] / "src")
    code = (
        "import sys, vaultlint.urls as u; u.url_settings_from_mapping({'timeout': 3}, 'x'); "
        "print('httpx' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_summary_line() -> None:
    from vaultlint.urls import UrlSummary

    s = UrlSummary(10, 6, 2, 1, 1, 4, 3.25, False)
    assert s.line() == "URLs: 10 checked, 6 ok, 2 dead, 1 unverifiable, 1 redirected, 4 from cache, 3.2 s"
    assert UrlSummary(0, 0, 0, 0, 0, 0, 0.5, True).line() == "URLs: network unavailable, none checked (0.5 s)"
