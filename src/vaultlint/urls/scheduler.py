"""Check a set of unique URLs politely and fast: one loop, one client, per-host queues.

The unit of work is one request, not one URL.  A URL's check is a *job* that
moves between host queues: a redirect to another host puts the job in that
host's queue, a transient failure puts it back in its host's delayed heap, and
a host that asks us to slow down (429, or 503 with ``Retry-After``) is paused
as a whole.  No job ever sleeps inside a worker slot, so one slow or paused
host never holds up the others, and the per-host limits hold for every
request, redirect hops included, exactly as the server counts them.

The dispatcher is a single coroutine: start whatever may start now, then wait
for the first request to finish or the next moment a host becomes ready,
whichever comes first.  Every loop is bounded: each job ends after at most
``1 + retries`` transient failures (timeouts: 2), ``1 + retries`` rate-limit
answers, ``max_redirects`` hops and one HEAD-to-GET fallback per hop.
"""

from __future__ import annotations

import asyncio
import enum
import heapq
import itertools
import random
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from .classify import (
    Done,
    Follow,
    HeadFailed,
    Kind,
    Retry,
    Step,
    Verdict,
    classify_error,
    classify_reply,
    private_refusal,
)
from .fetch import GuardedBackend, Resolver, make_client, request_once
from .normalize import Malformed, Target, normalize
from .progress import Progress
from .safety import PrivateAddressRefused
from .settings import UrlSettings

#: A timeout costs a whole ``timeout`` and a second one rarely ends differently.
_MAX_TIMEOUT_RETRIES = 1
#: Spacing between requests to a host that answered 429, doubled on every
#: further push-back up to the maximum.
_RATE_LIMITED_INTERVAL = 0.25
_MAX_INTERVAL = 5.0


class HeadState(enum.Enum):
    """What we know about a host's HEAD answers (learned, never assumed)."""

    UNKNOWN = "unknown"  # use GET until one GET has succeeded
    READY = "ready"  # a GET succeeded: the next request may probe with HEAD
    PROBING = "probing"  # one HEAD probe in flight; others still GET
    GOOD = "good"  # HEAD answered like GET: use HEAD
    BAD = "bad"  # HEAD did not: GET only


@dataclass(eq=False)
class Job:
    """One unique URL's check, as it moves from hop to hop."""

    key: str  # normalised URL as written: the result and cache key
    target: Target  # the hop being requested now
    credentials_origin: tuple[str, str, int] | None
    hop: int = 0
    failures: int = 0
    timeouts: int = 0
    rate_limits: int = 0
    #: GET after a HEAD on this hop gave no usable answer.
    force_get: bool = False
    head_failed: bool = False
    visited: set[tuple[str, str]] = field(default_factory=set)
    #: While every hop so far was permanent, where the URL now lives.
    permanent_target: str | None = None
    all_permanent: bool = True
    cookies: httpx.Cookies = field(default_factory=httpx.Cookies)


@dataclass(eq=False)
class Host:
    name: str
    limit: int
    interval: float
    accept: frozenset[int]
    headers: Mapping[str, str]
    queue: deque[Job] = field(default_factory=deque)
    delayed: list[tuple[float, int, Job]] = field(default_factory=list)
    in_flight: int = 0
    next_start: float = 0.0
    paused_until: float = 0.0
    head: HeadState = HeadState.UNKNOWN
    #: Set when the host asked for a longer pause than we wait: every URL of it
    #: gets this verdict without another request.
    gave_up: Verdict | None = None

    @property
    def ready_at(self) -> float:
        return max(self.next_start, self.paused_until)

    @property
    def has_work(self) -> bool:
        return bool(self.queue or self.delayed)


@dataclass
class RunStats:
    connections: int = 0
    requests: int = 0


