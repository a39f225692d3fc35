"""The per-note size limit (issue 8): a note above it is VL001, read no further, never parsed."""

from __future__ import annotations

import pytest

from vaultlint.vault import MAX_NOTE_BYTES, UnreadableFile, read_note_bytes


def test_the_limit_is_ten_mebibytes():
    assert MAX_NOTE_BYTES == 10 * 1024 * 1024


def test_a_note_at_the_limit_is_read_and_one_byte_more_is_not(tmp_path):
    at_limit, above = tmp_path / "at.md", tmp_path / "above.md"
    at_limit.write_bytes(b"x" * 1000)
    above.write_bytes(b"x" * 1001)
    assert read_note_bytes(str(at_limit), max_bytes=1000) == b"x" * 1000
    with pytest.raises(UnreadableFile) as raised:
        read_note_bytes(str(above), max_bytes=1000)
    assert str(raised.value) == "file is too large to check: 1001 bytes, limit 1000"
