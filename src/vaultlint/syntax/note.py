"""Turn the text of one note into a :class:`~vaultlint.model.Note`.  Pure: text in, Note out.

markdown-it-py builds the block structure (code, HTML, math, tables, lists,
quotes, callouts, footnotes, our ``%%`` block comments).  Its core ``inline``
step is switched off: the walker below parses each inline block itself, so it
can hand the inline rules an offset map for that block and say whether the
block is a comment, and so it can skip blocks that cannot hold anything we
look for.

Two parsers give the same notes (``tests/test_differential.py`` checks it):
the fast one (the default) tries only the rules that can match at each
position (:mod:`.dispatch`), skips inline blocks without anything we look
for, and keeps no inline tokens; the plain one runs markdown-it-py's own
loops on every inline block, as a reference.
"""

from __future__ import annotations

import functools
import re
from operator import attrgetter
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

from ..model import Comment, Frontmatter, Heading, Note, Span
from .blockids import blockids_plugin
from .collect import ENV_KEY, Collector
from .comments import comments_plugin
from .dispatch import install_dispatchers
from .frontmatter import FrontmatterBlock, find_frontmatter, parse_frontmatter
from .lines import install_fast_lines
from .mdlinks import mdlinks_plugin
from .positions import (
    OffsetMap,
    block_offset_map,
    container_prefix_starts,
    table_row_cell_maps,
)
from .tags import tags_plugin
from .urls_extra import extra_urls
from .wikilinks import wikilinks_plugin

#: An inline block without any of these cannot hold a link, embed, tag, block id,
#: URL or comment, so it is not parsed at all.
_INTERESTING = re.compile(r"[\[#^%]|://|<!--")

#: How deep blocks may nest (a list level counts two: list and item).  markdown-it's
#: CommonMark preset stops at 20 and silently drops what is deeper; this is as deep
#: as the block parser's recursion safely goes.  Deeper notes are reported (VL001).
MAX_BLOCK_NESTING = 120

#: Inline nesting (links in link labels) keeps markdown-it's limit: the label scan
#: recurses once per level.
MAX_INLINE_NESTING = 20


class NestingTooDeep(ValueError):
    """The note nests blocks deeper than :data:`MAX_BLOCK_NESTING`: not checked, and said so."""


#: The start of the drawing data of an Excalidraw note (OBSIDIAN.md §9.2).
_EXCALIDRAW_DRAWING = re.compile(r"#{1,6} Drawing\s*$")


def markdown_parser(fast: bool = True) -> MarkdownIt:
    """The parser with our plugins; ``fast=False`` keeps markdown-it-py's own rule loops."""
    return _parser(bool(fast))  # one cache key per kind, however it is asked for


@functools.lru_cache(maxsize=2)
def _parser(fast: bool) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True})
    md.enable(["table", "strikethrough"])
    md.use(footnote_plugin)
    # Obsidian's $ rules (OBSIDIAN.md §6): no space inside the delimiters, no digit after the closing $.
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True, allow_labels=False)
    md.use(gfm_autolink_plugin)
    md.disable(["gfm_autolink_www", "gfm_autolink_email"])
    md.use(wikilinks_plugin)
    md.use(comments_plugin)
    md.use(tags_plugin)
    md.use(blockids_plugin)
    md.use(mdlinks_plugin)
    # We run inline parsing ourselves, block by block (see module docstring).
    md.disable(["inline", "footnote_tail"])
    # Nothing is rendered, so skip markdown-it's URL normalisation (percent-encoding,
    # punycode): it was a tenth of the time on link-heavy vaults.
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    md.normalizeLinkText = lambda text: text  # type: ignore[method-assign]
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    if fast:
        _drop_idle_terminators(md)
        install_dispatchers(md)
        install_fast_lines(md)
    return md


#: Characters markdown-it stops plain text at although no rule of ours starts there:
#: ``w`` (the GFM ``www.`` rule, switched off), ``@`` (bare e-mails, off), and markers
#: of plugins we do not use.  ``[`` and ``]`` stay: the link label scan relies on them.
_IDLE_TERMINATORS = "w@-+={}>"


