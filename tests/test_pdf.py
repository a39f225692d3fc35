"""Page counts of PDFs, read from the page tree with a bounded scan (LK009)."""

from __future__ import annotations

import os
import time

import pytest
from pdfs import nested_pdf, object_stream_pdf, pdf

from vaultlint.pdf import READ_LIMIT, count_pages, page_count


@pytest.mark.parametrize("pages", [1, 2, 12])
def test_a_plain_page_tree(pages):
    assert count_pages(pdf(pages)) == pages


def test_intermediate_page_tree_nodes_are_not_the_root():
    assert count_pages(nested_pdf((2, 5, 1))) == 8


def test_a_page_tree_inside_a_compressed_object_stream():
    data = object_stream_pdf(7)
    assert b"/Type /Pages" not in data  # only reachable by decompressing
    assert count_pages(data) == 7


def test_an_incremental_update_that_added_pages_counts_the_larger_tree():
    data = pdf(2) + b"2 0 obj\n<< /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >>\nendobj\n%%EOF\n"
    assert count_pages(data) == 3


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a pdf at all",
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntruncated",  # no page tree
        b"%PDF-1.7\n2 0 obj\n<< /Type /Pages /Kids [] >>\nendobj\n",  # no /Count
        b"%PDF-1.7\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\nnot zlib\nendstream\n",
    ],
)
def test_a_pdf_that_cannot_be_read_gives_no_verdict(data):
    assert count_pages(data) is None


def test_page_count_reads_files_and_refuses_what_is_not_a_pdf(tmp_path):
    (tmp_path / "a.pdf").write_bytes(pdf(3))
    (tmp_path / "b.pdf").write_bytes(b"PK\x03\x04 a zip file")
    encrypted = pdf(3).replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 9 0 R")
    (tmp_path / "c.pdf").write_bytes(encrypted)
    assert page_count(str(tmp_path / "a.pdf")) == 3
    assert page_count(str(tmp_path / "b.pdf")) is None
    assert page_count(str(tmp_path / "c.pdf")) is None
    assert page_count(str(tmp_path / "missing.pdf")) is None


def test_a_large_file_is_read_in_part_and_quickly(tmp_path):
    big = tmp_path / "big.pdf"
    with open(big, "wb") as handle:
        handle.write(pdf(5))
        handle.truncate(3 * READ_LIMIT)  # sparse: the page tree is in the first part
    started = time.monotonic()
    assert page_count(str(big)) == 5
    assert time.monotonic() - started < 5
    middle = tmp_path / "middle.pdf"
    with open(middle, "wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.seek(READ_LIMIT + 10)
        handle.write(b"2 0 obj\n<< /Type /Pages /Count 4 >>\nendobj\n")  # beyond both parts read
        handle.truncate(3 * READ_LIMIT)
    assert page_count(str(middle)) is None


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + b"/Type /Pages " * 200_000,  # page-tree markers with no dictionary around them
        b"%PDF-1.7\n<<" + b"<< " * 20_000 + b"/Type /Pages /Count 5" + b" /Type /Pages" * 20_000,  # brackets only
    ],
)
def test_a_file_built_to_waste_time_gives_no_verdict_quickly(data):
    started = time.monotonic()
    assert count_pages(data) is None
    assert time.monotonic() - started < 5


def test_brackets_before_page_tree_markers_cost_their_length_not_length_times_reach():
    """Reproduction (issue 16, case 9): 30 files of ``<<`` and 16,000 ``>>`` took 45-60 s.

    Each backward step searched 32 KB again for the one ``<<`` far behind; 30 such
    files took 25 s of CPU here, now about 1 s (CPU time: the machine may be busy).
    """
    crafted = b"%PDF-1.4\n<<" + b">>" * 16_000 + b"/Type /Pages " * 200
    started = time.process_time()
    assert [count_pages(crafted) for _ in range(30)] == [None] * 30
    assert time.process_time() - started < 5


def test_a_page_tree_after_a_run_of_brackets_is_still_found():
    data = b"%PDF-1.4\n" + b"<< >>" * 16_000 + b"\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 4 >>\nendobj\n"
    assert count_pages(data) == 4
    nested = b"%PDF-1.4\n<< /Type /Pages /Count 6 /Resources << /Font << /F1 5 0 R >> >> /Kids [] >>"
    assert count_pages(nested) == 6


