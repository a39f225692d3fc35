"""What git says about the vault: the staged notes, and which files were renamed or deleted.

Two questions, both answered by ``git diff -M --name-status`` (git's own rename
detection, nothing guessed here):

- :func:`staged_changes`: what the commit being made changes (index against
  ``HEAD``): the pre-commit case (``vaultlint check --staged``).
- :func:`worktree_changes`: what changed between ``HEAD`` and the files on disk,
  staged or not, new files included: the ``--fix`` case after ``git mv`` or a
  plain ``mv``.  Untracked files are offered to git in a throw-away copy of the
  index, so the user's index is never written.

Paths come back vault-relative and NFC, like every path in a run.  Outside a git
work tree, without a ``git`` executable, or when git fails, the answer is "no
changes": a check never fails because of git.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .vault import is_source, nfc

#: No git call may hold a commit up for long; a slow one just means "no changes".
GIT_TIMEOUT = 20.0


@dataclass(frozen=True)
class GitChanges:
    """Files that moved or went away, and the notes that are new or changed (vault paths)."""

    #: Former path -> new path, for files renamed or moved inside the vault.
    renamed: Mapping[str, str] = field(default_factory=dict)
    #: Former paths of files deleted, or moved out of the vault.
    deleted: frozenset[str] = frozenset()
    #: Notes, canvases and bases added, modified or renamed to (what a commit or the work tree changes).
    changed: frozenset[str] = frozenset()

    @property
    def removed(self) -> frozenset[str]:
        """Every path that no longer exists: deleted or renamed away."""
        return self.deleted | frozenset(self.renamed)

    def within(self, vault_paths: Container[str]) -> GitChanges:
        """The same changes, with a rename to a path outside the vault (a dot-folder such
        as ``.trash/``) counted as a deletion: no link can reach the file there."""
        outside = {old for old, new in self.renamed.items() if new not in vault_paths}
        if not outside:
            return self
        renamed = {old: new for old, new in self.renamed.items() if old not in outside}
        return GitChanges(renamed, self.deleted | outside, self.changed)

    @property
    def moved(self) -> dict[str, str | None]:
        """Former path -> new path, ``None`` for deleted files: what link rules are told."""
        result: dict[str, str | None] = dict.fromkeys(sorted(self.deleted))
        result.update(self.renamed)
        return result


NO_CHANGES = GitChanges()


class MovedLater(Mapping[str, "str | None"]):
    """:attr:`GitChanges.moved` of the work tree, asked of git only when first looked at.

    Link rules look only for links that reach no file, so a check that finds
    none never runs git.
    """

    def __init__(self, vault_root: Path, vault_paths: Container[str]) -> None:
        self._vault_root = vault_root
        self._vault_paths = vault_paths
        self._moved: dict[str, str | None] | None = None

    def _load(self) -> dict[str, str | None]:
        if self._moved is None:
            self._moved = worktree_changes(self._vault_root).within(self._vault_paths).moved
        return self._moved

    def __getitem__(self, key: str) -> str | None:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def _git(folder: Path, *args: str, env: Mapping[str, str] | None = None) -> str | None:
    """Run git in ``folder``; its stdout, or ``None`` when git is missing or fails."""
    import subprocess  # here: a run that never asks git does not pay for the import

    try:
        done = subprocess.run(
            ["git", *args],
            cwd=folder,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            env=dict(env) if env is not None else None,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "surrogateescape")


def _parse_name_status(output: str) -> GitChanges:
    """``git diff --relative --name-status -z`` output, run in the vault root, as vault paths."""

    def inside(path: str) -> str | None:
        # --relative leaves out what is outside the vault, except the far side of a
        # rename across its edge, which it shows as a path that climbs out.
        return None if path.startswith("../") or path.startswith("/") else nfc(path)

    fields = output.split("\0")
    renamed: dict[str, str] = {}
    deleted: set[str] = set()
    changed: set[str] = set()
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index][:1]
        if status in ("R", "C"):
            old, new = inside(fields[index + 1]), inside(fields[index + 2])
            index += 3
            if status == "C":
                old = None  # a copy removes nothing
        else:
            old, new = (inside(fields[index + 1]), None) if status == "D" else (None, inside(fields[index + 1]))
            index += 2
        if status == "R" and old is not None and new is not None:
            renamed[old] = new
        elif old is not None and status in ("R", "D"):
            deleted.add(old)
        if new is not None and is_source(new):  # canvases and bases are checked like notes
            changed.add(new)
    return GitChanges(renamed, frozenset(deleted), frozenset(changed))


#: Run in the vault root: ``--relative`` limits the diff to the vault and gives vault paths.
_DIFF = ("diff", "--relative", "-M", "--name-status", "-z", "--no-ext-diff", "--no-textconv", "--no-color")


def staged_changes(vault_root: Path) -> GitChanges:
    """What the commit being prepared changes in the vault (the index against ``HEAD``)."""
    # Without HEAD (the first commit) git compares the index with an empty tree.
    found = _git(vault_root, *_DIFF, "--cached")
    return _parse_name_status(found) if found is not None else NO_CHANGES


def worktree_changes(vault_root: Path) -> GitChanges:
    """What changed between ``HEAD`` and the files on disk, untracked files included."""
    found = _git(vault_root, *_DIFF, "HEAD")
    if found is None:
        return NO_CHANGES  # not a repository, or no HEAD yet: nothing was renamed
    changes = _parse_name_status(found)
    if not changes.deleted:
        return changes  # a rename needs a file that went away: git already saw every one
    extensions = sorted({posixpath.splitext(path)[1] for path in changes.deleted} - {""})
    return _with_untracked(vault_root, extensions) or changes


def _with_untracked(vault_root: Path, extensions: list[str]) -> GitChanges | None:
    """Ask git again with the vault's untracked files too, in a copy of the index.

    A file moved with plain ``mv`` is a deleted tracked file plus an untracked
    one; only ``git add`` lets git pair them.  The copy keeps the real index
    untouched (and its stat data makes the ``add`` fast).  Only files with the
    extension of a deleted file are offered: a rename keeps it, and hashing a
    folder of large untracked attachments for nothing would stall the check.
    """
    if not extensions:
        return None
    import shutil
    import tempfile

    index = _git(vault_root, "rev-parse", "--git-path", "index")  # relative to vault_root, or absolute
    if index is None:
        return None
    with tempfile.TemporaryDirectory(prefix="vaultlint-git-") as folder:
        copy = os.path.join(folder, "index")
        try:
            shutil.copyfile(os.path.join(vault_root, index.strip()), copy)
        except OSError:
            pass  # no index yet: git starts an empty one
        env = {**os.environ, "GIT_INDEX_FILE": copy}
        patterns = [f"*{extension}" for extension in extensions]  # in a pathspec, * also matches "/"
        if _git(vault_root, "add", "--all", "--", *patterns, env=env) is None:
            return None
        found = _git(vault_root, *_DIFF, "--cached", "HEAD", env=env)
    return _parse_name_status(found) if found is not None else None
