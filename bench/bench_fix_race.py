#!/usr/bin/env python3
"""Does ``--fix`` ever lose a write made at the same moment?  (issue 8: 1 in ~55,000 before)

    python bench/bench_fix_race.py                 # 60 s
    python bench/bench_fix_race.py --seconds 5     # a quick smoke test

One process appends numbered lines to a note as fast as it can (open, append,
close: what an editor or a sync client does); this process replaces the same
note over and over with vaultlint's own ``write_fix`` (toggling ``tag:`` and
``tags:`` in its frontmatter), each time from a fresh read.  At the end every
appended line must still be in the note.  A fix that meets a change is refused
("it changed…"), which is the point: refusals are counted, losses must be 0.

The window that remains is between the last look and the rename (microseconds);
no rename-based writer can close it without the other writer's cooperation.

Standard library and vaultlint only.  Writes only into a temporary folder.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from pathlib import Path

from vaultlint.fix import FileFix, FixRefused, write_fix


def append_lines(path: str, stop_at: float, counter) -> None:  # type: ignore[no-untyped-def]
    number = 0
    while time.monotonic() < stop_at:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(f"line {number}\n")
        number += 1
    counter.value = number


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        note = root / "a.md"
        note.write_text("---\ntag: x\n---\n", encoding="utf-8")
        stop_at = time.monotonic() + args.seconds
        counter = multiprocessing.Value("q", 0)
        appender = multiprocessing.Process(target=append_lines, args=(str(note), stop_at, counter))
        appender.start()
        fixed = refused = 0
        while time.monotonic() < stop_at:
            before = note.read_text(encoding="utf-8")
            after = (
                before.replace("tag: x", "tags: x", 1) if "tag: x" in before else before.replace("tags: x", "tag: x", 1)
            )
            try:
                write_fix(FileFix("a.md", before, after, 1), root)
                fixed += 1
            except FixRefused:
                refused += 1
        appender.join()
        lines = set(note.read_text(encoding="utf-8").splitlines())
        lost = [n for n in range(counter.value) if f"line {n}" not in lines]
    print(f"appended {counter.value:,} lines; {fixed:,} fixes written, {refused:,} refused; lost lines: {len(lost)}")
    return 1 if lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
