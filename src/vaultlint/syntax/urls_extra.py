"""External URLs that the inline rules never see: reference definitions and HTML attributes.

* Reference definitions (``[label]: <https://…> "title"``) become no token at
  all: markdown-it keeps them in ``env["references"]`` with the lines they
  span, so the URL is found again in those source lines.
* ``href`` of ``<a>`` and ``src`` of ``<img>`` in HTML blocks, and in inline
  HTML outside code spans and HTML comments.

Positions come from the source lines, searched in order from the line where
the block starts: whatever container prefixes (quotes, list indents, table
pipes) surround the text, the URL itself is written verbatim there.  URLs in
code stay unchecked: code blocks hold no tokens searched here, and code spans
are blanked out before inline HTML is read.

Pure: the parsed tokens, the parser's ``env`` and the note's lines in, a list
of :class:`~vaultlint.model.ExternalUrl` out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..model import ExternalUrl, Span, UrlOrigin

_HTTP = re.compile(r"https?://", re.IGNORECASE)
#: An ``<a …>`` or ``<img …>`` start tag (attributes may span lines).
_TAG = re.compile(r"<(a|img)\b([^<>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""(?:^|\s)(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_BACKTICKS = re.compile(r"`+")
_QUICK = re.compile(r"<(?:a|img)\b", re.IGNORECASE)


def extra_urls(tokens: Sequence[Any], env: Mapping[str, Any], lines: Sequence[str]) -> list[ExternalUrl]:
    """Every http(s) URL of the note's reference definitions and HTML, with its position."""
    found: list[ExternalUrl] = []
    for definition in (env.get("references") or {}).values():
        href = definition.get("href", "")
        where = definition.get("map")
        if where and _HTTP.match(href):
            span = _locate(href, lines, where[0], where[1], after="]:")
            if span is not None:
                found.append(ExternalUrl(href, span, UrlOrigin.REFERENCE))
    for token in tokens:
        if not token.map or token.type not in ("html_block", "inline"):
            continue
        content = token.content
        if not _QUICK.search(content):
            continue
        if token.type == "inline":
            content = _blank_code_spans(content)
        origin = UrlOrigin.HTML
        search_from = (token.map[0], 0)
        for written in _html_urls(_HTML_COMMENT.sub(lambda m: " " * len(m[0]), content)):
            span = _locate(written, lines, search_from[0], token.map[1], column=search_from[1])
            if span is None:
                continue
            found.append(ExternalUrl(html.unescape(written), span, origin))
            search_from = (span.line - 1, span.end_column - 1)
    return found


def _html_urls(text: str) -> Iterable[str]:
    for tag in _TAG.finditer(text):
        wanted = "href" if tag[1].lower() == "a" else "src"
        for attribute in _ATTRIBUTE.finditer(tag[2]):
            if attribute[1].lower() != wanted:
                continue
            value = next(v for v in attribute.groups()[1:] if v is not None).strip()
            if _HTTP.match(value):
                yield value  # as written (``&amp;`` and all), so the position search finds it
            break


def _blank_code_spans(text: str) -> str:
    """The text with every code span replaced by spaces (CommonMark: a run of N
    backticks closes at the next run of exactly N)."""
    out = list(text)
    runs = list(_BACKTICKS.finditer(text))
    i = 0
    while i < len(runs):
        opening = runs[i]
        closing = next((j for j in range(i + 1, len(runs)) if len(runs[j][0]) == len(opening[0])), None)
        if closing is None:
            i += 1
            continue
        for k in range(opening.start(), runs[closing].end()):
            if out[k] != "\n":
                out[k] = " "
        i = closing + 1
    return "".join(out)


def _locate(
    url: str, lines: Sequence[str], first: int, end: int, *, column: int = 0, after: str | None = None
) -> Span | None:
    """The span of ``url`` in source lines ``first`` up to ``end`` (0-based, end excluded)."""
    for index in range(first, min(end, len(lines))):
        line = lines[index]
        start_at = column if index == first else 0
        if after is not None and index == first:
            marker = line.find(after, start_at)
            start_at = marker + len(after) if marker >= 0 else start_at
        position = line.find(url, start_at)
        if position >= 0:
            return Span(index + 1, position + 1, index + 1, position + 1 + len(url))
    return None
