"""--fix and --diff: safe fixes only, only the bytes that must change, atomically."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from helpers import found, run, write_vault

from vaultlint.cli import main
from vaultlint.fix import FileFix, FixConflict, FixRefused, apply_edits, replace_if_unchanged, write_fix
from vaultlint.model import Edit, Span


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("---\ntag: x\ntitle: t\n---\nbody\n", "---\ntags: x\ntitle: t\n---\nbody\n"),
        ("---\nAlias: [a]\n---\n", "---\naliases: [a]\n---\n"),
        ("---\ncssclass: wide  # keep this comment\n---\n", "---\ncssclasses: wide  # keep this comment\n---\n"),
        ("---\nup: [[Parent]]\n---\n", '---\nup: "[[Parent]]"\n---\n'),
        ("---\nrel:\n  - [[A|b]]\n---\n", '---\nrel:\n  - "[[A|b]]"\n---\n'),
        ("---\ntags: a, b ,c\n---\n", "---\ntags: [a, b ,c]\n---\n"),
        ("---\naliases: One, Two words\n---\n", "---\naliases: [One, Two words]\n---\n"),
        ("\ufeff---\r\ntag: x\r\n---\r\n#t\r\n", "\ufeff---\r\ntags: x\r\n---\r\n#t\r\n"),
    ],
    ids=["tag", "alias-case", "cssclass-comment", "link", "link-in-list", "tags-csv", "aliases-csv", "bom-crlf"],
)
def test_fix_round_trips(tmp_path, capsys, before, after):
    root = write_vault(tmp_path / "v", {})
    note = root / "a.md"
    note.write_bytes(before.encode("utf-8"))
    os.chmod(note, 0o640)
    code = main(["check", "--offline", "--no-cache", "--fix", "--select", "FM", str(root)])
    assert note.read_bytes() == after.encode("utf-8")
    assert os.stat(note).st_mode & 0o777 == 0o640
    assert code == 0, capsys.readouterr()
    assert "Fixed 1 problem in 1 note." in capsys.readouterr().err
    assert [f for f in os.listdir(root) if f.endswith(".vaultlint")] == []


@pytest.mark.parametrize(
    "text",
    [
        "---\ntag: x\ntags: [y]\n---\n",  # would collide with the existing key
        "---\ntags: note enceladus\n---\n",  # space-separated: no safe split (D4)
        '---\ntags: "a, b"\n---\n',  # quoted: wrapping would not make a list
        "---\ntags: a, {b}\n---\n",  # would not parse back to the same items
    ],
)
def test_unsafe_cases_get_no_fix(tmp_path, text):
    root = write_vault(tmp_path / "v", {"a.md": text})
    main(["check", "--offline", "--no-cache", "--fix", str(root)])
    assert (root / "a.md").read_text() == text


def test_diff_prints_and_writes_nothing(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"a.md": "---\ntag: x\n---\n", "b.md": "fine\n"})
    code = main(["check", "--offline", "--no-cache", "--diff", str(root)])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == "--- a/a.md\n+++ b/a.md\n@@ -1,3 +1,3 @@\n ---\n-tag: x\n+tags: x\n ---\n"
    assert err == "1 fixable problem in 1 note.\n"
    assert (root / "a.md").read_text() == "---\ntag: x\n---\n"


def test_without_fix_nothing_is_written(tmp_path):
    root = write_vault(tmp_path / "v", {"a.md": "---\ntag: x\n---\n"})
    before = os.stat(root / "a.md").st_mtime_ns
    main(["check", "--offline", "--no-cache", str(root)])
    assert os.stat(root / "a.md").st_mtime_ns == before


def test_fix_then_no_such_diagnostic(tmp_path):
    root = write_vault(tmp_path / "v", {"a.md": "---\ntag: x\nup: [[b]]\ntags2: c\n---\n", "b.md": ""})
    assert [d[3] for d in found(run(root))] == ["FM005", "FM006"]
    main(["check", "--offline", "--no-cache", "--fix", str(root)])
    assert found(run(root)) == []


def test_overlapping_or_misplaced_edits_are_refused():
    with pytest.raises(FixConflict):
        apply_edits("abc\n", [Edit(Span(1, 1, 1, 3), "x"), Edit(Span(1, 2, 1, 4), "y")])
    with pytest.raises(FixConflict):
        apply_edits("abc\n", [Edit(Span(5, 1, 5, 1), "x")])
    assert apply_edits("abc\n", [Edit(Span(1, 1, 1, 1), "["), Edit(Span(1, 4, 1, 4), "]")]) == "[abc]\n"


# -- what a replacement would break is refused (issue 8) ---------------------------------------

FIXABLE = "---\ntag: x\n---\nbody\n"
FIXED = "---\ntags: x\n---\nbody\n"


def fix(root, capsys) -> tuple[int, str]:
    code = main(["check", "--offline", "--no-cache", "--fix", "--select", "FM005", str(root)])
    return code, capsys.readouterr().err


def test_a_read_only_file_is_reported_not_replaced_even_as_root(tmp_path, capsys):
    """Reproduction of issue 8: a 0444 note was rewritten."""
    root = write_vault(tmp_path / "v", {"a.md": FIXABLE})
    os.chmod(root / "a.md", 0o444)
    code, err = fix(root, capsys)
    assert (root / "a.md").read_text() == FIXABLE and os.stat(root / "a.md").st_mode & 0o777 == 0o444
    assert "warning: a.md not fixed: it is read-only (its mode has no write permission)" in err
    assert "Fixed 0 problems in 0 notes." in err and code == 0  # FM005 is a warning; it is still reported


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_another_users_file_keeps_its_owner(tmp_path, capsys):
    """Reproduction of issue 8: the fixed note became root's."""
    root = write_vault(tmp_path / "v", {"a.md": FIXABLE})
    os.chown(root / "a.md", 65534, 65534)
    os.chmod(root / "a.md", 0o664)
    fix(root, capsys)
    info = os.stat(root / "a.md")
    assert (root / "a.md").read_text() == FIXED
    assert (info.st_uid, info.st_gid, info.st_mode & 0o777) == (65534, 65534, 0o664)


