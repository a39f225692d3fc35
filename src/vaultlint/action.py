"""The steps of the GitHub Action (``action.yml``), as a program a test can run.

``python -m vaultlint.action`` reads the action's inputs from ``VAULTLINT_*``
variables (``action.yml`` maps each input to one, so no input is ever pasted
into a shell script) and GitHub's own variables, then:

1. decides what to check: on ``pull_request`` (and ``pull_request_target``)
   only the problems the pull request brings, ``--new-since origin/<base>``,
   fetching the base branch when the checkout has not (``actions/checkout``
   fetches one commit); an explicit ``new-since`` input wins; on every other
   event (push, schedule, by hand) the whole vault;
2. runs ``vaultlint check`` with ``--output-format github``: annotations in the
   log, and the run's exit code is the step's;
3. runs it again for the job summary (``--output-format markdown``, appended to
   ``GITHUB_STEP_SUMMARY``) and for the SARIF file when one is asked for;
   notes come from the cache the first run filled;
4. writes the outputs ``errors``, ``warnings`` and ``report`` (the summary's
   file) to ``GITHUB_OUTPUT``.

The environment and the inputs are the workflow's, so trusted; the repository
is not, and nothing here reads it except through vaultlint and ``git fetch``
of the base branch from ``origin``.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .git.run import ask_git, safe_environment

#: The events whose run checks only what a pull request changes.
PULL_REQUEST_EVENTS = frozenset({"pull_request", "pull_request_target"})
FETCH_TIMEOUT = 300


@dataclass(frozen=True)
class Inputs:
    """The action's inputs, as ``action.yml`` declares them."""

    path: str = "."
    args: tuple[str, ...] = ()
    new_since: str = ""
    baseline: str = ""
    urls: bool = False
    sarif: str = ""
    fail_on: str = ""
    cache_dir: str = ""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Inputs:
        def get(name: str) -> str:
            return environ.get(f"VAULTLINT_{name}", "").strip()

        urls = get("URLS").lower()
        if urls not in ("", "true", "false"):
            raise ActionError(f'input "urls" must be true or false, not {urls!r}')
        return cls(
            path=get("PATH") or ".",
            args=tuple(shlex.split(get("ARGS"))),
            new_since=get("NEW_SINCE"),
            baseline=get("BASELINE"),
            urls=urls == "true",
            sarif=get("SARIF"),
            fail_on=get("FAIL_ON"),
            cache_dir=get("CACHE_DIR"),
        )


class ActionError(Exception):
    """A one-line error for the workflow log (``::error::``); the step fails."""


