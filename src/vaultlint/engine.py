"""One run of vaultlint: discover, parse, run rules, select and sort (DESIGN.md §1)."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .context import LintContext, NoteStore
from .model import Diagnostic, Note, Span, Violation
from .rules import RULES_BY_CODE, Rule, Scope
from .selection import Selection
from .syntax.note import parse_note
from .vault import UnreadableFile, Vault, VaultError, find_vault_root, read_note_text, scan_vault


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
    #: Glob patterns (vault-relative) of notes not to report on.
    exclude: tuple[str, ...] = ()
    offline: bool = False
    #: Folder that holds the config file, a vault-root candidate (DESIGN.md §1).
    config_folder: Path | None = None


@dataclass(frozen=True)
class Report:
    diagnostics: tuple[Diagnostic, ...]
    files_checked: int
    vault_root: Path
    warnings: tuple[str, ...] = ()


def locate_vault(paths: Sequence[Path], vault_root: Path | None, obsidian_dir: str, config_folder: Path | None) -> Path:
    """The vault root: ``--vault-root``, else the nearest folder with the config folder,
    else the config file's folder, else the given folder (DESIGN.md §1)."""
    for path in paths:
        if not path.exists() and not path.is_symlink():
            raise VaultError(f"path does not exist: {path}")
    first = paths[0].resolve()
    start = first if first.is_dir() else first.parent
    if vault_root is not None:
        if not vault_root.is_dir():
            raise VaultError(f"vault root is not a folder: {vault_root}")
        root = vault_root.resolve()
    else:
        root = find_vault_root(start, obsidian_dir) or (config_folder.resolve() if config_folder else start)
    for path in paths:
        resolved = path.resolve()
        if resolved != root and root not in resolved.parents:
            raise VaultError(f"path {path} is outside the vault root {root}")
    return root


def _in_scope(vault: Vault, paths: Sequence[Path], options: LintOptions) -> list[str]:
    """Vault paths of the notes to report on."""
    root = vault.root
    prefixes: list[str] = []
    for path in paths:
        relative = os.path.relpath(path.resolve(), root).replace(os.sep, "/")
        prefixes.append("" if relative == "." else relative)
    selected: list[str] = []
    for file in vault.files:
        if not file.is_note:
            continue
        if not any(p == "" or file.path == p or file.path.startswith(p + "/") for p in prefixes):
            continue
        if _excluded(vault, file.path, options):
            continue
        selected.append(file.path)
    return selected


def _excluded(vault: Vault, path: str, options: LintOptions) -> bool:
    if not options.lint_templates and vault.in_template_folder(path):
        return True
    if options.respect_gitignore and vault.gitignore.is_ignored(path):
        return True
    if options.respect_obsidian_excluded:
        from .vault import is_user_ignored

        if is_user_ignored(path, vault.obsidian.user_ignore_filters):
            return True
    return any(fnmatch.fnmatch(path, pattern) for pattern in options.exclude)


def load_note(vault: Vault, path: str) -> Note | str:
    """Parse one note; the reason as a string when it cannot be read (VL001)."""
    file = vault.by_path.get(path)
    if file is None:
        return "not in the vault"
    try:
        text = read_note_text(file.fs_path)
    except UnreadableFile as error:
        return str(error)
    try:
        return parse_note(path, text)
    except RecursionError:
        return "too deeply nested to parse"


def lint(options: LintOptions) -> Report:
    root = locate_vault(options.paths, options.vault_root, options.obsidian_dir, options.config_folder)
    vault = scan_vault(root, options.obsidian_dir)
    scope = _in_scope(vault, options.paths, options)
    store = NoteStore(lambda path: load_note(vault, path))
    context = LintContext(vault, store, vault.obsidian.property_types)
    selection = options.selection
    rules = selection.enabled_rules()
    note_rules = [r for r in rules if r.scope in (Scope.NOTE, Scope.PARSE)]

    diagnostics: list[Diagnostic] = []
    for path in scope:
        note = store.get(path)
        if note is None:
            if RULES_BY_CODE["VL001"] in rules:
                reason = store.error(path) or "cannot be read"
                diagnostics.append(_diagnostic(RULES_BY_CODE["VL001"], selection, path, Violation(Span(1, 1, 1, 1), reason)))
            continue
        for rule in note_rules:
            assert rule.check is not None
            for violation in rule.check(note, context):
                if violation.in_comment and not options.check_comments:
                    continue
                diagnostics.append(_diagnostic(rule, selection, violation.path or path, violation))

    warnings = list(vault.obsidian.warnings)
    diagnostics.sort(key=lambda d: d.sort_key)
    return Report(tuple(diagnostics), len(scope), root, tuple(warnings))


def _diagnostic(rule: Rule, selection: Selection, path: str, violation: Violation) -> Diagnostic:
    return Diagnostic(
        code=rule.code,
        name=rule.name,
        severity=selection.severity_of(rule),
        path=path,
        span=violation.span,
        message=violation.message,
        hint=violation.hint,
        fix=violation.fix,
    )


def selected_urls(notes: Iterable[Note], check_comments: bool) -> list[tuple[str, object]]:
    """Every external URL occurrence of the notes in scope (comments only when asked, D1)."""
    return [(note.path, url) for note in notes for url in note.urls if check_comments or not url.in_comment]
