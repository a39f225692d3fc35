"""LK004 broken-block-link (OBSIDIAN.md §5, fixture 11).

A block id is ``^`` plus ``[A-Za-z0-9-]+``, the last thing of a block's inline
content, after whitespace or directly after another inline element, or alone on
its own line after a block.  Ids match case-insensitively.  Positions: the link's
``[`` (``!`` for embeds).
"""

from __future__ import annotations

import pytest
from rules_helpers import check, check_all, messages, run

CODE = "LK004"

# An id at a line end that is not its block's end (a list item followed by an
# indented continuation line, as obsidian-hub has) is uncertain: vaultlint
# accepts it as a link target, by the principle of reporting less.
LINE_END_IDS = ["text ^abc\nmore text", "Para\n\n^abc\nmore text", "1. item ^abc\n\t![[img.png]]"]


def lk004(vault, note, link, **options):
    return check(vault, {"N.md": note, "pic.png": b"\x89PNG", "x.md": "", "a.md": link}, CODE, **options)


# Target note forms: (note text, id) pairs where [[N#^id]] must resolve.
VALID_IDS = [
    pytest.param("Some text ^abc", "abc", id="end-of-paragraph"),
    pytest.param("Some text ^abc", "ABC", id="case-insensitive-link"),
    pytest.param("Some text ^Fig-4", "fig-4", id="case-insensitive-id"),
    pytest.param("Some text ^a1-b2", "a1-b2", id="digits-and-dashes"),
    pytest.param("Line one\nline two ^abc", "abc", id="end-of-multi-line-paragraph"),
    pytest.param("Line one\n^abc", "abc", id="next-line-lazy-continuation"),
    pytest.param("![[pic.png]]^fig1", "fig1", id="directly-after-embed"),
    pytest.param("[[x]]^abc", "abc", id="directly-after-wikilink"),
    pytest.param("**bold**^abc", "abc", id="directly-after-bold"),
    pytest.param("`code`^abc", "abc", id="directly-after-code-span"),
    pytest.param("Text\t^abc", "abc", id="after-tab"),
    pytest.param("- item ^abc", "abc", id="list-item"),
    pytest.param("- a\n  - nested ^abc", "abc", id="nested-list-item"),
    pytest.param("- a\n\t- nested ^abc", "abc", id="nested-list-item-tab"),
    pytest.param("- item\n  ^abc", "abc", id="list-item-continuation-line"),
    pytest.param("- item ^abc\n  - child", "abc", id="list-item-with-sub-list"),
    pytest.param("1. item ^abc", "abc", id="ordered-list-item"),
    pytest.param("- a\n- b\n\n^list-1", "list-1", id="standalone-after-list"),
    pytest.param("> quote ^abc", "abc", id="in-quote"),
    pytest.param("> quote\n\n^abc", "abc", id="standalone-after-quote"),
    pytest.param("> [!tip] Callout\n> body\n^callout-1", "callout-1", id="lazy-line-after-callout"),
    pytest.param("> [!tip] Callout\n> body ^abc", "abc", id="inside-callout"),
    pytest.param("> [!tip] Callout\n> body\n\n^abc", "abc", id="standalone-after-callout"),
    pytest.param("| a | b |\n|---|---|\n| x | y ^abc |", "abc", id="table-cell"),
    pytest.param("| a | b |\n|---|---|\n| x | y |\n\n^tbl", "tbl", id="standalone-after-table"),
    pytest.param("```\ncode\n```\n\n^code-1", "code-1", id="standalone-after-code-block"),
    pytest.param("$$\nx\n$$\n\n^math-1", "math-1", id="standalone-after-math-block"),
    pytest.param("Para\n\n^abc", "abc", id="standalone-after-paragraph"),
    pytest.param("Para\n\n^abc\n\nMore", "abc", id="standalone-followed-by-blank-line"),
    pytest.param("## Foo ^abc", "abc", id="heading"),
    pytest.param("Text[^1]\n\n[^1]: note ^abc", "abc", id="footnote-definition"),
    pytest.param("---\ntitle: x\n---\nText ^abc", "abc", id="after-frontmatter"),
    pytest.param("%% ^abc %%", "abc", id="only-inside-comment-is-not-reported"),
    pytest.param("%%\ntext ^abc\n%%", "abc", id="only-inside-block-comment-is-not-reported"),
]


@pytest.mark.parametrize("note", LINE_END_IDS)
def test_an_id_at_a_line_end_inside_a_block_is_accepted(vault, note):
    assert lk004(vault, note, "[[N#^abc]]") == []


@pytest.mark.parametrize(("note", "block_id"), VALID_IDS)
def test_existing_block_id_is_not_flagged(vault, note, block_id):
    assert lk004(vault, note, f"[[N#^{block_id}]]") == []


