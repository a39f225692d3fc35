"""Normalisation: one key per resource, malformed URLs named with a reason."""

from __future__ import annotations

import pytest

from vaultlint.urls.normalize import Malformed, Target, normalize


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("HTTP://Example.COM/a", "http://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com", "http://example.com/"),
        ("http://example.com/a#frag", "http://example.com/a"),
        ("http://example.com/a?x=1#frag", "http://example.com/a?x=1"),
        ("http://example.com/%7e", "http://example.com/%7E"),
        ("https://de.wikipedia.org/wiki/Köln", "https://de.wikipedia.org/wiki/K%C3%B6ln"),
        ("http://bücher.example/", "http://xn--bcher-kva.example/"),
        ("http://[::1]:8080/x", "http://[0:0:0:0:0:0:0:1]:8080/x"),
    ],
)
def test_same_key(a: str, b: str) -> None:
    ta, tb = normalize(a), normalize(b)
    assert isinstance(ta, Target) and isinstance(tb, Target)
    assert ta.key == tb.key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("http://example.com/a", "http://example.com/A"),
        ("http://example.com/?x=1&y=2", "http://example.com/?y=2&x=1"),
        ("http://example.com/", "https://example.com/"),
        ("http://example.com:8080/", "http://example.com/"),
    ],
)
def test_different_keys(a: str, b: str) -> None:
    ta, tb = normalize(a), normalize(b)
    assert isinstance(ta, Target) and isinstance(tb, Target)
    assert ta.key != tb.key


def test_target_fields() -> None:
    t = normalize("https://User:pw@Example.com:8443/p?q#f")
    assert isinstance(t, Target)
    assert (t.scheme, t.host, t.port) == ("https", "example.com", 8443)
    assert t.key == "https://User:pw@example.com:8443/p?q"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://exa mple.com/", "contains a space"),
        ("http://example.com/a b", "contains a space"),
        ("http://example.com:99999/", 'invalid port "99999"'),
        ("http://example.com:0/", 'invalid port "0"'),
        ("http://example.com:8x/", 'invalid port "8x"'),
        ("http://ex!ample.com/", 'invalid host "ex!ample.com"'),
        ("http://example..com/", 'invalid host "example..com"'),
        ("http:///path", "no host"),
        ("http://", "no host"),
        ("http:example.com", 'no "//" after "http:"'),
        ("http://[::1/", 'unclosed "[" in host'),
        ("http://[zz::1]/", 'invalid host "[zz::1]"'),
        ("http://999.1.1.1/", 'invalid host "999.1.1.1"'),
        ("http://a\x01b.com/", "contains a control character"),
    ],
)
def test_malformed(url: str, reason: str) -> None:
    assert normalize(url) == Malformed(reason)


@pytest.mark.parametrize("url", ["ftp://example.com/x", "mailto:a@b.c", "obsidian://open?vault=x"])
def test_other_schemes_are_not_fetched(url: str) -> None:
    assert normalize(url) is None


def test_underscore_host_is_accepted() -> None:
    # Not valid in DNS host names, but real (some CDNs) and browsers accept it.
    t = normalize("http://my_host.example.com/")
    assert isinstance(t, Target) and t.host == "my_host.example.com"
