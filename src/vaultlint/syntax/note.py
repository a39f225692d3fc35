"""Turn the text of one note into a :class:`~vaultlint.model.Note`.  Pure: text in, Note out.

markdown-it-py builds the block structure (code, HTML, math, tables, lists,
quotes, callouts, footnotes, our ``%%`` block comments).  Its core ``inline``
step is switched off: the walker below parses each inline block itself, so it
can hand the inline rules an offset map for that block and say whether the
block is a comment, and so it can skip blocks that cannot hold anything we
look for.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

from ..model import Comment, Frontmatter, Heading, Note, Span
from .blockids import blockids_plugin
from .collect import ENV_KEY, Collector
from .comments import comments_plugin
from .frontmatter import FrontmatterBlock, find_frontmatter, parse_frontmatter
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

#: The start of the drawing data of an Excalidraw note (OBSIDIAN.md §9.2).
_EXCALIDRAW_DRAWING = re.compile(r"#{1,6} Drawing\s*$")


@functools.lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
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
    return md


def normalize_text(text: str) -> str:
    """Drop a BOM (D8) and turn CRLF and CR into LF, as markdown-it and Obsidian do."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def parse_note(path: str, text: str) -> Note:
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
    if body.strip():
        md = markdown_parser()
        env = {ENV_KEY: collector}
        tokens = md.parse(body, env)
        _walk(tokens, md, env, collector, lines, headings)
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
        body_is_empty=not body.strip(),
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


def _walk(
    tokens: list[Token],
    md: MarkdownIt,
    env: dict,
    collector: Collector,
    lines: list[str],
    headings: list[Heading],
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
            if row_cells and cell_index < len(row_cells) and row_cells[cell_index][0] == content:
                offset_map = row_cells[cell_index][1]
                cell_index += 1
            else:
                offset_map = block_offset_map(content, first_line, lines)
            if _INTERESTING.search(content):
                collector.start_block(offset_map)
                md.inline.parse(content, md, env, [])
        elif kind == "tr_close":
            row_cells = []
        elif kind == "obsidian_comment":
            offset_map = block_offset_map(token.content, token.map[0] if token.map else 0, lines)
            collector.start_block(offset_map)
            collector.add_comment(token.content, 0, len(token.content))
            collector.start_block(offset_map, in_comment=True)
            if _INTERESTING.search(token.content):
                md.inline.parse(token.content, md, env, [])
        elif kind == "html_block" and token.map and token.content.lstrip().startswith("<!--"):
            start, end = token.map
            collector.comments.append(
                Comment(token.content.strip(), Span(start + 1, 1, end, len(lines[end - 1]) + 1), html=True)
            )


def _row_cells(lines: list[str], line_no: int, tokens: list[Token], row_index: int) -> list[tuple[str, OffsetMap]]:
    """Cell maps for a table row, trying each quote-prefix depth until the cells match."""
    if line_no >= len(lines):
        return []
    start_index = row_index
    expected = []
    for token in tokens[start_index + 1 :]:
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
