"""URL-checker settings and strict validation of the ``[urls]`` config table.

The settings are a frozen dataclass with a sensible default for every field, so
the CLI can build one from flags alone and the config loader can build one from
the ``[urls]`` TOML table with :func:`url_settings_from_mapping`.  Validation is
strict in yamllint's spirit: an unknown key or a value of the wrong type is an
error that names the file and the key, never a silent default.
"""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

#: 2xx is "the page is there"; 1xx never reaches us as a final status.
DEFAULT_ACCEPT: frozenset[int] = frozenset(range(200, 300))
_DEFAULT_PORTS = {"http": 80, "https": 443}

_DAY = 86400.0


def _version() -> str:
    # The package's own constant: the distribution is "obsidian-vaultlint", and
    # metadata is missing in a source tree that was never installed.
    from .. import __version__

    return __version__


DEFAULT_USER_AGENT = f"vaultlint/{_version()} (+link checker)"


class UrlConfigError(ValueError):
    """A ``[urls]`` config value is unknown or has the wrong type."""


@dataclass(frozen=True)
class HostSettings:
    """Overrides for one host name (matched exactly, case-insensitively).

    ``None`` means "use the global value".  ``headers`` are sent only to the one
    origin the entry names: this host, ``scheme`` (https unless the entry is
    written ``http://...``) and ``port`` (the scheme's default unless written),
    and only while a URL's redirects have not left that origin, as curl and
    lychee do with credentials.  That is what makes it safe to put an
    ``Authorization`` header here: neither plain http, another port, nor a
    redirect elsewhere (and back) ever carries it.
    """

    concurrency: int | None = None
    interval: float | None = None
    headers: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    accept_statuses: frozenset[int] | None = None
    scheme: str = "https"
    #: None: the scheme's default port.
    port: int | None = None

    def is_origin(self, scheme: str, port: int) -> bool:
        """Whether a request to this host with ``scheme`` and ``port`` goes to the origin the entry names."""
        return scheme == self.scheme and port == (self.port or _DEFAULT_PORTS[self.scheme])


@dataclass(frozen=True)
class UrlSettings:
    """Everything that decides how URLs are checked.  Every field has a default."""

    #: Seconds for one whole request attempt, including a trickling response head.
    timeout: float = 10.0
    connect_timeout: float = 5.0
    max_concurrency: int = 32
    #: Never more than this many requests in flight to one host name.
    per_host_concurrency: int = 4
    #: Minimum seconds between the starts of two requests to one host.
    per_host_interval: float = 0.0
    #: Extra attempts for transient failures (timeouts are retried at most once).
    retries: int = 2
    #: Base of the exponential backoff between retries, in seconds (jittered).
    retry_backoff: float = 1.0
    max_redirects: int = 10
    #: A ``Retry-After`` longer than this is not waited for: the host's URLs
    #: are reported as rate limited instead.
    max_retry_after: float = 60.0
    accept_statuses: frozenset[int] = DEFAULT_ACCEPT
    #: Regular expressions (``re.search``) on the URL as written; matches are skipped.
    exclude: tuple[str, ...] = ()
    user_agent: str = DEFAULT_USER_AGENT
    #: Fetch loopback, private and link-local addresses too.
    allow_private: bool = False
    hosts: Mapping[str, HostSettings] = field(default_factory=lambda: MappingProxyType({}))
    #: How long an ok result is reused from the cache (jittered down by up to 20%).
    cache_max_age: float = 7 * _DAY
    #: Bytes of a response body read at most (raw and decompressed alike).
    body_cap: int = 64 * 1024
    #: The whole URL check ends after this many seconds, whatever is left: what
    #: was not checked by then is reported "not checked" (UR002).
    max_run_time: float = 600.0
    #: Seconds one host may keep the check slowed down (paused by Retry-After,
    #: fewer requests in flight, wider spacing) before its URLs not checked yet
    #: are given up on with one "kept asking us to slow down" verdict each.
    host_slowdown_budget: float = 120.0
    #: Check ``#fragment``s of http(s) URLs against the page's anchors (UR005).
    check_fragments: bool = False
    #: Seconds without a single connection, requests having been sent, after which the
    #: network counts as unavailable whatever the resolver does meanwhile (it may hang,
    #: answer from its cache, or fail slowly): where a route leads nowhere, lookups and
    #: connections only time out.  A network that works connects to one of the first
    #: hosts, asked at once, well within this; raise it on a link with a very long
    #: round trip (a geostationary satellite: 2).
    offline_after: float = 0.5
    #: Bytes of an HTML page read at most to find its anchors.
    page_cap: int = 2 * 1024 * 1024

    def __post_init__(self) -> None:
        # Host keys are matched against lower-case ASCII host names, and the
        # mapping must stay read-only like the rest of the settings.
        from .normalize import normalize_host

        hosts = {(normalize_host(k) or k.lower()): v for k, v in self.hosts.items()}
        object.__setattr__(self, "hosts", MappingProxyType(hosts))
        object.__setattr__(self, "accept_statuses", frozenset(self.accept_statuses))
        object.__setattr__(self, "exclude", tuple(self.exclude))

    def host(self, name: str) -> HostSettings:
        """The overrides for host ``name`` (a lower-case host name), or none."""
        return self.hosts.get(name) or _NO_OVERRIDES


