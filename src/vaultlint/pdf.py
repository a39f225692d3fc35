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
#: Brackets stepped over, at most, for one file: a file made of brackets gives no verdict, quickly.
MAX_BRACKET_STEPS = 200_000

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
    steps = [MAX_BRACKET_STEPS]
    counts = _root_counts(data, steps)
    budget = INFLATE_LIMIT
    for match in list(_OBJECT_STREAM.finditer(data))[:MAX_OBJECT_STREAMS]:
        if budget <= 0:
            break
        inflated = _inflate_stream_after(data, match.end(), budget)
        if inflated:
            budget -= len(inflated)
            counts.extend(_root_counts(inflated, steps))
    if steps[0] <= 0:
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


def _root_counts(data: bytes, steps: list[int]) -> list[int]:
    """``/Count`` of every page-tree node without a ``/Parent`` (a root) in ``data``.

    ``steps`` is the bracket budget left (one mutable number, shared by every call).
    """
    counts = []
    for match in itertools.islice(_PAGES.finditer(data), MAX_PAGE_TREE_NODES):
        if steps[0] <= 0:
            break
        found = _enclosing_dict(data, match.start(), steps)
        if found is None:
            continue
        text = data[found[0] : found[1]]
        count = _COUNT.search(text)
        if count is not None and _PARENT.search(text) is None:
            counts.append(int(count.group(1)))
    return counts


def _enclosing_dict(data: bytes, position: int, steps: list[int]) -> tuple[int, int] | None:
    """The ``<< … >>`` around ``position``, by counting brackets (strings in a page tree are rare).

    Jumps from bracket to bracket with ``find``/``rfind``: a long ``/Kids`` array
    between the brackets costs nothing.
    """
    lowest = max(0, position - DICT_REACH)
    depth, index = 0, position
    while True:
        steps[0] -= 1
        if steps[0] <= 0:
            return None
        opening = data.rfind(b"<<", lowest, index)
        closing = data.rfind(b">>", lowest, index)
        if opening < 0:
            return None
        if closing > opening:
            depth, index = depth + 1, closing
        elif depth == 0:
            start = opening
            break
        else:
            depth, index = depth - 1, opening
    highest = min(len(data), position + DICT_REACH)
    depth, index = 1, start + 2
    while depth:
        steps[0] -= 1
        if steps[0] <= 0:
            return None
        opening = data.find(b"<<", index, highest)
        closing = data.find(b">>", index, highest)
        if closing < 0:
            return None
        if 0 <= opening < closing:
            depth, index = depth + 1, opening + 2
        else:
            depth, index = depth - 1, closing + 2
    return start, index


def _inflate_stream_after(data: bytes, position: int, budget: int) -> bytes | None:
    """The Flate-decoded stream that follows the dictionary at ``position``, at most ``budget`` bytes."""
    found = _STREAM_START.search(data, position, position + DICT_REACH)
    if found is None:
        return None
    if b"/FlateDecode" not in data[max(0, position - DICT_REACH // 16) : found.start()]:
        return None
    end = data.find(b"endstream", found.end())
    if end < 0:
        return None
    try:
        inflater = zlib.decompressobj()
        return inflater.decompress(data[found.end() : end], budget)
    except zlib.error:
        return None
