"""LK002 missing-embed (OBSIDIAN.md §1.3, §2, §6, fixture 5).

An embed ``![[…]]`` or ``![alt](…)`` whose target file is not in the vault.
Positions: line and character column of the ``!``.
"""

from __future__ import annotations

import pytest
from rules_helpers import check, check_all, messages, run

CODE = "LK002"

ASSETS = {
    "diagram.png": b"\x89PNG",
    "doc.pdf": b"%PDF",
    "Note.md": "# Heading\n\ntext ^block\n",
    "Drawing.excalidraw.md": "---\nexcalidraw-plugin: parsed\n---\n",
    "View.base": "views: []",
    "Board.canvas": "{}",
    "archive.zip": b"PK",
}


def lk002(vault, text, **options):
    return check(vault, {**ASSETS, "a.md": text}, CODE, **options)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param("![[Missing.png]]", 1, 1, id="wiki-embed"),
        pytest.param("text ![[Missing.png]]", 1, 6, id="mid-line"),
        pytest.param("![[Missing note]]", 1, 1, id="note-embed"),
        pytest.param("![[diagram]]", 1, 1, id="attachment-without-extension"),
        pytest.param("![[Missing.png|300]]", 1, 1, id="with-size"),
        pytest.param("![[Missing.pdf#page=3]]", 1, 1, id="with-fragment"),
        pytest.param("![alt](Missing.png)", 1, 1, id="markdown-image"),
        pytest.param("![](Missing.png)", 1, 1, id="markdown-image-empty-alt"),
        pytest.param("See ![alt](Missing%20image.png)", 1, 5, id="markdown-image-encoded"),
        pytest.param("![alt](<Missing image.png>)", 1, 1, id="markdown-image-angle-brackets"),
        pytest.param("![[View]]", 1, 1, id="base-without-extension"),
        pytest.param("![[Board]]", 1, 1, id="canvas-without-extension"),
        pytest.param("![[.assets/diagram.png]]", 1, 1, id="dot-folder"),
        pytest.param("- ![[Missing.png]]", 1, 3, id="list-item"),
        pytest.param("- a\n\t- ![[Missing.png]]", 2, 4, id="nested-list-tab"),
        pytest.param("> ![[Missing.png]]", 1, 3, id="blockquote"),
        pytest.param("> [!info] Title\n> ![[Missing.png]]", 2, 3, id="callout"),
        pytest.param("| a | b |\n|---|---|\n| x | ![[Missing.png\\|100]] |", 3, 7, id="table-cell"),
        pytest.param("Text[^1]\n\n[^1]: ![[Missing.png]]", 3, 7, id="footnote"),
        pytest.param("# Title ![[Missing.png]]", 1, 9, id="heading"),
        pytest.param("<span>![[Missing.png]]</span>", 1, 7, id="inline-html"),
        pytest.param("![[Missing.png]]^fig1", 1, 1, id="followed-by-block-id"),
    ],
)
def test_flags_missing_embed_at_its_position(vault, text, line, column):
    assert lk002(vault, text) == [("a.md", line, column, CODE)]


