#!/usr/bin/env python3
"""How many names an exact "did you mean" search must read, under each bound one could index (issue 20, point 1).

    nice python bench/bench_hint_bounds.py                        # 25k and 200k notes, 20 queries of each kind
    nice python bench/bench_hint_bounds.py --sizes 2000 --queries 5   # a smoke test

A hint must be exactly today's (tie order included): every name that might reach the
winner's score has to be scored, or excluded by a bound that is never wrong.  A search can
only take time independent of the vault's size if some bound leaves a number of names that
does not grow with the vault.  For the names of generated vaults (``bench_hints.py``'s broken
names: links to notes that do not exist, pasted images that do not exist, typos of real names),
this counts, per query, among the names the search compares (same first or last character,
similar length):

* ``chars``: names whose character counts allow the winner's score (the bound vaultlint's
  index uses, :mod:`vaultlint.hints`), or 80 when there is no winner;
* ``bigrams``: of those, names that also share enough two-character pieces: a common
  subsequence of ``c`` characters keeps at least ``3c - la - lb - 1`` of them adjacent in both
  names (the usual q-gram count filter, which sees some of the order);
* ``reach``: names that really reach that score (the winner and its ties): what any exact
  search must score, whatever its index;
* ``80+``: names scoring 80 or more, the least a hint may score: how crowded the query's
  neighbourhood is (a hint that names one of thousands of names scoring 80 helps little);
* ``blocks``: the share of 64-name blocks (in each bucket's alphabetical order) whose union of
  characters allows the score: a summary tree over the names could skip only the others;
* ``deletions``: the entries a deletion index (every name with up to a fifth of its characters
  deleted, what a ratio of 80 allows between names of one length) would hold for the vault.

Reads nothing from disk; needs the venv's Python (rapidfuzz).  Slow: it scores every compared
name of every query (a few minutes at 200,000 notes).
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent / "tests"))

from bench_hints import KINDS, broken_names, vault_names  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402
from rapidfuzz.distance import LCSseq  # noqa: E402

from vaultlint.hints import MIN_SCORE, NameIndex, min_common, occurrences  # noqa: E402

BLOCK = 64


def bigrams(text: str) -> Counter[str]:
    return Counter(text[i : i + 2] for i in range(len(text) - 1))


def compared(index: NameIndex, wanted: str) -> list[str]:
    """The names the search compares with ``wanted``: those of the index's buckets of the same first
    or last character, within the length slack (each name once)."""
    size = len(wanted)
    slack = max(2, size // 4)
    seen: dict[str, None] = {}
    for end in (0, -1):
        group = index._group(end, wanted[end])
        for length in range(size - slack, size + slack + 1):
            seen.update(dict.fromkeys(group.buckets.get(length, ()) if group else ()))
    return list(seen)


def count(wanted: str, names: list[str], winner: str | None) -> dict[str, float]:
    """The counts described in the module's docstring, for one query."""
    score = MIN_SCORE if winner is None else fuzz.ratio(wanted, winner)
    size = len(wanted)
    wanted_chars, wanted_pairs, wanted_occurrences = Counter(wanted), bigrams(wanted), occurrences(wanted)
    by_chars = by_pairs = reach = crowd = 0
    buckets: dict[int, list[str]] = {}
    for name in names:
        common = LCSseq.similarity(wanted, name)
        crowd += common >= min_common(MIN_SCORE, size, len(name))
        needed = min_common(score, size, len(name))
        if needed > min(size, len(name)):
            continue
        buckets.setdefault(len(name), []).append(name)
        if (wanted_chars & Counter(name)).total() < needed:
            continue
        by_chars += 1
        if (wanted_pairs & bigrams(name)).total() >= 3 * needed - size - len(name) - 1:
            by_pairs += 1
        if common >= needed:
            reach += 1
    blocks = kept = 0
    for length, bucket in buckets.items():
        most_missed = size - min_common(score, size, length)
        ordered = sorted(bucket)
        for start in range(0, len(ordered), BLOCK):
            present: set[str] = set()
            for name in ordered[start : start + BLOCK]:
                present.update(occurrences(name))
            blocks += 1
            kept += sum(occurrence not in present for occurrence in wanted_occurrences) <= most_missed
    return {
        "compared": len(names),
        "chars": by_chars,
        "bigrams": by_pairs,
        "reach": reach,
        "crowd": crowd,
        "blocks_kept": kept / blocks if blocks else 0.0,
    }


def deletion_entries(name: str) -> int:
    """A name's entries in a deletion index: the name with up to a fifth of its characters deleted."""
    return sum(math.comb(len(name), k) for k in range(len(name) // 5 + 1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25000,200000", help="notes per vault, comma-separated")
    parser.add_argument("--queries", type=int, default=20, help="broken names of each kind per size")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(
        f"{'notes':>7} {'kind':>8} | median per query: {'compared':>8} {'chars':>6} {'bigrams':>7} {'reach':>5} {'80+':>6}"
        f" {'blocks kept':>11} | max chars | deletion index"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        stems, everything, generator = vault_names(size, args.seed)
        names = {False: stems, True: everything}
        index = {attachments: NameIndex(names[attachments]) for attachments in (False, True)}
        rng = random.Random(args.seed)
        wanted_per_kind: dict[str, list[tuple[str, bool]]] = {kind: [] for kind in KINDS}
        while any(len(found) < args.queries for found in wanted_per_kind.values()):
            for wanted, attachments, kind in broken_names(generator, 50, rng):
                if wanted and len(wanted_per_kind[kind]) < args.queries:
                    wanted_per_kind[kind].append((wanted, attachments))
        entries = [deletion_entries(name) for name in everything]
        deletions = f"{statistics.median(entries):,.0f} a name (median), {sum(entries):.1e} in all"
        for kind, queries in wanted_per_kind.items():
            rows = [
                count(wanted, compared(index[attachments], wanted), index[attachments].closest(wanted))
                for wanted, attachments in queries
            ]
            median = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
            print(
                f"{size:>7} {kind:>8} | {'':>17} {median['compared']:>8.0f} {median['chars']:>6.0f}"
                f" {median['bigrams']:>7.0f} {median['reach']:>5.0f} {median['crowd']:>6.0f} {median['blocks_kept']:>11.0%} |"
                f" {max(row['chars'] for row in rows):>9} | {deletions}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
