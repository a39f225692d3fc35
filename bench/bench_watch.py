#!/usr/bin/env python3
"""Time ``vaultlint check --watch`` from a saved change to its printed result (issue 21).

    .venv/bin/python bench/bench_watch.py                 # 20 saves of each kind
    .venv/bin/python bench/bench_watch.py --saves 40 --corpus ../shared/corpora/obsidian-hub

The vault is a copy of ``../shared/corpora/yoshi-zettelkasten`` (13,415 notes) in
``bench/.scratch/`` (the corpus itself is never written).  One watch runs on it (offline,
``--output-format concise``, its stdout drained as a terminal would take it).  Then, one
at a time with a quiet second between them, the script saves:

- ``edit``: a note gains a broken link, and loses it on the next save (its own result changes);
- ``linked``: the same in a note that many notes link to (their results may change too);
- ``rename``: that note renamed back and forth (every note linking to it changes).

For each save: the time from the write to the watch's time-stamped line on stderr,
which follows the whole printed report.  The watch hands a batch over after 50 ms of
quiet (QUIET_MS), so "after the debounce" is that time minus 50 ms.
Target: a saved change printed within 300 ms after the debounce (median and p95 here).
With ``--anchor``: a warm ``vaultlint check`` of the same vault, measured the same way.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import signal
import stat
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchlib import DEFAULT_CORPORA, REPO_ROOT, SCRATCH, machine_summary

QUIET_S = 0.050  # vaultlint.watch.loop.QUIET_MS
ROUND_LINE = re.compile(r"^\[\d\d:\d\d:\d\d\] .*in (\d+) notes?, ([\d.]+) s; watching for changes$")
_WIKILINK = re.compile(r"\[\[([^\]|#^]+)[\]|#^]")


def copy_vault(corpus: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(corpus, target, symlinks=True, ignore=shutil.ignore_patterns(".vaultlint-cache", ".git"))
    for path in (target, *target.rglob("*")):
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR)
    # A work tree of its own: the checkout's .gitignore (which ignores bench/.scratch/) stops here.
    subprocess.run(["git", "init", "-q", str(target)], check=True, timeout=60)
    return target


def most_linked(vault: Path) -> tuple[Path, int]:
    """The top-level note that the most notes link to by name, and how many do."""
    by_stem = {p.stem.lower(): p for p in vault.glob("*.md")}
    counts: dict[Path, int] = {}
    for note in vault.rglob("*.md"):
        for target in set(_WIKILINK.findall(note.read_text(encoding="utf-8", errors="replace"))):
            found = by_stem.get(target.strip().lower())
            if found is not None and found != note:
                counts[found] = counts.get(found, 0) + 1
    best = max(counts, key=lambda p: (counts[p], str(p)))
    return best, counts[best]


class Watch:
    def __init__(self, vault: Path, python: str) -> None:
        self.rounds: queue.Queue[tuple[float, str]] = queue.Queue()
        self.process = subprocess.Popen(
            [python, "-m", "vaultlint", "check", "--watch", "--offline", "--color", "never"]
            + ["--output-format", "concise", str(vault)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        threading.Thread(target=self._drain, daemon=True).start()
        threading.Thread(target=self._stamps, daemon=True).start()

    def _drain(self) -> None:
        for _ in self.process.stdout:
            pass

    def _stamps(self) -> None:
        for line in self.process.stderr:
            now = time.perf_counter()
            if ROUND_LINE.match(line.rstrip("\n")):
                self.rounds.put((now, line.rstrip("\n")))
            elif "error" in line:
                print("watch:", line.rstrip("\n"), file=sys.stderr)

    def next_round(self, timeout: float) -> tuple[float, str]:
        return self.rounds.get(timeout=timeout)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def measure(watch: Watch, saves: list) -> list[tuple[float, float]]:
    """(seconds from the write to the round's line, the check time the line reports) per save."""
    found = []
    for save in saves:
        time.sleep(1.0)  # a quiet vault: each save is a batch of its own
        while not watch.rounds.empty():
            watch.rounds.get_nowait()
        started = time.perf_counter()
        save()
        arrived, line = watch.next_round(timeout=60)
        found.append((arrived - started, float(ROUND_LINE.match(line).group(2))))
    return found


def edits(note: Path, count: int) -> list:
    original = note.read_text(encoding="utf-8")

    def save(index: int):
        text = original + f"\n[[no such note {index}]]\n" if index % 2 == 0 else original
        return lambda: note.write_text(text, encoding="utf-8")

    return [save(i) for i in range(count)]


def renames(note: Path, count: int) -> list:
    other = note.with_name(note.stem + " (renamed).md")

    def save(index: int):
        return (lambda: note.rename(other)) if index % 2 == 0 else (lambda: other.rename(note))

    return [save(i) for i in range(count if count % 2 == 0 else count + 1)]


def anchor(vault: Path, python: str, runs: int = 3) -> float:
    """A warm ``vaultlint check`` of the vault (one untimed run first), median seconds."""
    command = [python, "-m", "vaultlint", "check", "--offline", "-q", "--output-format", "concise", str(vault)]
    subprocess.run(command, capture_output=True, check=False)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, check=False)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPORA / "yoshi-zettelkasten")
    parser.add_argument("--saves", type=int, default=20, help="saves of each kind")
    parser.add_argument("--anchor", action="store_true", help="also time a warm vaultlint check")
    parser.add_argument("--python", default=str(REPO_ROOT / ".venv" / "bin" / "python"))
    args = parser.parse_args()

    vault = copy_vault(args.corpus, SCRATCH / "watch-vault")
    notes = sorted(vault.rglob("*.md"))
    leaf = notes[len(notes) // 2]
    linked, backlinks = most_linked(vault)
    print(machine_summary())
    print(f"vault: {vault} ({len(notes)} notes); linked note: {linked.name} ({backlinks} notes link to it)")
    started = time.perf_counter()
    watch = Watch(vault, args.python)
    try:
        _, first = watch.next_round(timeout=600)
        print(f"first result printed after {time.perf_counter() - started:.2f} s: {first}")
        rows = []
        for name, saves in (
            ("edit", edits(leaf, args.saves)),
            ("linked", edits(linked, args.saves)),
            ("rename", renames(linked, args.saves)),
        ):
            found = measure(watch, saves)
            latency = [seconds for seconds, _ in found]
            checked = [seconds for _, seconds in found]
            rows.append((name, len(found), latency, checked))
    finally:
        watch.stop()
    print()
    print("| save | n | write -> printed, median | p95 | after the debounce, median | p95 | check inside, median |")
    print("|---|---|---|---|---|---|---|")
    for name, count, latency, checked in rows:
        median, high = statistics.median(latency), p95(latency)
        print(
            f"| {name} | {count} | {median * 1000:.0f} ms | {high * 1000:.0f} ms | {(median - QUIET_S) * 1000:.0f} ms"
            f" | {(high - QUIET_S) * 1000:.0f} ms | {statistics.median(checked) * 1000:.0f} ms |"
        )
    if args.anchor:
        print(f"\nanchor: warm `vaultlint check` of the vault, median of 3: {anchor(vault, args.python):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
