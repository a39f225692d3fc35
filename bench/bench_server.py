#!/usr/bin/env python3
"""Benchmark `vaultlint server` against the targets of issue 21.

    nice python bench/bench_server.py [--runs 3] [--keystrokes 40] [--notes 20000] [--skip-memory]

1. First diagnostics for an opened note: from starting the server process to the answer
   of the first ``textDocument/diagnostic`` pull for a note opened right after
   ``initialize``, on a copy of ``../shared/corpora/yoshi-zettelkasten`` (13,415 notes).
   Compared with ``vaultlint check`` of the same copy, cold (``--no-cache``) and warm (a
   primed cache).  Targets: within 1.2x a cold check, and within 1.5x a warm one.
2. A keystroke: a broken link typed into the open note, then removed again, each an
   incremental ``didChange`` followed by a pull (as Neovim and VS Code do); the time from
   the change to the answer.  Target: p95 <= 50 ms.  The push model (VS Code 1.65's
   capabilities: ``didChange`` to ``publishDiagnostics``) is measured the same way.
3. Peak memory on the generated 20,000-note vault (bench/generate_vault.py): the server's
   process tree once its first diagnostics are in, against a cold check's peak, the server
   starting without its cache (it parses the vault and writes the cache) and then with it.
   Target: <= 1.5x.  ``--memory-only`` measures just this.

The copies live in $TMPDIR/vaultlint-bench-server/; nothing in ../shared is written.
Standard library plus the test extra (pytest-lsp's client drives the server).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import benchlib as bl
import generate_vault
from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import client_capabilities, make_test_lsp_client

# Outside this checkout: bench/.scratch/ is git-ignored, and a vault inside a git work tree that
# ignores it has nothing to report (.gitignore is honoured by default, by check and server alike).
WORK = Path(tempfile.gettempdir()) / "vaultlint-bench-server"
CORPUS = bl.DEFAULT_CORPORA / "yoshi-zettelkasten"
TIMEOUT = 600.0
BROKEN = "[[No such note 4711]] "


def log(message: str) -> None:
    print(f"[bench_server] {message}", file=sys.stderr, flush=True)


def prepare_corpus() -> Path:
    """A copy of the corpus with an Obsidian config folder, so server and check find the same root."""
    copy = WORK / "yoshi-zettelkasten"
    if not (copy / ".obsidian").is_dir():
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(CORPUS, copy, ignore=shutil.ignore_patterns(".git"))
        (copy / ".obsidian").mkdir(exist_ok=True)
    return copy


def notes_by_links(root: Path) -> list[Path]:
    """The notes, fewest wikilinks first (a hub, last, is the heaviest to re-check on a keystroke)."""
    counted = []
    for path in sorted(root.rglob("*.md")):
        if not any(part.startswith(".") for part in path.relative_to(root).parts):
            counted.append((path.read_text(encoding="utf-8", errors="replace").count("[["), str(path), path))
    return [path for _, _, path in sorted(counted)]


def busiest_note(root: Path) -> Path:
    return notes_by_links(root)[-1]


# -- check, for the anchors ---------------------------------------------------------------------
def check_runs(cmd: list[str], env: dict[str, str], root: Path, runs: int, cache: Path | None) -> bl.Series:
    args = [*cmd, "check", "--offline", "--output-format", "json"]
    args += ["--no-cache"] if cache is None else ["--cache-dir", str(cache)]
    if cache is not None:
        shutil.rmtree(cache, ignore_errors=True)
        bl.run_timed([*args, str(root)], cwd=root, env=env, timeout=TIMEOUT)  # prime the cache
    series = bl.Series()
    for _ in range(runs):
        result = bl.run_timed([*args, str(root)], cwd=root, env=env, timeout=TIMEOUT, sample_memory=False)
        series.runs.append(result)
    return series


# -- the server -----------------------------------------------------------------------------------
class Session:
    """One server process driven by pytest-lsp's client, with timings."""

    def __init__(self, cmd: list[str], env: dict[str, str], client: str) -> None:
        self.cmd, self.env, self.client = cmd, env, client
        self.lsp = make_test_lsp_client()
        self.started = 0.0

        @self.lsp.feature(types.CLIENT_REGISTER_CAPABILITY)
        def register(client: object, params: types.RegistrationParams) -> None:
            """Accepted, as VS Code accepts the server's file watcher."""

    async def start(self, root: Path) -> None:
        self.started = time.perf_counter()
        await self.lsp.start_io(self.cmd[0], *self.cmd[1:], "server", env=self.env)
        folder = from_fs_path(str(root))
        await asyncio.wait_for(
            self.lsp.initialize_session(
                types.InitializeParams(
                    capabilities=client_capabilities(self.client),
                    root_uri=folder,
                    workspace_folders=[types.WorkspaceFolder(uri=folder, name="vault")],
                )
            ),
            TIMEOUT,
        )

    @property
    def pid(self) -> int:
        return self.lsp._server.pid  # type: ignore[union-attr]

    def open(self, path: Path) -> str:
        uri = from_fs_path(str(path))
        self.lsp.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="markdown", version=1, text=path.read_text(encoding="utf-8")
                )
            )
        )
        return uri

    async def pull(self, uri: str) -> list[types.Diagnostic]:
        params = types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        report = await asyncio.wait_for(self.lsp.text_document_diagnostic_async(params), TIMEOUT)
        return list(report.items)

    def change(self, uri: str, version: int, span: types.Range, text: str) -> None:
        self.lsp.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangePartial(range=span, text=text)],
            )
        )

    async def stop(self) -> None:
        try:
            await asyncio.wait_for(self.lsp.shutdown_session(), 60)
        finally:
            await self.lsp.stop()


