"""The long differential run of issue 21: random changes to vaults, the workspace against a fresh
``vaultlint check --no-cache`` after every step (``tests/workspace_steps.py``).

    python bench/workspace_differential.py --minutes 20 --notes 30 --steps 200
    python bench/workspace_differential.py --seed 1234 --steps 200      # replay one seed
    python bench/workspace_differential.py --notes 60 --restart-every 5  # warm starts from the cache

Each round takes the next seed: a generated vault of ``--notes`` notes, or (every
``--corpus-every``-th round) a copy of a small corpus vault from ``../shared/corpora``.  A
real ``vaultlint check`` process is compared every ``--subprocess-every`` steps.  Prints
the rounds, steps and findings; a finding's steps are written to ``bench/.scratch/workspace-differential/``.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))  # tests/ is not installed

from workspace_steps import Mismatch, corpus_vault, generated_vault, run  # noqa: E402

CORPORA = ("kepano-vault", "obsidian-starter-vault", "rpg-east")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=200, help="changes per vault (default 200)")
    parser.add_argument("--notes", type=int, default=30, help="notes of a generated vault (default 30)")
    parser.add_argument("--seed", type=int, default=None, help="run this one seed only")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--minutes", type=float, default=5.0, help="stop starting rounds after this long")
    parser.add_argument("--corpus-every", type=int, default=4, help="every Nth round on a corpus copy (0: never)")
    parser.add_argument("--subprocess-every", type=int, default=50, help="compare with a real process every N steps")
    parser.add_argument(
        "--restart-every", type=int, default=0, help="start the workspace again from the cache every N steps (0: never)"
    )
    args = parser.parse_args()
    corpora = REPO.parent / "shared" / "corpora"
    out = REPO / "bench" / ".scratch" / "workspace-differential"
    seeds = [args.seed] if args.seed is not None else None
    deadline = time.monotonic() + args.minutes * 60
    rounds = steps = 0
    findings: list[str] = []
    seed = args.first_seed
    started = time.monotonic()
    while (seeds is None and time.monotonic() < deadline) or (seeds is not None and rounds < len(seeds)):
        if seeds is not None:
            seed = seeds[rounds]
        use_corpus = args.corpus_every and seed % args.corpus_every == args.corpus_every - 1 and corpora.is_dir()
        with tempfile.TemporaryDirectory(prefix="vaultlint-wsdiff-") as scratch:
            rng = random.Random(seed)
            if use_corpus:
                name = CORPORA[(seed // args.corpus_every) % len(CORPORA)]
                session = corpus_vault(corpora / name, Path(scratch) / "vault", rng)
                kind = name
            else:
                session = generated_vault(Path(scratch) / "vault", rng, args.notes)
                kind = f"generated {args.notes} notes"
            try:
                run(session, args.steps, args.subprocess_every, args.restart_every)
                steps += args.steps
            except Mismatch as error:
                steps += len(session.log)
                findings.append(f"seed {seed} ({kind}), step {len(session.log)}")
                out.mkdir(parents=True, exist_ok=True)
                (out / f"seed-{seed}.txt").write_text(str(error), encoding="utf-8")
                print(f"FINDING seed {seed} ({kind}) at step {len(session.log)}: see {out / f'seed-{seed}.txt'}")
                shutil.copytree(session.root, out / f"seed-{seed}-vault", dirs_exist_ok=True)
        rounds += 1
        seed += 1
        if rounds % 10 == 0:
            print(f"{rounds} rounds, {steps} steps, {len(findings)} findings, {time.monotonic() - started:.0f} s")
    print(
        f"done: {rounds} rounds, {steps} steps compared, {len(findings)} findings in {time.monotonic() - started:.0f} s"
    )
    for finding in findings:
        print(f"  {finding}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
