"""``[[wikilinks]]`` and ``![[embeds]]`` (OBSIDIAN.md §1).

Recognition: from ``[[`` the rest of the same line is searched for the first
``]]``; the text between must be at least one character and, once trimmed, must
not contain ``[[``.  The rule is placed before markdown-it's ``link`` rule, so
whichever construct starts first wins (a code span that starts earlier wins,
``\\[[x]]`` is eaten by the escape rule first).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # markdown-it is imported only when a note is parsed
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

import unicodedata
from dataclasses import dataclass

from ..model import LinkKind
from .collect import collector_of
from .scan import next_index


@dataclass(frozen=True)
class WikiTarget:
    """The parts of a wikilink's inner text (OBSIDIAN.md §1.2)."""

    target: str  # before the alias separator, trimmed, NFC
    path: str  # before the first '#'
    subpath: str  # from the first '#', or ""
    alias: str | None

    @property
    def is_empty(self) -> bool:
        """``[[ ]]``, ``[[#]]``: no file and no heading or block to point at (LK006)."""
        return not self.path.strip() and not [s for s in self.subpath.split("#") if s.strip()]


def normalize_target(text: str) -> str:
    """No-break spaces become spaces, then trim and NFC (OBSIDIAN.md §1.2, §3)."""
    return unicodedata.normalize("NFC", text.replace("\u00a0", " ").strip())


def parse_wikilink_inner(inner: str) -> WikiTarget:
    trimmed = inner.strip()
    separator = trimmed.find("|", 1)
    if separator > 0:
        target, alias = trimmed[:separator].strip(), trimmed[separator + 1 :].strip()
    else:
        target, alias = trimmed, None
    if target.endswith("\\"):  # the "\|" escape: [[Note\|Alias]]
        target = target[:-1]
    target = normalize_target(target)
    path, hash_sign, rest = target.partition("#")
    return WikiTarget(target, path, hash_sign + rest, alias)


def find_wikilink(src: str, start: int, limit: int, state: Any = None) -> tuple[int, str] | None:
    """If a wikilink opens with ``[[`` at ``start``: (index of its ``]]``, inner text).

    With the inline ``state`` the look-ahead is remembered between calls, so a
    line of thousands of ``[[`` stays linear (see :mod:`.scan`).
    """
    if state is not None:
        close = next_index(state, "]]", start + 2, limit)
        if close < 0 or 0 <= next_index(state, "\n", start, close):
            return None
    else:
        line_end = src.find("\n", start, limit)
        close = src.find("]]", start + 2, limit if line_end < 0 else line_end)
        if close < 0:
            return None
    inner = src[start + 2 : close]
    if not inner or "[[" in inner.strip():
        return None
    return close, inner


def wikilink_rule(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    embed = src[start] == "!"
    opening = start + 1 if embed else start
    if src[opening : opening + 2] != "[[":
        return False
    found = find_wikilink(src, opening, state.posMax, state)
    if found is None:
        return False
    close, inner = found
    end = close + 2
    if not silent:
        token = state.push("wikilink", "", 0)
        token.content = inner
        token.info = "embed" if embed else ""
        collector = collector_of(state.env)
        if collector is not None:
            parsed = parse_wikilink_inner(inner)
            raw = src[start:end]
            if parsed.is_empty:
                collector.add_empty_link(raw, start, end)
            else:
                kind = LinkKind.EMBED if embed else LinkKind.WIKILINK
                collector.add_link(kind, parsed.target, parsed.path, parsed.subpath, start, end)
    state.pos = end
    return True


def wikilinks_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "wikilink", wikilink_rule)
