"""One run of vaultlint, top to bottom: discover, parse and check (a workspace built once and asked
once), the URL stage, what git says changed, the baseline, the report (DESIGN.md §1 and §9)."""

from __future__ import annotations

import dataclasses
import gc
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .cache import NoteCache
from .context import LintContext
from .git.newsince import Comparison, Past, anchors, comparison_since, dependents, only_new, past_of, staged_comparison
from .git.run import GitError, stalled_since
from .loader import NoteLoader
from .model import CheckedFile, Diagnostic, Note
from .options import LintOptions
from .placeholders import Placeholders
from .rules import RULES_BY_CODE, Scope
from .safeio import repository_of
from .vault import Vault, is_source, scan_vault
from .workspace import Workspace, checking
from .workspace.checking import World, keyed, moved_files
from .workspace.scope import (
    Location,
    excluded,
    files_in_scope,
    in_scope,
    locate,
    locate_vault,
    notes_among,
    vault_prefixes,
)

__all__ = ["CACHE_FOLDER", "LintOptions", "Location", "Report", "cache_folder", "lint", "locate", "locate_vault"]

CACHE_FOLDER = ".vaultlint-cache"


def cache_folder(options: LintOptions, root: Path) -> Path:
    """Where a run on the vault at ``root`` keeps its caches: ``--cache-dir`` (or the config's), else
    the vault's own cache folder."""
    return options.cache_dir or root / CACHE_FOLDER


@dataclass(frozen=True)
class Report:
    diagnostics: tuple[Diagnostic, ...]
    files_checked: int
    vault_root: Path
    warnings: tuple[str, ...] = ()
    #: The URL checker's one-line summary, when URLs were checked.
    url_summary: str | None = None
    #: Placeholder names and how many notes link each, most first (``list_placeholders``).
    placeholders: tuple[tuple[str, int], ...] = ()
    #: Problems hidden by the baseline.
    baselined: int = 0
    #: Baseline entries whose problem is gone (``--update-baseline`` drops them).
    baseline_stale: int = 0
    #: The files that have a fix, as they were checked (``--fix`` writes only into these bytes).
    fixable: Mapping[str, CheckedFile] = field(default_factory=dict)
    #: What the run could not do, said in every output format: "network unavailable: N URLs not checked".
    notices: tuple[str, ...] = ()
    #: The URL rules ran and the network was unavailable, so no URL was checked.
    network_unavailable: bool = False


#: Below this many notes in scope, checking is cheaper than validating cached results.
RESULTS_CACHE_MIN = 50


