"""NFC/NFD twins: ``Café.md`` written precomposed and decomposed in one folder (issue 16, case 7).

On Linux they are two files.  Both are notes: both are checked (also when named
on the command line), each is fixed on its own bytes, and FN003 says that the
two names collide on macOS.  Before, both had the same vault path: one was never
checked, and ``--fix`` wrote the other's fix into it.
"""

from __future__ import annotations

import os
import unicodedata

import pytest
from helpers import write_vault

from vaultlint.cli import main

NFC = unicodedata.normalize("NFC", "Café.md")
NFD = unicodedata.normalize("NFD", "Café.md")
# Different layouts: edits planned for one are wrong characters in the other.
NFC_TEXT = "---\ntag: a\n---\n[[Missing from NFC]]\n"
NFD_TEXT = "---\ntitle: long enough to move the key\nalias: x\n---\n[[Missing from NFD]]\n"


@pytest.fixture
def twins(tmp_path):
    root = write_vault(tmp_path / "v", {NFC: NFC_TEXT, NFD: NFD_TEXT, "Other.md": "[[Café]]\n"})
    if sorted(name for name in os.listdir(root) if name.endswith(".md")) != sorted([NFC, NFD, "Other.md"]):
        pytest.skip("this file system normalizes names: there are no twins here")
    return root


def _check(capsys, *arguments: str) -> tuple[int, list[str]]:
    code = main(["check", "--offline", "--output-format", "concise", *arguments])
    out = capsys.readouterr().out
    return code, [line for line in out.splitlines() if ": " in line and not line.startswith(("Found", "All checks"))]


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
def test_both_twins_are_checked(twins, capsys, cache):
    extra = () if cache else ("--no-cache",)
    for _ in range(2):  # the second run from the cache, when there is one
        code, lines = _check(capsys, *extra, str(twins))
        assert code == 1
        assert any("Missing from NFC" in line and f"{NFC}:4:" in line for line in lines), lines
        assert any("Missing from NFD" in line and f"{NFD}:5:" in line for line in lines), lines
        assert [line for line in lines if "FN003" in line] == [
            f'{twins}/{NFD}:1:1: FN003 name is "{NFC}" written in another Unicode normalization form '
            "(NFD, the other is NFC): the two names collide on macOS"
        ]
        assert not any("Other.md" in line for line in lines)  # [[Café]] reaches the NFC twin


@pytest.mark.parametrize(("named", "missing", "other"), [(NFC, "NFC", "NFD"), (NFD, "NFD", "NFC")])
def test_each_twin_is_checked_when_named_on_the_command_line(twins, capsys, named, missing, other):
    code, lines = _check(capsys, "--no-cache", "--select", "LK001", str(twins / named))
    assert code == 1
    assert [line.split(": ", 1)[1] for line in lines] == [f'LK001 unresolved link "Missing from {missing}"']
    assert lines[0].startswith(f"{twins}/{named}:")


def test_each_twin_is_fixed_on_its_own_bytes(twins, capsys):
    code = main(["check", "--offline", "--no-cache", "--fix", "--select", "FM005", str(twins)])
    assert "Fixed 2 problems in 2 notes." in capsys.readouterr().err
    assert code == 0
    assert (twins / NFC).read_text(encoding="utf-8") == NFC_TEXT.replace("tag:", "tags:")
    assert (twins / NFD).read_text(encoding="utf-8") == NFD_TEXT.replace("alias:", "aliases:")


def test_a_twin_named_on_the_command_line_is_fixed_alone(twins, capsys):
    main(["check", "--offline", "--no-cache", "--fix", "--select", "FM005", str(twins / NFD)])
    assert "Fixed 1 problem in 1 note." in capsys.readouterr().err
    assert (twins / NFC).read_text(encoding="utf-8") == NFC_TEXT
    assert (twins / NFD).read_text(encoding="utf-8") == NFD_TEXT.replace("alias:", "aliases:")


def test_a_single_decomposed_name_is_one_note_that_links_reach_and_fix_writes(tmp_path, capsys):
    """The usual macOS case, no twin: the NFD name has the NFC vault path and is fixed in place."""
    root = write_vault(tmp_path / "v", {NFD: "---\ntag: a\n---\n", "Other.md": "[[Café]]\n"})
    code = main(["check", "--offline", "--no-cache", "--fix", str(root)])
    assert "Fixed 1 problem in 1 note." in capsys.readouterr().err
    assert code == 0
    assert sorted(os.listdir(root)) == sorted([".obsidian", NFD, "Other.md"])
    assert (root / NFD).read_text(encoding="utf-8") == "---\ntags: a\n---\n"
