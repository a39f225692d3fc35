"""The long fuzzing run: lint generated vaults until N notes are checked, report what broke.

    python bench/fuzz_long.py --notes 1000000             # the issue's target
    python bench/fuzz_long.py --notes 20000 --jobs 2      # a quick look
    python bench/fuzz_long.py --minutes 60 --seed 7       # stop after an hour

Each task is one seed, so every failure can be replayed alone (``--replay SEED``).
The tasks, in turn:

* ``bulk``: a vault of up to 300 generated notes, linted once with every rule; every
  diagnostic's span must lie inside its file, and the run must take time
  proportional to the vault's size;
* ``full`` (every 10th seed): a small vault checked every way that
  ``tests/fuzz/invariants.py`` knows: engine twice, cache cold and warm, the command
  line in every output format (exit code 0 or 1, machine formats parse, two runs
  agree);
* ``stretch`` (every 5th seed): one note of 20-200 KB made of a repeated piece, whose
  parse must take time proportional to its size (a quadratic scan shows up here);
* ``boundary`` (seeds ending in 3 or 7): a hostile repository (``tests/fuzz/hostile.py``:
  a committed config, links and FIFOs where vaultlint reads and writes, canvases and
  bases) checked by the real command line in a subprocess, with a secret in the
  environment and a loopback server recording every request: no hang, no crash,
  nothing changed outside the vault or inside it unasked, no secret sent or shown;
* ``git`` (seeds ending in 9): a vault in a real git repository after a change
  (``tests/fuzz/gitstates.py``: renames to odd names, deleted attachments, untracked
  files, a ``.git/config`` naming programs, no git on PATH, another owner) checked by
  ``check``, ``--staged``, ``--new-since``, ``--fix`` or ``--diff``: the boundary's
  invariants, plus no program the repository names runs and ``.git/`` is unchanged.

Failures are grouped by their first line; each group's first vault is written to
``bench/.scratch/fuzz-failures/SEED/`` to be looked at or linted again.
Runs in several processes (``--jobs``, default: the number of cores); run it niced
on a shared machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # tests/fuzz is not installed

from fuzz.gitstates import check_git_state, make_git_state, write_git_state  # noqa: E402
from fuzz.hostile import check_hostile, make_hostile, write_hostile  # noqa: E402
from fuzz.invariants import (  # noqa: E402
    check_vault,
    engine_run,
    parse_time_failure,
    span_failures,
    write_files,
)
from fuzz.strategies import RandomSource, generate_vault, stretched_note  # noqa: E402

SCRATCH = REPO / "bench" / ".scratch" / "fuzz-failures"

#: Linting a vault may take this long plus this much per character (about ten times
#: what it takes on a machine shared by nine busy sessions).
LINT_SECONDS_BASE = 10.0
LINT_SECONDS_PER_CHAR = 150e-6


def task_kind(seed: int) -> str:
    if seed % 10 in (3, 7):
        return "boundary"
    if seed % 10 == 9:
        return "git"
    return "full" if seed % 10 == 0 else "stretch" if seed % 5 == 0 else "bulk"


def run_task(seed: int) -> tuple[int, str, int, list[str]]:
    """Check the vault (or note) of ``seed``: (seed, kind, notes checked, failures)."""
    kind = task_kind(seed)
    try:
        if kind == "stretch":
            src = RandomSource(seed)
            text = stretched_note(src, src.integer(20_000, 200_000))
            failure = parse_time_failure("stretched.md", text)
            return seed, kind, 1, [failure] if failure else []
        if kind == "boundary":
            hostile = make_hostile(RandomSource(seed))
            notes = sum(1 for name in hostile.files if name.lower().endswith(".md"))
            with tempfile.TemporaryDirectory(prefix="vaultlint-fuzz-") as folder:
                return seed, kind, notes, check_hostile(Path(folder), hostile)
        if kind == "git":
            state = make_git_state(RandomSource(seed))
            notes = sum(1 for name in (*state.files, *state.untracked) if name.lower().endswith(".md"))
            with tempfile.TemporaryDirectory(prefix="vaultlint-fuzz-") as folder:
                return seed, kind, notes, check_git_state(Path(folder), state)
        files = generate_vault(seed, most_notes=4 if kind == "full" else 300)
        notes = sum(1 for name in files if name.lower().endswith(".md"))
        with tempfile.TemporaryDirectory(prefix="vaultlint-fuzz-") as folder:
            root = write_files(Path(folder) / "vault", files)
            if kind == "full":
                return seed, kind, notes, check_vault(root, files, Path(folder))
            size = sum(len(content) for content in files.values())
            start = time.perf_counter()
            diagnostics = engine_run(root)
            seconds = time.perf_counter() - start
            failures = span_failures(diagnostics, files)
            bound = LINT_SECONDS_BASE + LINT_SECONDS_PER_CHAR * size
            if seconds > bound:
                failures.append(f"lint took {seconds:.1f} s for {size} characters (bound {bound:.1f} s)")
            return seed, kind, notes, failures
    except Exception:  # noqa: BLE001 - a crash of the harness itself is reported too
        return seed, kind, 0, [f"harness crashed: {traceback.format_exc(limit=-3).strip()}"]


def _worker_ignores_interrupts() -> None:
    # Ctrl-C (or ``timeout``, which signals the whole process group) is for the main process:
    # it stops the run and prints the summary; a worker that took it too would end in a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def save_example(seed: int) -> Path:
    """Write the vault (or note) of ``seed`` under bench/.scratch/fuzz-failures/SEED/."""
    target = SCRATCH / str(seed)
    if task_kind(seed) == "boundary":  # the repository as the run saw it (the recorder's address aside)
        shutil.rmtree(target, ignore_errors=True)
        hostile = make_hostile(RandomSource(seed))
        write_hostile(target, hostile, "http://127.0.0.1:9")
        (target / "command-line.txt").write_text(" ".join(["vaultlint", "check", *hostile.args]) + "\n")
        return target
    if task_kind(seed) == "git":  # the repository, its marker scripts and the environment of the run
        shutil.rmtree(target, ignore_errors=True)
        state = make_git_state(RandomSource(seed))
        _, _, env = write_git_state(target, state, "http://127.0.0.1:9")
        (target / "command-line.txt").write_text(
            "".join(f"{k}={v!r} " for k, v in env.items()) + " ".join(["vaultlint", "check", *state.args]) + "\n"
        )
        return target
    if task_kind(seed) == "stretch":
        src = RandomSource(seed)
        files = {"stretched.md": stretched_note(src, src.integer(20_000, 200_000))}
    else:
        files = generate_vault(seed, most_notes=4 if task_kind(seed) == "full" else 300)
    write_files(target, files)
    return target


def group(failure: str) -> str:
    """What failures of one kind share: the first line (the last too for a traceback),
    without file names, quoted text and numbers."""
    lines = failure.strip().splitlines() or [""]
    text = lines[0] + (" | " + lines[-1] if "Traceback" in failure else "")
    text = re.sub(r" at .*?:\d+:\d+:", ":", text)  # "LK001 at a/b.md:3:4:" -> "LK001:"
    text = re.sub(r"'.*'|\".*\"", "…", text)
    return re.sub(r"(?<![A-Z])\d+(\.\d+)?", "N", text)[:300]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=1_000_000, help="stop after this many notes (default 1,000,000)")
    parser.add_argument("--minutes", type=float, default=None, help="stop after this long, whatever the count")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes (default: cores)")
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--replay", type=int, default=None, help="check this one seed and print its failures")
    parser.add_argument("--report-every", type=float, default=60.0, help="seconds between progress lines")
    args = parser.parse_args(argv)

    if args.replay is not None:
        seed, kind, notes, failures = run_task(args.replay)
        print(f"seed {seed} ({kind}, {notes} notes): {len(failures)} failures; example in {save_example(seed)}")
        for failure in failures:
            print(failure)
        return 1 if failures else 0

    started = time.monotonic()
    deadline = started + args.minutes * 60 if args.minutes else None
    notes_checked = tasks_done = failing_tasks = 0
    by_kind: Counter[str] = Counter()
    groups: Counter[str] = Counter()
    first_seed: dict[str, int] = {}
    first_text: dict[str, str] = {}
    last_report = started

    def seeds():
        seed = args.seed
        while True:
            yield seed
            seed += 1

    print(f"fuzz_long: target {args.notes:,} notes, {args.jobs} processes, seeds from {args.seed}", flush=True)
    context = multiprocessing.get_context("spawn")
    with context.Pool(args.jobs, initializer=_worker_ignores_interrupts, maxtasksperchild=200) as pool:
        try:
            for seed, kind, notes, failures in pool.imap_unordered(run_task, seeds(), chunksize=1):
                tasks_done += 1
                notes_checked += notes
                by_kind[kind] += notes
                if failures:
                    failing_tasks += 1
                for failure in failures:
                    key = group(failure)
                    groups[key] += 1
                    if key not in first_seed:
                        first_seed[key], first_text[key] = seed, failure
                        print(f"NEW FAILURE (seed {seed}, {kind}): {failure[:2000]}", flush=True)
                        save_example(seed)
                now = time.monotonic()
                if now - last_report >= args.report_every:
                    last_report = now
                    rate = notes_checked / (now - started)
                    print(
                        f"{now - started:7.0f} s: {notes_checked:,} notes, {tasks_done:,} tasks, "
                        f"{failing_tasks} failing, {rate:.0f} notes/s",
                        flush=True,
                    )
                if notes_checked >= args.notes or (deadline and now >= deadline):
                    break
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # ``timeout`` sends it twice: the summary comes first
        pool.terminate()

    elapsed = time.monotonic() - started
    print()
    print(
        f"checked {notes_checked:,} notes in {tasks_done:,} tasks ({elapsed:.0f} s, {notes_checked / elapsed:.0f} notes/s)"
    )
    print("  by kind: " + ", ".join(f"{kind} {count:,}" for kind, count in sorted(by_kind.items())))
    print(f"  failing tasks: {failing_tasks}; kinds of failure: {len(groups)}")
    for key, count in groups.most_common():
        print(f"  {count:6}x  {key}")
        print(f"           first: seed {first_seed[key]} (bench/.scratch/fuzz-failures/{first_seed[key]}/)")
    return 1 if groups else 0


if __name__ == "__main__":
    sys.exit(main())
