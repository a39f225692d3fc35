"""The edge-case fixtures of OBSIDIAN.md §10 (1-21), with the exact diagnostics vaultlint gives.

Each test builds the fixture's vault and lints it with the default rule
selection (offline), so the expected list is *every* diagnostic of the run.
Where the fixture leaves a target unnamed, a missing-target variant proves that
the construct really is (or is not) a link.
"""

from __future__ import annotations

import json

import pytest
from rules_helpers import check_all, found, messages, run

# -- 1. An alias is not a target ------------------------------------------------


def test_01_alias_is_not_a_target(vault):
    files = {
        "Artificial Intelligence.md": "---\naliases: [AI]\n---\n# AI",
        "a.md": "[[AI]] and [[Artificial Intelligence|AI]]",
    }
    report = run(vault(files))
    assert found(report) == [("a.md", 1, 1, "LK001")]
    assert "Artificial Intelligence" in (messages(report)[0].hint or "")


# -- 2. Same-folder preference with duplicate names ----------------------------


def test_02_same_folder_preference(vault):
    files = {
        "Sync/Security.md": "# Sync page",
        "Publish/Security.md": "# Publish page",
        "Publish/Intro.md": "[[Security]]\n[[Security#Publish page]]",
        "Sync/Intro.md": "[[Security]]\n[[Security#Sync page]]",
        "Teams/x.md": "[[Security]]\n[[Security#Sync page]]",
    }
    assert check_all(vault, files) == []


def test_02_wrong_page_is_detected(vault):
    # The heading probes show which page each link reaches.
    files = {
        "Sync/Security.md": "# Sync page",
        "Publish/Security.md": "# Publish page",
        "Publish/Intro.md": "[[Security#Sync page]]",
        "Sync/Intro.md": "[[Security#Publish page]]",
        "Teams/x.md": "[[Security#Publish page]]",
    }
    assert check_all(vault, files) == [
        ("Publish/Intro.md", 1, 1, "LK003"),
        ("Sync/Intro.md", 1, 1, "LK003"),
        ("Teams/x.md", 1, 1, "LK003"),
    ]


# -- 3. A vault-root exact match beats the same folder --------------------------


def test_03_vault_root_exact_match_beats_same_folder(vault):
    files = {"Note.md": "# Root", "A/Note.md": "# In A", "A/x.md": "[[Note]]\n[[Note#Root]]\n[[Note#In A]]"}
    assert check_all(vault, files) == [("A/x.md", 3, 1, "LK003")]


# -- 4. Case and the implied extension -----------------------------------------


def test_04_case_and_implied_extension(vault):
    files = {
        "Three laws of motion.md": "",
        "v1.2 notes.md": "",
        "a.md": "[[three LAWS of motion]]\n[[Three laws of motion.MD]]\n[x](Three%20laws%20of%20motion)\n[[v1.2 notes]]",
    }
    assert check_all(vault, files) == []


# -- 5. Attachments need their extension; fragments and sizes are ignored ------


def test_05_attachments(vault):
    files = {
        "diagram.png": b"\x89PNG",
        "a.md": "![[diagram]]\n![[diagram.png|300x200]]\n![[diagram.png#interface]]\n![[diagram.png|a caption|300]]",
    }
    assert check_all(vault, files) == [("a.md", 1, 1, "LK002")]


# -- 6. Pipes in tables ----------------------------------------------------------

TABLE = "| a | b |\n|---|---|\n| [[{n}\\|alias]] | ![[{i}\\|100]] |\n| [[{n}|alias]]  | x |\n"


def test_06_pipes_in_tables(vault):
    files = {"Note.md": "", "img.png": b"\x89PNG", "a.md": TABLE.format(n="Note", i="img.png")}
    assert check_all(vault, files) == []


def test_06_row_one_holds_two_links_row_two_none(vault):
    files = {"a.md": TABLE.format(n="Nowhere", i="gone.png")}
    assert check_all(vault, files) == [("a.md", 3, 3, "LK001"), ("a.md", 3, 24, "LK002")]


# -- 7. Degenerate wikilinks -------------------------------------------------------

DEGENERATE = "[[]]\n[[ ]]\n[[Note|]]\n[[ Note ]]\n[[Note #H]]\n[[a [[b]]\n\\[[Nowhere]]\n[[Note\\|x]]\n"


def test_07_degenerate_wikilinks(vault):
    files = {"Note.md": "# H", "b.md": "", "a.md": DEGENERATE}
    assert check_all(vault, files) == [("a.md", 2, 1, "LK006")]


