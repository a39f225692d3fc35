"""LK001 unresolved-link, and the resolver behind it (OBSIDIAN.md §1, §2, §3, §6, §7.4, §9.2).

Derived from the specification, not from the code.  Positions: 1-based line and
character column of the link's first ``[`` (for property links: the value).
"""

from __future__ import annotations

import json

import pytest
from rules_helpers import check, found, messages, run

CODE = "LK001"


def lk001(vault, files, **options):
    return check(vault, files, CODE, **options)


# ---------------------------------------------------------------------------
# What is flagged, and where (positions in every kind of container).
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param("[[Missing]]", 1, 1, id="paragraph"),
        pytest.param("See [[Missing]] now.", 1, 5, id="mid-line"),
        pytest.param("[x](Missing.md)", 1, 1, id="markdown-link"),
        pytest.param("See [x](Missing.md) now.", 1, 5, id="markdown-link-mid-line"),
        pytest.param('[x](Missing.md "title")', 1, 1, id="markdown-link-with-title"),
        pytest.param("[x](<Missing note.md>)", 1, 1, id="markdown-link-angle-brackets"),
        pytest.param("[x](Missing%20note.md)", 1, 1, id="markdown-link-encoded-space"),
        pytest.param("Intro\n\n[[Missing]]", 3, 1, id="third-line"),
        pytest.param("Ça va [[Missing]]", 1, 7, id="non-ascii-before-counts-characters"),
        pytest.param("😀 [[Missing]]", 1, 3, id="emoji-before-is-one-character"),
        pytest.param("a\r\n[[Missing]]\r\n", 2, 1, id="crlf-line-ends"),
        pytest.param("---\ntitle: x\n---\n[[Missing]]", 4, 1, id="after-frontmatter"),
        pytest.param("- [[Missing]]", 1, 3, id="list-item"),
        pytest.param("* item [[Missing]]", 1, 8, id="star-list-item"),
        pytest.param("1. [[Missing]]", 1, 4, id="ordered-list-item"),
        pytest.param("- a\n    - [[Missing]]", 2, 7, id="nested-list-spaces"),
        pytest.param("- a\n\t- [[Missing]]", 2, 4, id="nested-list-tab"),
        pytest.param("- a\n\t- b\n\t\t- [[Missing]]", 3, 5, id="doubly-nested-list-tabs"),
        pytest.param("1. a\n   1. [[Missing]]", 2, 7, id="nested-ordered-list"),
        pytest.param("- a\n\n  [[Missing]]", 3, 3, id="list-item-continuation-paragraph"),
        pytest.param("- [ ] task [[Missing]]", 1, 12, id="task-list-item"),
        pytest.param("> [[Missing]]", 1, 3, id="blockquote"),
        pytest.param("> quote\n> more [[Missing]]", 2, 8, id="blockquote-second-line"),
        pytest.param("> > [[Missing]]", 1, 5, id="nested-blockquote"),
        pytest.param(">[[Missing]]", 1, 2, id="blockquote-without-space"),
        pytest.param("> - [[Missing]]", 1, 5, id="list-in-blockquote"),
        pytest.param("> [!note] Title\n> body [[Missing]]", 2, 8, id="callout-body"),
        pytest.param("> [!note] See [[Missing]]", 1, 15, id="callout-title"),
        pytest.param("> [!tip]- Folded\n> > [[Missing]]", 2, 5, id="nested-quote-in-callout"),
        pytest.param("| a | b |\n|---|---|\n| [[Missing]] | x |", 3, 3, id="table-cell"),
        pytest.param("| a | b |\n|---|---|\n| x | [[Missing\\|y]] |", 3, 7, id="table-cell-escaped-pipe"),
        pytest.param("| a | b |\n| --- | --- |\n| x | [y](Missing.md) |", 3, 7, id="table-cell-markdown-link"),
        pytest.param("Text[^1]\n\n[^1]: See [[Missing]]", 3, 11, id="footnote-definition"),
        pytest.param("Text ^[see [[Missing]]]", 1, 12, id="inline-footnote"),
        pytest.param("# Title [[Missing]]", 1, 9, id="atx-heading"),
        pytest.param("## [[Missing]]", 1, 4, id="atx-heading-level-2"),
        pytest.param("Title [[Missing]]\n===", 1, 7, id="setext-heading"),
        pytest.param("**[[Missing]]**", 1, 3, id="bold"),
        pytest.param("==[[Missing]]==", 1, 3, id="highlight"),
        pytest.param("~~[[Missing]]~~", 1, 3, id="strikethrough"),
        pytest.param("[see [[Missing]]](https://example.com)", 1, 6, id="inside-link-text"),
        pytest.param("<span>[[Missing]]</span>", 1, 7, id="inline-html-span"),
        pytest.param("costs $5 and [[Missing]] $6", 1, 14, id="dollar-amounts-are-not-math"),
        pytest.param("$ [[Missing]]$", 1, 3, id="dollar-followed-by-space-is-not-math"),
        pytest.param("\\$[[Missing]]\\$", 1, 3, id="escaped-dollars-are-not-math"),
        pytest.param("[[Missing `b]] c`", 1, 1, id="wikilink-starting-before-code-span-wins"),
        pytest.param("para\n    [[Missing]]", 2, 5, id="indented-lazy-continuation-is-not-code"),
        pytest.param("<div>\n\n[[Missing]]\n\n</div>", 3, 1, id="after-html-block-ends-at-blank-line"),
        pytest.param("text <!-- c --> [[Missing]]", 1, 17, id="after-inline-html-comment"),
        pytest.param("%% c %% [[Missing]]", 1, 9, id="after-inline-obsidian-comment"),
        pytest.param(">\t[[Missing]]", 1, 3, id="blockquote-tab"),
        pytest.param("> a\nb [[Missing]]", 2, 3, id="blockquote-lazy-continuation"),
        pytest.param("1) a\n   1) [[Missing]]", 2, 7, id="nested-paren-list"),
        pytest.param("-\t[x](Missing.md)", 1, 3, id="tab-after-list-marker"),
        pytest.param("-\t> [[Missing]]", 1, 5, id="quote-in-list-tab"),
        pytest.param("- a\n  > [[Missing]]", 2, 5, id="quote-in-list"),
        pytest.param("> [!note]\n> -\t[[Missing]]", 2, 5, id="list-in-callout-tab"),
        pytest.param("> [!note]\n> > [!tip]\n> > > [[Missing]]", 3, 7, id="nested-callouts"),
        pytest.param("> | a |\n> |---|\n> | [[Missing]] |", 3, 5, id="table-in-blockquote"),
        pytest.param("- x\n\n  | a |\n  |---|\n  | [[Missing]] |", 5, 5, id="table-in-list"),
        pytest.param("a | b\n--|--\nx | [[Missing]]", 3, 5, id="table-without-outer-pipes"),
        pytest.param("| a |\n|---|\n| x \\| y [[Missing]] |", 3, 10, id="table-escaped-pipe-before-link"),
        pytest.param("| a | b | c |\n|---|---|---|\n| 1 | 2 | [[Missing]] |", 3, 11, id="table-third-column"),
        pytest.param("| a | b |\n|---|---|\n| 😀 | [[Missing]] |", 3, 7, id="table-after-emoji"),
        pytest.param("| a |\r\n|---|\r\n| [[Missing]] |\r\n", 3, 3, id="table-crlf"),
        pytest.param("x[^1]\n\n[^1]: first\n    [[Missing]]", 4, 5, id="footnote-continuation-line"),
        pytest.param("> x[^1]\n>\n> [^1]: [[Missing]]", 3, 9, id="footnote-in-blockquote"),
        pytest.param("日本語 [[Missing]]", 1, 5, id="cjk-before"),
        pytest.param("a <!-- x\ny --> [[Missing]]", 2, 7, id="after-multi-line-inline-html-comment"),
        pytest.param("Title\n[[Missing]]\n===", 2, 1, id="setext-heading-second-line"),
        pytest.param("   [[Missing]]", 1, 4, id="indented-three-spaces"),
        pytest.param("  # [[Missing]]", 1, 5, id="indented-heading"),
        pytest.param("`[[x]]` [[Missing]]", 1, 9, id="after-code-span"),
        pytest.param('<a href="x">[[Missing]]</a>', 1, 13, id="inside-inline-html-anchor"),
        pytest.param("![see [[Missing]]](https://example.com/a.png)", 1, 7, id="inside-image-alt"),
        pytest.param("$a [[Missing]] $", 1, 4, id="closing-dollar-after-space-is-not-math"),
        pytest.param("$[[Missing]]$1", 1, 2, id="closing-dollar-before-digit-is-not-math"),
        pytest.param("[x](./Missing:x.md)", 1, 1, id="dot-slash-with-colon-is-internal"),
        pytest.param("[x](../Missing:x.md)", 1, 1, id="dot-dot-with-colon-is-internal"),
    ],
)
def test_flags_unresolved_link_at_its_position(vault, text, line, column):
    assert lk001(vault, {"a.md": text}) == [("a.md", line, column, CODE)]


