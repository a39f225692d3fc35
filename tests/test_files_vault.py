"""The files fixture vault: canvases, bases, PDFs and file names, every new diagnostic and no false one.

``fixtures/files-vault`` holds what a portable repository can hold.  Names that
a Windows or macOS checkout of this repository could not hold (FN002, FN003)
are added to a copy in a temporary folder.
"""

from __future__ import annotations

import shutil

from helpers import FIXTURES, found, messages, run

FILES_VAULT = FIXTURES / "files-vault"

EXPECTED = [
    ("Bases/Misspelled.base", 1, 1, "BS001"),  # filter: instead of filters:
    ("Bases/Unreadable.base", 4, 4, "BS001"),  # YAML that does not parse
    ("Boards/Shapeless.canvas", 1, 11, "CV001"),  # a node without geometry
    ("Boards/Shapeless.canvas", 1, 70, "CV001"),  # a node without an id
    ("Broken.canvas", 4, 1, "CV001"),  # JSON cut short
    ("C# notes.md", 1, 1, "FN001"),
    ("C# notes.md", 1, 1, "OR001"),  # nothing can link to it: [[C# notes]] is a heading link to "C"
    ("Client vault/.obsidian", 1, 1, "FN004"),
    ("Home.md", 6, 26, "LK009"),  # page 9 of 3
    ("Home.md", 7, 20, "LK009"),  # page 0
    ("Home.md", 9, 49, "LK010"),  # [[Projects/Plan]] where [[Plan]] is enough
    ("Home.md", 10, 37, "LK001"),  # [[C# notes]]
    ("Projects/Log.md", 9, 16, "LK001"),  # after a NUL byte in a code block: the note is read
    ("Projects/Stray diagram.png", 1, 1, "OR002"),
    ("Projects/Stray diagram.png", 1, 1, "OR004"),  # the vault keeps attachments in Attachments/
    ("Reading.base", 5, 11, "BS002"),  # file.inFolder("Archive")
    ("Reading.base", 7, 31, "BS002"),  # link("Reading list")
    ("Reading.base", 20, 9, "BS002"),  # order: owner, a property no note has
    ("Reading.base", 22, 9, "BS002"),  # formula.urgency, never defined
    ("Roadmap.canvas", 4, 38, "LK003"),  # file node #Timeline
    ("Roadmap.canvas", 5, 38, "LK004"),  # file node #^goal-2
    ("Roadmap.canvas", 6, 38, "LK002"),  # file node Projects/Budget.md
    ("Roadmap.canvas", 7, 38, "LK009"),  # file node Manual.pdf#page=4
    ("Roadmap.canvas", 8, 111, "LK001"),  # [[Nowhere]] in a text card, after escapes and an emoji pair
    ("Roadmap.canvas", 10, 61, "LK002"),  # group background image
    ("Roadmap.canvas", 14, 41, "CV002"),  # edge to "deleted-node"
]


def test_every_new_diagnostic_and_no_false_one():
    assert found(run(FILES_VAULT, select=["ALL"])) == EXPECTED


def test_default_selection_leaves_out_the_rules_that_are_off():
    off = {"OR001", "OR002", "OR004", "LK010"}
    assert found(run(FILES_VAULT)) == [d for d in EXPECTED if d[3] not in off]


def test_positions_in_the_canvas_point_at_what_they_name():
    lines = (FILES_VAULT / "Roadmap.canvas").read_text(encoding="utf-8").split("\n")
    covered = {
        (d.code, d.span.line): lines[d.span.line - 1][d.span.column - 1 : d.span.end_column - 1]
        for d in messages(run(FILES_VAULT))
        if d.path == "Roadmap.canvas"
    }
    assert covered[("LK001", 8)] == "[[Nowhere]]"
    assert covered[("LK002", 10)] == "Attachments/Backdrop.png"
    assert covered[("LK004", 5)] == "Projects/Plan.md"
    assert covered[("CV002", 14)] == '"deleted-node"'


def test_names_that_break_checkouts(tmp_path):
    root = tmp_path / "files-vault"
    shutil.copytree(FILES_VAULT, root)
    (root / "Projects" / "Q3: review?.md").write_text("", encoding="utf-8")
    (root / "projects").mkdir()
    (root / "projects" / "Other.md").write_text("", encoding="utf-8")
    (root / "home.md").write_text("", encoding="utf-8")
    report = run(root, select=["FN"])
    assert found(report) == [
        ("C# notes.md", 1, 1, "FN001"),
        ("Client vault/.obsidian", 1, 1, "FN004"),
        ("Projects/Q3: review?.md", 1, 1, "FN002"),
        ("home.md", 1, 1, "FN003"),
        ("projects/Other.md", 1, 1, "FN003"),
    ]


def test_same_result_with_and_without_cache_and_parallelism(tmp_path, monkeypatch):
    """Canvases and bases go through the process pool and the cache like notes."""
    from test_cache import test_same_result_with_and_without_cache_and_parallelism as same_result

    same_result(tmp_path, monkeypatch, FILES_VAULT)


def test_a_changed_canvas_or_pdf_is_checked_again_with_the_cache_warm(tmp_path, monkeypatch):
    from pdfs import pdf

    monkeypatch.setattr("vaultlint.engine.RESULTS_CACHE_MIN", 1)
    root = tmp_path / "files-vault"
    shutil.copytree(FILES_VAULT, root)
    options = {"use_cache": True, "cache_dir": tmp_path / "cache"}
    assert found(run(root, **options)) == found(run(root))
    canvas = root / "Roadmap.canvas"
    canvas.write_text(canvas.read_text(encoding="utf-8").replace("[[Nowhere]]", "[[Home]]"), encoding="utf-8")
    (root / "Attachments" / "Manual.pdf").write_bytes(pdf(9))  # page 9 exists now; page 4 too
    warm = found(run(root, **options))
    assert ("Roadmap.canvas", 8, 111, "LK001") not in warm
    assert ("Home.md", 6, 26, "LK009") not in warm and ("Roadmap.canvas", 7, 38, "LK009") not in warm
    assert warm == found(run(root))
