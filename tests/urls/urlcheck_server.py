"""Real HTTP servers on loopback addresses for the URL checker tests and benchmark.

A raw HTTP/1.1 server on asyncio streams, so that a test can misbehave at the
byte level (hang, trickle, reset, endless bodies, gzip bombs) where a
framework would not let it.  All servers run on one event loop in a daemon
thread; each records every request it receives (method, path, time) and the
peak number of requests in flight, which is how tests measure politeness *at
the server*.  Every wait in a handler is bounded, and ``stop()`` closes the
listener and cancels every connection.

Handlers are ``async def handler(req, conn)`` where ``conn.send(...)`` writes
a response; ``route_*`` helpers build the common ones.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
import ssl
import struct
import threading
import time
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.utils import formatdate

MAX_WAIT = 20.0  # no handler ever waits longer than this


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Record:
    method: str
    path: str
    host: str
    started: float
    headers: dict[str, str] = field(default_factory=dict)


class Conn:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.keep_alive = True

    async def client_gone(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s; True as soon as the client has closed the connection.

        Lets a hanging or trickling handler end when the client gives up, so
        the in-flight count measures what the *client* keeps open.
        """
        try:
            data = await asyncio.wait_for(self.reader.read(1), timeout)
        except asyncio.TimeoutError:
            return False
        except (ConnectionError, OSError):
            return True
        return data == b""

    async def send(
        self,
        status: int,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        *,
        method: str = "GET",
        reason: str | None = None,
    ) -> None:
        headers = dict(headers or {})
        headers.setdefault("Content-Length", str(len(body)))
        head = f"HTTP/1.1 {status} {reason if reason is not None else _REASONS.get(status, 'Status')}\r\n"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        self.writer.write(head.encode("latin-1") + (b"" if method == "HEAD" else body))
        await self.writer.drain()

    def reset(self) -> None:
        """Abort the connection with a TCP RST."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()
        self.keep_alive = False


_REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    303: "See Other",
    307: "Temporary Redirect",
    308: "Permanent Redirect",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    410: "Gone",
    429: "Too Many Requests",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
    999: "Request denied",
}

Handler = Callable[[Request, Conn], Awaitable[None]]


class _LoopThread:
    _instance: _LoopThread | None = None
    _lock = threading.Lock()

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="test-http-servers", daemon=True)
        self.thread.start()

    @classmethod
    def get(cls) -> _LoopThread:
        with cls._lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def call(self, coro: Awaitable, timeout: float = 10.0):  # type: ignore[no-untyped-def]
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)  # type: ignore[arg-type]


class Server:
    """One listening socket on ``host``; ``routes`` map a path to a handler."""

    def __init__(
        self,
        routes: dict[str, Handler] | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        tls: ssl.SSLContext | None = None,
        default: Handler | None = None,
        latency: Callable[[Request], float] | None = None,
    ) -> None:
        self.routes = dict(routes or {})
        self.default = default
        self.host = host
        self.tls = tls
        self.latency = latency
        self.records: list[Record] = []
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()
        self._conns: set[asyncio.Task] = set()
        self._lt = _LoopThread.get()
        self._server: asyncio.base_events.Server = self._lt.call(
            asyncio.start_server(self._serve, host, port, ssl=tls, limit=65536, backlog=512)
        )
        self.port: int = self._server.sockets[0].getsockname()[1]

    # -- info --------------------------------------------------------------

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def url(self, path: str) -> str:
        return self.origin + path

    def count(self, path: str | None = None, method: str | None = None) -> int:
        with self._lock:
            return sum(
                1 for r in self.records if (path is None or r.path == path) and (method is None or r.method == method)
            )

    def reset_stats(self) -> None:
        with self._lock:
            self.records.clear()
            self.peak = 0

    # -- lifecycle ---------------------------------------------------------

    def stop(self) -> None:
        async def _stop() -> None:
            self._server.close()
            for task in list(self._conns):
                task.cancel()
            if self._conns:
                await asyncio.wait(list(self._conns), timeout=5)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)

        self._lt.call(_stop())

    # -- serving -----------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._conns.add(task)
        conn = Conn(reader, writer)
        try:
            for _ in range(10_000):  # requests per connection, bounded
                try:
                    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), MAX_WAIT)
                except (
                    asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError,
                    asyncio.TimeoutError,
                    ConnectionError,
                    ssl.SSLError,
                    OSError,
                ):
                    return
                req = _parse(head)
                if req is None:
                    return
                with self._lock:
                    self.records.append(
                        Record(req.method, req.path, req.headers.get("host", ""), time.monotonic(), req.headers)
                    )
                    self.in_flight += 1
                    self.peak = max(self.peak, self.in_flight)
                try:
                    if self.latency is not None:
                        await asyncio.sleep(self.latency(req))
                    handler = self.routes.get(req.path) or self.routes.get(req.path.split("?")[0]) or self.default
                    if handler is None:
                        await conn.send(404, body=b"no such page", method=req.method)
                    else:
                        await handler(req, conn)
                finally:
                    with self._lock:
                        self.in_flight -= 1
                if not conn.keep_alive or req.headers.get("connection", "").lower() == "close":
                    return
        except (ConnectionError, OSError, ssl.SSLError, asyncio.CancelledError):
            # Cancelled by stop(): end quietly (asyncio would log a cancelled
            # connection task as an error).
            return
        finally:
            self._conns.discard(task)
            with contextlib.suppress(Exception):
                writer.close()


def _parse(head: bytes) -> Request | None:
    try:
        lines = head.decode("latin-1").split("\r\n")
        method, target, _version = lines[0].split(" ", 2)
    except ValueError:
        return None
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return Request(method, target, headers)


# --------------------------------------------------------------------------
# Handlers


def ok(
    body: bytes = b"<html><title>ok</title>hello</html>", *, delay: float = 0.0, headers: dict[str, str] | None = None
) -> Handler:
    async def handler(req: Request, conn: Conn) -> None:
        if delay:
            await asyncio.sleep(min(delay, MAX_WAIT))
        await conn.send(200, {"Content-Type": "text/html", **(headers or {})}, body, method=req.method)

    return handler


def status(code: int, headers: dict[str, str] | None = None, body: bytes = b"", *, head: int | None = None) -> Handler:
    """Answer ``code``; with ``head`` set, HEAD requests get that status instead."""

    async def handler(req: Request, conn: Conn) -> None:
        code_now = head if (head is not None and req.method == "HEAD") else code
        await conn.send(code_now, headers, body, method=req.method)

    return handler


def get_only(code_for_head: int) -> Handler:
    """GET 200, HEAD ``code_for_head`` (405, 404, 501...)."""
    return status(200, {"Content-Type": "text/html"}, b"<html>real page</html>", head=code_for_head)


def redirect(location: str, code: int = 302) -> Handler:
    async def handler(req: Request, conn: Conn) -> None:
        await conn.send(code, {"Location": location}, method=req.method)

    return handler


def sequence(*handlers: Handler) -> Handler:
    """The n-th request gets the n-th handler; the last one repeats."""
    calls = [0]

    async def handler(req: Request, conn: Conn) -> None:
        i = min(calls[0], len(handlers) - 1)
        calls[0] += 1
        await handlers[i](req, conn)

    return handler


def hang() -> Handler:
    async def handler(req: Request, conn: Conn) -> None:
        await conn.client_gone(MAX_WAIT)
        conn.keep_alive = False

    return handler


def trickle_head(every: float = 0.2) -> Handler:
    """Send a status line, then one header byte every ``every`` seconds, never finishing."""

    async def handler(req: Request, conn: Conn) -> None:
        conn.writer.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        deadline = time.monotonic() + MAX_WAIT
        while time.monotonic() < deadline:
            conn.writer.write(b"a")
            await conn.writer.drain()
            if await conn.client_gone(every):
                break
        conn.keep_alive = False

    return handler


def trickle_body(every: float = 0.2) -> Handler:
    """A 200 head at once, then a body one byte every ``every`` seconds."""

    async def handler(req: Request, conn: Conn) -> None:
        conn.writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nContent-Type: text/html\r\n\r\n")
        deadline = time.monotonic() + MAX_WAIT
        while time.monotonic() < deadline and req.method != "HEAD":
            conn.writer.write(b"a")
            await conn.writer.drain()
            if await conn.client_gone(every):
                break
        conn.keep_alive = False

    return handler


def reset() -> Handler:
    async def handler(req: Request, conn: Conn) -> None:
        conn.reset()

    return handler


def endless(chunk: int = 65536, limit: int = 512 * 1024 * 1024) -> Handler:
    """A 200 with a chunked body that goes on until the client leaves (or ``limit`` bytes)."""

    async def handler(req: Request, conn: Conn) -> None:
        conn.writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/html\r\n\r\n")
        if req.method == "HEAD":
            return
        block = f"{chunk:x}\r\n".encode() + b"x" * chunk + b"\r\n"
        sent = 0
        while sent < limit:
            conn.writer.write(block)
            await conn.writer.drain()
            sent += chunk
        conn.keep_alive = False

    return handler


_BOMBS: dict[int, bytes] = {}


def bomb_bytes(mib: int = 64) -> bytes:
    """``mib`` MiB of zeros, gzip-compressed about 1000:1 (built once per size).

    Building it takes a noticeable fraction of a second (more on a loaded
    machine), so callers build it *before* the client starts: built inside a
    handler, it would stall the server's loop within the client's timeout.
    64 MiB is still a thousand times the checker's body cap.
    """
    if mib not in _BOMBS:
        z = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        block = b"\0" * (1 << 20)
        parts = [z.compress(block) for _ in range(mib)]
        parts.append(z.flush())
        _BOMBS[mib] = b"".join(parts)
    return _BOMBS[mib]


def gzip_bomb(code: int = 200, mib: int = 64) -> Handler:
    """A gzip bomb answer; the bomb is built here, when the route is made, never in a request."""
    bomb = bomb_bytes(mib)

    async def handler(req: Request, conn: Conn) -> None:
        await conn.send(code, {"Content-Encoding": "gzip", "Content-Type": "text/html"}, bomb, method=req.method)

    return handler


def gzipped(code: int, text: bytes, headers: dict[str, str] | None = None) -> Handler:
    async def handler(req: Request, conn: Conn) -> None:
        await conn.send(code, {"Content-Encoding": "gzip", **(headers or {})}, gzip.compress(text), method=req.method)

    return handler


def retry_after_seconds(seconds: int, then: Handler, code: int = 429) -> Handler:
    """First request: ``code`` with ``Retry-After: seconds``; later: ``then``."""

    async def first(req: Request, conn: Conn) -> None:
        await conn.send(code, {"Retry-After": str(seconds)}, method=req.method)

    return sequence(first, then)


def retry_after_date(seconds: float, then: Handler, code: int = 429) -> Handler:
    async def first(req: Request, conn: Conn) -> None:
        await conn.send(code, {"Retry-After": formatdate(time.time() + seconds, usegmt=True)}, method=req.method)

    return sequence(first, then)


def free_port(host: str = "127.0.0.1") -> int:
    """A port with nothing listening (connection refused)."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class Blackhole:
    """A loopback address and port where connecting times out, as with no network.

    A listening socket that never accepts, its one-slot accept queue already
    full: the kernel drops every further SYN, so ``connect`` hangs until the
    client's connect timeout, exactly like a route into nowhere.
    """

    def __init__(self, host: str) -> None:
        self.host = host
        self._listener = socket.socket()
        self._listener.bind((host, 0))
        self._listener.listen(0)
        self.port = self._listener.getsockname()[1]
        self._fillers = []
        for _ in range(3):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect((host, self.port))
            self._fillers.append(filler)
        time.sleep(0.05)  # let the handshakes of the fillers complete

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def close(self) -> None:
        for s in [*self._fillers, self._listener]:
            s.close()
