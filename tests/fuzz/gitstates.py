"""Hostile git states: a vault that is a real git repository, in the states a change leaves it in.

A :class:`GitState` is a vault committed once or twice, then changed the way a
user or a pull request changes it: files renamed to odd names (spaces, bytes that
are not UTF-8, control characters, NFD accents, leading dashes) with ``git mv`` or
a plain ``mv``, committed attachments deleted, untracked files (one larger than
what vaultlint offers to git), and a ``.git/config`` that names programs git
would run on its own (``core.fsmonitor``, ``diff.external``, a textconv and a
filter driver assigned by ``.gitattributes``, ``core.hooksPath``, ``core.pager``
and more), each a script that writes a *marker* file outside the vault. Some
runs have no git on ``PATH``; some repositories belong to another user (when
the harness runs as root). The command line is ``check``, ``check --staged``,
``check --new-since HEAD~1``, ``check --fix`` or ``check --diff``.

:func:`check_git_state` runs the real CLI on it in a subprocess and returns the
broken invariants, one line each: those of :mod:`fuzz.hostile` (no hang, no
traceback, exit code 0, 1 or 2 with a one-line error; nothing outside the vault
changed, temporary files included; no secret of the environment sent or shown),
plus: no marker file appears, ``.git/`` is unchanged (file list, sizes and
content), nothing in the vault changed unless ``--fix`` was asked, a second
``--fix`` changes nothing, and a comparison that git cannot answer (no git, a
refused repository, a config git waits on) is exit 2.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fuzz.boundary import RUN_TIMEOUT, changes, recording_server, run_cli, snapshot
from fuzz.hostile import RECORDER, SECRET, SECRET_NAME, _with_address, exit_failures
from fuzz.invariants import write_files
from fuzz.strategies import Source, _DrawSource, chance, make_vault, pick
from pdfs import pdf

#: New names for renamed files: what a file system allows and a command line or a parser trips on.
ODD_NAMES = (
    "New Name.md",
    "New\udcff.md",  # b"New\xff.md": not UTF-8 (surrogate-escaped, as os.fsdecode reads it)
    "Ctl\x01\x1b[31m.md",
    "Cafe\u0301.md",  # NFD
    "-n.md",
    "--fix.md",
    "-- x.md",
    "sub/ lead.md",
    "tab\tname.md",
    "new\nline.md",
    ":(glob)*.md",
    "sub/deep/Old.md",
)
ATTACHMENTS = ("pic.png", "doc.pdf", "sub/data.csv")
#: A PNG's first bytes: the attachment's content matters only to git's rename pairing.
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

#: Programs a ``.git/config`` can make git run, by name: what each writes into ``.git/config``
#: (``SCRIPT`` stands for the marker script) and into ``.gitattributes``.
HOSTILE_CONFIG: dict[str, tuple[str, str]] = {
    "fsmonitor": ("[core]\n\tfsmonitor = SCRIPT\n", ""),
    "diff-external": ("[diff]\n\texternal = SCRIPT\n", ""),
    "textconv": ('[diff "evil"]\n\ttextconv = SCRIPT\n\tcommand = SCRIPT\n', "* diff=evil\n"),
    "filter": ('[filter "evil"]\n\tclean = SCRIPT\n\tsmudge = SCRIPT\n\trequired = true\n', "* filter=evil\n"),
    "filter-process": ('[filter "proc"]\n\tprocess = SCRIPT\n', "*.md filter=proc\n"),
    "hooks": ("[core]\n\thooksPath = HOOKS\n", ""),
    "pager": ("[core]\n\tpager = SCRIPT\n[pager]\n\tdiff = SCRIPT\n\tlog = SCRIPT\n\tstatus = SCRIPT\n", ""),
    "ssh": ('[core]\n\tsshCommand = SCRIPT\n[remote "origin"]\n\turl = ext::SCRIPT\n', ""),
    "askpass": ("[core]\n\taskPass = SCRIPT\n[credential]\n\thelper = !SCRIPT\n", ""),
    "gpg": ("[gpg]\n\tprogram = SCRIPT\n[log]\n\tshowSignature = true\n", ""),
    "editor": ("[core]\n\teditor = SCRIPT\n[sequence]\n\teditor = SCRIPT\n", ""),
    "alternate-refs": ("[core]\n\talternateRefsCommand = SCRIPT\n", ""),
    # Files git reads, made a FIFO: git waits on it until vaultlint's timeout (20 s), once a run.
    "include-fifo": ("[include]\n\tpath = FIFO\n", ""),
    "excludes-fifo": ("[core]\n\texcludesFile = FIFO\n", ""),
    "attributes-fifo": ("[core]\n\tattributesFile = FIFO\n", ""),
    # Settings that run nothing but change what git answers or where it writes.
    "case-and-unicode": ("[core]\n\tprecomposeUnicode = true\n\tignoreCase = true\n", ""),
    "crlf": ("[core]\n\tautocrlf = true\n\tsafecrlf = true\n", ""),
    "renames-off": ("[diff]\n\trenames = false\n\trenameLimit = 1\n", ""),
    "big-files": ("[core]\n\tbigFileThreshold = 1\n\tcompression = 9\n", ""),
    "split-index": ("[core]\n\tsplitIndex = true\n[splitIndex]\n\tmaxPercentChange = 0\n", ""),
}
#: How the repository was made, before the first commit: formats a user's repository may have.
REPOSITORY_KINDS = (
    "sha256",
    "split-index",
    "index-v4",
    "untracked-cache",
    "vault-below",
    "worktree",
    "nested",
    "links-out",
)
#: Entries that make a run wait for git's timeout: rare, and never in CI's few examples.
STALLING = frozenset({"include-fifo", "excludes-fifo", "attributes-fifo"})
#: Every hook git knows, each the marker script: whatever git runs is seen.
HOOK_NAMES = (
    "pre-commit",
    "post-commit",
    "post-checkout",
    "post-index-change",
    "reference-transaction",
    "pre-auto-gc",
    "fsmonitor-watchman",
    "post-rewrite",
    "pre-push",
)
#: How the CLI is run: ``(arguments, folder, environment)`` -> the finished process.
Runner = Callable[[Sequence[str], Path, Mapping[str, str]], "subprocess.CompletedProcess[str]"]
#: Modes of the command line.
MODES = ("check", "staged", "new-since", "fix", "diff")


@dataclass(frozen=True)
class GitState:
    #: Committed in the first commit (vault paths).
    files: Mapping[str, str | bytes]
    #: Names in :data:`REPOSITORY_KINDS`; ``vault-below``: the vault is ``notes/`` in the repository;
    #: ``worktree``: the vault is a linked work tree of a repository beside it; ``nested``: an
    #: untracked repository of its own inside the vault (a plugin or a folder cloned there);
    #: ``links-out``: committed links to a note and a folder outside the repository (a
    #: *sentinel* holding the secret), one of them renamed.
    repository: tuple[str, ...]
    #: (old, new, how): renames, ``how`` is ``git mv``, ``mv``, or ``commit`` (a second commit).
    renames: tuple[tuple[str, str, str], ...]
    #: (committed attachment, how): ``rm`` or ``git rm``.
    deletions: tuple[tuple[str, str], ...]
    #: Files never added; a ``bytes`` value of more than a MiB is compared by content hash.
    untracked: Mapping[str, str | bytes]
    #: Names in :data:`HOSTILE_CONFIG` written into ``.git/config``.
    hostile: tuple[str, ...]
    git_on_path: bool
    other_owner: bool
    mode: str
    #: The command line after ``vaultlint check``.
    args: tuple[str, ...]

    @property
    def has_parent(self) -> bool:
        return any(how == "commit" for _, _, how in self.renames)


# -- generating ----------------------------------------------------------------------------------


def make_git_state(src: Source, *, waits: bool = True) -> GitState:
    """A git state; ``waits=False`` leaves out the config entries that make git wait (``STALLING``)."""
    files: dict[str, str | bytes] = dict(make_vault(src, most_notes=2, most_blocks=3))
    files["Old.md"] = "---\ntags: [a]\n---\n# Old\n\n^blk\n"
    files["Note.md"] = (
        f"[o](Old.md) [[Old]] [[Old#Old]] ![[pic.png]] [[doc.pdf#page=2]] [c](sub/data.csv)\n<{RECORDER}/git>\n"
    )
    files["sub/Fixable.md"] = "---\ntag: x\n---\n[[Old|o]] ![[pic.png]]\n"
    files["pic.png"] = PNG
    files["doc.pdf"] = pdf(3)
    files["sub/data.csv"] = "a,b\n1,2\n"
    renames: list[tuple[str, str, str]] = []
    taken = set(files)
    for _ in range(src.integer(0, 3)):
        old = pick(src, ("Old.md", "Note.md", "pic.png", "doc.pdf", "sub/Fixable.md"))
        if old not in taken or any(old == r[0] for r in renames):
            continue
        new = pick(src, ODD_NAMES)
        if not old.endswith(".md") and chance(src, 70):
            new = new[: -len(".md")] + old[old.rindex(".") :]  # an attachment keeps its extension
        if new in taken:
            continue
        renames.append((old, new, pick(src, ("git mv", "mv", "commit"))))
        taken.discard(old)
        taken.add(new)
    deletions = []
    for attachment in ATTACHMENTS:
        if attachment in taken and chance(src, 25):
            deletions.append((attachment, pick(src, ("rm", "git rm"))))
            taken.discard(attachment)
    untracked: dict[str, str | bytes] = {}
    for _ in range(src.integer(0, 2)):
        name = pick(src, ("Untracked.md", "-u.md", "sub/New\udcfe.md", "Cafe\u0301 2.md", "scan.png"))
        if name not in taken:
            untracked[name] = "[[Old]] [[Gone]]\n" if name.endswith(".md") else PNG + b"\x00" * src.integer(0, 9)
    if any(old == "pic.png" for old, _ in deletions) and chance(src, 30):
        # issue 16, case 5: a deleted attachment and a large untracked one of the same extension
        untracked["Large.png"] = b"\x89PNG" + b"\x07" * ((1 << 20) + 4096)
    hostile = tuple(name for name in HOSTILE_CONFIG if chance(src, (3 if waits else 0) if name in STALLING else 25))
    attributes = "".join(HOSTILE_CONFIG[name][1] for name in hostile)
    if attributes:  # committed: what a pull request can do
        files[".gitattributes"] = attributes
    mode = pick(src, MODES)
    args = ["--output-format", pick(src, ("full", "concise", "json", "github")), "--jobs", "1"]
    if mode in ("staged", "fix", "diff"):
        args.append("--" + mode)
    elif mode == "new-since":
        args += ["--new-since", pick(src, ("HEAD~1", "HEAD~1", "HEAD", "-x"))]
    if chance(src, 40):
        args.append("--no-cache")
    args.append("--offline" if chance(src, 60) else "--allow-private-urls")
    if chance(src, 30):
        args += ["--select", "ALL"]
    if chance(src, 20):
        args += ["--", pick(src, (".", "sub", "Note.md"))]
    return GitState(
        files=files,
        repository=tuple(kind for kind in REPOSITORY_KINDS if chance(src, 15)),
        renames=tuple(renames),
        deletions=tuple(deletions),
        untracked=untracked,
        hostile=hostile,
        git_on_path=not chance(src, 10),
        other_owner=chance(src, 15) and os.geteuid() == 0,
        mode=mode,
        args=(*args, "--exit-zero" if chance(src, 50) else "-q"),
    )


def git_states(waits: bool = True):
    """A hypothesis strategy of :class:`GitState`."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw: Callable[[Any], Any]) -> GitState:
        return make_git_state(_DrawSource(draw), waits=waits)

    return build()


