"""Only what a change broke: ``--new-since REF`` (REF against the work tree) and ``--staged``
(``HEAD`` against the index).

A problem is new when the vault before the change did not have it: same note
(following git's renames), same code, same message with line numbers masked,
counted per key like the baseline.  Only the notes that can differ are checked,
on both sides: the notes the change touches, and the notes whose links may
resolve differently because files were added, renamed or deleted, or because
the headings, block ids or aliases of a note they link to changed.

The side before the change is the same vault with the changed files as git holds
them at the base commit (read with ``git cat-file --batch`` into a temporary
folder outside the vault, parsed like any note) and every other file as it is
now: nothing is checked out, and the unchanged notes are never parsed twice.
"""

from __future__ import annotations

import functools
import os
import posixpath
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..baseline import EntryKey, entry_key, subtract
from ..loader import Loaded, NoteLoader
from ..model import Diagnostic, Note, NoteSummary, VaultAggregate, aggregate, retagged, summarize
from ..vault import MAX_NOTE_BYTES, Vault, VaultFile, VaultIndex, is_source, nfc
from .changes import GitChanges, head_or_empty_tree, staged_changes, worktree_changes
from .objects import read_blobs
from .run import GitError, ask_git, run_git


@dataclass(frozen=True)
class Comparison:
    """A change, as git sees it: the commit before it and what it changes in the vault."""

    #: The commit (or empty tree) the change starts from.
    base: str
    changes: GitChanges

    @property
    def added(self) -> frozenset[str]:
        """Files new since ``base`` (nothing of that name before), untracked ones included."""
        return self.changes.added

    @functools.cached_property
    def before(self) -> dict[str, str]:
        """New path -> path before the change, for renamed files."""
        return {new: old for old, new in self.changes.renamed.items()}

    def former_path(self, path: str) -> str | None:
        """Where a file of the work tree was before the change; ``None`` for an added file."""
        if path in self.added:
            return None
        return self.before.get(path, path)

    @property
    def differs(self) -> frozenset[str]:
        """Paths, before the change, whose content is not the same now (read from git)."""
        before = self.before
        modified = {before.get(p, p) for p in self.changes.changed if p not in self.added}
        return frozenset(modified | self.changes.removed)


def staged_comparison(vault_root: Path) -> Comparison:
    """The commit being made: the index against ``HEAD`` (the empty tree before the first commit)."""
    try:
        return Comparison("HEAD", staged_changes(vault_root, "HEAD"))
    except GitError:
        base = head_or_empty_tree(vault_root)  # no commit yet; else git's real complaint, below
        return Comparison(base, staged_changes(vault_root, base))


def comparison_since(vault_root: Path, ref: str) -> Comparison:
    """The work tree (staged or not, untracked files included) against the commit ``ref`` names."""
    commit = resolve_ref(vault_root, ref)
    changes = worktree_changes(vault_root, commit)
    added = set(changes.added)
    untracked = ask_git(vault_root, "ls-files", "-z", "--others", "--exclude-standard", "--", ".")
    renamed_to = set(changes.renamed.values())
    for name in os.fsdecode(untracked or b"").split("\0"):
        if name and nfc(name) not in renamed_to:
            added.add(nfc(name))
    return Comparison(commit, GitChanges(changes.renamed, changes.deleted, changes.changed | added, frozenset(added)))


