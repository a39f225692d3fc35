"""A UTF-8 note with a few NUL bytes (a pasted binary dump) is a note; only files that are not text are VL001."""

from __future__ import annotations

import pytest
from helpers import found, run

from vaultlint.vault import UnreadableFile, decode_note

DUMP_NOTE = "# Dump\n\n```\n%PDF-1.7\nstream\x00\x00x\x00\nendstream\n```\n\nSee [[Missing]] and #tag\n"


def test_a_note_with_nul_bytes_in_a_code_block_is_parsed_and_checked(vault):
    report = run(vault({"Dump.md": DUMP_NOTE.encode("utf-8")}))
    assert found(report) == [("Dump.md", 9, 5, "LK001")]


def test_links_after_a_nul_keep_their_columns(vault):
    report = run(vault({"a.md": "x\x00y [[Missing]]\n" + "padding line\n" * 4}))
    assert found(report) == [("a.md", 1, 5, "LK001")]


@pytest.mark.parametrize(
    "data",
    [
        "Plain text in UTF-16 [[Link]]".encode("utf-16-le"),  # valid UTF-8 by accident: half NULs
        b"\x00" * 64,
        b"PK\x03\x04\x00\x00\x00\x00[[x]]",
    ],
)
def test_files_that_are_mostly_nul_are_binary(data):
    with pytest.raises(UnreadableFile, match="binary"):
        decode_note(data)


def test_text_with_a_few_nuls_decodes():
    assert decode_note(DUMP_NOTE.encode("utf-8")) == DUMP_NOTE


def test_a_utf16_note_is_vl001(vault):
    report = run(vault({"Wide.md": "\ufeffHello [[World]]".encode("utf-16")}))
    assert found(report) == [("Wide.md", 1, 1, "VL001")]
