"""Which addresses the checker may connect to.

A note can name any URL, and the linter runs on developers' machines and CI
runners that sit inside private networks, so fetching whatever a note says
would let a vault make us probe a router page, a cloud metadata endpoint or a
service on localhost.  Unless ``allow_private`` is set, only globally routable
unicast addresses are fetched.  The check is made on the address actually
connected to, after DNS resolution, by the network backend (``fetch.py``), so
it covers every redirect hop and a public name that resolves to a private
address (DNS rebinding) alike.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class PrivateAddressRefused(Exception):
    """Raised by the network backend instead of connecting to a non-public address."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} resolves to non-public address {address}")
        self.host = host
        self.address = address


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (the only kind fetched by default)."""
    try:
        ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 is loopback, whatever the family says
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_unspecified
        or ip.is_multicast
        or ip.is_reserved
        or not ip.is_global
    )