def test_pipe_inside_code_span_in_table_leaks_a_link(vault):
    # §1.4: the row is split at every unescaped "|", even inside a code span, so the
    # code span breaks and "[[ X ]]" becomes a real link.
    text = "| a |\n|---|\n| `[[ Missing ]] || y` |"
    assert lk001(vault, {"a.md": text}) == [("a.md", 3, 4, CODE)]


def test_flags_every_link_on_a_line(vault):
    assert lk001(vault, {"a.md": "[[One]] and [[Two]] and [x](Three.md)"}) == [
        ("a.md", 1, 1, CODE),
        ("a.md", 1, 13, CODE),
        ("a.md", 1, 25, CODE),
    ]


def test_message_names_the_link_path(vault):
    report = run(vault({"a.md": "[[Missing note#Heading|alias]]"}), select=[CODE])
    [diagnostic] = messages(report, CODE)
    assert '"Missing note"' in diagnostic.message
    assert "Heading" not in diagnostic.message


def test_reports_only_in_the_file_that_holds_the_link(vault):
    files = {"a.md": "[[Missing]]", "sub/b.md": "text\n[[Gone]]", "c.md": "[[a]]"}
    assert lk001(vault, files) == [("a.md", 1, 1, CODE), ("sub/b.md", 2, 1, CODE)]


def test_dot_folder_notes_are_not_reported_on(vault):
    assert lk001(vault, {".drafts/x.md": "[[Missing]]", "a.md": "ok"}) == []


