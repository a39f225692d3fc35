"""Random changes to a vault, applied both on disk and to a :class:`~vaultlint.Workspace`, and the
comparison with a fresh batch run after each one: the differential test of issue 21.

Shared by ``tests/test_workspace_differential.py`` (short, in CI) and
``bench/workspace_differential.py`` (long).  Everything is seeded: a failure names the
seed and the step, and the same seed replays it.
"""

from __future__ import annotations

import json
import os
import posixpath
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import vaultlint
from vaultlint.workspace import Workspace

#: Rules that are off by default, turned on so that the vault-wide ones are compared too.
EXTRA_RULES = ("OR001", "OR002", "OR003", "OR004", "FN002", "LK010")

#: Note names: some a typing slip apart (hints), some differing only in case (FN003, LK005).
NAMES = ("Alpha", "Beta", "Gamma", "Delta", "Alpah", "Epsilon", "Zeta Note", "beta", "Omega", "Café")
FOLDERS = ("", "A/", "B/", "A/C/", "Deep/er/")
ATTACHMENTS = ("pic.png", "doc.pdf", "Pic.png", "sheet.csv")


class Mismatch(AssertionError):
    """The workspace and a fresh run disagree."""


@dataclass
class Session:
    """One vault on disk, the workspace over it, and the unsaved texts it has been given."""

    root: Path
    rng: random.Random
    scratch: Path
    names: list[str] = field(default_factory=lambda: list(NAMES))
    overlays: dict[str, str] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    ws: Workspace | None = None

    def start(self) -> None:
        self.ws = Workspace(self.root, offline=True, jobs=1, extend_select=list(EXTRA_RULES))

    def restart(self) -> None:
        """Close the workspace and start it again from the vault's cache (which lags the disk by
        the changes since the last start); the editor gives its unsaved texts again."""
        assert self.ws is not None
        self.ws.close()
        self.start()
        for path, text in self.overlays.items():
            self.ws.update(path, text)

    # -- the vault ---------------------------------------------------------------------
    def files(self) -> list[str]:
        found = []
        for folder, dirs, names in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in names:
                if not name.startswith("."):
                    found.append(os.path.relpath(os.path.join(folder, name), self.root).replace(os.sep, "/"))
        return sorted(found)

    def folders(self) -> list[str]:
        found = []
        for folder, dirs, _ in os.walk(self.root):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            relative = os.path.relpath(folder, self.root).replace(os.sep, "/")
            if relative != ".":
                found.append(relative)
        return found

    def notes(self) -> list[str]:
        return [f for f in self.files() if f.endswith(".md")]

    def text(self) -> str:
        """A random note: links of every kind to the names in play, headings, blocks, tags, aliases."""
        rng, parts = self.rng, []
        for _ in range(rng.randint(0, 7)):
            name, roll = rng.choice(self.names), rng.random()
            if roll < 0.18:
                parts.append(f"[[{name}]]")
            elif roll < 0.26:
                parts.append(f"[[{name}#H{rng.randint(1, 3)}|shown]]")
            elif roll < 0.33:
                parts.append(f"See [[{name}#^b{rng.randint(1, 3)}]].")
            elif roll < 0.43:
                parts.append(f"{'#' * rng.randint(1, 3)} H{rng.randint(1, 3)}")
            elif roll < 0.5:
                parts.append(f"A paragraph ^b{rng.randint(1, 3)}")
            elif roll < 0.57:
                parts.append(f"![[{rng.choice(ATTACHMENTS)}]]")
            elif roll < 0.64:
                parts.append(f"#topic/{rng.choice(['x', 'X', 'y'])}")
            elif roll < 0.68:
                parts.append(f"%% vaultlint-disable-next-line {rng.choice(['LK001', 'TG001', 'OR001'])} %%")
            elif roll < 0.75:
                folder = rng.choice(FOLDERS + ("../", "./"))
                parts.append(f"[md]({folder}{name.replace(' ', '%20')}.md)")
            elif roll < 0.8:
                parts.append(f"[[{rng.choice(FOLDERS)}{name}]]")
            elif roll < 0.84:
                parts.append("<!-- vaultlint-disable-file OR003 -->")
            elif roll < 0.88:
                parts.append(f"[[{rng.choice(ATTACHMENTS).replace('.pdf', '.pdf#page=2')}]]")
            else:
                parts.append(f"Plain words about {name.lower()}.")
        front = ""
        if rng.random() < 0.3:
            front = f"---\naliases: [{rng.choice(self.names)} {rng.choice(['x', 'Nick', ''])}]\n"
            front += f"tags: [{rng.choice(['Topic/x', 'topic/X', 'other'])}]\n---\n"
        return front + "\n\n".join(parts) + "\n"

    # -- the steps ---------------------------------------------------------------------
    def step(self) -> str:
        """Apply one random change on disk and tell the workspace; what was done, for the log."""
        rng = self.rng
        roll = rng.random()
        notes = self.notes()
        done: str | None = None
        if roll < 0.2 and notes:
            done = self._edit(rng.choice(notes))
        elif roll < 0.3 and notes:
            done = self._retouch(rng.choice(notes))
        elif roll < 0.42:
            done = self._create()
        elif roll < 0.5:
            done = self._delete()
        elif roll < 0.62:
            done = self._rename_file()
        elif roll < 0.68:
            done = self._rename_folder()
        elif roll < 0.85 and notes:
            done = self._overlay(rng.choice(notes))
        elif roll < 0.92 and self.overlays:
            done = self._close_overlay()
        elif roll < 0.95:
            done = self._new_unsaved()
        else:
            done = self._config()
        done = done or "nothing"
        self.log.append(done)
        return done

    def _write(self, path: str, text: str) -> None:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def _edit(self, path: str) -> str:
        self._write(path, self.text())
        self.overlays.pop(path, None)
        assert self.ws is not None
        self.ws.update(self.root / path)
        return f"edit {path}"

    def _retouch(self, path: str) -> str:
        """Change one heading, block id or alias of a note in place (what other notes link to)."""
        text = (self.root / path).read_text(encoding="utf-8")
        rng = self.rng
        swaps = [("H1", "H2"), ("H2", "H3"), ("^b1", "^b2"), ("^b2", "^b3"), ("Nick", "x"), ("x]", "Nick]")]
        before, after = rng.choice(swaps)
        if before in text:
            text = text.replace(before, after, 1)
        else:
            text += rng.choice(["\n# H1\n", "\ntext ^b1\n", "\n---\n"])
        self._write(path, text)
        self.overlays.pop(path, None)
        assert self.ws is not None
        self.ws.update(path)
        return f"retouch {path} {before}->{after}"

    def _new_name(self, suffix: str) -> str:
        rng = self.rng
        return rng.choice(FOLDERS) + (rng.choice(self.names) + suffix if suffix == ".md" else rng.choice(ATTACHMENTS))

    def _create(self) -> str | None:
        rng = self.rng
        kind = rng.random()
        if kind < 0.7:
            path = self._new_name(".md")
            content = self.text()
        elif kind < 0.9:
            path = self._new_name("")
            content = "%PDF-1.4\n" if path.endswith(".pdf") else "data\n"
        else:
            path = rng.choice(FOLDERS) + "Board.canvas"
            target = rng.choice(self.names)
            content = json.dumps(
                {
                    "nodes": [
                        {"id": "n", "type": "file", "file": f"{target}.md", "x": 0, "y": 0, "width": 9, "height": 9}
                    ]
                }
            )
        if (self.root / path).exists() or _folder_clash(self.root, path):
            return None
        self._write(path, content)
        self.overlays.pop(path, None)  # an update without text: the disk wins over unsaved text
        assert self.ws is not None
        self.ws.update(self.root / path)
        return f"create {path}"

    def _delete(self) -> str | None:
        files = self.files()
        if not files:
            return None
        path = self.rng.choice(files)
        (self.root / path).unlink()
        self.overlays.pop(path, None)
        assert self.ws is not None
        self.ws.remove(path)
        return f"delete {path}"

    def _rename_file(self) -> str | None:
        files = self.files()
        if not files:
            return None
        old = self.rng.choice(files)
        suffix = posixpath.splitext(old)[1]
        new = self.rng.choice(FOLDERS) + self.rng.choice(self.names) + suffix
        if new == old or (self.root / new).exists() or _folder_clash(self.root, new):
            return None
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        (self.root / old).rename(self.root / new)
        if old in self.overlays:
            self.overlays[new] = self.overlays.pop(old)
        assert self.ws is not None
        self.ws.rename(old, new)
        return f"rename {old} -> {new}"

    def _rename_folder(self) -> str | None:
        folders = self.folders()
        if not folders:
            return None
        old = self.rng.choice(folders)
        new = self.rng.choice(["A", "B", "D", "E/F", "Deep", "Z z"])
        if new == old or new.startswith(old + "/") or (self.root / new).exists() or _folder_clash(self.root, new):
            return None
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        (self.root / old).rename(self.root / new)
        for path in [p for p in self.overlays if p.startswith(old + "/")]:
            self.overlays[new + path[len(old) :]] = self.overlays.pop(path)
        assert self.ws is not None
        self.ws.rename(self.root / old, self.root / new)
        return f"rename folder {old} -> {new}"

    def _overlay(self, path: str) -> str:
        text = self.text() if self.rng.random() < 0.6 else (self.root / path).read_text(encoding="utf-8") + "\n[[Beta]]"
        self.overlays[path] = text
        assert self.ws is not None
        self.ws.update(path, text)
        return f"unsaved {path}"

    def _close_overlay(self) -> str:
        path = self.rng.choice(sorted(self.overlays))
        del self.overlays[path]
        assert self.ws is not None
        if (self.root / path).exists():
            self.ws.update(path)
        else:
            self.ws.remove(path)
        return f"close unsaved {path}"

    def _new_unsaved(self) -> str | None:
        """A note typed in the editor and never saved: it exists for the workspace only."""
        path = self._new_name(".md")
        if (self.root / path).exists() or path in self.overlays or _folder_clash(self.root, path):
            return None
        self.overlays[path] = self.text()
        assert self.ws is not None
        self.ws.update(path, self.overlays[path])
        return f"unsaved new {path}"

    def _config(self) -> str:
        config = self.root / ".vaultlint.toml"
        choice = self.rng.choice(['ignore = ["LK001"]\n', "allow-placeholders = true\n", "check-comments = true\n"])
        if config.exists() and self.rng.random() < 0.5:
            config.unlink()
            choice = "(none)"
        else:
            config.write_text(choice, encoding="utf-8")
        assert self.ws is not None
        self.ws.update(config)
        return f"config {choice.strip()}"

    # -- the comparison ----------------------------------------------------------------
    def fresh_copy(self) -> Path:
        """The vault as the workspace sees it, on disk: hard links, the unsaved texts written."""
        copy = self.scratch / "copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(self.root, copy, copy_function=os.link)
        for path, text in self.overlays.items():
            target = copy / path
            if target.exists():
                target.unlink()  # a hard link: writing through it would change the vault
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        return copy

    def compare(self, subprocess_too: bool = False) -> None:
        """The workspace's diagnostics against a fresh ``check --no-cache`` of the same files."""
        assert self.ws is not None
        copy = self.fresh_copy() if self.overlays else self.root
        expected = vaultlint.lint(copy, offline=True, no_cache=True, jobs=1, extend_select=list(EXTRA_RULES))
        # A few notes alone first, as an editor asks (after a warm start, before the rest is answered).
        for path in dict.fromkeys(d.path for d in expected.diagnostics[:3]):
            if self.ws.diagnostics(path) != tuple(d for d in expected.diagnostics if d.path == path):
                raise Mismatch(f"diagnostics({path!r}) differs from a fresh check's for it\n" + _steps(self.log))
        got = self.ws.diagnostics()
        if got != expected.diagnostics:
            raise Mismatch(_difference(got, expected.diagnostics, self.log))
        if subprocess_too:
            ran = subprocess.run(
                [sys.executable, "-m", "vaultlint", "check", "--no-cache", "--offline", "--output-format", "json"]
                + [f"--extend-select={code}" for code in EXTRA_RULES]
                + [str(copy)],
                capture_output=True,
                text=True,
                timeout=120,
                env={**os.environ, "NO_COLOR": "1"},
            )
            if ran.returncode not in (0, 1):
                raise Mismatch(f"vaultlint check failed: {ran.stderr}")
            if json.loads(ran.stdout) != [d.to_json() for d in got]:
                raise Mismatch("the workspace differs from `vaultlint check --no-cache`\n" + _steps(self.log))