_NO_OVERRIDES = HostSettings()


# --------------------------------------------------------------------------
# [urls] table validation


#: Keys of ``[urls]`` only the user may set: from a config inside the repository they would
#: let whoever wrote it probe the CI runner's network (DESIGN.md §8).  Proxies come from the
#: environment only (``HTTP_PROXY``...), never from a config file.
USER_ONLY_KEYS = ("allow-private",)


class EnvRefs(enum.Enum):
    """What becomes of ``${NAME}`` in a header value."""

    #: Checked for syntax, kept as written (validating a config; nothing is sent).
    CHECK = "check"
    #: Replaced by the environment variable; unset is an error (a config the user owns).
    EXPAND = "expand"
    #: The header is dropped with a warning (a config inside the repository).
    REFUSE = "refuse"


@dataclass(frozen=True)
class UrlTable:
    """One ``[urls]`` table and where it came from."""

    table: Mapping[str, Any]
    #: Names the file in messages.
    source: str
    #: Outside the repository being checked: the user's own (the user's config folder,
    #: ``--config`` naming a file elsewhere), so it may read the environment and lift the
    #: private-address guard.
    trusted: bool


def url_settings_from_mapping(
    table: Mapping[str, Any], source: str, *, env_refs: EnvRefs = EnvRefs.EXPAND
) -> UrlSettings:
    """Build :class:`UrlSettings` from a ``[urls]`` TOML table.

    ``source`` names the config file in error messages.  Raises
    :class:`UrlConfigError` for an unknown key or a wrongly typed value.
    """
    return UrlSettings(**_fields(table, _Validator(source, env_refs)))


def url_settings_from_tables(tables: Sequence[UrlTable]) -> tuple[UrlSettings, tuple[str, ...]]:
    """The settings of several ``[urls]`` tables, later ones winning key by key (``hosts``
    entry by entry), and one warning per setting ignored because its table is not trusted.

    Environment variables are read here, so an unset one is an error only for a run that
    checks URLs.
    """
    merged: dict[str, Any] = {}
    warnings: list[str] = []
    for layer in tables:
        v = _Validator(layer.source, EnvRefs.EXPAND if layer.trusted else EnvRefs.REFUSE)
        table = dict(layer.table)
        if not layer.trusted:
            for key in USER_ONLY_KEYS:
                if key in table:
                    del table[key]
                    v.ignored(key, "lift the private-address guard", "pass --allow-private-urls")
        found = _fields(table, v)
        hosts = {**merged.get("hosts", {}), **found.pop("hosts", {})}
        merged.update(found)
        if hosts:
            merged["hosts"] = hosts
        warnings.extend(v.warnings)
    return UrlSettings(**merged), tuple(warnings)


def _fields(table: Mapping[str, Any], v: _Validator) -> dict[str, Any]:
    if not isinstance(table, Mapping):
        raise UrlConfigError(f"{v.source}: [urls]: expected a table, got {_kind(table)}")
    kwargs: dict[str, Any] = {}
    for key, value in table.items():
        spec = _TOP_LEVEL.get(key)
        if spec is None:
            raise v.error(key, f"unknown key (expected one of: {', '.join(sorted(_TOP_LEVEL))})")
        name, convert = spec
        kwargs[name] = convert(v, key, value)
    return kwargs


