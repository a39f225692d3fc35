"""Go to definition, link completion and hover on links (pure: no LSP types).

Positions in and out are the model's: 1-based lines and code-point columns
(``server/positions.py`` converts).  Links reach what ``vaultlint check``
says they reach: the same resolution (:func:`context.resolve_link_path`), the
same heading walk (:func:`anchors.match_heading_path`) and, for completion, the
same link text as ``--fix`` writes (:func:`linkrepair.link_text`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ..anchors import classify_subpath, heading_for_link, match_heading_path, strip_heading
from ..context import resolve_link_path
from ..linkrepair import encode_markdown_destination, link_text
from ..model import Diagnostic, Link, Note, Span, summarize
from ..vault import nfc

if TYPE_CHECKING:
    from .linkedits import NoteSource

#: How many link targets a completion offers at most: a 13,000-note vault must not send
#: 13,000 items per keystroke.  The list is marked incomplete, so typing more asks again.
COMPLETION_LIMIT = 100

_TOP = Span(1, 1, 1, 1)


@dataclass(frozen=True)
class Place:
    """Where a link leads: a vault path and the span to show (the heading, the block, or the top)."""

    path: str
    span: Span


def _inside(span: Span, line: int, column: int) -> bool:
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)


def link_at(note: Note, line: int, column: int) -> Link | None:
    """The link written at (line, column), embeds and frontmatter links included."""
    return next((link for link in note.links if _inside(link.span, line, column)), None)


# -- definition ------------------------------------------------------------------


def definition(ws: NoteSource, path: str, line: int, column: int) -> Place | None:
    """Where the link at (line, column) of ``path`` leads: the note (its top), the heading
    the ``#A#B`` walk reaches, or the line of the ``^id``.  When files tie for the link (LK005),
    the first of them that has the heading or block.  ``None`` off a link or for a broken one."""
    note = ws.note(path)
    link = link_at(note, line, column) if note is not None else None
    if link is None:
        return None
    found = resolve_link_path(ws.vault.index, link.path, path)
    if found.target is None:
        return None
    subpath = classify_subpath(link.subpath)
    if subpath.kind not in ("heading", "block") or not found.target.lower().endswith(".md"):
        return Place(found.target, _TOP)
    for candidate in (found.target, *found.tied):
        target = note if candidate == path else ws.note(candidate)
        if target is None:
            continue
        if subpath.kind == "heading":
            matched = match_heading_path(target.headings, subpath.segments)
            if matched is not None:
                return Place(candidate, target.headings[matched[-1]].span)
        else:
            wanted = subpath.segments[0][1:].lower()
            block = next((b for b in target.block_ids if b.id.lower() == wanted), None)
            if block is not None:
                return Place(candidate, block.span)
    return Place(found.target, _TOP)  # the note opens at the top, as in Obsidian


# -- completion --------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    label: str
    #: The text that replaces :attr:`CompletionList.span`.
    insert: str
    kind: str  # "note" | "attachment" | "alias" | "heading" | "block"
    detail: str


@dataclass(frozen=True)
class CompletionList:
    items: tuple[Completion, ...]
    #: More targets matched than were sent: the editor asks again as the user types.
    incomplete: bool
    #: What the items replace: the typed part, from after ``[[``, ``](``, ``#`` or ``#^`` to the cursor.
    span: Span


@dataclass(frozen=True)
class _Typed:
    """What is typed inside the link being written."""

    markdown: bool
    target: str  # the file part (decoded in a Markdown link)
    subpath: str | None  # from after the first "#", or None
    start: int  # 0-based column where the replaced text starts


def _typed_link(before: str) -> _Typed | None:
    """The link being typed when the line reads ``before`` up to the cursor, if any."""
    wiki = before.rfind("[[")
    markdown = before.rfind("](")
    if wiki < 0 and markdown < 0:
        return None
    is_markdown = markdown > wiki
    start = (markdown if is_markdown else wiki) + 2
    typed = before[start:]
    if is_markdown:
        angled = typed.startswith("<")  # <My Note.md>: spaces allowed until the ">"
        if angled:
            start, typed = start + 1, typed[1:]
        if any(c in typed for c in (">" if angled else ") \t")) or "://" in typed:
            return None
    elif any(mark in typed for mark in ("]]", "|", "[[")):
        return None
    target, hash_sign, subpath = typed.partition("#")
    if hash_sign:
        start += len(target) + 1
        if subpath.startswith("^"):
            start += 1
    if is_markdown:
        target, subpath = unquote(target), unquote(subpath)
    return _Typed(is_markdown, target, subpath if hash_sign else None, start)


def _words(text: str) -> list[str]:
    return nfc(text).lower().split()


def _ranked_targets(paths: Iterable[str], query: str) -> list[str]:
    """Vault paths whose path holds every word of ``query``: names that start with it first,
    then names that hold it, then the rest; shorter paths first within each."""
    words = _words(query)
    whole = " ".join(words)
    ranked: list[tuple[int, int, str]] = []
    for path in paths:
        lower = path.lower()
        if not all(word in lower for word in words):
            continue
        name = posixpath.basename(lower).removesuffix(".md")
        rank = 0 if name.startswith(whole) else 1 if whole in name else 2
        ranked.append((rank, len(path), path))
    ranked.sort()
    return [path for _, _, path in ranked]


def _write_target(ws: NoteSource, target: str, source: str, markdown: bool) -> str:
    """The link text that reaches ``target`` from ``source``, as Obsidian writes it (shortest unique)."""
    text = link_text(target, ws.vault.index, source, markdown=markdown, with_extension=False) or target
    return encode_markdown_destination(text) if markdown else text


def _target_items(ws: NoteSource, path: str, typed: _Typed, limit: int) -> tuple[list[Completion], bool]:
    """Notes and attachments, and (in wikilinks) the aliases of notes, that match what is typed."""
    index = ws.vault.index
    targets = _ranked_targets((p for p in index.paths if p != path or typed.target), typed.target)
    aliases: list[tuple[str, str]] = []
    if not typed.markdown:
        words = _words(typed.target)
        owners = ws.context.loader.aggregate().alias_owners
        aliases = sorted(
            ((alias, owner) for alias, owner in owners.items() if all(w in alias for w in words)),
            key=lambda pair: (not pair[0].startswith(" ".join(words)), len(pair[0]), pair[0]),
        )
    items: list[Completion] = []
    for target in targets[:limit]:
        note = target.lower().endswith(".md")
        label = posixpath.basename(target)[:-3] if note else posixpath.basename(target)
        items.append(
            Completion(label, _write_target(ws, target, path, typed.markdown), "note" if note else "attachment", target)
        )
    for lower_alias, owner in aliases[: max(limit - len(items), 0)]:
        owner_note = ws.note(owner)
        spelled = next(
            (a for a in (summarize(owner_note).aliases if owner_note else ()) if a.lower() == lower_alias), lower_alias
        )
        # Obsidian writes an alias as [[Owner|alias]]: aliases are not link targets (OBSIDIAN.md §2)
        insert = f"{_write_target(ws, owner, path, False)}|{spelled}"
        items.append(Completion(spelled, insert, "alias", f"alias of {owner}"))
    return items, len(targets) + len(aliases) > len(items)


def _subpath_items(ws: NoteSource, path: str, typed: _Typed, limit: int) -> tuple[list[Completion], bool]:
    """Headings after ``#``, block ids after ``#^``, of the note the file part reaches."""
    target = resolve_link_path(ws.vault.index, typed.target, path).target
    if target is None or not target.lower().endswith(".md"):
        return [], False
    note = ws.note(target)
    if note is None:
        return [], False
    query = typed.subpath or ""
    items: list[Completion] = []
    if query.startswith("^"):
        wanted = query[1:].lower()
        text = ws.text(target) or ""
        lines = text.split("\n")
        for block in note.block_ids:
            if block.in_comment or wanted not in block.id.lower():
                continue
            context = lines[block.span.line - 1].strip() if block.span.line <= len(lines) else ""
            items.append(Completion(block.id, block.id, "block", context[:80]))
    else:
        wanted = strip_heading(query)
        for heading in note.headings:
            if wanted and wanted not in strip_heading(heading.text):
                continue
            written = heading_for_link(heading.text)
            insert = encode_markdown_destination(written) if typed.markdown else written
            items.append(Completion(heading.text, insert, "heading", "#" * heading.level))
    return items[:limit], len(items) > limit


