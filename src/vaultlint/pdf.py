"""How many pages a PDF has, read cheaply and safely, for ``#page=N`` links (LK009).

No PDF library: the page count is the ``/Count`` of the root of the page tree
(the ``/Type /Pages`` dictionary without a ``/Parent``).  It is found by a
bounded scan of the file's bytes, and of its compressed object streams
(``/Type /ObjStm``, where PDF 1.5 writers put the page tree) decompressed with
a size cap.  A file this cannot read (not a PDF, encrypted, damaged, or with
its page tree where the scan does not reach) gives ``None``: no verdict, so
no diagnostic.
"""

from __future__ import annotations

import itertools
import os
import re
import zlib

#: Files up to this size are read whole; of larger ones, the first and last part.
READ_LIMIT = 8 * 1024 * 1024
#: Decompressed bytes of object streams, all streams together, at most.
INFLATE_LIMIT = 16 * 1024 * 1024
#: Object streams looked into, at most.
MAX_OBJECT_STREAMS = 256
#: Page-tree nodes looked at, at most, in the file and in each object stream.
MAX_PAGE_TREE_NODES = 5_000
#: How far from ``/Type /Pages`` the enclosing ``<<`` may be.
DICT_REACH = 32 * 1024
#: The work one file may cost, at most: bytes scanned (around page-tree markers, for the end
#: of an object stream) plus brackets stepped over.  A real PDF costs about its size; a file
#: made of brackets, markers or unterminated streams gives no verdict, quickly (issue 16).
WORK_LIMIT = 64 * 1024 * 1024
#: What stepping over one bracket costs, in bytes scanned: a turn of a Python loop
#: against bytes scanned in C (the limit allows about 250,000 steps).
STEP_COST = 256

_PAGES = re.compile(rb"/Type\s*/Pages(?![A-Za-z0-9])")
_COUNT = re.compile(rb"/Count\s+(\d{1,9})(?![\d.])")
_PARENT = re.compile(rb"/Parent\s+\d+\s+\d+\s+R")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm(?![A-Za-z0-9])")
_STREAM_START = re.compile(rb"stream\r?\n")


def page_count(fs_path: str) -> int | None:
    """The number of pages of the PDF at ``fs_path``, or ``None`` when it cannot be told."""
    data = _read(fs_path)
    if data is None or b"%PDF-" not in data[:1024] or b"/Encrypt" in data:
        return None
    return count_pages(data)


def count_pages(data: bytes) -> int | None:
    """The page count from a PDF's bytes (pure; see the module docstring)."""
    work = _Work(WORK_LIMIT)
    counts = _root_counts(data, work)
    budget = INFLATE_LIMIT
    for match in itertools.islice(_OBJECT_STREAM.finditer(data), MAX_OBJECT_STREAMS):
        if budget <= 0 or work.exhausted:
            break
        inflated = _inflate_stream_after(data, match.end(), budget, work)
        if inflated:
            budget -= len(inflated)
            counts.extend(_root_counts(inflated, work))
    if work.exhausted:
        return None  # the scan was cut short: a root it did not reach may say otherwise
    # Incremental updates can leave older roots behind: the largest never reports a real page.
    return max(counts) if counts else None


def _read(fs_path: str) -> bytes | None:
    from .safeio import RefusedFile, open_regular

    try:
        # A regular file only: a FIFO named doc.pdf would block the read for ever.
        with open_regular(fs_path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size <= READ_LIMIT:
                return handle.read(READ_LIMIT)
            head = handle.read(READ_LIMIT // 2)
            handle.seek(size - READ_LIMIT // 2)
            return head + b"\n" + handle.read(READ_LIMIT // 2)
    except (OSError, RefusedFile):
        return None


class _Work:
    """What is left of one file's :data:`WORK_LIMIT`."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self, amount: int) -> bool:
        """Take ``amount``; False once the limit is used up."""
        self.left -= amount
        return self.left > 0

    @property
    def exhausted(self) -> bool:
        return self.left <= 0


def _root_counts(data: bytes, work: _Work) -> list[int]:
    """``/Count`` of every page-tree node without a ``/Parent`` (a root) in ``data``."""
    counts = []
    for match in itertools.islice(_PAGES.finditer(data), MAX_PAGE_TREE_NODES):
        if work.exhausted:
            break
        found = _enclosing_dict(data, match.start(), work)
        if found is None:
            continue
        text = data[found[0] : found[1]]
        count = _COUNT.search(text)
        if count is not None and _PARENT.search(text) is None:
            counts.append(int(count.group(1)))
    return counts


def _enclosing_dict(data: bytes, position: int, work: _Work) -> tuple[int, int] | None:
    """The ``<< … >>`` around ``position``, by counting brackets (strings in a page tree are rare).

    Jumps from bracket to bracket with ``find``/``rfind``, and searches again only
    for the kind of bracket just stepped over (the other one found is still the
    nearest): each search looks at every byte once, so a long ``/Kids`` array
    costs nothing and a run of 16,000 ``>>`` costs its length, not its length
    times the reach.  Bytes searched and brackets stepped over go on ``work``.
    """
    lowest = max(0, position - DICT_REACH)
    depth, index = 0, position
    opening, closing = data.rfind(b"<<", lowest, index), data.rfind(b">>", lowest, index)
    start = -1
    while opening >= 0 and work.spend(STEP_COST):
        if closing > opening:  # nearer than the opening: a dictionary closed before position
            depth, index = depth + 1, closing
            closing = data.rfind(b">>", lowest, index)
        elif depth == 0:
            start = opening
            break
        else:
            depth, index = depth - 1, opening
            opening = data.rfind(b"<<", lowest, index)
    # Each search ran from position down to what it found last (or to the reach).
    searched = 2 * position - max(opening, lowest) - max(closing, lowest)
    if not work.spend(searched) or start < 0:
        return None
    highest = min(len(data), position + DICT_REACH)
    depth, index = 1, start + 2
    opening, closing = data.find(b"<<", index, highest), data.find(b">>", index, highest)
    while depth and closing >= 0 and work.spend(STEP_COST):
        if 0 <= opening < closing:
            depth, index = depth + 1, opening + 2
            opening = data.find(b"<<", index, highest)
        else:
            depth, index = depth - 1, closing + 2
            closing = data.find(b">>", index, highest)
    searched = (opening if opening >= 0 else highest) + (closing if closing >= 0 else highest) - 2 * (start + 2)
    if not work.spend(searched) or depth:
        return None
    return start, index


def _inflate_stream_after(data: bytes, position: int, budget: int, work: _Work) -> bytes | None:
    """The Flate-decoded stream that follows the dictionary at ``position``, at most ``budget`` bytes."""
    found = _STREAM_START.search(data, position, position + DICT_REACH)
    if found is None:
        return None
    if b"/FlateDecode" not in data[max(0, position - DICT_REACH // 16) : found.start()]:
        return None
    end = data.find(b"endstream", found.end())
    if not work.spend((end if end >= 0 else len(data)) - found.end()) or end < 0:
        return None
    try:
        inflater = zlib.decompressobj()
        return inflater.decompress(data[found.end() : end], budget)
    except zlib.error:
        return None
