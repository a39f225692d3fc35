"""FM004 unclosed-frontmatter (OBSIDIAN.md §7.1).

An opening ``---`` (first line, nothing after it) with no later line starting
with ``---``.  There is then no frontmatter: the text is ordinary Markdown.
Position: the opening fence.
"""

from __future__ import annotations

import pytest
from rules_helpers import check, check_all, messages, run

from vaultlint.model import Severity

CODE = "FM004"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("---\ntags: [project]\n# Heading\n", id="no-closing-fence"),
        pytest.param("---\n", id="only-opening-fence"),
        pytest.param("---\ntitle: x\n...\nbody\n", id="dots-do-not-close"),
        pytest.param("---\ntitle: x\n ---\nbody\n", id="indented-dashes-do-not-close"),
        pytest.param("---\ntitle: x\n- --\n", id="spaced-dashes-do-not-close"),
        pytest.param("\ufeff---\ntitle: x\n", id="bom-D8"),
        pytest.param("---\r\ntitle: x\r\n", id="crlf"),
    ],
)
def test_flags_unclosed(vault, text):
    assert check(vault, {"a.md": text}, CODE) == [("a.md", 1, 1, CODE)]


def test_is_a_warning(vault):
    [diagnostic] = messages(run(vault({"a.md": "---\na: 1\n"}), select=[CODE]), CODE)
    assert diagnostic.severity is Severity.WARNING


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("---\ntitle: x\n---\nbody", id="closed"),
        pytest.param("---\n---\n", id="empty-closed"),
        pytest.param("---\ntitle: x\n--- trailing text\nbody", id="characters-after-closing-dashes"),
        pytest.param("---\ntitle: x\n----\nbody", id="four-dashes-close"),
        pytest.param("---\ntitle: x\n---", id="closing-fence-at-end-without-newline"),
        pytest.param("--- \ntitle: x\n", id="trailing-space-not-an-opening"),
        pytest.param("----\ntitle: x\n", id="four-dash-opening-is-not-frontmatter"),
        pytest.param("\n---\ntitle: x\n", id="not-on-first-line"),
        pytest.param("text\n\n---\n", id="thematic-break"),
        pytest.param("", id="empty-file"),
    ],
)
def test_does_not_flag(vault, text):
    assert check(vault, {"a.md": text}, CODE) == []


def test_unclosed_block_is_body_markdown(vault):
    # No frontmatter at all: no property rules, and a [[link]] in it is a body link (LK001 at its column).
    text = "---\ntag: x\ntags: [2024]\nup: [[Missing]]\n"
    assert check_all(vault, {"a.md": text}) == [("a.md", 1, 1, CODE), ("a.md", 4, 5, "LK001")]
