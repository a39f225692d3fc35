"""Vault-wide rules: TG001 tag-case-mismatch, OR001 orphan-note, OR002 unused-attachment, OR003 empty-note."""

from __future__ import annotations

import json

from helpers import found, messages, run


def test_tag_case_mismatch_reports_the_minority_spelling(vault):
    root = vault(
        {
            "a.md": "#project and #Other\n",
            "b.md": "---\ntags: [project]\n---\n#project\n",
            "c.md": "#Project here\n",
            "d.md": "```\n#PROJECT in code\n```\n%% #PROJECT in a comment %%\n",
        }
    )
    report = run(root, select=["TG001"])
    assert found(report) == [("c.md", 1, 1, "TG001")]
    assert (
        messages(report)[0].message
        == 'tag "#Project" is also written "#project" (3 times); Obsidian treats them as one tag'
    )
    assert messages(report)[0].hint == 'write it "#project"'


def test_tag_case_mismatch_in_frontmatter_is_reported_at_the_item(vault):
    root = vault({"a.md": "#Books #Books\n", "b.md": "---\ntags:\n  - x\n  - books\n---\n"})
    assert found(run(root, select=["TG001"])) == [("b.md", 4, 5, "TG001")]


def test_tags_in_one_spelling_are_fine(vault):
    assert found(run(vault({"a.md": "#a #b/c\n", "b.md": "#a #b\n"}), select=["TG001"])) == []


def test_a_partial_run_still_compares_with_the_whole_vault(vault):
    root = vault({"a.md": "#Tag\n", "b.md": "#tag #tag\n", "c.md": "#tag\n"})
    assert found(run(root, paths=[root / "a.md"], select=["TG001"])) == [("a.md", 1, 1, "TG001")]


def test_orphans_count_every_kind_of_reference(vault):
    root = vault(
        {
            "index.md": "[[linked]] ![[embedded]] [md](mdlinked.md)\n%% [[in-comment]] %%\n",
            "props.md": '---\nup: "[[by-property]]"\n---\n',
            "linked.md": "",
            "embedded.md": "",
            "mdlinked.md": "",
            "in-comment.md": "",
            "by-property.md": "",
            "from-canvas.md": "",
            "from-card.md": "",
            "self.md": "[[self]]\n",
            "orphan.md": "",
            "Board.canvas": json.dumps(
                {"nodes": [{"type": "file", "file": "from-canvas.md"}, {"type": "text", "text": "see [[from-card]]"}]}
            ),
        }
    )
    assert [p for p, *_ in found(run(root, select=["OR001"]))] == ["index.md", "orphan.md", "props.md", "self.md"]


def test_unused_attachments(vault):
    root = vault(
        {
            "a.md": "![[used.png]] [doc](files/doc.pdf)\n",
            "used.png": b"",
            "unused.png": b"",
            "files/doc.pdf": b"",
            "files/old.pdf": b"",
            "Board.canvas": "{}",
        }
    )
    assert [p for p, *_ in found(run(root, select=["OR002"]))] == ["files/old.pdf", "unused.png"]


def test_empty_notes(vault):
    root = vault({"a.md": "---\ntitle: x\n---\n\n  \n", "b.md": "text\n", "c.md": ""})
    assert found(run(root, select=["OR003"])) == [("a.md", 1, 1, "OR003"), ("c.md", 1, 1, "OR003")]


def test_hygiene_rules_are_off_by_default_and_suppressible(vault):
    root = vault({"a.md": "", "b.md": "%% vaultlint-disable-file OR001 %%\n"})
    assert found(run(root)) == []
    assert found(run(root, select=["OR001", "VL"])) == [("a.md", 1, 1, "OR001")]
