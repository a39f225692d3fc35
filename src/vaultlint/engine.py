"""One run of vaultlint: discover, parse, run rules, select and sort (DESIGN.md §1)."""

from __future__ import annotations

import dataclasses
import functools
import gc
import hashlib
import os
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import suppress, templates
from .cache import NoteCache, code_fingerprint, decode_results, encode_results
from .config import PropertySchema
from .context import LintContext
from .git.changes import MovedLater, worktree_changes
from .git.newsince import Comparison, Past, anchors, comparison_since, dependents, only_new, past_of, staged_comparison
from .git.run import GitError, ask_git
from .globs import GlobSet
from .loader import NoteLoader, NotYetParsed
from .model import CheckedFile, Diagnostic, Note, Span, Violation
from .placeholders import Placeholders
from .rules import RULES_BY_CODE, Rule, Scope
from .safeio import repository_of
from .selection import Selection, closest_rule
from .vault import (
    Argument,
    Vault,
    VaultError,
    check_obsidian_dir,
    common_folder,
    find_git_root,
    find_vault_root,
    is_inside,
    is_source,
    is_user_ignored,
    resolve_argument,
    scan_vault,
)

CACHE_FOLDER = ".vaultlint-cache"


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
            or (config_root if config_root is not None and is_inside(common.resolve(), config_root) else None)
            or (common if only_folders else find_git_root(common) or common)
        )
    root = found.resolve()
    for argument in arguments:
        if not is_inside(argument.target, root):
            if is_inside(argument.place, found):  # inside as written: a symlink on the way leads out
                raise VaultError(f"path {argument.given} leads out of the vault root {root} (to {argument.target})")
            raise VaultError(f"path {argument.given} is outside the vault root {root}")
    return Location(root, arguments)


def locate_vault(paths: Sequence[Path], vault_root: Path | None, obsidian_dir: str, config_folder: Path | None) -> Path:
    """The vault root alone (see :func:`locate`)."""
    return locate(paths, vault_root, obsidian_dir, config_folder).root


def _in_scope(
    vault: Vault, targets: Sequence[Path], options: LintOptions, staged: frozenset[str] | None = None
) -> list[str]:
    """Vault paths of the notes to report on; with ``staged``, a folder stands for its staged notes."""
    prefixes = _prefixes(vault, targets)
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
    return sorted(f.path for f in candidates if is_source(f.path) and not _excluded(vault, f.path, options))


def _files_in_scope(vault: Vault, targets: Sequence[Path], options: LintOptions) -> tuple[str, ...]:
    """Vault paths of every file to report on, attachments included (the file-name rules)."""
    prefixes = _prefixes(vault, targets)
    if all(p in vault.by_path for p in prefixes):  # only files (pre-commit): no need to walk the vault
        candidates = list(dict.fromkeys(prefixes))
    else:
        candidates = [
            f.path for f in vault.files if any(p in ("", f.path) or f.path.startswith(p + "/") for p in prefixes)
        ]
    return tuple(path for path in candidates if not _excluded(vault, path, options))


def _prefixes(vault: Vault, targets: Sequence[Path]) -> list[str]:
    """Each (resolved) PATH as a vault path; "" for the root itself."""
    relatives = (vault.vault_path(os.path.relpath(target, vault.root).replace(os.sep, "/")) for target in targets)
    return ["" if relative == "." else relative for relative in relatives]


def _unreadable_in_scope(vault: Vault, targets: Sequence[Path], options: LintOptions) -> list[Diagnostic]:
    """VL001 for the folders inside PATHS that the walk could not enter (too long, no permission)."""
    rule = RULES_BY_CODE["VL001"]
    selection = options.selection
    if not vault.unreadable or not selection.enabled(rule):
        return []
    prefixes = _prefixes(vault, targets)
    return [
        _diagnostic(rule, selection, path, Violation(Span(1, 1, 1, 1), reason))
        for path, reason in vault.unreadable
        if any(p == "" or path == p or path.startswith(p + "/") for p in prefixes)
        and not _excluded(vault, path + "/", options)
        and not selection.ignored_in(rule.code, path)
    ]


def _excluded(vault: Vault, path: str, options: LintOptions) -> bool:
    if not options.lint_templates and vault.in_template_folder(path):
        return True
    if options.respect_gitignore and vault.gitignore.is_ignored(path):
        return True
    if options.respect_obsidian_excluded and is_user_ignored(path, vault.obsidian.user_ignore_filters):
        return True
    return _exclude_set(options.exclude).matches(path)


