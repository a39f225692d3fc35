"""The reverse-link index: which notes a change can reach.

A note's result depends on its own text and on three things outside it, each
recorded when it is checked:

- the files its links name: a link finds its target by file name alone
  (OBSIDIAN.md §2, :meth:`~vaultlint.vault.VaultIndex.resolve`), so a file
  created, deleted or renamed can change only the links that name it (and which
  of them are ambiguous, LK005);
- the notes it read (:attr:`LintContext.consulted`): the headings and block ids
  behind ``#heading`` and ``#^block`` links, a PDF's pages;
- the names its hints looked up (:attr:`LintContext.hinted`): a "did you mean"
  hint is the closest file name by similarity ratio (at least 80, :mod:`vaultlint.hints`)
  or an alias of that very name, so a file that comes or goes changes only the
  hints of names it scores 79 or more against, and an alias only the hints of
  that name;
- git's renames (:attr:`LintContext.read_moved`), looked up for every link that
  reaches nothing: checked again when files come or go and git has renames;
- the vault as a whole (:attr:`LintContext.read_vault`): the property names of
  every note (bases), or every name and alias (placeholders' near misses).  Such
  notes are checked again whenever a name, an alias or a property name changes.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import Note
from ..vault import nfc

#: A name scoring below this against a wanted name can be neither its hint nor the reason for
#: another (the hint's floor is 80, :data:`vaultlint.hints.MIN_SCORE`; one point of margin).
CLOSE = 79


def name_keys(link_path: str) -> set[str]:
    """What a link path's target file can be named, lower-cased, without ``.md`` and spaces at the
    ends: the key under which every file that could answer the link is found (an over-approximation:
    extra notes checked again cost time, never correctness)."""
    path = nfc(link_path).lower().strip()
    keys = {_key(path.rsplit("/", 1)[-1])}
    if path.startswith(("./", "../")) or "/." in path:  # a relative path is resolved before its name is taken
        keys.add(_key(posixpath.normpath("/" + path).rsplit("/", 1)[-1]))
    return keys


def file_key(path: str) -> str:
    """The key of a file of the vault (see :func:`name_keys`)."""
    return _key(nfc(path).lower().rsplit("/", 1)[-1])


def _key(name: str) -> str:
    name = name.strip()
    return name[:-3].strip() if name.endswith(".md") else name


def frontmatter_keys(loaded: object) -> frozenset[str]:
    """The property names of a parsed note (bases look them up across the vault, BS002)."""
    if not isinstance(loaded, Note) or loaded.frontmatter is None:
        return frozenset()
    return frozenset(prop.key.lower() for prop in loaded.frontmatter.properties)


@dataclass
class ReverseIndex:
    """Who depends on what, from the notes' last checks."""

    #: File key -> the notes with a link naming it.
    by_name: dict[str, set[str]] = field(default_factory=dict)
    #: Vault path -> the notes whose check read it.
    by_consulted: dict[str, set[str]] = field(default_factory=dict)
    #: Lower-cased name a hint looked up -> the notes whose hints looked it up.
    by_hint: dict[str, set[str]] = field(default_factory=dict)
    #: Notes whose check looked up git's renames.
    moved_readers: set[str] = field(default_factory=set)
    #: Notes whose check read the vault as a whole.
    vault_readers: set[str] = field(default_factory=set)
    #: What each note was recorded under, to take it out again.  Tuples, and for the names the
    #: note's link paths (its summary's own tuple) rather than the keys made of them: one set each
    #: was a third of the index (~25 MB on 20k notes, most of them empty sets of 216 bytes).
    _links_of: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _consulted_by: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _hinted_by: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def record(
        self,
        path: str,
        link_paths: Iterable[str],
        consulted: Iterable[str],
        hinted: Iterable[str] = (),
        reads_moved: bool = False,
        reads_vault: bool = False,
    ) -> None:
        """What ``path``'s latest check depended on (replacing what was recorded before); its links
        are those of ``link_paths`` (its summary's)."""
        links = tuple(link_paths)
        if self._links_of.get(path) != links:  # most edits keep the links: their names stay recorded
            self._drop_names(path)
            for name in _link_names(links):
                self.by_name.setdefault(name, set()).add(path)
        self._links_of[path] = links
        self._drop_reads(path)
        hints = self._hinted_by[path] = tuple(hinted)
        for name in hints:
            self.by_hint.setdefault(name, set()).add(path)
        if reads_moved:
            self.moved_readers.add(path)
        read = self._consulted_by[path] = tuple(p for p in consulted if p != path)
        for target in read:
            self.by_consulted.setdefault(target, set()).add(path)
        if reads_vault:
            self.vault_readers.add(path)

    def drop(self, path: str) -> None:
        """Forget what ``path`` depended on (it is gone)."""
        self._drop_names(path)
        self._drop_reads(path)

    def _drop_names(self, path: str) -> None:
        for name in _link_names(self._links_of.pop(path, ())):
            _discard(self.by_name, name, path)

    def _drop_reads(self, path: str) -> None:
        for target in self._consulted_by.pop(path, ()):
            _discard(self.by_consulted, target, path)
        for name in self._hinted_by.pop(path, ()):
            _discard(self.by_hint, name, path)
        self.moved_readers.discard(path)
        self.vault_readers.discard(path)

    def consulting(self, paths: Iterable[str]) -> set[str]:
        """The notes whose last check read one of ``paths``."""
        found: set[str] = set()
        for path in paths:
            found.update(self.by_consulted.get(path, ()))
        return found

    def naming(self, paths: Iterable[str]) -> set[str]:
        """The notes with a link that could reach one of the files at ``paths``."""
        found: set[str] = set()
        for path in paths:
            found.update(self.by_name.get(file_key(path), ()))
        return found

    def hinting(self, paths: Iterable[str]) -> set[str]:
        """The notes with a hint that a file at one of ``paths`` could be (or was): the names their
        hints looked up that score :data:`CLOSE` or more against its name (:mod:`vaultlint.hints`)."""
        if not self.by_hint:
            return set()
        from rapidfuzz import fuzz, process

        wanted: dict[str, list[str]] = {}
        for name in self.by_hint:
            wanted.setdefault(name.removesuffix(".md"), []).append(name)
        found: set[str] = set()
        for path in paths:
            name = nfc(path).lower().rsplit("/", 1)[-1]
            for form in {name, name.removesuffix(".md")}:
                for close, _, _ in process.extract(
                    form, list(wanted), scorer=fuzz.ratio, score_cutoff=CLOSE, limit=None
                ):
                    for looked_up in wanted[close]:
                        found.update(self.by_hint[looked_up])
        return found

    def hinted_at(self, names: Iterable[str]) -> set[str]:
        """The notes whose hints looked up one of these (lower-cased) names: an alias changed owner."""
        found: set[str] = set()
        for name in names:
            found.update(self.by_hint.get(name, ()))
        return found


def _link_names(link_paths: Iterable[str]) -> set[str]:
    """The keys of the files that links with these paths can reach (:func:`name_keys`)."""
    names: set[str] = set()
    for link_path in link_paths:
        names.update(_keys_of(link_path))
    return names


@functools.lru_cache(maxsize=4096)
def _keys_of(link_path: str) -> tuple[str, ...]:
    """:func:`name_keys` of a link path (none for an empty one), remembered: a note's links are
    asked again on every change to it (a hub's hundreds, on each keystroke that adds a link)."""
    return tuple(name_keys(link_path)) if link_path.strip() else ()


def _discard(sources_of: dict[str, set[str]], key: str, path: str) -> None:
    """Take ``path`` out of ``sources_of[key]``, and the key out when no source is left (memory stays flat)."""
    sources = sources_of.get(key)
    if sources is not None:
        sources.discard(path)
        if not sources:
            del sources_of[key]
