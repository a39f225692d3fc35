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


def test_a_note_that_grows_after_the_stat_is_read_whole_or_refused(tmp_path, monkeypatch):
    """The read asks for the stat's size plus one byte; a note that grew since is read to its end."""
    import os

    import vaultlint.vault

    real_stat, real_fstat = os.stat, os.fstat

    def stale(info):  # what the stat saw before the note grew
        return os.stat_result((info.st_mode, *info[1:6], 10, *info[7:]))

    def stale_stat(path, *args, **kwargs):
        return stale(real_stat(path, *args, **kwargs))

    def stale_fstat(descriptor):  # the read takes the size from the open file (vaultlint.safeio)
        return stale(real_fstat(descriptor))

    grown = tmp_path / "grown.md"
    grown.write_bytes(b"y" * 1500)
    huge = tmp_path / "huge.md"
    huge.write_bytes(b"z" * 3000)
    monkeypatch.setattr(vaultlint.vault.os, "stat", stale_stat)
    monkeypatch.setattr(vaultlint.vault.os, "fstat", stale_fstat)
    assert read_note_bytes(str(grown), max_bytes=2000) == b"y" * 1500
    with pytest.raises(UnreadableFile, match="more than 2000 bytes"):
        read_note_bytes(str(huge), max_bytes=2000)
