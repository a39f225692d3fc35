"""--fix and --diff: safe fixes only, only the bytes that must change, atomically."""

from __future__ import annotations

import os

import pytest
from helpers import found, run, write_vault

from vaultlint.cli import main
from vaultlint.fix import FixConflict, apply_edits
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