def completions(
    ws: NoteSource, path: str, line_text: str, line: int, column: int, limit: int = COMPLETION_LIMIT
) -> CompletionList | None:
    """What can be written at (line, column) of ``path``, whose line reads ``line_text``:
    link targets after ``[[`` or ``](``, headings after ``#``, block ids after ``#^``."""
    typed = _typed_link(line_text[: column - 1])
    if typed is None:
        return None
    if typed.subpath is None:
        items, incomplete = _target_items(ws, path, typed, limit)
    else:
        items, incomplete = _subpath_items(ws, path, typed, limit)
    return CompletionList(tuple(items), incomplete, Span(line, typed.start + 1, line, column))


# -- hover -------------------------------------------------------------------------


def hover_text(note: Note, diagnostics: Sequence[Diagnostic], line: int, column: int) -> str | None:
    """Markdown for a hover on a link with problems: each diagnostic's code and name, then its
    message and hint.  Those quote the vault (link paths, file names), so they are shown only
    inside a code block (escaped, behind a fence longer than any backtick run they hold): a note
    cannot put a link or an image the editor would fetch into the hover."""
    spans = [link.span for link in note.links]
    spans += [empty.span for empty in note.empty_links] + [raw.span for raw in note.raw_space_links]
    on = [span for span in spans if _inside(span, line, column)]
    found = [d for d in diagnostics if _inside(d.span, line, column) and any(_overlap(d.span, s) for s in on)]
    if not found:
        return None
    # Imported here: the output formats' package is not on the way to the server's first diagnostics.
    from ..report.escape import escape

    parts = []
    for diagnostic in found:
        quoted = [escape(diagnostic.message)] + ([f"hint: {escape(diagnostic.hint)}"] if diagnostic.hint else [])
        longest = max((len(run) for text in quoted for run in re.findall("`+", text)), default=0)
        fence = "`" * max(3, longest + 1)
        parts.append("\n".join([f"**{diagnostic.code}** {diagnostic.name}", "", fence + "text", *quoted, fence]))
    return "\n\n".join(parts)


def _overlap(a: Span, b: Span) -> bool:
    return (a.line, a.column) < (b.end_line, b.end_column) and (b.line, b.column) < (a.end_line, a.end_column)
