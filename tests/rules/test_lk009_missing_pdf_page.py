"""LK009 missing-pdf-page: #page=N beyond the PDF's pages."""

from __future__ import annotations

import json

from pdfs import pdf
from rules_helpers import check, messages, run

DAMAGED = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntruncated"


def test_lk009_reports_pages_beyond_the_last_and_numbers_that_are_not_pages(vault):
    note = (
        "[[Manual.pdf#page=1]] [[Manual.pdf#page=3]]\n"
        "![[Manual.pdf#page=4]]\n"
        "[[Manual.pdf#page=0]] [[Manual.pdf#page=two]]\n"
        "[m](Manual.pdf#page=9)\n"
        "[[Manual.pdf#height=400]] [[Manual.pdf#page=3&zoom=50]]\n"
    )
    files = {"Manual.pdf": pdf(3), "Note.md": note}
    assert check(vault, files, "LK009") == [
        ("Note.md", 2, 1, "LK009"),
        ("Note.md", 3, 1, "LK009"),
        ("Note.md", 3, 23, "LK009"),
        ("Note.md", 4, 1, "LK009"),
    ]
    report = run(vault(files), select=["LK009"])
    assert messages(report)[0].message == 'no page 4 in "Manual.pdf" (3 pages)'
    assert messages(report)[0].hint == "the last page is 3"
    assert messages(report)[1].message == '"page=0" is not a page number'


def test_lk009_says_nothing_without_a_verdict(vault):
    files = {
        "Damaged.pdf": DAMAGED,
        "Picture.png": b"\x89PNG",
        "Note.md": "[[Damaged.pdf#page=40]] [[Picture.png#page=9]] [[Missing.pdf#page=9]] [[Note#page=9]]\n",
    }
    assert check(vault, files, "LK009") == []


def test_lk009_on_canvas_file_nodes(vault):
    board = {
        "nodes": [
            {
                "id": "a",
                "type": "file",
                "file": "Manual.pdf",
                "subpath": "#page=2",
                "x": 0,
                "y": 0,
                "width": 1,
                "height": 1,
            },
            {
                "id": "b",
                "type": "file",
                "file": "Manual.pdf",
                "subpath": "#page=5",
                "x": 0,
                "y": 0,
                "width": 1,
                "height": 1,
            },
        ]
    }
    files = {"Manual.pdf": pdf(2), "Board.canvas": json.dumps(board, indent=1)}
    assert [(p, code) for p, _, _, code in check(vault, files, "LK009")] == [("Board.canvas", "LK009")]


def test_lk009_a_page_number_of_5000_digits_is_a_diagnostic_in_a_note_and_a_canvas(tmp_path, capsys):
    """Reproduction (issue 16, case 10): ``int`` of 5,000 digits ended the run as an internal error."""
    from helpers import write_vault

    from vaultlint.cli import main

    digits = "7" * 5000
    node = {"id": "a", "type": "file", "file": "Manual.pdf", "subpath": f"#page={digits}"}
    node.update(x=0, y=0, width=1, height=1)
    root = write_vault(
        tmp_path / "v",
        {
            "Manual.pdf": pdf(3),
            "Note.md": f"[[Manual.pdf#page={digits}]] [[Manual.pdf#page=000{digits}]] [[Missing]]\n",
            "Board.canvas": json.dumps({"nodes": [node]}),
        },
    )
    code = main(["check", "--offline", "--no-cache", "--output-format", "concise", str(root)])
    out = capsys.readouterr().out
    assert code == 1, out
    shown = "7" * 23 + "…"
    assert out.count(f'LK009 no page {shown} in "Manual.pdf" (3 pages)') == 3, out
    assert "LK001" in out  # the rest of the run's results are there
    assert digits not in out
