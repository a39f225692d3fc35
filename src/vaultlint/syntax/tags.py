"""Inline ``#tags`` (OBSIDIAN.md §7.5).

A tag is ``#`` followed by characters that are not whitespace, not ASCII
punctuation other than ``-``, ``_`` and ``/``, and not in the Unicode General
or Supplemental Punctuation blocks; it must not be only digits.  It must start
the inline run, follow whitespace, or directly follow another inline element:
``word#tag`` and ``x.#tag`` are not tags, ``**b**#tag`` and ``[[x]]#tag`` are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # markdown-it is imported only when a note is parsed
    from markdown_it import MarkdownIt
    from markdown_it.rules_inline import StateInline

import re

from .collect import collector_of

_FORBIDDEN = r"\s!\"#$%&'()*+,.:;<=>?@\[\\\]^`{|}~\u2000-\u206f\u2e00-\u2e7f"
TAG_BODY = re.compile(f"[^{_FORBIDDEN}]+")
TAG_FORBIDDEN_CHAR = re.compile(f"[{_FORBIDDEN}]")


def is_valid_tag_name(name: str) -> bool:
    """True when ``#name`` would be read by Obsidian as exactly this tag."""
    return bool(name) and TAG_BODY.fullmatch(name) is not None and not name.isdigit()


def may_start_here(state: StateInline) -> bool:
    """Start of the run, after whitespace, or right after another inline element.

    Text scanned so far but not yet emitted sits in ``state.pending``; an empty
    pending buffer means the previous thing was a token of its own (or nothing).
    """
    pending = state.pending
    return not pending or pending[-1].isspace()


def tag_rule(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if src[start] != "#" or not may_start_here(state):
        return False
    match = TAG_BODY.match(src, start + 1, state.posMax)
    if match is None or match.group().isdigit():
        return False
    end = match.end()
    if not silent:
        token = state.push("obsidian_tag", "", 0)
        token.content = match.group()
        collector = collector_of(state.env)
        if collector is not None:
            collector.add_tag(match.group(), start, end)
    state.pos = end
    return True


def tags_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "obsidian_tag", tag_rule)
