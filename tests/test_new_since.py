"""Only what a change broke (issue 17 point 1): ``--new-since REF`` and ``--staged``, on real git repositories."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from helpers import SHARED
from test_renames import git, make_repo
from test_url_stage import Handler, server  # noqa: F401 - the loopback server fixture

from vaultlint.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def check(capsys, repo: Path, *args: str) -> tuple[int, str, str]:
    code = main(["check", "--offline", "--no-cache", "--output-format", "concise", *args, str(repo)])
    out, err = capsys.readouterr()
    return code, out.replace(str(repo) + "/", ""), err


def problems(out: str) -> list[str]:
    return [line for line in out.splitlines() if ": " in line and not line.startswith("Found")]


def commit(repo: Path, message: str = "change") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def branch(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", "work")


def test_an_old_problem_in_a_changed_note_is_not_new_a_new_one_is(tmp_path, capsys):
    repo = make_repo(tmp_path / "v", {"A.md": "# A\n\n[[Gone]]\n", "B.md": "[[Away]]\n"})
    branch(repo)
    (repo / "A.md").write_text("# A\n\nmore text above\n\n[[Gone]] and [[Missing]]\n")
    commit(repo)
    code, out, _ = check(capsys, repo, "--new-since", "main")
    assert code == 1
    assert problems(out) == ['A.md:5:14: LK001 unresolved link "Missing"']  # not Gone (older), not B.md
    assert "in 1 of 1 note" in out


def test_counted_per_key_a_second_identical_problem_is_new(tmp_path, capsys):
    repo = make_repo(tmp_path / "v", {"A.md": "[[Gone]]\n"})
    (repo / "A.md").write_text("[[Gone]]\n[[Gone]]\n")  # not committed: the work tree counts
    code, out, _ = check(capsys, repo, "--new-since", "main")
    assert (code, len(problems(out))) == (1, 1)


def test_a_committed_rename_reports_exactly_the_links_it_breaks_and_fix_repairs_them(tmp_path, capsys):
    """Issue 17: after ``git mv`` + ``git commit --no-verify`` nothing could repair the links."""
    repo = make_repo(
        tmp_path / "v",
        {
            "Items/Blood root.md": "# Blood root\n\n[[Old problem]]\n",
            "Home.md": "[[Blood root]] [[Typo]]\n",
            "Other.md": "see [[Blood root#Blood root]]\n",
            "Far.md": "[[Elsewhere]]\n",
        },
    )
    branch(repo)
    git(repo, "mv", "Items/Blood root.md", "Items/Bloodroot.md")
    commit(repo, "rename")
    code, out, _ = check(capsys, repo, "--new-since", "main")
    assert code == 1
    assert problems(out) == [
        'Home.md:1:1: LK001 unresolved link "Blood root"',
        'Other.md:1:5: LK001 unresolved link "Blood root"',
    ]
    assert "in 2 of 3 notes" in out  # the renamed note and the two that link it; Far.md not checked
    code, _, err = check(capsys, repo, "--new-since", "main", "--fix")
    assert code == 0 and "Fixed 2 problems in 2 notes" in err
    assert (repo / "Home.md").read_text() == "[[Bloodroot]] [[Typo]]\n"
    assert (repo / "Other.md").read_text() == "see [[Bloodroot#Blood root]]\n"


def test_diff_since_a_ref_shows_the_repair(tmp_path, capsys):
    repo = make_repo(tmp_path / "v", {"Project.md": "# P\n", "Home.md": "[Plan](Project.md)\n"})
    branch(repo)
    git(repo, "mv", "Project.md", "Plan 2.md")
    commit(repo)
    code, out, _ = check(capsys, repo, "--new-since", "main", "--diff")
    assert code == 1
    assert "-[Plan](Project.md)\n+[Plan](Plan%202.md)\n" in out
    assert (repo / "Home.md").read_text() == "[Plan](Project.md)\n"


def test_a_heading_renamed_in_one_note_is_new_in_the_note_that_links_it(tmp_path, capsys):
    repo = make_repo(
        tmp_path / "v", {"A.md": "# A\n\n## Goals\n", "B.md": "[[A#Goals]] [[A#Never]]\n", "C.md": "[[A]]\n"}
    )
    (repo / "A.md").write_text("# A\n\n## Aims\n")
    code, out, _ = check(capsys, repo, "--new-since", "HEAD")
    assert code == 1
    assert problems(out) == ['B.md:1:1: LK003 no heading "Goals" in "A.md"']  # not "Never": older
    assert "in 1 of 3 notes" in out  # A.md changed; B.md and C.md link it; nothing else checked


def test_a_new_file_that_makes_a_link_ambiguous_or_an_untracked_note_is_seen(tmp_path, capsys):
    repo = make_repo(tmp_path / "v", {"A.md": "[[Topic]]\n", "x/Topic.md": "# T\n"})
    (repo / "New.md").write_text("[[Nowhere]]\n")  # untracked: new since HEAD all the same
    code, out, _ = check(capsys, repo, "--new-since", "HEAD")
    assert code == 1
    assert problems(out) == ['New.md:1:1: LK001 unresolved link "Nowhere"']


def test_nothing_changed_checks_nothing_and_passes(tmp_path, capsys):
    repo = make_repo(tmp_path / "v", {"A.md": "[[Gone]]\n", "a#b.md": "x\n"})
    code, out, _ = check(capsys, repo, "--new-since", "HEAD")
    assert (code, out) == (0, "All checks passed (0 notes checked).\n")


def test_staged_with_nothing_staged_reports_no_untouched_file_and_sane_counts(tmp_path, capsys):
    """Issue 17: "3 FN001 for unrelated files ... in 3 of 0 notes"."""
    repo = make_repo(tmp_path / "v", {"A.md": "[[Gone]]\n", "a#b.md": "x\n", "c^d.png": b"\x89PNG"})
    code, out, _ = check(capsys, repo, "--staged")
    assert (code, out) == (0, "All checks passed (0 notes checked).\n")
    (repo / "e#f.md").write_text("x\n")
    git(repo, "add", "e#f.md")
    code, out, _ = check(capsys, repo, "--staged", "--select", "FN")
    assert problems(out) == ['e#f.md:1:1: FN001 file name contains "#": Obsidian says links do not work with it']
    assert "in 1 of 1 note" in out


@pytest.mark.parametrize(
    ("setup", "ref", "expected"),
    [
        ("empty", "HEAD", "the repository has no commits yet"),
        ("plain", "origin/nope", "no such commit here (fetch it first: git fetch origin nope)"),
        ("plain", "--output=x", "not a git revision"),
        ("none", "HEAD", "not inside a git work tree"),
    ],
)
def test_a_ref_git_cannot_give_is_a_one_line_error(tmp_path, capsys, setup, ref, expected):
    repo = tmp_path / "v"
    (repo / ".obsidian").mkdir(parents=True)
    (repo / "A.md").write_text("[[Gone]]\n")
    if setup == "empty":
        git(repo, "init", "-q")
    elif setup == "plain":
        make_repo(repo, {})
    code, out, err = check(capsys, repo, f"--new-since={ref}")
    assert (code, out) == (2, "")
    assert err.startswith("vaultlint: error: --new-since") and expected in err and len(err.splitlines()) == 1


def test_a_shallow_clone_without_the_ref_names_fetch_depth(tmp_path, capsys):
    origin = make_repo(tmp_path / "origin", {"A.md": "# A\n"})
    (origin / "A.md").write_text("# A\n\nmore\n")
    commit(origin, "second")
    first = git(origin, "rev-parse", "HEAD~1").strip()
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{origin}", str(clone)], check=True, timeout=60)
    code, _, err = check(capsys, clone, "--new-since", first)
    assert code == 2
    assert "shallow clone" in err and "fetch-depth: 0" in err


def test_staged_and_new_since_together_are_refused(tmp_path, capsys):
    repo = make_repo(tmp_path / "v", {"A.md": "x\n"})
    code, _, err = check(capsys, repo, "--staged", "--new-since", "HEAD")
    assert code == 2 and "cannot be combined" in err


KEPANO = SHARED / "corpora" / "kepano-vault"


@pytest.mark.skipif(not KEPANO.is_dir(), reason="../shared/corpora is not present")
def test_the_kepano_rename_flow_from_git_mv_to_a_passing_commit(tmp_path, capsys):
    """Issue 17: the rename is refused naming exactly the links it breaks (not the renamed
    note's own old problems), ``--staged --fix`` repairs them, and after ``git add -A`` it passes."""
    repo = tmp_path / "kepano"
    shutil.copytree(KEPANO, repo, ignore=shutil.ignore_patterns(".obsidian"))
    for path in (repo, *repo.rglob("*")):
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    make_repo(repo, {})
    shutil.rmtree(repo / ".obsidian")  # the setup: no committed config folder
    git(repo, "mv", "References/Kyoto.md", "References/Kyoto (city).md")
    code, out, _ = check(capsys, repo, "--staged")
    assert code == 1
    assert problems(out) == [
        'Notes/2023 Japan Trip.md:7:5: LK001 unresolved link "Kyoto" in property "loc.0"',
        'References/Fushimi Inari.md:8:5: LK001 unresolved link "Kyoto" in property "loc.0"',
    ]
    code, _, err = check(capsys, repo, "--staged", "--fix")
    assert code == 0 and "Fixed 2 problems in 2 notes" in err
    git(repo, "add", "-A")
    assert check(capsys, repo, "--staged")[0] == 0
    git(repo, "commit", "-q", "-m", "rename")
    assert "[[Kyoto (city)]]" in (repo / "References" / "Fushimi Inari.md").read_text()


def test_only_urls_new_in_a_note_are_checked(tmp_path, capsys, server):  # noqa: F811
    """A dead URL the note held before is not new (a loopback server: nothing leaves the machine)."""
    repo = make_repo(tmp_path / "v", {"A.md": f"<{server}/old>\n"})
    (repo / "A.md").write_text(f"<{server}/old>\n<{server}/new>\n")
    args = ["check", "--no-cache", "--allow-private-urls", "--select", "UR", "--output-format", "concise"]
    assert main([*args, "--new-since", "HEAD", str(repo)]) == 1
    out = capsys.readouterr().out
    assert f"{server}/new" in out and "/old" not in out
    assert Handler.seen["/old"] == 0  # not even fetched
    main([*args, str(repo)])  # the same vault checked whole: both are reported
    assert "/old" in capsys.readouterr().out


def test_a_vault_below_the_top_of_the_repository_reads_its_notes_from_git(tmp_path, capsys):
    repo = make_repo(tmp_path / "r", {"notes/A.md": "[[Gone]]\n", "README.md": "x\n"})
    (repo / "notes" / "A.md").write_text("[[Gone]] [[Missing]]\n")
    code, out, _ = check(capsys, repo / "notes", "--new-since", "HEAD", "--vault-root", str(repo / "notes"))
    assert code == 1
    assert problems(out) == ['A.md:1:10: LK001 unresolved link "Missing"']


def test_a_tag_spelling_that_was_already_off_is_not_new_a_new_one_is(tmp_path, capsys):
    """The side before the change counts tags from the present's aggregate with the changed notes swapped back."""
    repo = make_repo(
        tmp_path / "v",
        {"A.md": "#project\n", "A2.md": "#project\n", "B.md": "#Project\n", "C.md": "text\n"},
    )
    (repo / "B.md").write_text("edited\n\n#Project\n")
    (repo / "C.md").write_text("text #PROJECT\n")
    _, out, _ = check(capsys, repo, "--new-since", "HEAD", "--select", "TG001")
    assert [line.split(":")[0] for line in problems(out)] == ["C.md"]