def test_07_note_space_hash_still_checks_the_heading(vault):
    # D6: [[Note #H]] resolves to Note; its heading H is still checked.
    files = {"Note.md": "# Other", "b.md": "", "a.md": DEGENERATE}
    assert check_all(vault, files) == [("a.md", 2, 1, "LK006"), ("a.md", 5, 1, "LK003")]


def test_07_which_parts_are_links(vault):
    # Without the targets: [[a [[b]] is one link (to b, column 5); [[]] and \[[Nowhere]] are text.
    assert check_all(vault, {"a.md": DEGENERATE}) == [
        ("a.md", 2, 1, "LK006"),
        ("a.md", 3, 1, "LK001"),
        ("a.md", 4, 1, "LK001"),
        ("a.md", 5, 1, "LK001"),
        ("a.md", 6, 5, "LK001"),
        ("a.md", 8, 1, "LK001"),
    ]


# -- 8. Heading normalisation -------------------------------------------------------


def test_08_heading_normalisation(vault):
    files = {
        "N.md": "### `hasTag()`\n## How large can it be?\n## _Emphasis_ here\n## **Bold** title\n## My Heading",
        "a.md": "\n".join(
            [
                "[[N#hasTag]]",
                "[[N#how LARGE can it be]]",
                "[[N#Bold title]]",
                "[[N#Emphasis here]]",
                "[[N#_Emphasis_ here]]",
                "[N](N.md#my-heading)",
                "[N](N.md#My%20Heading)",
            ]
        ),
    }
    report = run(vault(files))
    assert found(report) == [("a.md", 4, 1, "LK003"), ("a.md", 6, 1, "LK003")]
    assert messages(report)[1].hint is not None


# -- 9. Nested heading paths ---------------------------------------------------------


def test_09_nested_heading_paths(vault):
    files = {"N.md": "# A\n# X\n## B", "a.md": "[[N#A#B]]\n[[N#B#A]]\n[[N##A]]"}
    assert check_all(vault, files) == [("a.md", 2, 1, "LK003")]


# -- 10. Headings inside callouts (D5) ---------------------------------------------


def test_10_heading_inside_callout_is_accepted(vault):
    files = {"N.md": "> [!note]\n> ## Inside", "a.md": "[[N#Inside]]"}
    assert check_all(vault, files) == []


# -- 11. Block id forms ---------------------------------------------------------------

BLOCKS = "\n".join(
    [
        "# Heading",
        "",
        "![[pic.png]]^fig1",
        "",
        "some text^fig2",
        "",
        "some text ^fig_3",
        "",
        "Some text ^Fig-4",
        "",
        "- a",
        "- b",
        "",
        "^list-1",
        "",
        "> [!tip] Callout",
        "> body",
        "^callout-1",
    ]
)


def test_11_block_id_forms(vault):
    files = {
        "pic.png": b"\x89PNG",
        "N.md": BLOCKS,
        "a.md": "\n".join(
            [
                "[[N#^fig1]]",
                "[[N#^fig-4]]",
                "[[N#^list-1]]",
                "[[N#^callout-1]]",
                "[[N#Heading#^fig1]]",
                "[[N#^fig2]]",
                "[[N#^fig_3]]",
            ]
        ),
    }
    assert check_all(vault, files) == [("a.md", 5, 1, "LK003"), ("a.md", 6, 1, "LK004"), ("a.md", 7, 1, "LK004")]


# -- 12. Things that look like links but are not ----------------------------------

NOT_LINKS = "\n".join(
    [
        "`[[A]]`",
        "",
        "```",
        "[[B]]",
        "```",
        "",
        "$[[C]]$",
        "",
        "$$",
        "[[D]]",
        "$$",
        "",
        "<!-- [[E]] -->",
        "",
        "<div>",
        "[[F]]",
        "</div>",
        "",
        "```mermaid",
        "graph TD",
        "G",
        "class G internal-link;",
        "```",
        "",
        "<span>[[H]]</span>",
        "",
        "costs $5 and [[I]] $6",
    ]
)


def test_12_things_that_look_like_links(vault):
    assert check_all(vault, {"a.md": NOT_LINKS}) == [("a.md", 25, 7, "LK001"), ("a.md", 27, 14, "LK001")]


# -- 13. Obsidian comments (D1) -------------------------------------------------------

COMMENTS = "%% [[Hidden]] %%\n%%\n[[Also hidden]]\n%%\n"


