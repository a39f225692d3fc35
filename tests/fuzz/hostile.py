"""Hostile repositories: what a pull request can commit around a vault, generated, and what must hold.

A :class:`Hostile` is a vault (notes, canvases, bases and PDFs, from :mod:`fuzz.strategies`), a
``.vaultlint.toml`` made of keys the repository controls (``vault-root``, ``obsidian-dir``,
``[urls]`` with ``${SECRET}`` headers and ``allow-private``, values of the wrong type),
*plants* (a FIFO, a link to ``/dev/zero``, a link to a file or a folder outside the
repository, a link to ``..``) at the places vaultlint reads or writes, and a command line a
CI owner or a user would run on it (``-o``, ``--baseline``, ``--cache-dir``, ``--fix``,
online or ``--offline``).

:func:`check_hostile` runs the real CLI on it in a subprocess, bounded in time and memory,
with a secret in the environment and a loopback server that records every request, and
returns the broken invariants, one line each:

* no hang, no traceback, no "internal error"; exit code 2 only with one line of error;
* nothing outside the vault changed: a *sentinel* folder beside the repository hashes the
  same before and after;
* inside the repository, only what the command line asked for changed: the report
  (``-o``), the baseline (``--update-baseline``), the cache folder, and notes (``--fix``);
* no secret from the environment left the process (the recorder never saw it).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fuzz.boundary import RUN_TIMEOUT, changes, recording_server, run_cli, snapshot
from fuzz.invariants import write_files
from fuzz.strategies import Source, _DrawSource, chance, make_vault, pick
from pdfs import pdf

#: Stands for the recording server's address in generated text; replaced when written.
RECORDER = "http://recorder.invalid"
#: The environment variable holding the secret that must never leave the process.
SECRET_NAME = "VAULTLINT_FUZZ_SECRET"
SECRET = "s3cr3t-6f1d2c9a-never-sent"

#: How a line of stderr starts that says why the exit code is 2: a one-line error, or (since the
#: "ci" part of issue 16) the warning that PATHS held nothing to check.
EXIT_2_LINES = ("vaultlint: error: ", "warning: no note, canvas or base to check")
#: Where a repository can put something vaultlint reads or writes (repository-relative).
PLACES = (
    ".obsidian/app.json",
    ".obsidian/types.json",
    ".obsidian/templates.json",
    ".obsidian/plugins/templater-obsidian/data.json",
    ".gitignore",
    "sub/.gitignore",
    "doc.pdf",
    "Planted.md",
    "Planted.canvas",
    "vaultlint.sarif",
    "baseline.json",
    "reports",
    ".vaultlint-cache",
    ".vaultlint-cache/.gitignore",
    ".vaultlint-cache/notes.sqlite3",
    ".vaultlint.toml",
    "up",
)
#: What can be planted there.
KINDS = ("fifo", "dev-zero", "sentinel-file", "sentinel-folder", "parent", "dangling")


@dataclass(frozen=True)
class Hostile:
    files: Mapping[str, str | bytes]
    #: (repository path, kind), planted after the files are written.
    plants: tuple[tuple[str, str], ...]
    #: The committed ``.vaultlint.toml``, or ``None``.
    config: str | None
    #: The command line after ``vaultlint check``.
    args: tuple[str, ...]


# -- generating ----------------------------------------------------------------------------------


def canvas(src: Source) -> str:
    """A canvas: file, text and link nodes pointing at notes, PDFs pages and the recorder, some edges."""
    nodes: list[dict[str, Any]] = []
    for index in range(src.integer(0, 5)):
        kind = pick(src, ("file", "text", "link", "group", "odd"))
        node: dict[str, Any] = {"id": f"n{index}", "type": kind, "x": src.integer(-9, 9), "y": 0, "width": 1}
        node["height"] = pick(src, (1, 1.5, 10**30, -1, "1"))
        if kind == "file":
            node["file"] = pick(src, ("Note.md", "sub/Deep.md", "doc.pdf", "Missing.md", "../outside.md", ""))
            if chance(src, 40):
                node["subpath"] = pick(src, ("#page=2", "#page=" + "9" * 400, "#Heading", "#^abc", "#"))
        elif kind == "text":
            node["text"] = pick(src, ("[[Note]]", "![[doc.pdf#page=3]]", f"<{RECORDER}/canvas>", "[[Missing]]", ""))
        elif kind == "link":
            node["url"] = pick(src, (f"{RECORDER}/link", "http://[::1", "not a url", ""))
        nodes.append(node)
    edges = [
        {"id": f"e{i}", "fromNode": f"n{src.integer(0, 5)}", "toNode": f"n{src.integer(0, 5)}"}
        for i in range(src.integer(0, 3))
    ]
    data: Any = {"nodes": nodes, "edges": edges}
    for _ in range(src.integer(0, 3) if chance(src, 20) else 0):
        data = {"nodes": [data]}  # nesting where no canvas has it
    return json.dumps(data)


def base(src: Source) -> str:
    """A base: filters and formulas naming notes, links and properties; sometimes not YAML at all."""
    lines = ["filters:", "  and:"]
    for _ in range(src.integer(0, 3)):
        lines.append("    - " + pick(src, ('file.hasLink("Note")', 'file.inFolder("sub")', 'link("Missing")', "x >")))
    if chance(src, 60):
        lines.append("formulas:")
        for index in range(src.integer(1, 4)):
            lines.append(
                f"  f{index}: " + pick(src, ('"[[Note]]"', "1 +", f'"{RECORDER}/base"', '"![[doc.pdf#page=9]]"'))
            )
    if chance(src, 20):
        lines.append("views: &a [*a, *a]")
    if chance(src, 10):
        lines = ["{not: yaml"]
    return "\n".join(lines) + "\n"


def config(src: Source) -> str | None:
    """The committed ``.vaultlint.toml``: keys that reach the file system and the network."""
    if not chance(src, 70):
        return None
    lines = []
    if chance(src, 40):
        value = pick(src, (".", "..", "/", "sub", "up", "reports", "../sentinel", "nowhere", "sub/../.."))
        lines.append(f"vault-root = {json.dumps(value)}")
    if chance(src, 20):
        lines.append("obsidian-dir = " + json.dumps(pick(src, (".obsidian", "../sentinel", "sub", "/etc"))))
    if chance(src, 30):
        lines.append("respect-gitignore = " + pick(src, ("true", "false", "1")))
    if chance(src, 20):
        lines.append("exclude = " + pick(src, ('["sub/"]', '["**"]', "5", '["["]')))
    if chance(src, 10):
        lines.append(pick(src, ("select = 5", "unknown-key = 1", 'severity = { LK001 = "fatal" }')))
    if chance(src, 70):
        lines.append("[urls]")
        if chance(src, 60):
            lines.append("allow-private = true")
        if chance(src, 20):
            lines.append(pick(src, ("timeout = 0.5", "max-run-time = 5", "check-fragments = true", "retries = -1")))
        host = pick(src, ("127.0.0.1", "localhost", "recorder.invalid", "127.0.0.1:PORT", "http://127.0.0.1:PORT"))
        lines.append(f"[urls.hosts.{json.dumps(host)}]")
        header = pick(src, ("X-Leak", "Authorization", "Cookie"))
        value = pick(src, (f"${{{SECRET_NAME}}}", f"Bearer ${{{SECRET_NAME}}}", "literal", f"${{UNSET_{SECRET_NAME}}}"))
        lines.append(f"headers = {{ {header} = {json.dumps(value)} }}")
    return "\n".join(lines) + "\n"


def command_line(src: Source) -> tuple[str, ...]:
    """What a CI owner or a user runs: output, baseline, cache, fixes, online or offline."""
    args = ["--output-format", pick(src, ("full", "concise", "json", "github", "sarif", "junit", "gitlab"))]
    if chance(src, 70):
        args += ["-o", pick(src, ("vaultlint.sarif", "reports/out.json", "out.xml", "sub/../report.txt"))]
    if chance(src, 40):
        args += ["--baseline", pick(src, ("baseline.json", "reports/baseline.json"))]
        if chance(src, 50):
            args.append("--update-baseline")
    cache = pick(src, ("default", "default", "--no-cache", ".vaultlint-cache", "reports/cache", "up/cache"))
    if cache == "--no-cache":
        args.append(cache)
    elif cache != "default":
        args += ["--cache-dir", cache]
    if chance(src, 25):
        args.append("--fix")
    if chance(src, 50):
        args.append("--offline")
    elif chance(src, 50):
        args.append("--allow-private-urls")  # the CI owner's choice: the requests reach the recorder
    if chance(src, 30):
        args += ["--select", "ALL"]
    return (*args, "--jobs", "1", "--exit-zero" if chance(src, 50) else "-q")


def make_hostile(src: Source) -> Hostile:
    files = dict(make_vault(src, most_notes=3, most_blocks=4))
    link_line = f"\n[[doc.pdf#page=2]] [x]({RECORDER}/note) <{RECORDER}/auto#frag> ![[Planted.md]]\n"
    files["Note.md"] = str(files["Note.md"]) + link_line
    files["sub/Fixable.md"] = "---\ntag: x\nrel: [[Note]]\n---\n[[Note]]\n"
    if chance(src, 60):
        files["Board.canvas"] = canvas(src)
    if chance(src, 50):
        files["Table.base"] = base(src)
    if chance(src, 50):  # a real PDF for [[doc.pdf#page=2]], or bracket soup (the page count's worst case)
        files["doc.pdf"] = pick(
            src, (pdf(1), pdf(3), b"%PDF-1.4\n<<" + b">>" * 2000, b"%PDF-1.7\n/Type /Pages /Count 9")
        )
    plants: dict[str, str] = {}
    for _ in range(src.integer(1, 4)):
        plants[pick(src, PLACES)] = pick(src, KINDS)
    for place in plants:
        # A plant replaces a generated file, and one inside a planted folder link cannot be made.
        files = {name: content for name, content in files.items() if name != place and not name.startswith(place + "/")}
    plants = {p: k for p, k in plants.items() if not any(p.startswith(q + "/") for q in plants if q != p)}
    return Hostile(files, tuple(sorted(plants.items())), config(src), command_line(src))


def hostile_repositories():
    """A hypothesis strategy of :class:`Hostile` repositories."""
    from hypothesis import strategies as st

    @st.composite
    def build(draw: Callable[[Any], Any]) -> Hostile:
        return make_hostile(_DrawSource(draw))

    return build()


# -- writing ------------------------------------------------------------------------------------


def _with_address(content: str | bytes, address: str) -> str | bytes:
    if isinstance(content, str):
        return content.replace(RECORDER, address).replace("PORT", address.rsplit(":", 1)[-1])
    return content


def plant(path: Path, kind: str, sentinel: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        os.symlink("/dev/zero", path)
    elif kind == "sentinel-file":
        os.symlink(sentinel / "secret.txt", path)
    elif kind == "sentinel-folder":
        os.symlink(sentinel, path)
    elif kind == "parent":
        os.symlink("..", path)
    else:
        os.symlink("nowhere/at/all", path)


def write_hostile(work: Path, hostile: Hostile, address: str) -> tuple[Path, Path]:
    """``(repository, sentinel)`` under ``work``: the repository is a git work tree."""
    sentinel = work / "sentinel"
    sentinel.mkdir(parents=True)
    (sentinel / "secret.txt").write_text(f"sentinel {SECRET}\n")
    (sentinel / "victim.json").write_text('{"entries": []}\n')
    (sentinel / "Outside.md").write_text("---\ntag: x\n---\n[[Note]]\n")
    (sentinel / ".gitignore").write_text("*\n")
    repo = write_files(work / "repo", {k: _with_address(v, address) for k, v in hostile.files.items()})
    subprocess.run(["git", "init", "-q", str(repo)], check=True, capture_output=True, timeout=60)
    if hostile.config is not None and (".vaultlint.toml", "fifo") not in hostile.plants:
        config_path = repo / ".vaultlint.toml"
        if not config_path.exists() and not config_path.is_symlink():
            config_path.write_text(str(_with_address(hostile.config, address)))
    for place, kind in hostile.plants:
        target = repo / place
        if target.is_symlink() or target.exists():
            continue
        plant(target, kind, sentinel)
    return repo, sentinel


# -- checking -----------------------------------------------------------------------------------


def _allowed_changes(hostile: Hostile) -> tuple[tuple[str, ...], bool]:
    """Repository paths (prefixes) the command line allows to change, and whether notes may."""
    args = hostile.args
    allowed = [".vaultlint-cache", "sub/.vaultlint-cache", "reports/.vaultlint-cache"]
    for option in ("-o", "--cache-dir"):
        if option in args:
            allowed.append(os.path.normpath(args[args.index(option) + 1]))
    if "--update-baseline" in args:
        allowed.append(args[args.index("--baseline") + 1])
    return tuple(allowed), "--fix" in args


def outside(work: Path) -> dict[str, str]:
    """Everything in ``work`` but the repository: the sentinel folder, and whatever appears beside it."""
    return {path: what for path, what in snapshot(work).items() if path != "repo" and not path.startswith("repo/")}


def exit_failures(result: subprocess.CompletedProcess[str]) -> list[str]:
    """How a run ended badly: a traceback or an internal error, exit code 2 without a line
    saying why, an exit code that is not 0, 1 or 2 (empty when it ended well)."""
    stderr = result.stderr.strip()
    if "Traceback" in stderr or "internal error" in stderr:
        return [f"crashed (exit code {result.returncode}): {stderr.splitlines()[-1][:500]}"]
    if result.returncode == 2 and not any(line.startswith(EXIT_2_LINES) for line in stderr.splitlines()):
        return [f"exit code 2 without a one-line error: {stderr[-500:]!r}"]
    if result.returncode not in (0, 1, 2):
        return [f"exit code {result.returncode}: {stderr[:500]}"]
    return []


def check_hostile(work: Path, hostile: Hostile) -> list[str]:
    """The broken invariants of one run of the CLI on ``hostile`` (see the module docstring)."""
    failures: list[str] = []
    with recording_server() as recorder:
        address = f"http://127.0.0.1:{recorder.port}"
        repo, _ = write_hostile(work, hostile, address)
        outside_before, inside_before = outside(work), snapshot(repo)
        try:
            result = run_cli(["check", *hostile.args], cwd=repo, env={SECRET_NAME: SECRET})
        except subprocess.TimeoutExpired:
            return [f"the run hung (more than {RUN_TIMEOUT} s)"]
        failures += [f"changed outside the vault: {line}" for line in changes(outside_before, outside(work))]
        failures += [f"the secret left the process: {line}" for line in recorder.leaked(SECRET)]
    report = repo / hostile.args[hostile.args.index("-o") + 1] if "-o" in hostile.args else None
    shown = result.stdout + result.stderr
    if report is not None and not report.is_symlink() and report.is_file():
        shown += report.read_text(encoding="utf-8", errors="replace")
    if SECRET in shown:  # from the environment, or from the sentinel's file read through a link
        failures.append("the secret is in the output")
    failures += exit_failures(result)
    allowed, notes_may_change = _allowed_changes(hostile)
    for line in changes(inside_before, snapshot(repo)):
        path = line.split(" ", 1)[1]
        if path == ".git" or path.startswith(".git/"):
            continue  # git's own business (the "git" part of issue 16 checks it)
        if any(path == a or path.startswith(a + "/") for a in allowed):
            continue
        if line.startswith("created ") and any(a.startswith(path + "/") for a in allowed):
            continue  # a folder on the way to what was asked for (--cache-dir reports/cache)
        if notes_may_change and line.startswith("changed ") and path.lower().endswith((".md", ".canvas", ".base")):
            continue
        failures.append(f"written in the vault without being asked: {line}")
    return failures
