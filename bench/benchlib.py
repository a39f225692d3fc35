"""Shared helpers for vaultlint's benchmark scripts (not part of the product).

Timing a command honestly needs a few things the standard library does not
bundle: wall time, the peak memory of the child and of any worker processes it
starts, a timeout that also kills the workers, and a readable reason when the
command fails. They live here so bench_speed.py and bench_scaling.py measure
in exactly the same way.

Standard library only; Linux for the memory numbers (``/proc``, ``wait4``).
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
SCRATCH = BENCH_DIR / ".scratch"  # git-ignored: vaults, caches, peers, results
DEFAULT_CORPORA = REPO_ROOT.parent / "shared" / "corpora"

# vaultlint's exit codes: 0 clean, 1 problems found (both are a successful run),
# 2 usage/config/internal error. Peers (markdownlint-cli2) use the same scheme.
OK_EXIT_CODES = (0, 1)


# --------------------------------------------------------------------------
# Running one command
# --------------------------------------------------------------------------


@dataclass
class RunResult:
    wall: float = 0.0  # seconds, perf_counter around start..reap
    #: user + system CPU seconds of the process and the workers it reaped (wait4's
    #: rusage): unlike wall time, barely moved by other jobs on a shared machine.
    cpu: float = 0.0
    returncode: int | None = None
    max_rss_mb: float = 0.0  # largest single process (kernel's ru_maxrss via wait4)
    tree_peak_mb: float = 0.0  # sampled peak of the summed PSS of all processes in the tree
    max_procs: int = 1  # most processes seen at once (1 = no worker pool)
    #: False for a run timed without the memory sampler (see ``run_timed``): its memory is unknown.
    memory_sampled: bool = True
    stderr: str = ""
    error: str | None = None  # set when the run failed; a one-line reason

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def peak_mb(self) -> float:
        """Peak memory to compare with a budget.

        With one process the kernel's max RSS is exact. With a worker pool the
        summed PSS of the tree is what the machine really had to hold (PSS
        splits pages shared after fork() fairly instead of counting them once
        per worker). Take whichever is larger.
        """
        return max(self.max_rss_mb, self.tree_peak_mb)


def _tree_pids(root: int) -> list[int]:
    """The root and all its descendants, via /proc/PID/task/TID/children."""
    pids = [root]
    i = 0
    while i < len(pids):
        pid = pids[i]
        i += 1
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as f:
                    pids.extend(int(x) for x in f.read().split())
        except (OSError, ValueError):
            pass  # the process ended between two reads
    return pids


def _hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class _TreeMemorySampler(threading.Thread):
    """Samples the process tree's memory while a command runs.

    wait4() only reports the largest *single* process. A process pool holds
    several at once, so every ``interval`` seconds we list the tree and, only
    when it has more than one process, sum their PSS (reading smaps_rollup
    costs the kernel a page-table walk, so a lone process is left alone: its
    peak comes exactly from wait4).
    """

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.peak_kb = 0
        #: The root process's own high-water mark (VmHWM).  wait4's ru_maxrss is not
        #: usable alone: on Linux a child can report a peak it inherited through
        #: fork and exec, which made every run after a big peer show the peer's peak.
        self.hwm_kb = 0
        self.max_procs = 1
        self.done = threading.Event()
        self.enabled = os.path.exists(f"/proc/{pid}/task")

    def run(self) -> None:
        while self.enabled and not self.done.wait(self.interval):
            self.hwm_kb = max(self.hwm_kb, _hwm_kb(self.pid))
            pids = _tree_pids(self.pid)
            if len(pids) > 1:
                self.max_procs = max(self.max_procs, len(pids))
                self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in pids))


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_timed(
    cmd: Sequence[str],
    *,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    stdout_path: Path | None = None,
    timeout: float | None = None,
    sample_memory: bool = True,
) -> RunResult:
    """Run ``cmd`` once; return wall time, exit code, peak memory and stderr.

    stdout goes to ``stdout_path`` (or /dev/null), never to a pipe: a linter
    printing thousands of problems into a pipe we do not drain would block,
    and draining it would add our own work to the measured time.

    ``sample_memory=False`` times the command alone.  The sampler reads every
    process's ``smaps_rollup`` 50 times a second when there are several: a page-table
    walk that costs CPU on a two-core machine and holds the process's memory lock,
    stalling its page faults.  It slowed a two-process vaultlint by 10-25 % while a
    one-process, multi-threaded peer (rumdl) was never sampled that way, so timed runs
    and memory runs are kept apart (``Series.memory``).
    """
    res = RunResult()
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    err = tempfile.TemporaryFile()
    timer: threading.Timer | None = None
    try:
        t0 = time.perf_counter()
        try:
            # A new session makes the child a process-group leader, so a
            # timeout can kill its workers too, by the group id we created.
            proc = subprocess.Popen(
                list(cmd), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True
            )
        except OSError as e:
            res.error = f"cannot start {cmd[0]}: {e.strerror or e}"
            return res
        sampler = _TreeMemorySampler(proc.pid)
        sampler.enabled = sampler.enabled and sample_memory
        sampler.start()
        if timeout:
            timer = threading.Timer(timeout, _kill_group, args=(proc.pid,))
            timer.start()
        try:
            # wait4 (not Popen.wait) to get this child's rusage: ru_maxrss is
            # its peak RSS (KiB on Linux), or that of its largest reaped child.
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            _kill_group(proc.pid)  # Ctrl-C: do not leave a detached group running
            proc.wait()
            raise
        res.wall = time.perf_counter() - t0
        res.cpu = usage.ru_utime + usage.ru_stime
        proc.returncode = res.returncode = os.waitstatus_to_exitcode(status)
        sampler.done.set()
        sampler.join()
        # The sampled VmHWM when there is one (see _TreeMemorySampler.hwm_kb); a run
        # too short to be sampled falls back to the kernel's number.
        res.memory_sampled = sample_memory
        if sample_memory:
            res.max_rss_mb = (sampler.hwm_kb or usage.ru_maxrss) / 1024
            res.tree_peak_mb = sampler.peak_kb / 1024
            res.max_procs = sampler.max_procs
        err.seek(0)
        res.stderr = err.read().decode("utf-8", "replace")
        if res.returncode == 1 and "Traceback (most recent call last)" in res.stderr:
            # An uncaught Python exception also exits with 1, which would
            # otherwise pass for "problems found".
            res.error = f"crashed: {failure_line(res.stderr)}"
        elif res.returncode not in OK_EXIT_CODES:
            if timer is not None and not timer.is_alive() and res.returncode == -signal.SIGKILL:
                res.error = f"timed out after {timeout:.0f} s"
            else:
                res.error = f"exit {res.returncode}: {failure_line(res.stderr)}"
        return res
    finally:
        if timer is not None:
            timer.cancel()
        err.close()
        if stdout_path:
            out.close()  # type: ignore[union-attr]


def failure_line(stderr: str) -> str:
    """The one stderr line that says why a command failed.

    Usually the first line; but a Python traceback starts with "Traceback" and
    a click usage error with "Usage:", and in both the reason is further down.
    """
    lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    if not lines:
        return "(no output on stderr)"
    for ln in lines:
        if ln.lower().startswith("error:"):
            return ln[:200]
    if lines[0].startswith(("Traceback", "Usage:")):
        return lines[-1][:200]
    return lines[0][:200]


# --------------------------------------------------------------------------
# vaultlint itself
# --------------------------------------------------------------------------


def vaultlint_command(spec: str | None) -> tuple[list[str], dict[str, str]]:
    """The vaultlint command line prefix and environment to run it with.

    ``--vaultlint CMD`` wins; else the ``vaultlint`` on PATH; else the one in
    this checkout's ``.venv`` (where the project is installed for development,
    so the benchmark works without activating it); else ``python -m vaultlint``
    with this checkout's src/ on PYTHONPATH.
    """
    env = dict(os.environ)
    env["NO_COLOR"] = "1"  # no escape codes in captured output
    # A user's install has compiled bytecode (pip compiles it); with PYTHONDONTWRITEBYTECODE set
    # (as some sessions' environments have it) every run compiled vaultlint anew: 0.15 s of a
    # warm run of 1.5 s.  Without it, the first run writes the bytecode and the others use it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if spec:
        return shlex.split(spec), env
    exe = shutil.which("vaultlint")
    if exe:
        return [exe], env
    venv_exe = REPO_ROOT / ".venv" / "bin" / "vaultlint"
    if venv_exe.exists():
        return [str(venv_exe)], env
    src = str(REPO_ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return [sys.executable, "-m", "vaultlint"], env


def tool_version(cmd: Sequence[str], env: dict[str, str] | None = None) -> str:
    try:
        r = subprocess.run([*cmd, "--version"], capture_output=True, text=True, env=env, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"unknown ({e})"
    text = (r.stdout or r.stderr).strip().splitlines()
    return text[0] if r.returncode == 0 and text else f"unknown ({failure_line(r.stderr)})"


def parse_diagnostics(path: Path) -> list[dict] | None:
    """Diagnostics from vaultlint's ``--output-format json`` output, if parseable.

    The exact JSON shape is vaultlint's business; accept a top-level list or
    an object holding the list under a usual key.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict):
        for key in ("diagnostics", "results", "problems", "violations", "messages"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
    if not isinstance(data, list):
        return None
    return [d for d in data if isinstance(d, dict)]


def diag_code(d: dict) -> str:
    for key in ("code", "rule", "rule_id", "check"):
        v = d.get(key)
        if isinstance(v, str):
            return v
        if isinstance(v, dict) and isinstance(v.get("code"), str):
            return v["code"]
    return "?"


# --------------------------------------------------------------------------
# Vault files
# --------------------------------------------------------------------------


def tree_stats(root: Path) -> tuple[int, int, int]:
    """(files, Markdown files, Markdown bytes), skipping dot-folders like Obsidian."""
    files = md = md_bytes = 0
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith("."):
                continue
            files += 1
            if name.lower().endswith(".md"):
                md += 1
                md_bytes += os.path.getsize(os.path.join(dirpath, name))
    return files, md, md_bytes


def warm_page_cache(root: Path) -> None:
    """Read every Markdown file once, untimed.

    So that "cold" in the results means "no vaultlint cache", not "first read
    from disk": otherwise whichever tool runs first pays for the disk.
    """
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.endswith(".md"):
                with open(os.path.join(dirpath, name), "rb") as f:
                    f.read()


def markdown_files(root: Path) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        out.extend(Path(dirpath, n) for n in sorted(filenames) if n.endswith(".md") and not n.startswith("."))
    return out


# --------------------------------------------------------------------------
# Summaries and formatting
# --------------------------------------------------------------------------


@dataclass
class Series:
    """All runs of one command on one vault."""

    runs: list[RunResult] = field(default_factory=list)
    #: One more run with the memory sampler, when the timed runs went without it.
    memory: RunResult | None = None

    @property
    def memory_runs(self) -> list[RunResult]:
        """The runs whose memory was sampled."""
        runs = [*self.ok_runs, *([self.memory] if self.memory is not None and self.memory.ok else [])]
        return [r for r in runs if r.memory_sampled]

    @property
    def ok_runs(self) -> list[RunResult]:
        return [r for r in self.runs if r.ok]

    @property
    def error(self) -> str | None:
        bad = [r for r in self.runs if not r.ok]
        return bad[0].error if bad else None

    @property
    def median(self) -> float | None:
        ok = self.ok_runs
        return statistics.median(r.wall for r in ok) if ok and not self.error else None

    @property
    def min(self) -> float | None:
        return min(r.wall for r in self.ok_runs) if self.median is not None else None

    @property
    def max(self) -> float | None:
        return max(r.wall for r in self.ok_runs) if self.median is not None else None

    @property
    def peak_mb(self) -> float | None:
        sampled = self.memory_runs
        return max(r.peak_mb for r in sampled) if sampled else None

    @property
    def max_procs(self) -> int:
        return max((r.max_procs for r in self.memory_runs), default=1)

    @property
    def cpu_median(self) -> float | None:
        ok = self.ok_runs
        return statistics.median(r.cpu for r in ok) if ok and not self.error else None

    def to_json(self) -> dict:
        return {
            "median_s": self.median,
            "min_s": self.min,
            "max_s": self.max,
            "peak_mb": self.peak_mb,
            "cpu_median_s": self.cpu_median,
            "error": self.error,
            "memory_run": None
            if self.memory is None
            else {"wall_s": round(self.memory.wall, 4), "peak_mb": round(self.memory.peak_mb, 1)},
            "runs": [
                {
                    "wall_s": round(r.wall, 4),
                    "cpu_s": round(r.cpu, 4),
                    "returncode": r.returncode,
                    "max_rss_mb": round(r.max_rss_mb, 1),
                    "tree_peak_mb": round(r.tree_peak_mb, 1),
                    "max_procs": r.max_procs,
                    "memory_sampled": r.memory_sampled,
                    "error": r.error,
                }
                for r in self.runs
            ],
        }


def fmt_s(x: float | None) -> str:
    if x is None:
        return "-"
    if x < 10:
        return f"{x:.3f}"
    if x < 100:
        return f"{x:.2f}"
    return f"{x:.1f}"


def fmt_cell(s: Series) -> str:
    if s.error:
        return "failed: " + s.error
    if s.median is None:
        return "-"
    if len(s.ok_runs) == 1:
        return f"{fmt_s(s.median)} s"
    return f"{fmt_s(s.median)} s ({fmt_s(s.min)}-{fmt_s(s.max)})"


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]], max_width: int = 60) -> None:
    """A plain text table; long cells (failure reasons) are cut, not wrapped."""
    cut = [[c if len(c) <= max_width else c[: max_width - 3] + "..." for c in row] for row in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *cut)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    print(line)
    print("  ".join("-" * w for w in widths))
    for row in cut:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)))


def machine_summary() -> str:
    try:
        load = ", load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    except OSError:
        load = ""
    return f"{os.cpu_count()} cores{load}, Python {sys.version.split()[0]}, {sys.platform}"
