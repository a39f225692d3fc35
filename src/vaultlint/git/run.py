"""The one way vaultlint runs git: as a reader that the repository cannot turn into a command runner.

The repository is untrusted input (a fork pull request in CI, a vault shared as
an archive with its ``.git/``).  Its ``.git/config`` can name programs that git
runs on its own: a file-system monitor (``core.fsmonitor``), an external diff
(``diff.external``, ``diff.<driver>.command``), a text converter
(``diff.<driver>.textconv``), clean/smudge filters (``filter.<driver>.*``,
assigned to files by ``.gitattributes``), hooks, a pager.  Every git call of
vaultlint goes through :func:`run_git`, which turns each of them off, and runs
in an environment where git never prompts and never writes an optional lock.

The user's own git configuration (system and global files) and environment are
trusted and kept, except that filters named in the repository's own config are
turned off whatever their scope (a repository could redefine ``filter.lfs``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

#: No git call may hold a commit up for long.
GIT_TIMEOUT = 20.0

#: Options before the subcommand.  ``core.hooksPath`` and the pager are off for git
#: commands that might use them one day; ``gc.auto=0`` so nothing is packed behind our back.
_GLOBAL_OPTIONS: tuple[tuple[str, str], ...] = (
    ("core.fsmonitor", "false"),
    ("core.hooksPath", "/dev/null"),
    ("core.pager", "cat"),
    ("diff.external", ""),
    ("gc.auto", "0"),
    ("maintenance.auto", "false"),
    ("log.showSignature", "false"),
    ("core.untrackedCache", "false"),
    # A split index keeps its entries in .git/sharedindex.<id>: an ``add`` into a throw-away copy
    # of the index would write a new one there, and expire old ones (a plain check wrote .git/).
    ("core.splitIndex", "false"),
    ("splitIndex.sharedIndexExpire", "never"),
    ("protocol.allow", "never"),  # no transport at all: vaultlint never talks to a remote
)

#: Environment variables that hold paths git reads relative to the current folder; made
#: absolute so that running git in the vault root (below the work tree's top) keeps them
#: meaning what the caller (a git hook, which exports them) meant.
_PATH_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR")


class GitError(Exception):
    """git could not answer; the message is one line for the user, saying why."""


#: Repositories (the folder holding ``.git``) in which a git call of this process did not
#: answer in time: when, and the reason.  A repository's config can name a FIFO that git
#: waits on for ever (``include.path``, ``core.excludesFile``, ``core.attributesFile``): each
#: of the run's git questions would wait the full timeout, a minute or more in all.  After
#: the first, the others fail at once with the same reason, for ``STALL_MEMORY`` seconds
#: (longer than a run; a process that lints again later asks git again).
_STALLED: dict[str, tuple[float, str]] = {}
STALL_MEMORY = 300.0


def _repository_key(folder: Path | str) -> str:
    """The folder that holds ``.git`` above ``folder`` (found without git), or ``folder`` itself."""
    resolved = Path(os.path.abspath(folder))
    return str(next((c for c in (resolved, *resolved.parents) if os.path.lexists(c / ".git")), resolved))


def stalled_since(folder: Path | str, started: float) -> str | None:
    """Why git stopped answering in the repository of ``folder`` at or after ``started``
    (``time.monotonic()``), if it did: a caller that went on without git can say so."""
    stalled = _STALLED.get(_repository_key(folder))
    return stalled[1] if stalled is not None and stalled[0] >= started else None


def run_git(
    folder: Path | str,
    *args: str,
    env: Mapping[str, str] | None = None,
    stdin: bytes | None = None,
    any_owner: bool = False,
) -> bytes:
    """git ``args`` in ``folder``, as a reader: its stdout, or :class:`GitError` saying why not.

    ``env`` adds variables to the safe environment.  ``any_owner`` answers for a
    repository owned by another user too (``safe.directory=*``): only for read-only
    questions whose answer protects the user (is a folder tracked?), since every
    repository-configured command is off anyway.
    """
    import subprocess  # here: a run that never asks git does not pay for the import

    key = _repository_key(folder)
    stalled = _STALLED.get(key)
    if stalled is not None and time.monotonic() - stalled[0] < STALL_MEMORY:
        raise GitError(stalled[1])
    overrides = list(_GLOBAL_OPTIONS)
    if any_owner:
        overrides.append(("safe.directory", "*"))
    base_env = safe_environment(env)
    command = ["git", "--no-pager", *args]
    try:
        overrides.extend(_filter_overrides(folder, base_env, any_owner))
        done = subprocess.run(
            command,
            cwd=folder,
            input=stdin,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            env=_with_config(base_env, overrides),
            check=False,
        )
    except FileNotFoundError as error:
        if error.filename == "git":  # (not the folder: a missing cwd raises this too)
            raise GitError("git is not installed (no git on PATH)") from None
        raise GitError(f"cannot run git in {folder} ({error.strerror})") from None
    except subprocess.TimeoutExpired:
        reason = f"git did not answer within {GIT_TIMEOUT:.0f} s (a file its config names may be a FIFO)"
        _STALLED[key] = (time.monotonic(), reason)
        raise GitError(reason) from None
    except OSError as error:
        raise GitError(f"cannot run git ({error.strerror or error})") from None
    if done.returncode != 0:
        raise GitError(explain_failure(done.stderr, args[0]))
    return done.stdout


def ask_git(folder: Path | str, *args: str, **keywords: object) -> bytes | None:
    """:func:`run_git`, with ``None`` when git cannot answer (for questions that may go unanswered)."""
    try:
        return run_git(folder, *args, **keywords)  # type: ignore[arg-type]
    except GitError:
        return None


def safe_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment, with git told never to prompt, lock or page, and its path
    variables made absolute (see ``_PATH_VARIABLES``)."""
    env = dict(os.environ)
    env.pop("GIT_EXTERNAL_DIFF", None)  # --no-ext-diff where it applies; never wanted here
    for name in _PATH_VARIABLES:
        value = env.get(name)
        if value:
            env[name] = os.path.abspath(value)
    if env.get("GIT_DIR") and not env.get("GIT_WORK_TREE"):
        # With GIT_DIR alone, git takes the folder it runs in as the work tree's top: that was
        # the caller's folder (a hook runs at the top), not the vault folder git runs in here.
        env["GIT_WORK_TREE"] = os.getcwd()
    env.update(
        {
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_PAGER": "cat",
            "GIT_ASKPASS": "",
            "SSH_ASKPASS": "",
        }
    )
    if extra:
        env.update(extra)
    return env