def compare_with(inputs: Inputs, environ: Mapping[str, str], cwd: Path) -> str | None:
    """The ref whose problems are old, or ``None`` to check the whole vault."""
    if inputs.new_since:
        return inputs.new_since
    base = environ.get("GITHUB_BASE_REF", "")
    if environ.get("GITHUB_EVENT_NAME") not in PULL_REQUEST_EVENTS or not base:
        return None
    ref = f"origin/{base}"
    if _git_says(cwd, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is None:
        # actions/checkout fetches the merge commit alone: bring the base branch's tip (one
        # commit in a shallow clone, as checkout makes one; a full clone stays full).
        depth = ["--depth=1"] if _git_says(cwd, "rev-parse", "--is-shallow-repository") == "true" else []
        refspec = f"+refs/heads/{base}:refs/remotes/{ref}"
        fetched = _fetch(cwd, "--no-tags", "--no-recurse-submodules", *depth, "origin", refspec)
        if not fetched:
            raise ActionError(f"cannot fetch the base branch {base!r} from origin (is this a git checkout?)")
    return ref


def _git_says(cwd: Path, *args: str) -> str | None:
    """git's answer (stdout, stripped), or ``None`` when git is missing or fails: asked as a
    reader (:mod:`vaultlint.git.run`), so nothing the repository configures runs."""
    answer = ask_git(cwd, *args)
    return answer.decode("utf-8", "replace").strip() if answer is not None else None


def _fetch(cwd: Path, *args: str) -> bool:
    """``git fetch``: the one git call that needs a transport, with the repository's
    hooks and file-system monitor still off."""
    command = ["git", "-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "fetch", *args]
    try:
        done = subprocess.run(
            command, cwd=cwd, capture_output=True, env=safe_environment(), timeout=FETCH_TIMEOUT, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def check_command(inputs: Inputs, ref: str | None, output_format: str, *extra: str) -> list[str]:
    """``vaultlint check`` for ``output_format``; ``extra`` options go before the user's arguments."""
    command = [sys.executable, "-m", "vaultlint", "check", "--output-format", output_format, *extra]
    if ref is not None:
        command += ["--new-since", ref]
    if inputs.baseline:
        command += ["--baseline", inputs.baseline]
    if not inputs.urls:
        command.append("--offline")
    if inputs.fail_on:
        command += ["--fail-on", inputs.fail_on]
    if inputs.cache_dir:
        command += ["--cache-dir", inputs.cache_dir]
    # The user's own arguments last, then "--": the path is never read as an option.
    return [*command, *inputs.args, "--", inputs.path]


def count_annotations(text: str) -> tuple[int, int]:
    """Errors and warnings in ``--output-format github`` output (its overflow notice is neither)."""
    lines = text.splitlines()
    return sum(line.startswith("::error ") for line in lines), sum(line.startswith("::warning ") for line in lines)


def run(environ: Mapping[str, str], cwd: Path) -> int:
    inputs = Inputs.from_environ(environ)
    ref = compare_with(inputs, environ, cwd)
    if ref is not None:
        print(f"vaultlint: only problems that are new since {ref}", flush=True)
    main = subprocess.run(check_command(inputs, ref, "github"), cwd=cwd, stdout=subprocess.PIPE, text=True, check=False)
    sys.stdout.write(main.stdout)  # the annotations, for the runner to read
    sys.stdout.flush()
    if main.returncode not in (0, 1):
        return main.returncode  # a usage or config error: vaultlint has said why on stderr
    errors, warnings = count_annotations(main.stdout)

    # The runner's own temp folder; else a new one: never the checkout, where a pull request
    # could have committed vaultlint-summary.md as a link to a file the summary would copy.
    temp = Path(environ.get("RUNNER_TEMP") or tempfile.mkdtemp(prefix="vaultlint-"))
    report = temp / "vaultlint-summary.md"
    # The report runs change no outcome: --exit-zero, and -q keeps warnings said once, above.
    again = check_command(inputs, ref, "markdown", "--exit-zero", "-q", "-o", str(report))
    subprocess.run(again, cwd=cwd, check=False, stdout=subprocess.DEVNULL)
    summary = environ.get("GITHUB_STEP_SUMMARY")
    if summary and report.is_file():
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(report.read_text(encoding="utf-8"))
    if inputs.sarif:
        sarif = check_command(inputs, ref, "sarif", "--exit-zero", "-q", "-o", inputs.sarif)
        subprocess.run(sarif, cwd=cwd, check=False, stdout=subprocess.DEVNULL)

    _write_outputs(environ, {"errors": str(errors), "warnings": str(warnings), "report": str(report)})
    return main.returncode


def _write_outputs(environ: Mapping[str, str], values: Mapping[str, str]) -> None:
    target = environ.get("GITHUB_OUTPUT")
    if not target:
        return
    with open(target, "a", encoding="utf-8") as handle:
        for key, value in values.items():
            handle.write(f"{key}={value}\n")  # no value holds a newline: counts and a path we chose


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(os.environ, Path.cwd())
    except ActionError as error:
        from .report.escape import escape
        from .report.github import escape_data

        print(f"::error title=vaultlint::{escape_data(escape(str(error)))}", flush=True)
        return 2


if __name__ == "__main__":
    sys.exit(main())
