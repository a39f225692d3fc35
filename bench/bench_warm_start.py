#!/usr/bin/env python3
"""The language server's first diagnostics with the vault's own cache cold and warm (issue 21).

    nice python bench/bench_warm_start.py [--runs 3] [--vaultlint CMD]

bench_server.py compares one series of starts with check's; here the cache is the
one both use by default (``<vault>/.vaultlint-cache``), and its state is set before
each run: removed (cold), or primed by a ``vaultlint check`` (warm).  Each is
compared with ``vaultlint check`` in the same state.  Targets: warm within 1.5x a
warm check, cold within 1.2x a cold one.  The server's own compiled lsprotocol
scripts (``server/startup.py``, in the user's cache folder) are as the last start
left them: only the very first start after an install writes them.  Runs on bench_server.py's copy of
``../shared/corpora/yoshi-zettelkasten`` (nothing in ../shared is written).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import time
from pathlib import Path

import bench_server as bs
import benchlib as bl


def check(cmd: list[str], env: dict[str, str], root: Path) -> float:
    started = time.perf_counter()
    bl.run_timed([*cmd, "check", "--offline", "--output-format", "json", str(root)], cwd=root, env=env, timeout=600)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--vaultlint", help="command to run vaultlint (default: this checkout's)")
    args = parser.parse_args(argv)
    cmd, env = bl.vaultlint_command(args.vaultlint)
    bs.WORK.mkdir(parents=True, exist_ok=True)
    root = bs.prepare_corpus()
    note = bs.busiest_note(root)
    cache = root / ".vaultlint-cache"
    bl.warm_page_cache(root)
    times: dict[str, list[float]] = {"check cold": [], "check warm": [], "server cold": [], "server warm": []}
    for run in range(args.runs):
        bs.log(f"run {run + 1} of {args.runs}")
        shutil.rmtree(cache, ignore_errors=True)
        times["check cold"].append(check(cmd, env, root))  # and primes the cache
        times["check warm"].append(check(cmd, env, root))
        times["server warm"].append(asyncio.run(bs.first_diagnostics(cmd, env, root, note)))
        shutil.rmtree(cache, ignore_errors=True)
        times["server cold"].append(asyncio.run(bs.first_diagnostics(cmd, env, root, note)))
    shutil.rmtree(cache, ignore_errors=True)
    median = {label: statistics.median(values) for label, values in times.items()}
    rows = []
    for state, target in (("cold", 1.2), ("warm", 1.5)):
        ratio = median[f"server {state}"] / median[f"check {state}"]
        rows.append(
            [
                f"first diagnostics, cache {state}",
                f"{median[f'server {state}']:.2f} s",
                f"{median[f'check {state}']:.2f} s",
                f"{ratio:.2f}x",
                f"<= {target}x",
                "yes" if ratio <= target else "NO",
            ]
        )
    print(f"\nvaultlint server start ({bl.machine_summary()}; medians of {args.runs} runs)\n")
    bl.print_table(["measure", "server", "check", "ratio", "target", "met"], rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
