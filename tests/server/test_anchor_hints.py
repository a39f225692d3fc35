"""'Did you mean' for headings and block ids (LK003, LK004) as an edit: the hint's heading or
block written into the link in its own style, offered only when the link then reaches it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_vault

import vaultlint
from vaultlint.fix import apply_edits
from vaultlint.server.anchorhints import anchor_did_you_mean
from vaultlint.workspace import Workspace

TARGET = "# Introduction\n\n## Getting Started\n\nA paragraph. ^abc123\n\n# Detail\n\n# Part A\n\n## Other\n"


def offered(tmp_path: Path, line: str) -> tuple[str | None, str | None]:
    """(the action's title, the line once its edit is applied) for the one LK003/LK004 on ``line``."""
    root = write_vault(tmp_path / "v", {"Target.md": TARGET, "note.md": line + "\n"})
    with Workspace(root, offline=True, no_cache=True) as ws:
        [found] = [d for d in ws.diagnostics("note.md") if d.code in ("LK003", "LK004")]
        note = ws.note("note.md")
        [link] = [link for link in note.links if link.span == found.span]
        made = anchor_did_you_mean(found, link, "note.md", ws.text("note.md"), ws)
    if made is None:
        return None, None
    title, edit = made
    fixed = apply_edits(line + "\n", [edit])
    (root / "note.md").write_text(fixed, encoding="utf-8")
    assert [d.code for d in vaultlint.lint(root, offline=True, no_cache=True).diagnostics if d.path == "note.md"] == []
    return title, fixed.rstrip("\n")


@pytest.mark.parametrize(
    ("line", "title", "fixed"),
    [
        ("[[Target#Introductoin]]", 'Link "#Introduction" instead', "[[Target#Introduction]]"),
        ("[[Target#Introductoin|intro]]", 'Link "#Introduction" instead', "[[Target#Introduction|intro]]"),
        ("![[Target#Getting Startd]]", 'Link "#Getting Started" instead', "![[Target#Getting Started]]"),
        ("[[Target#getting-started]]", 'Link "#Getting Started" instead', "[[Target#Getting Started]]"),
        ("[x](Target.md#getting-started)", 'Link "#Getting Started" instead', "[x](Target.md#Getting%20Started)"),
        ("[x](Target.md#Getting%20Startd)", 'Link "#Getting Started" instead', "[x](Target.md#Getting%20Started)"),
        (
            "[[Target#Introduction#Getting Startd]]",
            'Link "#Getting Started" instead',
            "[[Target#Introduction#Getting Started]]",
        ),
        ("[[Target#^abc124]]", 'Link "#^abc123" instead', "[[Target#^abc123]]"),
        ("[x](Target.md#^abc124)", 'Link "#^abc123" instead', "[x](Target.md#^abc123)"),
    ],
)
def test_the_hinted_heading_or_block_is_written_into_the_link(
    tmp_path: Path, line: str, title: str, fixed: str
) -> None:
    assert offered(tmp_path, line) == (title, fixed)


def test_a_link_into_the_note_itself(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "v", {"Target.md": TARGET + "\nSee [[#Introductoin]].\n"})
    with Workspace(root, offline=True, no_cache=True) as ws:
        [found] = [d for d in ws.diagnostics("Target.md") if d.code == "LK003"]
        [link] = [link for link in ws.note("Target.md").links if link.span == found.span]
        title, edit = anchor_did_you_mean(found, link, "Target.md", ws.text("Target.md"), ws)
    assert (title, edit.text) == ('Link "#Introduction" instead', "Introduction")


def test_no_action_when_the_hinted_heading_would_not_be_reached(tmp_path: Path) -> None:
    """ "Detail" comes before "Part A": the path Part A -> Detail reaches nothing, hint or not."""
    assert offered(tmp_path, "[[Target#Part A#Detial]]") == (None, None)


def test_no_action_without_a_hint(tmp_path: Path) -> None:
    assert offered(tmp_path, "[[Target#Completely unrelated words]]") == (None, None)
