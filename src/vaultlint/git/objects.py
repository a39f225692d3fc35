"""Files as they were in a commit, read from git's object store: no checkout, no second work tree."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .run import GitError, run_git


def read_blobs(vault_root: Path, commit: str, paths: Iterable[str], max_bytes: int) -> dict[str, bytes | str]:
    """Each vault path's bytes at ``commit`` (one ``git cat-file --batch`` for all of them).

    A path missing there, or not a file, or larger than ``max_bytes`` gets a one-line
    reason instead (what an unreadable note says).  :class:`GitError` when git fails.
    """
    wanted = list(dict.fromkeys(paths))
    if not wanted:
        return {}
    found: dict[str, bytes | str] = {}
    requests: list[str] = []
    for path in wanted:
        if "\n" in path:
            found[path] = "cannot be read from git (a line break in its name)"
        else:
            requests.append(path)
    if not requests:
        return found
    # "<commit>:./<path>" is relative to the folder git runs in: the vault root.
    stdin = b"".join(os.fsencode(f"{commit}:./{path}\n") for path in requests)
    output = run_git(vault_root, "cat-file", "--batch", stdin=stdin)
    position = 0
    for path in requests:
        end = output.find(b"\n", position)
        if end < 0:
            raise GitError("git cat-file ended early")
        header = output[position:end]
        position = end + 1
        if header.endswith((b" missing", b" ambiguous")):  # "<what was asked> missing": nothing follows
            found[path] = "not in that commit"
            continue
        _, kind, size_text = header.rsplit(b" ", 2)
        if kind != b"blob":
            found[path] = "not a file in that commit"
            position += int(size_text) + 1
            continue
        size = int(size_text)
        data = output[position : position + size]
        position += size + 1  # the object, then a line break
        found[path] = data if size <= max_bytes else f"larger than {max_bytes // (1 << 20)} MiB: not read"
    return found
