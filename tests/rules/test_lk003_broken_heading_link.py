"""LK003 broken-heading-link (OBSIDIAN.md §3 anchors, §4, D5, fixtures 8-10).

Heading matching uses *stripHeading* (punctuation set replaced by spaces, runs of
whitespace collapsed, trimmed, case-insensitive), never GitHub slugs.
Positions: the link's ``[`` (``!`` for embeds).
"""

from __future__ import annotations

import pytest
from rules_helpers import check, check_all, messages, run

CODE = "LK003"

N = "\n".join(
    [
        "# Top",
        "### `hasTag()`",
        "## How large can it be?",
        "## _Emphasis_ here",
        "## **Bold** title",
        "## *Italic* words",
        "## ==Key== point",
        "## My Heading",
        "## Café – notes",
        "## See [[Other]] here",
        "## Closing hashes ##",
        "## Foo ^abc",
        "## C# and F#: a/b [x] {y} 100%",
        "## It's self-evident_ok",
        "Setext title",
        "============",
        "Setext two",
        "----------",
        "#NotAHeading",
        "```",
        "# In code",
        "```",
        "    # Indented code",
        "",
        "<div>",
        "# In html",
        "</div>",
        "",
        "%%",
        "# In comment",
        "%%",
    ]
)


def lk003(vault, text, **options):
    return check(vault, {"N.md": N, "Other.md": "", "pic.png": b"\x89PNG", "a.md": text}, CODE, **options)


@pytest.mark.parametrize(
    "link",
    [
        "[[N#Top]]",
        "[[N#top]]",
        "[[N#TOP]]",
        "[[N#hasTag]]",
        "[[N#hasTag()]]",
        "[[N#`hasTag()`]]",
        "[[N#how LARGE can it be]]",
        "[[N#How large can it be?]]",
        "[[N#_Emphasis_ here]]",
        "[[N#Bold title]]",
        "[[N#**Bold** title]]",
        "[[N#Italic words]]",
        "[[N#==Key== point]]",
        "[[N#My Heading]]",
        "[[N#my   heading]]",
        "[[N# My Heading ]]",
        "[[N#Café – notes]]",
        "[[N#See Other here]]",
        "[[N#Closing hashes]]",
        "[[N#C and F a b x y 100]]",
        "[[N#C and F: a/b [x] {y} 100%]]",
        "[[N#It's self-evident_ok]]",
        "[[N#Setext title]]",
        "[[N#Setext two]]",
        "[[N#Top|alias]]",
        "[[N#Top\\|alias]]",
        "[[N##Top]]",
        "[[N#Top#]]",
        "![[N#Top]]",
        "[x](N.md#Top)",
        "[x](N#Top)",
        "[x](N.md#My%20Heading)",
        "[x](N.md#how%20large%20can%20it%20be)",
        "[x](<N.md#My Heading>)",
        "![x](N.md#Top)",
    ],
)
def test_matching_heading_is_not_flagged(vault, link):
    assert lk003(vault, link) == []


