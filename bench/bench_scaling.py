#!/usr/bin/env python3
"""Show that vaultlint's time and memory grow linearly with vault size (issue 5, part 5).

    python bench/bench_scaling.py                          # 5,000 / 20,000 / 50,000 notes, 3 runs each
    python bench/bench_scaling.py --sizes 300,600,1200 --runs 1   # a quick smoke test

Generates (or reuses) one synthetic vault per size with bench/generate_vault.py
(same seed, so the vaults differ only in size), times a full vaultlint check
on each, and prints per size: median time, peak memory, and both per 1,000
notes and per MB of Markdown.

A fixed start-up cost makes "time per note" fall as vaults grow, which would
flatter any tool, so linearity is judged on the *marginal* cost instead: the
extra seconds (and MB) per extra 1,000 notes between consecutive sizes. Linear
growth means the marginal cost stays about the same from step to step; a
quadratic step (say, every link compared with every note) shows as a marginal
cost that grows with size. A least-squares line through all points is printed
too, with each point's distance from it.

Standard library only. Writes only into bench/.scratch/.
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
from bench_speed import Vault, VaultlintRunner, compare_with_truth, log  # noqa: E402

# Marginal cost may grow by this factor from one step to the next and still be
# called linear: generous, because on a shared 2-core machine noise is real.
LINEAR_TOLERANCE = 1.25

SCENARIO_LABELS = {
    "cold": "cold (no cache)",
    "cold-build": "cold (cache being built)",
    "warm": "warm (cache present)",
}


def run_size(runner: VaultlintRunner, work: Path, notes: int, seed: int, scenario: str) -> tuple[Vault, bl.Series]:
    path = work / f"vault-gen-{notes}-s{seed}"  # same folder as bench_speed.py uses
    truth = generate_vault.ensure_vault(path, notes, seed, log=log)
    v = Vault(f"generated-{notes}", path, truth=truth)
    _, v.notes, v.md_bytes = bl.tree_stats(path)
    bl.warm_page_cache(path)
    cache = work / "cache" / v.key
    log(f"vaultlint {SCENARIO_LABELS[scenario]} on {v.key}")
    if scenario == "cold":
        s = runner.series(v, "scaling-cold", runner.check(v, None))
    elif scenario == "cold-build":
        s = runner.series(
            v, "scaling-cold-build", runner.check(v, cache), lambda _: shutil.rmtree(cache, ignore_errors=True)
        )
    else:
        bl.run_timed(runner.check(v, cache), cwd=path, env=runner.env, timeout=runner.timeout)  # prime
        s = runner.series(v, "scaling-warm", runner.check(v, cache))
    return v, s


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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="5000,20000,50000", help="note counts (default 5000,20000,50000)")
    ap.add_argument("--runs", type=int, default=3, help="timed runs per size (default 3)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the generated vaults (default 1)")
    ap.add_argument(
        "--scenario",
        choices=sorted(SCENARIO_LABELS),
        default="cold",
        help="which full check to time (default: cold, no cache)",
    )
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
    if not sizes or min(sizes) < 10 or args.runs < 1:
        ap.error("--sizes must be note counts >= 10 and --runs >= 1")
    work: Path = args.workdir.resolve()
    work.mkdir(parents=True, exist_ok=True)

    started = time.time()
    cmd, env = bl.vaultlint_command(args.vaultlint)
    version = bl.tool_version(cmd, env)
    runner = VaultlintRunner(cmd, env, work, args.runs, args.timeout, args.respect_gitignore)
    measured: list[tuple[Vault, bl.Series]] = [run_size(runner, work, n, args.seed, args.scenario) for n in sizes]

    print()
    print(
        f"vaultlint scaling benchmark - {time.strftime('%Y-%m-%d %H:%M')}, "
        f"{SCENARIO_LABELS[args.scenario]}, {args.runs} run(s) per size"
    )
    print(f"machine: {bl.machine_summary()}")
    print(f"vaultlint: {' '.join(cmd)} -> {version}")
    print()
    rows = []
    for v, s in measured:
        mb = v.md_bytes / 1e6
        if s.median is None:
            rows.append([str(v.notes), f"{mb:.1f}", bl.fmt_cell(s)] + ["-"] * 5)
            continue
        rows.append(
            [
                str(v.notes),
                f"{mb:.1f}",
                bl.fmt_cell(s),
                f"{1000 * s.median / v.notes:.3f}",
                f"{s.median / mb:.3f}",
                f"{s.peak_mb:.0f}",
                f"{1000 * s.peak_mb / v.notes:.2f}",
                f"{s.peak_mb / mb:.2f}",
            ]
        )
    bl.print_table(
        ["notes", "MB md", "median time (min-max)", "s/1k notes", "s/MB", "peak MB", "MB/1k notes", "MB mem/MB md"],
        rows,
    )

    ok = [(v, s) for v, s in measured if s.median is not None]
    print("\nTime:")
    for line in linearity([(v.notes, s.median) for v, s in ok], "s"):
        print("  " + line)
    print("Peak memory:")
    for line in linearity([(v.notes, s.peak_mb) for v, s in ok], "MB"):
        print("  " + line)
    print("Correctness (diagnostics of the last run vs the planted broken links):")
    for v, _s in measured:
        diags = v.diagnostics.get(f"scaling-{args.scenario}")
        print(
            f"  {v.key}: "
            + (compare_with_truth(diags, v.truth) if diags is not None and v.truth else "no parseable output")
        )
    print(f"\ntotal benchmark time: {time.time() - started:.0f} s")

    result = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "runs": args.runs,
        "scenario": args.scenario,
        "machine": bl.machine_summary(),
        "vaultlint": {"command": cmd, "version": version},
        "sizes": [{"notes": v.notes, "markdown_bytes": v.md_bytes, **s.to_json()} for v, s in measured],
    }
    out = work / "results" / f"scaling-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    for path in [out] + ([args.json] if args.json else []):
        path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"results: {out}")
    return 0 if all(s.median is not None for _, s in measured) else 1


if __name__ == "__main__":
    sys.exit(main())
