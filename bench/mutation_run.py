"""Mutation run: plant one deliberate bug at a time and count the tests that catch it.

A test suite is only as good as the bugs it notices.  Each mutation below is a small,
plausible mistake in one of vaultlint's promises; for each, the source tree is copied to a
temporary folder, the bug is planted there (never in this checkout), and the suite runs
against the copy (``PYTHONPATH`` puts the copy's ``src`` first, for the tests and for every
``python -m vaultlint`` they start).  The goal: every mutation fails at least 3 tests.

    python bench/mutation_run.py                 # every mutation, the whole suite each time
    python bench/mutation_run.py --list          # what would be planted
    python bench/mutation_run.py cache-miss sigint --tests tests/test_cache.py   # some, on some tests
    python bench/mutation_run.py --check         # only check that every mutation still applies

A run first checks the unmutated copy and counts only failures beyond it.  A mutation whose
text is no longer in the source (the code moved on) is reported as "does not apply", not
skipped silently.  Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutation:
    name: str
    what: str
    path: str  # under the repository
    replacements: tuple[tuple[str, str], ...]  # (old, new): each old must occur exactly once


MUTATIONS = (
    Mutation(
        "single-bracket",
        "a single `]` ends a wikilink",
        "src/vaultlint/syntax/wikilinks.py",
        (
            ('close = next_index(state, "]]", start + 2, limit)', 'close = next_index(state, "]", start + 2, limit)'),
            (
                'close = src.find("]]", start + 2, limit if line_end < 0 else line_end)',
                'close = src.find("]", start + 2, limit if line_end < 0 else line_end)',
            ),
            ("    end = close + 2\n", "    end = close + 1\n"),
        ),
    ),
    Mutation(
        "newline-escape",
        "report escaping lets a newline through",
        "src/vaultlint/report/escape.py",
        (('_NAMED = {"\\n": "\\\\n",', '_NAMED = {"\\n": "\\n",'),),
    ),
    Mutation(
        "cache-miss",
        "the parse cache always misses",
        "src/vaultlint/loader.py",
        (
            (
                "return row is not None and self.current_hash(path) == row.hash",
                "return False and row is not None and self.current_hash(path) == row.hash",
            ),
        ),
    ),
    Mutation(
        "fix-in-place",
        "--fix writes straight into the note (truncate, write) instead of a new file renamed over it",
        "src/vaultlint/fix.py",
        (
            (
                'descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", '
                'suffix=".vaultlint")\n    except OSError',
                "descriptor, temporary = os.open(target, os.O_WRONLY | os.O_TRUNC), str(target) + '.none'\n"
                "    except OSError",
            ),
            (
                "        return replace_if_unchanged(temporary, target, checked, expected)\n",
                "        return _Replaced(open(target, 'rb'), target, plan.after.encode('utf-8'))\n",
            ),
        ),
    ),
    Mutation(
        "sigint",
        "Ctrl-C (click's Abort from KeyboardInterrupt) ends as 'aborted', exit 2, not 'interrupted', 130",
        "src/vaultlint/cli.py",
        (
            (
                "        if isinstance(error.__cause__, KeyboardInterrupt):  # click turns Ctrl-C into Abort\n"
                "            return _interrupted()\n",
                "",
            ),
        ),
    ),
    Mutation(
        "unreadable-is-empty",
        "a note that cannot be opened is read as empty instead of VL001",
        "src/vaultlint/vault.py",
        (
            (
                "    except (OSError, RefusedFile) as error:\n"
                "        reason = error.strerror if isinstance(error, OSError) and error.strerror else error\n"
                '        raise UnreadableFile(f"cannot read file: {reason}") from error\n',
                "    except (OSError, RefusedFile):\n        return b''\n",
            ),
        ),
    ),
    Mutation(
        "no-cache-ignored",
        "--no-cache still uses (and writes) the cache",
        "src/vaultlint/api.py",
        (("use_cache=not overrides.no_cache,", "use_cache=True,"),),
    ),
    Mutation(
        "embed-unchecked",
        "a Markdown image embed `![](…)` is not checked (only `![[…]]` is)",
        "src/vaultlint/rules/lk002_missing_embed.py",
        (
            (
                "if not link.kind.is_embed or not link.path.strip():",
                "if not link.kind.is_embed or not link.path.strip() or link.kind.name.startswith('MARKDOWN'):",
            ),
        ),
    ),
)


def copy_tree(destination: Path) -> None:
    """The checkout's files as git sees them (tracked and untracked, not ignored), nothing else."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for raw in filter(None, listed):
        relative = os.fsdecode(raw)
        source = REPO / relative
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the work tree, not yet committed
        target = destination / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)


