"""One URL-check run: occurrences in, verdicts per unique URL out, then findings.

Kept apart from ``__init__`` so that importing :mod:`vaultlint.urls` (for the
settings and the result types) does not import httpx.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpcore
import httpx

from ..model import ExternalUrl, Violation
from . import UrlFinding, UrlReport, UrlSummary, malformed_message, network_warning
from .cache import CachedResult, UrlCache
from .classify import Kind, Verdict
from .fetch import DnsLookupFailed
from .fragments import fragment_of, names_an_anchor
from .normalize import Malformed, Target, normalize
from .progress import Progress
from .scheduler import Scheduler, configured_headers, slow_host_reason
from .settings import UrlSettings


@dataclass
class RunResult:
    #: (path, occurrence, key) for well-formed URLs, (path, occurrence, Malformed) otherwise.
    occurrences: list[tuple[str, ExternalUrl, str | Malformed]] = field(default_factory=list)
    verdicts: dict[str, Verdict] = field(default_factory=dict)
    from_cache: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    network_unavailable: bool = False
    not_checked_offline: int = 0


async def run(
    occurrences: Sequence[tuple[str, ExternalUrl]],
    settings: UrlSettings,
    *,
    cache_dir: Path | None,
    progress: bool,
) -> RunResult:
    result = RunResult()
    asyncio.get_running_loop().set_exception_handler(_quiet_network_noise)
    excludes = [re.compile(p) for p in settings.exclude]
    targets: dict[str, Target] = {}
    for path, occ in occurrences:
        if any(p.search(occ.url) for p in excludes):
            continue
        target = normalize(occ.url)
        if target is None:
            continue  # ftp:, mailto: and friends are not ours to fetch
        if isinstance(target, Malformed):
            result.occurrences.append((path, occ, target))
            continue
        targets.setdefault(target.key, target)
        result.occurrences.append((path, occ, target.key))

    policies = {key: _policy(settings, t) for key, t in targets.items()}
    # With check-fragments, a page some note links into with a #fragment is read
    # for its anchors: the cache knows only that the page was fine, not its anchors.
    anchors_for = (
        frozenset(key for _, occ, key in result.occurrences if isinstance(key, str) and fragment_of(occ.url))
        if settings.check_fragments
        else frozenset()
    )
    cache = UrlCache.open(cache_dir) if cache_dir is not None else None
    fresh: dict[str, Verdict] = {}
    try:
        if cache is not None:
            cachable = {k: t for k, t in targets.items() if k not in anchors_for}
            for key, hit in cache.lookup(cachable, policies, time.time(), settings.cache_max_age).items():
                result.verdicts[key] = (
                    Verdict(Kind.REDIRECTED, final_url=hit.final_url) if hit.kind == "redirected" else Verdict(Kind.OK)
                )
                result.from_cache.add(key)
        todo = {k: t for k, t in targets.items() if k not in result.verdicts}
        bar = Progress(len(todo), enabled=progress)
        scheduler = Scheduler(settings, bar)
        try:
            # The scheduler fills ``results`` as it goes, so a run cancelled by
            # Ctrl-C still hands what it learnt to the cache below.
            fresh = scheduler.results
            if todo:
                await scheduler.run(todo, anchors_for=anchors_for)
        finally:
            bar.close()

        # No connection at all, yet failures that look like a missing network:
        # that is a machine without internet, not a vault full of dead links.
        if todo and scheduler.stats.connections == 0:
            lost = [k for k, v in fresh.items() if v.network_level]
            if lost:
                result.network_unavailable = True
                for k in lost:
                    fresh[k] = Verdict(Kind.SKIPPED, skipped_because="network unavailable")
                result.not_checked_offline = len(lost)
                result.warnings.append(network_warning(len(lost)))
        for host, n in sorted(scheduler.stats.gave_up_on.items()):
            result.warnings.append(f"{slow_host_reason(host)}: {n} URL{'s' if n != 1 else ''} given up on (UR002)")
        if scheduler.stats.out_of_time:
            result.warnings.append(
                f"the URL check stopped at its time limit (max-run-time = {settings.max_run_time:g} s); "
                "URLs not checked by then are UR002"
            )
        result.verdicts.update(fresh)
    finally:
        if cache is not None:
            # Also on the way out of a cancelled run: keep what was learnt.
            try:
                _store(cache, fresh, policies, settings)
            finally:
                cache.close()
                result.warnings[:0] = cache.warnings

    private = sum(1 for v in result.verdicts.values() if v.skipped_because == "private address")
    if private:
        result.warnings.append(
            f"{private} URL{'s' if private != 1 else ''} not checked: loopback, private or "
            "link-local address (--allow-private-urls, or allow-private = true in [urls], checks them)"
        )
    return result


def _store(cache: UrlCache, fresh: dict[str, Verdict], policies: dict[str, str], settings: UrlSettings) -> None:
    """Successes into the cache; failures out of it (they are checked again next time)."""
    good = {
        k: CachedResult("redirected" if v.kind is Kind.REDIRECTED else "ok", v.final_url)
        for k, v in fresh.items()
        if v.kind in (Kind.OK, Kind.REDIRECTED)
    }
    cache.store(good, policies, settings.cache_max_age, time.time())
    cache.forget(k for k, v in fresh.items() if v.kind in (Kind.DEAD, Kind.UNVERIFIABLE))


def _quiet_network_noise(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Network failures nobody waits for any more (a lookup or connection that failed
    after the run moved on) are not the user's business: asyncio would print each
    with a traceback.  Anything else still goes to asyncio's default handler."""
    exc = context.get("exception")
    if isinstance(exc, (OSError, DnsLookupFailed, httpx.HTTPError, httpcore.NetworkError, asyncio.CancelledError)):
        return
    loop.default_exception_handler(context)


