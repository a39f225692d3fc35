"""LK009 missing-pdf-page: ``#page=N`` names a page the PDF does not have.

**What it does**: for links and embeds of a PDF with a page part
(``[[Manual.pdf#page=12]]``, ``![[Manual.pdf#page=12]]``, a canvas file node
with ``#page=12``), reads the PDF's page count and reports a page number that
is not a whole number from 1 to that count.  The count is read from the
file's page tree without opening the whole PDF; when it cannot be read
(a damaged or encrypted file), nothing is reported.  When PDFs tie for the
link (LK005), a page that any of them has is accepted.

**Why it matters**: Obsidian opens the PDF at its first page instead of the
page you meant, usually because the PDF was replaced by a shorter version or
the number was mistyped.

**Example**::

    ![[Annual report.pdf#page=40]]

(the report has 36 pages).

**How to fix**: correct the page number, or link to the version of the PDF
that has that page.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterator
from typing import Any, cast

from ..model import Note, Severity, Violation
from ._subpaths import some_candidate_has
from .base import Rule, Scope

_PAGE = re.compile(r"(?:^|&)page=([^&]*)")
#: More digits than any page count a PDF can state (pdf.py reads up to 9): the page is past
#: the end whatever the count, and ``int`` of 5,000 digits is an error in Python.
_MAX_DIGITS = 18
#: How much of a long page number a message shows.
_SHOWN = 24


def _page_number(written: str) -> int | None:
    """The page number written, ``None`` when it is not one (only ASCII digits are)."""
    if not (written.isascii() and written.isdigit()):
        return None
    digits = written.lstrip("0") or "0"
    return int(digits) if len(digits) <= _MAX_DIGITS else 10**_MAX_DIGITS


def _shorten(text: str) -> str:
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def check(note: Note, ctx: Any) -> Iterator[Violation]:
    for link in note.links:
        match = _PAGE.search(link.subpath.lstrip("#"))
        if match is None or not link.path.strip():
            continue
        resolution = ctx.resolve(link, note.path)
        target = resolution.target
        if target is None or not target.lower().endswith(".pdf"):
            continue
        written = match.group(1).strip()
        page = _page_number(written)
        if page is None or page < 1:
            yield Violation(link.span, f'"page={_shorten(written)}" is not a page number', in_comment=link.in_comment)
            continue
        candidates = (target, *resolution.tied)
        # On a tie the app may open any of the PDFs (D3 amended): a page one of them has is fine.
        if some_candidate_has(candidates, ctx.pdf_page_count, functools.partial(operator.le, page)):
            continue
        # Every count is known here: an unknown one counts as having the page.
        counts = [cast(int, ctx.pdf_page_count(path)) for path in candidates]
        pages = " or ".join(f'"{path}" ({_pages(count)})' for path, count in zip(candidates, counts, strict=True))
        hint = f"the last page is {counts[0]}" if len(counts) == 1 else f"the longest has {_pages(max(counts))}"
        yield Violation(
            link.span, f"no page {_shorten(written.lstrip('0'))} in {pages}", hint, in_comment=link.in_comment
        )


def _pages(count: int) -> str:
    return "1 page" if count == 1 else f"{count} pages"


RULE = Rule(
    "LK009",
    "missing-pdf-page",
    Severity.ERROR,
    "#page=N names a page the PDF does not have",
    __doc__,
    Scope.NOTE,
    check,
)
