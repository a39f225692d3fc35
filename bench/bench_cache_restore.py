#!/usr/bin/env python3
"""How warm is a cache restored somewhere else?  (issue 8, point 4)

    python bench/bench_cache_restore.py                 # 6,500 notes, 5 runs each
    python bench/bench_cache_restore.py --notes 500 --runs 3

CI restores ``.vaultlint-cache/`` from an earlier run (``actions/cache``): same
bytes, but another checkout path, other inodes and change times, another HOME,
often another venv.  This script times, on a generated vault:

  warm, same machine      check --offline, cache built here and stats settled
  restored elsewhere      vault + cache copied to a new path (mtimes kept, as a
                          cache restore does), run with another HOME and from
                          another venv (vaultlint copied into a venv of its own)
  restored, second run    the same copy once more: its stats are now recorded

and prints the medians and the ratio restored / warm (target: at most 2).  The
restored run must give the same diagnostics as the warm one, and must not parse
a note: it runs with the parser replaced by one that fails.

Everything is written to bench/.scratch/ (git-ignored).  Standard library only.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib as bl  # noqa: E402
import generate_vault  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SCRATCH = REPO / "bench" / ".scratch" / "cache-restore"
#: Files changed within this many seconds are re-hashed by design (cache.RACY_NS): wait them out.
SETTLE = 2.2

NO_PARSE = (
    "import sys\n"
    "import vaultlint.syntax.note as note\n"
    "def no_parse(path, text):\n"
    "    raise SystemExit(f'parsed {path}: the restored cache was not used')\n"
    "note.parse_note = no_parse\n"
    "from vaultlint.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def other_venv(base: Path) -> Path:
    """A venv of its own holding a copy of vaultlint; dependencies from this interpreter's site-packages."""
    venv = base / "other-venv"
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    shutil.rmtree(site / "vaultlint", ignore_errors=True)
    shutil.copytree(REPO / "src" / "vaultlint", site / "vaultlint", ignore=shutil.ignore_patterns("__pycache__"))
    (site / "vaultlint-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def timed(cmd: list[str], cwd: Path, env: dict[str, str], out: Path) -> float:
    result = bl.run_timed(cmd, cwd=cwd, env=env, stdout_path=out, timeout=600)
    if not result.ok:
        raise SystemExit(f"{' '.join(cmd)}: {result.error}\n{result.stderr}")
    return result.wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=6500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    SCRATCH.mkdir(parents=True, exist_ok=True)
    vault = SCRATCH / f"vault-{args.notes}-s{args.seed}"
    generate_vault.ensure_vault(vault, args.notes, args.seed, log=log)
    shutil.rmtree(vault / ".vaultlint-cache", ignore_errors=True)
    here, env = bl.vaultlint_command(None)
    check = ["check", "--offline", "--output-format", "json", "."]

    log("building the cache (cold run)")
    timed([*here, *check], vault, env, SCRATCH / "cold.json")
    time.sleep(SETTLE)
    timed([*here, *check], vault, env, SCRATCH / "settle.json")  # records the settled stats
    warm = [timed([*here, *check], vault, env, SCRATCH / "warm.json") for _ in range(args.runs)]

    python = other_venv(SCRATCH)
    home = SCRATCH / "other-home"
    home.mkdir(exist_ok=True)
    other_env = {k: v for k, v in env.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "XDG_CACHE_HOME")}
    other_env["HOME"] = str(home)
    restored, second = [], []
    for run in range(args.runs):
        copy = SCRATCH / "ci" / f"checkout-{run}"
        shutil.rmtree(copy.parent, ignore_errors=True)
        shutil.copytree(vault, copy, symlinks=True)  # copy2 keeps mtimes, like a cache restore
        restored.append(timed([str(python), "-c", NO_PARSE, *check], copy, other_env, SCRATCH / "restored.json"))
        time.sleep(SETTLE)
        second.append(timed([str(python), "-c", NO_PARSE, *check], copy, other_env, SCRATCH / "second.json"))
    shutil.rmtree(SCRATCH / "ci", ignore_errors=True)

    same = all(
        json.loads((SCRATCH / name).read_text()) == json.loads((SCRATCH / "warm.json").read_text())
        for name in ("cold.json", "restored.json", "second.json")
    )
    ratio = statistics.median(restored) / statistics.median(warm)
    print(f"vaultlint cache restore, {args.notes} notes, {args.runs} runs each ({bl.machine_summary()})")
    for label, times in (("warm, same machine", warm), ("restored elsewhere", restored), ("restored, 2nd run", second)):
        print(f"  {label:<22} median {statistics.median(times):.3f} s  (min {min(times):.3f}, max {max(times):.3f})")
    print(f"  ratio restored / warm: {ratio:.2f}  {'PASS' if ratio <= 2 else 'FAIL'} (target <= 2)")
    print(f"  same diagnostics in every run: {'yes' if same else 'NO'}")
    return 0 if same and ratio <= 2 else 1


if __name__ == "__main__":
    sys.exit(main())
