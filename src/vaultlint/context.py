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
from typing import TYPE_CHECKING, Any

from .config import PropertySchema
from .loader import NoteLoader
from .model import Link, LinkKind, Note, summarize
from .vault import Resolution, Vault, VaultIndex, nfc

if TYPE_CHECKING:
    from .hints import NameIndex


def _per_context(method: Callable[..., Any]) -> Callable[..., Any]:
    """``functools.cache`` for a context's method, with the cache kept on the context.

    ``functools.cache`` on a method keys on ``self`` in one cache shared by every
    instance, so it keeps every context (and every note its loader holds) alive
    for the rest of the process: a program calling ``vaultlint.lint()`` in a loop
    grew by a megabyte a call.  Here the answers go when the context goes.
    """
    slot = f"_cached_{method.__name__}"

    @functools.wraps(method)
    def cached(self: Any, *args: Any) -> Any:
        answers = self.__dict__.get(slot)
        if answers is None:
            answers = self.__dict__[slot] = {}
        try:
            return answers[args]
        except KeyError:
            answer = answers[args] = method(self, *args)
            return answer

    return cached


def hinted_name(link_path: str) -> str:
    """The name a hint for a link reaching nothing looks up (files close to it, an alias of it)."""
    return nfc(link_path).rsplit("/", 1)[-1]


@dataclass(frozen=True)
class PropertyExpectations:
    """What a note's properties should look like: types, required keys, allowed values."""

    types: Mapping[str, str]
    required: tuple[str, ...] = ()
    allowed: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)


def note_tags(note: Note) -> set[str]:
    """Lower-cased tags of a note, inline and from frontmatter, with their parents (``a/b`` -> ``a``)."""
    result: set[str] = set()
    for name in summarize(note).tags:
        parts = name.strip().lstrip("#").lower().strip("/").split("/")
        result.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    return result


def resolve_link_path(index: VaultIndex, link_path: str, source: str) -> Resolution:
    """Where a link path leads in ``index`` from ``source``: Obsidian's resolution plus
    vaultlint's lenient decisions (:meth:`LintContext.resolve`).  A function of the
    index, so an editor can ask what a link will reach once files are renamed."""
    result = index.resolve(link_path.strip(), source)
    if result.target is None and link_path.strip():
        for variant in (link_path, link_path.strip() + " "):
            if variant != link_path.strip():
                other = index.resolve(variant, source)
                if other.target is not None:
                    return other
    return result


