"""Markdown links, images, autolinks and bare URLs, with positions (OBSIDIAN.md §3).

markdown-it-py's own rules do the parsing; thin wrappers record where each
construct started and ended, and re-read the destination from the source so
that vaultlint sees it as written (markdown-it normalises ``href``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markdown-it is imported only when a note is parsed
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

import re
import urllib.parse
from collections.abc import Callable

from ..model import LinkKind, UrlOrigin
from .collect import Collector, collector_of
from .scan import next_index, next_match
from .wikilinks import normalize_target

InlineRule = Callable[["StateInline", bool], bool]

# JavaScript's decodeURI leaves these escaped (OBSIDIAN.md §3).
_DECODE_URI_RESERVED = frozenset(";/?:@&=+$,#")
_PERCENT_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_HTTP_URL = re.compile(r"https?://", re.IGNORECASE)


class UriError(ValueError):
    pass


def decode_uri(text: str) -> str:
    """JavaScript ``decodeURI``: decode ``%XX`` except reserved characters; raise on bad input."""
    if "%" not in text:
        return text

    def decode_run(match: re.Match[str]) -> str:
        run = match.group()
        data = bytes(int(run[i + 1 : i + 3], 16) for i in range(0, len(run), 3))
        try:
            decoded = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise UriError(str(error)) from error
        # Keep reserved single-byte characters in their original %XX spelling.
        out: list[str] = []
        index = 0
        for char in decoded:
            width = len(char.encode("utf-8")) * 3
            out.append(run[index : index + 3] if char in _DECODE_URI_RESERVED else char)
            index += width
        return "".join(out)

    decoded = _PERCENT_RUN.sub(decode_run, text)
    if "%" in _PERCENT_RUN.sub("", text):
        raise UriError(f"malformed percent escape in {text!r}")
    return decoded


def is_internal_destination(destination: str) -> bool:
    """Internal when it starts with ``./`` or ``../``, or holds no ``:`` at all."""
    return destination.startswith(("./", "../")) or ":" not in destination


def split_internal_destination(destination: str) -> tuple[str, str] | None:
    """Decode an internal destination into (path, subpath); ``None`` if decoding fails."""
    try:
        decoded = decode_uri(destination)
    except UriError:
        return None
    target = normalize_target(decoded)
    path, hash_sign, rest = target.partition("#")
    return path, hash_sign + rest


def _destination_after_label(state: StateInline, label_open: int, link_end: int) -> tuple[int, int, str] | None:
    """For ``[label](dest …)`` at ``label_open``: (dest start, dest end, dest as parsed).

    The label usually ends at the first ``](``; the destination parsed from
    there must run to a ``)`` or a title, which confirms it.  Only when that
    fails is the label re-scanned with markdown-it's own (slower) label parser.
    """
    src = state.src
    guess = src.find("](", label_open, link_end)
    candidates = [guess] if guess >= 0 else []
    for label_end in candidates:
        found = _destination_at(state, label_end, link_end)
        if found is not None:
            return found
    label_end = state.md.helpers.parseLinkLabel(state, label_open, True)
    if label_end < 0 or label_end == guess:
        return None
    return _destination_at(state, label_end, link_end)


def _destination_at(state: StateInline, label_end: int, link_end: int) -> tuple[int, int, str] | None:
    src = state.src
    pos = label_end + 1
    if pos >= link_end or src[pos] != "(":
        return None  # reference-style link: not an internal link for Obsidian
    pos += 1
    while pos < link_end and src[pos] in " \t\n":
        pos += 1
    result = state.md.helpers.parseLinkDestination(src, pos, link_end)
    if not result.ok:
        # markdown-it reads "[]()" and "[a]( )" as links with an empty destination
        return (pos, pos, "") if src[pos:link_end].lstrip().startswith(")") else None
    rest = src[result.pos : link_end].strip()
    if not rest.endswith(")") or (len(rest) > 1 and rest[0] not in "\"'("):
        return None
    return pos, result.pos, result.str


def _record_link(collector: Collector, state: StateInline, start: int, image: bool) -> None:
    link_end = state.pos
    found = _destination_after_label(state, start + 1 if image else start, link_end)
    if found is None:
        return
    dest_start, dest_end, destination = found
    if not destination.strip():
        collector.add_empty_link(state.src[start:link_end], start, link_end)
        return
    if _HTTP_URL.match(destination):
        origin = UrlOrigin.MARKDOWN_IMAGE if image else UrlOrigin.MARKDOWN_LINK
        collector.add_url(destination, origin, dest_start, dest_end)
        return
    if not is_internal_destination(destination):
        return  # mailto:, obsidian://, file://, zotero:, C:\ ...
    parts = split_internal_destination(destination)
    if parts is None:
        return
    path, subpath = parts
    if not path and not [s for s in subpath.split("#") if s.strip()]:
        collector.add_empty_link(state.src[start:link_end], start, link_end)
        return
    kind = LinkKind.MARKDOWN_IMAGE if image else LinkKind.MARKDOWN
    collector.add_link(kind, destination, path, subpath, start, link_end)


def _wrap_link(original: InlineRule, image: bool) -> InlineRule:
    def rule(state: StateInline, silent: bool) -> bool:
        start = state.pos
        if not label_can_close(state, start):
            return False
        collector = None if silent else collector_of(state.env)
        if image and collector is not None:
            # markdown-it parses the alt text from a substring starting after "!["
            collector.push_base(start + 2)
        try:
            matched = original(state, silent)
        finally:
            if image and collector is not None:
                collector.pop_base()
        if matched and collector is not None:
            _record_link(collector, state, start, image)
        return matched

    return rule


def _wrap_autolink(original: InlineRule) -> InlineRule:
    def rule(state: StateInline, silent: bool) -> bool:
        start = state.pos
        matched = original(state, silent)
        collector = None if silent else collector_of(state.env)
        if matched and collector is not None:
            url = state.src[start + 1 : state.pos - 1]
            if _HTTP_URL.match(url):
                collector.add_url(url, UrlOrigin.AUTOLINK, start + 1, state.pos - 1)
        return matched

    return rule


_SCHEME_AT_END = re.compile(r"https?\Z", re.IGNORECASE)
#: The protocols the GFM rule back-scans ``pending`` for (at most 6 letters and the
#: character before them), so the last 7 characters of ``pending`` decide.
_PROTOCOL_AT_END = re.compile(r"(?:https?|mailto|xmpp)$")  # "$" as in the plugin
_PROTOCOL_TAIL = 7
#: What ends a GFM autolink literal (mdit-py-plugins' ``_SPACE_CHARS``).
_URL_END = re.compile(r"[ \t\r\n\x00\x0b\x0c]")
#: The longest bare URL read; longer ones are cut here.  It bounds the plugin's
#: trailing-parenthesis trimming, which is quadratic in the URL's length.
MAX_BARE_URL = 16384


def _wrap_bare_url(original: InlineRule) -> InlineRule:
    """GFM autolink literals: the rule fires at ``:`` with the scheme already in ``pending``.

    The plugin slices the rest of the block and back-scans all of ``pending`` on
    every call, which is quadratic on a long line (issue 8).  So it is called only
    where ``pending`` ends in a protocol name, with ``pending`` cut to its last
    characters and the block cut at the end of the URL (the first space: a URL
    never spans one).
    """

    def rule(state: StateInline, silent: bool) -> bool:
        position = state.pos
        if state.src[position] != ":":
            return False
        pending = state.pending
        tail = pending[-_PROTOCOL_TAIL:]
        if _PROTOCOL_AT_END.search(tail) is None:
            return False
        scheme = _SCHEME_AT_END.search(tail)
        old_max = state.posMax
        url_end = next_match(state, _URL_END, position, old_max)
        longest = MAX_BARE_URL - (len(scheme.group()) if scheme is not None else 0)
        state.posMax = min(old_max if url_end < 0 else url_end, position + longest)
        state.pending = tail
        try:
            matched = original(state, silent)
        finally:
            state.posMax = old_max
        if not matched:
            state.pending = pending
            return False
        # On a match the plugin flushed the (cut) pending text into a text token that
        # nothing reads; what our rules read of ``pending`` afterwards is empty either way.
        collector = None if silent else collector_of(state.env)
        if collector is not None and scheme is not None:
            start = position - len(scheme.group())
            collector.add_url(state.src[start : state.pos], UrlOrigin.BARE, start, state.pos)
        return True

    return rule


def _wrap_html_inline(original: InlineRule) -> InlineRule:
    """Keep ``<!-- … -->`` comment text for suppression directives."""

    def rule(state: StateInline, silent: bool) -> bool:
        start = state.pos
        matched = original(state, silent)
        collector = None if silent else collector_of(state.env)
        if matched and collector is not None and state.src.startswith("<!--", start):
            collector.add_comment(state.src[start + 4 : state.pos - 3], start, state.pos, html=True)
        return matched

    return rule


def label_can_close(state: StateInline, start: int) -> bool:
    """Whether a ``]`` follows ``start`` in the inline block: a link label needs one to end.

    Without one, markdown-it's label scan (``parseLinkLabel``) walks the rest of
    the block, through its nesting limit, only to say no: a 3 MB line of
    unclosed ``![[`` took 80 s.  Saying no at once gives the same answer (the
    scan succeeds only at a ``]``), in amortised constant time (:func:`next_index`).
    """
    return next_index(state, "]", start, state.posMax) >= 0


def _wrap_nested(original: InlineRule, offset: int) -> InlineRule:
    """For rules that parse a substring starting ``offset`` after ``state.pos``
    (``^[inline footnote]``: a label too, which needs a ``]``)."""

    def rule(state: StateInline, silent: bool) -> bool:
        if not label_can_close(state, state.pos):
            return False
        collector = None if silent else collector_of(state.env)
        if collector is not None:
            collector.push_base(state.pos + offset)
        try:
            return original(state, silent)
        finally:
            if collector is not None:
                collector.pop_base()

    return rule


#: ``[a](b c)``.  The destination may hold ``<`` and ``>`` (Templater's ``UE<% nr %>.pdf``)
#: but not start with ``<``: ``(<b c>)`` is a real link, which the link rule has taken.
_RAW_SPACE_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\(((?![ \t]*<)[^()\n]*[ \t][^()\n]*)\)")


def raw_space_link_rule(state: StateInline, silent: bool) -> bool:
    """``[a](My Note.md)``: not a link for CommonMark (D2); record it for LK007.

    Runs after ``link`` and ``image`` failed at this position and never matches,
    so the text is parsed on as usual.
    """
    if silent or (state.src[state.pos] == "[" and state.pos > 0 and state.src[state.pos - 1] == "!"):
        return False  # an image was looked at from its "!" already
    match = _RAW_SPACE_LINK.match(state.src, state.pos, state.posMax)
    if match is None:
        return False
    destination = match.group(2).strip()
    if not destination or not is_internal_destination(destination) or _HTTP_URL.match(destination):
        return False
    if re.fullmatch(r"\S+\s+(\"[^\"]*\"|'[^']*')", destination):
        return False  # a destination followed by a title: a real link
    collector = collector_of(state.env)
    if collector is not None:
        collector.add_raw_space_link(destination, state.pos, match.end())
    return False


def _replace(md: MarkdownIt, name: str, wrap: Callable[[InlineRule], InlineRule]) -> None:
    ruler = md.inline.ruler
    for rule in ruler.__rules__:
        if rule.name == name:
            rule.fn = wrap(rule.fn)
            ruler.__cache__ = None
            return
    raise LookupError(f"markdown-it has no inline rule {name!r}")


def mdlinks_plugin(md: MarkdownIt) -> None:
    _replace(md, "link", lambda fn: _wrap_link(fn, image=False))
    _replace(md, "image", lambda fn: _wrap_link(fn, image=True))
    _replace(md, "autolink", _wrap_autolink)
    _replace(md, "html_inline", _wrap_html_inline)
    _replace(md, "gfm_autolink_protocol", _wrap_bare_url)
    _replace(md, "footnote_inline", lambda fn: _wrap_nested(fn, 2))
    md.inline.ruler.after("image", "raw_space_link", raw_space_link_rule)


def unquote_for_hint(path: str) -> str:
    """How to write a path with spaces as a Markdown link destination."""
    return urllib.parse.quote(path, safe="/#")