# ---------------------------------------------------------------------------
# Where [[…]] is not a link (§6) and other things LK001 must not flag.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("`[[Missing]]`", id="inline-code"),
        pytest.param("a `b [[Missing]] c` d", id="code-span-starting-first"),
        pytest.param("``[[Missing]]``", id="double-backtick-code"),
        pytest.param("```\n[[Missing]]\n```", id="fenced-code"),
        pytest.param("~~~\n[[Missing]]\n~~~", id="tilde-fence"),
        pytest.param("````md\n```\n[[Missing]]\n```\n````", id="fence-in-fence"),
        pytest.param("para\n\n    [[Missing]]", id="indented-code"),
        pytest.param("- a\n\n  ```\n  [[Missing]]\n  ```", id="fenced-code-in-list"),
        pytest.param("> ```\n> [[Missing]]\n> ```", id="fenced-code-in-quote"),
        pytest.param("```mermaid\ngraph TD\nA[[Missing]]\nclass A internal-link;\n```", id="mermaid"),
        pytest.param("```dataview\nLIST FROM [[Missing]]\n```", id="dataview-block"),
        pytest.param("```ad-note\n[[Missing]]\n```", id="admonition-block"),
        pytest.param("$[[Missing]]$", id="inline-math"),
        pytest.param("$$[[Missing]]$$", id="double-dollar-inline-math"),
        pytest.param("$$\n[[Missing]]\n$$", id="math-block"),
        pytest.param("text $x + [[Missing]]$ text", id="inline-math-mid-line"),
        pytest.param("<!-- [[Missing]] -->", id="html-comment"),
        pytest.param("<!--\n[[Missing]]\n-->", id="multi-line-html-comment"),
        pytest.param("text <!-- [[Missing]] --> more", id="inline-html-comment"),
        pytest.param("<div>\n[[Missing]]\n</div>", id="html-block"),
        pytest.param("<div>[[Missing]]</div>", id="html-block-one-line"),
        pytest.param("<pre>\n\n[[Missing]]\n</pre>", id="pre-block-runs-to-its-closing-tag"),
        pytest.param("\\[[Missing]]", id="escaped-bracket"),
        pytest.param("[[]]", id="empty-brackets-are-text"),
        pytest.param("[[Missing\nMore]]", id="wikilinks-do-not-span-lines"),
        pytest.param("[[ ]]", id="whitespace-only-is-LK006-not-LK001"),
        pytest.param("[[#]]", id="hash-only"),
        pytest.param("[[#Heading]]", id="self-heading-link"),
        pytest.param("[x](#Heading)", id="markdown-self-heading-link"),
        pytest.param("[a][ref]\n\n[ref]: Missing.md", id="reference-link"),
        pytest.param("[ref]\n\n[ref]: Missing.md", id="shortcut-reference-link"),
        pytest.param("[a][]\n\n[a]: Missing.md", id="collapsed-reference-link"),
        pytest.param("[x](note:x.md)", id="colon-means-external"),
        pytest.param("[x](https://example.com/Missing)", id="https"),
        pytest.param("[x](mailto:someone@example.com)", id="mailto"),
        pytest.param("[x](obsidian://open?vault=v&file=Missing)", id="obsidian-uri"),
        pytest.param("[x](file:///tmp/Missing.md)", id="file-uri"),
        pytest.param("[x](C:\\notes\\Missing.md)", id="windows-drive-path"),
        pytest.param("<https://example.com/Missing>", id="autolink"),
        pytest.param("https://example.com/Missing", id="bare-url"),
        pytest.param("[x](100%zz.md)", id="malformed-percent-is-not-internal"),
        pytest.param("[x](50%.md)", id="lone-percent-is-not-internal"),
        pytest.param("[a](Missing Note.md)", id="raw-space-is-LK007-not-LK001"),
        pytest.param("---\ntitle: see [[Missing]]\n---\n", id="frontmatter-text"),
        pytest.param('---\nmixed: "see [[Missing]]"\n---\n', id="property-not-whole-string"),
        pytest.param('---\nup: " [[Missing]]"\n---\n', id="property-with-leading-space"),
        pytest.param('---\nlink: "[Missing](Missing.md)"\n---\n', id="property-markdown-link"),
        pytest.param("---\nup: [[Missing]]\n---\n", id="unquoted-property-is-FM006"),
        pytest.param("| a |\n|---|\n| x | [[Missing|y]] |", id="unescaped-pipe-splits-table-cell"),
        pytest.param('---\n- "[[Missing]]"\n---\n', id="property-in-non-mapping-frontmatter"),
        pytest.param("![[Missing.png]]", id="embed-is-LK002"),
        pytest.param("![x](Missing.png)", id="markdown-image-is-LK002"),
    ],
)
def test_does_not_flag(vault, text):
    assert lk001(vault, {"a.md": text}) == []


# D1: %% comments are parsed but not reported by default; check_comments reports them.
# (text, positions reported by default, positions reported with check_comments)
COMMENT_CASES = [
    pytest.param("%% [[Missing]] %%", [], [(1, 4)], id="inline-comment"),
    pytest.param("text %% [[Missing]] %% [[Other]]", [(1, 24)], [(1, 9), (1, 24)], id="inline-comment-then-link"),
    pytest.param("%%\n[[Missing]]\n%%", [], [(2, 1)], id="block-comment"),
    pytest.param("%%%\n[[Missing]]\n%%%", [], [(2, 1)], id="triple-percent-block-comment"),
    pytest.param("%%\nunterminated\n\n[[Missing]]\n", [], [(4, 1)], id="unterminated-runs-to-end-of-file"),
    pytest.param("%%\n```\n[[Missing]]\n%%", [], [(3, 1)], id="fence-inside-comment-is-not-code"),
    pytest.param("- item %% [[Missing]] %%", [], [(1, 11)], id="comment-in-list"),
    pytest.param("> %% [[Missing]] %%", [], [(1, 6)], id="comment-in-quote"),
    pytest.param("| a |\n|---|\n| %% [[Missing]] %% |", [], [(3, 6)], id="comment-in-table"),
    pytest.param("[x](Missing.md) %% [y](Gone.md) %%", [(1, 1)], [(1, 1), (1, 20)], id="markdown-link-in-comment"),
    pytest.param("%% start\n[[Missing]]\nend %%", [], [(2, 1)], id="block-comment-with-text-on-fence-lines"),
    pytest.param("  %%\n[[Missing]]\n  %%", [], [(2, 1)], id="indented-block-comment"),
    pytest.param(
        "%%%\n[[Missing]]\n%%\n[[Other]]\n%%%\n[[After]]",
        [(6, 1)],
        [(2, 1), (4, 1), (6, 1)],
        id="closed-by-the-same-number-of-percent-signs",
    ),
    pytest.param("%% [[Missing]]", [], [(1, 4)], id="unclosed-line-start-is-a-block-comment-to-eof"),
    pytest.param("text %% [[Missing]]", [(1, 9)], [(1, 9)], id="unclosed-mid-line-is-plain-text"),
]


