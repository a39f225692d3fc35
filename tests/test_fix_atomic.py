"""`--fix` replaces a note atomically, seen the way a user meets it: the CLI in a real process.

A fix is written to a new file in the note's own folder and renamed over the note,
so at every moment the note is either all of its old bytes or all of its new ones:
a reader that opened it before keeps the complete old version, and a run cut short
in the middle of writing leaves the note as it was.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from helpers import write_vault
from unprivileged import public_folder, run_vaultlint_unprivileged

#: FM005 turns ``tag:`` into ``tags:``; the body makes the note far larger than the write limit below.
BODY = "A line of an ordinary note, long enough to need many writes.\n" * 4000
BEFORE = "---\ntag: x\n---\n" + BODY
AFTER = "---\ntags: x\n---\n" + BODY
FILE_SIZE_LIMIT = 64 * 1024
#: ``python -m vaultlint`` with the default action for SIGXFSZ, which Python ignores at start-up:
#: a write past RLIMIT_FSIZE then kills the process on the spot, as a crash or ``kill -9`` would.
KILLED_BY_FILE_SIZE = (
    "import signal; signal.signal(signal.SIGXFSZ, signal.SIG_DFL); from vaultlint.cli import entry_point; entry_point()"
)


def fix(root: Path, *, prefix: tuple[str, ...] = ("-m", "vaultlint"), preexec_fn=None):
    return subprocess.run(
        [sys.executable, *prefix, "check", "--offline", "--no-cache", "--fix", "--select", "FM005", str(root)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=preexec_fn,
    )


def limit_file_size() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, hard))


def test_the_fixed_note_is_a_new_file_and_a_reader_keeps_the_old_one_whole(tmp_path):
    root = write_vault(tmp_path / "v", {"Folder/a.md": BEFORE})
    note = root / "Folder/a.md"
    before = os.stat(note)
    with open(note, "rb") as reader:  # opened before the fix, read after it
        result = fix(root)
        assert result.returncode == 0, result.stderr
        assert reader.read() == BEFORE.encode()
    assert note.read_text() == AFTER
    assert os.stat(note).st_ino != before.st_ino  # replaced by a rename, not rewritten in place
    assert sorted(os.listdir(note.parent)) == ["a.md"]  # nothing left beside it
    assert "Fixed 1 problem in 1 note." in result.stderr


def test_a_run_killed_in_the_middle_of_writing_leaves_the_note_as_it_was(tmp_path):
    root = write_vault(tmp_path / "v", {"Folder/a.md": BEFORE, "b.md": "untouched\n"})
    note = root / "Folder/a.md"
    before = os.stat(note)
    result = fix(root, prefix=("-c", KILLED_BY_FILE_SIZE), preexec_fn=limit_file_size)
    assert result.returncode == -signal.SIGXFSZ, result.stderr  # killed while writing the fix
    assert note.read_bytes() == BEFORE.encode()
    assert os.stat(note).st_ino == before.st_ino
    # The cut-short write went to a new file in the note's own folder (so that the rename stays
    # on one file system): it holds the start of the fixed note, never the note's own name.
    (leftover,) = set(os.listdir(note.parent)) - {"a.md"}
    written = (note.parent / leftover).read_bytes()
    assert len(written) == FILE_SIZE_LIMIT and AFTER.encode().startswith(written)
    assert sorted(os.listdir(root)) == [".obsidian", "Folder", "b.md"]


def test_a_write_that_fails_leaves_the_note_as_it_was_and_no_temporary_file(tmp_path):
    root = write_vault(tmp_path / "v", {"Folder/a.md": BEFORE})
    note = root / "Folder/a.md"
    result = fix(root, preexec_fn=limit_file_size)  # Python ignores SIGXFSZ: the write fails with EFBIG
    assert note.read_bytes() == BEFORE.encode()
    assert sorted(os.listdir(note.parent)) == ["a.md"]
    assert "Folder/a.md not fixed: cannot write it: File too large" in result.stderr
    assert "Fixed 0 problems in 0 notes." in result.stderr
    assert "Traceback" not in result.stderr


def test_where_no_new_file_can_be_made_the_note_is_left_as_it_was():
    """The new version is always a new file beside the note, never the note rewritten in place:
    in a folder that takes no new file, a note its user may write is still not touched."""
    with public_folder() as folder:  # as an unprivileged user under root, for whom modes mean something
        root = write_vault(folder / "v", {"Locked/a.md": BEFORE})
        note = root / "Locked/a.md"
        note.chmod(0o666)
        (root / "Locked").chmod(0o555)
        result = run_vaultlint_unprivileged("check", "--offline", "--no-cache", "--fix", "--select", "FM005", str(root))
        assert note.read_bytes() == BEFORE.encode()
        assert sorted(os.listdir(note.parent)) == ["a.md"]
    assert "Locked/a.md not fixed: cannot write it: Permission denied" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
