"""``#fragment``s of external URLs: a page's anchors, and whether a fragment names one (UR005).

Opt-in (``check-fragments = true``): a page whose URL is written with a
fragment is read with GET, up to ``page_cap`` bytes, and its ``id`` and
``name`` attributes collected with the standard library's HTML parser (which
never raises on bad HTML).  The page is fetched once however many fragments
point into it.

A page gives *no verdict*, so nothing is reported, when it is not HTML, when it
was cut off by the cap or the timeout, or when it looks built by script: little
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

import re
import urllib.parse
from html.parser import HTMLParser
from typing import Any

#: Fragments that are not anchors in the page (see the module docstring).
_NEVER_AN_ANCHOR = re.compile(r"^(?:L\d+(?:C\d+)?(?:-L?\d+(?:C\d+)?)?|:~:.*|top)$", re.IGNORECASE | re.DOTALL)
#: Below this much text outside scripts, a page with scripts is taken as built in the browser.
_SPA_TEXT = 400
_PREFIXES = ("", "user-content-")


class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.scripts = 0
        self.text = 0
        self._in_script = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (name == "name" and tag in ("a", "map", "form", "iframe", "img"))):
                self.anchors.add(value.casefold())
        if tag in ("script", "style", "template"):
            self._in_script += 1
            self.scripts += tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._in_script:
            self._in_script -= 1

    def handle_data(self, data: str) -> None:
        if not self._in_script:
            self.text += len(data.strip())


def page_anchors(reply: Any) -> frozenset[str] | None:
    """The anchors of a page read for them, or None when the page gives no verdict.

    ``reply`` is a :class:`~vaultlint.urls.fetch.Reply` (only ``body`` and
    ``complete`` are read).
    """
    if not reply.complete or not reply.body:
        return None
    charset = "utf-8"
    match = re.search(r"charset=([\w.-]+)", reply.headers.get("content-type", ""), re.IGNORECASE)
    if match:
        charset = match[1]
    try:
        text = reply.body.decode(charset, errors="replace")
    except LookupError:
        text = reply.body.decode("utf-8", errors="replace")
    parser = _AnchorParser()
    parser.feed(text)
    parser.close()
    if parser.scripts and parser.text < _SPA_TEXT:
        return None
    return frozenset(parser.anchors)


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