@pytest.mark.parametrize(("text", "by_default", "with_comments"), COMMENT_CASES)
def test_comment_links_by_default(vault, text, by_default, with_comments):
    assert [(line, column) for _, line, column, _ in lk001(vault, {"a.md": text})] == by_default


@pytest.mark.parametrize(("text", "by_default", "with_comments"), COMMENT_CASES)
def test_comment_links_reported_with_check_comments(vault, text, by_default, with_comments):
    assert [(line, column) for _, line, column, _ in lk001(vault, {"a.md": text}, check_comments=True)] == with_comments


def test_inline_comment_does_not_span_lines(vault):
    # Line 1 is no block comment (text before %%) and no inline comment closes on it: the %% are text.
    assert lk001(vault, {"a.md": "a %% b\nc [[Missing]] %%"}) == [("a.md", 2, 3, CODE)]


def test_comment_only_hides_what_is_inside_it(vault):
    text = "%% [[Hidden]] %%\n[[Shown]]\n%%\n[[Also hidden]]\n%%\n[[Shown too]]"
    assert lk001(vault, {"a.md": text}) == [("a.md", 2, 1, CODE), ("a.md", 6, 1, CODE)]


# ---------------------------------------------------------------------------
# Resolution (§2.1): names, case, Unicode, extensions.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "[[Three laws of motion]]",
        "[[three LAWS of motion]]",
        "[[Three laws of motion.md]]",
        "[[Three laws of motion.MD]]",
        "[[ Three laws of motion ]]",
        "[[Three laws of motion|alias]]",
        "[[Three laws of motion|]]",
        "[[Three laws of motion\\|alias]]",
        "[x](Three%20laws%20of%20motion.md)",
        "[x](Three%20laws%20of%20motion)",
        "[x](three%20laws%20of%20motion.md)",
        "[x](<Three laws of motion.md>)",
        "[x](<Three laws of motion>)",
        "[x](./Three%20laws%20of%20motion.md)",
    ],
)
def test_case_insensitive_and_implied_md(vault, link):
    assert lk001(vault, {"Three laws of motion.md": "", "a.md": link}) == []


def test_dotted_name_falls_back_to_md(vault):
    assert lk001(vault, {"v1.2 notes.md": "", "a.md": "[[v1.2 notes]]"}) == []


def test_case_insensitive_folders(vault):
    assert lk001(vault, {"Projects/Alpha/Plan.md": "", "a.md": "[[projects/ALPHA/plan]]"}) == []


def test_file_stored_in_nfd_matches_nfc_link(vault):
    assert lk001(vault, {"Cafe\u0301.md": "", "a.md": "[[Caf\u00e9]]"}) == []


def test_file_stored_in_nfc_matches_nfd_link(vault):
    assert lk001(vault, {"Caf\u00e9.md": "", "a.md": "[[Cafe\u0301]]"}) == []


def test_nfd_folder_matches_nfc_link(vault):
    assert lk001(vault, {"Re\u0301sume\u0301/Plan.md": "", "a.md": "[[R\u00e9sum\u00e9/Plan]]"}) == []


def test_markdown_link_to_nfd_file(vault):
    assert lk001(vault, {"Cafe\u0301.md": "", "a.md": "[x](Caf%C3%A9.md)"}) == []


def test_no_break_space_in_target_is_a_space(vault):
    assert lk001(vault, {"Note Name.md": "", "a.md": "[[Note\u00a0Name]]"}) == []