class Scheduler:
    def __init__(self, settings: UrlSettings, progress: Progress) -> None:
        self.settings = settings
        self.progress = progress
        self.results: dict[str, Verdict] = {}
        self.stats = RunStats()
        self._hosts: dict[str, Host] = {}
        self._tasks: set[asyncio.Task[tuple[Host, Job, str, Step]]] = set()
        self._in_flight = 0
        self._unfinished = 0
        self._seq = itertools.count()
        self._rotate = 0
        self._client: httpx.AsyncClient | None = None

    # -- public ------------------------------------------------------------

    async def run(self, targets: Mapping[str, Target]) -> dict[str, Verdict]:
        for key, target in targets.items():
            job = Job(key=key, target=target, credentials_origin=_credentials_origin(target))
            job.visited.add((target.key, ""))
            self._host(target.host).queue.append(job)
            self._unfinished += 1
        backend = GuardedBackend(Resolver(), allow_private=self.settings.allow_private, on_connect=self._connected)
        loop = asyncio.get_running_loop()
        async with make_client(self.settings, backend) as client:
            self._client = client
            try:
                while self._unfinished > 0:
                    now = loop.time()
                    self._dispatch(now)
                    if self._unfinished == 0:
                        break  # dispatch itself can finish jobs (a host we gave up on)
                    wake = self._next_wake(now)
                    if not self._tasks:
                        if wake is None:  # pragma: no cover - would be a scheduler bug
                            raise RuntimeError("URL scheduler stalled with work left")
                        await asyncio.sleep(wake)
                    else:
                        done, _ = await asyncio.wait(self._tasks, timeout=wake, return_when=asyncio.FIRST_COMPLETED)
                        for task in done:
                            self._tasks.discard(task)
                            self._complete(*task.result(), now=loop.time())
                    self.progress.tick()
            finally:
                for task in self._tasks:
                    task.cancel()
                if self._tasks:
                    await asyncio.gather(*self._tasks, return_exceptions=True)
                self._client = None
        return self.results

    # -- bookkeeping -------------------------------------------------------

    def _connected(self, host: str) -> None:
        self.stats.connections += 1

    def _host(self, name: str) -> Host:
        host = self._hosts.get(name)
        if host is None:
            s = self.settings
            o = s.host(name)
            host = Host(
                name=name,
                limit=max(1, o.concurrency if o.concurrency is not None else s.per_host_concurrency),
                interval=o.interval if o.interval is not None else s.per_host_interval,
                accept=o.accept_statuses if o.accept_statuses is not None else s.accept_statuses,
                headers=o.headers,
            )
            self._hosts[name] = host
        return host

    def _finish(self, job: Job, verdict: Verdict) -> None:
        self.results[job.key] = verdict
        self._unfinished -= 1
        self.progress.advance(failed=verdict.kind in (Kind.DEAD, Kind.UNVERIFIABLE))

    # -- dispatch ----------------------------------------------------------

    def _dispatch(self, now: float) -> None:
        hosts = [h for h in self._hosts.values() if h.has_work]
        if not hosts:
            return
        # Rotate the starting host so the global limit is shared round-robin.
        self._rotate = (self._rotate + 1) % len(hosts)
        for host in hosts[self._rotate :] + hosts[: self._rotate]:
            while host.delayed and host.delayed[0][0] <= now:
                # A retry has waited its turn once already: it goes first, so a
                # slow URL's second attempt does not queue behind the whole host.
                host.queue.appendleft(heapq.heappop(host.delayed)[2])
            if host.gave_up is not None:
                while host.queue:
                    self._finish(host.queue.popleft(), host.gave_up)
                while host.delayed:
                    self._finish(heapq.heappop(host.delayed)[2], host.gave_up)
                continue
            while (
                host.queue
                and self._in_flight < self.settings.max_concurrency
                and host.in_flight < host.limit
                and host.ready_at <= now
            ):
                job = host.queue.popleft()
                method = self._choose_method(host, job)
                host.in_flight += 1
                self._in_flight += 1
                host.next_start = now + host.interval
                self.stats.requests += 1
                self._tasks.add(asyncio.ensure_future(self._step(host, job, method)))

    def _next_wake(self, now: float) -> float | None:
        """Seconds until some queued work may start for a reason other than a finished request."""
        wake: float | None = None
        for host in self._hosts.values():
            times = []
            if host.delayed:
                times.append(host.delayed[0][0])
            if host.queue and host.in_flight < host.limit and self._in_flight < self.settings.max_concurrency:
                times.append(host.ready_at)
            for t in times:
                wake = t if wake is None else min(wake, t)
        return None if wake is None else max(0.0, wake - now)

    def _choose_method(self, host: Host, job: Job) -> str:
        if job.force_get or job.failures:
            # A URL that already failed once needs a definitive answer, and a
            # HEAD can only ever confirm success: go straight to GET.
            return "GET"
        if host.head is HeadState.GOOD:
            return "HEAD"
        if host.head is HeadState.READY:
            host.head = HeadState.PROBING
            return "HEAD"
        return "GET"

    # -- one request -------------------------------------------------------

    async def _step(self, host: Host, job: Job, method: str) -> tuple[Host, Job, str, Step]:
        assert self._client is not None
        s = self.settings
        headers = dict(host.headers)
        cookie = _cookie_header(job.cookies, job.target.key)
        if cookie:
            headers["Cookie"] = cookie
        try:
            reply = await request_once(
                self._client, method, job.target.key, headers, timeout=s.timeout, body_cap=s.body_cap
            )
        except PrivateAddressRefused as exc:
            return host, job, method, Done(private_refusal(exc, first_hop=job.hop == 0))
        except Exception as exc:  # noqa: BLE001 - classify_error re-raises what it does not know
            return host, job, method, classify_error(exc, timeout=s.timeout, connect_timeout=s.connect_timeout)
        step = classify_reply(reply, method=method, accept=host.accept, now=time.time())
        if isinstance(step, Follow):
            job.cookies.extract_cookies(reply.response)
        return host, job, method, step

    # -- what happened -----------------------------------------------------

    def _complete(self, host: Host, job: Job, method: str, step: Step, *, now: float) -> None:
        host.in_flight -= 1
        self._in_flight -= 1
        self._learn_head(host, job, method, step)
        if isinstance(step, Done):
            self._done(job, step.verdict)
        elif isinstance(step, Follow):
            self._follow(job, step)
        elif isinstance(step, HeadFailed):
            job.force_get = True
            job.head_failed = True
            host.queue.appendleft(job)
        else:
            if method == "HEAD":
                job.force_get = True  # a HEAD never decides a failure, not even a transient one
            self._retry(host, job, step, now)

    def _learn_head(self, host: Host, job: Job, method: str, step: Step) -> None:
        ok = isinstance(step, Done) and step.verdict.kind is Kind.OK
        if method == "HEAD":
            if host.head is HeadState.PROBING:
                if ok:
                    host.head = HeadState.GOOD
                elif isinstance(step, Follow):
                    host.head = HeadState.READY  # inconclusive: let another URL probe
                else:
                    host.head = HeadState.BAD
        elif ok:
            if host.head is HeadState.UNKNOWN:
                host.head = HeadState.READY
            elif job.head_failed and host.head is HeadState.GOOD:
                # HEAD said no where GET says yes: this host's HEAD cannot be trusted.
                host.head = HeadState.BAD

    def _done(self, job: Job, verdict: Verdict) -> None:
        if verdict.kind is Kind.MALFORMED and job.hop > 0:
            # The note's URL is fine; the server's Location was not.
            verdict = Verdict(Kind.UNVERIFIABLE, f"redirected to an invalid URL ({verdict.reason})")
        if verdict.kind is Kind.OK and job.permanent_target is not None:
            verdict = Verdict(Kind.REDIRECTED, final_url=job.permanent_target)
        elif job.hop > 0 and verdict.kind in (Kind.DEAD, Kind.UNVERIFIABLE):
            verdict = Verdict(
                verdict.kind,
                f'{verdict.reason} (after redirect to "{_public_form(job.target.key)}")',
                network_level=verdict.network_level,
            )
        self._finish(job, verdict)

    def _follow(self, job: Job, step: Follow) -> None:
        try:
            location = str(httpx.URL(job.target.key).join(step.location))
        except (httpx.InvalidURL, ValueError):
            location = step.location
        nxt = normalize(location)
        if nxt is None:
            self._finish(job, Verdict(Kind.UNVERIFIABLE, f'redirected to a non-http URL "{location}"'))
            return
        if isinstance(nxt, Malformed):
            self._finish(job, Verdict(Kind.UNVERIFIABLE, f"redirected to a malformed URL ({nxt.reason})"))
            return
        nxt = _carry_credentials(nxt, job.credentials_origin, job.key)
        job.hop += 1
        if job.hop > self.settings.max_redirects:
            self._finish(job, Verdict(Kind.DEAD, f"too many redirects (more than {self.settings.max_redirects})"))
            return
        # A chain may legitimately revisit a URL once it holds a new cookie
        # (login and consent walls do), so a loop is the same URL *and* cookies.
        state = (nxt.key, _cookie_header(job.cookies, nxt.key))
        if state in job.visited:
            self._finish(job, Verdict(Kind.DEAD, "redirect loop"))
            return
        job.visited.add(state)
        if step.permanent and job.all_permanent:
            job.permanent_target = _public_form(nxt.key)
        else:
            job.all_permanent = False
        job.target = nxt
        job.force_get = job.head_failed = False
        self._host(nxt.host).queue.append(job)

    def _retry(self, host: Host, job: Job, step: Retry, now: float) -> None:
        s = self.settings
        if step.rate_limited:
            self._rate_limited(host, job, step, now)
            return
        job.failures += 1
        job.timeouts += step.timeout
        exhausted = job.failures > s.retries or job.timeouts > min(s.retries, _MAX_TIMEOUT_RETRIES)
        if exhausted:
            self._done(job, step.verdict)
            return
        delay = step.retry_after if step.retry_after is not None else self._backoff(job.failures)
        heapq.heappush(host.delayed, (now + min(delay, s.max_retry_after), next(self._seq), job))

    def _rate_limited(self, host: Host, job: Job, step: Retry, now: float) -> None:
        """The host pushed back (429, or 503 with Retry-After): pause it as a whole."""
        s = self.settings
        # From now on one request at a time, spaced further apart on every push-back.
        host.limit = 1
        if now >= host.paused_until:  # answers to requests already in flight count once
            host.interval = min(max(host.interval * 2, _RATE_LIMITED_INTERVAL), _MAX_INTERVAL)
        if step.retry_after is not None and step.retry_after > s.max_retry_after:
            # Not worth waiting for: say so, and leave the host alone.
            host.gave_up = Verdict(
                Kind.UNVERIFIABLE, f"{step.verdict.reason}, asked to retry after {step.retry_after:.0f} s"
            )
            self._finish(job, host.gave_up)
            return
        job.rate_limits += 1
        pause = step.retry_after if step.retry_after is not None else self._backoff(job.rate_limits)
        host.paused_until = max(host.paused_until, now + pause)
        if job.rate_limits > s.retries:
            self._done(job, step.verdict)
        else:
            host.queue.appendleft(job)  # first in line when the pause ends; no slot held meanwhile

    def _backoff(self, failures: int) -> float:
        # Exponential with jitter, so retries of many URLs do not arrive in lockstep.
        return self.settings.retry_backoff * (2 ** (failures - 1)) * (0.5 + random.random())


