"""The external URL checker (UR001-UR004).

The public API is small::

    report = check_urls([(note_path, external_url), ...], UrlSettings(), cache_dir=..., progress=...)
    report.findings   # UrlFinding(path, code, violation) for every occurrence with a problem
    report.summary    # counts over unique URLs, seconds, network_unavailable
    report.warnings   # one-line messages for the user (no network, cache rebuilt, ...)

What happens, in order:

1. Every occurrence is normalised (:mod:`.normalize`); malformed ones become
   UR004 at once, URLs matching an ``exclude`` pattern and non-http(s) URLs
   are skipped, and the rest are grouped by key, so each unique URL (fragment
   dropped) is requested once and every occurrence is reported at its own span.
2. Fresh successes come from the cache (:mod:`.cache`).
3. The rest are checked by :mod:`.scheduler` on one asyncio loop with one
   httpx client, under global and per-host limits.
0. A machine with no route to anywhere (no proxy either) is seen before httpx
   is imported: every URL is "not checked", one warning (:mod:`.offline`).
4. If not a single connection succeeded, the network is considered down:
   failures that look like "no network" (DNS, refused, unreachable) become
   "not checked" with one warning instead of UR001s.

Private addresses: a URL whose host is (or resolves to) a loopback, private,
link-local or otherwise non-public address is *not fetched and not reported*
unless ``allow_private`` is set; one warning counts them.  Notes are full of
``http://localhost:8080`` and router pages that are fine where they are used,
so a warning per occurrence would be noise.  A public URL that *redirects* to
such an address is reported UR002, since that URL itself could not be checked.

The caller decides which occurrences to pass (for example, without URLs in
comments unless ``check-comments``); ``ExternalUrl.in_comment`` is carried
into each :class:`~vaultlint.model.Violation` for the engine.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ..model import ExternalUrl, Violation
from .settings import (
    HostSettings,
    UrlConfigError,
    UrlSettings,
    url_settings_from_mapping,
)

__all__ = [
    "HostSettings",
    "UrlConfigError",
    "UrlFinding",
    "UrlReport",
    "UrlSettings",
    "UrlSummary",
    "check_urls",
    "clear_url_cache",
    "url_settings_from_mapping",
]

T = TypeVar("T")


@dataclass(frozen=True)
class UrlFinding:
    path: str
    code: str
    violation: Violation


@dataclass(frozen=True)
class UrlSummary:
    """Counts over unique URLs that got a verdict (``checked = ok + dead + unverifiable + redirected``).

    Malformed URLs, excluded ones and those not checked (private address, no
    network) are not counted in ``checked``.
    """

    checked: int
    ok: int
    dead: int
    unverifiable: int
    redirected: int
    from_cache: int
    seconds: float
    network_unavailable: bool
    #: Unique URLs not checked because the network is unavailable.
    not_checked_offline: int = 0

    def network_notice(self) -> str | None:
        """The one line that says the network was unavailable, or None: every output format shows it."""
        return network_warning(self.not_checked_offline) if self.network_unavailable else None

    def line(self) -> str:
        """The one-line summary the CLI prints after the report."""
        if self.network_unavailable and not self.checked:
            return f"URLs: network unavailable, none checked ({self.seconds:.1f} s)"
        return (
            f"URLs: {self.checked} checked, {self.ok} ok, {self.dead} dead, "
            f"{self.unverifiable} unverifiable, {self.redirected} redirected, "
            f"{self.from_cache} from cache, {self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class UrlReport:
    findings: tuple[UrlFinding, ...]
    summary: UrlSummary
    warnings: tuple[str, ...]


def check_urls(
    occurrences: Sequence[tuple[str, ExternalUrl]],
    settings: UrlSettings,
    *,
    cache_dir: Path | None,
    progress: bool,
) -> UrlReport:
    """Check every URL once and report every occurrence with a problem.

    Synchronous: runs its own asyncio loop (in a helper thread if the calling
    thread already runs one).  ``cache_dir=None`` disables the cache;
    ``progress=True`` draws a progress line on stderr (pass it only on a TTY).
    """
    started = time.monotonic()
    offline = _without_a_network(occurrences, settings, started)
    if offline is not None:
        return offline

    from . import _run  # httpx is imported only from here on

    result = _run_sync(_run.run(occurrences, settings, cache_dir=cache_dir, progress=progress))
    return _run.build_report(result, seconds=time.monotonic() - started)


def _without_a_network(
    occurrences: Sequence[tuple[str, ExternalUrl]], settings: UrlSettings, started: float
) -> UrlReport | None:
    """The report of a machine with no route anywhere (see :mod:`.offline`), or None."""
    from .offline import count_checkable, may_be_local, no_route_to_the_internet

    if not occurrences or not no_route_to_the_internet() or may_be_local(occurrences, settings):
        return None
    n, malformed = count_checkable(occurrences, settings)
    findings = tuple(
        UrlFinding(path, "UR004", Violation(occ.span, malformed_message(occ.url, m.reason), in_comment=occ.in_comment))
        for path, occ, m in malformed
    )
    seconds = round(time.monotonic() - started, 3)
    summary = UrlSummary(0, 0, 0, 0, 0, 0, seconds, network_unavailable=bool(n), not_checked_offline=n)
    warnings = (network_warning(n),) if n else ()
    return UrlReport(findings, summary, warnings)


def network_warning(n: int) -> str:
    return f"network unavailable: {n} URL{'s' if n != 1 else ''} not checked"


def malformed_message(url: str, reason: str) -> str:
    return f'malformed URL "{url}": {reason}'


def clear_url_cache(cache_dir: Path) -> None:
    """Delete the URL cache in ``cache_dir`` (``vaultlint clean``); no error if absent."""
    from .cache import clear

    clear(cache_dir)


def _run_sync(coro: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    # Called from inside a running loop (a notebook, an async host): a nested
    # asyncio.run is not allowed, so give the check a thread of its own.
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            box["error"] = exc

    thread = threading.Thread(target=target, name="vaultlint-urls")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    result: T = box["value"]
    return result