def test_self_link_by_name(vault):
    assert lk001(vault, {"a.md": "[[a]] [[A]] [x](a.md)"}) == []


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        pytest.param("[[diagram]]", [("a.md", 1, 1, CODE)], id="attachment-without-extension"),
        pytest.param("[[diagram.png]]", [], id="attachment-with-extension"),
        pytest.param("[[DIAGRAM.PNG]]", [], id="attachment-extension-case"),
        pytest.param("[x](diagram.png)", [], id="markdown-link-to-attachment"),
        pytest.param("[x](diagram)", [("a.md", 1, 1, CODE)], id="markdown-link-without-extension"),
        pytest.param("[[report.pdf#page=3]]", [], id="pdf-with-fragment"),
        pytest.param("[[data.csv]]", [], id="any-extension-resolves"),
        pytest.param("[[archive.zip]]", [], id="unsupported-type-resolves"),
    ],
)
def test_attachments_need_their_extension(vault, link, expected):
    files = {"diagram.png": b"\x89PNG", "report.pdf": b"%PDF", "data.csv": "a,b", "archive.zip": b"PK", "a.md": link}
    assert lk001(vault, files) == expected


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        pytest.param("[[Board]]", [("a.md", 1, 1, CODE)], id="canvas-without-extension"),
        pytest.param("[[Board.canvas]]", [], id="canvas-with-extension"),
        pytest.param("[[View]]", [("a.md", 1, 1, CODE)], id="base-without-extension"),
        pytest.param("[[View.base]]", [], id="base-with-extension"),
        pytest.param("[[Drawing.excalidraw]]", [], id="excalidraw-md-fallback"),
        pytest.param("[[Drawing.excalidraw.md]]", [], id="excalidraw-full-name"),
        pytest.param("[[Drawing]]", [("a.md", 1, 1, CODE)], id="excalidraw-stem-only"),
    ],
)
def test_canvas_base_and_excalidraw(vault, link, expected):
    files = {
        "Board.canvas": '{"nodes": [], "edges": []}',
        "View.base": "views: []",
        "Drawing.excalidraw.md": "---\nexcalidraw-plugin: parsed\n---\n",
        "a.md": link,
    }
    assert lk001(vault, files) == expected


def test_folder_is_not_a_link_target(vault):
    assert lk001(vault, {"Folder/Child.md": "", "a.md": "[[Folder]]\n[x](Folder)"}) == [
        ("a.md", 1, 1, CODE),
        ("a.md", 2, 1, CODE),
    ]


# ---------------------------------------------------------------------------
# Relative, absolute and partial paths.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        pytest.param("[[./Sibling]]", [], id="dot-slash-sibling"),
        pytest.param("[[./sibling]]", [], id="dot-slash-case"),
        pytest.param("[[../Other/Note]]", [], id="dot-dot"),
        pytest.param("[[./../Other/Note]]", [], id="dot-slash-dot-dot"),
        pytest.param("[[../../Root Note]]", [], id="dot-dot-twice-to-root"),
        pytest.param("[x](./Sibling.md)", [], id="markdown-dot-slash"),
        pytest.param("[x](../Other/Note.md)", [], id="markdown-dot-dot"),
        pytest.param("[[./Elsewhere]]", [("Projects/A/note.md", 1, 1, CODE)], id="dot-slash-not-in-folder"),
        pytest.param("[[../Sibling]]", [("Projects/A/note.md", 1, 1, CODE)], id="dot-dot-wrong-folder"),
        pytest.param("[[../../../Root Note]]", [], id="climbs-above-vault-root-stops-there"),
        pytest.param("[[../../../Missing]]", [("Projects/A/note.md", 1, 1, CODE)], id="above-vault-root-missing"),
        pytest.param("[[/Root Note]]", [], id="leading-slash-root"),
        pytest.param("[[/Projects/A/Sibling]]", [], id="leading-slash-full-path"),
        pytest.param("[x](/Projects/Other/Note.md)", [], id="markdown-leading-slash"),
        pytest.param("[[/Sibling]]", [("Projects/A/note.md", 1, 1, CODE)], id="leading-slash-no-fuzzy-match"),
        pytest.param("[[/A/Sibling]]", [("Projects/A/note.md", 1, 1, CODE)], id="leading-slash-no-suffix-match"),
        pytest.param(
            "[x](/Other/Note.md)", [("Projects/A/note.md", 1, 1, CODE)], id="markdown-leading-slash-exact-only"
        ),
        pytest.param("[[B/Deep]]", [], id="partial-path-suffix"),
        pytest.param("[[X/B/Deep]]", [], id="longer-partial-path"),
        pytest.param("[[b/deep]]", [], id="partial-path-case"),
        pytest.param("[x](B/Deep.md)", [], id="markdown-partial-path"),
        pytest.param("[[C/Deep]]", [("Projects/A/note.md", 1, 1, CODE)], id="partial-path-no-match"),
        pytest.param("[[Other/Sibling]]", [("Projects/A/note.md", 1, 1, CODE)], id="partial-path-wrong-folder"),
    ],
)
def test_relative_absolute_and_partial_paths(vault, link, expected):
    files = {
        "Projects/A/note.md": link,
        "Projects/A/Sibling.md": "",
        "Projects/Other/Note.md": "",
        "Root Note.md": "",
        "Elsewhere/Elsewhere.md": "",
        "X/B/Deep.md": "",
    }
    assert lk001(vault, files) == expected


def test_dot_dot_above_vault_root_from_root_note(vault):
    # D13: "../" from the root stops at the root.
    files = {"Note.md": "", "a.md": "[[../Note]]\n[x](../Note.md)\n[[../Gone]]"}
    assert lk001(vault, files) == [("a.md", 3, 1, CODE)]


def test_partial_path_plain_string_suffix_quirk(vault):
    # "…/xsub/Note.md" ends with "sub/Note.md": a plain string test (§2.2, D3).
    assert lk001(vault, {"x/xsub/Note.md": "", "a.md": "[[sub/Note]]"}) == []


def test_backslash_is_not_a_folder_separator(vault):
    report = run(vault({"folder/note.md": "", "a.md": "[[folder\\note]]"}), select=[CODE])
    assert found(report, CODE) == [("a.md", 1, 1, CODE)]
    [diagnostic] = messages(report, CODE)
    assert diagnostic.hint is not None and "/" in diagnostic.hint


# ---------------------------------------------------------------------------
# Which files exist: dot-folders, excluded files, .gitignore, templates.
# ---------------------------------------------------------------------------


