"""``vaultlint check --staged``: the staged notes, and the links staged renames and deletions break."""

from __future__ import annotations

import shutil

import pytest
from test_renames import git, make_repo

from vaultlint.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def staged(capsys, repo, *args: str) -> tuple[int, str]:
    code = main(["check", "--offline", "--no-cache", "--staged", "--output-format", "concise", *args, str(repo)])
    out = capsys.readouterr().out
    return code, out.replace(str(repo) + "/", "")


def test_a_folder_stands_for_its_staged_notes(tmp_path, capsys):
    repo = make_repo(tmp_path / "v", {"Old.md": "[[Nowhere]]\n", "Home.md": "# Home\n"})
    (repo / "Home.md").write_text("# Home\n\n[[Missing]]\n")
    (repo / "Draft.md").write_text("[[Unstaged]]\n")  # not staged: not part of the commit
    assert staged(capsys, repo) == (0, "All checks passed (0 notes checked).\n")
    git(repo, "add", "Home.md")
    code, out = staged(capsys, repo)
    assert code == 1
    assert "Home.md:3:1: LK001" in out and "Old.md" not in out and "Draft.md" not in out


def test_explicit_files_are_compared_with_head_too(tmp_path, capsys):
    """pre-commit run --all-files passes every note: each is checked, and only what the
    change adds fails (issue 17: the hook refuses a commit only for problems it introduces)."""
    repo = make_repo(tmp_path / "v", {"Old.md": "[[Nowhere]]\n", "Home.md": "# Home\n"})
    files = [str(repo / "Old.md"), str(repo / "Home.md")]
    assert main(["check", "--offline", "--no-cache", "--staged", *files]) == 0
    assert "All checks passed (2 notes checked)." in capsys.readouterr().out
    (repo / "Home.md").write_text("# Home\n\n[[Missing]]\n")
    git(repo, "add", "Home.md")
    code = main(["check", "--offline", "--no-cache", "--staged", "--output-format", "concise", *files])
    out = capsys.readouterr().out
    assert code == 1
    assert "Home.md:3:1: LK001" in out and "Old.md" not in out


def test_only_the_links_a_staged_rename_breaks_are_reported_in_other_notes_once(tmp_path, capsys):
    repo = make_repo(
        tmp_path / "v",
        {
            "pics/img.png": bytes(range(200)),
            "Project.md": "# Project\n\n![[img.png]]\n",
            "Home.md": "[[Project]] [[Old typo]] ![[img.png|100]]\n",
        },
    )
    git(repo, "mv", "Project.md", "Plan.md")
    git(repo, "mv", "pics/img.png", "pics/figure.png")
    code, out = staged(capsys, repo)
    assert code == 1
    lines = [line for line in out.splitlines() if ": LK" in line]
    # Plan.md is staged (whole note checked), Home.md only for the two links the renames broke.
    assert lines == [
        'Home.md:1:1: LK001 unresolved link "Project"',
        'Home.md:1:26: LK002 missing embed "img.png"',
        'Plan.md:3:1: LK002 missing embed "img.png"',
    ]
    main(["check", "--offline", "--no-cache", "--staged", "--fix", str(repo)])
    assert (repo / "Home.md").read_text() == "[[Plan]] [[Old typo]] ![[figure.png|100]]\n"
    assert (repo / "Plan.md").read_text() == "# Project\n\n![[figure.png]]\n"


def test_outside_git_staged_is_an_error_never_a_green_run(tmp_path, capsys):
    (tmp_path / "v" / ".obsidian").mkdir(parents=True)
    (tmp_path / "v" / "a.md").write_text("[[Missing]]\n")
    assert staged(capsys, tmp_path / "v") == (2, "")


def test_a_vault_in_a_folder_of_the_repository_with_no_note_staged(tmp_path, capsys, monkeypatch):
    """The hook with args [--vault-root, notes], run from the top when a commit stages no note."""
    repo = make_repo(tmp_path / "r", {"notes/Project.md": "# P\n", "notes/Home.md": "[[Project]]\n", "x.txt": "x\n"})
    git(repo, "rm", "-q", "notes/Project.md")
    monkeypatch.chdir(repo)
    code = main(["check", "--offline", "--no-cache", "--staged", "--vault-root", "notes", "--output-format", "concise"])
    assert code == 1
    assert 'Home.md:1:1: LK001 unresolved link "Project"' in capsys.readouterr().out
