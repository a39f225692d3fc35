"""What a batch of file-system events means for a check: pure, so that it is tested without a watcher.

The watcher reports every path that moved under the vault root.  Most of them are not the vault's:
dot-entries (``.git``, an editor's swap files, a fix's temporary file) are never part of a vault,
and vaultlint's own cache and report must not start the next check.  Of the rest, a few are
settings that change how every note is checked (the config file, the Obsidian settings vaultlint
reads, ``.gitignore``): those ask for a reload, not a re-check of one note.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from ..config import CONFIG_NAMES

#: The files of the Obsidian config folder that vaultlint reads (vault.read_obsidian_settings);
#: the rest of the folder (workspace.json changes on every click in Obsidian) is not watched.
OBSIDIAN_SETTINGS = frozenset({"app.json", "types.json", "templates.json", "plugins/templater-obsidian/data.json"})


class Event(Enum):
    """One event as the watcher reports it (watchfiles' ``Change``, without importing watchfiles)."""

    ADDED = 1
    MODIFIED = 2
    DELETED = 3


@dataclass(frozen=True)
class Place:
    """Where the watch runs: the vault root and the paths under it that are vaultlint's own."""

    root: Path
    obsidian_dir: str = ".obsidian"
    #: The cache folder and the report file (``-o``): written by vaultlint itself.
    own: tuple[Path, ...] = ()


@dataclass(frozen=True)
class Batch:
    """The vault's part of one batch of events: absolute paths, each in one set at most."""

    added: frozenset[Path] = frozenset()
    modified: frozenset[Path] = frozenset()
    deleted: frozenset[Path] = frozenset()
    #: A setting changed: the config file, an Obsidian setting vaultlint reads, a ``.gitignore``.
    reload: bool = False

    def __bool__(self) -> bool:
        return bool(self.added or self.modified or self.deleted or self.reload)


def classify(events: Iterable[tuple[Event, str]], place: Place) -> Batch:
    """The batch that ``events`` make for the vault at ``place``.

    Events are collapsed to where each path stands now: a file saved by writing a temporary file
    and renaming it over the old one is reported as deleted and added, and is simply modified.
    """
    root = str(place.root)
    own = tuple(str(path) for path in place.own)
    kinds: dict[str, set[Event]] = {}
    reload = False
    for event, name in events:
        path = os.path.abspath(name)
        if not _inside(path, root) or path == root or any(_inside(path, mine) for mine in own):
            continue
        parts = os.path.relpath(path, root).split(os.sep)
        if _is_setting(parts, place.obsidian_dir):
            reload = True
        elif not any(part.startswith(".") for part in parts):
            kinds.setdefault(path, set()).add(event)
    added, modified, deleted = set(), set(), set()
    for path, seen in kinds.items():
        if not os.path.lexists(path):
            deleted.add(Path(path))
        elif Event.ADDED in seen and Event.DELETED not in seen:
            added.add(Path(path))
        else:
            modified.add(Path(path))
    return Batch(frozenset(added), frozenset(modified), frozenset(deleted), reload)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _is_setting(parts: list[str], obsidian_dir: str) -> bool:
    """Whether the vault path ``parts`` is a file whose change alters how every note is checked."""
    name = parts[-1]
    if any(part.startswith(".") for part in parts[:-1]):
        # Inside a dot-folder only the config folder's settings count (not .git/, not .trash/).
        return parts[0] == obsidian_dir and "/".join(parts[1:]) in OBSIDIAN_SETTINGS
    # The config folder itself, here or below (a vault inside the vault, FN004), the config file
    # and every .gitignore (which files are reported on).
    return name == obsidian_dir or name in CONFIG_NAMES or name == ".gitignore"
