"""What a rename in the editor changes in the vault's links (pure: no LSP types).

Three renames, each answered with text edits keyed by the vault path of the
note they apply to, as it is *before* the rename (an editor applies the edits
of ``workspace/willRenameFiles`` before it moves the files):

- a file or folder (:func:`rename_edits`): every link that would stop reaching
  its file, or would reach it only by a tie, is rewritten the way ``--fix``
  rewrites a link to a file git renamed (:func:`linkrepair.retarget`);
- a heading (:func:`heading_rename_edits`): the heading's text and every
  ``#Heading`` segment that reaches it (LK003's matching, :func:`anchors.match_heading_path`);
- a block id (:func:`block_rename_edits`): the ``^id`` and every ``#^id`` that reaches it.

Each reads the workspace only: the notes as the editor has them (unsaved text
included) and the vault index.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ..anchors import Subpath, classify_subpath, heading_for_link, match_heading_path
from ..context import resolve_link_path
from ..linkrepair import as_written_in, retarget, subpath_segments, subpath_text
from ..model import BlockId, Edit, Heading, Link, LinkKind, Note, Span
from ..vault import nfc

if TYPE_CHECKING:
    from ..context import LintContext
    from ..vault import Vault


class NoteSource(Protocol):
    """What the edits read of a :class:`vaultlint.workspace.Workspace`."""

    @property
    def vault(self) -> Vault: ...

    @property
    def context(self) -> LintContext: ...

    def note(self, vault_path: str) -> Note | None: ...

    def link_paths(self, vault_path: str) -> tuple[str, ...]: ...

    def text(self, vault_path: str) -> str | None: ...


#: Edits per vault path (before the rename), in the order of the note's text.
Edits = dict[str, tuple[Edit, ...]]

#: What Obsidian accepts as a block id (OBSIDIAN.md §5).
_BLOCK_ID = re.compile(r"[A-Za-z0-9-]+")
_TRAILING_BLOCK_ID = re.compile(r"\s+\^[A-Za-z0-9-]+$")


class RenameRefused(ValueError):
    """A rename that cannot keep every link working: the message says why, for the user."""


# -- files and folders --------------------------------------------------------


def moved_files(paths: Iterable[str], old: str, new: str) -> dict[str, str]:
    """Former vault path -> new vault path of every file a rename of ``old`` to ``new`` moves:
    the file itself, or every file under the folder ``old``."""
    old, new = old.strip("/"), new.strip("/")
    prefix = old + "/"
    moved: dict[str, str] = {}
    for path in paths:
        if path == old:
            moved[path] = new
        elif path.startswith(prefix):
            moved[path] = new + "/" + path[len(prefix) :]
    return moved


def _link_name(link_path: str) -> str:
    """The lower-cased file name a link path looks up (what :meth:`VaultIndex.resolve` keys on).
    Asked of every link of the vault on a rename: string methods only, no list per link."""
    lower = nfc(link_path).strip().lower()
    return lower[lower.rfind("/") + 1 :]


def _names_any(link_path: str, names: Container[str]) -> bool:
    """Whether a link with this path looks up one of these (lower-cased) file names."""
    name = _link_name(link_path)
    return name in names or name + ".md" in names


def _names_old_path(link: Link, target: str, moved: Mapping[str, str]) -> bool:
    """A canvas ``file`` node (or group background) whose file moves: Obsidian opens it by its full
    vault path, so it must hold the new one even where a link would still find the file by name."""
    return link.kind is LinkKind.CANVAS_FILE and target in moved


def rename_edits(ws: NoteSource, moved: Mapping[str, str]) -> Edits:
    """The edits that keep every link of the vault working once the files in ``moved``
    (former -> new vault path) are renamed, each link in its own style.

    A link is rewritten when, after the rename, it would reach another file or none,
    or would reach its file only as one of a tie (LK005); a canvas ``file`` node
    whenever its file moves.  A link that still reaches
    its file unchanged (``[[Note]]`` after a move to another folder) is left as it is;
    a broken link is left broken.
    """
    before = ws.vault.index
    after = before.renamed(moved)
    # Only a link that names one of these can reach another file after the rename,
    # unless the note holding it moves (its folder decides relative and same-folder links).
    names = {posixpath.basename(path).lower() for pair in moved.items() for path in pair}
    edits: Edits = {}
    for path in before.paths:  # every file of the vault: keep this loop lean
        moves_too = path in moved
        # A note's link paths first: the whole note (parsed again when the workspace settled it)
        # only for the few notes whose links name a file that moves.
        if not moves_too and not any(_names_any(link_path, names) for link_path in ws.link_paths(path)):
            continue
        note = ws.note(path)  # None for attachments
        if note is None:
            continue
        text: str | None = None
        found: list[Edit] = []
        for link in note.links:
            if not moves_too and not _names_any(link.path, names):
                continue
            was = resolve_link_path(before, link.path, path)
            if was.target is None:
                continue
            wanted = moved.get(was.target, was.target)
            source = moved.get(path, path)
            will = resolve_link_path(after, link.path, source)
            if will.target == wanted and (not will.tied or was.tied) and not _names_old_path(link, was.target, moved):
                continue
            text = ws.text(path) if text is None else text
            edit = retarget(text, link, was.target, wanted, after, source) if text is not None else None
            if edit is not None:
                found.append(edit)
        if found:
            edits[path] = tuple(found)
    return edits


# -- headings and block ids ----------------------------------------------------


@dataclass(frozen=True)
class RenameTarget:
    """What is renamed at a place in a note: a heading or a block id of ``path``.

    ``span`` is the text a rename replaces in the note that holds the heading or id
    (the heading's text without a trailing ``^id``; the id without ``^``), and
    ``placeholder`` is that text.  ``here`` is what the editor highlights in the note
    the rename was asked in: ``span`` itself, or the link segment that names it.
    """

    path: str
    kind: str  # "heading" | "block"
    index: int  # in the note's headings or block_ids
    span: Span
    placeholder: str
    here: Span


def _heading_text_span(text: str, heading: Heading) -> tuple[Span, str] | None:
    """Where the heading's own words are on its line (no ``#`` markers, no trailing ``^id``)."""
    if heading.span.line != heading.span.end_line or not heading.text:
        return None  # a setext heading over several lines: not renamed here
    lines = text.removeprefix("\ufeff").split("\n")
    if heading.span.line > len(lines):
        return None
    line = lines[heading.span.line - 1].removesuffix("\r")
    at = line.rfind(heading.text)
    if at < 0:
        return None
    words = _TRAILING_BLOCK_ID.sub("", heading.text)
    column = at + 1
    return Span(heading.span.line, column, heading.span.line, column + len(words)), words


def _contains(span: Span, line: int, column: int) -> bool:
    """Whether (line, column) is inside ``span`` or just after its end (where a cursor stops)."""
    return (span.line, span.column) <= (line, column) <= (span.end_line, span.end_column)


def _target_in_note(note: Note, text: str, line: int, column: int) -> RenameTarget | None:
    for index, block in enumerate(note.block_ids):
        if _contains(block.span, line, column):
            span = dataclasses.replace(block.span, column=block.span.column + 1)
            return RenameTarget(note.path, "block", index, span, block.id, span)
    for index, heading in enumerate(note.headings):
        if heading.span.line <= line <= heading.span.end_line:
            found = _heading_text_span(text, heading)
            if found is None:
                return None
            return RenameTarget(note.path, "heading", index, *found, found[0])
    return None


def _target_of_link(ws: NoteSource, note: Note, text: str, line: int, column: int) -> RenameTarget | None:
    """A heading or block id named by the subpath of the link at (line, column)."""
    for link in note.links:
        if not _contains(link.span, line, column) or not link.subpath:
            continue
        subpath = classify_subpath(link.subpath)
        segments = subpath_segments(text, link)
        target = resolve_link_path(ws.vault.index, link.path, note.path).target
        if subpath.kind not in ("heading", "block") or segments is None or target is None:
            return None
        target_note = note if target == note.path else ws.note(target)
        target_text = text if target == note.path else ws.text(target)
        if target_note is None or target_text is None:
            return None
        # The segment under the cursor, or the last one (the heading or block the link opens).
        which = next((k for k, (span, _) in enumerate(segments) if _contains(span, line, column)), len(segments) - 1)
        here = segments[which][0]
        if subpath.kind == "block":
            wanted = subpath.segments[0][1:].lower()
            here = dataclasses.replace(here, column=here.column + 1)  # after the "^"
            for index, block in enumerate(target_note.block_ids):
                if block.id.lower() == wanted:
                    span = dataclasses.replace(block.span, column=block.span.column + 1)
                    return RenameTarget(target, "block", index, span, block.id, here)
            return None
        matched = match_heading_path(target_note.headings, subpath.segments)
        if matched is None:
            return None
        found = _heading_text_span(target_text, target_note.headings[matched[which]])
        return None if found is None else RenameTarget(target, "heading", matched[which], *found, here)
    return None


def rename_target(ws: NoteSource, path: str, line: int, column: int) -> RenameTarget | None:
    """The heading or block id a rename at (line, column) of ``path`` renames: the one
    written there, or the one the link there points at.  ``None`` when there is none."""
    note, text = ws.note(path), ws.text(path)
    if note is None or text is None:
        return None
    return _target_in_note(note, text, line, column) or _target_of_link(ws, note, text, line, column)


def _links_into(ws: NoteSource, target: str, kind: str) -> Iterator[tuple[str, Link, Subpath]]:
    """Every link of the vault with a ``kind`` subpath whose file is ``target``."""
    index = ws.vault.index
    name = posixpath.basename(target).lower()
    names = (name, name.removesuffix(".md"))
    for path in index.paths:
        # A link with no path is to its own note: the target's links are read whole, the others'
        # only when one of their link paths names the target (see rename_edits).
        if path != target and not any(_link_name(p) in names for p in ws.link_paths(path)):
            continue
        note = ws.note(path)  # None for attachments
        if note is None:
            continue
        for link in note.links:
            if not link.subpath:
                continue
            if link.path.strip() and _link_name(link.path) not in names:
                continue
            if resolve_link_path(index, link.path, path).target != target:
                continue
            subpath = classify_subpath(link.subpath)
            if subpath.kind == kind:
                yield path, link, subpath


def _segment_edit(ws: NoteSource, path: str, link: Link, at: int, segment: str) -> Edit:
    """The edit that writes ``segment`` in place of the ``at``-th subpath segment of ``link``."""
    text = ws.text(path)
    segments = subpath_segments(text, link) if text is not None else None
    written = subpath_text(segment, link)
    edit = None
    if text is not None and segments is not None and written is not None and at < len(segments):
        edit = as_written_in(path, text, link, Edit(segments[at][0], written))
    if edit is None:
        raise RenameRefused(f'the link "{link.raw}" in "{path}" cannot be rewritten')
    return edit


def _collect(pairs: Iterable[tuple[str, Edit]]) -> Edits:
    grouped: dict[str, list[Edit]] = {}
    for path, edit in pairs:
        grouped.setdefault(path, []).append(edit)
    return {path: tuple(sorted(edits, key=lambda e: e.span)) for path, edits in grouped.items()}


def heading_rename_edits(ws: NoteSource, target: RenameTarget, new_name: str) -> Edits:
    """Rename the heading ``target`` to ``new_name``: its text, and every link segment that reaches it.

    Refused (:class:`RenameRefused`) when a link would then reach another heading
    (an earlier one with the same name) or cannot be rewritten.
    """
    new_name = new_name.strip()
    note = ws.note(target.path)
    if note is None or not new_name or "\n" in new_name or "\r" in new_name:
        raise RenameRefused("a heading needs a name on one line")
    old = note.headings[target.index]
    full = new_name + old.text[len(target.placeholder) :]  # a trailing "^id" stays
    renamed = [*note.headings]
    renamed[target.index] = dataclasses.replace(old, text=full)
    written = heading_for_link(new_name)
    pairs: list[tuple[str, Edit]] = [(target.path, Edit(target.span, new_name))]
    for path, link, subpath in _links_into(ws, target.path, "heading"):
        matched = match_heading_path(note.headings, subpath.segments)
        if matched is None or target.index not in matched:
            continue
        segments = [written if at == target.index else segment for segment, at in zip(subpath.segments, matched)]
        if match_heading_path(renamed, segments) != matched:
            raise RenameRefused(f'the link "{link.raw}" in "{path}" would reach another heading named "{new_name}"')
        pairs.extend(
            (path, _segment_edit(ws, path, link, k, written)) for k, at in enumerate(matched) if at == target.index
        )
    return _collect(pairs)


def block_rename_edits(ws: NoteSource, target: RenameTarget, new_id: str) -> Edits:
    """Rename the block id ``target`` to ``new_id``: the ``^id`` and every ``#^id`` link to it."""
    new_id = new_id.strip().removeprefix("^")
    note = ws.note(target.path)
    if note is None or not _BLOCK_ID.fullmatch(new_id):
        raise RenameRefused("a block id is letters, digits and dashes")
    old: BlockId = note.block_ids[target.index]
    if any(b.id.lower() == new_id.lower() and b is not old for b in note.block_ids):
        raise RenameRefused(f'"{target.path}" already has a block "^{new_id}"')
    pairs: list[tuple[str, Edit]] = [(target.path, Edit(target.span, new_id))]
    for path, link, subpath in _links_into(ws, target.path, "block"):
        if subpath.segments[0][1:].lower() == old.id.lower():
            pairs.append((path, _segment_edit(ws, path, link, 0, "^" + new_id)))
    return _collect(pairs)