def test_a_symlinked_note_is_written_through_to_its_target(tmp_path, capsys):
    """Reproduction of issue 8: the link was replaced by a copy."""
    root = write_vault(tmp_path / "v", {"Real/a.md": FIXABLE})
    os.symlink("Real/a.md", root / "link.md")
    os.chmod(root / "Real/a.md", 0o600)
    code, err = fix(root, capsys)
    assert os.path.islink(root / "link.md") and os.readlink(root / "link.md") == "Real/a.md"
    assert (root / "Real/a.md").read_text() == FIXED
    assert os.stat(root / "Real/a.md").st_mode & 0o777 == 0o600
    assert "Fixed" in err and code == 0


def test_a_symlink_to_a_file_outside_the_vault_is_refused(tmp_path):
    root = write_vault(tmp_path / "v", {})
    outside = tmp_path / "outside.md"
    outside.write_text(FIXABLE)
    os.symlink(outside, root / "a.md")
    with pytest.raises(FixRefused, match="outside the vault"):
        write_fix(FileFix("a.md", FIXABLE, FIXED, 1), root)
    assert outside.read_text() == FIXABLE


def test_hard_links_are_not_split(tmp_path, capsys):
    """Reproduction of issue 8: the fixed note became a separate file, the other link kept the old text."""
    root = write_vault(tmp_path / "v", {"a.md": FIXABLE})
    os.link(root / "a.md", tmp_path / "elsewhere.md")
    _, err = fix(root, capsys)
    assert "warning: a.md not fixed: it has 2 hard links, which replacing it would split" in err
    assert os.stat(root / "a.md").st_ino == os.stat(tmp_path / "elsewhere.md").st_ino
    assert (root / "a.md").read_text() == FIXABLE