def test_dot_folder_files_are_not_in_the_vault(vault):
    files = {".drafts/x.md": "", "a.md": "[[x]]\n[[.drafts/x]]\n[x](.drafts/x.md)"}
    assert lk001(vault, files) == [("a.md", 1, 1, CODE), ("a.md", 2, 1, CODE), ("a.md", 3, 1, CODE)]


def test_config_folder_files_are_not_link_targets(vault):
    assert lk001(vault, {".obsidian/app.json": "{}", "a.md": "[[.obsidian/app.json]]"}) == [("a.md", 1, 1, CODE)]


@pytest.mark.parametrize("respect_excluded", [False, True])
def test_user_ignore_filters_excluded_files_still_resolve(vault, respect_excluded):
    files = {
        ".obsidian/app.json": json.dumps({"userIgnoreFilters": ["Archive/"]}),
        "Archive/Old.md": "",
        "a.md": "[[Archive/Old]] [[Old]] [x](Archive/Old.md)",
    }
    assert lk001(vault, files, respect_obsidian_excluded=respect_excluded) == []


def test_gitignored_files_still_resolve(vault):
    files = {".gitignore": "ignored/\n", "ignored/x.md": "[[Missing]]", "a.md": "[[ignored/x]] [[x]]"}
    assert lk001(vault, files) == []


def test_node_modules_is_part_of_the_vault(vault):
    assert lk001(vault, {"node_modules/pkg/README.md": "", "a.md": "[[node_modules/pkg/README]]"}) == []


def test_template_folder_notes_still_resolve(vault):
    files = {
        ".obsidian/templates.json": json.dumps({"folder": "Templates"}),
        "Templates/Daily.md": "{{date}} [[Missing]]",
        "a.md": "[[Templates/Daily]] [[Daily]]",
    }
    assert lk001(vault, files) == []


# ---------------------------------------------------------------------------
# Markdown link destinations: decoding (§3).
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "link", "expected"),
    [
        pytest.param({"C# notes.md": ""}, "[x](C%23%20notes.md)", [("a.md", 1, 1, CODE)], id="pct23-stays-encoded"),
        pytest.param({"C%23 notes.md": ""}, "[x](C%23%20notes.md)", [], id="pct23-finds-literal-name"),
        pytest.param({"a?b.md": ""}, "[x](a%3Fb.md)", [("a.md", 1, 1, CODE)], id="pct3F-stays-encoded"),
        pytest.param({"sub/x.md": ""}, "[x](sub%2Fx.md)", [("a.md", 1, 1, CODE)], id="pct2F-is-not-a-slash"),
        pytest.param({"My Note.md": ""}, "[x](My%20Note.md)", [], id="pct20-decoded"),
        pytest.param({"Caf\u00e9.md": ""}, "[x](Caf%C3%A9.md)", [], id="utf8-percent-decoded"),
        pytest.param({"Note.md": ""}, "[x](%20Note.md)", [], id="decoded-then-trimmed"),
        pytest.param({"Note.md": ""}, "[x](Note.md#Missing)", [], id="subpath-not-LK001"),
        pytest.param({"Note (1).md": ""}, "[x](Note%20(1).md)", [], id="balanced-parentheses"),
        pytest.param({"100% done.md": ""}, "[x](100%25%20done.md)", [], id="pct25-decoded-not-reserved"),
        pytest.param({"a,b.md": ""}, "[x](a%2Cb.md)", [("a.md", 1, 1, CODE)], id="pct2C-stays-encoded"),
        pytest.param({"[x].md": ""}, "[x](%5Bx%5D.md)", [], id="brackets-decoded"),
        pytest.param({"Note Name.md": ""}, "[x](Note%C2%A0Name.md)", [], id="decoded-no-break-space-is-a-space"),
        pytest.param(
            {"Note.md": ""}, "[x](Note.md%23H)", [("a.md", 1, 1, CODE)], id="encoded-hash-is-part-of-the-path"
        ),
        pytest.param({}, "[x](Note%20(1).md)", [("a.md", 1, 1, CODE)], id="balanced-parentheses-missing"),
    ],
)
def test_markdown_destination_decoding(vault, files, link, expected):
    assert lk001(vault, {**files, "a.md": link}) == expected


# ---------------------------------------------------------------------------
# Wikilink grammar (§1.1, §1.2) and D6.
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("[[Note #H]]", [], id="D6-space-before-hash"),
        pytest.param("[[Note   #H]]", [], id="D6-spaces-before-hash"),
        pytest.param("[[ Note ]]", [], id="trimmed"),
        pytest.param("[[ Note#^abc ]]", [], id="trimmed-with-block"),
        pytest.param("[[Note |x]]", [], id="trimmed-before-alias"),
        pytest.param("[[Note|]]", [], id="empty-alias"),
        pytest.param("[[Note\\|x]]", [], id="escaped-pipe-outside-table"),
        pytest.param("[[Note\\]]", [], id="trailing-backslash-dropped"),
        pytest.param("[[Note|a|b]]", [], id="first-pipe-is-the-separator"),
        pytest.param("[[Note#H|x]]", [], id="subpath-and-alias"),
        pytest.param("[[a [[Note]]", [], id="inner-open-brackets-restart"),
        pytest.param("[[a [[Missing]]", [("a.md", 1, 5, CODE)], id="inner-open-brackets-restart-flagged"),
        pytest.param("[[|x]]", [("a.md", 1, 1, CODE)], id="leading-pipe-is-part-of-target"),
        pytest.param("[[Missing|Note]]", [("a.md", 1, 1, CODE)], id="alias-is-not-the-target"),
        pytest.param("[[Note#Missing]]", [], id="missing-heading-is-not-LK001"),
        pytest.param("[[Note#^missing]]", [], id="missing-block-is-not-LK001"),
    ],
)
def test_wikilink_grammar(vault, text, expected):
    assert lk001(vault, {"Note.md": "# H", "a.md": text}) == expected


