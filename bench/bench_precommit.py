#!/usr/bin/env python3
"""Time the commit path on a 6,500-note vault in git (issue 9, point 3).

    .venv/bin/python bench/bench_precommit.py            # 7 runs per scenario
    .venv/bin/python bench/bench_precommit.py --runs 3 --notes 1000   # a quick look

Scenarios, each with the cache warm and a different one-note change per run (so
the changed note is really read and parsed every time):

- ``pre-commit run`` end to end with one staged note, using the ``vaultlint``
  hook exactly as ``.pre-commit-hooks.yaml`` declares it (entry, types,
  always_run), pointed at this checkout's ``vaultlint`` (``language: system``,
  so pre-commit's own install is not timed);            target < 0.6 s
- ``pre-commit run`` after ``git mv`` of a note other notes link to (refused);
- ``vaultlint check --offline NOTE`` of one changed note;   target < 0.3 s
- ``vaultlint --version``;                                  target < 0.1 s
- for reference, ``pre-commit run`` with a hook that runs ``true``: what
  pre-commit itself costs.

Run it with the interpreter of the venv that has vaultlint and pre-commit.
Everything it writes goes to ``bench/.scratch/`` (ignored by git).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import yaml
from benchlib import REPO_ROOT, SCRATCH, Series, fmt_cell, machine_summary, print_table, run_timed

_WIKILINK = re.compile(r"\[\[([^\]|#/]+)[\]|#]")
TARGETS = {"pre-commit, one staged note": 0.6, "vaultlint check, one changed note": 0.3, "vaultlint --version": 0.1}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def build_repo(notes: int, seed: int) -> Path:
    """The generated vault as a git repository (made once, then reset to its first commit)."""
    repo = SCRATCH / f"precommit-{notes}-{seed}"
    if not (repo / ".git").is_dir():
        if repo.exists():
            shutil.rmtree(repo)
        subprocess.run(
            [sys.executable, str(REPO_ROOT / "bench" / "generate_vault.py"), str(repo), "--notes", str(notes)]
            + ["--seed", str(seed)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (repo / ".gitignore").write_text(".vaultlint-cache/\n")
        git(repo, "init", "-q", "-b", "main")
        for key, value in (
            ("user.email", "bench@example.invalid"),
            ("user.name", "bench"),
            ("commit.gpgsign", "false"),
        ):
            git(repo, "config", key, value)
        git(repo, "add", "-A")  # .obsidian/ included
        git(repo, "commit", "-q", "--no-verify", "-m", "generated vault")
    git(repo, "reset", "-q", "--hard", "HEAD")
    git(repo, "clean", "-q", "-fd", "-e", ".vaultlint-cache")
    return repo


def hook_config(vaultlint: str, true_hook: bool, hooks_file: Path) -> str:
    """A pre-commit config with the vaultlint hook as ``hooks_file`` declares it."""
    declared = yaml.safe_load(hooks_file.read_text())
    hook = dict(next(h for h in declared if h["id"] == "vaultlint"))
    hook["entry"] = "true" if true_hook else hook["entry"].replace("vaultlint", vaultlint, 1)
    hook["language"] = "system"
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}, sort_keys=False)


def changed_note(repo: Path) -> Path:
    """A note that others link to (so the rename scenario breaks links)."""
    stems = {path.stem: path for path in sorted(repo.glob("*.md"))}
    for path in sorted(repo.rglob("*.md")):
        for stem in sorted(set(_WIKILINK.findall(path.read_text(encoding="utf-8")))):
            if stem in stems and stems[stem] != path:
                return stems[stem]
    raise SystemExit("no linked note to change")


#: CPU seconds (user + system) of each run, children included, by scenario: on a
#: loaded machine wall time mostly measures the other processes, CPU time does not.
CPU: dict[str, list[float]] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def series(
    name: str, runs: int, prepare: Callable[[int], None], command: list[str], cwd: Path, env: dict[str, str]
) -> Series:
    result = Series()
    for index in range(runs):
        prepare(index)
        before = _children_cpu()
        result.runs.append(run_timed(command, cwd=cwd, env=env, timeout=120))
        CPU.setdefault(name, []).append(_children_cpu() - before)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=6500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--vaultlint", help="time this vaultlint executable (e.g. an older install) instead")
    parser.add_argument(
        "--hooks-file",
        type=Path,
        default=REPO_ROOT / ".pre-commit-hooks.yaml",
        help="the .pre-commit-hooks.yaml that declares the hook (that of the version timed)",
    )
    args = parser.parse_args()

    bin_dir = Path(sys.executable).parent
    vaultlint = args.vaultlint or shutil.which("vaultlint", path=str(bin_dir)) or shutil.which("vaultlint")
    pre_commit = shutil.which("pre-commit", path=str(bin_dir)) or shutil.which("pre-commit")
    if not vaultlint or not pre_commit:
        raise SystemExit("needs vaultlint and pre-commit in this interpreter's venv (pip install -e '.[test]')")

    print(f"vault: {args.notes} notes, {machine_summary()}")
    repo = build_repo(args.notes, args.seed)
    env = {**os.environ, "PRE_COMMIT_HOME": str(SCRATCH / "pre-commit-home"), "NO_COLOR": "1"}
    # A user's install has compiled bytecode; without it every run compiles vaultlint anew.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    note = changed_note(repo)
    original = note.read_text(encoding="utf-8")
    subprocess.run([vaultlint, "check", "--offline", "-q", str(repo)], cwd=repo, stdout=subprocess.DEVNULL)  # warm

    def edit(index: int) -> None:
        note.write_text(original + f"\nEdit number {index} for the benchmark.\n", encoding="utf-8")

    def edit_and_stage(index: int) -> None:
        edit(index)
        git(repo, "add", note.name)

    config = repo / ".pre-commit-config.yaml"
    results: dict[str, Series] = {}

    config.write_text(hook_config(vaultlint, true_hook=True, hooks_file=args.hooks_file))
    name = "pre-commit itself (hook: true)"
    results[name] = series(name, args.runs, edit_and_stage, [pre_commit, "run"], repo, env)

    config.write_text(hook_config(vaultlint, true_hook=False, hooks_file=args.hooks_file))
    name = "pre-commit, one staged note"
    results[name] = series(name, args.runs, edit_and_stage, [pre_commit, "run"], repo, env)
    git(repo, "reset", "-q", "--hard", "HEAD")

    target = repo / "Renamed for the benchmark.md"

    def rename(index: int) -> None:
        git(repo, "reset", "-q", "--hard", "HEAD")
        git(repo, "mv", note.name, target.name)

    name = "pre-commit after git mv (refused)"
    results[name] = series(name, args.runs, rename, [pre_commit, "run"], repo, env)
    refused = subprocess.run([pre_commit, "run"], cwd=repo, env=env, capture_output=True, text=True)
    broken = refused.stdout.count("was renamed to")
    git(repo, "reset", "-q", "--hard", "HEAD")

    name = "vaultlint check, one changed note"
    results[name] = series(name, args.runs, edit, [vaultlint, "check", "--offline", note.name], repo, env)
    note.write_text(original, encoding="utf-8")
    name = "vaultlint --version"
    results[name] = series(name, args.runs, lambda _: None, [vaultlint, "--version"], repo, env)

    rows = []
    for name, found in results.items():
        limit = TARGETS.get(name)
        verdict = "-" if limit is None or found.median is None else ("ok" if found.median < limit else "MISSED")
        cpu = f"{statistics.median(CPU[name]):.3f} s"
        rows.append([name, fmt_cell(found), cpu, f"< {limit} s" if limit else "", verdict])
    print_table(["scenario", "wall: median (min-max)", "CPU median", "target", "wall"], rows)
    print(f"the refused rename named {broken} broken link(s) with the new name")
    if args.json:
        found = {name: {**s.to_json(), "cpu_s": CPU[name]} for name, s in results.items()}
        args.json.write_text(json.dumps(found, indent=2))
    git(repo, "reset", "-q", "--hard", "HEAD")
    return 0


if __name__ == "__main__":
    sys.exit(main())
