#!/usr/bin/env python3
"""The "did you mean" search before and after its index (issue 20, point 1), on generated names.

    nice python bench/bench_hints.py                    # 25k, 50k, 100k and 200k notes
    nice python bench/bench_hints.py --sizes 2000 --queries 50   # a smoke test

For each size, the names a vault from ``generate_vault.py`` (seed 1) would have (only the
names: no vault is written), and broken link names like the ones it writes: ``X Y
Missing N`` for links to notes, ``Pasted image 2099…png`` for embeds, plus typos of real
names (the hints that find something).  Then, in CPU time (``time.process_time``: the
machine is shared, wall time would measure the neighbours):

* old: the search that read every name of its buckets (tests/hints_reference.py), per call;
* new: ``vaultlint.hints.NameIndex`` with every group indexed, per call;
* build: indexing every group those calls touch, once;
* run: one run's worth of hints (0.14 per note, as the generated vaults have) with the
  default policy (a group indexed once hints have read it ``BUILD_AFTER`` times over):
  measured for the new search, old per-call time times the calls for the old one.

Both searches must give the same answers on every query; the script says if not.
Needs the venv's Python (rapidfuzz); the names come from bench/generate_vault.py.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent / "tests"))

from generate_vault import VaultGenerator, name_key  # noqa: E402
from hints_reference import ReferenceNames  # noqa: E402

from vaultlint import hints  # noqa: E402

#: Broken links per note in the generated vaults (3,459 hint calls at 25,000 notes).
CALLS_PER_NOTE = 0.14


def vault_names(notes: int, seed: int) -> tuple[list[str], list[str], VaultGenerator]:
    """The lower-cased names hints choose from, as the linter makes them: note stems, and
    note stems plus attachment names (for embeds), in the generator's order."""
    generator = VaultGenerator(notes, seed)
    generator.plan_folders()
    generator.plan_notes()
    generator.plan_attachments()
    stems: dict[str, None] = {}
    with_attachments: dict[str, None] = {}
    for key in generator.by_name:
        if key.endswith(".md"):
            stems.setdefault(key[:-3])
            with_attachments.setdefault(key[:-3])
        else:
            with_attachments.setdefault(key)
    return list(stems), list(with_attachments), generator


KINDS = ("missing", "embed", "typo")


def broken_names(generator: VaultGenerator, count: int, rng: random.Random) -> list[tuple[str, bool, str]]:
    """``count`` (wanted name, attachments, kind) in the generated vault's mix of broken links:
    a note that does not exist (no hint, mostly), a pasted image that does not exist (thousands
    of "Pasted image ..." names score 80 or more) and a typo of a note's name."""
    queries = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.7:
            name = f"{generator.title(2)} Missing {rng.randint(1, 99999)}"
            queries.append((name_key(name), False, "missing"))
        elif kind < 0.85:
            queries.append((f"pasted image 2099{rng.randint(1, 99999999):08d}.png", True, "embed"))
        else:
            name = name_key(rng.choice(generator.notes).name)
            at = rng.randrange(len(name))
            queries.append((name[:at] + rng.choice("aeiourst") + name[at + 1 :], False, "typo"))
    return queries


def per_call(search, queries: list[tuple[str, bool, str]]) -> tuple[dict[str, float], list[str | None]]:
    """CPU seconds per call (in all, and by kind of query), and the answers."""
    spent = dict.fromkeys(KINDS, 0.0)
    answers = []
    for wanted, attachments, kind in queries:
        start = time.process_time()
        answers.append(search(wanted, attachments))
        spent[kind] += time.process_time() - start
    counts = {kind: sum(1 for q in queries if q[2] == kind) or 1 for kind in KINDS}
    result = {kind: spent[kind] / counts[kind] for kind in KINDS}
    result["all"] = sum(spent.values()) / len(queries)
    return result, answers


