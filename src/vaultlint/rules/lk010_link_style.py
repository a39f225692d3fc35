"""LK010 link-style: a link not written the way the vault's settings say links are written.

**What it does**: reads the vault's "Use [[Wikilinks]]" and "New link format"
settings (``useMarkdownLinks`` and ``newLinkFormat`` in ``.obsidian/app.json``)
and reports links in notes and canvas text cards that differ:

- a wikilink or ``![[embed]]`` in a vault set to Markdown links, or a
  Markdown link to a vault file in a vault set to wikilinks;
- **shortest** (the default): a link with a folder path where the file name
  alone reaches the same file, and only it (``[[Projects/Plan]]`` for ``[[Plan]]``);
- **relative**: a path that is not relative to the note's folder;
- **absolute**: a path that is not the full path from the vault root.

Only links that resolve are checked; ``.md`` may be written or left out.
Off by default; select it with ``--extend-select LK010``.

**Why it matters**: a vault written in one style reads the same in every
note, and tools that read the Markdown without Obsidian (static site
generators, other editors) understand one style but not the other.

**Example**, in a vault set to "Relative path to file"::

    [[Projects/Plan]]   (in Projects/Notes/Meeting.md: write [[../Plan]])

**How to fix**: rewrite the link in the configured style, or change the
setting to the style the vault uses.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from ..model import Link, LinkKind, Note, Severity, Violation
from .base import Rule, Scope

WIKI = (LinkKind.WIKILINK, LinkKind.EMBED)
MARKDOWN = (LinkKind.MARKDOWN, LinkKind.MARKDOWN_IMAGE)


def _bare(path: str, target: str) -> str:
    """A link path compared case-insensitively, without ``./`` or a leading ``/``, ``.md`` optional."""
    path = path.strip().lower()
    while path.startswith("./"):
        path = path[2:]
    path = path.lstrip("/")
    return path[:-3] if target.lower().endswith(".md") and path.endswith(".md") else path


def expected_path(link: Link, source: str, target: str, link_format: str, ctx: Any) -> str | None:
    """The path the vault's format writes for ``target``; ``None`` when ``link`` already fits."""
    written = _bare(link.path, target)
    shown = target[:-3] if target.lower().endswith(".md") and link.kind in WIKI else target
    if link_format == "absolute":
        return None if written == _bare(target, target) else shown
    if link_format == "relative":
        relative = posixpath.relpath(target, posixpath.dirname(source) or ".")
        if written == _bare(relative, target):
            return None
        return relative[:-3] if target.lower().endswith(".md") and link.kind in WIKI else relative
    # shortest: the file name, when it alone reaches the same file.
    if "/" not in link.path.strip().strip("/"):
        return None
    name = posixpath.basename(shown)
    alone = ctx.vault.index.resolve(name, source)
    if alone.target != target or alone.tied:  # the name alone reaches another file, or is ambiguous
        return None
    return name


def check(note: Note, ctx: Any) -> Iterator[Violation]:
    settings = ctx.vault.obsidian
    for link in note.links:
        if link.kind not in WIKI + MARKDOWN or not link.path.strip():
            continue
        target = ctx.resolve(link, note.path).target
        if target is None:
            continue
        if settings.use_markdown_links and link.kind in WIKI:
            yield Violation(link.span, "wikilink in a vault set to Markdown links", in_comment=link.in_comment)
            continue
        if not settings.use_markdown_links and link.kind in MARKDOWN:
            yield Violation(link.span, "Markdown link in a vault set to wikilinks", in_comment=link.in_comment)
            continue
        wanted = expected_path(link, note.path, target, settings.new_link_format, ctx)
        if wanted is not None:
            yield Violation(
                link.span,
                f'link path "{link.path.strip()}" is not in the vault\'s {settings.new_link_format} link format',
                f'write "{wanted}"',
                in_comment=link.in_comment,
            )


RULE = Rule(
    "LK010",
    "link-style",
    Severity.INFO,
    "link not in the vault's configured style (wikilinks or Markdown, shortest, relative or absolute path)",
    __doc__,
    Scope.NOTE,
    check,
    enabled_by_default=False,
)