@dataclass(eq=False)  # identity: a context is one run's, with its own caches (_per_context)
class LintContext:
    vault: Vault
    loader: NoteLoader
    #: Property types: ``.obsidian/types.json`` merged with the config's ``types``.
    property_types: Mapping[str, str]
    #: The config's ``[[schema]]`` entries, each scoped to a folder glob and/or a tag.
    schema: tuple[PropertySchema, ...] = ()
    #: Notes looked at while checking the current note (its results depend on them).
    consulted: set[str] = field(default_factory=set)
    #: Files git says were renamed (former path -> new path) or deleted (-> ``None``):
    #: read by the engine (``git.changes``), never by rules; links to them get a fix.
    moved: Mapping[str, str | None] = field(default_factory=dict)
    #: What the current note's check asked of the vault as a whole, beyond the files its links name
    #: (a long-lived workspace checks the note again when the answer may change): the property
    #: names of every note (bases), what git renamed, and the names that hints looked up.
    read_vault: bool = False
    read_moved: bool = False
    hinted: set[str] = field(default_factory=set)
    #: A set, given by a check run while a pool still parses the vault: the alias lookups that
    #: answered "no alias" without the vault's aliases (:meth:`alias_owner`).  ``None``: a lookup
    #: then waits for every note (``NotYetParsed``), as any other read of the whole vault does.
    aliases_to_confirm: set[str] | None = None
    #: The resolutions of the links of the note last asked about: (index, note path, link path -> answer).
    _resolutions: tuple[VaultIndex, str, dict[str, Resolution]] | None = field(default=None, init=False, repr=False)

    def resolve(self, link: Link, source: str) -> Resolution:
        """Resolve a link the way Obsidian does, plus vaultlint's lenient decisions.

        D6: ``[[Note #H]]`` resolves with its path trimmed; §9.2: a file whose
        name ends in a space (``Note .md``) is accepted for ``[[Note]]``.

        A canvas's file node or background names a full vault path, and Obsidian opens that
        path as written (§8.4): there is no search by name, so ``x.md`` in a canvas does not
        reach ``Folder/x.md``.  Case is still ignored, as for every other vault path: a
        canvas written on a case-insensitive disk must not be reported on another.
        """
        if link.kind is LinkKind.CANVAS_FILE:
            return Resolution(self.vault.index.exact(link.path))
        return self._resolve_path(link.path, source)

    def _resolve_path(self, link_path: str, source: str) -> Resolution:
        """:func:`resolve_link_path` in the current index, remembered for the note being checked:
        its rules ask for the same links again and again (LK001, LK005, the subpath rules...)."""
        index = self.vault.index
        memo = self._resolutions
        if memo is None or memo[0] is not index or memo[1] != source:
            memo = self._resolutions = (index, source, {})
        answers = memo[2]
        found = answers.get(link_path)
        if found is None:
            found = answers[link_path] = resolve_link_path(index, link_path, source)
        return found

    def former_target(self, link: Link, source: str) -> str | None:
        """Where ``link`` led before the files in :attr:`moved` were renamed or deleted."""
        self.read_moved = True  # what git renamed, and the link text to the new name
        if not self.moved or not link.path.strip():
            return None
        return self._former_index().resolve(link.path.strip(), source).target

    @_per_context
    def _former_index(self) -> VaultIndex:
        from .linkrepair import former_index

        return former_index(self.vault.index.paths, dict(self.moved))

    def source_text(self, path: str) -> str | None:
        """The text of a note as checked (to rewrite a link in place), ``None`` if unreadable."""
        return self.loader.text(path)

    def expectations(self, note: Note) -> PropertyExpectations:
        """The property types, required keys and allowed values that apply to ``note``."""
        if not note.path.lower().endswith(".md"):
            return PropertyExpectations({})  # canvases and bases have no properties
        types = dict(self.property_types)
        required: list[str] = []
        allowed: dict[str, tuple[Any, ...]] = {}
        tags: set[str] | None = None
        for entry in self.schema:
            if not entry.applies_to_path(note.path):
                continue
            if entry.tag is not None:
                tags = note_tags(note) if tags is None else tags
                if entry.tag.lower() not in tags:
                    continue
            types.update(entry.types)
            required.extend(k for k in entry.required if k not in required)
            allowed.update(entry.allowed)
        return PropertyExpectations(types, tuple(required), allowed)

    def note(self, path: str) -> Note | None:
        """Another note of the vault, parsed; ``None`` when it cannot be read (VL001 says why)."""
        self.consulted.add(path)
        loaded = self.loader.load(path)
        return loaded if isinstance(loaded, Note) else None

    def pdf_page_count(self, path: str) -> int | None:
        """The page count of a PDF of the vault, or ``None`` when it cannot be told (LK009)."""
        self.consulted.add(path)
        return self._pdf_page_count(path)

    @_per_context
    def _pdf_page_count(self, path: str) -> int | None:
        return self.loader.pdf_page_count(path)

    def vault_property_keys(self) -> frozenset[str]:
        """Lower-cased property names the vault knows (BS002): the frontmatter keys of
        every note, and the properties given a type in ``types.json`` or the config."""
        self.read_vault = True
        self.consulted.update(p for p in self.loader.states if p.lower().endswith(".md"))
        return self._vault_property_keys()

    @_per_context
    def _vault_property_keys(self) -> frozenset[str]:
        keys = {key.lower() for key in self.property_types}
        for path in self.loader.states:
            if not path.lower().endswith(".md"):
                continue
            loaded = self.loader.load(path)
            if isinstance(loaded, Note) and loaded.frontmatter is not None:
                keys.update(prop.key.lower() for prop in loaded.frontmatter.properties)
        return frozenset(keys)

    # -- hints -----------------------------------------------------------------
    def suggest_file(self, link_path: str, attachments: bool) -> str | None:
        """A hint for a link that reaches no file: an alias it names, or a close file name."""
        if "\\" in link_path:
            return 'use "/" to separate folders in links, not "\\"'
        name = hinted_name(link_path)
        self.hinted.add(name.lower())
        # The close name first, though an alias wins: it needs only file names, so it is
        # worked out (and cached) while the pool still parses; the alias needs every note,
        # and is looked up when the check is tried again after the parse.
        close = self._close_name(name.lower().removesuffix(".md"), attachments)
        owner = self.alias_owner(name)
        if owner is not None:
            stem = posixpath.basename(owner)[:-3]
            return f'"{name}" is an alias of "{stem}": link it as [[{stem}|{name}]]'
        return f'did you mean "{close}"?' if close else None

    @_per_context
    def _close_name(self, wanted: str, attachments: bool) -> str | None:
        """The closest file name by similarity ratio (>= 0.8), if there is one (:mod:`.hints`)."""
        close = self._name_index(attachments).closest(wanted)
        if not close:
            return None
        path = self._hint_names()[attachments][close]
        name = path[path.rfind("/") + 1 :]
        return name[:-3] if path.lower().endswith(".md") else name

    @_per_context
    def _name_index(self, attachments: bool) -> NameIndex:
        """The lower-cased names for hints, in vault order; it indexes itself as hints come."""
        from .hints import NameIndex  # rapidfuzz: imported only when a link is broken

        return NameIndex(self._hint_names()[attachments])

    @_per_context
    def _hint_names(self) -> tuple[dict[str, str], dict[str, str]]:
        """The names hints choose from, lower-cased, each with the first vault path of that name:
        note stems (``[False]``), and note stems and attachments with their extension (``[True]``).

        Made together so that both share each name's string, and the name as written is
        cut from the path only for the hint given: at 100,000 notes, separate copies were
        some 20 MB of a run that finds both broken links and broken embeds.
        """
        notes: dict[str, str] = {}
        everything: dict[str, str] = {}
        for lower, paths in self.vault.index.by_name.items():
            if lower.endswith(".md"):
                stem = lower[:-3]
                if stem not in notes:
                    notes[stem] = paths[0]
                if stem not in everything:
                    everything[stem] = paths[0]
            elif lower not in everything:
                everything[lower] = paths[0]
        return notes, everything

    def alias_owner(self, name: str) -> str | None:
        """The note that declares ``name`` as an alias, if one does.

        While a pool still parses the vault, a check that gave :attr:`aliases_to_confirm` is
        answered "none" and the name is kept there: its caller confirms the result once every
        note is parsed (the name is nobody's alias) or checks the note again.  Waiting instead
        left every note with a broken link to be checked again after the parse, on one core.
        """
        lower = name.lower()
        self.hinted.add(lower)
        if self.aliases_to_confirm is not None and self.loader.pending:
            self.aliases_to_confirm.add(lower)
            return None
        return self._aliases().get(lower)

    def _aliases(self) -> Mapping[str, str]:
        """Alias (lower-cased) -> the note that declares it."""
        return self.loader.aggregate().alias_owners
