"""Rewriting a link whose target was renamed, the way Obsidian does when a file is renamed.

Pure functions over text: which link text reaches a file (:func:`link_text`),
and the one edit that swaps the target inside a link as written
(:func:`target_edit`).  Only the characters of the target change: the ``!`` of
an embed, the ``#heading`` or ``#^block`` subpath, the alias or link text, a
Markdown title and the quotes of a property stay as they were.

In a canvas the links are inside JSON strings: a ``file`` node's path is
replaced whole by the full vault path (:func:`canvas_file_edit`), and a link in a text node
only when it is written without escapes there; whatever is written is
JSON-escaped (:func:`as_written_in`).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from urllib.parse import quote, unquote

from .model import Edit, Link, LinkKind, Span
from .vault import VaultIndex

#: Characters that cannot be written inside a wikilink target (Obsidian refuses them in names).
_WIKILINK_FORBIDDEN = re.compile(r"[#|\[\]^\n]")
#: Like JavaScript's ``encodeURI`` (what Obsidian writes into Markdown links), but with
#: parentheses encoded too, so the destination never ends the link early.
_URI_SAFE = "/;,?:@&=+$-_.!~*'"


def link_text(target: str, index: VaultIndex, source: str, *, markdown: bool, with_extension: bool) -> str | None:
    """The shortest text that links ``target`` from ``source``: its name when that is unique
    in the vault, else its vault path.  ``.md`` is left out unless asked for (Markdown links
    always keep it).  ``None`` when no text reaches the target unambiguously."""
    name = posixpath.basename(target)
    is_note = target.lower().endswith(".md")
    keep_extension = markdown or with_extension or not is_note
    for candidate in (name, target):
        text = candidate if keep_extension else candidate[:-3]
        found = index.resolve(text, source)
        if found.target == target and not found.tied and (candidate == target or len(index.by_name[name.lower()]) == 1):
            return text
    return None


def encode_markdown_destination(path: str) -> str:
    """A vault path as a Markdown link destination: percent-encoded (``My Note.md`` -> ``My%20Note.md``)."""
    return quote(path, safe=_URI_SAFE.replace("(", "").replace(")", ""))


def _normalize(text: str) -> str:
    return unicodedata.normalize("NFC", text.replace("\u00a0", " ").strip())


def written_link(text: str, span: Span) -> str | None:
    """The characters of ``span`` in ``text`` (a whole note as on disk), if the span is one line."""
    if span.line != span.end_line:
        return None
    lines = text.removeprefix("\ufeff").split("\n")
    if span.line > len(lines):
        return None
    line = lines[span.line - 1].removesuffix("\r")
    if span.end_column - 1 > len(line):
        return None
    return line[span.column - 1 : span.end_column - 1]


def _wikilink_target(written: str, start: int) -> tuple[int, int] | None:
    """Where the target path is in ``[[target#sub|alias]]`` starting at ``start`` (after ``[[``)."""
    end = written.find("]]", start)
    if end < 0:
        return None
    inner_end = end
    for stop in ("|", "#"):
        found = written.find(stop, start, inner_end)
        if found >= 0:
            inner_end = found
    first = start
    while first < inner_end and written[first] in " \t\u00a0":
        first += 1
    last = inner_end
    while last > first and written[last - 1] in " \t\u00a0":
        last -= 1
    return first, last


def _markdown_destination(written: str) -> tuple[int, int, int, bool] | None:
    """Where the destination is in ``[text](path#sub "title")`` / ``![alt](<path>)``:
    (start, first ``#`` or end, end, True when in ``<>``)."""
    depth, index = 0, written.find("[")
    while index < len(written):
        char = written[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                break
        index += 1
    if not written.startswith("](", index):
        return None
    start = index + 2
    while start < len(written) and written[start] in " \t":
        start += 1
    if written.startswith("<", start):
        close = written.find(">", start)
        if close < 0:
            return None
        hash_at = written.find("#", start + 1, close)
        return start + 1, hash_at if hash_at >= 0 else close, close, True
    end = start
    parens = 0
    hash_at = -1
    while end < len(written):
        char = written[end]
        if char == "\\":
            end += 2
            continue
        if char in " \t" or (char == ")" and parens == 0):
            break
        if char == "#" and hash_at < 0:
            hash_at = end
        parens += char == "("
        parens -= char == ")"
        end += 1
    return start, hash_at if hash_at >= 0 else end, end, False


def _markdown_target(written: str) -> tuple[int, int, bool] | None:
    """Where the path is in ``[text](path#sub "title")`` / ``![alt](<path>)``; True when in ``<>``."""
    found = _markdown_destination(written)
    return None if found is None else (found[0], found[1], found[3])


def target_edit(text: str, link: Link, new_target: str) -> Edit | None:
    """The edit that makes ``link`` (as written in ``text``) point at ``new_target``.

    ``new_target`` is link text from :func:`link_text`, not yet encoded.  ``None``
    when the link cannot be rewritten safely: the target as written does not
    match what the parser read, or the new name cannot be written in that kind
    of link.  In a canvas, pass the edit through :func:`as_written_in`.
    """
    if link.kind is LinkKind.CANVAS_FILE:
        return None  # a file node holds a full vault path, not link text: canvas_file_edit
    written = written_link(text, link.span)
    if written is None or not _writable(new_target):
        return None
    if link.kind in (LinkKind.MARKDOWN, LinkKind.MARKDOWN_IMAGE):
        found = _markdown_target(written)
        if found is None:
            return None
        first, last, _angle = found
        if unquote(written[first:last]) != link.path:
            return None
        replacement = encode_markdown_destination(new_target)
    else:
        opening = written.find("[[")
        if opening < 0 or _WIKILINK_FORBIDDEN.search(new_target):
            return None
        found_wiki = _wikilink_target(written, opening + 2)
        if found_wiki is None:
            return None
        first, last = found_wiki
        if _normalize(written[first:last]) != _normalize(link.path):
            return None
        replacement = new_target
        if link.kind is LinkKind.PROPERTY:
            quote_char = written[:1]
            if (quote_char in "\"'" and quote_char in new_target) or "\\" in new_target:
                return None  # would need YAML escaping: leave it to the user
    line, column = link.span.line, link.span.column
    return Edit(Span(line, column + first, line, column + last), replacement)


def canvas_file_edit(text: str, link: Link, new_path: str) -> Edit | None:
    """The edit that puts ``new_path`` into the JSON string of a canvas ``file`` node (or a
    group's ``background``): everything between its quotes, escaped as the canvas writes
    strings.  ``None`` unless what is between the quotes decodes to the path the parser read."""
    from .syntax.canvas import decoded_string_body, string_body

    written = written_link(text, link.span)
    if written is None or not _writable(new_path) or _has_lone_cr(text):
        return None
    if decoded_string_body(written) != link.path:
        return None
    return Edit(link.span, string_body(new_path, text))


def as_written_in(source: str, text: str, link: Link, edit: Edit) -> Edit | None:
    """``edit``, a change inside ``link``, as it must be written into the file ``source`` (whose
    text is ``text``).  A note takes it as it is.  In a canvas, a text node's link is inside a
    JSON string: the new characters are escaped as JSON requires, and a link written there with
    escapes gets no edit (its characters are not the ones the parser read, so neither are its columns)."""
    if not source.lower().endswith(".canvas") or link.kind is LinkKind.CANVAS_FILE:
        return edit  # a file node's edit (canvas_file_edit) is written for JSON already
    from .syntax.canvas import string_body

    written = written_link(text, link.span)
    if written is None or "\\" in written or _has_lone_cr(text):
        return None
    return Edit(edit.span, string_body(edit.text, text))


def _has_lone_cr(text: str) -> bool:
    """A CR that is not part of CRLF: the parser counts it as a line end, :func:`written_link` does not."""
    return "\r" in text and "\r" in text.replace("\r\n", "")


def retarget(text: str, link: Link, former: str, new: str, index: VaultIndex, source: str) -> Edit | None:
    """The edit that makes ``link`` (in ``text``, the note ``source``), which reached ``former``,
    reach ``new`` instead, in the link's own style: the shortest text that reaches ``new`` in
    ``index`` (the vault as it is once renamed), with ``.md`` only if the link wrote it.
    ``None`` when no link text reaches ``new`` or the link cannot be rewritten safely.

    A canvas ``file`` node gets the full vault path ``new``, as Obsidian writes it there."""
    if link.kind is LinkKind.CANVAS_FILE:
        return canvas_file_edit(text, link, new)
    markdown = link.kind in (LinkKind.MARKDOWN, LinkKind.MARKDOWN_IMAGE)
    extension = posixpath.splitext(former)[1].lower()
    with_extension = bool(extension) and link.path.strip().lower().endswith(extension)
    new_text = link_text(new, index, source, markdown=markdown, with_extension=with_extension)
    edit = None if new_text is None else target_edit(text, link, new_text)
    return None if edit is None else as_written_in(source, text, link, edit)


def subpath_segments(text: str, link: Link) -> tuple[tuple[Span, str], ...] | None:
    """Each ``#`` segment of ``link``'s subpath as written in ``text``: where it is (spaces
    around it left out) and what it says (decoded in Markdown links as the parser decodes them).  The same
    segments, in the same order, as :func:`anchors.classify_subpath` reads from the link.
    ``None`` when the subpath as written is not the one the parser read."""
    written = written_link(text, link.span)
    if written is None or not link.subpath:
        return None
    markdown = link.kind in (LinkKind.MARKDOWN, LinkKind.MARKDOWN_IMAGE)
    if markdown:
        found = _markdown_destination(written)
        if found is None:
            return None
        _start, first, end, _angle = found
    else:
        opening = written.find("[[")
        end = written.find("]]", opening + 2) if opening >= 0 else -1
        if end < 0:
            return None
        pipe = written.find("|", opening + 2, end)
        end = pipe if pipe >= 0 else end
        first = written.find("#", opening + 2, end)
    if first < 0 or written[first] != "#":
        return None
    segments: list[tuple[Span, str]] = []
    at = first + 1
    for piece in written[first + 1 : end].split("#"):
        if piece:
            lead = len(piece) - len(piece.lstrip(" \t\u00a0"))
            body = piece.strip(" \t\u00a0")
            column = link.span.column + at + lead
            span = Span(link.span.line, column, link.span.line, column + len(body))
            decoded = _decode_uri(body) if markdown else body
            if decoded is None:
                return None
            segments.append((span, decoded))
        at += len(piece) + 1
    parsed = [s for s in link.subpath.split("#") if s]
    if [_normalize(s) for _, s in segments] != [_normalize(s) for s in parsed]:
        return None
    return tuple(segments)


def _decode_uri(text: str) -> str | None:
    """A Markdown destination as Obsidian decodes it (``decodeURI``: ``%3A`` stays as written)."""
    from .syntax.mdlinks import UriError, decode_uri

    try:
        return decode_uri(text)
    except UriError:
        return None


def subpath_text(segment: str, link: Link) -> str | None:
    """A heading or block segment written for ``link``'s kind: percent-encoded in Markdown
    links; ``None`` when it cannot be written in a wikilink or property."""
    if link.kind in (LinkKind.MARKDOWN, LinkKind.MARKDOWN_IMAGE):
        caret = "^" if segment.startswith("^") else ""  # "#^id" as Obsidian writes it
        return caret + encode_markdown_destination(segment[len(caret) :])
    if _WIKILINK_FORBIDDEN.search(segment.removeprefix("^")) or not _writable(segment):
        return None
    if link.kind is LinkKind.PROPERTY and any(c in segment for c in "\"'\\"):
        return None  # would need YAML escaping
    return segment


def _writable(name: str) -> bool:
    """A note is UTF-8: a file name that is not (bytes the vault walk kept as surrogates) cannot be linked."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def former_index(paths: tuple[str, ...], moved: dict[str, str | None]) -> VaultIndex:
    """The vault as it was before the files in ``moved`` were renamed or deleted."""
    new_paths = {new for new in moved.values() if new is not None}
    return VaultIndex([*(p for p in paths if p not in new_paths), *moved])
