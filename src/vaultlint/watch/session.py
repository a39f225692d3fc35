"""The one place where ``--watch`` talks to the engine: a batch of changes in, a report out.

One :class:`~vaultlint.Workspace` lives as long as the watch: each batch is handed to it as
updates, removals and renames, so that a save re-parses one note and re-checks only the notes
whose result it can change; a settings change reloads it.  The report of a round is the
workspace's diagnostics of the notes in PATHS, as ``vaultlint check --no-cache`` reports them
(the URL rules aside: a workspace never goes to the network).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .changes import Batch

if TYPE_CHECKING:  # pragma: no cover
    from ..api import Overrides
    from ..engine import Report
    from ..model import CheckedFile, Diagnostic
    from ..options import LintOptions
    from ..workspace import Workspace

#: A batch naming more files than this (a checkout, a sync) rebuilds the workspace.  On the
#: 13,415-note yoshi-zettelkasten a rebuild takes about 5 s and one update 2 ms (text only) to
#: 130 ms (its links changed: the vault-wide rules run again): past 40 files, rebuilding wins.
LARGE_BATCH = 40

#: Overrides that the command line knows and a workspace does not take (--watch refuses the others).
_NOT_FOR_A_WORKSPACE = frozenset({"progress", "staged", "new_since", "update_baseline"})


@dataclass(frozen=True)
class Request:
    """What ``vaultlint check --watch`` was asked: the same as a check, read again on every reload."""

    paths: tuple[Path, ...]
    config_file: Path | None
    overrides: Overrides


class Session:
    """The checks of one watch.  Not thread-safe: the loop calls it from one thread."""

    def __init__(self, request: Request, root: Path) -> None:
        """``root``: the vault root ``check`` finds for the request's PATHS."""
        from ..vault import common_folder
        from ..workspace import Workspace

        self.request = request
        paths = request.paths or (Path("."),)
        keywords = _keywords(request.overrides)
        if len(paths) == 1:
            start = paths[0]
        else:
            # One workspace for the folder holding every PATH, at the root check finds for them
            # (from that folder alone the root could differ); the report keeps to PATHS themselves.
            start = common_folder(Path(os.path.abspath(p)) for p in paths)
            keywords.setdefault("vault_root", root)
        self.workspace: Workspace = Workspace(start, request.config_file, **keywords)
        #: A reload that failed (a config that does not parse) is tried again with the next change.
        self._reload_pending = False
        self._scope = self._scope_now()

    @property
    def options(self) -> LintOptions:
        return self.workspace.settings

    @property
    def root(self) -> Path:
        return self.workspace.root

    def apply(self, batch: Batch) -> bool:
        """Take in what changed on disk; whether the report can differ from the last one.

        Raises ConfigError (or SelectorError) when the settings read again do not hold.
        """
        workspace = self.workspace
        if batch.reload or self._reload_pending or len(batch.added | batch.modified | batch.deleted) > LARGE_BATCH:
            self._reload_pending = True
            workspace.reload()
            self._reload_pending = False
            self._scope = self._scope_now()
            return True
        touched: set[str] = set()
        if len(batch.deleted) == 1 and len(batch.added) == 1:  # a file or folder renamed, or moved
            (gone,), (came,) = batch.deleted, batch.added
            touched |= workspace.rename(gone, came)
        else:
            # The first file that came or went makes the workspace walk the vault again, which
            # takes in every other one: those already taken in are not walked for again.
            for path in sorted(batch.deleted | batch.added):
                if not self._taken_in(path):
                    touched |= workspace.update(path) if os.path.lexists(path) else workspace.remove(path)
        for path in sorted(batch.modified):
            touched |= workspace.update(path)
        if batch.added or batch.deleted:
            before, self._scope = self._scope, self._scope_now()
            return bool(touched) or before != self._scope
        return bool(touched)

    def report(self, written: Sequence[Path] = ()) -> Report:
        """The report of the vault as it is now (``written``: files this watch's fixes just wrote)."""
        from ..engine import Report

        workspace = self.workspace
        for path in written:
            workspace.update(path)
        scope, prefixes = self._scope
        diagnostics = tuple(
            d
            for d in workspace.diagnostics()
            if any(p == "" or d.path == p or d.path.startswith(p + "/") for p in prefixes)
        )
        return Report(
            diagnostics, len(scope), workspace.root, workspace.vault.warnings, fixable=self._fixable(diagnostics)
        )

    def close(self) -> None:
        self.workspace.close()

    def _taken_in(self, path: Path) -> bool:
        """Whether the workspace already sees ``path`` as the disk has it (there or gone)."""
        workspace = self.workspace
        wanted = workspace.vault_path(path)
        if wanted is None:
            return True
        files = workspace.vault.by_path
        known = (
            wanted in files or any(p.startswith(wanted + "/") for p in files)
            if os.path.isdir(path)
            else wanted in files
        )
        return known == os.path.lexists(path)

    def _scope_now(self) -> tuple[frozenset[str], tuple[str, ...]]:
        """The notes PATHS hold (what ``check`` counts as checked) and PATHS as vault paths."""
        from ..workspace.scope import in_scope, locate, vault_prefixes

        options, vault = self.options, self.workspace.vault
        paths = self.request.paths or (Path("."),)
        targets = [
            a.target for a in locate(paths, options.vault_root, options.obsidian_dir, options.config_folder).arguments
        ]
        return frozenset(in_scope(vault, targets, options)), tuple(vault_prefixes(vault, targets))

    def _fixable(self, diagnostics: Sequence[Diagnostic]) -> dict[str, CheckedFile]:
        """The files with a fix and the hash of the text the workspace checked (``--fix`` writes
        only into a file that still holds exactly that text)."""
        from ..cache import content_hash
        from ..model import CheckedFile

        found: dict[str, CheckedFile] = {}
        for diagnostic in diagnostics:
            if diagnostic.fix is None or diagnostic.path in found:
                continue
            text = self.workspace.text(diagnostic.path)
            if text is not None:
                fs_path = str(self.workspace.fs_path(diagnostic.path))
                found[diagnostic.path] = CheckedFile(fs_path, content_hash(text.encode("utf-8")))
        return found


def _keywords(overrides: Overrides) -> dict[str, Any]:
    """The command line's overrides as the workspace's keyword arguments (those set only)."""
    return {
        field.name: getattr(overrides, field.name)
        for field in fields(overrides)
        if field.name not in _NOT_FOR_A_WORKSPACE and getattr(overrides, field.name) != field.default
    }