@functools.lru_cache(maxsize=8)
def _exclude_set(patterns: tuple[str, ...]) -> GlobSet:
    """The ``exclude`` globs, compiled once per run (gitignore rules, see globs.py)."""
    return GlobSet(patterns)


#: Below this many notes in scope, checking is cheaper than validating cached results.
RESULTS_CACHE_MIN = 50


def lint(options: LintOptions) -> Report:
    location = locate(options.paths, options.vault_root, options.obsidian_dir, options.config_folder)
    root = location.root
    vault = scan_vault(root, options.obsidian_dir, options.template_folders)
    targets = [argument.target for argument in location.arguments]
    comparison = _comparison(root, vault, options)
    moved = comparison.changes.moved if comparison is not None else _moved(root, vault, options)
    scope = _in_scope(vault, targets, options, comparison.changes.changed if comparison is not None else None)
    warnings = list(vault.warnings)
    cache = None
    if options.use_cache:
        cache = NoteCache.open(options.cache_dir or root / CACHE_FOLDER, warnings, repository_of(root))
    collecting = gc.isenabled()
    gc.disable()  # millions of acyclic objects: the collector only costs time here
    loader: NoteLoader | None = None
    fresh_results: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}
    world: _World | None = None
    past: Past | None = None
    try:
        loader = NoteLoader(vault, cache, jobs=options.jobs)
        types = {**vault.obsidian.property_types, **options.types}
        context = LintContext(vault, loader, types, options.schema, moved=moved)
        if comparison is not None:
            past = past_of(vault, loader, comparison)
            scope = _with_dependents(scope, comparison, context, past, options)
        screen = Placeholders(context) if options.allow_placeholders else None
        if cache is not None and len(scope) >= RESULTS_CACHE_MIN and not options.list_placeholders:
            world = _World(options, vault, loader, moved)
        # A comparison checks the past's notes after the present's, and the past shares the
        # present's parsed notes: they must stay whole until then.
        settle = comparison is None
        found_in = _check_while_parsing(
            loader.preload_stepwise(scope),
            lambda path: _check_in_scope(path, context, options, screen, world, fresh_results, settle),
        )
        diagnostics: list[Diagnostic] = _unreadable_in_scope(vault, targets, options)
        for path in scope:
            in_note = found_in.get(path)
            if in_note is None:
                in_note = _check_in_scope(path, context, options, screen, world, fresh_results, settle)
            diagnostics.extend(in_note)
        files = _changed_files(scope, comparison, vault, targets, options) if comparison is not None else None
        diagnostics.extend(_check_vault(scope, targets, context, options, files))
        loader.flush(_keyed(fresh_results, world), warnings)
        url_summary = None
        notices: tuple[str, ...] = ()
        if not options.offline and any(r.scope is Scope.URL for r in options.selection.enabled_rules()):
            url_cache = (options.cache_dir or root / CACHE_FOLDER) if cache is not None else None
            known = _urls_before(scope, comparison, past) if comparison is not None and past is not None else {}
            found, url_summary, notice = _check_urls(scope, loader, options, warnings, url_cache, known)
            diagnostics.extend(found)
            notices = (notice,) if notice is not None else ()
        diagnostics = list(dict.fromkeys(diagnostics))  # a note reached twice never says the same thing twice
        diagnostics.sort(key=lambda d: d.sort_key)
        if comparison is not None and past is not None and files is not None:
            before = _past_diagnostics(scope, files, comparison, past, options, types)
            diagnostics = only_new(diagnostics, before, comparison.changes.renamed)
        hidden = stale = 0
        if options.baseline is not None:
            diagnostics, hidden, stale = _apply_baseline(diagnostics, scope, vault, options)
        listing = tuple(screen.listing()) if screen is not None and options.list_placeholders else ()
        checked = len(scope)
        fixable = _fixable_files(diagnostics, vault, loader)
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
            loader.flush(_keyed(fresh_results, world, interrupted=True), warnings)
        raise
    finally:
        if past is not None:
            past.close()
        if cache is not None:
            cache.close()
        if collecting:
            gc.enable()


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


