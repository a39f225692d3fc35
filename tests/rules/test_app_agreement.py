"""Agreement with what the app was observed to do (issue 18; OBSIDIAN.md §12a, D3 amended, D13).

Each test is built from the issue's fixture and checks every diagnostic of the
default rule selection, so a finding that should not be there fails it too.
"""

from __future__ import annotations

import pytest
from pdfs import pdf
from rules_helpers import check_all, messages, run

# -- `../` above the vault root stops at the root (D13) ------------------------
# The real vault: notes one folder deep link "../../Folder/Note.md" (one "../" too
# many), %20-encoded, and have done so for over a year.


def test_dot_dot_above_the_root_reaches_a_path_that_exists(vault):
    files = {
        "Other Folder/My Note.md": "# Part",
        "Other Folder/pic.png": b"\x89PNG",
        "Journal/day.md": (
            "[n](../../Other%20Folder/My%20Note.md)\n"
            "[h](../../Other%20Folder/My%20Note.md#Part)\n"
            "![p](../../Other%20Folder/pic.png)\n"
            "[[../../Other Folder/My Note]]\n"
            "![[../../../Other Folder/pic.png]]\n"
        ),
    }
    assert check_all(vault, files) == []


def test_dot_dot_above_the_root_to_a_path_that_does_not_exist_is_reported(vault):
    files = {
        "Other Folder/My Note.md": "# Part",
        "Journal/day.md": (
            "[n](../../Other%20Folder/Gone.md)\n"
            "![p](../../Other%20Folder/gone.png)\n"
            "[h](../../Other%20Folder/My%20Note.md#No%20such%20part)\n"
        ),
    }
    report = run(vault(files))
    assert [(d.span.line, d.code, d.message) for d in messages(report)] == [
        (1, "LK001", 'unresolved link "../../Other Folder/Gone.md"'),
        (2, "LK002", 'missing embed "../../Other Folder/gone.png"'),
        (3, "LK003", 'no heading "No such part" in "Other Folder/My Note.md"'),
    ]


# -- Ties: the app's pick follows file creation order (D3 amended) -------------
# Observed: with bb/Tie.md created first, [[Tie#In bb]] reached bb/Tie.md; adding a
# third candidate changed the pick.  A checkout keeps no creation order, so a heading,
# block id or page that any tied candidate has is accepted; one that none has is not.

TIE_NOTE = "[[Tie#In bb]]\n[[Tie#In aa]]\n[[Tie#In cc]]\n[[Tie#^bb-block]]\n[[Tie#^nowhere]]\n[[Tie]]\n"


def build_in_order(root, files):
    """Create ``files`` one after the other, in the order given (the order the app would see)."""
    (root / ".obsidian").mkdir(parents=True)
    for name, content in files:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content) if isinstance(content, bytes) else path.write_text(content, encoding="utf-8")
    return root


def tie_findings(root):
    return [(d.span.line, d.code, d.message) for d in messages(run(root))]


@pytest.mark.parametrize(
    "order",
    [
        pytest.param(("bb/Tie.md", "aa/Tie.md"), id="bb-created-first"),
        pytest.param(("aa/Tie.md", "bb/Tie.md"), id="aa-created-first"),
    ],
)
def test_a_tie_accepts_what_any_candidate_has_whatever_the_creation_order(tmp_path, order):
    contents = {"aa/Tie.md": "# In aa\n", "bb/Tie.md": "# In bb\nblock ^bb-block\n"}
    root = build_in_order(tmp_path / "v", [(name, contents[name]) for name in order] + [("n.md", TIE_NOTE)])
    ambiguous = 'ambiguous link "Tie": "aa/Tie.md" ties with "bb/Tie.md"'
    assert tie_findings(root) == [
        (1, "LK005", ambiguous),
        (2, "LK005", ambiguous),
        (3, "LK003", 'no heading "In cc" in "aa/Tie.md" or "bb/Tie.md"'),
        (3, "LK005", ambiguous),
        (4, "LK005", ambiguous),
        (5, "LK004", 'no block "^nowhere" in "aa/Tie.md" or "bb/Tie.md"'),
        (5, "LK005", ambiguous),
        (6, "LK005", ambiguous),
    ]