def lint(options: LintOptions) -> Report:
    started = time.monotonic()
    location = locate(options.paths, options.vault_root, options.obsidian_dir, options.config_folder)
    root = location.root
    vault = scan_vault(root, options.obsidian_dir, options.template_folders)
    targets = [argument.target for argument in location.arguments]
    comparison = _comparison(root, vault, options)
    moved = comparison.changes.moved if comparison is not None else moved_files(root, vault, options)
    if comparison is None:  # every file reported on, each asked once whether it is excluded
        every_file: tuple[str, ...] | None = files_in_scope(vault, targets, options)
        scope = notes_among(every_file)
    else:
        every_file = None
        scope = in_scope(vault, targets, options, comparison.changes.changed)
    warnings = list(vault.warnings)
    cache = None
    if options.use_cache:
        cache = NoteCache.open(cache_folder(options, root), warnings, repository_of(root))
    collecting = gc.isenabled()
    gc.disable()  # millions of acyclic objects: the collector only costs time here
    loader: NoteLoader | None = None
    fresh_results: checking.FreshResults = {}
    world: World | None = None
    past: Past | None = None
    try:
        # Whether stored results are used is decided on the scope as given (a comparison adds the
        # notes that link to the changed ones, below): until then the rows are read without them.
        loader = NoteLoader(vault, cache, jobs=options.jobs, with_results=_uses_stored_results(cache, scope, options))
        types = {**vault.obsidian.property_types, **options.types}
        context = LintContext(vault, loader, types, options.schema, moved=moved)
        if comparison is not None:
            past = past_of(vault, loader, comparison)
            scope = _with_dependents(scope, comparison, context, past, options)
        screen = Placeholders(context) if options.allow_placeholders else None
        if _uses_stored_results(cache, scope, options):
            world = World(options, vault, loader, moved)
        # A comparison checks the past's notes after the present's, and the past shares the
        # present's parsed notes: they must stay whole until then.
        settle = comparison is None
        files = _changed_files(scope, comparison, vault, targets, options) if comparison is not None else every_file
        # A vault whose every note is as stored: the answer of the last run with the same key.
        key = checking.run_key(world, every_file, targets)
        remembered = checking.remembered_run(loader, key) if key is not None else None
        whole_run = None
        if remembered is not None:
            diagnostics = remembered
        else:
            checked = Workspace.checked_once(
                options,
                location,
                context,
                scope,
                screen,
                world=world,
                fresh_results=fresh_results,
                settle=settle,
                files=files,
            )
            diagnostics = list(checked.diagnostics())  # each once, sorted
            # Kept under the key of what this run read: every note's hash is known by now (parsed,
            # or unchanged), the one of the bytes its results came from.
            end_key = checking.run_key(world, every_file, targets) if _keeps_whole_run(fresh_results, scope) else None
            if end_key is not None:
                whole_run = checking.whole_run(loader, end_key, diagnostics)
        loader.flush(keyed(fresh_results, world), warnings, whole_run)
        url_summary = None
        notices: tuple[str, ...] = ()
        if not options.offline and any(r.scope is Scope.URL for r in options.selection.enabled_rules()):
            url_cache = cache_folder(options, root) if cache is not None else None
            known = _urls_before(scope, comparison, past) if comparison is not None and past is not None else {}
            found, url_summary, notice = _check_urls(scope, loader, options, warnings, url_cache, known)
            diagnostics = list(dict.fromkeys([*diagnostics, *found]))  # a note never says the same thing twice
            diagnostics.sort(key=lambda d: d.sort_key)
            notices = (notice,) if notice is not None else ()
        if comparison is not None and past is not None and files is not None:
            before = _past_diagnostics(scope, files, comparison, past, options, types)
            diagnostics = only_new(diagnostics, before, comparison.changes.renamed)
        hidden = stale = 0
        if options.baseline is not None:
            from .baseline import apply_baseline

            diagnostics, hidden, stale = apply_baseline(diagnostics, scope, vault, options)
        listing = tuple(screen.listing()) if screen is not None and options.list_placeholders else ()
        checked = len(scope)
        fixable = _fixable_files(diagnostics, vault, loader)
        stalled = stalled_since(root, started)
        if stalled is not None:  # the run waited for git once and went on without it: say so
            warnings.append(f"{stalled}; this run went without what git says (files renamed since HEAD)")
        return Report(
            tuple(diagnostics),
            checked,
            root,
            tuple(warnings),
            url_summary,
            listing,
            hidden,
            stale,
            fixable,
            notices=notices,
            network_unavailable=bool(notices),
        )
    except KeyboardInterrupt:
        if loader is not None:
            # Ctrl-C: keep what was learnt (once; cli.py exits 130), results only if their key is known.
            loader.flush(keyed(fresh_results, world, interrupted=True), warnings)
        raise
    finally:
        if past is not None:
            past.close()
        if cache is not None:
            cache.close()
        if collecting:
            gc.enable()


def _uses_stored_results(cache: NoteCache | None, scope: Sequence[str], options: LintOptions) -> bool:
    return cache is not None and len(scope) >= RESULTS_CACHE_MIN and not options.list_placeholders


def _keeps_whole_run(fresh_results: checking.FreshResults, scope: Sequence[str]) -> bool:
    """A run keeps its whole answer when it found every note as stored, or checked every one (it
    built the cache): the next run is likely to find the vault as it was.  Not one that checked
    some notes again (someone is editing): keeping it made such a run 5 % slower (25,000 notes,
    one changed), for nothing if the next run finds another change."""
    return not fresh_results or len(fresh_results) >= len(scope)


def _fixable_files(diagnostics: Sequence[Diagnostic], vault: Vault, loader: NoteLoader) -> dict[str, CheckedFile]:
    """Where each file with a fix is, and the hash of the bytes its diagnostics came from."""
    found: dict[str, CheckedFile] = {}
    for diagnostic in diagnostics:
        path = diagnostic.path
        if diagnostic.fix is None or path in found:
            continue
        file, digest = vault.by_path.get(path), loader.hashes.get(path)
        if file is not None and digest is not None:
            found[path] = CheckedFile(file.fs_path, digest)
    return found


def _comparison(root: Path, vault: Vault, options: LintOptions) -> Comparison | None:
    """What the change being checked is, for ``--staged`` and ``--new-since``; a :class:`GitError`
    when git cannot say (a hook that checked nothing must not pass the commit)."""
    if not options.use_git or not (options.staged or options.new_since):
        return None
    try:
        if options.staged:
            found = staged_comparison(root)
        else:
            assert options.new_since is not None
            found = comparison_since(root, options.new_since)
    except GitError as error:
        flag = "--staged" if options.staged else f"--new-since {options.new_since}"
        message = str(error)
        raise GitError(message if message.startswith("--") else f"{flag}: {message}") from None
    return dataclasses.replace(found, changes=found.changes.within(vault.by_path))


