"""One HTTP request, done carefully: the client, the network backend, the byte caps.

The shared :class:`httpx.AsyncClient` runs on our own transport, a thin copy of
httpx's default one whose httpcore pool uses :class:`GuardedBackend`.  That
backend resolves the host itself (once per run, shared by every request to
it), refuses non-public addresses unless allowed, and connects to the address
it checked, so the safety check holds on every redirect hop and cannot be
side-stepped by a second DNS answer.  Resolving ourselves also tells "this
name does not exist" apart from "could not connect", and counting successful
connections is how the scheduler knows whether the network works at all.

Bodies are read through ``aiter_raw`` with a byte cap and decompressed here
with a bounded decompressor: httpx's own decoder would inflate a whole chunk
at once, which a gzip bomb turns into tens of megabytes per read.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.cookiejar
import socket
import ssl
import threading
import zlib
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpcore
import httpx

from .safety import PrivateAddressRefused, is_public_address
from .settings import UrlSettings


class DnsLookupFailed(Exception):
    """The host name could not be resolved.  ``definitive`` for "no such name"."""

    def __init__(self, host: str, error: socket.gaierror) -> None:
        super().__init__(f"{host}: {error.strerror or error}")
        self.host = host
        self.definitive = error.errno in _NAME_NOT_FOUND


_NAME_NOT_FOUND = {
    getattr(socket, "EAI_NONAME", -2),
    getattr(socket, "EAI_NODATA", -5),  # Linux: the name exists but has no address
}


# --------------------------------------------------------------------------
# DNS and connection


class Resolver:
    """Resolves each host once per run; concurrent callers share one lookup."""

    def __init__(self) -> None:
        self._lookups: dict[tuple[str, int], asyncio.Task[list[str]]] = {}
        self._threads: asyncio.Semaphore | None = None  # created on the running loop

    async def resolve(self, host: str, port: int, timeout: float | None) -> list[str]:
        if _is_ip_literal(host):
            return [host]
        key = (host, port)
        task = self._lookups.get(key)
        if task is None:
            task = asyncio.ensure_future(self._lookup(host, port))
            # A caller that timed out no longer waits for the lookup: retrieve its
            # outcome here, or asyncio prints "Task exception was never retrieved"
            # with a traceback for every lookup that fails late (no network).
            task.add_done_callback(_retrieve)
            self._lookups[key] = task
        try:
            # shield: a caller that times out must not cancel the shared lookup.
            return await asyncio.wait_for(asyncio.shield(task), timeout)
        except asyncio.TimeoutError:
            raise httpcore.ConnectTimeout(f"DNS lookup of {host} timed out") from None
        except DnsLookupFailed as exc:
            if not exc.definitive and self._lookups.get(key) is task:
                del self._lookups[key]  # a temporary failure is worth a fresh lookup on retry
            raise

    def close(self) -> None:
        """Stop waiting for lookups still running (their threads are abandoned)."""
        for task in self._lookups.values():
            task.cancel()
        self._lookups.clear()

    async def _lookup(self, host: str, port: int) -> list[str]:
        if self._threads is None:
            self._threads = asyncio.Semaphore(16)  # lookups at once, each a thread
        try:
            infos = await _getaddrinfo_daemon(host, port, self._threads)
        except socket.gaierror as exc:
            raise DnsLookupFailed(host, exc) from exc
        return _interleave([str(info[4][0]) for info in infos])


def _retrieve(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()


async def _getaddrinfo_daemon(host: str, port: int, limit: asyncio.Semaphore) -> list[Any]:
    """``getaddrinfo`` in a daemon thread.

    ``loop.getaddrinfo`` uses the default executor, and ``asyncio.run`` waits
    for that executor on the way out: one lookup stuck on an unreachable
    resolver would hold the whole run (and the process) long after we gave up
    on it.  A daemon thread is simply abandoned.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[list[Any]] = loop.create_future()

    def settle(result: list[Any] | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result or [])

    def work() -> None:
        try:
            result = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except BaseException as exc:  # noqa: BLE001 - handed to the loop
            with contextlib.suppress(RuntimeError):  # loop already closed: nobody waits
                loop.call_soon_threadsafe(settle, None, exc)
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(settle, result, None)

    async with limit:
        threading.Thread(target=work, name=f"vaultlint-dns-{host}", daemon=True).start()
        return await future