def test_d6_file_name_with_trailing_space(vault):
    # §9.2 / D6: "Note .md" is accepted for [[Note]], [[Note #H]] and [[Note .md]].
    assert lk001(vault, {"Note .md": "# H", "a.md": "[[Note ]]\n[[Note #H]]\n[[Note .md]]"}) == []


# ---------------------------------------------------------------------------
# Aliases (§2.2, fixture 1).
# ---------------------------------------------------------------------------


def test_alias_is_not_a_target(vault):
    files = {
        "Artificial Intelligence.md": "---\naliases: [AI]\n---\n# AI",
        "a.md": "[[AI]] and [[Artificial Intelligence|AI]]",
    }
    assert lk001(vault, files) == [("a.md", 1, 1, CODE)]


def test_alias_hint_names_the_alias_owner(vault):
    files = {"Artificial Intelligence.md": "---\naliases: [AI]\n---\n", "a.md": "[[AI]]"}
    [diagnostic] = messages(run(vault(files), select=[CODE]), CODE)
    assert diagnostic.hint is not None and "Artificial Intelligence" in diagnostic.hint


@pytest.mark.parametrize(
    ("owner", "link"),
    [
        pytest.param("---\nAliases: [AI]\n---\n", "[[AI]]", id="key-case-insensitive"),
        pytest.param("---\naliases: File formats\n---\n", "[[File formats]]", id="scalar-alias-D4"),
        pytest.param("---\naliases: [AI]\n---\n", '---\nup: "[[AI]]"\n---\n', id="property-link"),
    ],
)
def test_alias_hint_forms(vault, owner, link):
    [diagnostic] = messages(run(vault({"Owner note.md": owner, "a.md": link}), select=[CODE]), CODE)
    assert diagnostic.hint is not None and "Owner note" in diagnostic.hint


def test_alias_hint_with_block_list_and_other_case(vault):
    files = {"Machine Learning.md": "---\naliases:\n  - ML\n---\n", "a.md": "[[ml]]"}
    [diagnostic] = messages(run(vault(files), select=[CODE]), CODE)
    assert diagnostic.hint is not None and "Machine Learning" in diagnostic.hint


# ---------------------------------------------------------------------------
# Property links (§7.4, fixture 15).
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frontmatter", "expected"),
    [
        pytest.param('up: "[[Missing]]"', [(2, 5)], id="quoted-value"),
        pytest.param("up: '[[Missing]]'", [(2, 5)], id="single-quoted-value"),
        pytest.param('up: "[[Parent]]"', [], id="resolves"),
        pytest.param('up: "[[Parent#Missing heading]]"', [], id="subpath-is-not-LK001"),
        pytest.param('up: "[[Missing|alias]]"', [(2, 5)], id="with-alias"),
        pytest.param('related:\n  - "[[Parent]]"\n  - "[[Missing]]"', [(4, 5)], id="list-item"),
        pytest.param('related: ["[[Parent]]", "[[Missing]]"]', [(2, 25)], id="flow-list-item"),
        pytest.param('project:\n  owner: "[[Missing]]"', [(3, 10)], id="nested-mapping"),
        pytest.param('up: "[[ Parent ]]"', [], id="trimmed"),
        pytest.param('up: "[[AI]]"', [(2, 5)], id="alias-is-not-a-target"),
    ],
)
def test_property_links(vault, frontmatter, expected):
    files = {
        "Parent.md": "",
        "Artificial Intelligence.md": "---\naliases: [AI]\n---\n",
        "a.md": f"---\n{frontmatter}\n---\n",
    }
    assert [(line, column) for _, line, column, _ in lk001(vault, files)] == expected


def test_property_with_two_links_is_one_garbage_link(vault):
    files = {"E.md": "", "F.md": "", "a.md": '---\ntwo: "[[E]], [[F]]"\n---\n'}
    report = run(vault(files), select=[CODE])
    assert found(report, CODE) == [("a.md", 2, 6, CODE)]
    [diagnostic] = messages(report, CODE)
    assert "one link per property value" in f"{diagnostic.message} {diagnostic.hint}"


# ---------------------------------------------------------------------------
# Which file a link reaches (§2.1 steps 3-7), observed through heading checks:
# each candidate note has a heading with its own label; a link "Path#label"
# raises no LK001/LK003 only for the label of the note it reaches.
# ---------------------------------------------------------------------------


def reached(vault, candidates, source, link, markdown=False):
    """Labels of the candidates that ``link`` (written in ``source``) reaches."""
    labels = list(candidates.values())
    if markdown:
        lines = [f"[x]({link}#{label})" for label in labels]
    else:
        lines = [f"[[{link}#{label}]]" for label in labels]
    files = {path: f"# {label}\n" for path, label in candidates.items()}
    files[source] = "\n".join(lines)
    report = run(vault(files), select=["LK001", "LK003"])
    flagged = {line for path, line, _, _ in found(report) if path == source}
    return [label for number, label in enumerate(labels, start=1) if number not in flagged]


def test_same_folder_preference_publish(vault):
    candidates = {"Sync/Security.md": "sync", "Publish/Security.md": "publish"}
    assert reached(vault, candidates, "Publish/Intro.md", "Security") == ["publish"]