def _broken(found: list[types.Diagnostic]) -> bool:
    return any("No such note 4711" in d.message for d in found)


async def first_diagnostics(cmd: list[str], env: dict[str, str], root: Path, note: Path) -> float:
    session = Session(cmd, env, "neovim@v0.10.0")
    await session.start(root)
    uri = session.open(note)
    await session.pull(uri)
    elapsed = time.perf_counter() - session.started
    await session.stop()
    return elapsed


async def keystrokes(cmd: list[str], env: dict[str, str], root: Path, note: Path, count: int) -> dict[str, list[float]]:
    """Pull (Neovim 0.10) and push (VS Code 1.65) latencies of typing and removing a broken link
    on a line of its own at the end of ``note`` (its frontmatter and headings stay as they are)."""
    lines = note.read_text(encoding="utf-8").split("\n")
    end = types.Position(line=len(lines) - 1, character=len(lines[-1].encode("utf-16-le")) // 2)
    after = types.Position(line=end.line + 1, character=len(BROKEN))
    found: dict[str, list[float]] = {}
    for label, client in (("pull", "neovim@v0.10.0"), ("push", "visual-studio-code@v1.65.2")):
        session = Session(cmd, env, client)
        await session.start(root)
        uri = session.open(note)
        if label == "pull":
            await session.pull(uri)
        else:
            await asyncio.wait_for(_published(session, uri, lambda d: True), TIMEOUT)
        timings: list[float] = []
        version = 1
        for index in range(count):
            typed = index % 2 == 0
            version += 1
            began = time.perf_counter()
            if typed:
                session.change(uri, version, types.Range(start=end, end=end), "\n" + BROKEN)
            else:
                session.change(uri, version, types.Range(start=end, end=after), "")
            if label == "pull":
                result = await session.pull(uri)
            else:
                result = await asyncio.wait_for(_published(session, uri, lambda d, t=typed: _broken(d) == t), TIMEOUT)
            timings.append(time.perf_counter() - began)
            if _broken(result) != typed:
                raise SystemExit(f"{label}: keystroke {index} gave the wrong diagnostics")
        found[label] = timings
        await session.stop()
    return found


async def _published(session: Session, uri: str, wanted) -> list[types.Diagnostic]:  # noqa: ANN001
    while True:
        params = await session.lsp.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if params.uri == uri and wanted(list(params.diagnostics)):
            return list(params.diagnostics)


async def server_peak(cmd: list[str], env: dict[str, str], root: Path, note: Path) -> float:
    """The server tree's peak memory (MB) up to its first diagnostics, sampled as benchlib samples a check."""
    session = Session(cmd, env, "neovim@v0.10.0")
    await session.start(root)
    sampler = bl._TreeMemorySampler(session.pid)
    sampler.start()
    uri = session.open(note)
    await session.pull(uri)
    sampler.done.set()
    sampler.join()
    peak_kb = max(sampler.hwm_kb, bl._hwm_kb(session.pid), sampler.peak_kb)
    await session.stop()
    return peak_kb / 1024


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def timing_rows(cmd: list[str], env: dict[str, str], args: argparse.Namespace) -> list[list[str]]:
    """First diagnostics against check, and keystrokes, on the yoshi copy."""
    root = prepare_corpus()
    ordered = notes_by_links(root)
    note, typical = ordered[-1], ordered[len(ordered) // 2]
    log(
        f"corpus copy {root} ({len(ordered)} notes); hub: {note.relative_to(root)}; typical: {typical.relative_to(root)}"
    )
    bl.warm_page_cache(root)

    log("check, cold and warm")
    cold = check_runs(cmd, env, root, args.runs, None)
    warm = check_runs(cmd, env, root, args.runs, WORK / "cache-yoshi")
    log("server, first diagnostics")
    first = [asyncio.run(first_diagnostics(cmd, env, root, note)) for _ in range(args.runs)]
    log("server, keystrokes")
    typing = {
        f"{kind} note, {model}": timings
        for kind, opened in (("typical", typical), ("hub", note))
        for model, timings in asyncio.run(keystrokes(cmd, env, root, opened, args.keystrokes)).items()
    }

    rows: list[list[str]] = []
    first_median = statistics.median(first)
    for label, series, target in (("cold", cold, 1.2), ("warm", warm, 1.5)):
        ratio = first_median / series.median if series.median else float("nan")
        rows.append(
            [
                f"first diagnostics vs {label} check",
                f"{first_median:.2f} s",
                f"{series.median:.2f} s",
                f"{ratio:.2f}x",
                f"<= {target}x",
                "yes" if ratio <= target else "NO",
            ]
        )
    for label, timings in typing.items():
        p95 = percentile(timings, 0.95) * 1000
        rows.append(
            [
                f"keystroke -> diagnostics ({label}), p95 of {len(timings)}",
                f"{p95:.0f} ms (p50 {statistics.median(timings) * 1000:.0f})",
                "-",
                "-",
                "<= 50 ms",
                "yes" if p95 <= 50 else "NO",
            ]
        )

    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keystrokes", type=int, default=40)
    parser.add_argument("--notes", type=int, default=20000)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument("--memory-only", action="store_true", help="only the memory rows")
    parser.add_argument("--vaultlint", help="command to run vaultlint (default: this checkout's)")
    args = parser.parse_args(argv)

    cmd, env = bl.vaultlint_command(args.vaultlint)
    WORK.mkdir(parents=True, exist_ok=True)
    rows: list[list[str]] = []
    if not args.memory_only:
        rows = timing_rows(cmd, env, args)
    if not args.skip_memory:
        generated = WORK / f"vault-gen-{args.notes}-s1"
        generate_vault.ensure_vault(generated, args.notes, 1, log=log)
        bl.warm_page_cache(generated)
        log(f"memory on {generated.name}")
        check = bl.run_timed(
            [*cmd, "check", "--offline", "--no-cache", "--output-format", "json", str(generated)],
            cwd=generated,
            env=env,
            timeout=TIMEOUT,
        )
        # The server's own cache (the vault's .vaultlint-cache, as check would use it): a cold start
        # parses the vault and writes it, a warm one (the start after) reads it.
        shutil.rmtree(generated / ".vaultlint-cache", ignore_errors=True)
        for state in ("cold", "warm"):
            server = asyncio.run(server_peak(cmd, env, generated, busiest_note(generated)))
            ratio = server / check.peak_mb if check.peak_mb else float("nan")
            rows.append(
                [
                    f"peak memory, {args.notes:,} notes, server cache {state}",
                    f"{server:.0f} MB",
                    f"{check.peak_mb:.0f} MB",
                    f"{ratio:.2f}x",
                    "<= 1.5x",
                    "yes" if ratio <= 1.5 else "NO",
                ]
            )

    print(f"\nvaultlint server benchmark ({bl.machine_summary()}; medians of {args.runs} runs)\n")
    bl.print_table(["measure", "server", "check", "ratio", "target", "met"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
