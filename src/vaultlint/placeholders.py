"""Placeholders: links to notes not written yet, on purpose (config ``allow-placeholders``).

Obsidian shows ``[[Name]]`` whose note does not exist as a placeholder: a note
to write later, created by clicking the link.  Zettelkasten vaults hold
thousands of them.  With ``allow-placeholders = true`` such a link is not
reported, when it is a *bare wikilink*: ``[[Name]]`` or ``[[Name|alias]]``, no
folder, no file extension, no heading or block part, not an embed, not a
Markdown or property link.  Every other unresolved link is still a broken link.

A placeholder whose name is a near miss of an existing note or alias is still
reported, with a hint naming that note: it is a typo, not a plan.  Near miss
means the same letters and digits up to case, spacing and punctuation
(``[[Machine-learning]]`` for ``Machine Learning``), or a small edit distance:
one edit for names of 5 to 11 characters, two from 12 on (shorter names differ
by one letter too often to tell).

This is the one place that decides what a placeholder is; LK001 only says which
link a violation is about.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .context import LintContext
from .model import Link, LinkKind, Violation

#: The codes whose violations may be placeholders.
CODES = frozenset({"LK001"})

#: A file extension at the end of a link path (``.pdf``, ``.png``); ``Dr. Who`` and ``v1.2`` are not.
_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,4}$")
_NOT_LETTERS = re.compile(r"[\W_]+")


def is_placeholder_link(link: Link) -> bool:
    """A bare wikilink: the only form Obsidian lets stand for a note to be written."""
    path = link.path.strip()
    return (
        link.kind is LinkKind.WIKILINK
        and not link.subpath
        and bool(path)
        and "/" not in path
        and "\\" not in path
        and not _EXTENSION.search(path)
    )


def squeeze(name: str) -> str:
    """Letters and digits only, case-folded: names that differ only in case, spacing or punctuation agree."""
    return _NOT_LETTERS.sub("", name.casefold())


def max_edits(name: str) -> int:
    """How many single-character edits still make a near miss of a name this long."""
    length = len(name)
    return 0 if length < 5 else 1 if length < 12 else 2


@dataclass
class Placeholders:
    """The placeholder step of one run: drops placeholder violations, keeps near misses, counts."""

    context: LintContext
    #: (lower-cased name) -> (name as first written, notes linking it): what ``vaultlint placeholders`` lists.
    found: dict[str, tuple[str, set[str]]] = field(default_factory=dict)
    _near: dict[str, str | None] = field(default_factory=dict)
    _names: dict[str, str] | None = None
    _by_length: dict[int, list[str]] | None = None

    def screen(self, code: str, path: str, violation: Violation) -> Violation | None:
        """``violation`` to report (a near miss gets a hint naming the note), or ``None`` for a placeholder."""
        link = violation.link
        if code not in CODES or link is None or not is_placeholder_link(link) or violation.fix is not None:
            return violation
        name = link.path.strip()
        close = self.near_miss(name)
        if close is not None:
            hint = f'"{name}" is not a note, but "{close}" is: a typo? Link it as [[{close}]]'
            return dataclasses.replace(violation, hint=hint)
        entry = self.found.setdefault(name.lower(), (name, set()))
        entry[1].add(path)
        return None

    def near_miss(self, name: str) -> str | None:
        """The note (or alias) that ``name`` nearly spells, if any."""
        if name not in self._near:
            self._near[name] = self._closest(name)
        return self._near[name]

    def _closest(self, name: str) -> str | None:
        names = self._all_names()
        squeezed = squeeze(name)
        if squeezed and squeezed in names:
            return names[squeezed]
        edits = max_edits(squeezed)
        if not edits:
            return None
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        assert self._by_length is not None
        best: tuple[int, str] | None = None
        for length in range(len(squeezed) - edits, len(squeezed) + edits + 1):
            candidates = self._by_length.get(length)
            if not candidates:
                continue
            found = process.extractOne(squeezed, candidates, scorer=Levenshtein.distance, score_cutoff=edits)
            if found is not None and (best is None or (found[1], found[0]) < best):
                best = (found[1], found[0])
        return names[best[1]] if best else None

    def _all_names(self) -> dict[str, str]:
        """Squeezed name -> display name, for every note stem and alias of the vault."""
        if self._names is None:
            names: dict[str, str] = {}
            for path in self.context.vault.index.paths:
                if path.lower().endswith(".md"):
                    stem = posixpath.basename(path)[:-3]
                    names.setdefault(squeeze(stem), stem)
            for alias, owner in self.context.loader.aggregate().alias_owners.items():
                names.setdefault(squeeze(alias), posixpath.basename(owner)[:-3])
            names.pop("", None)
            self._names = names
            self._by_length = {}
            for squeezed in names:
                self._by_length.setdefault(len(squeezed), []).append(squeezed)
        return self._names

    def listing(self) -> list[tuple[str, int]]:
        """Placeholder names with how many notes link each, most linked first."""
        return sorted(((name, len(notes)) for name, notes in self.found.values()), key=lambda i: (-i[1], i[0]))


def format_listing(entries: Iterable[tuple[str, int]]) -> str:
    rows = list(entries)
    lines = [f"{count:>6}  {name}" for name, count in rows]
    lines.append(f"{len(rows)} placeholder{'s' if len(rows) != 1 else ''}")
    return "\n".join(lines) + "\n"
