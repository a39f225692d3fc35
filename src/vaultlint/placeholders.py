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
(``[[Machine-learning]]`` for ``Machine Learning``, ``[[slipbox]]`` for the
alias ``Slip Box``), or one typing slip in a longer name: one letter added or
dropped, or two neighbours swapped (``[[Zettelkasten Methdo]]``), in a name of
8 or more letters, with the same first letter and the same numbers.  A changed
letter is not a slip (``Intersection`` and ``Interjection`` are two words), and
neither are shorter names or names that differ in a number (``TLS 1.0``,
``TLS 1.3``): too often different things.

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
#: Spacing and punctuation that do not make a name different; symbols such as ``+`` or ``$`` do.
_NOT_LETTERS = re.compile(r"[\s\-_.,:;!?'\"`’‘“”()\[\]/]+")


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


#: Squeezed names shorter than this are near misses only when equal.
MIN_SLIP_LENGTH = 8


def max_edits(squeezed: str) -> int:
    """How many typing slips still make a near miss of a (squeezed) name this long."""
    return 0 if len(squeezed) < MIN_SLIP_LENGTH else 1


_SYMBOLS = re.compile(r"[^\w]+")


def _is_slip(a: str, b: str) -> bool:
    """Two names one edit apart by a letter added, dropped or swapped with its neighbour, not
    changed, and not by a symbol (``Haskell +`` is not a slip of ``Haskell``)."""
    if _SYMBOLS.sub("", a) == _SYMBOLS.sub("", b):
        return False
    return len(a) != len(b) or sorted(a) == sorted(b)


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def _alias_words(name: str, alias: str, stem: str) -> str:
    """How ``name`` relates to the alias it (nearly) spells: "nearly" only for a typing slip."""
    if name.casefold() == alias.casefold():  # the very alias: "not a note, but nearly X" would read oddly
        return f'"{name}" is not a note but an alias of "{stem}"'
    if squeeze(name) == squeeze(alias):  # the same word, spaced or capitalised differently
        return f'"{name}" is not a note, but "{alias}" is an alias of "{stem}"'
    return f'"{name}" is not a note, but nearly "{alias}", an alias of "{stem}"'


@dataclass
class Placeholders:
    """The placeholder step of one run: drops placeholder violations, keeps near misses, counts."""

    context: LintContext
    #: (lower-cased name) -> (name as first written, notes linking it): what ``vaultlint placeholders`` lists.
    found: dict[str, tuple[str, set[str]]] = field(default_factory=dict)
    _near: dict[str, str | None] = field(default_factory=dict)
    _names: dict[str, tuple[str, str | None]] | None = None
    #: Squeezed names by (length, first character): the only ones a slip can reach.
    _by_length: dict[tuple[int, str], list[str]] | None = None

    def screen(self, code: str, path: str, violation: Violation) -> Violation | None:
        """``violation`` to report (a near miss gets a hint naming the note), or ``None`` for a placeholder."""
        link = violation.link
        if code not in CODES or link is None or not is_placeholder_link(link) or violation.fix is not None:
            return violation
        name = link.path.strip()
        close = self.near_miss(name)
        if close is not None:
            path, alias = close
            stem = posixpath.basename(path)[:-3]
            if alias is not None:
                alias = self._alias_as_written(alias, path)
            if alias is None:
                hint = f'"{name}" is not a note, but "{stem}" is: a typo? Link it as [[{stem}]]'
            else:
                hint = f"{_alias_words(name, alias, stem)} (aliases are not link targets): link it as [[{stem}|{name}]]"
            return dataclasses.replace(violation, hint=hint)
        entry = self.found.setdefault(name.lower(), (name, set()))
        entry[1].add(path)
        return None

    def near_miss(self, name: str) -> tuple[str, str | None] | None:
        """The note (its path) that ``name`` nearly spells, and the lower-cased alias it nearly
        spells (``None`` when it is the note's name)."""
        if name not in self._near:
            self._near[name] = self._closest(name)
        return self._near[name]

    def _closest(self, name: str) -> tuple[str, str | None] | None:
        names = self._all_names()
        squeezed = squeeze(name)
        if squeezed and squeezed in names:
            return names[squeezed]
        edits = max_edits(squeezed)
        if not edits:
            return None
        from rapidfuzz import process
        from rapidfuzz.distance import OSA  # Levenshtein plus swapped neighbours: typing slips

        assert self._by_length is not None
        numbers = _numbers(squeezed)
        best: tuple[int, str] | None = None
        for length in range(len(squeezed) - edits, len(squeezed) + edits + 1):
            candidates = self._by_length.get((length, squeezed[0]), ())
            for candidate, distance, _ in process.extract(
                squeezed, candidates, scorer=OSA.distance, score_cutoff=edits, limit=None
            ):
                if (
                    _numbers(candidate) == numbers
                    and _is_slip(squeezed, candidate)
                    and (best is None or (distance, candidate) < best)
                ):
                    best = (distance, candidate)
        return names[best[1]] if best else None

    def _all_names(self) -> dict[str, tuple[str, str | None]]:
        """Squeezed name -> (note path, lower-cased alias or ``None``), for every note name and alias."""
        if self._names is None:
            names: dict[str, tuple[str, str | None]] = {}
            for path in self.context.vault.index.paths:
                if path.lower().endswith(".md"):
                    names.setdefault(squeeze(posixpath.basename(path)[:-3]), (path, None))
            for alias, owner in self.context.loader.aggregate().alias_owners.items():
                names.setdefault(squeeze(alias), (owner, alias))
            names.pop("", None)
            self._names = names
            self._by_length = {}
            for squeezed in names:
                self._by_length.setdefault((len(squeezed), squeezed[0]), []).append(squeezed)
        return self._names

    def _alias_as_written(self, lower: str, owner: str) -> str:
        """The alias as its note spells it (the aggregate keeps it lower-cased)."""
        for alias in self.context.loader.summary(owner).aliases:
            if alias.lower() == lower:
                return alias
        return lower

    def listing(self) -> list[tuple[str, int]]:
        """Placeholder names with how many notes link each, most linked first."""
        return sorted(((name, len(notes)) for name, notes in self.found.values()), key=lambda i: (-i[1], i[0]))


def format_listing(entries: Iterable[tuple[str, int]], output_format: str = "text") -> str:
    """The listing for a person (``text``: count, name, then the total) or a program (``json``:
    ``[{"name": ..., "notes": ...}]``, most linked first).  Names are escaped like every name
    from a vault (:mod:`vaultlint.report.escape`)."""
    from .report.escape import escape

    rows = [(escape(name), count) for name, count in entries]
    if output_format == "json":
        import json

        return json.dumps([{"name": name, "notes": count} for name, count in rows], indent=2, ensure_ascii=False) + "\n"
    lines = [f"{count:>6}  {name}" for name, count in rows]
    lines.append(f"{len(rows)} placeholder{'s' if len(rows) != 1 else ''}")
    return "\n".join(lines) + "\n"