CRAFTED = b"%PDF-1.4\n<<" + b">>" * 16_000 + b"/Type /Pages " * 200


def test_thirty_crafted_pdfs_linked_by_page_are_checked_quickly(tmp_path):
    """Reproduction (issue 16, case 9): 30 such PDFs linked with #page=2 took 45-60 s, on every run."""
    from helpers import check_in_subprocess, write_vault

    files: dict[str, str | bytes] = {f"p{i}.pdf": CRAFTED for i in range(30)}
    files.update({f"n{i}.md": f"[[p{i}.pdf#page=2]] [[Missing]]\n" for i in range(30)})
    root = write_vault(tmp_path / "v", files)
    done, cpu = check_in_subprocess(root)
    assert done.returncode == 1 and done.stdout.count("LK001") == 30, done.stderr
    assert "LK009" not in done.stdout  # no verdict on these files: nothing said
    assert cpu < 10  # about 2 s here


def test_page_counts_are_kept_in_the_cache_while_the_pdf_is_unchanged(tmp_path, monkeypatch):
    from helpers import found, run, write_vault

    import vaultlint.pdf as pdf_module
    from vaultlint import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)  # files written a moment ago may be trusted by their stat
    counted: list[str] = []
    real_page_count = pdf_module.page_count

    def counting(fs_path: str) -> int | None:
        counted.append(os.path.basename(fs_path))
        return real_page_count(fs_path)

    monkeypatch.setattr(pdf_module, "page_count", counting)
    files: dict[str, str | bytes] = {"Short.pdf": pdf(2), "Crafted.pdf": CRAFTED}
    files.update({f"n{i}.md": "[[Short.pdf#page=3]] [[Crafted.pdf#page=2]]\n" for i in range(3)})
    root = write_vault(tmp_path / "v", files)
    first = found(run(root, select=["LK009"], use_cache=True))
    assert sorted(counted) == ["Crafted.pdf", "Short.pdf"]  # once per run, whatever links them
    assert first == [(f"n{i}.md", 1, 1, "LK009") for i in range(3)]
    counted.clear()
    assert found(run(root, select=["LK009"], use_cache=True)) == first
    assert counted == []  # the verdict and the absence of one both came from the cache
    (root / "Short.pdf").write_bytes(pdf(5))
    assert found(run(root, select=["LK009"], use_cache=True)) == []
    assert counted == ["Short.pdf"]


def _enclosing_dict_reference(data: bytes, position: int, reach: int) -> tuple[int, int] | None:
    """The walk as it was before issue 16: every step searches the whole reach again (slow, plain)."""
    lowest, depth, index = max(0, position - reach), 0, position
    while True:
        opening, closing = data.rfind(b"<<", lowest, index), data.rfind(b">>", lowest, index)
        if opening < 0:
            return None
        if closing > opening:
            depth, index = depth + 1, closing
        elif depth == 0:
            start = opening
            break
        else:
            depth, index = depth - 1, opening
    highest, depth, index = min(len(data), position + reach), 1, start + 2
    while depth:
        opening, closing = data.find(b"<<", index, highest), data.find(b">>", index, highest)
        if closing < 0:
            return None
        if 0 <= opening < closing:
            depth, index = depth + 1, opening + 2
        else:
            depth, index = depth - 1, closing + 2
    return start, index


@pytest.mark.parametrize("reach", [8, 32, 1 << 15])
def test_the_linear_walk_finds_the_dictionary_the_plain_walk_finds(monkeypatch, reach):
    import random

    from vaultlint import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "DICT_REACH", reach)
    generator = random.Random(16)
    pieces = [b"<<", b">>", b"<", b">", b" ", b"/Type /Pages", b"/Count 3", b"[1 0 R]", b"<<>>"]
    found = 0
    for _ in range(2000):
        data = b"".join(generator.choice(pieces) for _ in range(generator.randint(1, 40)))
        for position in range(0, len(data), 3):
            walked = pdf_module._enclosing_dict(data, position, pdf_module._Work(pdf_module.WORK_LIMIT))
            assert walked == _enclosing_dict_reference(data, position, reach), (data, position)
            found += walked is not None
    assert found > 1000
