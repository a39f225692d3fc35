"""What the inline rules record while markdown-it-py parses one note.

One :class:`Collector` lives in the markdown-it ``env`` for the duration of a
note's parse.  The walker in :mod:`.note` points it at each inline block in
turn (with that block's :class:`~.positions.OffsetMap`); the inline rules call
its ``add_*`` methods with offsets into the current inline source, and the
collector turns them into file spans.
"""

from __future__ import annotations

from typing import Any

from ..model import (
    BlockId,
    Comment,
    EmptyLink,
    ExternalUrl,
    Link,
    LinkKind,
    RawSpaceLink,
    Span,
    Tag,
    UrlOrigin,
)
from .positions import OffsetMap

ENV_KEY = "vaultlint"


class Collector:
    def __init__(self) -> None:
        self.links: list[Link] = []
        self.tags: list[Tag] = []
        self.block_ids: list[BlockId] = []
        self.urls: list[ExternalUrl] = []
        self.raw_space_links: list[RawSpaceLink] = []
        self.empty_links: list[EmptyLink] = []
        self.comments: list[Comment] = []
        self.offset_map = OffsetMap([])
        self.comment_depth = 0
        # Offsets of nested inline parses (image alt text, inline footnotes) in
        # the enclosing inline source: markdown-it parses those from a substring.
        self._bases: list[int] = [0]

    # -- context ---------------------------------------------------------------
    def start_block(self, offset_map: OffsetMap, in_comment: bool = False) -> None:
        self.offset_map = offset_map
        self.comment_depth = 1 if in_comment else 0
        self._bases = [0]

    @property
    def in_comment(self) -> bool:
        return self.comment_depth > 0

    def push_base(self, offset: int) -> None:
        self._bases.append(self._bases[-1] + offset)

    def pop_base(self) -> None:
        self._bases.pop()

    def span(self, start: int, end: int) -> Span:
        base = self._bases[-1]
        return self.offset_map.span(base + start, base + end)

    # -- records ---------------------------------------------------------------
    def add_link(self, kind: LinkKind, raw: str, path: str, subpath: str, start: int, end: int) -> None:
        self.links.append(Link(kind, raw, path, subpath, self.span(start, end), self.in_comment))

    def add_empty_link(self, raw: str, start: int, end: int) -> None:
        self.empty_links.append(EmptyLink(raw, self.span(start, end), self.in_comment))

    def add_tag(self, name: str, start: int, end: int) -> None:
        self.tags.append(Tag(name, self.span(start, end), self.in_comment))

    def add_block_id(self, block_id: str, start: int, end: int, at_block_end: bool = True) -> None:
        self.block_ids.append(BlockId(block_id, self.span(start, end), self.in_comment, at_block_end))

    def add_url(self, url: str, origin: UrlOrigin, start: int, end: int) -> None:
        self.urls.append(ExternalUrl(url, self.span(start, end), origin, self.in_comment))

    def add_raw_space_link(self, destination: str, start: int, end: int) -> None:
        self.raw_space_links.append(RawSpaceLink(destination, self.span(start, end), self.in_comment))

    def add_comment(self, text: str, start: int, end: int, *, html: bool = False) -> None:
        self.comments.append(Comment(text, self.span(start, end), html))


def collector_of(env: Any) -> Collector | None:
    """The collector of this parse, or ``None`` when markdown-it is used without one."""
    if isinstance(env, dict):
        return env.get(ENV_KEY)
    return None
