"""Reading and writing files that a repository may have planted: bounded, regular files only, never through a link.

The repository is untrusted input (DESIGN.md §8): a pull request can commit a
symlink to ``/dev/zero``, a FIFO, or a link to a file outside the checkout, at
any place vaultlint reads or writes.  Every such access goes through here.

Reading (:func:`read_regular`, :func:`open_regular`):

* ``within``: the file's real path (every link followed) must lie inside that
  folder: a link that leads out of the vault is refused, one inside it is fine
  (Obsidian follows file links inside the vault too);
* it must be a regular file: a FIFO, a device, a socket or a folder is refused
  *before* it is opened (opening a FIFO for reading blocks; some devices act on
  open), and again on the open descriptor (``O_NONBLOCK``, so a FIFO swapped in
  between never blocks; ``O_NOFOLLOW``, so a link swapped in is not followed);
* it is read with a size cap: a file larger than the cap, or one that grows
  past it while it is read, is refused rather than held in memory.

Files named on the command line (``-o``, ``--baseline``, ``--cache-dir``,
:func:`write_file`, :func:`read_file`, :func:`check_folder`): the path is the
user's choice, and may lead anywhere *outside* the repository, but inside the
repository (the git work tree around the vault, else the vault) no component of
the path may be a symbolic link: ``-o vaultlint.sarif`` committed as a link to
``../victim`` is refused, not followed.  The file itself is never a link.  The
path is walked one component at a time with folder descriptors (``openat``), so
a link put in place after the check is not followed either, and a file is
written to a temporary file in the same folder and renamed over the name: a
reader never sees half a file, and a link at the name is replaced, never
written through.  Where the platform has no folder descriptors (Windows), the
same checks are made on paths.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | _NONBLOCK | _CLOEXEC
#: openat() and renameat() (os.replace shares os.rename's code): the walk holds folders open
#: instead of naming them again.
_DIR_FDS = os.open in os.supports_dir_fd and os.rename in os.supports_dir_fd and bool(_DIRECTORY)
#: How many symbolic links one path may pass through outside the repository (Linux's own limit).
MAX_LINKS = 40


class RefusedFile(Exception):
    """A file vaultlint will not read or write; the message is one line for the user."""


class NotRegular(RefusedFile):
    """A FIFO, a device, a socket, a folder or a link where a regular file was expected."""

    def __init__(self, path: str | Path, mode: int, action: str = "read") -> None:
        super().__init__(f"{path} is {kind_of(mode)}, not a regular file: not {action}")
        self.mode = mode


class TooLarge(RefusedFile):
    """A file larger than its cap (``size`` is ``None`` when it grew past the cap while read)."""

    def __init__(self, path: str | Path, size: int | None, limit: int) -> None:
        held = f"{size} bytes" if size is not None else f"more than {limit} bytes"
        super().__init__(f"{path} is too large: {held}, limit {limit}")
        self.size, self.limit = size, limit


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    for test, name in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def is_inside(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or below it (both real, absolute paths)."""
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


# -- reading files of the vault ----------------------------------------------------------------


@contextlib.contextmanager
def open_regular(
    path: str | Path, within: str | Path | None = None, info: os.stat_result | None = None
) -> Iterator[BinaryIO]:
    """The regular file at ``path``, open for reading; see the module docstring.

    ``info``: the file's stat, when the caller has just made it (not made again).
    Raises :class:`RefusedFile` (not a regular file, a link out of ``within``)
    or :class:`OSError` (missing, no permission).
    """
    name = str(path)
    if within is not None:
        name = os.path.realpath(name)
        root = os.path.realpath(within)
        if not is_inside(name, root):
            raise RefusedFile(f"{path} leads out of the vault (to {name})")
    before = info if info is not None else os.stat(name)  # a FIFO or a tape drive is never opened
    if not stat.S_ISREG(before.st_mode):
        raise NotRegular(path, before.st_mode)
    # Links are allowed only where ``within`` was not given (notes: the vault walk already
    # kept just those that stay inside); a resolved name is opened without following one.
    descriptor = os.open(name, _READ_FLAGS | (_NOFOLLOW if within is not None else 0))
    try:
        now = os.fstat(descriptor)
        if not stat.S_ISREG(now.st_mode):  # replaced since the stat
            raise NotRegular(path, now.st_mode)
        handle = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with handle:
        yield handle


def read_capped(handle: BinaryIO, limit: int, path: str | Path) -> bytes:
    """At most ``limit`` bytes of an open regular file, or :class:`RefusedFile` when it holds more."""
    size = os.fstat(handle.fileno()).st_size
    if size > limit:
        raise TooLarge(path, size, limit)
    # What the stat says and one byte more, to see whether it grew: asking for the limit
    # itself would allocate a buffer of the limit's size for every file.
    data = handle.read(size + 1)
    if len(data) > size:
        data += handle.read(limit + 1 - len(data))
    if len(data) > limit:
        raise TooLarge(path, None, limit)
    return data


