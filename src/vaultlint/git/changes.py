"""What git says changed in the vault: which files were renamed, deleted, added or modified.

Every question is one ``git diff-index -M --name-status -z`` (git's own rename
detection, nothing guessed here; the plumbing command, which never refreshes or
writes the index):

- :func:`staged_changes`: what the commit being made changes (index against
  ``HEAD``): the pre-commit case (``vaultlint check --staged``).
- :func:`worktree_changes`: what changed between a commit (``HEAD`` by default)
  and the files on disk, staged or not, new files included: the ``--fix`` case
  after ``git mv`` or a plain ``mv``, and ``--new-since REF``.

Paths come back vault-relative and NFC, like every path in a run.  Nothing is
ever written into ``.git/``: untracked files are offered to git in a throw-away
copy of the index whose new objects go to a throw-away object folder.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import shutil
import stat
import tempfile
from collections.abc import Container, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..vault import nfc
from .run import GitError, ask_git, run_git


@dataclass(frozen=True)
class GitChanges:
    """Files that moved or went away, and the files that are new or changed (vault paths)."""

    #: Former path -> new path, for files renamed or moved inside the vault.
    renamed: Mapping[str, str] = field(default_factory=dict)
    #: Former paths of files deleted, or moved out of the vault.
    deleted: frozenset[str] = frozenset()
    #: Files added, modified or renamed to (what a commit or the work tree changes).
    changed: frozenset[str] = frozenset()
    #: Files new in the vault (nothing of that name before; renamed ones are not added).
    added: frozenset[str] = frozenset()

    @property
    def removed(self) -> frozenset[str]:
        """Every path that no longer exists: deleted or renamed away."""
        return self.deleted | frozenset(self.renamed)

    def within(self, vault_paths: Container[str]) -> GitChanges:
        """The same changes seen from the vault: a rename to a path outside it (a dot-folder
        such as ``.trash/``) counts as a deletion, since no link can reach the file there,
        and files changed or added outside it (``.obsidian/``) are left out."""
        outside = {old for old, new in self.renamed.items() if new not in vault_paths}
        renamed = {old: new for old, new in self.renamed.items() if old not in outside}
        changed = frozenset(p for p in self.changed if p in vault_paths)
        added = frozenset(p for p in self.added if p in vault_paths)
        return GitChanges(renamed, self.deleted | outside, changed, added)

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
            try:
                self._moved = worktree_changes(self._vault_root).within(self._vault_paths).moved
            except GitError:
                self._moved = {}  # a plain check never fails because of git: no hint, no fix
        return self._moved

    def __getitem__(self, key: str) -> str | None:
        return self._load()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())


def parse_name_status(output: bytes) -> GitChanges:
    """``git diff-index --relative --name-status -z`` output, run in the vault root, as vault paths.

    Names are git's raw bytes (``-z``: never quoted), decoded as the vault walk decodes
    file names, so a name that is not UTF-8 is the same string on both sides.
    """

    def inside(path: str) -> str | None:
        # --relative leaves out what is outside the vault, except the far side of a
        # rename across its edge, which it shows as a path that climbs out.
        return None if path.startswith("../") or path.startswith("/") else nfc(path)

    fields = os.fsdecode(output).split("\0")
    renamed: dict[str, str] = {}
    deleted: set[str] = set()
    changed: set[str] = set()
    added: set[str] = set()
    index = 0
    while index + 1 < len(fields) and fields[index]:
        status = fields[index][:1]
        if status in ("R", "C") and index + 2 < len(fields):
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
        if new is not None:
            changed.add(new)
            if status in ("A", "C"):
                added.add(new)
    return GitChanges(renamed, frozenset(deleted), frozenset(changed), frozenset(added))


#: Run in the vault root: ``--relative`` limits the diff to the vault and gives vault paths.
_DIFF = ("diff-index", "--relative", "-M", "--name-status", "-z", "--no-ext-diff", "--no-textconv")


def head_or_empty_tree(vault_root: Path) -> str:
    """``HEAD``'s commit, or git's empty tree before the first commit (:class:`GitError` outside git)."""
    found = ask_git(vault_root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if found:
        return found.decode("ascii").strip()
    # No HEAD: the empty tree, hashed (never written) in the repository's object format.
    return run_git(vault_root, "hash-object", "-t", "tree", "--stdin", stdin=b"").decode("ascii").strip()


def staged_changes(vault_root: Path, base: str | None = None) -> GitChanges:
    """What the commit being prepared changes in the vault (the index against ``base``, default ``HEAD``).

    :class:`GitError` when git cannot answer (not a repository, git missing, refused).
    """
    base = base or head_or_empty_tree(vault_root)
    return parse_name_status(run_git(vault_root, *_DIFF, "--cached", base, "--"))


def worktree_changes(vault_root: Path, base: str = "HEAD") -> GitChanges:
    """What changed between ``base`` and the files on disk, untracked files included.

    :class:`GitError` when git cannot answer (for ``HEAD``: also before the first commit).
    """
    changes = parse_name_status(run_git(vault_root, *_DIFF, base, "--"))
    if not changes.deleted:
        return changes  # a rename needs a file that went away: git already saw every one
    extensions = sorted({posixpath.splitext(path)[1] for path in changes.deleted} - {""})
    return _with_untracked(vault_root, base, extensions, changes)


#: Untracked files up to this size are offered to git, which pairs similar files (an edited
#: note moved with plain ``mv``); larger ones only pair with a deleted file of the same size
#: and content hash, computed here without git writing (or even reading) them.
OFFER_TO_GIT_MAX = 1 << 20


def _with_untracked(vault_root: Path, base: str, extensions: list[str], changes: GitChanges) -> GitChanges:
    """Ask git again with the vault's untracked files too, in a copy of the index.

    A file moved with plain ``mv`` is a deleted tracked file plus an untracked
    one; only ``git add`` lets git pair them.  The copy keeps the real index
    untouched (and its stat data makes the ``add`` fast), and the objects ``add``
    makes go to a temporary object folder: ``.git/`` is never written.  Only
    files with the extension of a deleted file are offered: a rename keeps it.
    """
    if not extensions:
        return changes
    patterns = [f"*{extension}" for extension in extensions]  # in a pathspec, * also matches "/"
    listed = ask_git(vault_root, "ls-files", "-z", "--others", "--exclude-standard", "--", *patterns)
    if not listed:
        return changes
    untracked = [name for name in os.fsdecode(listed).split("\0") if name]
    small, large = [], []
    for name in untracked:
        try:
            status = os.lstat(os.path.join(vault_root, name))
        except OSError:
            continue
        if not stat.S_ISREG(status.st_mode):
            continue  # a link, a FIFO, a device: never a renamed file, never read
        (small if status.st_size <= OFFER_TO_GIT_MAX else large).append((name, status.st_size))
    result = changes
    if small:
        offered = [*(name for name, _ in small), *sorted(changes.deleted)]  # the deletions too: a rename has both
        result = _paired_by_git(vault_root, base, offered) or changes
    if large:
        result = _paired_by_content(vault_root, base, large, result)
    return result


def _paired_by_git(vault_root: Path, base: str, names: list[str]) -> GitChanges | None:
    """git's own rename detection with ``names`` added to a throw-away index and object folder."""
    index = ask_git(vault_root, "rev-parse", "--path-format=absolute", "--git-path", "index", "--git-path", "objects")
    if index is None:
        return None
    index_file, objects = os.fsdecode(index).splitlines()[:2]
    with tempfile.TemporaryDirectory(prefix="vaultlint-git-") as folder:
        copy = os.path.join(folder, "index")
        try:
            shutil.copyfile(index_file, copy)
        except OSError:
            pass  # no index yet: git starts an empty one
        os.mkdir(os.path.join(folder, "objects"))  # git refuses an object folder that does not exist
        alternates = os.pathsep.join(filter(None, (os.environ.get("GIT_ALTERNATE_OBJECT_DIRECTORIES"), objects)))
        env = {
            "GIT_INDEX_FILE": copy,
            "GIT_OBJECT_DIRECTORY": os.path.join(folder, "objects"),
            "GIT_ALTERNATE_OBJECT_DIRECTORIES": alternates,
        }
        # One name a line; literal pathspecs: a name may hold * or start with ":".
        listed = b"\0".join(os.fsencode(name) for name in names)
        added = ask_git(
            vault_root,
            *("--literal-pathspecs", "add", "--all", "--pathspec-from-file=-", "--pathspec-file-nul"),
            stdin=listed,
            env=env,
        )
        if added is None:
            return None
        found = ask_git(vault_root, *_DIFF, "--cached", base, "--", env=env)
    return parse_name_status(found) if found is not None else None