def _credentials_origin(target: Target) -> tuple[str, str, int] | None:
    if "@" in target.key.split("://", 1)[1].split("/", 1)[0]:
        return (target.scheme, target.host, target.port)
    return None


def _userinfo(key: str) -> str:
    netloc = key.split("://", 1)[1].split("/", 1)[0]
    return netloc.rpartition("@")[0]


def _strip_userinfo(key: str) -> str:
    scheme, rest = key.split("://", 1)
    netloc, slash, path = rest.partition("/")
    return f"{scheme}://{netloc.rpartition('@')[2]}{slash}{path}"


def _carry_credentials(nxt: Target, origin: tuple[str, str, int] | None, original_key: str) -> Target:
    """Credentials of the URL as written go to its own origin only, never elsewhere."""
    bare = _strip_userinfo(nxt.key)
    if origin is not None and (nxt.scheme, nxt.host, nxt.port) == origin:
        scheme, rest = bare.split("://", 1)
        key = f"{scheme}://{_userinfo(original_key)}@{rest}"
    else:
        key = bare  # also drops credentials a redirect tried to inject
    return Target(key=key, scheme=nxt.scheme, host=nxt.host, port=nxt.port)


def _public_form(key: str) -> str:
    return _strip_userinfo(key)


def _cookie_header(cookies: httpx.Cookies, url: str) -> str:
    if not cookies:
        return ""
    probe = httpx.Request("GET", url)
    cookies.set_cookie_header(probe)
    return probe.headers.get("cookie", "")
