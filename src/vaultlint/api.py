"""The Python API, and the one place where options on top of the config become :class:`LintOptions`.

``vaultlint check`` and :func:`lint` both call :func:`build_options`, so a
program gets exactly what the command line gets for the same folder: the
nearest ``.vaultlint.toml`` or ``[tool.vaultlint]``, with the same options
layered on top.

::

    import vaultlint

    report = vaultlint.lint(["notes/"], offline=True, select=["LK"])
    for d in report.diagnostics:
        print(d.path, d.span.line, d.code, d.message)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:  # pragma: no cover
    from .config import Settings
    from .engine import LintOptions, Report

PathLike = Union[str, "os.PathLike[str]"]


@dataclass(frozen=True)
class Overrides:
    """What the command line (or a caller of :func:`lint`) sets on top of the config.

    The names are the command-line options with underscores; each default
    leaves the config's value in force.
    """

    #: Codes, prefixes or names: ``select`` replaces the config's list, the others add to it.
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    vault_root: Path | None = None
    obsidian_dir: str | None = None
    check_comments: bool = False
    lint_templates: bool = False
    no_gitignore: bool = False
    offline: bool = False
    allow_private_urls: bool = False
    no_cache: bool = False
    cache_dir: Path | None = None
    #: Processes for parsing; default one per core.
    jobs: int | None = None
    #: Draw URL-checking progress on stderr (the CLI sets it on a TTY only).
    progress: bool = False
    #: The pre-commit mode: staged notes, and the notes that staged renames and deletions break.
    staged: bool = False
    #: Report only the problems that the vault at this git revision did not have.
    new_since: str | None = None
    #: Report only problems not recorded in this baseline file (``update_baseline``: write it).
    baseline: Path | None = None
    update_baseline: bool = False


def build_options(
    paths: Sequence[Path], config_file: Path | None, overrides: Overrides
) -> tuple[LintOptions, Settings]:
    """``(options, settings)`` for a run over ``paths``.

    Raises :class:`~vaultlint.config.ConfigError` for an unusable config file and
    :class:`~vaultlint.selection.SelectorError` for a selector that names no rule.
    """
    from .config import load_settings
    from .options import LintOptions
    from .selection import selection_from_settings
    from .vault import common_folder

    paths = tuple(paths) or (Path("."),)
    # The config is looked for from the folder that holds every PATH, so that it never
    # depends on which path comes first (a pre-commit hook passes staged files in any order).
    settings = load_settings(
        common_folder(Path(os.path.abspath(path)) for path in paths), config_file, overrides.vault_root
    )
    selection = selection_from_settings(
        settings, list(overrides.select), list(overrides.ignore), list(overrides.extend_select)
    )
    options = LintOptions(
        paths=paths,
        vault_root=overrides.vault_root or settings.vault_root,
        obsidian_dir=overrides.obsidian_dir or settings.obsidian_dir,
        selection=selection,
        check_comments=overrides.check_comments or settings.check_comments,
        respect_gitignore=settings.respect_gitignore and not overrides.no_gitignore,
        respect_obsidian_excluded=settings.respect_obsidian_excluded,
        lint_templates=overrides.lint_templates or settings.lint_templates,
        template_folders=settings.template_folders,
        exclude=settings.exclude,
        offline=overrides.offline,
        config_folder=settings.source.parent if settings.source else None,
        use_cache=not overrides.no_cache,
        cache_dir=overrides.cache_dir,
        jobs=overrides.jobs or os.cpu_count() or 1,
        types=settings.types,
        schema=settings.schema,
        config_file=settings.source,
        urls=settings.urls,
        urls_in_repository=settings.in_repository,
        allow_private_urls=overrides.allow_private_urls,
        progress=overrides.progress,
        staged=overrides.staged,
        new_since=overrides.new_since,
        allow_placeholders=settings.allow_placeholders,
        baseline=overrides.baseline or settings.baseline,
        update_baseline=overrides.update_baseline,
    )
    return options, settings


_OVERRIDE_NAMES = frozenset(item.name for item in fields(Overrides)) - {"progress"}


def lint(paths: PathLike | Sequence[PathLike] = ".", *, config: PathLike | None = None, **overrides: Any) -> Report:
    """Check the notes in ``paths`` as ``vaultlint check`` does, and return the :class:`Report`.

    ``config`` names a config file (default: the nearest one, as for the CLI);
    ``overrides`` are the command line's options with underscores (``select``,
    ``ignore``, ``extend_select``, ``offline``, ``vault_root``, ``no_cache``,
    ``cache_dir``, ``jobs``, ``check_comments``, ``lint_templates``,
    ``no_gitignore``, ``allow_private_urls``, ``obsidian_dir``).  Nothing is
    printed; nothing in the vault is written except the cache (``no_cache=True``
    to avoid that too).

    Raises :class:`TypeError` for an unknown keyword, :class:`~vaultlint.ConfigError`
    for an unusable config or an unknown rule selector, and
    :class:`~vaultlint.VaultError` for a path that does not exist or lies outside the vault.
    """
    from .engine import lint as run

    return run(options_for(paths, config, overrides, "lint()"))


def options_for(
    paths: PathLike | Sequence[PathLike], config: PathLike | None, overrides: dict[str, Any], caller: str
) -> LintOptions:
    """The options of :func:`lint` and :class:`~vaultlint.Workspace`: the config's, with ``overrides``
    (keyword arguments named as the command line's options) on top."""
    from .config import ConfigError
    from .selection import SelectorError

    unknown = sorted(set(overrides) - _OVERRIDE_NAMES)
    if unknown:
        raise TypeError(
            f"{caller} got unknown option(s): {', '.join(unknown)} (known: {', '.join(sorted(_OVERRIDE_NAMES))})"
        )
    values = dict(overrides)
    for key in ("select", "ignore", "extend_select"):
        if isinstance(values.get(key), str):
            values[key] = (values[key],)
        if key in values:
            values[key] = tuple(values[key])
    for key in ("vault_root", "cache_dir", "baseline"):
        if values.get(key) is not None:
            values[key] = Path(values[key])
    listed = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    try:
        options, _ = build_options(
            [Path(p) for p in listed], Path(config) if config is not None else None, Overrides(**values)
        )
    except SelectorError as error:
        raise ConfigError(str(error)) from error
    return options