def test_13_comments_not_reported_by_default(vault):
    assert check_all(vault, {"a.md": COMMENTS, "b.md": "%%\nunterminated [[Gone]]\n\n[[Gone too]]\n"}) == []


def test_13_comments_reported_with_check_comments(vault):
    files = {"a.md": COMMENTS, "b.md": "%%\nunterminated [[Gone]]\n\n[[Gone too]]\n"}
    assert check_all(vault, files, check_comments=True) == [
        ("a.md", 1, 4, "LK001"),
        ("a.md", 3, 1, "LK001"),
        ("b.md", 2, 14, "LK001"),
        ("b.md", 4, 1, "LK001"),
    ]


def test_13_suppression_directive_inside_a_comment_works(vault):
    text = "%% vaultlint-disable-next-line LK001 %%\n[[Missing]]\n"
    assert check_all(vault, {"a.md": text}) == []


# -- 14. Markdown link variants -------------------------------------------------------


def test_14_markdown_link_variants(vault):
    files = {
        "Three laws of motion.md": "",
        "Notes/sub/Note.md": "",
        "x/sub/Note.md": "",
        "Notes/x.md": "",
        "C%23 notes.md": "",
        "My Note.md": "",
        "Note.md": "",
        "Notes/a.md": "\n".join(
            [
                "[a](<Three laws of motion.md>)",
                "[a](./sub/Note.md)",
                "[a](sub/Note.md)",
                "[a](/Notes/x.md)",
                "[a](C%23%20notes.md)",
                "[a](note:x.md)",
                "[a][r]",
                "",
                "[r]: Nowhere.md",
                "",
                "[a](My Note.md)",
            ]
        ),
    }
    report = run(vault(files))
    assert found(report) == [("Notes/a.md", 11, 1, "LK007")]
    assert "My Note.md" in (messages(report)[0].hint or "")


def test_14_encoded_hash_and_absolute_paths_fail_when_the_file_differs(vault):
    files = {
        "C# notes.md": "",
        "Other/Notes/x.md": "",
        "Notes/a.md": "[a](C%23%20notes.md)\n[a](/Notes/x.md)\n[a](./sub/Note.md)",
        "x/sub/Note.md": "",
    }
    assert check_all(vault, files) == [
        ("C# notes.md", 1, 1, "FN001"),  # the name itself is why no link reaches it
        ("Notes/a.md", 1, 1, "LK001"),
        ("Notes/a.md", 2, 1, "LK001"),
        ("Notes/a.md", 3, 1, "LK001"),
    ]


# -- 15. Property links ---------------------------------------------------------------

PROPERTIES = '---\nup: "[[Parent]]"\nrelated:\n  - "[[A]]"\n  - "[[B#Sec|b]]"\nbad: [[C]]\nmixed: "see [[D]]"\ntwo: "[[E]], [[F]]"\n---\n'


def test_15_property_links(vault):
    files = {"Parent.md": "", "A.md": "", "B.md": "# Sec", "E.md": "", "F.md": "", "source.md": PROPERTIES}
    report = run(vault(files))
    assert found(report) == [("source.md", 6, 6, "FM006"), ("source.md", 8, 6, "LK001")]
    assert "one link per property value" in f"{messages(report)[1].message} {messages(report)[1].hint}"


def test_15_property_links_are_resolved_and_checked(vault):
    # Without the targets: up, related.0 and related.1 are links; bad and mixed are not.
    assert check_all(vault, {"source.md": PROPERTIES}) == [
        ("source.md", 2, 5, "LK001"),
        ("source.md", 4, 5, "LK001"),
        ("source.md", 5, 5, "LK001"),
        ("source.md", 6, 6, "FM006"),
        ("source.md", 8, 6, "LK001"),
    ]


def test_15_property_link_subpath_is_checked(vault):
    files = {"Parent.md": "", "A.md": "", "B.md": "# Other", "source.md": PROPERTIES}
    assert check_all(vault, files) == [
        ("source.md", 5, 5, "LK003"),
        ("source.md", 6, 6, "FM006"),
        ("source.md", 8, 6, "LK001"),
    ]