# -- writing ------------------------------------------------------------------------------------


def quiet_git_environment(home: Path) -> dict[str, str]:
    """An environment in which neither the machine's nor the user's git config takes part."""
    home.mkdir(parents=True, exist_ok=True)
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "f",
        "GIT_AUTHOR_EMAIL": "f@example.invalid",
        "GIT_COMMITTER_NAME": "f",
        "GIT_COMMITTER_EMAIL": "f@example.invalid",
    }


def _git(repo: Path, env: Mapping[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env={**os.environ, **env}, check=True, capture_output=True, timeout=60)


def marker_script(folder: Path, markers: Path, name: str) -> Path:
    """An executable that records its call in ``markers/name`` and passes its input through."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / f"mark-{name}"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> "{markers / name}"\nexec /bin/cat\n')
    script.chmod(0o755)
    return script


def hostile_git_config(git_dir: Path, names: tuple[str, ...], markers: Path) -> None:
    """Append the config entries ``names`` to ``git_dir/config`` (their attributes are committed files)."""
    evil = git_dir / "evil"
    hooks = evil / "hooks"
    config = ""
    for name in names:
        text, _ = HOSTILE_CONFIG[name]
        config += text.replace("SCRIPT", str(marker_script(evil, markers, name))).replace("HOOKS", str(hooks))
        config = config.replace("FIFO", str(evil / "fifo"))
    # Both hooks folders hold every hook: git never runs one for a reader, whichever it looks in.
    for folder in (hooks, git_dir / "hooks"):
        folder.mkdir(parents=True, exist_ok=True)
        for hook in HOOK_NAMES:
            shutil.copy(marker_script(evil, markers, f"hook-{hook}"), folder / hook)
    os.mkfifo(evil / "fifo")
    with open(git_dir / "config", "a", encoding="utf-8") as handle:
        handle.write(config)


def write_git_state(work: Path, state: GitState, address: str) -> tuple[Path, Path, dict[str, str]]:
    """The repository under ``work/repo``, its vault folder, and the environment to run vaultlint in."""
    env = quiet_git_environment(work / "home")
    top = work / "repo"
    below = "notes" if "vault-below" in state.repository else ""
    repo = top / below  # the vault (git commands run there)
    # A linked work tree's repository (its .git/) lies beside it, outside the vault.
    made = work / "origin" if "worktree" in state.repository else top
    write_files(made / below, {k: _with_address(v, address) for k, v in state.files.items()})
    if "links-out" in state.repository:
        sentinel = write_files(work / "sentinel", {"Secret.md": f"---\ntag: x\n---\n{SECRET} [[Old]]\n"})
        os.symlink(sentinel / "Secret.md", made / below / "Linked.md")
        os.symlink(sentinel, made / below / "sub" / "Outside")
    _git(made, env, "init", "-q", *(["--object-format=sha256"] if "sha256" in state.repository else []))
    for kind, key, value in (
        ("split-index", "core.splitIndex", "true"),
        ("index-v4", "index.version", "4"),
        ("untracked-cache", "core.untrackedCache", "true"),
    ):
        if kind in state.repository:
            _git(made, env, "config", key, value)
    _git(made, env, "add", "-A")
    _git(made, env, "commit", "-q", "-m", "first")
    if made != top:
        _git(made, env, "worktree", "add", "-q", "--detach", str(top))
        (repo / ".obsidian").mkdir(parents=True, exist_ok=True)  # empty: not in the commit
    # Renames in a second commit first (HEAD~1 exists then), then those left in the work tree.
    for committed in (True, False):
        for old, new, how in state.renames:
            if (how == "commit") != committed:
                continue
            (repo / new).parent.mkdir(parents=True, exist_ok=True)
            if how == "mv":
                os.rename(repo / old, repo / new)
            else:
                _git(repo, env, "--literal-pathspecs", "mv", "--", old, new)
        if committed and state.has_parent:
            _git(repo, env, "commit", "-q", "-m", "second")
    for attachment, how in state.deletions:
        if how == "rm":
            os.remove(repo / attachment)
        else:
            _git(repo, env, "--literal-pathspecs", "rm", "-q", "--", attachment)
    write_files(repo, state.untracked)
    if "links-out" in state.repository:
        _git(repo, env, "mv", "Linked.md", "Linked again.md")
    if "nested" in state.repository:
        inner = write_files(repo / "sub" / "inner", {"Inner.md": "[[Old]] [[Inner]]\n", "inner.png": PNG})
        _git(inner, env, "init", "-q")
        _git(inner, env, "add", "-A")
        _git(inner, env, "commit", "-q", "-m", "inner")
        os.rename(inner / "inner.png", inner / "moved.png")
    markers = work / "markers"
    markers.mkdir()  # where the scripts write: every marker is a file created there
    hostile_git_config(made / ".git", state.hostile, markers)
    if state.other_owner:
        for current, folders, names in os.walk(top):
            for name in (*folders, *names):
                os.lchown(os.path.join(current, name), 65534, 65534)
        os.lchown(top, 65534, 65534)
    tmp = work / "tmp"
    tmp.mkdir()
    env = {**env, "TMPDIR": str(tmp), SECRET_NAME: SECRET}
    if not state.git_on_path:
        empty = work / "bin"
        empty.mkdir()
        env["PATH"] = str(empty)
    return top, repo, env


# -- checking -----------------------------------------------------------------------------------


def git_folder(repo: Path) -> dict[str, str]:
    """``.git/`` as file list, sizes and content (``snapshot``)."""
    return snapshot(repo / ".git")


def check_git_state(work: Path, state: GitState, run: Runner = run_cli) -> list[str]:
    """The broken invariants of one run of the CLI on ``state`` (see the module docstring).

    ``run`` stands for the CLI in the tests that show the invariants are not blind.
    """
    failures: list[str] = []
    with recording_server() as recorder:
        repo, vault, env = write_git_state(work, state, f"http://127.0.0.1:{recorder.port}")
        outside_before = _outside(work)
        vault_before = _vault(repo)
        git_before = git_folder(repo)
        try:
            result = run(["check", *state.args], vault, env)
        except subprocess.TimeoutExpired:
            return [f"the run hung (more than {RUN_TIMEOUT} s)"]
        if state.mode == "fix" and result.returncode in (0, 1):
            # Fixes are done once: a second --fix finds nothing left to change.
            fixed = _vault(repo)
            try:
                run(["check", *state.args], vault, env)
            except subprocess.TimeoutExpired:
                return [f"the second --fix hung (more than {RUN_TIMEOUT} s)"]
            failures += [f"a second --fix changed the vault: {line}" for line in _notes_changed(fixed, _vault(repo))]
        failures += [f"the secret left the process: {line}" for line in recorder.leaked(SECRET)]
    failures += [f"git ran a program the repository named: {name}" for name in sorted(os.listdir(work / "markers"))]
    failures += [f"changed outside the vault: {line}" for line in changes(outside_before, _outside(work))]
    failures += [f"changed in .git/: {line}" for line in changes(git_before, git_folder(repo))]
    for line in changes(vault_before, _vault(repo)):
        path = line.split(" ", 1)[1]
        if path.removeprefix("notes/").startswith(".vaultlint-cache"):
            continue
        if state.mode == "fix" and line.startswith("changed ") and path.lower().endswith((".md", ".canvas", ".base")):
            continue
        failures.append(f"written in the vault without being asked: {line}")
    if SECRET in result.stdout + result.stderr:
        failures.append("the secret is in the output")
    ended_badly = exit_failures(result)
    failures += ended_badly
    if not ended_badly and state.mode in ("staged", "new-since") and not git_answers(state) and result.returncode != 2:
        failures.append(f"--{state.mode} without an answer from git passed (exit code {result.returncode})")
    return failures


def git_answers(state: GitState) -> bool:
    """Whether git can answer at all: it is on PATH, the repository is the user's, its config reads."""
    return state.git_on_path and not state.other_owner and "include-fifo" not in state.hostile


def _notes_changed(before: Mapping[str, str], after: Mapping[str, str]) -> list[str]:
    return [line for line in changes(before, after) if ".vaultlint-cache" not in line]


def _vault(repo: Path) -> dict[str, str]:
    """Everything in the repository but ``.git/``."""
    return {p: w for p, w in snapshot(repo).items() if p != ".git" and not p.startswith(".git/")}


def _outside(work: Path) -> dict[str, str]:
    """Everything in ``work`` but the repository (the temporary folder and the markers included)."""
    return {p: w for p, w in snapshot(work).items() if p != "repo" and not p.startswith("repo/")}