def test_same_folder_preference_sync(vault):
    candidates = {"Sync/Security.md": "sync", "Publish/Security.md": "publish"}
    assert reached(vault, candidates, "Sync/Intro.md", "Security") == ["sync"]


def test_other_folder_takes_shortest_path(vault):
    candidates = {"Sync/Security.md": "sync", "Publish/Security.md": "publish"}
    assert reached(vault, candidates, "Teams/x.md", "Security") == ["sync"]


def test_same_folder_beats_shorter_path(vault):
    candidates = {"Z/Note.md": "z", "Projects/Deep/Note.md": "deep"}
    assert reached(vault, candidates, "Projects/Deep/x.md", "Note") == ["deep"]


def test_same_folder_group_includes_subfolders(vault):
    candidates = {"Z/Note.md": "z", "Proj/Sub/Note.md": "sub"}
    assert reached(vault, candidates, "Proj/x.md", "Note") == ["sub"]


def test_same_folder_test_is_a_plain_string_prefix(vault):
    # A note in "Proj/" also prefers "Project X/…" (§2.1 step 7, D3).
    candidates = {"Z/Note.md": "z", "Project X/Note.md": "px"}
    assert reached(vault, candidates, "Proj/x.md", "Note") == ["px"]


def test_root_note_groups_everything_and_takes_shortest(vault):
    candidates = {"Long folder/Note.md": "long", "B/Note.md": "b"}
    assert reached(vault, candidates, "x.md", "Note") == ["b"]


def test_vault_root_exact_match_beats_same_folder(vault):
    # Fixture 3: step 5 runs before the same-folder preference.
    candidates = {"Note.md": "root", "A/Note.md": "a"}
    assert reached(vault, candidates, "A/x.md", "Note") == ["root"]


def test_vault_root_exact_match_beats_same_folder_markdown(vault):
    candidates = {"Note.md": "root", "A/Note.md": "a"}
    assert reached(vault, candidates, "A/x.md", "Note.md", markdown=True) == ["root"]


def test_relative_link_reaches_same_folder_file(vault):
    candidates = {"Note.md": "root", "A/Note.md": "a"}
    assert reached(vault, candidates, "A/x.md", "./Note") == ["a"]


def test_full_vault_path_reaches_that_file(vault):
    candidates = {"Note.md": "root", "A/Note.md": "a"}
    assert reached(vault, candidates, "x.md", "A/Note") == ["a"]


def test_bare_name_with_single_candidate_anywhere(vault):
    assert reached(vault, {"Deep/Far/Note.md": "far"}, "Other/x.md", "Note") == ["far"]


def test_partial_path_prefers_vault_path_over_same_folder(vault):
    candidates = {"sub/Note.md": "root-sub", "deep/sub/Note.md": "deep-sub"}
    assert reached(vault, candidates, "deep/x.md", "sub/Note") == ["root-sub"]


def test_partial_path_suffix_takes_shortest(vault):
    candidates = {"aa/sub/Note.md": "aa", "b/sub/Note.md": "b"}
    assert reached(vault, candidates, "x.md", "sub/Note") == ["b"]


def test_partial_path_same_folder_group_first(vault):
    candidates = {"a/sub/Note.md": "a", "Project/deep/sub/Note.md": "project"}
    assert reached(vault, candidates, "Project/x.md", "sub/Note") == ["project"]


def test_dotted_name_is_looked_up_as_written_first(vault):
    # "Board.canvas" exists, so the ".md" fallback (Board.canvas.md) is not used.
    files = {"Board.canvas": "{}", "Board.canvas.md": "# Other", "a.md": "[[Board.canvas#Nothing]]"}
    assert found(run(vault(files), select=["LK001", "LK003"])) == []


# ---------------------------------------------------------------------------
# Symbolic links.  Obsidian follows some (§8.2), but issue 2 decides for safety
# that resolution never leaves the vault: links pointing outside it are not
# followed, so targets reached only through them are unresolved.
# ---------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path):
    """A folder next to the vault (not inside it, not above it) holding ``Ext Note.md``."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "Ext Note.md").write_text("# H\n", encoding="utf-8")
    return folder


def test_symlinked_outside_folder_is_not_followed(vault, outside):
    root = vault({"a.md": "[[ext/Ext Note]]\n[[Ext Note]]"})
    (root / "ext").symlink_to(outside, target_is_directory=True)
    assert found(run(root, select=[CODE]), CODE) == [("a.md", 1, 1, CODE), ("a.md", 2, 1, CODE)]


def test_symlinked_outside_file_is_not_followed(vault, outside):
    root = vault({"a.md": "[[link]]"})
    (root / "link.md").symlink_to(outside / "Ext Note.md")
    assert found(run(root, select=[CODE]), CODE) == [("a.md", 1, 1, CODE)]


def test_symlink_back_into_the_vault_is_not_followed(vault):
    root = vault({"real/N.md": "", "a.md": "[[real/N]]\n[[alias/N]]"})
    (root / "alias").symlink_to(root / "real", target_is_directory=True)
    assert found(run(root, select=[CODE]), CODE) == [("a.md", 2, 1, CODE)]


def test_symlink_to_a_parent_folder_is_not_followed(vault):
    root = vault({"a.md": "[[up/vault/a]]"})
    (root / "up").symlink_to(root.parent, target_is_directory=True)
    assert found(run(root, select=[CODE]), CODE) == [("a.md", 1, 1, CODE)]
