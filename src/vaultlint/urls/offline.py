"""A machine with no network at all, told in microseconds and before httpx is imported.

Connecting a UDP socket sends nothing: the kernel only looks up a route.  When
neither an IPv4 nor an IPv6 route to a public address exists (a network
namespace with nothing in it, a laptop with every interface down, a sandbox
built with ``--network none``), no URL can be checked, so the stage reports
that in one warning instead of importing an HTTP stack and failing URL by URL.
A configured proxy, or URLs that may be on this machine itself (loopback or
private addresses with ``allow-private``), keep the normal path: those can
work without a route to the internet.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Sequence

from ..model import ExternalUrl
from .normalize import Malformed, normalize
from .settings import UrlSettings

#: Public addresses whose route is looked up (nothing is sent to them).
_PROBES = ((socket.AF_INET, "192.88.99.1"), (socket.AF_INET6, "2001:4860:4860::8888"))


def no_route_to_the_internet() -> bool:
    import urllib.request

    if any(urllib.request.getproxies_environment().get(s) for s in ("http", "https")):
        return False
    for family, address in _PROBES:
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as probe:
                probe.connect((address, 53))
        except OSError:
            continue
        return False
    return True


def may_be_local(occurrences: Sequence[tuple[str, ExternalUrl]], settings: UrlSettings) -> bool:
    """Whether some URL could be served from this machine or its own network."""
    if not settings.allow_private:
        return False
    for _, occ in occurrences:
        target = normalize(occ.url)
        if target is None or isinstance(target, Malformed):
            continue
        host = target.host.strip("[]")
        if host == "localhost" or host.endswith(".localhost") or "." not in host:
            return True
        try:
            if not ipaddress.ip_address(host).is_global:
                return True
        except ValueError:
            continue
    return False


def count_checkable(
    occurrences: Sequence[tuple[str, ExternalUrl]], settings: UrlSettings
) -> tuple[int, list[tuple[str, ExternalUrl, Malformed]]]:
    """Unique URLs that would have been fetched, and the malformed occurrences (UR004 all the same)."""
    excludes = [re.compile(p) for p in settings.exclude]
    keys: set[str] = set()
    malformed: list[tuple[str, ExternalUrl, Malformed]] = []
    for path, occ in occurrences:
        if any(p.search(occ.url) for p in excludes):
            continue
        target = normalize(occ.url)
        if target is None:
            continue
        if isinstance(target, Malformed):
            malformed.append((path, occ, target))
        else:
            keys.add(target.key)
    return len(keys), malformed