class _Validator:
    def __init__(self, source: str, env_refs: EnvRefs = EnvRefs.EXPAND) -> None:
        self.source = source
        self.env_refs = env_refs
        self.warnings: list[str] = []

    def error(self, key: str, what: str) -> UrlConfigError:
        return UrlConfigError(f"{self.source}: [urls] {key}: {what}")

    def expected(self, key: str, what: str, value: Any) -> UrlConfigError:
        return self.error(key, f"expected {what}, got {_show(value)}")

    def ignored(self, key: str, what: str, instead: str) -> None:
        self.warnings.append(
            f"{self.source}: [urls] {key} ignored: a config inside the repository may not {what} ({instead})"
        )


def _kind(value: Any) -> str:
    return type(value).__name__


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number(value: Any) -> bool:
    # TOML booleans are Python bools, which are ints: never accept them as numbers.
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _positive_float(v: _Validator, key: str, value: Any) -> float:
    if not _is_number(value) or value <= 0:
        raise v.expected(key, "a positive number of seconds", value)
    return float(value)


def _non_negative_float(v: _Validator, key: str, value: Any) -> float:
    if not _is_number(value) or value < 0:
        raise v.expected(key, "a number of seconds >= 0", value)
    return float(value)


def _positive_int(v: _Validator, key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise v.expected(key, "an integer >= 1", value)
    return value


def _non_negative_int(v: _Validator, key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise v.expected(key, "an integer >= 0", value)
    return value


def _bool(v: _Validator, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise v.expected(key, "true or false", value)
    return value


def _user_agent(v: _Validator, key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or _has_ctl(value):
        raise v.expected(key, "a non-empty string on one line", value)
    return value


def _days(v: _Validator, key: str, value: Any) -> float:
    if not _is_number(value) or value < 0:
        raise v.expected(key, "a number of days >= 0", value)
    return float(value) * _DAY


#: ASCII digits only: ``\d`` and ``str.isdigit`` also take "²", which ``int`` refuses.
_RANGE = re.compile(r"^\s*([0-9]{3})\s*(?:-|\.\.=?)\s*([0-9]{3})\s*$")
_CODE = re.compile(r"^\s*([0-9]{3})\s*$")


def _statuses(v: _Validator, key: str, value: Any) -> frozenset[int]:
    """A list of status codes: integers, or ``"200-299"`` / ``"200..=299"`` ranges."""
    what = 'a list of HTTP status codes (100-999) or ranges like "200-299"'
    if not isinstance(value, list) or not value:
        raise v.expected(key, what, value)
    codes: set[int] = set()
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool) and 100 <= item <= 999:
            codes.add(item)
            continue
        if isinstance(item, str):
            m = _RANGE.match(item)
            if m and 100 <= int(m[1]) <= int(m[2]) <= 999:
                codes.update(range(int(m[1]), int(m[2]) + 1))
                continue
            m = _CODE.match(item)
            if m and 100 <= int(m[1]) <= 999:
                codes.add(int(m[1]))
                continue
        raise v.expected(key, what, item)
    return frozenset(codes)


def _patterns(v: _Validator, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise v.expected(key, "a list of regular expressions", value)
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise v.error(key, f"invalid regular expression {pattern!r}: {exc}") from None
    return tuple(value)


_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")


def _has_ctl(text: str) -> bool:
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in text if c != "\t")


def _headers(v: _Validator, key: str, value: Any) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise v.expected(key, "a table of header names to strings", value)
    headers: dict[str, str] = {}
    for name, text in value.items():
        if not isinstance(name, str) or not _HEADER_NAME.match(name):
            raise v.expected(key, "a valid header name", name)
        if not isinstance(text, str) or _has_ctl(text):
            raise v.expected(f"{key}.{name}", "a header value on one line", text)
        refs = _ENV_REF.findall(text.replace("$${", ""))
        if refs and v.env_refs is EnvRefs.REFUSE:
            v.ignored(
                f"{key}.{name}",
                f"read environment variables (${{{refs[0]}}})",
                "write this header in your own config outside the repository",
            )
            continue
        headers[name] = _expand_env(v, f"{key}.{name}", text)
    return MappingProxyType(headers)


_ENV_REF = re.compile(r"\$\{([^}]*)\}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def _expand_env(v: _Validator, key: str, text: str) -> str:
    """``${NAME}`` in a header value is the environment variable NAME, so a token
    (``Authorization = "Bearer ${GITHUB_TOKEN}"``) never has to be written into
    the vault.  A variable that is not set is an error, not an empty header:
    sending ``Bearer `` would turn a missing secret into a wall of UR002s.
    ``$${`` writes a literal ``${``."""
    import os

    def replace(match: re.Match[str]) -> str:
        name = match[1]
        if not _ENV_NAME.match(name):
            raise v.error(key, f"invalid environment variable name ${{{name}}}")
        if v.env_refs is EnvRefs.CHECK:
            return match[0]
        value = os.environ.get(name)
        if value is None:
            raise v.error(key, f"environment variable {name} is not set")
        if _has_ctl(value):
            raise v.error(key, f"environment variable {name} holds a line break or control character")
        return value

    parts = text.split("$${")
    if v.env_refs is EnvRefs.CHECK:
        for part in parts:
            _ENV_REF.sub(replace, part)
        return text
    return "${".join(_ENV_REF.sub(replace, part) for part in parts)


_HOST_ENTRY = re.compile(r"^(?:(?P<scheme>[A-Za-z]+)://)?(?P<host>\[[^\]]*\]|[^:/\[\]]+)(?::(?P<port>[0-9]{1,5}))?/?$")


def _host_entry(v: _Validator, name: Any) -> tuple[str, str, int | None]:
    """``(host, scheme, port)`` of a ``hosts`` key: ``example.com``, ``example.com:8443``,
    ``http://localhost:8080``; the scheme is https unless written."""
    from .normalize import normalize_host

    what = 'host names as keys ("example.com", "example.com:8443" or "http://host:port")'
    m = _HOST_ENTRY.match(name) if isinstance(name, str) else None
    host = normalize_host(m["host"]) if m else None
    scheme = (m["scheme"] or "https").lower() if m else ""
    port = int(m["port"]) if m and m["port"] else None
    if m is None or host is None or scheme not in _DEFAULT_PORTS or (port is not None and not 0 < port <= 65535):
        raise v.expected("hosts", what, name)
    return host, scheme, port


_HOST_KEYS = ("concurrency", "interval", "headers", "accept-statuses")


def _hosts(v: _Validator, key: str, value: Any) -> Mapping[str, HostSettings]:
    if not isinstance(value, Mapping):
        raise v.expected(key, 'a table of host tables, like [urls.hosts."example.com"]', value)
    hosts: dict[str, HostSettings] = {}
    written: dict[str, str] = {}
    for name, table in value.items():
        host, scheme, port = _host_entry(v, name)
        where = f'hosts."{name}"'
        if host in written:
            raise v.error(where, f'names the same host as "{written[host]}" (one entry per host name)')
        written[host] = name
        if not isinstance(table, Mapping):
            raise v.expected(where, "a table", table)
        fields: dict[str, Any] = {"scheme": scheme, "port": port}
        for sub, item in table.items():
            k = f"{where}.{sub}"
            if sub == "concurrency":
                fields["concurrency"] = _positive_int(v, k, item)
            elif sub == "interval":
                fields["interval"] = _non_negative_float(v, k, item)
            elif sub == "headers":
                fields["headers"] = _headers(v, k, item)
            elif sub == "accept-statuses":
                fields["accept_statuses"] = _statuses(v, k, item)
            else:
                raise v.error(k, f"unknown key (expected one of: {', '.join(_HOST_KEYS)})")
        hosts[host] = HostSettings(**fields)
    return MappingProxyType(hosts)


_TOP_LEVEL: dict[str, tuple[str, Any]] = {
    "timeout": ("timeout", _positive_float),
    "connect-timeout": ("connect_timeout", _positive_float),
    "max-concurrency": ("max_concurrency", _positive_int),
    "per-host-concurrency": ("per_host_concurrency", _positive_int),
    "per-host-interval": ("per_host_interval", _non_negative_float),
    "retries": ("retries", _non_negative_int),
    "retry-backoff": ("retry_backoff", _non_negative_float),
    "max-redirects": ("max_redirects", _non_negative_int),
    "max-retry-after": ("max_retry_after", _non_negative_float),
    "accept-statuses": ("accept_statuses", _statuses),
    "exclude": ("exclude", _patterns),
    "user-agent": ("user_agent", _user_agent),
    "allow-private": ("allow_private", _bool),
    "cache-max-age-days": ("cache_max_age", _days),
    "hosts": ("hosts", _hosts),
    "max-run-time": ("max_run_time", _positive_float),
    "host-slowdown-budget": ("host_slowdown_budget", _positive_float),
    "check-fragments": ("check_fragments", _bool),
    "offline-after": ("offline_after", _positive_float),
}
