#!/usr/bin/env python3
"""Show that vaultlint's time and memory grow linearly with vault size (issues 5 and 20).

    python bench/bench_scaling.py                   # 25,000 / 50,000 / 100,000 / 200,000 notes
    python bench/bench_scaling.py --sizes 300,600,1200 --runs 1 --scenarios cold --peers ''  # smoke test

Generates (or reuses) one synthetic vault per size with bench/generate_vault.py
(same seed, so the vaults differ only in size), times a full offline vaultlint
check on each in every scenario asked for (cold without a cache, first run
building the cache, warm run of the unchanged vault), and rumdl on the same
vault beside it, and prints per size: median time, peak memory, and both per
1,000 notes and per MB of Markdown; then one summary table with a column per
scenario, as issue 20 asks for.  Each size is measured ``--runs`` times plus
one run with the memory sampler (see ``bench_speed.py``).

A fixed start-up cost makes "time per note" fall as vaults grow, which would
flatter any tool, so linearity is judged on the *marginal* cost instead: the
extra seconds (and MB) per extra 1,000 notes between consecutive sizes. Linear
growth means the marginal cost stays about the same from step to step; a
quadratic step (say, every link compared with every note) shows as a marginal
cost that grows with size. A least-squares line through all points is printed
too, with each point's distance from it.

Standard library only (rumdl is installed into bench/.scratch/venv-peers with pip,
as bench_speed.py does). Writes only into bench/.scratch/.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib as bl  # noqa: E402
import generate_vault  # noqa: E402
from bench_speed import Vault, VaultlintRunner, compare_with_truth, ensure_rumdl, log, run_peer  # noqa: E402

# Marginal cost may grow by this factor from one step to the next and still be
# called linear: generous, because on a shared 2-core machine noise is real.
LINEAR_TOLERANCE = 1.25

SCENARIO_LABELS = {
    "cold": "cold (no cache)",
    "cold-build": "cold (cache being built)",
    "warm": "warm (cache present)",
}


def prepare(work: Path, notes: int, seed: int) -> Vault:
    path = work / f"vault-gen-{notes}-s{seed}"  # same folder as bench_speed.py uses
    truth = generate_vault.ensure_vault(path, notes, seed, log=log)
    v = Vault(f"generated-{notes}", path, truth=truth)
    _, v.notes, v.md_bytes = bl.tree_stats(path)
    return v


def run_size(runner: VaultlintRunner, work: Path, v: Vault, scenario: str) -> bl.Series:
    bl.warm_page_cache(v.path)
    cache = work / "cache" / v.key
    log(f"vaultlint {SCENARIO_LABELS[scenario]} on {v.key}")
    if scenario == "cold":
        s = runner.series(v, "scaling-cold", runner.check(v, None))
    elif scenario == "cold-build":
        s = runner.series(
            v, "scaling-cold-build", runner.check(v, cache), lambda _: shutil.rmtree(cache, ignore_errors=True)
        )
    else:
        bl.run_timed(runner.check(v, cache), cwd=v.path, env=runner.env, timeout=runner.timeout)  # prime
        s = runner.series(v, "scaling-warm", runner.check(v, cache))
    if scenario != "cold":
        shutil.rmtree(cache, ignore_errors=True)  # a 200,000-note cache is a gigabyte
    return s


def marginal(points: list[tuple[int, float]]) -> list[float]:
    """Extra units per extra 1,000 notes between consecutive points."""
    return [(y2 - y1) / ((n2 - n1) / 1000) for (n1, y1), (n2, y2) in zip(points, points[1:])]


def linearity(points: list[tuple[int, float]], unit: str) -> list[str]:
    lines: list[str] = []
    if len(points) < 2:
        return ["(fewer than two sizes measured: cannot judge growth)"]
    steps = marginal(points)
    step_txt = ", ".join(
        f"{n1}->{n2}: {m:.3f} {unit}/1k notes" for (n1, _), (n2, _), m in zip(points, points[1:], steps)
    )
    lines.append(f"marginal cost: {step_txt}")
    grow = [b / a for a, b in zip(steps, steps[1:]) if a > 0]
    if grow:
        worst = max(grow)
        verdict = "linear" if worst <= LINEAR_TOLERANCE else "FASTER THAN LINEAR"
        lines.append(f"marginal cost grows at most x{worst:.2f} per step -> {verdict} (tolerance x{LINEAR_TOLERANCE})")
    if len(points) >= 3:
        xs = [float(n) for n, _ in points]
        ys = [y for _, y in points]
        fit = statistics.linear_regression(xs, ys)
        resid = ", ".join(f"{n}: {100 * (y - (fit.intercept + fit.slope * n)) / y:+.1f}%" for n, y in points if y)
        lines.append(
            f"least-squares line: {fit.intercept:.3f} {unit} + {1000 * fit.slope:.3f} {unit}/1k notes; "
            f"distance of each point: {resid}"
        )
    return lines


def size_table(measured: list[tuple[Vault, bl.Series]]) -> None:
    rows = []
    for v, s in measured:
        mb = v.md_bytes / 1e6
        if s.median is None:
            rows.append([str(v.notes), f"{mb:.1f}", bl.fmt_cell(s)] + ["-"] * 5)
            continue
        peak = s.peak_mb
        rows.append(
            [
                str(v.notes),
                f"{mb:.1f}",
                bl.fmt_cell(s),
                f"{1000 * s.median / v.notes:.3f}",
                f"{s.median / mb:.3f}",
                f"{peak:.0f}" if peak is not None else "-",
                f"{1000 * peak / v.notes:.2f}" if peak is not None else "-",
                f"{peak / mb:.2f}" if peak is not None else "-",
            ]
        )
    bl.print_table(
        ["notes", "MB md", "median time (min-max)", "s/1k notes", "s/MB", "peak MB", "MB/1k notes", "MB mem/MB md"],
        rows,
    )
    ok = [(v, s) for v, s in measured if s.median is not None]
    print("Time:")
    for line in linearity([(v.notes, s.median) for v, s in ok], "s"):
        print("  " + line)
    print("Peak memory:")
    for line in linearity([(v.notes, s.peak_mb) for v, s in ok if s.peak_mb is not None], "MB"):
        print("  " + line)


def _time_mem(s: bl.Series | None) -> str:
    if s is None:
        return "-"
    if s.median is None:
        return bl.fmt_cell(s)
    peak = f", {s.peak_mb:.0f} MB" if s.peak_mb is not None else ""
    return f"{s.median:.1f} s{peak}"


def summary_table(vaults: list[Vault], results: dict[str, dict[str, bl.Series]], scenarios: list[str]) -> None:
    """One row per size, as in issue 20: cold time, marginal cost, memory, rumdl, cache build, warm."""
    cold = [(v.notes, results[v.key]["cold"].median) for v in vaults if "cold" in results[v.key]]
    steps = dict(zip([n for n, _ in cold[1:]], marginal([(n, t) for n, t in cold if t is not None])))
    header = ["notes", "MB md"]
    header += [SCENARIO_LABELS[sc] for sc in scenarios]
    header += ["cold s/1k notes (average)", "cold marginal s/1k notes"]
    header += ["rumdl"] if any("rumdl" in results[v.key] for v in vaults) else []
    rows = []
    for v in vaults:
        got = results[v.key]
        row = [str(v.notes), f"{v.md_bytes / 1e6:.0f}"] + [_time_mem(got.get(sc)) for sc in scenarios]
        c = got.get("cold")
        row.append(f"{1000 * c.median / v.notes:.3f}" if c is not None and c.median is not None else "-")
        row.append(f"{steps[v.notes]:.3f}" if v.notes in steps else "-")
        if "rumdl" in header:
            row.append(_time_mem(got.get("rumdl")))
        rows.append(row)
    bl.print_table(header, rows)


def warm_runs_not_warm(vaults: list[Vault], results: dict[str, dict[str, bl.Series]]) -> list[str]:
    """A warning for each size whose warm run took more than half the cold run's time: its cache was
    not used.  The code's fingerprint is part of the cache's key, so editing the vaultlint that the
    benchmark runs (the checkout's, by default) while it runs turns every later warm run into a
    cache build, and the warm column silently shows cold times."""
    warnings = []
    for v in vaults:
        warm, cold = results[v.key].get("warm"), results[v.key].get("cold")
        if warm is None or cold is None or warm.median is None or cold.median is None:
            continue
        if warm.median > cold.median / 2:
            warnings.append(
                f"WARNING: {v.key}: the warm run took {warm.median:.1f} s against {cold.median:.1f} s cold: it did "
                "not use its cache. Was vaultlint's code changed during the run? Run a copy (bench/README)."
            )
    return warnings


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="25000,50000,100000,200000", help="note counts (default 25000 to 200000)")
    ap.add_argument("--runs", type=int, default=2, help="timed runs per size and scenario (default 2)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the generated vaults (default 1)")
    ap.add_argument(
        "--scenarios",
        "--scenario",
        default="cold,cold-build,warm",
        help=f"comma-separated full checks to time, of {', '.join(SCENARIO_LABELS)} (default: all)",
    )
    ap.add_argument("--peers", default="rumdl", help="comma-separated peers to time beside it: rumdl or '' (default)")
    ap.add_argument(
        "--vaultlint",
        metavar="CMD",
        help="vaultlint command (default: vaultlint on PATH, else the checkout's .venv, else python -m vaultlint)",
    )
    ap.add_argument("--workdir", type=Path, default=bl.SCRATCH, help="default bench/.scratch")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds before one run is killed")
    ap.add_argument(
        "--respect-gitignore", action="store_true", help="do not pass --no-gitignore to vaultlint (see bench_speed.py)"
    )
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args(argv)
    sizes = sorted({int(x) for x in args.sizes.split(",") if x.strip()})
    scenarios = [x.strip() for x in args.scenarios.split(",") if x.strip()]
    peers = [x.strip() for x in args.peers.split(",") if x.strip()]
    if not sizes or min(sizes) < 10 or args.runs < 1:
        ap.error("--sizes must be note counts >= 10 and --runs >= 1")
    if not scenarios or any(sc not in SCENARIO_LABELS for sc in scenarios):
        ap.error(f"--scenarios must name some of {', '.join(SCENARIO_LABELS)}")
    if any(peer != "rumdl" for peer in peers):
        ap.error("--peers knows only rumdl")
    work: Path = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)

    started = time.time()
    cmd, env = bl.vaultlint_command(args.vaultlint)
    version = bl.tool_version(cmd, env)
    rumdl, rumdl_version = ensure_rumdl(work) if peers else (None, "")
    if peers and rumdl is None:
        log(f"rumdl not measured: {rumdl_version}")
    runner = VaultlintRunner(cmd, env, work, args.runs, args.timeout, args.respect_gitignore)
    vaults = [prepare(work, n, args.seed) for n in sizes]
    results: dict[str, dict[str, bl.Series]] = {v.key: {} for v in vaults}
    loads: list[str] = []
    for v in vaults:
        loads.append(f"{v.notes}: {bl.machine_summary().rsplit('load ', 1)[-1]}")
        for scenario in scenarios:
            results[v.key][scenario] = run_size(runner, work, v, scenario)
        if rumdl is not None:
            bl.warm_page_cache(v.path)
            results[v.key]["rumdl"] = run_peer("rumdl", rumdl, v, args.runs, args.timeout)

    print()
    print(f"vaultlint scaling benchmark - {time.strftime('%Y-%m-%d %H:%M')}, {args.runs} timed run(s) per cell")
    print(f"machine: {bl.machine_summary()}")
    print(f"load average (1, 5, 15 min) when each size started: {'; '.join(loads)}")
    print(f"vaultlint: {' '.join(cmd)} -> {version}")
    if rumdl is not None:
        print(f"rumdl: {' '.join(rumdl)} -> {rumdl_version}")
    for scenario in scenarios:
        print(f"\n{SCENARIO_LABELS[scenario]}:")
        size_table([(v, results[v.key][scenario]) for v in vaults])
    if rumdl is not None:
        print("\nrumdl:")
        size_table([(v, results[v.key]["rumdl"]) for v in vaults])
    print("\nSummary (median time, peak memory):")
    summary_table(vaults, results, scenarios)
    print("Correctness (diagnostics of the last run vs the planted broken links):")
    for v in vaults:
        for scenario in scenarios:
            diags = v.diagnostics.get(f"scaling-{scenario}")
            found = compare_with_truth(diags, v.truth) if diags is not None and v.truth else "no parseable output"
            print(f"  {v.key} {scenario}: {found}")
    for warning in warm_runs_not_warm(vaults, results):
        print(warning)
    print(f"\ntotal benchmark time: {time.time() - started:.0f} s")

    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "runs": args.runs,
        "scenarios": scenarios,
        "machine": bl.machine_summary(),
        "loads": loads,
        "vaultlint": {"command": cmd, "version": version},
        "rumdl": rumdl_version if rumdl is not None else None,
        "sizes": [
            {
                "notes": v.notes,
                "markdown_bytes": v.md_bytes,
                **{name: s.to_json() for name, s in results[v.key].items()},
            }
            for v in vaults
        ],
    }
    out = work / "results" / f"scaling-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    for path in [out] + ([args.json] if args.json else []):
        path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"results: {out}")
    return 0 if all(s.median is not None for got in results.values() for s in got.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
