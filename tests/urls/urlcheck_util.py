"""Small helpers shared by the URL checker tests."""

from __future__ import annotations

from vaultlint.model import ExternalUrl, Span, UrlOrigin
from vaultlint.urls import UrlFinding, UrlReport, UrlSettings

#: Small numbers so the suite is quick; allow_private to reach 127.x servers.
FAST = UrlSettings(
    timeout=1.0,
    connect_timeout=0.5,
    retries=2,
    retry_backoff=0.05,
    max_retry_after=5.0,
    allow_private=True,
)


def occ(url: str, line: int = 1, column: int = 1) -> ExternalUrl:
    return ExternalUrl(url=url, span=Span(line, column, line, column + len(url)), origin=UrlOrigin.BARE)


def occs(*urls: str, path: str = "note.md") -> list[tuple[str, ExternalUrl]]:
    return [(path, occ(u, line=i + 1)) for i, u in enumerate(urls)]


def by_url(report: UrlReport) -> dict[str, list[UrlFinding]]:
    """Findings keyed by the URL named in their message."""
    out: dict[str, list[UrlFinding]] = {}
    for f in report.findings:
        url = f.violation.message.split('"')[1]
        out.setdefault(url, []).append(f)
    return out


def codes(report: UrlReport) -> dict[str, str]:
    """URL -> code (asserting all occurrences of a URL agree)."""
    out: dict[str, str] = {}
    for url, fs in by_url(report).items():
        assert len({f.code for f in fs}) == 1, fs
        out[url] = fs[0].code
    return out