@pytest.mark.parametrize(
    "link",
    [
        pytest.param("[[N#Missing]]", id="missing"),
        pytest.param("[[N#Emphasis here]]", id="underscores-are-kept"),
        pytest.param("[[N#Café notes]]", id="non-ascii-punctuation-is-kept"),
        pytest.param("[[N#Its self-evident_ok]]", id="apostrophe-is-kept"),
        pytest.param("[[N#My-Heading]]", id="hyphen-is-not-a-space"),
        pytest.param("[[N#NotAHeading]]", id="hash-without-space-is-a-tag"),
        pytest.param("[[N#In code]]", id="heading-in-fenced-code"),
        pytest.param("[[N#Indented code]]", id="heading-in-indented-code"),
        pytest.param("[[N#In html]]", id="heading-in-html-block"),
        pytest.param("[[N#In comment]]", id="heading-in-block-comment-is-inline-text"),
        pytest.param("[[N#Top#Missing]]", id="second-segment-missing"),
        pytest.param("[[N#Missing|Top]]", id="with-alias"),
        pytest.param("![[N#Missing]]", id="embed"),
        pytest.param("[x](N.md#my-heading)", id="github-slug"),
        pytest.param("[x](N.md#Missing)", id="markdown-link"),
        pytest.param("[x](N#Missing)", id="markdown-link-without-extension"),
    ],
)
def test_missing_heading_is_flagged(vault, link):
    assert lk003(vault, link) == [("a.md", 1, 1, CODE)]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param("See [[N#Missing]].", 1, 5, id="mid-line"),
        pytest.param("text ![[N#Missing]]", 1, 6, id="embed-mid-line"),
        pytest.param("- a\n\t- [[N#Missing]]", 2, 4, id="nested-list-tab"),
        pytest.param("> [!note]\n> [[N#Missing]]", 2, 3, id="callout"),
        pytest.param("| a | b |\n|---|---|\n| x | [[N#Missing\\|y]] |", 3, 7, id="table"),
        pytest.param("Text[^1]\n\n[^1]: [[N#Missing]]", 3, 7, id="footnote"),
        pytest.param("## Title [[N#Missing]]", 1, 10, id="heading"),
        pytest.param('---\nup: "[[N#Missing]]"\n---\n', 2, 5, id="property-link"),
    ],
)
def test_position(vault, text, line, column):
    assert lk003(vault, text) == [("a.md", line, column, CODE)]


@pytest.mark.parametrize(
    "text",
    [
        "`[[N#Missing]]`",
        "```\n[[N#Missing]]\n```",
        "$[[N#Missing]]$",
        "<!-- [[N#Missing]] -->",
        "<div>\n[[N#Missing]]\n</div>",
        "\\[[N#Missing]]",
        "[[N#]]",
        "[[N##]]",
        "[[N#[^1]]]",
        "[a][r]\n\n[r]: N.md#Missing",
    ],
)
def test_does_not_flag(vault, text):
    assert lk003(vault, text) == []


def test_comment_link_reported_only_with_check_comments(vault):
    assert lk003(vault, "%%\n[[N#Missing]]\n%%") == []
    assert lk003(vault, "%%\n[[N#Missing]]\n%%", check_comments=True) == [("a.md", 2, 1, CODE)]


# -- self links ------------------------------------------------------------------


def test_self_heading_links(vault):
    text = "# Intro\n\n[[#Intro]] [[#intro]] [x](#Intro)\n[[#Outro]]\n[x](#Outro)"
    assert check(vault, {"a.md": text}, CODE) == [("a.md", 4, 1, CODE), ("a.md", 5, 1, CODE)]


def test_self_link_message_says_this_note(vault):
    [diagnostic] = messages(run(vault({"a.md": "[[#Outro]]"}), select=[CODE]), CODE)
    assert "Outro" in diagnostic.message


# -- nested heading paths (fixture 9) -----------------------------------------


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        pytest.param("[[N#A#B]]", [], id="B-after-A-and-deeper"),
        pytest.param("[[N#B#A]]", [("a.md", 1, 1, CODE)], id="wrong-order"),
        pytest.param("[[N##A]]", [], id="empty-segment-dropped"),
        pytest.param("[[N#A##B]]", [], id="empty-middle-segment"),
        pytest.param("[[N#X#B]]", [], id="real-parent"),
        pytest.param("[[N#A#X]]", [("a.md", 1, 1, CODE)], id="same-level-is-not-deeper"),
        pytest.param("[[N#X#B#C]]", [], id="three-levels"),
        pytest.param("[[N#B#C]]", [], id="start-anywhere"),
        pytest.param("[[N#C#B]]", [("a.md", 1, 1, CODE)], id="shallower-after"),
    ],
)
def test_nested_heading_paths(vault, link, expected):
    files = {"N.md": "# A\n# X\n## B\n### C", "a.md": link}
    assert check(vault, files, CODE) == expected


def test_duplicate_headings_are_fine(vault):
    files = {"N.md": "# Same\n## Same\n# Same", "a.md": "[[N#Same]] [[N#Same#Same]]"}
    assert check(vault, files, CODE) == []


# -- headings in containers (D5, fixture 10) ----------------------------------