def test_a_change_made_while_fixing_is_never_lost(tmp_path):
    """Reproduction of issue 8 (a concurrent append was lost): the last look, just before the rename."""
    root = write_vault(tmp_path / "v", {"a.md": FIXABLE})
    note = root / "a.md"
    checked = os.stat(note)
    temporary = tmp_path / "fixed.tmp"
    temporary.write_text(FIXED)
    with open(note, "a") as handle:  # someone appends after the check, before the rename
        handle.write("appended\n")
    with pytest.raises(FixRefused, match="changed while it was being fixed"):
        replace_if_unchanged(str(temporary), note, checked, FIXABLE.encode())
    assert note.read_text() == FIXABLE + "appended\n"
    replace_if_unchanged(str(temporary), note, os.stat(note), (FIXABLE + "appended\n").encode()).close()
    assert note.read_text() == FIXED


def test_an_append_by_a_writer_that_opened_the_note_before_the_rename_is_carried_over(tmp_path):
    """The writer's handle points at the replaced file: its late append must reach the new note."""
    root = write_vault(tmp_path / "v", {"a.md": FIXABLE})
    note = root / "a.md"
    temporary = tmp_path / "fixed.tmp"
    temporary.write_text(FIXED)
    with open(note, "a") as writer:  # opened before the rename, writes after it
        replaced = replace_if_unchanged(str(temporary), note, os.stat(note), FIXABLE.encode())
        writer.write("late\n")
    try:
        replaced.carry_over()
    finally:
        replaced.close()
    assert note.read_text() == FIXED + "late\n"


def test_a_rewrite_by_a_writer_that_opened_the_note_before_the_rename_wins(tmp_path):
    root = write_vault(tmp_path / "v", {"a.md": FIXABLE})
    note = root / "a.md"
    temporary = tmp_path / "fixed.tmp"
    temporary.write_text(FIXED)
    with open(note, "r+") as writer:
        replaced = replace_if_unchanged(str(temporary), note, os.stat(note), FIXABLE.encode())
        writer.write("REWRITTEN")
    try:
        with pytest.raises(FixRefused, match="changed while it was being fixed"):
            replaced.carry_over()
    finally:
        replaced.close()
    assert note.read_text() == "REWRITTEN"[: len(FIXABLE)] + FIXABLE[len("REWRITTEN") :]


def test_a_file_changed_after_the_check_is_refused(tmp_path):
    root = write_vault(tmp_path / "v", {"a.md": FIXABLE + "more\n"})
    with pytest.raises(FixRefused, match="changed since it was checked"):
        write_fix(FileFix("a.md", FIXABLE, FIXED, 1), root)
    assert [f for f in os.listdir(root) if f.endswith(".vaultlint")] == []


# -- --diff applies with patch and git apply -------------------------------------------------


DIFF_CASES = {
    "no-final-newline.md": "---\ntag: x\n---\nlast line",
    "only-frontmatter.md": "---\ntag: x\n---",
    "crlf bom.md": "\ufeff---\r\ntag: x\r\n---\r\n#t\r\n",
    "Ünïcode name.md": "---\ntag: x\n---\nline\u2028with separator\x0c\nend",
    'new\nline "quoted" \\.md': "---\ntag: x\n---\n",
}


@pytest.mark.parametrize("tool", ["patch", "git"])
def test_diff_applies_with_patch_and_git_apply(tmp_path, capsys, tool):
    """Reproduction of issue 8: the diff of a note without a final newline did not apply."""
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed")
    root = write_vault(tmp_path / "v", {name: text.encode() for name, text in DIFF_CASES.items()})
    originals = {name: (root / name).read_bytes() for name in DIFF_CASES}
    fixed = write_vault(tmp_path / "fixed", {name: text.encode() for name, text in DIFF_CASES.items()})
    fix(fixed, capsys)
    assert main(["check", "--offline", "--no-cache", "--diff", "--select", "FM005", str(root)]) == 1
    diff = capsys.readouterr().out.encode()
    assert b"\\ No newline at end of file\n" in diff
    command = (
        ["patch", "-p1", "--batch", "--no-backup-if-mismatch"] if tool == "patch" else ["git", "apply", "-p1", "-"]
    )
    result = subprocess.run(command, cwd=root, input=diff, capture_output=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in DIFF_CASES:
        assert (root / name).read_bytes() == (fixed / name).read_bytes() != originals[name], name
