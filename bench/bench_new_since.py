#!/usr/bin/env python3
"""Time ``--new-since main`` against ``--staged`` on the same change (issue 17, speed).

    .venv/bin/python bench/bench_new_since.py                       # 5 runs each
    .venv/bin/python bench/bench_new_since.py --before ../main/src  # also today's --staged

The vault is a git copy of ``../shared/corpora/yoshi-zettelkasten`` in
``bench/.scratch/`` (the corpus itself is never written).  On branch ``work``
five notes change (a line and a new link each) and one note that others link
to is renamed with ``git mv``; the links to it are left broken.  With the cache
warm (one untimed run of each command first, separate cache folders), runs are
interleaved so that a busy stretch of the machine hits every scenario alike:

- ``check --new-since main`` at the tip of ``work`` (the change committed);
- ``check --staged`` of the same change staged on top of ``main`` (``git reset --soft``);
- with ``--before SRC``: the same ``--staged`` run of the vaultlint in SRC (today's code).

Target: ``--new-since`` at most 2x the warm ``--staged`` of today's code, as a ratio
of medians from the same run (the machine is shared; absolute times move).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import stat
import statistics
import subprocess
import sys
from pathlib import Path

from benchlib import DEFAULT_CORPORA, REPO_ROOT, SCRATCH, machine_summary, run_timed

_WIKILINK = re.compile(r"\[\[([^\]|#^]+)[\]|#^]")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, timeout=600).stdout


def build(corpus: Path, repo: Path) -> tuple[str, list[str]]:
    """The corpus as a repository on ``main``; ``work`` holds the change.  (renamed note, changed notes)"""
    if repo.exists():
        shutil.rmtree(repo)
    shutil.copytree(corpus, repo, symlinks=True)
    for path in (repo, *repo.rglob("*")):
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    git(repo, "init", "-q", "-b", "main")
    for key, value in (("user.email", "bench@example.invalid"), ("user.name", "bench"), ("commit.gpgsign", "false")):
        git(repo, "config", key, value)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "vault")
    notes = sorted(p for p in repo.glob("*.md"))
    by_stem = {p.stem.lower(): p for p in notes}
    backlinks: dict[str, int] = {}
    for note in notes:
        for target in set(_WIKILINK.findall(note.read_text(encoding="utf-8", errors="replace"))):
            if target.strip().lower() in by_stem:
                backlinks[target.strip().lower()] = backlinks.get(target.strip().lower(), 0) + 1
    # A note with a handful of backlinks: a rename that breaks a few links, like a real one.
    renamed = by_stem[min((s for s, n in backlinks.items() if 3 <= n <= 10), key=lambda s: (backlinks[s], s))]
    changed = [p for p in notes if p != renamed][100:600:100]
    git(repo, "checkout", "-q", "-b", "work")
    for number, note in enumerate(changed):
        with open(note, "a", encoding="utf-8") as handle:
            handle.write(f"\n\nAn edit on the branch, see [[Nowhere {number}]].\n")
    git(repo, "mv", renamed.name, f"{renamed.stem} (renamed).md")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")
    return renamed.name, [p.name for p in changed]


def command(src: Path, repo: Path, cache: Path, *args: str) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, "-m", "vaultlint", "check", "--offline", "--cache-dir", str(cache), *args, str(repo)]
    return cmd, env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPORA / "yoshi-zettelkasten")
    parser.add_argument("--before", type=Path, help="src folder of today's vaultlint, for its --staged")
    options = parser.parse_args()
    if not options.corpus.is_dir():
        print(f"no corpus at {options.corpus}", file=sys.stderr)
        return 2
    scratch = SCRATCH / "new-since"
    repo = scratch / "vault"
    renamed, changed = build(options.corpus, repo)
    print(machine_summary())
    print(f"change: {len(changed)} notes edited, {renamed!r} renamed (git mv), links to it left broken")
    src = REPO_ROOT / "src"
    scenarios: dict[str, tuple[list[str], dict[str, str], str]] = {
        "check --new-since main": (*command(src, repo, scratch / "cache-new", "--new-since", "main"), "work"),
        "check --staged (this branch)": (*command(src, repo, scratch / "cache-new", "--staged"), "staged"),
    }
    if options.before is not None:
        before = options.before.resolve()
        scenarios["check --staged (--before)"] = (*command(before, repo, scratch / "cache-old", "--staged"), "staged")

    def put(state: str) -> None:
        git(repo, "checkout", "-q", "work")
        if state == "staged":
            git(repo, "reset", "-q", "--soft", "main")  # the same change, staged on main

    times: dict[str, list[float]] = {name: [] for name in scenarios}
    outputs: dict[str, str] = {}
    head = git(repo, "rev-parse", "work").strip()
    for round_number in range(options.runs + 1):  # round 0 warms the caches, untimed, and keeps the report
        for name, (cmd, env, state) in scenarios.items():
            put(state)
            try:
                if round_number == 0:
                    done = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
                    lines = done.stdout.strip().splitlines() or done.stderr.strip().splitlines() or [""]
                    outputs[name] = lines[-1]
                    continue
                result = run_timed(cmd, cwd=repo, env=env, sample_memory=False, timeout=600)
            finally:
                git(repo, "reset", "-q", "--soft", head)
            if not result.ok:
                print(f"{name}: failed: {result.error}", file=sys.stderr)
                return 2
            times[name].append(result.wall)
    print(f"\n{'scenario':<32} {'median':>8} {'min':>8}  last line of its report")
    for name, values in times.items():
        print(f"{name:<32} {statistics.median(values):>7.3f}s {min(values):>7.3f}s  {outputs[name]}")
    reference = "check --staged (--before)" if options.before is not None else "check --staged (this branch)"
    ratio = statistics.median(times["check --new-since main"]) / statistics.median(times[reference])
    print(f"\n--new-since main / {reference}: {ratio:.2f}x (target: at most 2x)")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