def test_flags_every_missing_embed_on_a_line(vault):
    assert lk002(vault, "![[A.png]] ![[diagram.png]] ![b](B.png)") == [("a.md", 1, 1, CODE), ("a.md", 1, 29, CODE)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("![[diagram.png]]", id="exists"),
        pytest.param("![[DIAGRAM.PNG]]", id="case-insensitive"),
        pytest.param("![[diagram.png|300]]", id="width"),
        pytest.param("![[diagram.png|300x200]]", id="width-and-height"),
        pytest.param("![[diagram.png|a caption|300]]", id="caption-and-width"),
        pytest.param("![[diagram.png#interface]]", id="css-hook-fragment"),
        pytest.param("![[diagram.png#interface|300]]", id="fragment-and-size"),
        pytest.param("![[doc.pdf#page=3]]", id="pdf-page"),
        pytest.param("![[doc.pdf#height=400]]", id="pdf-height"),
        pytest.param("![[Note]]", id="note"),
        pytest.param("![[Note.md]]", id="note-with-extension"),
        pytest.param("![[Note#Missing heading]]", id="missing-heading-is-LK003"),
        pytest.param("![[Note#^missing]]", id="missing-block-is-LK004"),
        pytest.param("![[Drawing.excalidraw]]", id="excalidraw-fallback"),
        pytest.param("![[Drawing.excalidraw.md]]", id="excalidraw-full-name"),
        pytest.param("![[View.base]]", id="base"),
        pytest.param("![[Board.canvas]]", id="canvas"),
        pytest.param("![[archive.zip]]", id="unsupported-type-still-resolves"),
        pytest.param("![alt](diagram.png)", id="markdown-image"),
        pytest.param("![alt|100x145](diagram.png)", id="markdown-image-size"),
        pytest.param("![alt|100x145](https://example.com/x.png)", id="external-image"),
        pytest.param("![alt](note:x.png)", id="colon-means-external"),
        pytest.param("| a | b |\n|---|---|\n| x | ![[diagram.png\\|100]] |", id="table-escaped-pipe"),
        pytest.param("| a | b |\n|---|---|\n| ![[Missing.png|100]] | x |", id="table-unescaped-pipe-is-no-embed"),
        pytest.param("`![[Missing.png]]`", id="inline-code"),
        pytest.param("```\n![[Missing.png]]\n```", id="fenced-code"),
        pytest.param("para\n\n    ![[Missing.png]]", id="indented-code"),
        pytest.param("$![[Missing.png]]$", id="inline-math"),
        pytest.param("$$\n![[Missing.png]]\n$$", id="math-block"),
        pytest.param("<!-- ![[Missing.png]] -->", id="html-comment"),
        pytest.param("<div>\n![[Missing.png]]\n</div>", id="html-block"),
        pytest.param("```mermaid\ngraph TD\nA-->B\n%% ![[Missing.png]]\n```", id="mermaid"),
        pytest.param("!\\[[Missing.png]]", id="escaped-bracket"),
        pytest.param("![[]]", id="empty"),
        pytest.param("[[Missing.png]]", id="plain-link-is-LK001"),
        pytest.param("[x](Missing.png)", id="markdown-link-is-LK001"),
    ],
)
def test_does_not_flag(vault, text):
    assert lk002(vault, text) == []


@pytest.mark.parametrize(
    ("text", "by_default", "with_comments"),
    [
        pytest.param("%% ![[Missing.png]] %%", [], [(1, 4)], id="inline-comment"),
        pytest.param("%%\n![[Missing.png]]\n%%", [], [(2, 1)], id="block-comment"),
        pytest.param("%%\n\n![alt](Missing.png)", [], [(3, 1)], id="unterminated-comment"),
        pytest.param("![[A.png]] %% ![[B.png]] %%", [(1, 1)], [(1, 1), (1, 15)], id="mixed"),
    ],
)
def test_comments(vault, text, by_default, with_comments):
    assert [(line, col) for _, line, col, _ in lk002(vault, text)] == by_default
    assert [(line, col) for _, line, col, _ in lk002(vault, text, check_comments=True)] == with_comments


def test_missing_embed_is_lk002_only(vault):
    # Not also LK001; and its fragment is not checked (LK003/LK004).
    files = {"a.md": "![[Missing]]\n![[Missing.png#x]]\n![[Gone#^id]]"}
    assert check_all(vault, files) == [("a.md", 1, 1, CODE), ("a.md", 2, 1, CODE), ("a.md", 3, 1, CODE)]


def test_message_names_the_target(vault):
    [diagnostic] = messages(run(vault({"a.md": "![[Pasted image.png|300]]"}), select=[CODE]), CODE)
    assert '"Pasted image.png"' in diagnostic.message


def test_embed_in_other_folder_resolves_like_a_link(vault):
    files = {
        "assets/img/diagram.png": b"\x89PNG",
        "notes/a.md": "![[diagram.png]]\n![x](../assets/img/diagram.png)\n![x](/assets/img/diagram.png)",
    }
    assert check(vault, files, CODE) == []


def test_absolute_embed_needs_exact_path(vault):
    files = {"assets/diagram.png": b"\x89PNG", "a.md": "![[/diagram.png]]"}
    assert check(vault, files, CODE) == [("a.md", 1, 1, CODE)]
