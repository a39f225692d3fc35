"""What rules may look at besides the note they check: the vault, other notes, hints.

Everything here is read-only from a rule's point of view.  Other notes are
parsed lazily, so a run on two files parses only those two and the notes their
heading and block links point at.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .model import Link, Note
from .vault import Resolution, Vault, nfc


@dataclass
class NoteStore:
    """Parsed notes by vault path, parsed on first use by ``load``."""

    load: Callable[[str], Note | str]
    _notes: dict[str, Note | str] = field(default_factory=dict)

    def get(self, path: str) -> Note | None:
        """The parsed note, or ``None`` when it cannot be read (VL001 says why)."""
        result = self._notes.get(path)
        if result is None:
            result = self._notes[path] = self.load(path)
        return result if isinstance(result, Note) else None

    def put(self, path: str, result: Note | str) -> None:
        self._notes[path] = result

    def error(self, path: str) -> str | None:
        result = self._notes.get(path)
        return result if isinstance(result, str) else None


@dataclass(eq=False)  # identity hashing: the hint caches below are per context
class LintContext:
    vault: Vault
    notes: NoteStore
    #: Property types: ``.obsidian/types.json`` (config can add more).
    property_types: Mapping[str, str]

    def resolve(self, link: Link, source: str) -> Resolution:
        """Resolve a link the way Obsidian does, plus vaultlint's lenient decisions.

        D6: ``[[Note #H]]`` resolves with its path trimmed; §9.2: a file whose
        name ends in a space (``Note .md``) is accepted for ``[[Note]]``.
        """
        resolve = self.vault.index.resolve
        result = resolve(link.path.strip(), source)
        if result.target is None and link.path.strip():
            for variant in (link.path, link.path.strip() + " "):
                if variant != link.path.strip():
                    other = resolve(variant, source)
                    if other.target is not None:
                        return other
        return result

    def note(self, path: str) -> Note | None:
        return self.notes.get(path)

    # -- hints -----------------------------------------------------------------
    def suggest_file(self, link_path: str, attachments: bool) -> str | None:
        """A hint for a link that reaches no file: an alias it names, or a close file name."""
        if "\\" in link_path:
            return 'use "/" to separate folders in links, not "\\"'
        name = nfc(link_path).rsplit("/", 1)[-1]
        owner = self.alias_owner(name)
        if owner is not None:
            stem = posixpath.basename(owner)[:-3]
            return f'"{name}" is an alias of "{stem}": link it as [[{stem}|{name}]]'
        close = self._close_name(name.lower().removesuffix(".md"), attachments)
        return f'did you mean "{close}"?' if close else None

    @functools.cache  # noqa: B019 - one context per run
    def _close_name(self, wanted: str, attachments: bool) -> str | None:
        """The closest file name by similarity ratio (>= 0.8), among names of similar length.

        rapidfuzz does in C what difflib does in Python: with thousands of
        broken links in a 20,000-note vault, difflib alone took most of the run.
        A ratio of 0.8 is impossible beyond this length gap, so longer and
        shorter names are not compared at all.
        """
        from rapidfuzz import fuzz, process

        by_length = self._names_by_length(attachments)
        slack = max(2, len(wanted) // 4)
        candidates = [
            name for length in range(len(wanted) - slack, len(wanted) + slack + 1) for name in by_length.get(length, ())
        ]
        best = process.extractOne(wanted, candidates, scorer=fuzz.ratio, score_cutoff=80)
        return self._display_names(attachments)[best[0]] if best else None

    @functools.cache  # noqa: B019
    def _display_names(self, attachments: bool) -> dict[str, str]:
        """Lower-cased name -> name as written: note stems, and attachments with their extension."""
        names: dict[str, str] = {}
        for path in self.vault.index.paths:
            base = posixpath.basename(path)
            if base.lower().endswith(".md"):
                names.setdefault(base[:-3].lower(), base[:-3])
            elif attachments:
                names.setdefault(base.lower(), base)
        return names

    @functools.cache  # noqa: B019
    def _names_by_length(self, attachments: bool) -> dict[int, list[str]]:
        buckets: dict[int, list[str]] = {}
        for name in self._display_names(attachments):
            buckets.setdefault(len(name), []).append(name)
        return buckets

    def alias_owner(self, name: str) -> str | None:
        return self._aliases().get(name.lower())

    @functools.cache  # noqa: B019
    def _aliases(self) -> dict[str, str]:
        """Alias (lower-cased) -> the note that declares it.  Built on first need only."""
        owners: dict[str, str] = {}
        for file in self.vault.files:
            if not file.is_note:
                continue
            note = self.notes.get(file.path)
            if note is None or note.frontmatter is None:
                continue
            prop = note.frontmatter.get("aliases", ignore_case=True)
            if prop is None:
                continue
            values = prop.value if isinstance(prop.value, list) else [prop.value]
            for value in values:
                if isinstance(value, str) and value.strip():
                    owners.setdefault(value.strip().lower(), file.path)
        return owners
