"""Fixtures for the URL checker tests: real servers on loopback, never the internet."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

try:
    import vaultlint.urls  # noqa: F401
except ImportError:  # running from a source tree that is not installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

import urlcheck_server  # noqa: E402  (beside this file)


@pytest.fixture
def serve() -> Iterator[Any]:
    """``serve(routes, host=..., tls=...)`` starts a server, stopped after the test."""
    servers: list[urlcheck_server.Server] = []

    def make(routes: dict | None = None, **kwargs: Any) -> urlcheck_server.Server:
        server = urlcheck_server.Server(routes, **kwargs)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