def _drop_idle_terminators(md: MarkdownIt) -> None:
    """Let plain text run over characters where no rule can match (the same ``pending`` text)."""
    from .dispatch import INLINE_TRIGGERS

    enabled = {rule.name for rule in md.inline.ruler.__rules__ if rule.enabled}
    triggers = set("".join(INLINE_TRIGGERS.values()))
    if not enabled <= set(INLINE_TRIGGERS) | {"text"} or triggers & set(_IDLE_TERMINATORS):
        return  # pragma: no cover - a rule we do not know might start at one of them
    current = md.inline.terminator_re
    # Every character of the class appears literally in its pattern (escaped or not).
    kept = sorted(c for c in set(current.pattern) if current.fullmatch(c) and c not in _IDLE_TERMINATORS)
    md.inline.terminator_re = re.compile("[" + "".join(re.escape(c) for c in kept) + "]")


class _Discarded(list):  # type: ignore[type-arg]
    """A token list that keeps nothing: the fast path reads no inline token."""

    __slots__ = ()

    def append(self, token: Any) -> None:
        pass


#: What the fast inline state hands out instead of a new token: rules set fields
#: on the token they pushed and nothing reads them back.
_SCRATCH_TOKEN = Token("text", "", 0)


class _TokenlessState(StateInline):
    """An inline state that builds no tokens (the fast path; see :mod:`.dispatch`).

    It keeps everything the inline rules read while tokenizing: the pending text
    (flushed as before, so ``may_start_here`` of tags and block ids is unchanged),
    the nesting level and the emphasis delimiter stacks.  Only the token objects,
    read by renderers and by the post-processing rules the fast path skips, are
    left out.
    """

    def pushPending(self) -> Token:
        self.pending = ""
        return _SCRATCH_TOKEN

    def push(self, ttype: str, tag: str, nesting: Any) -> Token:
        if self.pending:
            self.pending = ""
        if nesting < 0:
            self.level -= 1
            self.delimiters = self._prev_delimiters.pop()
        elif nesting > 0:
            self.level += 1
            self._prev_delimiters.append(self.delimiters)
            self.delimiters = []
        self.pendingLevel = self.level
        return _SCRATCH_TOKEN