def _paired_by_content(vault_root: Path, base: str, large: list[tuple[str, int]], changes: GitChanges) -> GitChanges:
    """Deleted files paired with large untracked files of the same size and content hash."""
    deleted = sorted(changes.deleted)
    if not deleted:
        return changes
    # Blob id and size of each deleted file at ``base`` (read from the tree: nothing hashed).
    listed = ask_git(vault_root, "--literal-pathspecs", "ls-tree", "-z", "-l", base, "--", *deleted)
    if not listed:
        return changes
    by_size: dict[int, list[tuple[str, str]]] = {}
    for entry in os.fsdecode(listed).split("\0"):
        meta, _, relative = entry.partition("\t")  # (paths relative to the vault root, where git runs)
        parts = meta.split()
        if len(parts) == 4 and parts[1] == "blob" and parts[3].isdigit() and nfc(relative) in changes.deleted:
            by_size.setdefault(int(parts[3]), []).append((nfc(relative), parts[2]))
    renamed = dict(changes.renamed)
    gone = set(changes.deleted)
    changed = set(changes.changed)
    for name, size in large:
        for old, blob in by_size.get(size, ()):
            if old in gone and _blob_id(os.path.join(vault_root, name), size, len(blob)) == blob:
                new = nfc(name)
                renamed[old] = new
                gone.discard(old)
                changed.add(new)
                break
    return GitChanges(renamed, frozenset(gone), frozenset(changed), changes.added)


def _blob_id(path: str, size: int, hex_length: int) -> str | None:
    """git's object id for the file's bytes (SHA-1, or SHA-256 repositories), computed here."""
    digest = hashlib.sha1(usedforsecurity=False) if hex_length == 40 else hashlib.sha256()
    digest.update(b"blob %d\0" % size)
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()
