"""From one response or one error to what happens next: a verdict, a redirect, a retry.

Pure functions (the clock is a parameter), so every rule of the verdict table
is tested without a server.  The guiding rule: only a definitive answer makes a
URL dead (UR001); anything that might be our fault, the network's or a bot
wall's is "unverifiable" (UR002) with the reason, so CI does not fail on it.
"""

from __future__ import annotations

import asyncio
import enum
import errno
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http import HTTPStatus

import httpx

from .fetch import ORIGINAL, DnsLookupFailed, Reply
from .safety import PrivateAddressRefused


class Kind(enum.Enum):
    OK = "ok"
    REDIRECTED = "redirected"  # ok, but permanently moved (UR003)
    DEAD = "dead"  # UR001
    UNVERIFIABLE = "unverifiable"  # UR002
    MALFORMED = "malformed"  # UR004
    #: Not checked: a private address, or no network at all.  No finding.
    SKIPPED = "skipped"


@dataclass(frozen=True)
class Verdict:
    kind: Kind
    #: Completes the message: 'dead URL "…": {reason}'.
    reason: str = ""
    #: For REDIRECTED: where the URL now lives.
    final_url: str | None = None
    #: A failure that is also what "no network at all" looks like (DNS failure,
    #: refused or unreachable connection).  When no connection at all succeeded
    #: in a run, such verdicts become "not checked" instead of dead.
    network_level: bool = False
    #: Narrower: what a machine with no network at all sees first (temporary DNS
    #: failure, timeouts, unreachable).  A refused connection or an unknown name
    #: needs someone to answer, so they are network-level but not this.
    no_network: bool = False
    #: For SKIPPED: why, for the warning.
    skipped_because: str = ""
    #: For OK with ``check-fragments``: the page's anchors (ids and names), or
    #: None when the page gives no verdict (not HTML, built by script, too big).
    anchors: frozenset[str] | None = None


OK = Verdict(Kind.OK)


# --------------------------------------------------------------------------
# Step outcomes


@dataclass(frozen=True)
class Done:
    verdict: Verdict


@dataclass(frozen=True)
class Follow:
    location: str
    permanent: bool
    status: int


@dataclass(frozen=True)
class Retry:
    """A transient failure: try again later, or give ``verdict`` when out of tries."""

    verdict: Verdict
    #: Seconds the server asked us to wait (Retry-After); pauses the whole host.
    retry_after: float | None = None
    #: 429 / 503-with-Retry-After: the host wants fewer requests.
    rate_limited: bool = False
    #: Timeouts are expensive and rarely cured by waiting: retried at most once.
    timeout: bool = False


@dataclass(frozen=True)
class HeadFailed:
    """HEAD gave no usable answer; never trusted for a failure, so ask again with GET."""

    status: int


Step = Done | Follow | Retry | HeadFailed

_REDIRECTS = {301, 302, 303, 307, 308}
_PERMANENT = {301, 308}


def describe(status: int, phrase: str = "") -> str:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = phrase.strip()
    return f"{status} {phrase}".strip()


def classify_reply(reply: Reply, *, method: str, accept: frozenset[int], now: float) -> Step:
    """What one HTTP answer means.  ``now`` is the wall-clock time (for HTTP-date)."""
    status = reply.status
    headers = reply.headers
    if status in accept:
        return Done(OK)
    if status in _REDIRECTS:
        location = headers.get("location")
        if location:
            return Follow(location, status in _PERMANENT, status)
        return Done(Verdict(Kind.UNVERIFIABLE, f"redirect without a Location ({describe(status)})"))
    retry_after = parse_retry_after(headers.get("retry-after"), now)
    if method == "HEAD":
        if status == 429 or (status == 503 and retry_after is not None):
            # A push-back, whatever the method: asking again at once with GET
            # would be exactly what the server asked us not to do.
            return Retry(
                Verdict(Kind.UNVERIFIABLE, f"rate limited ({status})" if status == 429 else "server error (503)"),
                retry_after=retry_after,
                rate_limited=True,
            )
        # Plenty of servers answer HEAD with 404, 405, 501 or a wall while GET works.
        return HeadFailed(status)
    wall = bot_wall(status, headers, reply.body)
    if wall:
        return Done(Verdict(Kind.UNVERIFIABLE, f"bot wall ({status}, {wall})"))
    if status in (404, 410):
        return Done(Verdict(Kind.DEAD, describe(status, reply.reason)))
    if status == 429:
        return Retry(
            Verdict(Kind.UNVERIFIABLE, "rate limited (429)"),
            retry_after=retry_after,
            rate_limited=True,
        )
    if status == 999:  # LinkedIn and others: "not for robots"
        return Done(Verdict(Kind.UNVERIFIABLE, "blocked (999)"))
    if status >= 500:
        return Retry(
            Verdict(Kind.UNVERIFIABLE, f"server error ({describe(status, reply.reason)})"),
            retry_after=retry_after,
            rate_limited=status == 503 and retry_after is not None,
        )
    if status == 401:
        return Done(Verdict(Kind.UNVERIFIABLE, f"requires authentication ({describe(status)})"))
    if status == 403:
        return Done(Verdict(Kind.UNVERIFIABLE, f"forbidden ({describe(status)})"))
    return Done(Verdict(Kind.UNVERIFIABLE, f"unexpected status {describe(status, reply.reason)}"))


