"""The data model: immutable records passed between the stages of a run.

Everything here is a frozen dataclass (or an enum) so that parsed notes can be
cached, sent between processes and compared, and so that no stage can quietly
change what an earlier stage produced.

Positions are 1-based lines and columns in the original file; columns count
characters (code points), not bytes.  ``end_column`` is exclusive: a span
``(3, 5, 3, 16)`` covers the 11 characters starting at column 5 of line 3.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import operator
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Severity(enum.Enum):
    """How serious a diagnostic is.  Ordered: ``INFO < WARNING < ERROR``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """A region of a file: 1-based start line/column, exclusive end column."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        return cls(line, column, line, column + 1)


class LinkKind(enum.Enum):
    """Where a link to another vault file was written."""

    WIKILINK = "wikilink"  # [[target]]
    EMBED = "embed"  # ![[target]]
    MARKDOWN = "markdown"  # [text](target)
    MARKDOWN_IMAGE = "markdown-image"  # ![alt](target)
    PROPERTY = "property"  # key: "[[target]]" in frontmatter
    CANVAS_FILE = "canvas-file"  # a canvas file node's "file", or a group's "background" (a vault path)

    @property
    def is_embed(self) -> bool:
        return self in (LinkKind.EMBED, LinkKind.MARKDOWN_IMAGE, LinkKind.CANVAS_FILE)


@dataclass(frozen=True, slots=True)
class Link:
    """An internal link, already decoded into a link path and a subpath.

    ``path`` is the part before the first ``#`` (empty for a link to the note
    itself); ``subpath`` is everything from that ``#`` on, or ``""``.
    ``raw`` is the target as written (for messages).
    """

    kind: LinkKind
    raw: str
    path: str
    subpath: str
    span: Span
    in_comment: bool = False
    #: For property links: the dotted key path (``related.0``).
    property_key: str | None = None


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    #: Raw Markdown source of the heading content, trimmed (OBSIDIAN.md §4).
    text: str
    span: Span


@dataclass(frozen=True, slots=True)
class BlockId:
    #: As written, without the ``^``.
    id: str
    span: Span
    in_comment: bool = False
    #: False for an id at the end of a line that is not the end of its block:
    #: accepted as a link target (report less), not counted as a duplicate.
    at_block_end: bool = True


@dataclass(frozen=True, slots=True)
class Tag:
    #: As written, without the ``#``.
    name: str
    span: Span
    in_comment: bool = False


class UrlOrigin(enum.Enum):
    MARKDOWN_LINK = "markdown-link"
    MARKDOWN_IMAGE = "markdown-image"
    AUTOLINK = "autolink"  # <https://...>
    BARE = "bare"  # GFM autolink literal
    FRONTMATTER = "frontmatter"
    CANVAS = "canvas"  # the "url" of a canvas link node
    REFERENCE = "reference"  # [label]: https://... (a reference definition)
    HTML = "html"  # <a href>, <img src>


@dataclass(frozen=True, slots=True)
class ExternalUrl:
    """An external http(s) URL written in a note, with its position."""

    url: str
    span: Span
    origin: UrlOrigin
    in_comment: bool = False


@dataclass(frozen=True, slots=True)
class RawSpaceLink:
    """``[text](My Note.md)``: looks like a link, but CommonMark says it is not (D2)."""

    destination: str
    span: Span
    in_comment: bool = False


@dataclass(frozen=True, slots=True)
class EmptyLink:
    """``[[ ]]``, ``[[#]]``, ``[]()`` and similar (LK006)."""

    raw: str
    span: Span
    in_comment: bool = False


@dataclass(frozen=True, slots=True)
class Property:
    """One top-level frontmatter key."""

    key: str
    key_span: Span
    #: The value as YAML 1.2 core schema reads it (strings stay strings).
    value: Any
    value_span: Span
    #: Each item of a list value, with the span of that item (empty for scalars).
    items: tuple[PropertyItem, ...] = ()
    #: The scalar source text for plain (unquoted) scalars, else ``None``.
    plain_text: str | None = None


@dataclass(frozen=True, slots=True)
class PropertyItem:
    value: Any
    span: Span
    plain_text: str | None = None


@dataclass(frozen=True, slots=True)
class FrontmatterProblem:
    """A frontmatter finding made while parsing (FM001-FM004, FM006)."""

    code: str
    message: str
    span: Span
    hint: str | None = None
    fix: Fix | None = None


@dataclass(frozen=True, slots=True)
class Frontmatter:
    """The YAML block at the top of a note (OBSIDIAN.md §7.1)."""

    #: Lines of the whole block including both fences.
    span: Span
    raw: str
    #: Parsed top-level properties; empty when the block is not a mapping or invalid.
    properties: tuple[Property, ...] = ()
    is_mapping: bool = False
    problems: tuple[FrontmatterProblem, ...] = ()

    def get(self, key: str, *, ignore_case: bool = False) -> Property | None:
        for prop in self.properties:
            if prop.key == key or (ignore_case and prop.key.lower() == key.lower()):
                return prop
        return None


@dataclass(frozen=True, slots=True)
class Comment:
    """An Obsidian ``%%`` or HTML ``<!-- -->`` comment, for suppression directives."""

    text: str
    span: Span
    html: bool = False


@dataclass(frozen=True, slots=True)
class ParseProblem:
    """A finding made while reading a canvas or a base (CV001, CV002, BS001, BS002)."""

    code: str
    message: str
    span: Span


@dataclass(frozen=True, slots=True)
class BaseReference:
    """Something a base names that must exist in the vault (BS002).

    ``kind`` is ``"folder"`` (``file.inFolder("X")``), ``"link"``
    (``link("X")``, ``file.hasLink("X")``) or ``"property"`` (a view's ``order``).
    """

    kind: str
    value: str
    span: Span


@dataclass(frozen=True, slots=True)
class Note:
    """Everything vaultlint needs from one Markdown file, canvas or base.

    Built by ``syntax.note``, ``syntax.canvas`` and ``syntax.bases``: a canvas's
    links and URLs live here like a note's, so every link rule reads them alike.
    """

    path: str  # vault-relative, '/'-separated, NFC
    frontmatter: Frontmatter | None
    #: An opening ``---`` with no closing fence (FM004).
    unclosed_frontmatter: Span | None
    headings: tuple[Heading, ...]
    block_ids: tuple[BlockId, ...]
    tags: tuple[Tag, ...]
    links: tuple[Link, ...]
    urls: tuple[ExternalUrl, ...]
    raw_space_links: tuple[RawSpaceLink, ...]
    empty_links: tuple[EmptyLink, ...]
    comments: tuple[Comment, ...]
    #: True when the body holds nothing but whitespace (OR003).
    body_is_empty: bool
    line_count: int
    #: Canvases and bases only: what is wrong with the file's structure (CV001, CV002, BS001, BS002).
    problems: tuple[ParseProblem, ...] = ()
    #: Bases only: folders, notes and properties the base names (BS002).
    base_references: tuple[BaseReference, ...] = ()


def settled(note: Note, path: str | None = None) -> Note:
    """``note`` once its own checks have run: only what other notes' checks and the later stages read.

    Those read a note's headings and block ids (heading and block links into it),
    its tags and ``tags`` property (TG001), the names of its other properties
    (BS002), its comments (suppression directives of vault-wide and URL findings)
    and its URLs (the URL stage).  Its links, the frontmatter's source text and
    problems, and the values of its other properties are its own checks' alone: its
    link paths and aliases live on in its :class:`NoteSummary`.  What is left is about
    a third of what a parsed note holds (whole notes are most of a big vault's memory).
    ``path``, when given, is the note's path as the caller already holds it: one
    string for both (a note from a pool worker brings its own copy).
    """
    front = note.frontmatter
    if front is not None:
        properties = tuple(prop if prop.key.lower() == "tags" else _name_only(prop) for prop in front.properties)
        front = dataclasses.replace(front, raw="", properties=properties, problems=())
    kept_path = path if path is not None and path == note.path else note.path
    return dataclasses.replace(note, path=kept_path, frontmatter=front, links=(), raw_space_links=(), empty_links=())


def _name_only(prop: Property) -> Property:
    """A property of a settled note: its key alone (its value and spans are its own checks' only)."""
    return _named(prop.key)


@functools.lru_cache(maxsize=4096)
def _named(key: str) -> Property:
    """One shared property per key (most notes repeat a few keys): frozen, so sharing is safe.

    Both spans are one shared empty span: nothing reads them.
    """
    return Property(key, _UNREAD_SPAN, None, _UNREAD_SPAN)


#: The span of what a settled note no longer holds (:func:`_name_only`): nothing reads it.
_UNREAD_SPAN = Span(0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class NoteSummary:
    """What vault-wide rules and hints need of every note, small enough to keep in the cache."""

    aliases: tuple[str, ...] = ()
    #: Tags as written (inline outside comments, and frontmatter ``tags``), without ``#``.
    tags: tuple[str, ...] = ()
    #: Link paths of every link, embed and property link, comments included: references.
    link_paths: tuple[str, ...] = ()


def summarize(note: Note) -> NoteSummary:
    aliases: tuple[str, ...] = ()
    tags = [t.name for t in note.tags if not t.in_comment]
    if note.frontmatter is not None:
        prop = note.frontmatter.get("aliases", ignore_case=True)
        if prop is not None:
            values = prop.value if isinstance(prop.value, list) else [prop.value]
            aliases = tuple(v.strip() for v in values if isinstance(v, str) and v.strip())
        prop = note.frontmatter.get("tags", ignore_case=True)
        if prop is not None:
            values = prop.value if isinstance(prop.value, list) else [prop.value]
            tags.extend(v.strip().lstrip("#") for v in values if isinstance(v, str) and v.strip().lstrip("#"))
    paths = tuple(dict.fromkeys(link.path.strip() for link in note.links if link.path.strip()))
    return NoteSummary(aliases, tuple(tags), paths)


@dataclass(frozen=True)
class VaultAggregate:
    """What the whole vault's summaries add up to; cached, so a one-note run need not read them all."""

    #: Lower-cased tag -> {spelling: occurrences}.
    tag_spellings: Mapping[str, Mapping[str, int]]
    #: Lower-cased alias -> the note that declares it (the first, in vault order).
    alias_owners: Mapping[str, str]


def aggregate(summaries: Iterable[tuple[str, NoteSummary]]) -> VaultAggregate:
    """Pure: the aggregate of ``(path, summary)`` pairs, in vault order."""
    spellings: dict[str, dict[str, int]] = {}
    owners: dict[str, str] = {}
    for path, summary in summaries:
        for tag in summary.tags:
            counter = spellings.setdefault(tag.lower(), {})
            counter[tag] = counter.get(tag, 0) + 1
        for alias in summary.aliases:
            owners.setdefault(alias.lower(), path)
    return VaultAggregate(spellings, owners)


def retagged(
    old: VaultAggregate, removed: Iterable[NoteSummary], added: Iterable[NoteSummary]
) -> dict[str, dict[str, int]]:
    """Pure: ``old``'s tag spellings with the tags of ``removed`` summaries taken out and of
    ``added`` ones put in (a few notes changed: no need to read every summary again)."""
    spellings = {key: dict(counts) for key, counts in old.tag_spellings.items()}
    for summary in removed:
        for tag in summary.tags:
            counts = spellings.get(tag.lower(), {})
            counts[tag] = counts.get(tag, 0) - 1
            if counts[tag] <= 0:
                del counts[tag]
            if not counts:
                spellings.pop(tag.lower(), None)
    for summary in added:
        for tag in summary.tags:
            counts = spellings.setdefault(tag.lower(), {})
            counts[tag] = counts.get(tag, 0) + 1
    return spellings


@dataclass(frozen=True)
class Edit:
    """Replace the characters of ``span`` (empty span: insert) with ``text``."""

    span: Span
    text: str


@dataclass(frozen=True)
class Fix:
    description: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True)
class Violation:
    """What a rule finds; the engine turns it into a :class:`Diagnostic`.

    ``in_comment`` lets the engine drop findings inside ``%%`` comments in one
    place (OBSIDIAN.md D1) instead of every rule deciding for itself.
    """

    span: Span
    message: str
    hint: str | None = None
    fix: Fix | None = None
    in_comment: bool = False
    #: For rules that report on another file than the one being checked.
    path: str | None = None
    #: The link the violation is about, for engine steps that decide by the kind of
    #: link (placeholders); never cached or shown.
    link: Link | None = None


class CheckedFile(NamedTuple):
    """A file as a run read it: where it is on disk and the content hash of the bytes checked.

    ``--fix`` writes a fix only into a file whose bytes still have this hash: its
    edits are positions in that text and mean nothing in any other (issue 16).
    """

    fs_path: str
    digest: str


@dataclass(frozen=True)
class Diagnostic:
    code: str
    name: str
    severity: Severity
    path: str  # vault-relative, '/'-separated
    span: Span
    message: str
    hint: str | None = None
    fix: Fix | None = field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.span.line, self.span.column, self.code, self.message)

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "message": self.message,
            "hint": self.hint,
            "fixable": self.fix is not None,
        }