@pytest.mark.parametrize(
    "note",
    [
        pytest.param("> [!note]\n> ## Inside", id="callout"),
        pytest.param("> ## Inside", id="blockquote"),
        pytest.param("- ## Inside", id="list-item"),
        pytest.param("- a\n  - ## Inside", id="nested-list-item"),
    ],
)
def test_headings_in_containers_are_accepted(vault, note):
    assert check(vault, {"N.md": note, "a.md": "[[N#Inside]]"}, CODE) == []


# -- headings with a trailing block id (D5) ------------------------------------


@pytest.mark.parametrize("link", ["[[N#Foo]]", "[[N#Foo ^abc]]", "[[N#^abc]]", "[[N#foo abc]]"])
def test_heading_with_block_id_accepts_both_forms(vault, link):
    assert check(vault, {"N.md": "## Foo ^abc", "a.md": link}, CODE) == []


# -- what LK003 leaves to other rules -----------------------------------------


def test_missing_file_is_lk001_only(vault):
    assert check_all(vault, {"a.md": "[[Gone#Heading]]\n[x](Gone.md#Heading)"}) == [
        ("a.md", 1, 1, "LK001"),
        ("a.md", 2, 1, "LK001"),
    ]


def test_missing_embed_is_lk002_only(vault):
    assert check_all(vault, {"a.md": "![[Gone#Heading]]"}) == [("a.md", 1, 1, "LK002")]


@pytest.mark.parametrize(
    "link",
    [
        "[[pic.png#interface]]",
        "![[pic.png#interface]]",
        "![[pic.png#interface|300]]",
        "![[doc.pdf#page=3]]",
        "[[Board.canvas#Missing]]",
        "[x](pic.png#Missing)",
    ],
)
def test_subpath_on_non_markdown_target_is_never_checked(vault, link):
    files = {"pic.png": b"\x89PNG", "doc.pdf": b"%PDF", "Board.canvas": "{}", "a.md": link}
    assert check_all(vault, files) == []


def test_block_link_is_lk004_not_lk003(vault):
    assert check(vault, {"N.md": "text", "a.md": "[[N#^missing]]"}, CODE) == []


def test_block_id_after_heading_segment_is_a_heading_path(vault):
    # Fixture 11: [[N#Heading#^fig1]] is read as a heading path and fails.
    files = {"N.md": "# Heading\n\n![[pic.png]]^fig1", "pic.png": b"\x89PNG", "a.md": "[[N#Heading#^fig1]]"}
    assert check_all(vault, files) == [("a.md", 1, 1, CODE)]


def test_headings_of_an_embedded_note_are_not_headings_of_the_embedder(vault):
    files = {"A.md": "![[B]]", "B.md": "# From B", "c.md": "[[A#From B]]"}
    assert check(vault, files, CODE) == [("c.md", 1, 1, CODE)]


def test_links_resolve_through_the_same_folder_rule(vault):
    # The heading is checked in the note the link reaches (§2.1), not in any namesake.
    files = {"Sync/Security.md": "# Sync", "Publish/Security.md": "# Publish", "Publish/Intro.md": "[[Security#Sync]]"}
    assert check(vault, files, CODE) == [("Publish/Intro.md", 1, 1, CODE)]


def test_property_link_heading_is_checked(vault):
    files = {"B.md": "# Other", "a.md": '---\nrelated:\n  - "[[B#Sec|b]]"\n---\n'}
    assert check(vault, files, CODE) == [("a.md", 3, 5, CODE)]


# -- hints ----------------------------------------------------------------------


def test_github_slug_hint_gives_the_form_that_matches(vault):
    files = {"N.md": "## My Heading", "a.md": "[N](N.md#my-heading)"}
    [diagnostic] = messages(run(vault(files), select=[CODE]), CODE)
    assert diagnostic.hint is not None and "My%20Heading" in diagnostic.hint


def test_message_names_the_heading(vault):
    [diagnostic] = messages(run(vault({"N.md": "# Real", "a.md": "[[N#Timelime]]"}), select=[CODE]), CODE)
    assert "Timelime" in diagnostic.message
