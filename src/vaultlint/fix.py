"""Applying fixes: only when asked (``--fix``), only the bytes that must change, atomically.

Edits are line/column spans in the text the parser saw.  They are mapped back
onto the file as it is on disk (BOM and CRLF line ends included) so that every
other byte stays as it was; a file whose edits overlap is left alone.  They are
applied only while the file's bytes still hash to the bytes that were checked
(:func:`plan_fixes`), and a ``--fix`` run holds the vault's lock from its check
to its last write (:func:`vault_lock`), so two runs never fix each other's output.

Writing is a replacement (a temporary file renamed over the note), so a note is
never half-written.  What a replacement would break is refused instead, with a
reason for the user: a note that changed since it was checked (looked at again
just before the rename), one whose mode has no write bit or that we may not
write (even as root), one whose owner we could not keep, one with hard links
(a rename would split them).  A symlinked note is written through to its
target, which must be inside the vault.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .cache import content_hash
from .model import CheckedFile, Diagnostic, Edit
from .vault import UnreadableFile, VaultError, read_note_bytes


class FixConflict(Exception):
    pass


class FixRefused(Exception):
    """Why a planned fix was not written; the message is shown to the user."""


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            starts.append(index + 1)
    return starts


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with ``edits`` applied; raises :class:`FixConflict` when edits overlap or do not fit."""
    if "\r" in text.replace("\r\n", ""):
        raise FixConflict("lone carriage returns: line positions are ambiguous")
    bom = 1 if text.startswith("\ufeff") else 0
    starts = _line_starts(text)

    def offset(line: int, column: int) -> int:
        if line < 1 or line > len(starts):
            raise FixConflict(f"line {line} is not in the file")
        start = starts[line - 1] + (bom if line == 1 else 0)
        end = starts[line] - 1 if line < len(starts) else len(text)
        if text[start:end].endswith("\r"):
            end -= 1
        position = start + column - 1
        if position > end:
            raise FixConflict(f"column {column} is past the end of line {line}")
        return position

    ranges = sorted(
        ((offset(e.span.line, e.span.column), offset(e.span.end_line, e.span.end_column), e.text) for e in edits),
        key=lambda r: (r[0], r[1]),
    )
    for (_, end, _), (start, _, _) in zip(ranges, ranges[1:]):
        if start < end:
            raise FixConflict("edits overlap")
    for start, end, replacement in reversed(ranges):
        text = text[:start] + replacement + text[end:]
    return text


@dataclass(frozen=True)
class FileFix:
    path: str  # vault-relative
    before: str
    after: str
    count: int
    #: Where the file is on disk (a vault path is NFC; the name on disk may not be); default: root/path.
    fs_path: str | None = None

    def diff(self) -> str:
        """A unified diff that ``patch -p1`` and ``git apply`` apply in the vault root."""
        lines = difflib.unified_diff(
            _lines(self.before),
            _lines(self.after),
            fromfile=_diff_name("a/", self.path),
            tofile=_diff_name("b/", self.path),
        )
        # difflib leaves a last line without its newline glued to the next one; patch wants the marker.
        return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _diff_name(prefix: str, path: str) -> str:
    """A file name in a diff header as git writes it, which both git apply and GNU patch read back:
    C-quoted when it holds a control character, a quote, a backslash or a non-ASCII byte (so a
    name can never break the diff into lines of its own), followed by a tab when it holds a space."""
    raw = (prefix + path).encode("utf-8", "surrogateescape")
    if any(byte < 0x20 or byte >= 0x7F or byte in b'"\\' for byte in raw):
        escapes = {0x07: "\\a", 0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0B: "\\v", 0x0C: "\\f", 0x0D: "\\r"}
        escapes.update({0x22: '\\"', 0x5C: "\\\\"})
        name = (
            '"'
            + "".join(escapes.get(byte) or (chr(byte) if 0x20 <= byte < 0x7F else f"\\{byte:03o}") for byte in raw)
            + '"'
        )
    else:
        name = prefix + path
    return name + "\t" if " " in name else name


def _lines(text: str) -> list[str]:
    """Lines ending at "\n" only: ``str.splitlines`` also breaks at \x0b, \x1c, U+2028…, which patch does not."""
    return re.findall(r"[^\n]*\n|[^\n]+\Z", text)