# Target note forms where the id is NOT a block id: [[N#^id]] must be LK004.
NOT_IDS = [
    pytest.param("some text^fig2", "fig2", id="glued-to-text"),
    pytest.param("some text ^fig_3", "fig_3", id="underscore"),
    pytest.param("some text ^café", "café", id="non-ascii"),
    pytest.param("text ^abc more text", "abc", id="not-last-in-block"),
    pytest.param("text ^abc.", "abc", id="followed-by-punctuation"),
    pytest.param("`x ^abc`", "abc", id="inside-inline-code"),
    pytest.param("```\ntext ^abc\n```", "abc", id="inside-fenced-code"),
    pytest.param("para\n\n    text ^abc", "abc", id="inside-indented-code"),
    pytest.param("$$\nx ^abc\n$$", "abc", id="inside-math-block"),
    pytest.param("---\ntitle: x ^abc\n---\nbody", "abc", id="inside-frontmatter"),
    pytest.param("<!-- text ^abc -->", "abc", id="inside-html-comment"),
    pytest.param("Some text ^other", "abc", id="different-id"),
    pytest.param("", "abc", id="empty-note"),
]


@pytest.mark.parametrize(("note", "block_id"), NOT_IDS)
def test_missing_block_id_is_flagged(vault, note, block_id):
    assert lk004(vault, note, f"[[N#^{block_id}]]") == [("a.md", 1, 1, CODE)]


@pytest.mark.parametrize(
    ("link", "line", "column"),
    [
        pytest.param("![[N#^missing]]", 1, 1, id="embed"),
        pytest.param("See [[N#^missing|there]].", 1, 5, id="mid-line-with-alias"),
        pytest.param("[x](N.md#^missing)", 1, 1, id="markdown-link"),
        pytest.param("- a\n    - [[N#^missing]]", 2, 7, id="nested-list"),
        pytest.param("> [!note]\n> > [[N#^missing]]", 2, 5, id="quote-in-callout"),
        pytest.param("| a |\n|---|\n| [[N#^missing\\|x]] |", 3, 3, id="table"),
        pytest.param("Text[^1]\n\n[^1]: [[N#^missing]]", 3, 7, id="footnote"),
        pytest.param("# [[N#^missing]]", 1, 3, id="heading"),
        pytest.param('---\nup: "[[N#^missing]]"\n---\n', 2, 5, id="property-link"),
    ],
)
def test_position(vault, link, line, column):
    assert lk004(vault, "Some text ^abc", link) == [("a.md", line, column, CODE)]


@pytest.mark.parametrize(
    "link",
    [
        "`[[N#^missing]]`",
        "```\n[[N#^missing]]\n```",
        "$$\n[[N#^missing]]\n$$",
        "<!-- [[N#^missing]] -->",
        "<div>\n[[N#^missing]]\n</div>",
        "\\[[N#^missing]]",
        "[[N#Heading#^abc]]",
        "[[N#^abc]]",
    ],
)
def test_does_not_flag(vault, link):
    assert lk004(vault, "Some text ^abc", link) == []


def test_comment_link_reported_only_with_check_comments(vault):
    assert lk004(vault, "text", "%% [[N#^missing]] %%") == []
    assert lk004(vault, "text", "%% [[N#^missing]] %%", check_comments=True) == [("a.md", 1, 4, CODE)]


def test_self_block_links(vault):
    text = "Para ^here\n\n[[#^here]] [[#^HERE]]\n[[#^gone]]"
    assert check(vault, {"a.md": text}, CODE) == [("a.md", 4, 1, CODE)]


def test_missing_file_is_lk001_only(vault):
    assert check_all(vault, {"a.md": "[[Gone#^abc]]"}) == [("a.md", 1, 1, "LK001")]


@pytest.mark.parametrize("link", ["[[pic.png#^abc]]", "![[pic.png#^abc]]", "[[Board.canvas#^abc]]"])
def test_block_on_non_markdown_target_is_never_checked(vault, link):
    files = {"pic.png": b"\x89PNG", "Board.canvas": "{}", "a.md": link}
    assert check_all(vault, files) == []


def test_block_id_must_be_the_only_segment(vault):
    # Fixture 11: [[N#Heading#^fig1]] is a heading path (LK003), never LK004.
    files = {"N.md": "# Heading\n\n![[pic.png]]^fig1", "pic.png": b"\x89PNG", "a.md": "[[N#Heading#^fig1]]"}
    assert check_all(vault, files) == [("a.md", 1, 1, "LK003")]


def test_block_link_checked_in_the_note_it_reaches(vault):
    files = {
        "Sync/Notes.md": "text ^sync",
        "Publish/Notes.md": "text ^pub",
        "Publish/a.md": "[[Notes#^sync]] [[Notes#^pub]]",
    }
    assert check(vault, files, CODE) == [("Publish/a.md", 1, 1, CODE)]


def test_message_names_the_id(vault):
    [diagnostic] = messages(run(vault({"N.md": "text ^abd", "a.md": "[[N#^decisoin-1]]"}), select=[CODE]), CODE)
    assert "decisoin-1" in diagnostic.message