def read_regular(path: str | Path, limit: int, within: str | Path | None = None) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them (see :func:`open_regular`)."""
    with open_regular(path, within) as handle:
        return read_capped(handle, limit, path)


# -- files named on the command line -------------------------------------------------------------


def repository_of(vault_root: Path) -> Path:
    """The folder whose content is untrusted: the git work tree around the vault, else the vault."""
    real = Path(os.path.realpath(vault_root))
    for folder in (real, *real.parents):
        if os.path.lexists(folder / ".git"):
            return folder
    return real


@contextlib.contextmanager
def _folder_of(path: Path, repository: Path) -> Iterator[tuple[int | None, str, str]]:
    """``(folder descriptor, name, real folder path)`` for the file at ``path``.

    Walks ``path`` one component at a time, as the kernel does, but refuses a
    symbolic link inside ``repository``; outside it, links are followed (at
    most :data:`MAX_LINKS`).  The descriptor is ``None`` without folder descriptors.
    """
    name = path.name
    if name in ("", ".", ".."):
        raise RefusedFile(f"{path} is a folder, not a file")
    repo = os.path.realpath(repository)
    parent = os.fspath(path.parent)
    pending = list(reversed(Path(parent).parts))
    start = os.sep if os.path.isabs(parent) else os.getcwd()
    current = os.path.realpath(start)
    if os.path.isabs(parent):
        pending.pop()  # the root itself, "/" (or "C:\\")
        current = os.path.realpath(Path(parent).anchor)
    descriptor = os.open(current, os.O_RDONLY | _DIRECTORY | _CLOEXEC) if _DIR_FDS else None
    links = 0
    try:
        while pending:
            part = pending.pop()
            if part in ("", "."):
                continue
            if part == "..":
                current = os.path.dirname(current)
                descriptor = _reopen(descriptor, "..")
                continue
            info = (
                os.stat(part, dir_fd=descriptor, follow_symlinks=False)
                if _DIR_FDS
                else os.lstat(os.path.join(current, part))
            )
            if stat.S_ISLNK(info.st_mode):
                if is_inside(current, repo):
                    raise RefusedFile(
                        f"{path}: {os.path.join(current, part)} is a symbolic link inside the repository; not followed"
                    )
                links += 1
                if links > MAX_LINKS:
                    raise RefusedFile(f"{path}: too many levels of symbolic links")
                target = os.readlink(part, dir_fd=descriptor) if _DIR_FDS else os.readlink(os.path.join(current, part))
                if os.path.isabs(target):
                    current = os.path.realpath(Path(target).anchor)
                    descriptor = _reopen(descriptor, current)
                pending.extend(reversed([p for p in Path(target).parts if p != Path(target).anchor]))
                continue
            if not stat.S_ISDIR(info.st_mode):
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), os.path.join(current, part))
            current = os.path.join(current, part)
            descriptor = _reopen(descriptor, part)
        yield descriptor, name, current
    finally:
        if descriptor is not None:
            os.close(descriptor)


def _reopen(descriptor: int | None, name: str) -> int | None:
    """The folder ``name`` (relative to ``descriptor``), never through a link; ``descriptor`` is closed."""
    if descriptor is None:
        return None
    try:
        return os.open(name, os.O_RDONLY | _DIRECTORY | _NOFOLLOW | _CLOEXEC, dir_fd=descriptor)
    finally:
        os.close(descriptor)


def _refuse_special(info: os.stat_result, path: Path, action: str) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise NotRegular(path, info.st_mode, action)


def read_file(path: Path, limit: int, repository: Path) -> bytes:
    """The bytes of the file at ``path`` (named on the command line); see the module docstring.

    Raises :class:`FileNotFoundError` when it does not exist, :class:`RefusedFile` or :class:`OSError`.
    """
    with _folder_of(path, repository) as (folder, name, real_folder):
        where = name if folder is not None else os.path.join(real_folder, name)
        info = os.stat(where, dir_fd=folder, follow_symlinks=False)
        _refuse_special(info, path, "read")
        descriptor = os.open(where, _READ_FLAGS | _NOFOLLOW, dir_fd=folder)
        with os.fdopen(descriptor, "rb") as handle:
            _refuse_special(os.fstat(handle.fileno()), path, "read")
            return read_capped(handle, limit, path)


def write_file(path: Path, data: bytes, repository: Path) -> None:
    """Write ``data`` to ``path`` (named on the command line) completely or not at all.

    An existing file keeps its mode; a new one gets what the umask allows.
    Raises :class:`RefusedFile` or :class:`OSError`; on failure nothing is left behind.
    """
    with _folder_of(path, repository) as (folder, name, real_folder):
        where = name if folder is not None else os.path.join(real_folder, name)
        try:
            existing: os.stat_result | None = os.stat(where, dir_fd=folder, follow_symlinks=False)
        except FileNotFoundError:
            existing = None
        if existing is not None:
            _refuse_special(existing, path, "written over")
        # A name nobody can guess: a file planted at a predictable one would make the write fail.
        temporary = f".{name}.{os.urandom(8).hex()}.tmp"
        if folder is None:
            temporary = os.path.join(real_folder, temporary)
        mode = stat.S_IMODE(existing.st_mode) if existing is not None else 0o666
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC | getattr(os, "O_BINARY", 0)
        descriptor = os.open(temporary, flags, 0o600, dir_fd=folder)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                if existing is None:
                    umask = os.umask(0)
                    os.umask(umask)
                    mode &= ~umask
                if hasattr(os, "fchmod"):
                    os.fchmod(handle.fileno(), mode)
            # Renamed over the name: a link there is replaced, never written through.
            os.replace(temporary, where, src_dir_fd=folder, dst_dir_fd=folder)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=folder)
            raise


def check_folder(path: Path, repository: Path) -> None:
    """Refuse a folder path (``--cache-dir``) that passes through a link inside the repository,
    or that is itself a link or not a folder; a missing last part is fine (it will be created)."""
    with _folder_of(path, repository) as (folder, name, real_folder):
        where = name if folder is not None else os.path.join(real_folder, name)
        try:
            info = os.stat(where, dir_fd=folder, follow_symlinks=False)
        except FileNotFoundError:
            return
        if not stat.S_ISDIR(info.st_mode):
            raise RefusedFile(f"{path} is {kind_of(info.st_mode)}, not a folder")