def _policy(settings: UrlSettings, target: Target) -> str:
    """What a cached success depends on besides the URL: change it and the entry is stale."""
    host = settings.host(target.host)
    accept = host.accept_statuses if host.accept_statuses is not None else settings.accept_statuses
    text = repr((sorted(accept), sorted(configured_headers(settings, target).items()), settings.allow_private))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def build_report(result: RunResult, *, seconds: float) -> UrlReport:
    findings: list[UrlFinding] = []
    for path, occ, key in result.occurrences:
        if isinstance(key, Malformed):
            findings.append(_finding(path, occ, "UR004", malformed_message(occ.url, key.reason)))
            continue
        verdict = result.verdicts.get(key)
        if verdict is None:
            continue
        if verdict.kind is Kind.DEAD:
            findings.append(_finding(path, occ, "UR001", f'dead URL "{occ.url}": {verdict.reason}'))
        elif verdict.kind is Kind.UNVERIFIABLE:
            findings.append(_finding(path, occ, "UR002", f'unverifiable URL "{occ.url}": {verdict.reason}'))
        elif verdict.kind is Kind.REDIRECTED and verdict.final_url:
            final = _with_fragment(verdict.final_url, occ.url)
            findings.append(
                _finding(
                    path,
                    occ,
                    "UR003",
                    f'redirected URL "{occ.url}": permanently moved to "{final}"',
                    hint=f'replace it with "{final}"',
                )
            )
        elif verdict.kind is Kind.MALFORMED:
            findings.append(_finding(path, occ, "UR004", f'malformed URL "{occ.url}": {verdict.reason}'))
        fragment = fragment_of(occ.url)
        if verdict.anchors is not None and fragment is not None and not names_an_anchor(fragment, verdict.anchors):
            findings.append(
                _finding(
                    path,
                    occ,
                    "UR005",
                    f'missing fragment in URL "{occ.url}": the page has no element with id or name "{fragment}"',
                )
            )
    findings.sort(key=lambda f: (f.path, f.violation.span, f.code, f.violation.message))

    counted = [v for v in result.verdicts.values() if v.kind in _COUNTED]
    kinds = [v.kind for v in counted]
    summary = UrlSummary(
        checked=len(counted),
        ok=kinds.count(Kind.OK),
        dead=kinds.count(Kind.DEAD),
        unverifiable=kinds.count(Kind.UNVERIFIABLE),
        redirected=kinds.count(Kind.REDIRECTED),
        from_cache=len(result.from_cache),
        seconds=round(seconds, 3),
        network_unavailable=result.network_unavailable,
        not_checked_offline=result.not_checked_offline,
    )
    return UrlReport(tuple(findings), summary, tuple(result.warnings))


_COUNTED = (Kind.OK, Kind.DEAD, Kind.UNVERIFIABLE, Kind.REDIRECTED)


def _finding(path: str, occ: ExternalUrl, code: str, message: str, hint: str | None = None) -> UrlFinding:
    return UrlFinding(
        path=path,
        code=code,
        violation=Violation(span=occ.span, message=message, hint=hint, in_comment=occ.in_comment),
    )


def _with_fragment(final: str, written: str) -> str:
    """Keep the fragment the note wrote when suggesting the new URL."""
    _, hash_, fragment = written.partition("#")
    if hash_ and "#" not in final:
        return f"{final}#{fragment}"
    return final
