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
``1 + retries`` transient failures (timeouts: 2), ``1 + retries`` push-backs
(plus at most 10 while its whole host is slowed down), ``max_redirects`` hops and one HEAD-to-GET fallback per hop; the run
as a whole ends by ``max_run_time``, and a host that keeps us slowed down for
longer than ``host_slowdown_budget`` is given up on.

Rate control (see :class:`Host`): a push-back is either about one URL or about
the host.  The URL that got it always waits what the server asked
(``Retry-After``, at most ``max_retry_after``) before it is asked again.  Only
when the host pushes back on much of everything (half of its last answers,
or a lone first request) does the host as a whole pause and slow down, and
then it speeds up again as answers come back: additive increase,
multiplicative decrease, as TCP does with its congestion window.

No network: when not a single connection has succeeded and the first hosts
all fail the way a machine without a network fails (DNS temporarily failing,
unreachable, timing out), the run stops at once instead of retrying every
host with backoff; every URL is then "not checked" (one warning upstream).
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
from .fragments import page_anchors_off_the_loop
from .normalize import Malformed, Target, normalize
from .progress import Progress
from .safety import PrivateAddressRefused
from .settings import UrlSettings

#: A timeout costs a whole ``timeout`` and a second one rarely ends differently.
_MAX_TIMEOUT_RETRIES = 1
#: Spacing between requests to a host that pushed back at one request in
#: flight, doubled on every further push-back up to the maximum.
_RATE_LIMITED_INTERVAL = 0.25
_MAX_INTERVAL = 5.0
#: Requests a second added per round of answers while the host is spaced out.
_RATE_STEP = 1.0
#: Spacing below this is dropped: one request in flight at a time is slower anyway.
_NO_SPACING = 0.05
#: Push-backs while its whole host is slowed down one URL may meet before it
#: is given up on (see ``_rate_limited``).
_MAX_HOST_PUSHBACKS = 10
#: How many of a host's last answers tell a rate limit (half of them push-backs)
#: from a few paths that push back: with one path in ten pushing back, half of
#: 16 answers are push-backs by chance about once in 20,000 answers (half of 8:
#: once in 200, which stalled a benchmark host for a second).
_RECENT_ANSWERS = 16
_MIN_RECENT = 6
#: Distinct hosts failing like a missing network, with no connection at all,
#: before the run concludes there is no network (fewer if the run has fewer hosts).
_NO_NETWORK_HOSTS = 3


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
    #: Loop time the current request was sent (tells answers from before a slow-down apart).
    sent: float = 0.0
    #: Read the page (GET, up to ``page_cap``) to learn its anchors (``check-fragments``).
    want_anchors: bool = False
    failures: int = 0
    timeouts: int = 0
    rate_limits: int = 0
    host_pushbacks: int = 0
    #: GET after a HEAD on this hop gave no usable answer.
    force_get: bool = False
    head_failed: bool = False
    visited: set[tuple[str, str]] = field(default_factory=set)
    #: While every hop so far was permanent, where the URL now lives.
    permanent_target: str | None = None
    all_permanent: bool = True
    cookies: httpx.Cookies = field(default_factory=httpx.Cookies)
    #: A redirect went to another origin (scheme, host, port) than the URL's own: the
    #: configured headers are not sent again, not even on a hop that comes back.
    left_its_origin: bool = False


