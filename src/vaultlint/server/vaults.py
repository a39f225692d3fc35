"""Which vaults the server indexes, and how: shared by the server and its head start.

No pygls here beyond its URI helpers (``pygls.uris`` imports nothing else of it): the head
start (``headstart.py``) reads the editor's folders with these functions before the
framework is imported, and must find exactly the vault the server itself will find.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pygls.uris import from_fs_path, to_fs_path

if TYPE_CHECKING:  # pragma: no cover
    from ..workspace import Workspace


def editor_folders(folder_uris: Iterable[str | None], root_uri: str | None, root_path: str | None) -> list[Path]:
    """The folders an ``initialize`` request names: its workspace folders, else its root URI,
    else its (deprecated) root path; each once, in order, only ``file:`` ones."""
    uris = [uri for uri in folder_uris if uri] or [root_uri]
    if uris == [None] and root_path:
        uris = [from_fs_path(root_path)]
    return list(dict.fromkeys(Path(to_fs_path(uri)) for uri in uris if uri and uri.startswith("file:")))


def vault_root(start: Path) -> Path:
    """The vault root around ``start`` (a folder or a note), as ``vaultlint check START`` finds it."""
    from ..api import options_for
    from ..engine import locate_vault

    given = start if start.exists() else start.parent  # a note perhaps new, not saved yet
    options = options_for(given, None, {}, "vaultlint server")
    return locate_vault(options.paths, options.vault_root, options.obsidian_dir, options.config_folder)


def open_workspace(root: Path, on_progress: Callable[[int, int], None] | None = None, **overrides: object) -> Workspace:
    """The whole vault at ``root`` (not only a folder's notes: every note of it may be opened).
    ``overrides`` change how it is built, never what it answers (``jobs``)."""
    from ..workspace import Workspace

    return Workspace(root, offline=True, on_progress=on_progress, **overrides)


def has_stored_results(root: Path) -> bool:
    """Whether a run left a cache for the vault at ``root`` (where ``check`` keeps it)."""
    from ..api import options_for
    from ..engine import cache_folder

    options = options_for(root, None, {"offline": True}, "vaultlint server")
    return options.use_cache and cache_folder(options, root).is_dir()