def normalize_text(text: str) -> str:
    """Drop a BOM (D8) and turn CRLF and CR into LF, as markdown-it and Obsidian do."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def parse_note(path: str, text: str, *, fast: bool = True) -> Note:
    """The note in ``text``; ``fast=False`` parses with plain markdown-it-py loops (same result).

    Raises :class:`NestingTooDeep` for blocks nested deeper than the parser checks.
    """
    text = normalize_text(text)
    lines = text.split("\n")
    collector = Collector()

    found = find_frontmatter(lines)
    frontmatter: Frontmatter | None = None
    unclosed: Span | None = None
    body_lines = lines
    if isinstance(found, FrontmatterBlock):
        parsed = parse_frontmatter(found)
        frontmatter = parsed.frontmatter
        collector.links.extend(parsed.links)
        collector.urls.extend(parsed.urls)
        # Blank the frontmatter out so markdown-it's line numbers stay those of the file.
        body_lines = [""] * (found.closing_line + 1) + lines[found.closing_line + 1 :]
    elif found == 0:
        unclosed = Span(1, 1, 1, 4)

    if frontmatter is not None and frontmatter.get("excalidraw-plugin") is not None:
        body_lines = _without_drawing_data(body_lines)
    body = "\n".join(body_lines)
    headings: list[Heading] = []
    has_text = bool(body) and not body.isspace()  # body.strip(), without copying the body
    if has_text:
        md = markdown_parser(fast)
        env = {ENV_KEY: collector}
        md.options["maxNesting"] = MAX_BLOCK_NESTING
        tokens = md.parse(body, env)
        _check_nesting(tokens)
        md.options["maxNesting"] = MAX_INLINE_NESTING
        _walk(tokens, md, env, collector, lines, headings, fast)
        collector.urls.extend(extra_urls(tokens, env, lines))

    return Note(
        path=path,
        frontmatter=frontmatter,
        unclosed_frontmatter=unclosed,
        headings=tuple(headings),
        block_ids=tuple(collector.block_ids),
        tags=tuple(collector.tags),
        links=tuple(collector.links),
        urls=tuple(collector.urls),
        raw_space_links=tuple(collector.raw_space_links),
        empty_links=tuple(collector.empty_links),
        comments=tuple(collector.comments),
        body_is_empty=not has_text,
        line_count=len(lines),
    )


def _without_drawing_data(lines: list[str]) -> list[str]:
    """Blank out an Excalidraw note's ``# Drawing`` section: compressed JSON, up to half a
    megabyte, that holds no links, tags or ids anyone wrote; the line numbers stay."""
    for index, line in enumerate(lines):
        if _EXCALIDRAW_DRAWING.match(line):
            # Up to the comment's closing %% (kept, so the comment still ends), or to the end.
            end = next((i for i in range(index + 1, len(lines)) if lines[i].strip() == "%%"), len(lines))
            return lines[:index] + [""] * (end - index) + lines[end:]
    return lines


_LEVEL = attrgetter("level")


def _check_nesting(tokens: list[Token]) -> None:
    """markdown-it skips, without a word, what a container opened at its limit holds."""
    if not tokens or max(map(_LEVEL, tokens)) < MAX_BLOCK_NESTING - 1:
        return  # the usual note: one pass in C instead of a Python step per token
    for token in tokens:
        if token.nesting == 1 and token.level >= MAX_BLOCK_NESTING - 1:
            line = token.map[0] + 1 if token.map else 1
            raise NestingTooDeep(
                f"blocks nested more than {MAX_BLOCK_NESTING} levels deep (line {line}); the note is not checked"
            )


def _parse_inline(content: str, md: MarkdownIt, env: dict, fast: bool) -> None:
    if fast:  # tokens only, no post-processing, none kept (see .dispatch)
        md.inline.tokenize(_TokenlessState(content, md, env, _Discarded()))
    else:
        md.inline.parse(content, md, env, [])


def _walk(
    tokens: list[Token],
    md: MarkdownIt,
    env: dict,
    collector: Collector,
    lines: list[str],
    headings: list[Heading],
    fast: bool = True,
) -> None:
    heading_level = 0
    row_cells: list[tuple[str, OffsetMap]] = []
    cell_index = 0
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "heading_open":
            heading_level = int(token.tag[1:])
        elif kind == "tr_open" and token.map:
            row_cells = _row_cells(lines, token.map[0], tokens, index)
            cell_index = 0
        elif kind == "inline":
            content = token.content
            first_line = token.map[0] if token.map else 0
            if heading_level:
                last_line = token.map[1] if token.map else first_line + 1
                end_text = lines[last_line - 1] if last_line - 1 < len(lines) else ""
                headings.append(
                    Heading(heading_level, content.strip(), Span(first_line + 1, 1, last_line, len(end_text) + 1))
                )
                heading_level = 0
            cell_map = None
            if row_cells and cell_index < len(row_cells) and row_cells[cell_index][0] == content:
                cell_map = row_cells[cell_index][1]
                cell_index += 1
            if not fast or _INTERESTING.search(content):
                collector.start_block(
                    cell_map
                    if cell_map is not None
                    else block_offset_map(content, first_line, lines, token.map[1] if token.map else None)
                )
                _parse_inline(content, md, env, fast)
        elif kind == "tr_close":
            row_cells = []
        elif kind == "obsidian_comment":
            offset_map = block_offset_map(token.content, token.map[0] if token.map else 0, lines)
            collector.start_block(offset_map)
            collector.add_comment(token.content, 0, len(token.content))
            collector.start_block(offset_map, in_comment=True)
            if not fast or _INTERESTING.search(token.content):
                _parse_inline(token.content, md, env, fast)
        elif kind == "html_block" and token.map and token.content.lstrip().startswith("<!--"):
            start, end = token.map
            collector.comments.append(
                Comment(token.content.strip(), Span(start + 1, 1, end, len(lines[end - 1]) + 1), html=True)
            )


def _row_cells(lines: list[str], line_no: int, tokens: list[Token], row_index: int) -> list[tuple[str, OffsetMap]]:
    """Cell maps for a table row, trying each quote-prefix depth until the cells match."""
    if line_no >= len(lines):
        return []
    expected = []
    # The row's own tokens only: slicing the rest of the list made a note of many tables quadratic
    # (8,000 small tables: 17 s; found by bench/fuzz_long.py, seed 5325).
    for index in range(row_index + 1, len(tokens)):
        token = tokens[index]
        if token.type == "tr_close":
            break
        if token.type == "inline":
            expected.append(token.content)
    source_line = lines[line_no]
    for start in container_prefix_starts(source_line):
        cells = table_row_cell_maps(source_line, line_no, start)
        if [content for content, _ in cells[: len(expected)]] == expected[: len(cells)]:
            return cells
    return []