def _folder_clash(root: Path, path: str) -> bool:
    """A file where a folder of ``path`` should be, or a folder where the file should be."""
    parts = path.split("/")
    for i in range(1, len(parts)):
        if (root.joinpath(*parts[:i])).is_file():
            return True
    return (root / path).is_dir()


def _steps(log: list[str]) -> str:
    return "steps:\n" + "\n".join(f"  {i}: {entry}" for i, entry in enumerate(log))


def _difference(got: tuple, expected: tuple, log: list[str]) -> str:
    def show(d: object) -> str:
        return f"{d.path}:{d.span.line}:{d.span.column} {d.code} {d.message} | {d.hint}"  # type: ignore[attr-defined]

    only_got = [show(d) for d in got if d not in expected]
    only_expected = [show(d) for d in expected if d not in got]
    return (
        "workspace != fresh check\n  workspace only:\n    "
        + "\n    ".join(only_got or ["-"])
        + "\n  fresh check only:\n    "
        + "\n    ".join(only_expected or ["-"])
        + "\n"
        + _steps(log)
    )


def generated_vault(root: Path, rng: random.Random, notes: int) -> Session:
    """A small vault of random notes in a few folders, with attachments."""
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    session = Session(root, rng, root.parent / (root.name + "-scratch"))
    for _ in range(notes):
        path = session._new_name(".md")
        if not _folder_clash(root, path):
            session._write(path, session.text())
    for _ in range(max(1, notes // 5)):
        path = session._new_name("")
        if not _folder_clash(root, path):
            session._write(path, "data\n")
    return session


def corpus_vault(source: Path, root: Path, rng: random.Random) -> Session:
    """A copy of a real vault; the names in play are its own notes' and the generated ones."""
    shutil.copytree(source, root, ignore=shutil.ignore_patterns(".git", ".vaultlint-cache"))
    session = Session(root, rng, root.parent / (root.name + "-scratch"))
    stems = sorted({posixpath.splitext(posixpath.basename(p))[0] for p in session.notes()})
    session.names = list(NAMES) + rng.sample(stems, min(len(stems), 20))
    return session


def run(session: Session, steps: int, subprocess_every: int = 0, restart_every: int = 0) -> int:
    """``steps`` random changes, each compared (and the workspace started again from the cache every
    ``restart_every`` steps); returns the steps run.  Raises :class:`Mismatch`."""
    session.scratch.mkdir(parents=True, exist_ok=True)
    session.start()
    try:
        session.compare(subprocess_too=subprocess_every > 0)
        for number in range(1, steps + 1):
            session.step()
            if restart_every and number % restart_every == 0:
                session.restart()
            session.compare(subprocess_too=bool(subprocess_every) and number % subprocess_every == 0)
    finally:
        assert session.ws is not None
        session.ws.close()
        shutil.rmtree(session.scratch, ignore_errors=True)
    return steps
