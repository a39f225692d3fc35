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

_PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUEST_METHOD")


@pytest.fixture(autouse=True)
def no_proxy_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checker honours proxy variables; a proxy set where the tests run must not
    carry requests meant for the loopback servers (tests that want one set it)."""
    for name in _PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture(autouse=True)
def no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The user's own ``~/.config/vaultlint/config.toml`` is laid over every run that checks URLs:
    the tests must not depend on what the machine running them holds (tests that want one write it)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("no-user-config")))


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