@dataclass(eq=False)
class Host:
    """One host name's queue and its sending rate.

    The rate has two knobs.  ``window`` is how many requests may be in flight
    (at most the configured ``limit``); ``interval`` is the least time between
    two starts (at least the configured ``base_interval``).  Both follow AIMD,
    the rule TCP uses to share a link without knowing its capacity:

    * multiplicative decrease, on a push-back that is the host's: halve the
      window; at a window of one, double the spacing instead (0.25 s up to
      5 s).  Once per round trip: answers to requests sent before the last
      decrease say nothing about the new rate and do not decrease again.
    * additive increase, after every round of answers without a push-back (a
      round is as many answers as the window allows in flight): first one
      more request a second (the spacing is gone below 50 ms), then one more
      request in flight.

    Seen as a rate (requests in flight, or requests a second at one in
    flight), a push-back halves it and a round without one adds a constant.

    So a host that asks once recovers within a few round trips, a host that
    keeps asking settles near what it allows, and neither ever goes past the
    configured limits.
    """

    name: str
    limit: int
    base_interval: float
    accept: frozenset[int]
    window: float = 0.0
    interval: float = 0.0
    queue: deque[Job] = field(default_factory=deque)
    delayed: list[tuple[float, int, Job]] = field(default_factory=list)
    in_flight: int = 0
    next_start: float = 0.0
    paused_until: float = 0.0
    head: HeadState = HeadState.UNKNOWN
    #: Rate control: see the class docstring.
    last_decrease: float = float("-inf")
    round_answers: int = 0
    #: Answers that were not push-backs, and which of the last answers were push-backs.
    answers: int = 0
    recent: deque[bool] = field(default_factory=lambda: deque(maxlen=_RECENT_ANSWERS))
    #: Seconds spent slowed down (paused, fewer in flight, wider spacing) with work waiting.
    slowed_for: float = 0.0
    last_tick: float | None = None
    ever_slowed: bool = False
    #: Set when the host asked for a longer pause than we wait, or used up its
    #: slow-down budget: every URL of it not checked yet gets this verdict.
    gave_up: Verdict | None = None

    def __post_init__(self) -> None:
        self.window = float(self.limit)
        self.interval = self.base_interval

    @property
    def slots(self) -> int:
        return max(1, int(self.window))

    @property
    def ready_at(self) -> float:
        return max(self.next_start, self.paused_until)

    @property
    def has_work(self) -> bool:
        return bool(self.queue or self.delayed)

    def slowed(self, now: float) -> bool:
        return self.window < self.limit or self.interval > self.base_interval or self.paused_until > now

    def slow_down(self, now: float, sent: float) -> None:
        """Multiplicative decrease (at most once per round trip)."""
        self.ever_slowed = True
        if sent < self.last_decrease:
            return
        if self.window > 1:
            self.window = max(1.0, self.window / 2)
        else:
            # Never below the configured spacing, even one above the usual maximum.
            ceiling = max(_MAX_INTERVAL, self.base_interval)
            self.interval = min(max(self.interval * 2, _RATE_LIMITED_INTERVAL), ceiling)
        self.last_decrease = now
        self.round_answers = 0

    def answered(self, sent: float) -> None:
        """An answer that was not a push-back: additive increase, a round at a time."""
        self.answers += 1
        self.recent.append(False)
        if sent < self.last_decrease:
            return
        self.round_answers += 1
        if self.round_answers < self.slots:
            return
        self.round_answers = 0
        if self.interval > self.base_interval:
            # Additive in the rate: one more request a second per round.
            interval = 1 / (1 / self.interval + _RATE_STEP)
            self.interval = interval if interval > max(self.base_interval, _NO_SPACING) else self.base_interval
        elif self.window < self.limit:
            self.window = min(float(self.limit), self.window + 1)


@dataclass
class RunStats:
    connections: int = 0
    requests: int = 0
    #: The run stopped early: no network (see the module docstring).
    network_down: bool = False
    #: The run hit ``max_run_time``.
    out_of_time: bool = False
    #: Host name -> URLs given up on because the host kept pushing back.
    gave_up_on: dict[str, int] = field(default_factory=dict)


_Result = tuple["Host", Job, str, Step, bool]


