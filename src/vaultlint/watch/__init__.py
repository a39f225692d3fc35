"""``vaultlint check --watch``: the vault checked again after every change.

- :mod:`.changes`: which file-system events matter, and how (pure).
- :mod:`.session`: the one adapter to the engine (a batch in, a report out).
- :mod:`.loop`: the watcher, the rounds and what each prints.
"""

from __future__ import annotations

from pathlib import Path

from .changes import Place
from .loop import FixRound, Show, watch
from .session import Request, Session


def watch_vault(request: Request, show: Show, fix: FixRound | None, report_file: Path | None = None) -> None:
    """Check ``request`` and keep checking it after each change until Ctrl-C (KeyboardInterrupt).

    Raises what a first check raises (ConfigError, SelectorError, VaultError) before the first round.
    """
    import os
    import time

    from ..api import build_options
    from ..engine import cache_folder, locate_vault

    started = time.monotonic()  # the first round's time includes reading the vault
    # Where to watch, found as the session will find it, before the session reads the vault.
    options, _ = build_options(request.paths, request.config_file, request.overrides)
    root = locate_vault(options.paths, options.vault_root, options.obsidian_dir, options.config_folder)
    own = [cache_folder(options, root)]
    if report_file is not None:
        own.append(report_file)
    place = Place(root, options.obsidian_dir, tuple(Path(os.path.abspath(path)) for path in own))
    watch(lambda: Session(request, root), place, show, fix, _settings_outside(root, options.config_file), started)


def _settings_outside(root: Path, config_file: Path | None) -> list[Path]:
    """Files above the vault root that change how it is checked: the config file when it lies
    outside the vault, and the .gitignore files of the folders up to the git work tree."""
    from ..vault import find_git_root

    found = []
    if config_file is not None and not config_file.resolve().is_relative_to(root):
        found.append(config_file)
    top = find_git_root(root)
    if top is not None and top != root:
        for folder in root.parents:
            found.append(folder / ".gitignore")
            if folder == top:
                break
    return found


__all__ = ["Request", "Session", "watch_vault"]