def plant(root: Path, mutation: Mutation) -> str | None:
    """Apply ``mutation`` under ``root``; a reason when it does not apply."""
    path = root / mutation.path
    if not path.exists():
        return f"{mutation.path} is gone"
    text = path.read_text(encoding="utf-8")
    for old, new in mutation.replacements:
        count = text.count(old)
        if count != 1:
            return f"{mutation.path}: {old.strip()[:60]!r} found {count} times"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    return None


def run_suite(root: Path, tests: list[str], timeout: float) -> tuple[set[str], float]:
    """The ids of the tests that fail or error in the copy at ``root``, and the run's time."""
    report = root / "junit.xml"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), os.environ.get("PYTHONPATH", "")])}
    env.pop("VAULTLINT_DEBUG", None)
    started = time.monotonic()
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", *tests],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=timeout,
    )
    elapsed = time.monotonic() - started
    if not report.exists():
        return {"<the suite did not run>"}, elapsed
    failed = set()
    for case in ET.parse(report).getroot().iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed.add(f"{case.get('classname')}::{case.get('name')}")
    return failed, elapsed


def short(test_id: str) -> str:
    """``tests.test_x::test_y[param]`` as ``test_x::test_y[param]``."""
    module, _, name = test_id.partition("::")
    return f"{module.rsplit('.', 1)[-1]}::{name}"


def in_copy(action):
    with tempfile.TemporaryDirectory(prefix="vaultlint-mutation-") as folder:
        root = Path(folder) / "repo"
        copy_tree(root)
        shared = REPO.parent / "shared"
        if shared.is_dir():  # the corpora and OBSIDIAN.md's fixtures, read-only, where tests look for them
            (Path(folder) / "shared").symlink_to(shared)
        return action(root)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="mutations to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per suite run")
    parser.add_argument("--check", action="store_true", help="check that each mutation applies, run nothing")
    parser.add_argument("--tests", nargs="+", default=[], help="the tests to run (default: the whole suite)")
    args = parser.parse_args()
    tests = args.tests
    known = {m.name: m for m in MUTATIONS}
    chosen = [known[name] for name in args.names] if args.names else list(MUTATIONS)
    if args.list:
        for m in MUTATIONS:
            print(f"{m.name:22} {m.path:45} {m.what}")
        return 0
    if args.check:
        problems = [(m.name, in_copy(lambda root, m=m: plant(root, m))) for m in chosen]
        for name, problem in problems:
            print(f"{name}: {problem or 'applies'}")
        return 1 if any(problem for _, problem in problems) else 0

    baseline, elapsed = in_copy(lambda root: run_suite(root, tests, args.timeout))
    print(f"unmutated: {len(baseline)} failing ({elapsed:.0f} s)", file=sys.stderr)
    rows = []
    for mutation in chosen:

        def attempt(root: Path, mutation: Mutation = mutation) -> tuple[str | None, set[str], float]:
            problem = plant(root, mutation)
            if problem is not None:
                return problem, set(), 0.0
            return None, *run_suite(root, tests, args.timeout)

        problem, failed, elapsed = in_copy(attempt)
        caught = sorted(failed - baseline)
        print(f"{mutation.name}: {problem or len(caught)} ({elapsed:.0f} s)", file=sys.stderr)
        rows.append((mutation, problem, caught))

    print("| mutation | what | tests failing | e.g. |")
    print("|---|---|---:|---|")
    weak = False
    for mutation, problem, caught in rows:
        if problem is not None:
            print(f"| {mutation.name} | {mutation.what} | does not apply | {problem} |")
            weak = True
            continue
        examples = ", ".join(short(name) for name in caught[:3])
        print(f"| {mutation.name} | {mutation.what} | {len(caught)} | {examples} |")
        weak = weak or len(caught) < 3
    if baseline:
        print(f"\n{len(baseline)} tests fail without any mutation (not counted above): {sorted(baseline)[:5]}")
    return 1 if weak else 0


if __name__ == "__main__":
    sys.exit(main())