def _pickled_by_fields(cls: type) -> None:
    """Pickle a slotted frozen record as its class and field values, rebuilt through ``__init__``.

    Pool workers send every note they parse to the main process.  The pickling that
    ``dataclass(slots=True)`` adds asks ``dataclasses.fields()`` again for every object
    (hundreds of thousands of spans and links per vault): this is 40% less time in
    the worker, and 10% fewer bytes.  The object that arrives is equal to the one sent.
    """
    names = tuple(f.name for f in dataclasses.fields(cls))
    values = operator.attrgetter(*names)
    if len(names) == 1:

        def reduce_one(self: Any) -> tuple[type, tuple[Any, ...]]:
            return cls, (values(self),)

        cls.__reduce__ = reduce_one  # type: ignore[assignment,method-assign]
    else:

        def reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
            return cls, values(self)

        cls.__reduce__ = reduce  # type: ignore[assignment,method-assign]


# What a parsed note is made of: what pool workers send (loader.py).
for _record in (
    Span,
    Link,
    Heading,
    BlockId,
    Tag,
    ExternalUrl,
    RawSpaceLink,
    EmptyLink,
    Property,
    PropertyItem,
    FrontmatterProblem,
    Frontmatter,
    Comment,
    ParseProblem,
    BaseReference,
    Note,
    NoteSummary,
):
    _pickled_by_fields(_record)
del _record