def _is_ip_literal(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _interleave(addresses: list[str]) -> list[str]:
    """Unique addresses, alternating families (RFC 8305) so a dead IPv6 route costs one try."""
    seen: dict[str, None] = dict.fromkeys(addresses)
    v6 = [a for a in seen if ":" in a]
    v4 = [a for a in seen if ":" not in a]
    first, second = (v6, v4) if addresses and ":" in addresses[0] else (v4, v6)
    out: list[str] = []
    for i in range(max(len(first), len(second))):
        out.extend(x[i] for x in (first, second) if i < len(x))
    return out


#: Seconds the private-address check of a proxied request waits for the local DNS.
_PROXY_DNS_WAIT = 1.0


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend: our resolver, the address check, connection counting."""

    def __init__(self, resolver: Resolver, *, allow_private: bool, on_connect: Callable[[str], None]) -> None:
        self._resolver = resolver
        self._allow_private = allow_private
        self._on_connect = on_connect
        self._inner = httpcore.AnyIOBackend()

    @property
    def on_connect(self) -> Callable[[str], None]:
        return self._on_connect

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        host = host.strip("[]")
        addresses = await self._resolver.resolve(host, port, timeout)
        if not self._allow_private:
            public = [a for a in addresses if is_public_address(a)]
            if not public:
                raise PrivateAddressRefused(host, addresses[0] if addresses else "?")
            addresses = public
        addresses = addresses[:4]  # enough to get past a broken family; bounded
        last: Exception | None = None
        for i, address in enumerate(addresses):
            # With more candidates left, give this one only part of the budget.
            share = timeout if timeout is None or i == len(addresses) - 1 else timeout / 2
            try:
                stream = await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=share,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = keep_cause(exc)
                continue
            self._on_connect(host)
            return _Stream(stream)
        assert last is not None
        raise last

    def close(self) -> None:
        self._resolver.close()

    async def check_behind_proxy(self, host: str, port: int, timeout: float | None) -> None:
        """The private-address guard for a request a proxy will make.

        The proxy resolves and connects by itself, so the check is on what *this*
        machine's DNS says: an IP literal, or a name that resolves here to
        non-public addresses only, is refused.  A name that does not resolve
        here is left to the proxy (behind a proxy, the local DNS often knows
        only the local network).
        """
        if self._allow_private:
            return
        host = host.strip("[]")
        try:
            # Briefly: behind a proxy the local resolver may not answer for outside names at all.
            addresses = await self._resolver.resolve(host, port, min(timeout or _PROXY_DNS_WAIT, _PROXY_DNS_WAIT))
        except (DnsLookupFailed, httpcore.ConnectTimeout):
            return
        if addresses and not any(is_public_address(a) for a in addresses):
            raise PrivateAddressRefused(host, addresses[0])

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:  # pragma: no cover - never used for URLs
        raise httpcore.ConnectError("unix sockets are not used by the URL checker")

    async def sleep(self, seconds: float) -> None:  # pragma: no cover - pool retries are off
        await asyncio.sleep(seconds)


_E = TypeVar("_E", bound=BaseException)


def keep_cause(exc: _E) -> _E:
    """Remember what an httpcore error was raised from.

    httpcore's connection pool re-raises errors ``from None``, which drops the
    ``OSError`` or ``ssl.SSLError`` underneath, and with it the difference
    between "connection refused" and "certificate expired".  An attribute
    survives that; :func:`classify._chain` follows it.
    """
    if getattr(exc, ORIGINAL, None) is None:
        setattr(exc, ORIGINAL, exc.__cause__ or exc.__context__)
    return exc


ORIGINAL = "vaultlint_original"


class _Stream(httpcore.AsyncNetworkStream):
    """A network stream whose errors keep their cause (see :func:`keep_cause`)."""

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            return await self._inner.read(max_bytes, timeout)
        except httpcore.NetworkError as exc:
            keep_cause(exc)
            raise

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        try:
            await self._inner.write(buffer, timeout)
        except httpcore.NetworkError as exc:
            keep_cause(exc)
            raise

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        try:
            return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))
        except (httpcore.NetworkError, httpcore.TimeoutException) as exc:
            keep_cause(exc)
            raise

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


# --------------------------------------------------------------------------
# Transport: httpx's AsyncHTTPTransport, minus proxies, plus our backend


def _exception_map() -> list[tuple[type[Exception], type[httpx.HTTPError]]]:
    # Most specific first: the first isinstance match wins.
    return [
        (httpcore.ProxyError, httpx.ProxyError),
        (httpcore.ConnectTimeout, httpx.ConnectTimeout),
        (httpcore.ReadTimeout, httpx.ReadTimeout),
        (httpcore.WriteTimeout, httpx.WriteTimeout),
        (httpcore.PoolTimeout, httpx.PoolTimeout),
        (httpcore.TimeoutException, httpx.TimeoutException),
        (httpcore.ConnectError, httpx.ConnectError),
        (httpcore.ReadError, httpx.ReadError),
        (httpcore.WriteError, httpx.WriteError),
        (httpcore.NetworkError, httpx.NetworkError),
        (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
        (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
        (httpcore.LocalProtocolError, httpx.LocalProtocolError),
        (httpcore.ProtocolError, httpx.ProtocolError),
    ]


_EXC_MAP = _exception_map()


@contextlib.contextmanager
def _mapped() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for source, target in _EXC_MAP:
            if isinstance(exc, source):
                raise target(str(exc)) from exc
        raise  # ours (DnsLookupFailed, PrivateAddressRefused) and anything else, as is


class _ResponseStream(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _mapped():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        if hasattr(self._stream, "aclose"):
            with _mapped():
                await self._stream.aclose()


class _CountingBackend(httpcore.AsyncNetworkBackend):
    """The network backend for connections to a proxy: no address check (a proxy is
    usually on the local network), but connections are counted like any other."""

    def __init__(self, on_connect: Callable[[str], None]) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._on_connect = on_connect

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
            keep_cause(exc)
            raise
        self._on_connect(host)
        return _Stream(stream)

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:  # pragma: no cover - never used for URLs
        raise httpcore.ConnectError("unix sockets are not used by the URL checker")

    async def sleep(self, seconds: float) -> None:  # pragma: no cover - pool retries are off
        await asyncio.sleep(seconds)


@dataclass(frozen=True)
class ProxyConfig:
    """``HTTP_PROXY``/``HTTPS_PROXY``/``NO_PROXY`` as the standard library reads them."""

    proxies: Mapping[str, str]

    @classmethod
    def from_environment(cls) -> ProxyConfig:
        import urllib.request

        found = urllib.request.getproxies_environment()
        return cls({scheme: url for scheme, url in found.items() if scheme in ("http", "https") and url})

    def for_url(self, scheme: str, host: str) -> str | None:
        import urllib.request

        proxy = self.proxies.get(scheme)
        if proxy is None or urllib.request.proxy_bypass_environment(host):
            return None
        return proxy if "://" in proxy else f"http://{proxy}"


class GuardedTransport(httpx.AsyncBaseTransport):
    def __init__(
        self,
        backend: GuardedBackend,
        *,
        ssl_context: ssl.SSLContext,
        connections: int,
        proxies: ProxyConfig | None = None,
    ) -> None:
        self._backend = backend
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=connections,
            max_keepalive_connections=connections,
            keepalive_expiry=5.0,
            network_backend=backend,
        )
        self._ssl_context = ssl_context
        self._connections = connections
        self._proxies = proxies or ProxyConfig({})
        self._proxy_pools: dict[str, httpcore.AsyncHTTPProxy] = {}

    def _proxy_pool(self, proxy_url: str) -> httpcore.AsyncHTTPProxy:
        pool = self._proxy_pools.get(proxy_url)
        if pool is None:
            url = httpx.URL(proxy_url)
            auth = (url.username, url.password) if url.username else None
            pool = httpcore.AsyncHTTPProxy(
                proxy_url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=b"/"),
                proxy_auth=auth,
                ssl_context=self._ssl_context,
                max_connections=self._connections,
                max_keepalive_connections=self._connections,
                keepalive_expiry=5.0,
                network_backend=_CountingBackend(self._backend.on_connect),
            )
            self._proxy_pools[proxy_url] = pool
        return pool

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        pool: httpcore.AsyncConnectionPool | httpcore.AsyncHTTPProxy = self._pool
        proxy = self._proxies.for_url(request.url.scheme, request.url.host)
        if proxy is not None:
            port = request.url.port or (443 if request.url.scheme == "https" else 80)
            timeout = request.extensions.get("timeout", {}).get("connect")
            await self._backend.check_behind_proxy(request.url.host, port, timeout)
            pool = self._proxy_pool(proxy)
        with _mapped():
            response = await pool.handle_async_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
        for pool in self._proxy_pools.values():
            await pool.aclose()


def _no_cookies() -> httpx.Cookies:
    # The shared client must not carry cookies from one URL's check to another's;
    # cookies live only within one URL's redirect chain (``Job.cookies``).
    policy = http.cookiejar.DefaultCookiePolicy(allowed_domains=[])
    return httpx.Cookies(http.cookiejar.CookieJar(policy=policy))


def make_client(settings: UrlSettings, backend: GuardedBackend) -> httpx.AsyncClient:
    connections = max(settings.max_concurrency, 1) + 8
    transport = GuardedTransport(
        backend,
        ssl_context=httpx.create_ssl_context(),
        connections=connections,
        proxies=ProxyConfig.from_environment(),
    )
    return httpx.AsyncClient(
        transport=transport,
        follow_redirects=False,
        cookies=_no_cookies(),
        trust_env=False,  # proxies are the transport's business (ProxyConfig); no .netrc
        timeout=httpx.Timeout(settings.timeout, connect=settings.connect_timeout, pool=settings.timeout),
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            # Only what _BoundedDecoder can inflate with a cap.
            "Accept-Encoding": "gzip, deflate",
        },
    )


# --------------------------------------------------------------------------
# One request


@dataclass(frozen=True)
class Reply:
    """What classification needs from a response; the body is never kept beyond this."""

    status: int
    reason: str
    headers: httpx.Headers
    #: Decoded body prefix (at most ``body_cap`` bytes), only for statuses whose
    #: body tells a bot wall from a real answer, or an HTML page read for its
    #: anchors (at most ``page_cap`` bytes); else empty.
    body: bytes
    #: Set-Cookie handling for the redirect chain needs the response itself.
    response: httpx.Response
    #: The whole body was read (not cut by a cap or the deadline).
    complete: bool = False


#: Statuses whose body is read to spot a bot-wall challenge page.
_INSPECT = {403, 429, 503}


async def request_once(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    headers: Mapping[str, str],
    *,
    timeout: float,
    body_cap: int,
    page_cap: int = 0,
) -> Reply:
    """One request, bounded as a whole by ``timeout`` seconds.

    httpx's own timeouts restart on every byte, so a server that trickles its
    response head one byte at a time would hold us forever; the
    ``asyncio.wait_for`` around the whole exchange is what bounds it.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    request = client.build_request(method, url, headers=headers)
    response = await asyncio.wait_for(client.send(request, stream=True), timeout)
    try:
        body = b""
        complete = False
        remaining = deadline - loop.time()
        if method == "GET" and remaining > 0:
            if response.status_code in _INSPECT:
                body, _ = await _read_body(response, body_cap, remaining, decode=True)
            elif 200 <= response.status_code < 300 and page_cap and _is_html(response):
                body, complete = await _read_body(response, page_cap, remaining, decode=True)
            elif 200 <= response.status_code < 300:
                # The status already answers the question; draining a small
                # body only lets the connection be reused, so bound it tighter.
                await _read_body(response, body_cap, min(remaining, 1.0), decode=False)
        return Reply(response.status_code, response.reason_phrase, response.headers, body, response, complete)
    finally:
        with contextlib.suppress(Exception, asyncio.TimeoutError):
            await asyncio.wait_for(response.aclose(), 1.0)


def _is_html(response: httpx.Response) -> bool:
    kind = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml")


async def _read_body(response: httpx.Response, cap: int, timeout: float, *, decode: bool) -> tuple[bytes, bool]:
    """Up to ``cap`` bytes of the body, and whether that was all of it.

    Whatever arrived if time or bytes run out.
    """
    decoder = _BoundedDecoder(response.headers.get("content-encoding", ""), cap) if decode else None
    raw_seen = 0
    complete = False

    async def pump() -> None:
        nonlocal raw_seen, complete
        async for chunk in response.aiter_raw():
            raw_seen += len(chunk)
            if decoder is not None:
                decoder.feed(chunk)
                if decoder.full:
                    return
            if raw_seen >= cap:
                return  # an endless or huge body: we have seen enough
        complete = True

    with contextlib.suppress(asyncio.TimeoutError, httpx.HTTPError, OSError, zlib.error):
        await asyncio.wait_for(pump(), timeout)
    return (decoder.output() if decoder is not None else b""), complete


class _BoundedDecoder:
    """gzip/deflate decoding that never produces more than ``cap`` bytes."""

    def __init__(self, encoding: str, cap: int) -> None:
        self._cap = cap
        self._out = bytearray()
        enc = encoding.strip().lower()
        if enc in ("gzip", "x-gzip", "deflate"):
            # 32 + MAX_WBITS: detect a gzip or zlib header by itself.
            self._z: Any = zlib.decompressobj(32 + zlib.MAX_WBITS)
        elif enc in ("", "identity"):
            self._z = None
        else:
            self._z = False  # an encoding we cannot decode: keep nothing

    @property
    def full(self) -> bool:
        return len(self._out) >= self._cap

    def feed(self, chunk: bytes) -> None:
        room = self._cap - len(self._out)
        if room <= 0 or self._z is False:
            return
        if self._z is None:
            self._out += chunk[:room]
        else:
            # max_length is what makes a gzip bomb harmless: zlib stops there.
            self._out += self._z.decompress(chunk, room)

    def output(self) -> bytes:
        return bytes(self._out)
