"""Hand-built PDFs for tests: the smallest files a PDF reader accepts, a few hundred bytes each."""

from __future__ import annotations

import zlib


def _document(objects: list[bytes], root: int = 1) -> bytes:
    """Objects numbered from 1, with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def pdf(pages: int) -> bytes:
    """A valid PDF with ``pages`` empty pages: catalog, page tree, pages (PDF 1.4 style)."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>" for _ in range(pages)]
    return _document(objects)


def nested_pdf(pages_per_branch: tuple[int, ...]) -> bytes:
    """A page tree with intermediate nodes: each branch's /Count is smaller than the root's."""
    total = sum(pages_per_branch)
    branches = len(pages_per_branch)
    first_page = 3 + branches
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>"]
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(branches))
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, total))
    number = first_page
    pages: list[bytes] = []
    for index, count in enumerate(pages_per_branch):
        branch_kids = b" ".join(b"%d 0 R" % (number + i) for i in range(count))
        objects.append(b"<< /Type /Pages /Parent 2 0 R /Kids [%s] /Count %d >>" % (branch_kids, count))
        pages += [b"<< /Type /Page /Parent %d 0 R >>" % (3 + index) for _ in range(count)]
        number += count
    return _document(objects + pages)


def object_stream_pdf(pages: int) -> bytes:
    """A PDF 1.5 file whose page tree sits in a Flate-compressed object stream."""
    inner = [b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (3 + i) for i in range(pages)), pages)]
    inner += [b"<< /Type /Page /Parent 2 0 R >>" for _ in range(pages)]
    header_parts, body, offset = [], b"", 0
    for number, obj in enumerate(inner, start=2):
        header_parts.append(b"%d %d" % (number, offset))
        body += obj + b"\n"
        offset = len(body)
    header = b" ".join(header_parts) + b"\n"
    data = zlib.compress(header + body)
    stream = b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (
        len(inner),
        len(header),
        len(data),
        data,
    )
    return _document([b"<< /Type /Catalog /Pages 2 0 R >>", stream])