# -- 16. Frontmatter edge cases ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("---\n---\nbody", [], id="empty-block"),
        pytest.param("--- \ntitle: x\n---", [], id="trailing-space-is-not-frontmatter"),
        pytest.param("---\n- a\n- b\n---", [(2, 1, "FM002")], id="yaml-list"),
        pytest.param("---\ntags: #foo\n---", [(2, 1, "FM010")], id="tags-yaml-comment"),
        pytest.param("---\ntag: foo\n---", [(2, 1, "FM005")], id="deprecated-tag"),
        pytest.param("---\ndate: 2020-08-21\nok: no\n---", [], id="yaml-1-2-strings"),
        pytest.param("---\na: 1\na: 2\n---", [(3, 1, "FM003")], id="duplicate-key"),
        pytest.param("\ufeff---\na: 1\n---", [], id="bom"),
        pytest.param("\ufeff---\ntag: foo\n---", [(2, 1, "FM005")], id="bom-frontmatter-is-read"),
        pytest.param("---\ntags: a, b\n---", [(2, 7, "FM010")], id="comma-separated-tags"),
    ],
)
def test_16_frontmatter_edge_cases(vault, text, expected):
    assert [(line, column, code) for _, line, column, code in check_all(vault, {"a.md": text})] == expected


def test_16_yaml_1_2_strings_against_types(vault):
    # date stays the string "2020-08-21" (a valid date); "no" is a string, not a checkbox value.
    files = {
        ".obsidian/types.json": json.dumps({"types": {"date": "date", "ok": "checkbox"}}),
        "a.md": "---\ndate: 2020-08-21\nok: no\n---",
    }
    assert check_all(vault, files) == [("a.md", 3, 5, "FM007")]


# -- 17. Tags -------------------------------------------------------------------------


def test_17_inline_tags_give_no_diagnostics(vault):
    text = "#1984 #y1984 #1_2 #1-2 word#tag x.#tag\n[[Note]]#tag #tag; #a*b #$x #Parent/Child\n#Heading"
    assert check_all(vault, {"Note.md": "", "a.md": text}) == []


def test_17_hash_heading_is_not_a_heading(vault):
    assert check_all(vault, {"N.md": "#Heading", "a.md": "[[N#Heading]]"}) == [("a.md", 1, 1, "LK003")]


def test_17_frontmatter_tags(vault):
    files = {"a.md": "---\ntags: [2024]\n---\n", "b.md": '---\ntags: ["#x"]\n---\n'}
    assert check_all(vault, files) == [("a.md", 2, 8, "FM010")]


# -- 18. Relative and absolute wikilinks ---------------------------------------------

RELATIVE = "[[./Sibling]] [[../Other/Note]] [[/Root Note]] [[B/Deep]]"


def test_18_relative_and_absolute_wikilinks(vault):
    files = {
        "Projects/A/note.md": RELATIVE,
        "Projects/A/Sibling.md": "",
        "Projects/Other/Note.md": "",
        "Root Note.md": "",
        "Elsewhere/B/Deep.md": "",
    }
    assert check_all(vault, files) == []


def test_18_each_form_fails_outside_its_rule(vault):
    # Sibling elsewhere, Other/Note not next to A, Root Note not at the root, no …/B/Deep.md.
    files = {
        "Projects/A/note.md": RELATIVE,
        "Elsewhere/Sibling.md": "",
        "Other/Note.md": "",
        "Sub/Root Note.md": "",
        "Elsewhere/C/Deep.md": "",
    }
    assert check_all(vault, files) == [
        ("Projects/A/note.md", 1, 1, "LK001"),
        ("Projects/A/note.md", 1, 15, "LK001"),
        ("Projects/A/note.md", 1, 33, "LK001"),
        ("Projects/A/note.md", 1, 48, "LK001"),
    ]


# -- 19. Hidden and excluded files --------------------------------------------------


def test_19_hidden_and_excluded_files(vault):
    files = {
        ".drafts/x.md": "",
        ".obsidian/app.json": json.dumps({"userIgnoreFilters": ["Archive/"]}),
        "Archive/Old.md": "",
        "a.md": "[[x]]\n[[Archive/Old]]",
    }
    assert check_all(vault, files) == [("a.md", 1, 1, "LK001")]


# -- 20. Unicode ------------------------------------------------------------------------


def test_20_unicode(vault):
    files = {"Cafe\u0301.md": "", "Note Name.md": "", "a.md": "[[Caf\u00e9]]\n[[Note\u00a0Name]]"}
    assert check_all(vault, files) == []


# -- 21. Excalidraw and canvas ----------------------------------------------------------


def test_21_excalidraw_and_canvas(vault):
    files = {
        "Drawing.excalidraw.md": "---\nexcalidraw-plugin: parsed\n---\n",
        "Board.canvas": '{"nodes": [], "edges": []}',
        "a.md": "![[Drawing.excalidraw]]\n[[Board]]\n[[Board.canvas]]",
    }
    assert check_all(vault, files) == [("a.md", 2, 1, "LK001")]