def measure(notes: int, seed: int, sample: int) -> dict[str, float]:
    stems, everything, generator = vault_names(notes, seed)
    rng = random.Random(seed)
    queries = broken_names(generator, sample, rng)
    names = {False: stems, True: everything}

    old = {a: ReferenceNames(names[a]) for a in (False, True)}
    per_call(lambda w, a: old[a].close_name(w), queries)  # its buckets, made once per run
    old_call, old_answers = per_call(lambda w, a: old[a].close_name(w), queries)

    saved = hints.BUILD_AFTER
    hints.BUILD_AFTER = 1 << 62  # groups made (sorted by length), not indexed
    new = {a: hints.NameIndex(names[a]) for a in (False, True)}
    per_call(lambda w, a: new[a].closest(w), queries)
    start = time.process_time()
    groups = [group for index in new.values() for group in index._groups.values()]
    for group in groups:
        group.build_index()
    build = time.process_time() - start
    hints.BUILD_AFTER = saved
    per_call(lambda w, a: new[a].closest(w), queries)  # the start counts of each length, cached
    new_call, new_answers = per_call(lambda w, a: new[a].closest(w), queries)
    mismatches = sum(x != y for x, y in zip(old_answers, new_answers))

    # One run's worth of hints, with the default policy, from a fresh index.
    calls = int(notes * CALLS_PER_NOTE)
    run_queries = broken_names(generator, calls, random.Random(seed + 1))
    fresh = {a: hints.NameIndex(names[a]) for a in (False, True)}
    start = time.process_time()
    for wanted, attachments, _ in run_queries:
        fresh[attachments].closest(wanted)
    run_new = time.process_time() - start
    index_bytes = sum(sys.getsizeof(bits) for group in groups for bits in (group.lacking or {}).values())
    return {
        "notes": notes,
        "names": len(everything),
        **{f"old_{kind}": old_call[kind] * 1e6 for kind in old_call},
        **{f"new_{kind}": new_call[kind] * 1e6 for kind in new_call},
        "index_mb": index_bytes / 1e6,
        "build_s": build,
        "indexed": sum(len(group.names) for group in groups),
        "calls": calls,
        "run_old_s": old_call["all"] * calls,
        "run_new_s": run_new,
        "hits": sum(answer is not None for answer in old_answers),
        "mismatches": mismatches,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="25000,50000,100000,200000", help="notes per vault, comma-separated")
    parser.add_argument("--queries", type=int, default=400, help="broken names timed per size")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f}; CPU time; {args.queries} queries per size, seed {args.seed}")
    header = (
        f"{'notes':>7} {'names':>7} | µs/call old  new ratio | {'missing':>14} {'embed':>14} {'typo':>14} |"
        f" {'build s':>7} {'index MB':>8} | {'calls':>6} {'run old s*':>10} {'run new s':>9} | hits diff"
    )
    print(header)
    failed = False
    for size in (int(s) for s in args.sizes.split(",")):
        r = measure(size, args.seed, args.queries)
        failed |= r["mismatches"] > 0
        kinds = " ".join(f"{r[f'old_{kind}']:>6.0f} {r[f'new_{kind}']:>7.0f}" for kind in KINDS)
        print(
            f"{r['notes']:>7} {r['names']:>7} | {r['old_all']:>11.0f} {r['new_all']:>4.0f} {r['old_all'] / r['new_all']:>5.1f} |"
            f" {kinds} | {r['build_s']:>7.2f} {r['index_mb']:>8.1f} |"
            f" {r['calls']:>6} {r['run_old_s']:>10.1f} {r['run_new_s']:>9.1f} | {r['hits']:>4} {r['mismatches']:>4}",
            flush=True,
        )
    print(
        "missing, embed, typo: µs per call old and new by kind of query. build: indexing every group the"
        " calls touch. * old per call x calls; 'run new' is measured, index builds included. diff: answers"
        " that differ (must be 0)."
    )
    if failed:
        print("FAILED: the index and the old search gave different answers")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
