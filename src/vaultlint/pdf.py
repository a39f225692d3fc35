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

import os
import re
import zlib

#: Files up to this size are read whole; of larger ones, the first and last part.
READ_LIMIT = 8 * 1024 * 1024
#: Decompressed bytes of object streams, all streams together, at most.
INFLATE_LIMIT = 16 * 1024 * 1024
#: Object streams looked into, at most.
MAX_OBJECT_STREAMS = 256
#: How far from ``/Type /Pages`` the enclosing ``<<`` may be.
DICT_REACH = 64 * 1024

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
    counts = _root_counts(data)
    budget = INFLATE_LIMIT
    for match in list(_OBJECT_STREAM.finditer(data))[:MAX_OBJECT_STREAMS]:
        if budget <= 0:
            break
        inflated = _inflate_stream_after(data, match.end(), budget)
        if inflated:
            budget -= len(inflated)
            counts.extend(_root_counts(inflated))
    # Incremental updates can leave older roots behind: the largest never reports a real page.
    return max(counts) if counts else None


def _read(fs_path: str) -> bytes | None:
    try:
        with open(fs_path, "rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if size <= READ_LIMIT:
                return handle.read(READ_LIMIT)
            head = handle.read(READ_LIMIT // 2)
            handle.seek(size - READ_LIMIT // 2)
            return head + b"\n" + handle.read(READ_LIMIT // 2)
    except OSError:
        return None


def _root_counts(data: bytes) -> list[int]:
    """``/Count`` of every page-tree node without a ``/Parent`` (a root) in ``data``."""
    counts = []
    for match in _PAGES.finditer(data):
        found = _enclosing_dict(data, match.start())
        if found is None:
            continue
        text = data[found[0] : found[1]]
        count = _COUNT.search(text)
        if count is not None and _PARENT.search(text) is None:
            counts.append(int(count.group(1)))
    return counts


def _enclosing_dict(data: bytes, position: int) -> tuple[int, int] | None:
    """The ``<< … >>`` around ``position``, by counting brackets (strings in a page tree are rare)."""
    depth = 0
    index = position
    lowest = max(0, position - DICT_REACH)
    start = None
    while index > lowest:
        pair = data[index - 2 : index]
        if pair == b">>":
            depth += 1
            index -= 2
        elif pair == b"<<":
            if depth == 0:
                start = index - 2
                break
            depth -= 1
            index -= 2
        else:
            index -= 1
    if start is None:
        return None
    depth = 0
    index = start
    highest = min(len(data), position + DICT_REACH)
    while index < highest:
        pair = data[index : index + 2]
        if pair == b"<<":
            depth += 1
            index += 2
        elif pair == b">>":
            depth -= 1
            index += 2
            if depth == 0:
                return start, index
        else:
            index += 1
    return None


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
