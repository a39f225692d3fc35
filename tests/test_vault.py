"""Vault discovery, what exists, what is reported on, and Obsidian's settings."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

from helpers import found, run, write_vault

from vaultlint.engine import LintOptions, lint, locate_vault
from vaultlint.vault import VaultIndex, is_user_ignored, scan_vault


def test_vault_root_is_the_nearest_folder_with_obsidian(tmp_path):
    root = write_vault(tmp_path / "v", {"notes/deep/a.md": ""})
    assert locate_vault([root / "notes" / "deep" / "a.md"], None, ".obsidian", None) == root.resolve()


def test_vault_root_falls_back_to_the_given_folder(tmp_path):
    root = write_vault(tmp_path / "plain", {"a.md": ""}, obsidian=False)
    assert locate_vault([root], None, ".obsidian", None) == root.resolve()


def test_custom_config_folder_name(tmp_path):
    root = write_vault(tmp_path / "v", {"sub/a.md": ""}, obsidian=False)
    (root / ".config-obs").mkdir()
    assert locate_vault([root / "sub"], None, ".config-obs", None) == root.resolve()


def test_checking_one_file_resolves_against_the_whole_vault(tmp_path):
    root = write_vault(
        tmp_path / "v", {"a.md": "[[b#H]] [[missing]]\n", "far/away/b.md": "# H\n", "c.md": "[[nope]]\n"}
    )
    report = lint(LintOptions(paths=(root / "a.md",), offline=True))
    assert found(report) == [("a.md", 1, 9, "LK001")]
    assert report.files_checked == 1


def test_dot_folders_are_not_in_the_vault(vault):
    root = vault({".drafts/x.md": "[[broken]]\n", "a.md": "[[x]] [[.drafts/x]]\n", ".trash/t.md": ""})
    assert found(run(root)) == [("a.md", 1, 1, "LK001"), ("a.md", 1, 7, "LK001")]


def test_gitignored_notes_are_not_reported_on_but_still_exist(vault):
    root = vault(
        {
            ".gitignore": "private/\n*.draft.md\n!keep.draft.md\n",
            "private/p.md": "[[gone]]\n",
            "x.draft.md": "[[gone]]\n",
            "keep.draft.md": "[[gone]]\n",
            "a.md": "[[private/p]]\n",
        }
    )
    assert found(run(root)) == [("keep.draft.md", 1, 1, "LK001")]
    assert [d for d in found(run(root, respect_gitignore=False))] == [
        ("keep.draft.md", 1, 1, "LK001"),
        ("private/p.md", 1, 1, "LK001"),
        ("x.draft.md", 1, 1, "LK001"),
    ]


def test_nested_gitignore_and_parent_gitignore(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".gitignore").write_text("vault/generated/\n")
    root = write_vault(
        repo / "vault",
        {"sub/.gitignore": "local.md\n", "sub/local.md": "[[x]]\n", "generated/g.md": "[[x]]\n", "a.md": "[[x]]\n"},
    )
    assert found(run(root)) == [("a.md", 1, 1, "LK001")]


def test_template_folders_are_not_reported_on_but_still_resolve(vault):
    root = vault(
        {
            "Templates/Daily.md": "---\ndate: {{date}}\n---\n[[{{title}}]]\n",
            "z/T.md": "[[nothing]]\n",
            "a.md": "![[Templates/Daily]] [[T]]\n",
        }
    )
    (root / ".obsidian" / "templates.json").write_text(json.dumps({"folder": "Templates"}))
    plugin = root / ".obsidian" / "plugins" / "templater-obsidian"
    plugin.mkdir(parents=True)
    (plugin / "data.json").write_text(json.dumps({"templates_folder": "/z"}))
    assert found(run(root)) == []
    assert [d[3] for d in found(run(root, lint_templates=True))] == ["FM001", "LK001", "LK001"]


def test_obsidian_excluded_files_still_resolve_and_are_optionally_skipped(vault):
    root = vault({"Archive/Old.md": "[[gone]]\n", "a.md": "[[Archive/Old]]\n"})
    (root / ".obsidian" / "app.json").write_text(json.dumps({"userIgnoreFilters": ["Archive/"]}))
    assert found(run(root)) == [("Archive/Old.md", 1, 1, "LK001")]
    assert found(run(root, respect_obsidian_excluded=True)) == []


def test_user_ignore_filters_semantics():
    assert is_user_ignored("Archive2/x.md", ["Archive"])
    assert not is_user_ignored("Archive2/x.md", ["Archive/"])
    assert is_user_ignored("notes/DRAFT-1.md", ["/draft-\\d/"])
    assert not is_user_ignored("notes/x.md", ["/[/"])  # a bad regex is skipped


def test_nfd_file_names_match_nfc_links(vault):
    root = vault({unicodedata.normalize("NFD", "Café.md"): "", "a.md": "[[Café]] [[CAFÉ]]\n"})
    assert found(run(root)) == []


def test_scan_finds_every_file_of_any_extension(vault):
    root = vault({"a.md": "", "img/p.png": b"", "data.csv": "", "Board.canvas": "{}"})
    assert [f.path for f in scan_vault(root).files] == ["Board.canvas", "a.md", "data.csv", "img/p.png"]


class TestResolveAlgorithm:
    """OBSIDIAN.md §2.1 step by step, on the index alone."""

    index = VaultIndex(
        [
            "Note.md",
            "A/Note.md",
            "Sync/Security.md",
            "Publish/Security.md",
            "Projects/A/Sibling.md",
            "Projects/Other/Note2.md",
            "Root Note.md",
            "x/B/Deep.md",
            "x/xB/Deep2.md",
            "diagram.png",
            "Drawing.excalidraw.md",
            "v1.2 notes.md",
            "Proj/p.md",
            "Project X/Thing.md",
            "Alpha/Thing.md",
            "Tie/aa/T.md",
            "Tie/bb/T.md",
        ]
    )

    def target(self, link: str, source: str = "s.md") -> str | None:
        return self.index.resolve(link, source).target

    def test_empty_path_is_the_source(self):
        assert self.target("", "A/Note.md") == "A/Note.md"

    def test_root_exact_match_beats_same_folder(self):
        assert self.target("Note", "A/x.md") == "Note.md"

    def test_same_folder_then_shortest(self):
        assert self.target("Security", "Publish/Intro.md") == "Publish/Security.md"
        assert self.target("Security", "Sync/Intro.md") == "Sync/Security.md"
        assert self.target("Security", "Teams/x.md") == "Sync/Security.md"

    def test_relative_and_absolute(self):
        assert self.target("./Sibling", "Projects/A/note.md") == "Projects/A/Sibling.md"
        assert self.target("../Other/Note2", "Projects/A/note.md") == "Projects/Other/Note2.md"
        assert self.target("./../Other/Note2", "Projects/A/note.md") == "Projects/Other/Note2.md"
        assert self.target("/Root Note", "Projects/A/note.md") == "Root Note.md"
        assert self.target("/Deep", "x.md") is None

    def test_dot_dot_above_the_root_stops_at_the_root(self):
        # D13: the extra "../" are dropped, the rest is resolved from the root.
        assert self.target("../../Projects/Other/Note2", "Projects/x.md") == "Projects/Other/Note2.md"
        assert self.target("../../../Note", "A/x.md") == "Note.md"
        assert self.target("../Root Note", "x.md") == "Root Note.md"
        assert self.target("./../../Root Note", "x.md") == "Root Note.md"
        assert self.target("../../Projects/Missing", "Projects/x.md") is None
        assert self.target("../..", "A/x.md") is None
        # The clamped path goes on to the suffix match like any resolved relative path (§2.1 step 4).
        assert self.target("../../Other/Note2", "Projects/x.md") == "Projects/Other/Note2.md"

    def test_partial_paths_are_plain_string_suffixes(self):
        assert self.target("B/Deep") == "x/B/Deep.md"
        assert self.target("B/Deep2") == "x/xB/Deep2.md"

    def test_extensions(self):
        assert self.target("diagram") is None
        assert self.target("diagram.png") == "diagram.png"
        assert self.target("DIAGRAM.PNG") == "diagram.png"
        assert self.target("Drawing.excalidraw") == "Drawing.excalidraw.md"
        assert self.target("v1.2 notes") == "v1.2 notes.md"
        assert self.target("Note.MD") == "Note.md"

    def test_same_folder_is_a_plain_string_prefix(self):
        assert self.target("Thing", "Proj/p.md") == "Project X/Thing.md"

    def test_ties_pick_alphabetically_and_say_so(self):
        result = self.index.resolve("T", "elsewhere.md")
        assert (result.target, result.tied) == ("Tie/aa/T.md", ("Tie/bb/T.md",))
        assert self.index.resolve("Security", "Teams/x.md").tied == ()


def test_paths_with_windows_backslashes_are_not_separators(vault):
    root = vault({"folder/note.md": "", "a.md": "[[folder\\note]]\n"})
    report = run(root)
    assert found(report) == [("a.md", 1, 1, "LK001")]
    assert report.diagnostics[0].hint == 'use "/" to separate folders in links, not "\\"'


def test_explicit_vault_root_needs_a_folder(tmp_path):
    import pytest

    from vaultlint.vault import VaultError

    with pytest.raises(VaultError):
        locate_vault([tmp_path], tmp_path / "missing", ".obsidian", None)
    assert Path(tmp_path).exists()


def test_bare_names_resolve_as_from_their_folder():
    """A link without "/" is answered once for every folder when one file (or none) has its name:
    every answer equals the folder-by-folder resolution, twins and case and NFD names included."""
    paths = [
        "Note.md",
        "a/Note.md",  # twins: the folder decides
        "a/b/Note.md",
        "b/Unique.md",
        "c/UPPER.md",
        "c/image.png",
        "d/image.png",
        "e/file.v2.md",
        "e/Caf\u00e9.md",
        "f/Name .md",
        "g/archive.tar.gz",
        "h/.md",
        "a/Twin.md",
        "a/b/Twin.md",
    ]
    index = VaultIndex(paths)
    links = ["Note", "note.md", "Unique", "unique.MD", "upper", "image.png", "IMAGE.PNG", "file.v2", "file.v2.md"]
    links += [
        unicodedata.normalize("NFD", "Caf\u00e9"),
        "Name ",
        "Name",
        "archive.tar.gz",
        "archive.tar",
        "",
        "Missing",
        "Twin",
    ]
    links += [".", "..", ".md", "b/Unique", "./Note", "../Note", "/Note", "a/Note"]
    sources = ["Top.md", "a/X.md", "a/b/X.md", "b/X.md", "z/y/X.md"]
    for source in sources:
        folder = source.rpartition("/")[0]
        for link in links:
            expected = index._resolve_from_folder(link, folder) if link else None
            if expected is not None:
                assert index.resolve(link, source) == expected, (link, source)
    assert index.resolve("Unique", "a/X.md").target == "b/Unique.md"
    assert index.resolve("Note", "a/b/X.md").target == "Note.md"  # the exact vault path first
    assert index.resolve("Twin", "a/b/X.md").target == "a/b/Twin.md"  # then the same folder
    assert index.resolve("Twin", "z/X.md").target == "a/Twin.md"
    # A renamed index answers from its own names, not from what the index it came from remembered.
    renamed = index.renamed({"b/Unique.md": "b/Other.md"})
    assert renamed.resolve("Unique", "a/X.md").target is None
    assert renamed.resolve("Other", "a/X.md").target == "b/Other.md"
    # And chooses among a shared name's files as they are now (the order step 7 reads is per index).
    moved = index.renamed({"a/b/Twin.md": "c/Twin.md"})
    assert moved.resolve("Twin", "c/X.md").target == "c/Twin.md"
    assert moved.resolve("Twin", "a/b/X.md").target == "a/Twin.md"


def test_a_context_resolves_each_link_of_a_note_once_and_follows_a_new_index(tmp_path):
    """The rules of one note ask for its links again and again: the index is asked once per link
    path and note; another note, or another index (files renamed), is asked afresh."""
    import dataclasses

    from vaultlint.context import LintContext
    from vaultlint.model import Link, LinkKind, Span

    root = write_vault(tmp_path / "v", {"a/Note.md": "", "b/Note.md": "", "b/Other.md": ""})
    vault = scan_vault(root)
    context = LintContext(vault, loader=None, property_types={})  # type: ignore[arg-type]
    asked: list[tuple[str, str]] = []
    real = vault.index.resolve

    def counted(link_path: str, source: str):
        asked.append((link_path, source))
        return real(link_path, source)

    vault.index.resolve = counted  # type: ignore[method-assign]

    def link(path: str) -> Link:
        return Link(LinkKind.WIKILINK, path, path, "", Span(1, 1, 1, 2))

    for _ in range(3):
        assert context.resolve(link("Note"), "b/X.md").target == "b/Note.md"
        assert context.resolve(link("Missing"), "b/X.md").target is None
    assert context.resolve(link("Note"), "a/X.md").target == "a/Note.md"
    assert asked == [("Note", "b/X.md"), ("Missing", "b/X.md"), ("Missing ", "b/X.md"), ("Note", "a/X.md")]
    moved = dataclasses.replace(vault, index=vault.index.renamed({"a/Note.md": "a/Gone.md"}))
    context.vault = moved
    assert context.resolve(link("Note"), "a/X.md").target == "b/Note.md"


def test_the_index_tables_are_made_on_first_use_and_answer_as_before():
    """A run answered whole by the cache resolves nothing: the tables by name and by lower-cased
    path are made when first asked for (either makes both), then read as plain attributes."""
    index = VaultIndex(["b/Note.md", "a/note.md", "x.png", "A/NOTE.md"])
    assert index.paths == ("A/NOTE.md", "a/note.md", "b/Note.md", "x.png")
    assert "by_name" not in vars(index) and "_by_lower_path" not in vars(index)
    assert index.exact("a/NOTE.MD") == "A/NOTE.md"  # the first of case twins in path order
    assert "by_name" in vars(index) and "_by_lower_path" in vars(index)
    assert index.by_name["note.md"] == ["A/NOTE.md", "a/note.md", "b/Note.md"]
    fresh = VaultIndex(index.paths)
    assert fresh.by_name is fresh.by_name and "x.png" in fresh.by_name and "x.png" in fresh
    renamed = fresh.renamed({"x.png": "y/x2.png"})
    assert "y/x2.png" in renamed and "x.png" not in renamed and "x.png" in fresh