@pytest.mark.parametrize("first", ["aa/Tie.md", "bb/Tie.md", "cc/Tie.md"])
def test_a_third_candidate_joins_the_tie(tmp_path, first):
    contents = {"aa/Tie.md": "# In aa\n", "bb/Tie.md": "# In bb\nblock ^bb-block\n", "cc/Tie.md": "# In cc\n"}
    order = [first, *sorted(set(contents) - {first})]
    root = build_in_order(tmp_path / "v", [(name, contents[name]) for name in order] + [("n.md", TIE_NOTE)])
    findings = tie_findings(root)
    assert [f for f in findings if f[1] != "LK005"] == [
        (5, "LK004", 'no block "^nowhere" in "aa/Tie.md" or "bb/Tie.md" or "cc/Tie.md"'),
    ]
    assert len([f for f in findings if f[1] == "LK005"]) == 6


def test_without_a_tie_the_heading_of_the_other_file_is_still_reported(vault):
    # Different path lengths: Obsidian's pick is known (the shorter), so nothing is excused.
    files = {"a/Tie.md": "# In a\n", "bbb/Tie.md": "# In bbb\n", "n.md": "[[Tie#In bbb]]\n[[Tie#In a]]\n"}
    assert [(d.span.line, d.code, d.message) for d in messages(run(vault(files)))] == [
        (1, "LK003", 'no heading "In bbb" in "a/Tie.md"'),
    ]


def test_a_page_any_tied_pdf_has_is_not_reported(vault):
    files = {
        "aa/Manual.pdf": pdf(3),
        "bb/Manual.pdf": pdf(12),
        "n.md": "[[Manual.pdf#page=10]]\n![[Manual.pdf#page=13]]\n",
    }
    report = run(vault(files), select=["LK009"])
    assert [(d.span.line, d.message, d.hint) for d in messages(report)] == [
        (2, 'no page 13 in "aa/Manual.pdf" (3 pages) or "bb/Manual.pdf" (12 pages)', "the longest has 12 pages"),
    ]


# -- Template syntax in Markdown links -----------------------------------------
# The note: a template kept outside a template folder.  Every raw-space
# destination is LK007 whatever else it holds; a placeholder gets the hint that
# names where template folders are set, not advice to encode it.

TEMPLATE_NOTE = (
    "[b](UE{{n m}}.md)\n"
    "[d](Angaben/UE<% nr %>.pdf)\n"
    "![e](Bilder/<% tp.file.title %>.png)\n"
    "[[<% tp.file.title %>|Titel]]\n"
    "[f](My Note.md)\n"
)


def template_findings(report):
    return [(d.span.line, d.code, d.message, d.hint) for d in messages(report)]


def test_template_syntax_in_a_markdown_link_is_lk007_with_the_templates_hint(vault):
    report = run(vault({"Kurs/Blatt.md": TEMPLATE_NOTE, "My Note.md": ""}))
    findings = template_findings(report)
    assert [(line, code) for line, code, _, _ in findings] == [
        (1, "LK007"),
        (2, "LK007"),
        (3, "LK007"),
        (4, "LK001"),
        (5, "LK007"),
    ]
    assert findings[1][2] == 'link destination "Angaben/UE<% nr %>.pdf" contains spaces, so it is not a link'
    for _, _, _, hint in findings[:3]:
        assert hint is not None and hint.startswith("this note holds template syntax ({{...}} or <% ... %>)")
        assert "template-folders" in hint and "%20" not in hint
    assert findings[4][3] == 'write (My%20Note.md) or (<My Note.md>); it would link to "My Note.md"'


def test_template_syntax_in_a_template_folder(vault):
    files = {".obsidian/templates.json": '{"folder": "Vorlagen"}', "Vorlagen/Blatt.md": TEMPLATE_NOTE}
    assert messages(run(vault(files))) == []
    report = run(vault(files), lint_templates=True)
    assert [(line, code, hint) for line, code, _, hint in template_findings(report) if code == "LK007"] == [
        (1, "LK007", None),
        (2, "LK007", None),
        (3, "LK007", None),
        (5, "LK007", "write (My%20Note.md) or (<My Note.md>)"),
    ]