def _check_while_parsing(
    steps: Generator[list[str], None, None], check: Callable[[str], list[Diagnostic]]
) -> dict[str, list[Diagnostic]]:
    """Check notes as soon as the pool has parsed them, on the core that would otherwise wait for it.

    A check that needs a note still being parsed (its headings, for a heading
    link) is tried again when that note arrives; one that needs the whole vault
    (its aliases, for a hint) is left for after the parse.  Checks are pure, so a
    check stopped half-way and tried again gives what one run to the end gives.
    """
    found: dict[str, list[Diagnostic]] = {}
    waiting: dict[str, list[str]] = {}  # note being parsed -> notes whose check needs it
    try:
        for parsed in steps:
            ready = list(parsed)
            for path in parsed:
                ready.extend(waiting.pop(path, ()))
            for path in ready:
                try:
                    found[path] = check(path)
                except NotYetParsed as missing:
                    if missing.path is not None:
                        waiting.setdefault(missing.path, []).append(path)
    finally:
        steps.close()  # Ctrl-C during a check: stop the pool now
    return found


def _check_in_scope(
    path: str,
    context: LintContext,
    options: LintOptions,
    screen: Placeholders | None,
    world: _World | None,
    fresh_results: dict[str, tuple[str, tuple[tuple[str, str], ...]]],
    settle: bool = False,
) -> list[Diagnostic]:
    """The diagnostics of a note in scope: stored ones while still valid, else checked (and kept to store).

    With ``settle``, the loader then keeps only what other notes and later stages read of it.
    """
    loader = context.loader
    if world is not None and loader.has_fresh_row(path):  # only an unchanged note has stored results
        cached = _cached_results(loader, path, world())
        if cached is not None:
            return cached
    context.consulted = set()
    found = _check_note(path, loader.load(path), context, options, screen)
    stored = encode_results(found) if world is not None and path in loader.hashes else None
    if stored is not None:
        # The note's own content hash first: results belong to that text only.
        deps = tuple(sorted((p, loader.current_hash(p) or "") for p in context.consulted if p != path))
        fresh_results[path] = (stored, ((path, loader.hashes[path]), *deps))
    if settle:
        loader.settle(path)
    return found


@dataclass
class _World:
    """The key of stored results (:func:`_world_key`), made on first use: it needs every note's aliases."""

    options: LintOptions
    vault: Vault
    loader: NoteLoader
    moved: Mapping[str, str | None]
    key: str | None = None

    def __call__(self) -> str:
        if self.key is None:
            self.key = _world_key(self.options, self.vault, self.loader, self.moved)
        return self.key


def _keyed(
    fresh_results: dict[str, tuple[str, tuple[tuple[str, str], ...]]], world: _World | None, interrupted: bool = False
) -> dict[str, tuple[str, str, tuple[tuple[str, str], ...]]]:
    """Fresh results with their key, to store; none when interrupted before the key was made
    (making it then would parse every note first)."""
    if world is None or not fresh_results or (interrupted and world.key is None):
        return {}
    key = world()
    return {path: (key, stored, deps) for path, (stored, deps) in fresh_results.items()}


def _check_note(
    path: str, loaded: Note | str, context: LintContext, options: LintOptions, screen: Placeholders | None = None
) -> list[Diagnostic]:
    """Every diagnostic of one note, selected, at its configured severity, placeholders and suppressions applied."""
    selection = options.selection
    rules = selection.rules_for(path)
    if not isinstance(loaded, Note):
        unreadable = RULES_BY_CODE["VL001"]
        if unreadable not in rules:
            return []
        return [_diagnostic(unreadable, selection, path, Violation(Span(1, 1, 1, 1), loaded))]
    found: list[Diagnostic] = []
    for rule in rules:
        if rule.scope is not Scope.NOTE or rule.check is None:
            continue
        for violation in rule.check(loaded, context):
            if violation.in_comment and not options.check_comments:
                continue
            if screen is not None:
                screened = screen.screen(rule.code, path, violation)
                if screened is None:
                    continue
                violation = screened
            found.append(_diagnostic(rule, selection, violation.path or path, violation))
    if any(d.code in templates.CODES for d in found):  # a template outside a known template folder?
        found = templates.with_template_hint(found, context.source_text(path))
    return _suppress(found, loaded, rules)


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