def _with_config(env: dict[str, str], overrides: Sequence[tuple[str, str]]) -> dict[str, str]:
    """``env`` with ``overrides`` appended as command-line-scope config (``GIT_CONFIG_COUNT``):
    no quoting problem whatever a key holds, and they win over every config file."""
    try:
        count = int(env.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        count = 0
    result = dict(env)
    for offset, (key, value) in enumerate(overrides):
        result[f"GIT_CONFIG_KEY_{count + offset}"] = key
        result[f"GIT_CONFIG_VALUE_{count + offset}"] = value
    result["GIT_CONFIG_COUNT"] = str(count + len(overrides))
    return result


_FILTER_KEYS = ("clean", "smudge", "process")


def _filter_overrides(folder: Path | str, env: dict[str, str], any_owner: bool) -> tuple[tuple[str, str], ...]:
    """Settings that turn off every filter driver the repository's own config names.

    ``git config --local`` lists ``.git/config`` (and the files it includes);
    reading config runs nothing.  Asked before every call (a few milliseconds):
    the config may change between two calls of one process.
    """
    import subprocess

    base = [*_GLOBAL_OPTIONS, *((("safe.directory", "*"),) if any_owner else ())]
    try:
        done = subprocess.run(
            ["git", "--no-pager", "config", "--local", "-z", "--name-only", "--get-regexp", r"^filter\."],
            cwd=folder,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            env=_with_config(env, base),
            check=False,
        )
    except OSError:
        return ()  # the real call reports why git cannot run (a timeout is for the caller to report)
    names = set()
    for key in done.stdout.decode("utf-8", "surrogateescape").split("\0"):
        # filter.<driver>.<key>: the driver's name may itself hold dots.
        if key.count(".") >= 2:
            names.add(key[len("filter.") : key.rindex(".")])
    return tuple(
        (f"filter.{name}.{key}", value)
        for name in sorted(names)
        for key, value in (*((k, "") for k in _FILTER_KEYS), ("required", "false"))
    )


def explain_failure(stderr: bytes, command: str) -> str:
    """git's complaint as one line: what the user needs to know to fix it."""
    text = stderr.decode("utf-8", "replace")
    if "dubious ownership" in text:
        return (
            "git refuses to read this repository: it belongs to another user "
            "(if you trust it: git config --global --add safe.directory PATH)"
        )
    if "not a git repository" in text:
        return "not inside a git work tree"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    fatal = next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[0] if lines else "")
    return f"git {command} failed: {fatal or 'no reason given'}"