def _with_dependents(
    scope: list[str], comparison: Comparison, context: LintContext, past: Past, options: LintOptions
) -> list[str]:
    """``scope`` and the notes whose links may resolve differently since the change started."""
    loader = context.loader
    changed = comparison.changes.changed
    modified = [p for p in changed if p.lower().endswith(".md") and comparison.former_path(p) is not None]
    anchors_changed = [
        p for p in modified if anchors(loader.load(p)) != anchors(past.loader.load(comparison.former_path(p) or p))
    ]
    extra = dependents(loader, comparison, anchors_changed, set(scope))
    return sorted({*scope, *(p for p in extra if not excluded(context.vault, p, options))})


def _changed_files(
    scope: list[str], comparison: Comparison, vault: Vault, targets: Sequence[Path], options: LintOptions
) -> tuple[str, ...]:
    """What the file-name and vault rules report on in a comparison: the notes in scope and the
    changed attachments under PATHS (never every file of the vault)."""
    prefixes = vault_prefixes(vault, targets)
    attachments = [
        path
        for path in comparison.changes.changed
        if path in vault.by_path
        and not is_source(path)
        and any(p == "" or path == p or path.startswith(p + "/") for p in prefixes)
        and not excluded(vault, path, options)
    ]
    return tuple(sorted({*scope, *attachments}))


def _past_diagnostics(
    scope: list[str],
    files: Sequence[str],
    comparison: Comparison,
    past: Past,
    options: LintOptions,
    types: Mapping[str, str],
) -> list[Diagnostic]:
    """The diagnostics the same notes had before the change, at their paths then."""
    context = LintContext(past.vault, past.loader, types, options.schema)
    screen = Placeholders(context) if options.allow_placeholders else None
    found: list[Diagnostic] = []
    notes = []
    for path in scope:
        former = comparison.former_path(path)
        if former is not None and former in past.vault.by_path:
            notes.append(former)
            found.extend(checking.check_note(former, past.loader.load(former), context, options, screen))
    former_files = [f for f in (comparison.former_path(p) for p in files) if f is not None and f in past.vault.by_path]
    found.extend(checking.check_vault(notes, (), context, options, tuple(former_files)))
    return found


def _urls_before(scope: list[str], comparison: Comparison, past: Past) -> dict[str, frozenset[str]]:
    """The URLs each note in scope held before the change: a problem with one of those is not new."""
    known: dict[str, frozenset[str]] = {}
    for path in scope:
        former = comparison.former_path(path)
        note = past.loader.load(former) if former is not None and former in past.vault.by_path else None
        if isinstance(note, Note):
            known[path] = frozenset(url.url for url in note.urls)
    return known


def _check_urls(
    scope: list[str],
    loader: NoteLoader,
    options: LintOptions,
    warnings: list[str],
    cache_dir: Path | None,
    known: Mapping[str, frozenset[str]],
) -> tuple[list[Diagnostic], str, str | None]:
    """The external URL stage: every URL of the notes in scope, each fetched once (DESIGN.md §6);
    in a comparison, only the URLs a note did not hold before the change (``known``).

    Returns the diagnostics, the summary line, and the notice of a network that was unavailable.
    """
    import dataclasses

    from .config import ConfigError, load_user_urls
    from .urls import UrlConfigError, check_urls
    from .urls.settings import UrlTable, url_settings_from_tables

    tables = [UrlTable(options.urls, str(options.config_file or "[urls]"), not options.urls_in_repository)]
    users = load_user_urls(loader.vault.root, options.vault_root)
    if users is not None:
        path, table, trusted = users
        tables.append(UrlTable(table, str(path), trusted))
    try:
        settings, ignored = url_settings_from_tables(tables)
    except UrlConfigError as error:  # an environment variable that is not set
        raise ConfigError(str(error)) from error
    warnings.extend(ignored)
    if options.allow_private_urls:
        settings = dataclasses.replace(settings, allow_private=True)
    occurrences = []
    for path in scope:
        note = loader.load(path)
        if isinstance(note, Note):
            before = known.get(path, frozenset())
            occurrences.extend(
                (path, url)
                for url in note.urls
                if (options.check_comments or not url.in_comment) and url.url not in before
            )
    report = check_urls(occurrences, settings, cache_dir=cache_dir, progress=options.progress)
    warnings.extend(report.warnings)
    selection = options.selection
    by_path: dict[str, list[Diagnostic]] = {}
    for finding in report.findings:
        rule = RULES_BY_CODE[finding.code]
        if not selection.enabled(rule) or selection.ignored_in(rule.code, finding.path):
            continue
        if finding.violation.in_comment and not options.check_comments:
            continue
        by_path.setdefault(finding.path, []).append(
            checking.diagnostic(rule, selection, finding.path, finding.violation)
        )
    return checking.apply_directives(by_path, loader), report.summary.line(), report.summary.network_notice()
