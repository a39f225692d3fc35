"""Where a run or a workspace works: the vault root, and which files of the vault are reported on.

Which files *exist* is always the whole vault (:func:`~vaultlint.vault.scan_vault`); which are
*reported on* is narrowed here by the paths given, ``exclude``, ``.gitignore``, template folders
and Obsidian's "Excluded files" (DESIGN.md §1).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..globs import GlobSet
from ..options import LintOptions
from ..vault import (
    Argument,
    Vault,
    VaultError,
    check_obsidian_dir,
    common_folder,
    find_git_root,
    find_vault_root,
    is_source,
    is_user_ignored,
    resolve_argument,
)


@dataclass(frozen=True)
class Location:
    """Where one run works: the vault root and every PATH, resolved once, all inside the root."""

    root: Path
    arguments: tuple[Argument, ...]


def locate(paths: Sequence[Path], vault_root: Path | None, obsidian_dir: str, config_folder: Path | None) -> Location:
    """The vault root, the same for every path of a run whatever their order (DESIGN.md §1):

    1. ``--vault-root`` (or the config's ``vault-root``, which the CLI passes here);
    2. the nearest folder, from the paths' common folder upwards, holding the Obsidian config folder;
    3. the config file's folder, when it holds every path;
    4. folders given: their common folder; files given (the pre-commit case): the git
       work tree around them, else their common folder.

    A PATH that leads out of the root (a symlink to elsewhere) is a :class:`VaultError`.
    """
    check_obsidian_dir(obsidian_dir)
    arguments = tuple(resolve_argument(path) for path in paths)
    # Looked for from where the user points, not from where symlinks lead: a link out of the
    # vault must not make its target's folder the root.
    common = common_folder(a.place for a in arguments)
    if vault_root is not None:
        if not vault_root.is_dir():
            raise VaultError(f"vault root is not a folder: {vault_root}")
        found = Path(os.path.abspath(vault_root))
    else:
        config_root = config_folder.resolve() if config_folder is not None else None
        only_folders = all(a.target.is_dir() for a in arguments)
        found = (
            find_vault_root(common, obsidian_dir)
            or (config_root if config_root is not None and common.resolve().is_relative_to(config_root) else None)
            or (common if only_folders else find_git_root(common) or common)
        )
    root = found.resolve()
    for argument in arguments:
        if not argument.target.is_relative_to(root):
            if argument.place.is_relative_to(found):  # inside as written: a symlink on the way leads out
                raise VaultError(f"path {argument.given} leads out of the vault root {root} (to {argument.target})")
            raise VaultError(f"path {argument.given} is outside the vault root {root}")
    return Location(root, arguments)


def locate_vault(paths: Sequence[Path], vault_root: Path | None, obsidian_dir: str, config_folder: Path | None) -> Path:
    """The vault root alone (see :func:`locate`)."""
    return locate(paths, vault_root, obsidian_dir, config_folder).root


def in_scope(
    vault: Vault, targets: Sequence[Path], options: LintOptions, staged: frozenset[str] | None = None
) -> list[str]:
    """Vault paths of the notes to report on; with ``staged``, a folder stands for its staged notes."""
    prefixes = vault_prefixes(vault, targets)
    if all(p in vault.by_path for p in prefixes):  # only files: no need to walk the whole vault
        candidates = [vault.by_path[p] for p in dict.fromkeys(prefixes)]
    else:
        candidates = [
            f
            for f in vault.files
            if any(
                f.path == p or ((p == "" or f.path.startswith(p + "/")) and (staged is None or f.path in staged))
                for p in prefixes
            )
        ]
    is_excluded = excluder(vault, options)
    return sorted(f.path for f in candidates if is_source(f.path) and not is_excluded(f.path))


def files_in_scope(vault: Vault, targets: Sequence[Path], options: LintOptions) -> tuple[str, ...]:
    """Vault paths of every file to report on, attachments included (the file-name rules)."""
    prefixes = vault_prefixes(vault, targets)
    if all(p in vault.by_path for p in prefixes):  # only files (pre-commit): no need to walk the vault
        candidates = list(dict.fromkeys(prefixes))
    else:
        candidates = (
            [f.path for f in vault.files]  # the whole vault (a run on its root): no prefix to test
            if "" in prefixes
            else [f.path for f in vault.files if any(p == f.path or f.path.startswith(p + "/") for p in prefixes)]
        )
    is_excluded = excluder(vault, options)
    return tuple(path for path in candidates if not is_excluded(path))


def notes_among(files: Iterable[str]) -> list[str]:
    """The notes of :func:`files_in_scope`'s answer, sorted: what :func:`in_scope` gives for the
    same PATHS, without asking again whether each is excluded (a ``.gitignore`` match per file)."""
    return sorted(path for path in files if is_source(path))


def reported_among(vault: Vault, targets: Sequence[Path], options: LintOptions, paths: Iterable[str]) -> list[str]:
    """Those of ``paths`` (files of ``vault``) that :func:`files_in_scope` gives: a workspace's
    files that came, without walking the vault."""
    prefixes, is_excluded = vault_prefixes(vault, targets), excluder(vault, options)
    return [
        path
        for path in paths
        if any(p in ("", path) or path.startswith(p + "/") for p in prefixes) and not is_excluded(path)
    ]


def vault_prefixes(vault: Vault, targets: Sequence[Path]) -> list[str]:
    """Each (resolved) PATH as a vault path; "" for the root itself."""
    relatives = (vault.vault_path(os.path.relpath(target, vault.root).replace(os.sep, "/")) for target in targets)
    return ["" if relative == "." else relative for relative in relatives]


def excluded(vault: Vault, path: str, options: LintOptions) -> bool:
    return excluder(vault, options)(path)


def excluder(vault: Vault, options: LintOptions) -> Callable[[str], bool]:
    """:func:`excluded` for many paths: only the tests this run's settings turn on are made, once
    (a run on a 100,000-file vault asked each of them of every file)."""
    tests: list[Callable[[str], bool]] = []
    if not options.lint_templates and vault.obsidian.template_folders:
        tests.append(vault.in_template_folder)
    if options.respect_gitignore:
        tests.append(vault.gitignore.is_ignored)
    if options.respect_obsidian_excluded:
        filters = vault.obsidian.user_ignore_filters
        tests.append(lambda path: is_user_ignored(path, filters))
    globs = _exclude_set(options.exclude)
    if globs:
        tests.append(globs.matches)
    if not tests:
        return lambda path: False
    if len(tests) == 1:
        return tests[0]
    return lambda path: any(test(path) for test in tests)


@functools.lru_cache(maxsize=8)
def _exclude_set(patterns: tuple[str, ...]) -> GlobSet:
    """The ``exclude`` globs, compiled once per run (gitignore rules, see globs.py)."""
    return GlobSet(patterns)
