"""``#fragment``s of external URLs: a page's anchors, and whether a fragment names one (UR005).

Opt-in (``check-fragments = true``): a page whose URL is written with a
fragment is read with GET, up to ``page_cap`` bytes, and its ``id`` and
``name`` attributes collected by a small tokenizer in the manner of HTML's
own, which never raises on bad HTML and takes linear time on any page, off the
event loop and under a time cap.  The page is fetched once however many
fragments point into it.

A page gives *no verdict*, so nothing is reported, when it is not HTML, when it
was cut off by the cap or the timeout, when reading it took too long, or when it looks built by script: little
text outside ``<script>`` and scripts present (a single-page app adds its
anchors in the browser, where we cannot see them).  Some fragments are never
anchors: ``#L10``/``#L10-L20`` line anchors (GitHub, GitLab, Bitbucket file
views), ``#:~:text=`` text fragments and ``#top``.  GitHub prefixes the ids of
rendered Markdown with ``user-content-`` and adds the plain id in script, so
that prefix matches too.  Ids are compared case-insensitively: browsers do
not, but the script of many sites does, and a false UR005 costs more than a
missed one.
"""

from __future__ import annotations

import codecs
import html
import re
import time
import urllib.parse
from typing import Any

#: Fragments that are not anchors in the page (see the module docstring).
_NEVER_AN_ANCHOR = re.compile(r"^(?:L\d+(?:C\d+)?(?:-L?\d+(?:C\d+)?)?|:~:.*|top)$", re.IGNORECASE | re.DOTALL)
#: Below this much text outside scripts, a page with scripts is taken as built in the browser.
_SPA_TEXT = 400
_PREFIXES = ("", "user-content-")


#: Seconds one page's anchors may take to find (the run's own deadline may cut it shorter).
PARSE_SECONDS = 5.0
#: Tags whose content is text up to their end tag, never markup (HTML's raw text elements).
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp")
#: Content that is not the page's own text, for the single-page-app test.
_NOT_TEXT = ("script", "style", "template")
_NAMED = ("a", "map", "form", "iframe", "img")
_TAG_NAME = re.compile(r"[A-Za-z][^\s/>]*")
_END_TAG_NAME = re.compile(r"[A-Za-z][^\s/>]*")
_BETWEEN_ATTRIBUTES = re.compile(r"[\s/]*")
_ATTRIBUTE_NAME = re.compile(r"[^\s/>][^\s/>=]*")
_EQUALS = re.compile(r"\s*=\s*")
_UNQUOTED = re.compile(r"[^\s>]*")
#: Charsets a page may name that are no text encoding a browser knows, or that decode
#: slowly in pure Python; such a page is read as UTF-8, as a browser reads a label it does not know.
_NOT_A_PAGE_ENCODING = frozenset({"undefined", "idna", "punycode", "unicode_escape", "raw_unicode_escape"})


class _OutOfTime(Exception):
    pass