#: How long a ``--fix`` run waits for another one on the same vault to finish its check
#: and its writes (a check of every URL of a large vault can take minutes).
LOCK_WAIT_SECONDS = 600.0


@contextlib.contextmanager
def vault_lock(root: Path, wait: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the vault's fix lock, so that ``--fix`` runs on one vault take turns, each
    from its check to its last write, and never fix what the other just wrote.

    The lock is an advisory ``flock`` on the vault root folder itself: nothing is
    written into the vault for it, and the system drops it when the process ends,
    however it ends.  Where there is no ``flock`` (Windows, some network file
    systems), runs are not serialised; the hash check of :func:`plan_fixes` still
    keeps every note whole.  A run that waited ``wait`` seconds is a
    :class:`VaultError` naming the cause.
    """
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    try:
        descriptor = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as error:
        raise VaultError(f"cannot open the vault root {root}: {error.strerror or error}") from None
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise VaultError(
                        f"another vaultlint --fix run has been working on {root} for {wait:g} s; "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.05)
            except OSError:
                break  # the file system has no locks: the hash check alone keeps notes whole
        yield
    finally:
        os.close(descriptor)  # releases the lock


def plan_fixes(
    diagnostics: Iterable[Diagnostic], vault_root: Path, checked: Mapping[str, CheckedFile]
) -> tuple[list[FileFix], list[tuple[str, str]]]:
    """What ``--fix`` would change, file by file: ``(plans, [(path, why not)])``.

    A fix's edits are positions in the text that was checked, so a file is fixed
    only while its bytes still hash to what was checked (``checked``): in a note
    saved since, or already fixed by another run, they would land on the wrong
    characters (``tag:`` fixed twice is ``tagss:``).  Files whose edits conflict
    are skipped without a word, as before.
    """
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        if diagnostic.fix is not None:
            by_path.setdefault(diagnostic.path, []).append(diagnostic)
    plans: list[FileFix] = []
    stale: list[tuple[str, str]] = []
    for path, found in sorted(by_path.items()):
        source = checked.get(path)
        if source is None:
            stale.append((path, "it was not checked as a whole in this run"))
            continue
        try:
            data = read_note_bytes(source.fs_path)
        except UnreadableFile as error:
            stale.append((path, str(error)))
            continue
        if content_hash(data) != source.digest:
            stale.append((path, "it changed since it was checked"))
            continue
        try:
            before = data.decode("utf-8")
            after = apply_edits(before, [edit for d in found for edit in d.fix.edits])  # type: ignore[union-attr]
        except (UnicodeDecodeError, FixConflict):
            continue
        if after != before:
            plans.append(FileFix(path, before, after, len(found), source.fs_path))
    return plans, stale


def write_fixes(plans: Iterable[FileFix], vault_root: Path) -> tuple[list[FileFix], list[tuple[FileFix, str]]]:
    """Write the fixes of one run: ``(written, [(refused, why)])``.

    Each replaced note stays open until the end, then one short pause lets a
    writer that had opened it just before the rename finish, and what it
    appended is carried over (see :class:`_Replaced`): one pause per run, not per note.
    """
    written: list[FileFix] = []
    refused: list[tuple[FileFix, str]] = []
    pending: list[tuple[FileFix, _Replaced]] = []

    def settle() -> None:
        time.sleep(SETTLE_SECONDS)
        for plan, replaced in pending:
            try:
                replaced.carry_over()
            except FixRefused as error:
                refused.append((plan, str(error)))
            else:
                written.append(plan)
            finally:
                replaced.close()
        pending.clear()

    for plan in plans:
        try:
            pending.append((plan, _replace(plan, vault_root)))
        except FixRefused as error:
            refused.append((plan, str(error)))
        if len(pending) >= MAX_OPEN:
            settle()
    if pending:
        settle()
    return written, refused


def write_fix(plan: FileFix, vault_root: Path) -> None:
    """Replace one note with its fixed text, or raise :class:`FixRefused` saying why not."""
    replaced = _replace(plan, vault_root)
    try:
        time.sleep(SETTLE_SECONDS)
        replaced.carry_over()
    finally:
        replaced.close()


#: How long a replaced note is watched for late appends (once per run); the most notes watched at once.
SETTLE_SECONDS = 0.05
MAX_OPEN = 200


def _replace(plan: FileFix, vault_root: Path) -> _Replaced:
    root = Path(os.path.realpath(vault_root))
    target = Path(os.path.realpath(plan.fs_path or vault_root / plan.path))
    if target != root and root not in target.parents:
        raise FixRefused(f"it is a symbolic link to {target}, outside the vault")
    expected = plan.before.encode("utf-8")
    try:
        checked = os.stat(target)
        _check_writable(target, checked)
        if _read(target) != expected:
            raise FixRefused("it changed since it was checked")
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".vaultlint")
    except OSError as error:
        raise FixRefused(f"cannot write it: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(plan.after.encode("utf-8"))
            handle.flush()
            _keep_owner_and_mode(handle.fileno(), checked)
            os.fsync(handle.fileno())
        return replace_if_unchanged(temporary, target, checked, expected)
    except BaseException as error:
        if os.path.exists(temporary):
            os.remove(temporary)
        if isinstance(error, OSError):
            raise FixRefused(f"cannot write it: {error.strerror or error}") from None
        raise


def _check_writable(target: Path, info: os.stat_result) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise FixRefused("it is not a regular file")
    if info.st_nlink > 1:
        raise FixRefused(f"it has {info.st_nlink} hard links, which replacing it would split")
    if not info.st_mode & 0o222:
        raise FixRefused("it is read-only (its mode has no write permission)")
    if not os.access(target, os.W_OK):
        raise FixRefused("no permission to write it")


def _keep_owner_and_mode(descriptor: int, original: os.stat_result) -> None:
    mine = os.fstat(descriptor)
    if (mine.st_uid, mine.st_gid) != (original.st_uid, original.st_gid):
        try:
            os.fchown(descriptor, original.st_uid, original.st_gid)
        except PermissionError:
            raise FixRefused("its owner or group could not be kept (it belongs to another user or group)") from None
    os.fchmod(descriptor, stat.S_IMODE(original.st_mode))  # after chown, which may clear set-id bits


def replace_if_unchanged(temporary: str, target: Path, checked: os.stat_result, expected: bytes) -> _Replaced:
    """The last look: rename ``temporary`` over ``target`` only if it is still what was checked.

    Done at the last moment, so that a write by someone else (an editor saving,
    a sync client appending) is not lost; raises :class:`FixRefused` otherwise.
    The caller closes the returned record after :meth:`_Replaced.carry_over`.
    """
    old = open(target, "rb")  # noqa: SIM115 - stays open after the rename, see _Replaced
    try:
        now = os.fstat(old.fileno())
        same = (now.st_ino, now.st_size, now.st_mtime_ns, now.st_ctime_ns) == (
            checked.st_ino,
            checked.st_size,
            checked.st_mtime_ns,
            checked.st_ctime_ns,
        )
        if not same or old.read() != expected:
            raise FixRefused("it changed while it was being fixed")
        os.replace(temporary, target)
        replaced = _Replaced(old, target, expected)
        replaced.carry_over()
        return replaced
    except BaseException:
        old.close()
        raise


class _Replaced:
    """A note just replaced, its old file still open.

    A writer that opened the note just before the rename still writes into the
    old file after it.  What it appended is appended to the new note; if it
    rewrote the old file instead, that version is put back and the fix refused.
    """

    def __init__(self, old: BinaryIO, target: Path, expected: bytes) -> None:
        self.old, self.target, self.expected = old, target, expected
        self.seen = expected  # what the old file held when last looked at

    def carry_over(self) -> None:
        self.old.seek(0)
        current = self.old.read()  # read, not stat: a rewrite of the same size can keep size and time
        if current == self.seen:
            return
        if not current.startswith(self.seen):  # rewritten, not appended to: the other writer wins
            _put_back(current, self.target)
            raise FixRefused("it changed while it was being fixed")
        with open(self.target, "ab") as new:
            new.write(current[len(self.seen) :])
        self.seen = current

    def close(self) -> None:
        self.old.close()


def _put_back(content: bytes, target: Path) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".vaultlint")
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)
        _keep_owner_and_mode(handle.fileno(), os.stat(target))
    os.replace(temporary, target)


def _read(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()