class Scheduler:
    def __init__(self, settings: UrlSettings, progress: Progress) -> None:
        self.settings = settings
        self.progress = progress
        self.results: dict[str, Verdict] = {}
        self.stats = RunStats()
        self._hosts: dict[str, Host] = {}
        self._tasks: dict[asyncio.Task[_Result], tuple[Host, Job]] = {}
        self._in_flight = 0
        self._unfinished: dict[str, Job] = {}
        self._seq = itertools.count()
        self._rotate = 0
        self._client: httpx.AsyncClient | None = None
        self._offline_hosts: set[str] = set()
        self._deadline = float("inf")

    # -- public ------------------------------------------------------------

    async def run(
        self, targets: Mapping[str, Target], *, anchors_for: frozenset[str] = frozenset()
    ) -> dict[str, Verdict]:
        """Check every target; ``anchors_for`` are keys whose page is read for its anchors.

        If the run is cancelled (Ctrl-C), what was learnt so far stays in
        :attr:`results` for the caller to keep.
        """
        for key, target in targets.items():
            job = Job(
                key=key,
                target=target,
                credentials_origin=_credentials_origin(target),
                want_anchors=key in anchors_for,
            )
            job.visited.add((target.key, ""))
            self._host(target.host).queue.append(job)
            self._unfinished[key] = job
        backend = GuardedBackend(Resolver(), allow_private=self.settings.allow_private, on_connect=self._connected)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.max_run_time
        # The same moment on the clock a worker thread reads (reading a page's anchors).
        self._deadline = time.monotonic() + self.settings.max_run_time
        try:
            async with make_client(self.settings, backend) as client:
                self._client = client
                try:
                    await self._loop(loop, deadline)
                finally:
                    await self._cancel_in_flight()
                    self._client = None
        finally:
            backend.close()
        return self.results

    async def _loop(self, loop: asyncio.AbstractEventLoop, deadline: float) -> None:
        hosts_in_run = len({job.target.host for job in self._unfinished.values()})
        no_connection_by = loop.time() + self.settings.offline_after
        while self._unfinished:
            now = loop.time()
            if now >= deadline:
                self._out_of_time()
                return
            self._dispatch(now)
            if not self._unfinished:
                return  # dispatch itself can finish jobs (a host we gave up on)
            wake = self._next_wake(now)
            wake = deadline - now if wake is None else min(wake, deadline - now)
            if not self.stats.connections and now < no_connection_by:
                wake = min(wake, no_connection_by - now)
            if not self._tasks:
                await asyncio.sleep(wake)
            else:
                done, _ = await asyncio.wait(self._tasks, timeout=wake, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    self._tasks.pop(task)
                    self._complete(*task.result(), now=loop.time())
            if self._no_network(hosts_in_run, loop.time() >= no_connection_by):
                self._give_up_everything(Verdict(Kind.UNVERIFIABLE, "network unavailable", network_level=True))
                self.stats.network_down = True
                return
            self.progress.tick()

    async def _cancel_in_flight(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()

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
                base_interval=o.interval if o.interval is not None else s.per_host_interval,
                accept=o.accept_statuses if o.accept_statuses is not None else s.accept_statuses,
            )
            self._hosts[name] = host
        return host

    def _finish(self, job: Job, verdict: Verdict) -> None:
        self.results[job.key] = verdict
        self._unfinished.pop(job.key, None)
        self.progress.advance(failed=verdict.kind in (Kind.DEAD, Kind.UNVERIFIABLE))

    def _no_network(self, hosts_in_run: int, waited: bool) -> bool:
        """No connection yet, and the first hosts all failed as if there were no network,
        or ``waited`` ``offline_after`` seconds with requests sent and none connected."""
        if self.stats.connections or not self._unfinished:
            return False
        return len(self._offline_hosts) >= min(_NO_NETWORK_HOSTS, hosts_in_run) or (waited and self.stats.requests > 0)

    def _give_up_everything(self, verdict: Verdict) -> None:
        for job in list(self._unfinished.values()):
            self._finish(job, verdict)
        for host in self._hosts.values():
            host.queue.clear()
            host.delayed.clear()

    def _out_of_time(self) -> None:
        """``max_run_time`` is up: what is left is "not checked", said once per host upstream."""
        self.stats.out_of_time = True
        limit = f"not checked: the URL check reached its time limit (max-run-time = {self.settings.max_run_time:g} s)"
        for job in list(self._unfinished.values()):
            host = self._hosts[job.target.host]
            if host.ever_slowed:
                self._finish(job, self._slow_host_verdict(host))
            else:
                self._finish(job, Verdict(Kind.UNVERIFIABLE, limit))
        for host in self._hosts.values():
            host.queue.clear()
            host.delayed.clear()

    def _slow_host_verdict(self, host: Host) -> Verdict:
        self.stats.gave_up_on[host.name] = self.stats.gave_up_on.get(host.name, 0) + 1
        return Verdict(Kind.UNVERIFIABLE, slow_host_reason(host.name))

    # -- dispatch ----------------------------------------------------------

    def _dispatch(self, now: float) -> None:
        hosts = [h for h in self._hosts.values() if h.has_work]
        if not hosts:
            return
        # Rotate the starting host so the global limit is shared round-robin.
        self._rotate = (self._rotate + 1) % len(hosts)
        for host in hosts[self._rotate :] + hosts[: self._rotate]:
            self._account_slowdown(host, now)
            while host.delayed and host.delayed[0][0] <= now:
                # A retry has waited its turn once already: it goes first, so a
                # slow URL's second attempt does not queue behind the whole host.
                host.queue.appendleft(heapq.heappop(host.delayed)[2])
            if host.gave_up is None and host.slowed_for > self.settings.host_slowdown_budget:
                host.gave_up = Verdict(Kind.UNVERIFIABLE, slow_host_reason(host.name))
            if host.gave_up is not None:
                while host.queue:
                    self._give_up(host, host.queue.popleft())
                while host.delayed:
                    self._give_up(host, heapq.heappop(host.delayed)[2])
                continue
            while (
                host.queue
                and self._in_flight < self.settings.max_concurrency
                and host.in_flight < host.slots
                and host.ready_at <= now
            ):
                job = host.queue.popleft()
                method = self._choose_method(host, job)
                host.in_flight += 1
                self._in_flight += 1
                host.next_start = now + host.interval
                job.sent = now
                self.stats.requests += 1
                task = asyncio.ensure_future(self._step(host, job, method))
                self._tasks[task] = (host, job)

    def _give_up(self, host: Host, job: Job) -> None:
        assert host.gave_up is not None
        if host.gave_up.reason == slow_host_reason(host.name):
            self.stats.gave_up_on[host.name] = self.stats.gave_up_on.get(host.name, 0) + 1
        self._finish(job, host.gave_up)

    def _account_slowdown(self, host: Host, now: float) -> None:
        """Add the time since the last look to the host's slow-down, if it was slowed with work waiting."""
        if host.last_tick is not None and host.slowed(host.last_tick):
            host.slowed_for += now - host.last_tick
        host.last_tick = now

    def _next_wake(self, now: float) -> float | None:
        """Seconds until some queued work may start for a reason other than a finished request."""
        wake: float | None = None
        for host in self._hosts.values():
            times = []
            if host.delayed:
                times.append(host.delayed[0][0])
            if host.queue and host.in_flight < host.slots and self._in_flight < self.settings.max_concurrency:
                times.append(host.ready_at)
            if host.has_work and host.slowed(now):
                # When the slow-down budget runs out, the host's queue is given up on.
                times.append(now + max(0.0, self.settings.host_slowdown_budget - host.slowed_for) + 0.001)
            for t in times:
                wake = t if wake is None else min(wake, t)
        return None if wake is None else max(0.0, wake - now)

    def _choose_method(self, host: Host, job: Job) -> str:
        if job.force_get or job.failures or job.rate_limits or job.host_pushbacks or job.want_anchors:
            # A URL that already failed once needs a definitive answer, and a
            # HEAD can only ever confirm success: go straight to GET.  Anchors
            # are in the page, so those need a GET as well.
            return "GET"
        if host.head is HeadState.GOOD:
            return "HEAD"
        if host.head is HeadState.READY:
            host.head = HeadState.PROBING
            return "HEAD"
        return "GET"

    # -- one request -------------------------------------------------------

    async def _step(self, host: Host, job: Job, method: str) -> _Result:
        """One request; returns what it means and whether the server answered at all."""
        assert self._client is not None
        s = self.settings
        headers = {} if job.left_its_origin else dict(configured_headers(s, job.target))
        cookie = _cookie_header(job.cookies, job.target.key)
        if cookie:
            headers["Cookie"] = cookie
        try:
            reply = await request_once(
                self._client,
                method,
                job.target.key,
                headers,
                timeout=s.timeout,
                body_cap=s.body_cap,
                page_cap=s.page_cap if job.want_anchors else 0,
            )
        except PrivateAddressRefused as exc:
            return host, job, method, Done(private_refusal(exc, first_hop=job.hop == 0)), False
        except Exception as exc:  # noqa: BLE001 - classify_error re-raises what it does not know
            return host, job, method, classify_error(exc, timeout=s.timeout, connect_timeout=s.connect_timeout), False
        step = classify_reply(reply, method=method, accept=host.accept, now=time.time())
        if isinstance(step, Follow):
            job.cookies.extract_cookies(reply.response)
        elif job.want_anchors and isinstance(step, Done) and step.verdict.kind is Kind.OK:
            step = Done(Verdict(Kind.OK, anchors=await page_anchors_off_the_loop(reply, self._deadline)))
        return host, job, method, step, True

    # -- what happened -----------------------------------------------------

    def _complete(self, host: Host, job: Job, method: str, step: Step, answered: bool, *, now: float) -> None:
        host.in_flight -= 1
        self._in_flight -= 1
        if answered and not (isinstance(step, Retry) and step.rate_limited):
            host.answered(job.sent)
        if isinstance(step, (Retry, Done)) and step.verdict.no_network and not self.stats.connections:
            self._offline_hosts.add(host.name)
        self._learn_head(host, job, method, step)
        if job.key not in self._unfinished:
            return  # given up on while this request was in flight
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
            verdict = Verdict(Kind.REDIRECTED, final_url=job.permanent_target, anchors=verdict.anchors)
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
        if (nxt.scheme, nxt.host, nxt.port) != (job.target.scheme, job.target.host, job.target.port):
            job.left_its_origin = True
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
        """A push-back (429, or 503 with Retry-After): this URL waits; the host too if it is the host's."""
        s = self.settings
        # The host's, not the URL's, when at least half of its last answers,
        # from whichever URLs, were push-backs (a rate limiter: a token bucket
        # lets some through and pushes back on the rest), or when it has never
        # answered otherwise and has nothing else in flight that could (a lone
        # first request, as with per-host-concurrency = 1).  Otherwise the
        # answers still in flight or still to come decide: a few paths that
        # keep answering 429 among paths that answer 200 never slow the host.
        if not (job.rate_limits or job.host_pushbacks):
            # Only a URL's first push-back says something about the host: a path
            # that keeps answering 429 would otherwise, once the host's other
            # URLs are done, look like a host that pushes back on everything.
            host.recent.append(True)
        pushed = sum(host.recent)
        host_wide = (len(host.recent) >= _MIN_RECENT and 2 * pushed >= len(host.recent)) or (
            host.answers == 0 and host.in_flight == 0
        )
        if step.retry_after is not None and step.retry_after > s.max_retry_after:
            # Not worth waiting for: say so, and leave the URL (or the host) alone.
            verdict = Verdict(
                Kind.UNVERIFIABLE, f"{step.verdict.reason}, asked to retry after {step.retry_after:.0f} s"
            )
            if host_wide:
                host.gave_up = verdict
            self._finish(job, verdict)
            return
        # While the host as a whole is being slowed down, a push-back is the
        # host's congestion, not this URL's fault: it costs the URL the wait,
        # against a larger allowance (and the host's slow-down budget).  A host
        # that never answered anything else gets no such benefit of the doubt.
        congested = host_wide or host.window < host.limit or host.interval > host.base_interval
        if host.answers and congested:
            job.host_pushbacks += 1
        else:
            job.rate_limits += 1
        tries = job.rate_limits + job.host_pushbacks
        wait = step.retry_after if step.retry_after is not None else self._backoff(min(tries, 4))
        if host_wide:
            host.slow_down(now, job.sent)
            host.paused_until = max(host.paused_until, now + wait)
        if job.rate_limits > s.retries or job.host_pushbacks > _MAX_HOST_PUSHBACKS:
            self._done(job, step.verdict)
        else:
            # Retry-After is honoured for the URL that got it, whatever the host does meanwhile.
            heapq.heappush(host.delayed, (now + wait, next(self._seq), job))

    def _backoff(self, failures: int) -> float:
        # Exponential with jitter, so retries of many URLs do not arrive in lockstep.
        return self.settings.retry_backoff * (2 ** (failures - 1)) * (0.5 + random.random())


def configured_headers(settings: UrlSettings, target: Target) -> Mapping[str, str]:
    """The ``headers`` of the ``hosts`` entry whose origin ``target`` is on, else none."""
    entry = settings.host(target.host)
    return entry.headers if entry.headers and entry.is_origin(target.scheme, target.port) else {}


def slow_host_reason(host: str) -> str:
    """The one reason every URL given up on for its host's push-backs shares (grouped in reports)."""
    return f"not checked: {host} kept asking us to slow down"


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