def _moved(root: Path, vault: Vault, options: LintOptions) -> Mapping[str, str | None]:
    """Files renamed (old -> new) or deleted (old -> None) between HEAD and the work tree
    (asked of git only if a link rule needs it)."""
    if not options.use_git:
        return {}
    return MovedLater(root, vault.by_path)


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
    return sorted({*scope, *(p for p in extra if not _excluded(context.vault, p, options))})


def _changed_files(
    scope: list[str], comparison: Comparison, vault: Vault, targets: Sequence[Path], options: LintOptions
) -> tuple[str, ...]:
    """What the file-name and vault rules report on in a comparison: the notes in scope and the
    changed attachments under PATHS (never every file of the vault)."""
    prefixes = _prefixes(vault, targets)
    attachments = [
        path
        for path in comparison.changes.changed
        if path in vault.by_path
        and not is_source(path)
        and any(p == "" or path == p or path.startswith(p + "/") for p in prefixes)
        and not _excluded(vault, path, options)
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
            found.extend(_check_note(former, past.loader.load(former), context, options, screen))
    former_files = [f for f in (comparison.former_path(p) for p in files) if f is not None and f in past.vault.by_path]
    found.extend(_check_vault(notes, (), context, options, tuple(former_files)))
    return found


def _codes_run(options: LintOptions) -> frozenset[str]:
    """The rules this run checked: the enabled ones, URL rules only when the URL stage ran."""
    return frozenset(
        rule.code for rule in options.selection.enabled_rules() if not (options.offline and rule.scope is Scope.URL)
    )


def _apply_baseline(
    diagnostics: list[Diagnostic], scope: list[str], vault: Vault, options: LintOptions
) -> tuple[list[Diagnostic], int, int]:
    """The one place the baseline applies: after selection and suppressions, before reporting.

    Entries follow the notes git saw renamed since the file was written; ``--update-baseline``
    rewrites it, and ``--fix`` (``keep_baseline_current``) rewrites the paths that moved.
    ``(kept, hidden, stale)``: stale entries are problems this run would have seen and did not.
    """
    from . import baseline

    assert options.baseline is not None
    path = options.baseline
    repository = repository_of(vault.root)
    recorded = baseline.load(path, repository)
    accepted = baseline.follow(recorded.entries, _renamed_since(vault, recorded.commit, options))
    ran = _codes_run(options)
    if options.update_baseline:
        accepted = baseline.updated(accepted, diagnostics, scope, vault.by_path, ran)
        baseline.write(path, accepted, repository, _head(vault.root, options))
    elif options.keep_baseline_current and accepted != recorded.entries:
        baseline.write(path, accepted, repository, _head(vault.root, options) or recorded.commit)
    outcome = baseline.subtract(diagnostics, accepted)
    return outcome.kept, outcome.hidden, outcome.stale(set(scope), ran)


def _renamed_since(vault: Vault, commit: str | None, options: LintOptions) -> Mapping[str, str]:
    """Notes renamed between ``commit`` (the baseline's; else HEAD) and the work tree; none without git."""
    if not options.use_git:
        return {}
    try:
        return worktree_changes(vault.root, commit or "HEAD").within(vault.by_path).renamed
    except GitError:
        return {}  # no git, or a commit this clone lacks: paths as recorded


def _head(root: Path, options: LintOptions) -> str | None:
    """The commit checked out, recorded in a baseline written now (``None`` outside git)."""
    found = ask_git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}") if options.use_git else None
    return found.decode("ascii").strip() if found else None


def _check_vault(
    scope: list[str],
    targets: Sequence[Path],
    context: LintContext,
    options: LintOptions,
    files: tuple[str, ...] | None = None,
) -> list[Diagnostic]:
    """Vault-wide rules (tags, orphans), then the suppression directives of the notes they report on.

    The file-name rules look at ``files``, by default every file under ``targets``."""
    return _apply_directives(vault_findings(scope, targets, context, options, files), context.loader)


