"""Link repair after a rename git knows about: ``--fix`` and ``--diff`` on real git repositories."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from helpers import git, run, write_vault

from vaultlint.cli import main
from vaultlint.git.changes import staged_changes, worktree_changes
from vaultlint.git.run import GitError
from vaultlint.linkrepair import encode_markdown_destination

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def make_repo(root: Path, files: dict[str, str | bytes]) -> Path:
    """A vault committed to a new git repository, ``.obsidian/`` included."""
    write_vault(root, files)
    (root / ".obsidian" / "app.json").write_text("{}\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.invalid")
    git(root, "config", "user.name", "Test")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "vault")
    return root


PROJECT = "# Project\n\n## Goals\n\nThe plan. ^plan\n"
HOME = (
    "---\n"
    'up: "[[Project]]"\n'
    "related:\n"
    "  - '[[Project#Goals]]'\n"
    "---\n"
    "# Home\n"
    "\n"
    "See [[Project]], [[ Project#Goals | the goals ]] and ![[Project#^plan]].\n"
    'A [Markdown link](Project.md#Goals "title") and <!-- a comment -->.\n'
    "Also [[Elsewhere]], still missing.\n"
)


def test_fix_rewrites_only_the_target_of_each_link_to_a_renamed_note(tmp_path, capsys):
    repo = make_repo(tmp_path / "v", {"Project.md": PROJECT, "Home.md": HOME})
    git(repo, "mv", "Project.md", "Big Plan.md")
    main(["check", "--offline", "--no-cache", "--fix", str(repo)])
    assert (repo / "Home.md").read_text() == (
        "---\n"
        'up: "[[Big Plan]]"\n'
        "related:\n"
        "  - '[[Big Plan#Goals]]'\n"
        "---\n"
        "# Home\n"
        "\n"
        "See [[Big Plan]], [[ Big Plan#Goals | the goals ]] and ![[Big Plan#^plan]].\n"
        'A [Markdown link](Big%20Plan.md#Goals "title") and <!-- a comment -->.\n'
        "Also [[Elsewhere]], still missing.\n"
    )
    err = capsys.readouterr().err
    assert "Fixed 6 problems in 1 note." in err


def test_diff_shows_the_repair_and_writes_nothing(tmp_path, capsys):
    repo = make_repo(tmp_path / "v", {"Project.md": PROJECT, "Home.md": "See [[Project]].\n"})
    git(repo, "mv", "Project.md", "Plan.md")
    code = main(["check", "--offline", "--no-cache", "--diff", str(repo)])
    out = capsys.readouterr().out
    assert code == 1
    assert "-See [[Project]].\n+See [[Plan]].\n" in out
    assert (repo / "Home.md").read_text() == "See [[Project]].\n"


def test_a_plain_mv_into_a_folder_is_found_and_a_path_is_written_when_the_name_is_not_unique(tmp_path):
    repo = make_repo(
        tmp_path / "v",
        {"Project.md": PROJECT, "Home.md": "See [[Project]] and [p](Project.md).\n", "old/Plan.md": "# Old plan\n"},
    )
    (repo / "new").mkdir()
    (repo / "Project.md").rename(repo / "new" / "Plan.md")  # not staged: HEAD against the work tree
    report = run(repo, select=["LK001"])
    assert [d.hint for d in report.diagnostics] == [
        '"Project.md" was renamed to "new/Plan.md" (vaultlint check --fix updates the link)'
    ] * 2
    main(["check", "--offline", "--no-cache", "--fix", str(repo)])
    assert (repo / "Home.md").read_text() == "See [[new/Plan]] and [p](new/Plan.md).\n"
    assert git(repo, "status", "--porcelain") == " M Home.md\n D Project.md\n?? new/\n"  # the index untouched


def test_a_renamed_attachment_keeps_its_extension_and_size(tmp_path):
    image = bytes(range(256)) * 8
    repo = make_repo(tmp_path / "v", {"img.png": image, "Home.md": "![[img.png|300]] and ![](img.png)\n"})
    git(repo, "mv", "img.png", "diagram.png")
    main(["check", "--offline", "--no-cache", "--fix", str(repo)])
    assert (repo / "Home.md").read_text() == "![[diagram.png|300]] and ![](diagram.png)\n"


def test_no_fix_is_guessed_from_a_similar_name(tmp_path):
    repo = make_repo(tmp_path / "v", {"Project.md": PROJECT, "Home.md": "See [[Project]].\n"})
    git(repo, "rm", "-q", "Project.md")
    (repo / "Projects.md").write_text("Something else entirely, nothing like the old note.\n")
    report = run(repo, select=["LK001"])
    (diagnostic,) = report.diagnostics
    assert diagnostic.fix is None
    assert diagnostic.hint == '"Project.md" was deleted'
    main(["check", "--offline", "--no-cache", "--fix", str(repo)])
    assert (repo / "Home.md").read_text() == "See [[Project]].\n"


def test_outside_git_a_broken_link_is_only_reported(tmp_path):
    root = write_vault(tmp_path / "v", {"Projects.md": PROJECT, "Home.md": "See [[Project]].\n"})
    (diagnostic,) = run(root, select=["LK001"]).diagnostics
    assert diagnostic.fix is None and diagnostic.hint == 'did you mean "Projects"?'


def test_a_link_that_still_resolves_is_left_alone(tmp_path):
    repo = make_repo(tmp_path / "v", {"Project.md": PROJECT, "Home.md": "See [[Project]].\n"})
    (repo / "archive").mkdir()
    git(repo, "mv", "Project.md", "archive/Project.md")  # the bare name still finds it
    assert run(repo, select=["LK"]).diagnostics == ()


def test_git_changes_are_vault_relative_in_a_vault_below_the_repository_top(tmp_path):
    repo = make_repo(tmp_path / "r", {"notes/A.md": "a\n" * 20, "notes/B.md": "[[A]]\n", "README.md": "x\n"})
    git(repo, "mv", "notes/A.md", "notes/C.md")
    git(repo, "rm", "-q", "README.md")
    vault = repo / "notes"
    assert staged_changes(vault).renamed == {"A.md": "C.md"}
    assert staged_changes(vault).deleted == frozenset()
    assert worktree_changes(vault).renamed == {"A.md": "C.md"}
    assert staged_changes(repo).deleted == {"README.md"}
    with pytest.raises(GitError, match="not inside a git work tree"):
        staged_changes(tmp_path)


def test_markdown_destinations_are_percent_encoded():
    assert encode_markdown_destination("My Notes/Plan (v2) ü.md") == "My%20Notes/Plan%20%28v2%29%20%C3%BC.md"


def test_a_note_moved_to_the_trash_folder_counts_as_deleted(tmp_path):
    repo = make_repo(tmp_path / "v", {"Project.md": PROJECT, "Home.md": "See [[Project]].\n"})
    (repo / ".trash").mkdir()
    git(repo, "mv", "Project.md", ".trash/Project.md")
    (diagnostic,) = run(repo, select=["LK001"]).diagnostics
    assert diagnostic.hint == '"Project.md" was deleted' and diagnostic.fix is None


def test_a_plain_mv_in_a_vault_below_the_repository_top_leaves_the_index_alone(tmp_path):
    repo = make_repo(tmp_path / "r", {"notes/A.md": "a\nb\nc\nd\n", "notes/B.md": "[[A]]\n", "big.bin": b"x"})
    (repo / "notes" / "sub").mkdir()
    (repo / "notes" / "A.md").rename(repo / "notes" / "sub" / "Z.md")
    (repo / "untracked.bin").write_bytes(b"\0" * 1000)  # not offered to git: no deleted .bin file
    before = (repo / ".git" / "index").read_bytes()
    assert worktree_changes(repo / "notes").renamed == {"A.md": "sub/Z.md"}
    assert (repo / ".git" / "index").read_bytes() == before


@pytest.mark.parametrize(
    ("line", "new", "expected"),
    [
        ("[[Project|C# notes]]", "Plan", "[[Plan|C# notes]]"),
        ("[[Project#Goals#Sub]]", "Plan", "[[Plan#Goals#Sub]]"),
        ('[a [nested] text](Project%20One.md "t")', "Plan B.md", '[a [nested] text](Plan%20B.md "t")'),
        ("[p](<Project One.md#Goals>)", "Plan B.md", "[p](<Plan%20B.md#Goals>)"),
        ("[p](Project_(old).md)", "Plan.md", "[p](Plan.md)"),
        ("[[Project]] and [[Project]]", "Plan", "[[Plan]] and [[Plan]]"),
    ],
)
def test_only_the_target_changes(line, new, expected):
    from vaultlint.fix import apply_edits
    from vaultlint.linkrepair import target_edit
    from vaultlint.syntax.note import parse_note

    note = parse_note("a.md", line + "\n")
    edits = [target_edit(line + "\n", link, new) for link in note.links]
    assert None not in edits
    assert apply_edits(line + "\n", edits) == expected + "\n"


@pytest.mark.parametrize(
    ("text", "new"),
    [
        ("---\nup: '[[Project]]'\n---\n", "Bob's Plan"),  # would need YAML escaping
        ("[[Project]]\n", "C# Plan"),  # a name a wikilink cannot hold
    ],
)
def test_no_edit_when_the_new_name_cannot_be_written_there(text, new):
    from vaultlint.linkrepair import target_edit
    from vaultlint.syntax.note import parse_note

    (link,) = parse_note("a.md", text).links
    assert target_edit(text, link, new) is None