def resolve_ref(vault_root: Path, ref: str) -> str:
    """The commit ``ref`` names, or a :class:`GitError` that says how to get it."""
    if ref.startswith("-"):
        raise GitError(f"--new-since {ref}: not a git revision")
    found = ask_git(vault_root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    if found:
        return found.decode("ascii").strip()
    run_git(vault_root, "rev-parse", "--git-dir")  # outside a work tree: that is the error to give
    if ask_git(vault_root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}") is None:
        raise GitError(f"--new-since {ref}: the repository has no commits yet (commit first, or check without it)")
    shallow = ask_git(vault_root, "rev-parse", "--is-shallow-repository")
    if shallow is not None and shallow.strip() == b"true":
        raise GitError(
            f"--new-since {ref}: not in this shallow clone; fetch the history "
            f"(actions/checkout with fetch-depth: 0, or git fetch origin {_branch(ref)})"
        )
    raise GitError(f"--new-since {ref}: no such commit here (fetch it first: git fetch origin {_branch(ref)})")


def _branch(ref: str) -> str:
    return ref.removeprefix("origin/").removeprefix("refs/remotes/origin/") or "main"


def dependents(loader: NoteLoader, comparison: Comparison, anchors_changed: Iterable[str], skip: set[str]) -> list[str]:
    """Notes outside ``skip`` with a link whose target may resolve differently after the change.

    Narrowed by file name from every note's link paths (cached summaries), never
    resolved here: a note named is checked on both sides, and only what differs counts.
    """
    changes = comparison.changes
    touched = {*comparison.added, *changes.removed, *changes.renamed.values(), *anchors_changed}
    names = {posixpath.basename(p).lower() for p in touched}
    names |= {name[:-3] for name in names if name.endswith(".md")}
    if not names:
        return []
    loader.preload_summaries()  # a cold cache: parse the notes in parallel, once
    found = []
    for path in loader.states:
        if path in skip:
            continue
        if any(link.rsplit("/", 1)[-1].lower() in names for link in loader.summary(path).link_paths):
            found.append(path)
    return found


def anchors(note: Loaded) -> tuple[object, ...]:
    """What links into a note can reach besides the note itself: headings, block ids, aliases."""
    if not isinstance(note, Note):
        return ()
    return (tuple(h.text for h in note.headings), tuple(b.id for b in note.block_ids), summarize(note).aliases)


@dataclass
class Past:
    """The vault before the change: a :class:`Vault` and a loader over it, and where the old texts are."""

    vault: Vault
    loader: PastLoader
    folder: tempfile.TemporaryDirectory[str]

    def close(self) -> None:
        self.folder.cleanup()


def past_of(vault: Vault, present: NoteLoader, comparison: Comparison) -> Past:
    """The vault as it was at ``comparison.base``, for the files the change touched; the rest shared."""
    differs = comparison.differs
    folder = tempfile.TemporaryDirectory(prefix="vaultlint-before-")
    try:
        sources = sorted(p for p in differs if is_source(p))
        blobs = read_blobs(vault.root, comparison.base, sources, MAX_NOTE_BYTES)
        files: dict[str, VaultFile] = {}
        new_paths = set(comparison.added) | set(comparison.changes.renamed.values())
        for file in vault.files:
            if file.path not in new_paths and file.path not in differs:
                files[file.path] = file
        for number, path in enumerate(sorted(differs)):
            stored = blobs.get(path)
            fs_path = os.path.join(folder.name, str(number))  # a number: the name is the repository's
            if isinstance(stored, bytes):
                with open(fs_path, "wb") as handle:
                    handle.write(stored)
            files[path] = VaultFile(path, fs_path, path.lower().endswith(".md"))
        ordered = tuple(files[p] for p in sorted(files))
        past_vault = Vault(
            root=vault.root,
            files=ordered,
            index=VaultIndex(files),
            obsidian=vault.obsidian,
            gitignore=vault.gitignore,
            by_path=files,
            nested_vaults=vault.nested_vaults,
        )
        loader = PastLoader(past_vault, None, present=present, differs=differs, changed_now=comparison.changes.changed)
    except BaseException:
        folder.cleanup()
        raise
    return Past(past_vault, loader, folder)


@dataclass
class PastLoader(NoteLoader):
    """A loader of the vault before the change: the changed files parsed from their old text,
    every other note answered by the loader of the present (the same text, parsed once)."""

    present: NoteLoader | None = None
    #: Paths before the change whose text differs now (read from git).
    differs: frozenset[str] = field(default_factory=frozenset)
    #: Paths now whose text differs from before (changed, added, renamed to).
    changed_now: frozenset[str] = field(default_factory=frozenset)

    def _shared(self, path: str) -> bool:
        return self.present is not None and path not in self.differs

    def load(self, path: str) -> Loaded:
        return self.present.load(path) if self._shared(path) and self.present is not None else super().load(path)

    def summary(self, path: str) -> NoteSummary:
        if self._shared(path) and self.present is not None:
            return self.present.summary(path)
        return super().summary(path)

    def has_fresh_row(self, path: str) -> bool:
        return False

    def aggregate(self) -> VaultAggregate:
        """The present's aggregate with the changed notes swapped back; rebuilt from every
        summary only when a changed note's aliases (or an aliased note's path) differ."""
        if self._aggregate is not None:
            return self._aggregate
        present = self.present
        if present is None:
            return super().aggregate()
        before = {p: self.summary(p) for p in self.differs if p in self.states}
        after = {p: present.summary(p) for p in self.changed_now if p in present.states}
        aliases_before = {p: s.aliases for p, s in before.items() if s.aliases}
        if aliases_before != {p: s.aliases for p, s in after.items() if s.aliases}:
            self.preload_summaries()
            self._aggregate = aggregate((path, self.summary(path)) for path in self.states)
        else:
            now = present.aggregate()
            self._aggregate = VaultAggregate(retagged(now, after.values(), before.values()), now.alias_owners)
        return self._aggregate

    def preload_summaries(self) -> None:
        if self.present is not None:
            self.present.preload_summaries()


def only_new(present: Iterable[Diagnostic], past: Iterable[Diagnostic], renamed: Mapping[str, str]) -> list[Diagnostic]:
    """The diagnostics of ``present`` that ``past`` did not have (its paths followed through ``renamed``),
    counted per key: with one of two identical problems old, the other is new."""
    accepted: Counter[EntryKey] = Counter()
    for diagnostic in past:
        path, code, key = entry_key(diagnostic)
        accepted[(renamed.get(path, path), code, key)] += 1
    return subtract(present, accepted).kept