# Markers of interstitial pages that answer robots instead of the page.
_WALL_HEADERS = (
    ("cf-mitigated", "cf-mitigated"),
    ("x-datadome", "DataDome"),
    ("x-amzn-waf-action", "AWS WAF"),
)
_WALL_BODIES = (
    (b"cf-chl-", "Cloudflare challenge"),
    (b"challenge-platform", "Cloudflare challenge"),
    (b"<title>just a moment...</title>", "Cloudflare challenge"),
    (b"attention required! | cloudflare", "Cloudflare challenge"),
    (b"captcha-delivery.com", "DataDome"),
    (b"_incapsula_resource", "Incapsula"),
)


def bot_wall(status: int, headers: httpx.Headers, body: bytes) -> str | None:
    """The name of the bot wall that answered, if this looks like one."""
    if status not in (403, 429, 503):
        return None
    for header, name in _WALL_HEADERS:
        if header in headers:
            return name
    lowered = body[:65536].lower()
    for marker, name in _WALL_BODIES:
        if marker in lowered:
            return name
    return None


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²" is a digit to isdigit, not to float
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now)


# --------------------------------------------------------------------------
# Errors


def classify_error(exc: BaseException, *, timeout: float, connect_timeout: float) -> Step:
    """What a failed request means.  Private-address refusals are handled by the caller."""
    if isinstance(exc, DnsLookupFailed):
        if exc.definitive:
            return Done(Verdict(Kind.DEAD, f'unknown host "{exc.host}"', network_level=True))
        return Retry(Verdict(Kind.UNVERIFIABLE, f"DNS lookup failed ({exc})", network_level=True, no_network=True))
    if isinstance(exc, httpx.ConnectTimeout):
        return Retry(
            Verdict(
                Kind.UNVERIFIABLE,
                f"connection timed out after {connect_timeout:g} s",
                network_level=True,
                no_network=True,
            ),
            timeout=True,
        )
    if isinstance(exc, (asyncio.TimeoutError, httpx.TimeoutException)):
        return Retry(Verdict(Kind.UNVERIFIABLE, f"timed out after {timeout:g} s"), timeout=True)
    tls = _find(exc, ssl.SSLError)
    if tls is not None:
        # Definitive for this run: retrying does not fix a certificate.
        return Done(Verdict(Kind.UNVERIFIABLE, f"TLS error: {_tls_reason(tls)}"))
    if isinstance(exc, httpx.ConnectError):
        code = _errno(exc)
        if code == errno.ECONNREFUSED:
            return Retry(Verdict(Kind.DEAD, "connection refused", network_level=True))
        if code in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            what = "network unreachable" if code == errno.ENETUNREACH else "host unreachable"
            return Retry(Verdict(Kind.UNVERIFIABLE, what, network_level=True, no_network=True))
        return Retry(
            Verdict(Kind.UNVERIFIABLE, f"connection failed ({_short(exc)})", network_level=True, no_network=True)
        )
    if isinstance(exc, httpx.RemoteProtocolError) and str(exc).startswith(_BAD_LOCATION):
        # httpx reads the Location of every redirect, followed or not, and refuses one it
        # cannot parse (a port of 5,000 digits): the server answered, with a broken redirect.
        reason = str(exc)[len(_BAD_LOCATION) :].strip(" :.")
        return Done(Verdict(Kind.UNVERIFIABLE, f"redirected to a malformed URL ({_short_text(reason)})"))
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError)):
        code = _errno(exc)
        if code == errno.ECONNRESET or isinstance(exc, httpx.ReadError):
            return Retry(Verdict(Kind.UNVERIFIABLE, "connection reset"))
        return Retry(Verdict(Kind.UNVERIFIABLE, f"server closed the connection ({_short(exc)})"))
    if isinstance(exc, (httpx.InvalidURL, httpx.UnsupportedProtocol, httpx.LocalProtocolError)):
        return Done(Verdict(Kind.MALFORMED, _short(exc)))
    if isinstance(exc, httpx.HTTPError):
        return Retry(Verdict(Kind.UNVERIFIABLE, f"request failed ({_short(exc)})"))
    if isinstance(exc, OSError):
        return Retry(Verdict(Kind.UNVERIFIABLE, f"request failed ({_short(exc)})", network_level=True, no_network=True))
    raise exc  # a bug, not a verdict: let it surface


def private_refusal(exc: PrivateAddressRefused, *, first_hop: bool) -> Verdict:
    if first_hop:
        return Verdict(Kind.SKIPPED, skipped_because="private address")
    return Verdict(Kind.UNVERIFIABLE, f"redirected to a private address ({exc.address}), not followed")


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, its causes and contexts, and members of exception groups."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo.extend(x for x in (e.__cause__, e.__context__, getattr(e, ORIGINAL, None)) if x is not None)
        todo.extend(getattr(e, "exceptions", ()) or ())


def _find(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    return next((e for e in _chain(exc) if isinstance(e, kind)), None)


def _errno(exc: BaseException) -> int | None:
    for e in _chain(exc):
        if isinstance(e, OSError) and isinstance(e.errno, int) and e.errno > 0:
            return e.errno
    return None


def _tls_reason(exc: BaseException) -> str:
    message = getattr(exc, "verify_message", None)  # set only by a real handshake
    if isinstance(exc, ssl.SSLCertVerificationError) and message:
        return f"certificate verify failed: {message}"
    reason = getattr(exc, "reason", None)
    return (str(reason) if reason else _short(exc)).replace("_", " ").lower()


#: How httpx starts the error for a redirect whose Location is no URL.
_BAD_LOCATION = "Invalid URL in location header"


def _short(exc: BaseException) -> str:
    return _short_text(str(exc).strip() or type(exc).__name__)


def _short_text(text: str) -> str:
    return text if len(text) <= 120 else text[:117] + "..."
