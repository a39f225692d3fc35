"""Turn a URL as written into the key it is checked under, or say why it is malformed.

Two spellings of one resource must share one request, so the key is the URL
with the scheme and host lower-cased, the host in its ASCII (IDNA) form, the
default port dropped, an empty path written ``/``, non-ASCII characters and
lower-case percent escapes in path and query normalised, and no fragment (a
fragment never reaches the server).  Everything else is kept as written:
servers are free to treat ``/a`` and ``/A`` or ``?x=1&y=2`` and ``?y=2&x=1``
differently.

Pure functions only; no network.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class Target:
    """A well-formed http(s) URL, ready to fetch."""

    #: The dedup key and the URL that is fetched (no fragment).
    key: str
    scheme: str
    #: Lower-case ASCII host; IPv6 addresses without brackets.
    host: str
    port: int


@dataclass(frozen=True)
class Malformed:
    """Not a URL anyone can fetch (UR004); ``reason`` completes "malformed URL: ..."."""

    reason: str


_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")
# Characters left alone when re-quoting path and query: RFC 3986 reserved and
# unreserved characters plus "%" (existing escapes stay escapes).
_SAFE = "!#$%&'()*+,/:;=?@[]~-._"
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


def normalize(raw: str) -> Target | Malformed | None:
    """Normalise ``raw``; ``None`` for a well-formed URL that is not http(s)."""
    if not raw:
        return Malformed("empty URL")
    for ch in raw:
        if ch.isspace():
            return Malformed("contains a space")
        if ord(ch) < 0x20 or ord(ch) == 0x7F:
            return Malformed("contains a control character")
    scheme, sep, rest = raw.partition(":")
    if not sep or not _SCHEME.match(scheme):
        return Malformed("no scheme")
    scheme = scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        return None
    if not rest.startswith("//"):
        return Malformed(f'no "//" after "{scheme}:"')
    rest = rest[2:]
    rest, _, _fragment = rest.partition("#")
    end = len(rest)
    for stop in "/?":
        i = rest.find(stop)
        if i != -1:
            end = min(end, i)
    authority, tail = rest[:end], rest[end:]
    path, qmark, query = tail.partition("?")

    userinfo, at, hostport = authority.rpartition("@")
    parsed = _split_host_port(hostport)
    if isinstance(parsed, Malformed):
        return parsed
    host_text, port_text = parsed
    host = normalize_host(host_text)
    if host is None:
        return Malformed(f'invalid host "{host_text}"' if host_text else "no host")
    port = _DEFAULT_PORTS[scheme]
    if port_text:
        port_number = _port_number(port_text)
        if port_number is None:
            return Malformed(f'invalid port "{_shorten(port_text)}"')
        port = port_number

    netloc = f"[{host}]" if ":" in host else host
    if port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if at:
        netloc = f"{_requote(userinfo)}@{netloc}"
    key = f"{scheme}://{netloc}{_requote(path) or '/'}"
    if qmark:
        key += "?" + _requote(query)
    return Target(key=key, scheme=scheme, host=host, port=port)


def _port_number(text: str) -> int | None:
    """1-65535 written in ASCII digits (leading zeros allowed, as browsers allow them), else None.

    ``str.isdigit`` alone is not enough: it accepts "²", which ``int`` refuses, and
    ``int`` refuses more than 4,300 digits: neither may end the run.
    """
    if not text.isascii() or not text.isdigit():
        return None
    digits = text.lstrip("0")
    if len(digits) > 5:
        return None
    number = int(digits or "0")
    return number if 0 < number <= 65535 else None


def _shorten(text: str, limit: int = 40) -> str:
    """A piece of a URL quoted in a message: a 5,000-digit port must not fill the report."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _split_host_port(hostport: str) -> tuple[str, str] | Malformed:
    if hostport.startswith("["):
        close = hostport.find("]")
        if close == -1:
            return Malformed('unclosed "[" in host')
        host, after = hostport[: close + 1], hostport[close + 1 :]
        if after and not after.startswith(":"):
            return Malformed(f'unexpected "{after}" after host')
        return host, after[1:]
    host, _, port = hostport.partition(":")
    if ":" in port:
        return Malformed(f'invalid port "{_shorten(port)}"')
    return host, port


def normalize_host(text: str) -> str | None:
    """Lower-case ASCII form of a host name or IP literal; ``None`` if invalid."""
    if text.startswith("[") and text.endswith("]"):
        try:
            return str(ipaddress.IPv6Address(text[1:-1]))
        except ValueError:
            return None
    if not text or "%" in text:
        return None
    try:
        # IDNA 2008 with UTS 46 mapping, as browsers do; idna ships with httpx.
        import idna

        ascii_host = idna.encode(unicodedata.normalize("NFC", text), uts46=True).decode("ascii")
    except (UnicodeError, ValueError, ImportError):
        try:  # names idna rejects but browsers accept (underscores, odd labels)
            ascii_host = text.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    ascii_host = ascii_host.lower()
    labels = ascii_host[:-1].split(".") if ascii_host.endswith(".") else ascii_host.split(".")
    if not all(_LABEL.match(label) for label in labels) or len(ascii_host) > 253:
        return None
    if labels[-1].isdigit():
        # All-numeric final label: only a dotted-quad IPv4 address is a valid host.
        try:
            return str(ipaddress.IPv4Address(ascii_host.rstrip(".")))
        except ValueError:
            return None
    return ascii_host


def _requote(part: str) -> str:
    """Percent-encode non-ASCII and unsafe characters; upper-case existing escapes."""
    quoted = quote(part, safe=_SAFE)
    # A "%" that does not start an escape is a literal percent sign.
    quoted = re.sub(r"%(?![0-9a-fA-F]{2})", "%25", quoted)
    return _ESCAPE.sub(lambda m: m[0].upper(), quoted)


def strip_fragment(raw: str) -> str:
    return raw.partition("#")[0]
