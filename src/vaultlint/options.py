"""What one run, or one workspace, is asked to do: :class:`LintOptions`, resolved once from the
config and the command line (:func:`vaultlint.api.build_options`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import PropertySchema
from .selection import Selection


@dataclass(frozen=True)
class LintOptions:
    paths: tuple[Path, ...] = (Path("."),)
    vault_root: Path | None = None
    obsidian_dir: str = ".obsidian"
    selection: Selection = field(default_factory=Selection)
    #: Report links and tags inside %% comments (OBSIDIAN.md D1).
    check_comments: bool = False
    respect_gitignore: bool = True
    #: Skip notes matched by Obsidian's "Excluded files" (they still resolve).
    respect_obsidian_excluded: bool = False
    #: Report on notes in template folders (D12).
    lint_templates: bool = False
    #: The config's template folders, used when the Obsidian config folder names none.
    template_folders: tuple[str, ...] = ()
    #: Glob patterns (vault-relative) of notes not to report on.
    exclude: tuple[str, ...] = ()
    offline: bool = False
    #: Folder that holds the config file, a vault-root candidate (DESIGN.md §1).
    config_folder: Path | None = None
    #: Keep parsed notes and results on disk between runs.
    use_cache: bool = False
    #: Where; default ``<vault>/.vaultlint-cache``.
    cache_dir: Path | None = None
    #: Processes for parsing many notes at once.
    jobs: int = 1
    #: Property types from the config, merged over ``.obsidian/types.json``.
    types: Mapping[str, str] = field(default_factory=dict)
    #: The config's ``[[schema]]`` entries.
    schema: tuple[PropertySchema, ...] = ()
    #: The config file, if any.
    config_file: Path | None = None
    #: The config's ``[urls]`` table (validated by the URL checker).
    urls: Mapping[str, Any] = field(default_factory=dict)
    #: That config lies inside the repository: what in it could send a secret off the
    #: machine or lift the private-address guard is ignored (``config.inside_repository``).
    urls_in_repository: bool = False
    #: Fetch loopback, private and link-local addresses too.
    allow_private_urls: bool = False
    #: Draw a progress line on stderr while URLs are checked (the CLI passes it on a TTY only).
    progress: bool = False
    #: The pre-commit case: folders stand for their staged notes, and only the problems the
    #: commit introduces are reported (``git.newsince``: the index against ``HEAD``).
    staged: bool = False
    #: Only the problems that the vault at this git revision did not have (``git.newsince``).
    new_since: str | None = None
    #: Ask git which files were renamed, so that links to them get a hint and a fix.
    use_git: bool = True
    #: Bare wikilinks to notes that exist nowhere are placeholders, not problems (``placeholders``).
    allow_placeholders: bool = False
    #: Collect every placeholder of the notes in scope (``vaultlint placeholders``).
    list_placeholders: bool = False
    #: Report only problems not in this baseline file; with ``update_baseline``, rewrite it first.
    baseline: Path | None = None
    update_baseline: bool = False
    #: Rewrite the baseline's paths when git saw its notes renamed (``--fix``).
    keep_baseline_current: bool = False