class _Anchors:
    """What a page holds for the fragment check: its anchors, its scripts, its amount of text.

    A tokenizer in the manner of HTML's own (WHATWG §13.2.5), reduced to what is needed
    here, instead of :class:`html.parser.HTMLParser`: that one goes back over what it has
    read when a tag never ends, which makes a page of 40,000 ``<a `` take minutes.  Here
    every character is looked at a bounded number of times (a tag, comment or quoted value
    that never ends runs to the end of the page, as in a browser, and ends the scan),
    and the clock is checked as it goes, so a hostile page costs at most ``deadline``.
    """

    def __init__(self, deadline: float) -> None:
        self.anchors: set[str] = set()
        self.scripts = 0
        self.text = 0
        self._not_text = 0
        self._deadline = deadline
        self._steps = 0

    def _tick(self) -> None:
        self._steps += 1
        if not self._steps % 512 and time.monotonic() > self._deadline:
            raise _OutOfTime

    def scan(self, page: str) -> None:
        position = 0
        while position < len(page):
            self._tick()
            opening = page.find("<", position)
            if opening < 0:
                self._data(page[position:])
                return
            self._data(page[position:opening])
            after = self._markup(page, opening)
            if after < 0:
                return  # a tag, comment or raw text that never ends: the rest of the page is in it
            position = after

    def _markup(self, page: str, at: int) -> int:
        """Read the markup that starts with "<" at ``at``; where reading goes on, or -1 at the end."""
        if page.startswith("<!--", at):
            close = page.find("-->", at + 4)
            return -1 if close < 0 else close + 3
        if page.startswith(("<!", "<?"), at):  # doctype, CDATA and bogus comments end at the next ">"
            close = page.find(">", at + 2)
            return -1 if close < 0 else close + 1
        if page.startswith("</", at):
            name = _END_TAG_NAME.match(page, at + 2)
            close = page.find(">", at + 2)
            if close < 0:
                return -1
            if name is not None:
                self._end_tag(name[0].lower())
            return close + 1
        name = _TAG_NAME.match(page, at + 1)
        if name is None:
            self._data("<")  # "<" followed by anything but a letter is text
            return at + 1
        return self._start_tag(page, name[0].lower(), name.end())

    def _start_tag(self, page: str, tag: str, position: int) -> int:
        attributes: dict[str, str] = {}
        while True:
            self._tick()  # a tag may hold a million attributes
            position = _BETWEEN_ATTRIBUTES.match(page, position).end()  # type: ignore[union-attr]
            if position >= len(page):
                return -1
            if page[position] == ">":
                break
            name_match = _ATTRIBUTE_NAME.match(page, position)
            assert name_match is not None  # not white space, "/" or ">": some name starts here
            name, position = name_match[0].lower(), name_match.end()
            value = ""
            equals = _EQUALS.match(page, position)
            if equals is not None:
                position = equals.end()
                if position < len(page) and page[position] in "\"'":
                    close = page.find(page[position], position + 1)
                    if close < 0:
                        return -1
                    value, position = page[position + 1 : close], close + 1
                else:
                    unquoted = _UNQUOTED.match(page, position)
                    assert unquoted is not None  # the pattern matches the empty string
                    value, position = unquoted[0], unquoted.end()
            attributes.setdefault(name, value)  # the first of two equal names wins, as in a browser
        self._opened(tag, attributes)
        if tag in _RAW_TEXT:
            close = re.compile(rf"</{tag}[\s/>]", re.IGNORECASE).search(page, position + 1)
            if close is None:
                return -1
            self._data(page[position + 1 : close.start()], raw=tag)
            return self._markup(page, close.start())
        return position + 1

    def _opened(self, tag: str, attributes: dict[str, str]) -> None:
        for name in ("id", "name"):
            value = attributes.get(name)
            if value and (name == "id" or tag in _NAMED):
                self.anchors.add(html.unescape(value).casefold())
        if tag in _NOT_TEXT:
            self._not_text += 1
            self.scripts += tag == "script"

    def _end_tag(self, tag: str) -> None:
        if tag in _NOT_TEXT and self._not_text:
            self._not_text -= 1

    def _data(self, data: str, raw: str = "") -> None:
        if not self._not_text and raw not in _NOT_TEXT:
            self.text += len(data.strip())


def page_anchors(reply: Any, deadline: float) -> frozenset[str] | None:
    """The anchors of a page read for them, or None when the page gives no verdict.

    ``reply`` is a :class:`~vaultlint.urls.fetch.Reply` (only ``body``, ``headers`` and
    ``complete`` are read).  CPU work on a page of up to ``page_cap`` bytes: run it off the
    event loop (:func:`page_anchors_off_the_loop`).  A page not read by ``deadline``
    (``time.monotonic()``), or by :data:`PARSE_SECONDS`, gives no verdict.
    """
    if not reply.complete or not reply.body:
        return None
    text = _decode(reply.body, reply.headers.get("content-type", ""))
    page = _Anchors(min(deadline, time.monotonic() + PARSE_SECONDS))
    try:
        page.scan(text)
    except _OutOfTime:
        return None
    if page.scripts and page.text < _SPA_TEXT:
        return None
    return frozenset(page.anchors)


async def page_anchors_off_the_loop(reply: Any, deadline: float) -> frozenset[str] | None:
    """:func:`page_anchors` in a worker thread, so other requests go on meanwhile."""
    import asyncio

    return await asyncio.to_thread(page_anchors, reply, deadline)


def _decode(body: bytes, content_type: str) -> str:
    """The page as text, in the charset its ``Content-Type`` names when that is a usable text encoding."""
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type, re.IGNORECASE)
    charset = "utf-8"
    if match:
        try:
            info = codecs.lookup(match[1])
        except LookupError:
            info = None
        if info is not None and getattr(info, "_is_text_encoding", True) and info.name not in _NOT_A_PAGE_ENCODING:
            charset = info.name
    try:
        return body.decode(charset, errors="replace")
    except (LookupError, UnicodeError, ValueError):  # a codec that refuses "replace"
        return body.decode("utf-8", errors="replace")


def fragment_of(url: str) -> str | None:
    """The fragment as written (without ``#``), or None when there is none worth checking."""
    _, hash_, fragment = url.partition("#")
    if not hash_ or not fragment:
        return None
    return fragment


def names_an_anchor(fragment: str, anchors: frozenset[str]) -> bool:
    """Whether ``fragment`` finds an anchor, or is one of the fragments that never need one."""
    if _NEVER_AN_ANCHOR.match(fragment):
        return True
    candidates = {fragment.casefold(), urllib.parse.unquote(fragment).casefold()}
    return any(prefix + c in anchors for c in candidates for prefix in _PREFIXES)