def vault_findings(
    scope: Sequence[str],
    targets: Sequence[Path],
    context: LintContext,
    options: LintOptions,
    files: tuple[str, ...] | None = None,
) -> dict[str, list[Diagnostic]]:
    """What the vault-wide rules find, by the path they report on, before suppression directives."""
    from .rules._vault import VaultView

    selection = options.selection
    rules = [r for r in selection.enabled_rules() if r.scope is Scope.VAULT and r.check is not None]
    if not rules:
        return {}
    context.loader.preload_summaries()
    notes = tuple(p for p in scope if p.lower().endswith(".md"))
    if files is None:
        files = _files_in_scope(context.vault, targets, options)
    view = VaultView(context, notes, files)
    by_path: dict[str, list[Diagnostic]] = {}
    for rule in rules:
        assert rule.check is not None
        for path, violation in rule.check(view, context):
            if not selection.ignored_in(rule.code, path):
                by_path.setdefault(path, []).append(_diagnostic(rule, selection, path, violation))
    return by_path


def _apply_directives(by_path: dict[str, list[Diagnostic]], loader: NoteLoader) -> list[Diagnostic]:
    """Suppression directives for diagnostics found after the per-note step (vault rules, URLs)."""
    result: list[Diagnostic] = []
    for path, found in by_path.items():
        note = loader.load(path) if is_source(path) else None
        result.extend(suppress.apply(found, note).kept if isinstance(note, Note) else found)
    return result


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
        by_path.setdefault(finding.path, []).append(_diagnostic(rule, selection, finding.path, finding.violation))
    return _apply_directives(by_path, loader), report.summary.line(), report.summary.network_notice()


def _suppress(found: list[Diagnostic], note: Note, rules: Sequence[Rule]) -> list[Diagnostic]:
    """Apply the note's suppression directives, and report unused (VL002) and unknown (VL003) ones."""
    outcome = suppress.apply(found, note)
    kept = outcome.kept
    if not outcome.unused and not outcome.unknown:
        return kept  # the usual note: nothing more to say
    enabled = {rule.code for rule in rules}
    later = [rule.code for rule in rules if rule.scope in (Scope.VAULT, Scope.URL)]
    if "VL002" in enabled:
        for directive in outcome.unused:
            named = [code for code in enabled if any(code.startswith(p) for p in directive.codes)] or (
                list(enabled) if not directive.codes and not directive.unknown else []
            )
            # Nothing to say when it names only disabled rules, or rules checked after this step.
            if not named or any(code in later for code in named):
                continue
            kept.append(
                _make("VL002", note.path, directive.span, f"suppression vaultlint-{directive.kind} suppressed nothing")
            )
    if "VL003" in enabled:
        for directive, word in outcome.unknown:
            guess = closest_rule(word)
            hint = f'did you mean "{guess}"?' if guess else None
            message = f'unknown rule "{word}" in suppression comment (it suppresses nothing)'
            kept.append(_make("VL003", note.path, directive.span, message, hint))
    return kept


def _make(code: str, path: str, span: Span, message: str, hint: str | None = None) -> Diagnostic:
    rule = RULES_BY_CODE[code]
    return Diagnostic(code, rule.name, rule.severity, path, span, message, hint)


def _world_key(
    options: LintOptions, vault: Vault, loader: NoteLoader, moved: Mapping[str, str | None] | None = None
) -> str:
    """Everything a note's results depend on besides its own text and the notes it links into."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (
        code_fingerprint(),
        repr(_settings_fingerprint(options)),
        repr(sorted(vault.obsidian.property_types.items())),
        "\n".join(vault.index.paths),
        repr(sorted(loader.aggregate().alias_owners.items())),  # aliases feed the hints
        repr(sorted((moved or {}).items())),  # renames feed hints and fixes
    ):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _settings_fingerprint(options: LintOptions) -> tuple[object, ...]:
    selection = options.selection
    return (
        selection.select,
        selection.ignore,
        selection.extend_select,
        sorted((k, v.value) for k, v in selection.severity.items()),
        sorted(selection.per_file_ignores.items()),
        options.check_comments,
        options.allow_placeholders,
        sorted(options.types.items()),
        repr(options.schema),
    )


def _cached_results(loader: NoteLoader, path: str, world: str | None) -> list[Diagnostic] | None:
    """The stored diagnostics of an unchanged note, if nothing they depend on changed."""
    if world is None or loader.cache is None:
        return None
    stored = loader.stored_results(path)
    if stored is None or stored.results_key != world:
        return None
    deps = stored.deps
    # The first dependency is the note itself: stored results count only for the text they came from.
    if not deps or deps[0][0] != path or any(loader.current_hash(dep) != digest for dep, digest in deps):
        return None
    return decode_results(stored.results)


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
