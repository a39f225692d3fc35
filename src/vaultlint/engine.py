"""One run of vaultlint: discover, parse, run rules, select and sort (DESIGN.md §1)."""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import posixpath
from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import suppress
from .cache import NoteCache, code_fingerprint, decode_results, encode_results
from .config import PropertySchema
from .context import LintContext
from .gitinfo import NO_CHANGES, GitChanges, MovedLater, staged_changes
from .globs import GlobSet
from .loader import NoteLoader, NotYetParsed
from .model import Diagnostic, Note, Span, Violation
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
    nfc,
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
    #: Fetch loopback, private and link-local addresses too.
    allow_private_urls: bool = False
    #: Draw a progress line on stderr while URLs are checked (the CLI passes it on a TTY only).
    progress: bool = False
    #: The pre-commit case: folders stand for their staged notes, and notes that link to a
    #: file the staged changes delete or rename are checked for those links (``gitinfo``).
    staged: bool = False
    #: Ask git which files were renamed, so that links to them get a hint and a fix.
    use_git: bool = True
    #: Bare wikilinks to notes that exist nowhere are placeholders, not problems (``placeholders``).
    allow_placeholders: bool = False
    #: Collect every placeholder of the notes in scope (``vaultlint placeholders``).
    list_placeholders: bool = False
    #: Report only problems not in this baseline file; with ``update_baseline``, rewrite it first.
    baseline: Path | None = None
    update_baseline: bool = False


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
    prefixes = _prefixes(vault.root, targets)
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
    prefixes = _prefixes(vault.root, targets)
    if all(p in vault.by_path for p in prefixes):  # only files (pre-commit): no need to walk the vault
        candidates = list(dict.fromkeys(prefixes))
    else:
        candidates = [
            f.path for f in vault.files if any(p in ("", f.path) or f.path.startswith(p + "/") for p in prefixes)
        ]
    return tuple(path for path in candidates if not _excluded(vault, path, options))


def _prefixes(root: Path, targets: Sequence[Path]) -> list[str]:
    """Each (resolved) PATH as a vault path; "" for the root itself."""
    relatives = (nfc(os.path.relpath(target, root).replace(os.sep, "/")) for target in targets)
    return ["" if relative == "." else relative for relative in relatives]


def _unreadable_in_scope(vault: Vault, targets: Sequence[Path], options: LintOptions) -> list[Diagnostic]:
    """VL001 for the folders inside PATHS that the walk could not enter (too long, no permission)."""
    rule = RULES_BY_CODE["VL001"]
    selection = options.selection
    if not vault.unreadable or not selection.enabled(rule):
        return []
    prefixes = _prefixes(vault.root, targets)
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
    vault = scan_vault(root, options.obsidian_dir)
    targets = [argument.target for argument in location.arguments]
    staged = staged_changes(root).within(vault.by_path) if options.staged and options.use_git else NO_CHANGES
    moved = _moved(root, vault, options, staged)
    scope = _in_scope(vault, targets, options, staged.changed if options.staged else None)
    warnings = list(vault.warnings)
    cache = None
    if options.use_cache:
        cache = NoteCache.open(options.cache_dir or root / CACHE_FOLDER, warnings, repository_of(root))
    collecting = gc.isenabled()
    gc.disable()  # millions of acyclic objects: the collector only costs time here
    loader: NoteLoader | None = None
    fresh_results: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}
    world: _World | None = None
    try:
        loader = NoteLoader(vault, cache, jobs=options.jobs)
        types = {**vault.obsidian.property_types, **options.types}
        context = LintContext(vault, loader, types, options.schema, moved=moved)
        screen = Placeholders(context) if options.allow_placeholders else None
        if cache is not None and len(scope) >= RESULTS_CACHE_MIN and not options.list_placeholders:
            world = _World(options, vault, loader, moved)
        found_in = _check_while_parsing(
            loader.preload_stepwise(scope),
            lambda path: _check_in_scope(path, context, options, screen, world, fresh_results),
        )
        diagnostics: list[Diagnostic] = _unreadable_in_scope(vault, targets, options)
        for path in scope:
            in_note = found_in.get(path)
            if in_note is None:
                in_note = _check_in_scope(path, context, options, screen, world, fresh_results)
            diagnostics.extend(in_note)
        dependents: list[str] = []
        if options.staged:
            diagnostics.extend(_check_dependents(scope, staged, context, options, screen, dependents))
        diagnostics.extend(_check_vault(scope, targets, context, options))
        loader.flush(_keyed(fresh_results, world), warnings)
        url_summary = None
        if not options.offline and any(r.scope is Scope.URL for r in options.selection.enabled_rules()):
            url_cache = (options.cache_dir or root / CACHE_FOLDER) if cache is not None else None
            found, url_summary = _check_urls(scope, loader, options, warnings, url_cache)
            diagnostics.extend(found)
        diagnostics = list(dict.fromkeys(diagnostics))  # a note reached twice never says the same thing twice
        diagnostics.sort(key=lambda d: d.sort_key)
        hidden = 0
        if options.baseline is not None:
            diagnostics, hidden = _apply_baseline(diagnostics, scope, vault, options.baseline, options.update_baseline)
        listing = tuple(screen.listing()) if screen is not None and options.list_placeholders else ()
        checked = len(scope) + len(dependents)
        return Report(tuple(diagnostics), checked, root, tuple(warnings), url_summary, listing, hidden)
    except KeyboardInterrupt:
        if loader is not None:
            # Ctrl-C: keep what was learnt (once; cli.py exits 130), results only if their key is known.
            loader.flush(_keyed(fresh_results, world, interrupted=True), warnings)
        raise
    finally:
        if cache is not None:
            cache.close()
        if collecting:
            gc.enable()


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
) -> list[Diagnostic]:
    """The diagnostics of a note in scope: stored ones while still valid, else checked (and kept to store)."""
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
    return _suppress(found, loaded, rules)


def _moved(root: Path, vault: Vault, options: LintOptions, staged: GitChanges) -> Mapping[str, str | None]:
    """Files renamed (old -> new) or deleted (old -> None): what the commit changes with
    ``staged``, else HEAD against the work tree (asked of git only if a link rule needs it)."""
    if not options.use_git:
        return {}
    return staged.moved if options.staged else MovedLater(root, vault.by_path)


def _check_dependents(
    scope: list[str],
    changes: GitChanges,
    context: LintContext,
    options: LintOptions,
    screen: Placeholders | None,
    checked: list[str],
) -> list[Diagnostic]:
    """The links that the staged deletions and renames break in notes outside ``scope``.

    Candidates come from every note's link paths (cached summaries: the
    backlinks), narrowed by file name before anything is resolved; only the
    LK001/LK002 diagnostics of links that reached a removed file are kept, so a
    note's older, unrelated problems do not block the commit.
    """
    removed = changes.removed
    if not removed:
        return []
    names = {posixpath.basename(p).lower() for p in removed}
    names |= {name[:-3] for name in names if name.endswith(".md")}
    in_scope = set(scope)
    loader = context.loader
    loader.preload_summaries()  # a cold cache: parse the notes in parallel, once
    found: list[Diagnostic] = []
    for path in loader.states:
        if path in in_scope:
            continue
        link_names = (p.rsplit("/", 1)[-1].lower() for p in loader.summary(path).link_paths)
        if not any(name in names for name in link_names) or _excluded(context.vault, path, options):
            continue
        note = loader.load(path)
        if not isinstance(note, Note):
            continue
        broken = {link.span for link in note.links if context.former_target(link, path) in removed}
        if broken:
            checked.append(path)
            found.extend(
                d
                for d in _check_note(path, note, context, options, screen)
                if d.code in ("LK001", "LK002") and d.span in broken
            )
    return found


def _apply_baseline(
    diagnostics: list[Diagnostic], scope: list[str], vault: Vault, path: Path, update: bool
) -> tuple[list[Diagnostic], int]:
    """The one place the baseline applies: after selection and suppressions, before reporting."""
    from . import baseline

    repository = repository_of(vault.root)
    accepted = baseline.load(path, repository)
    if update:
        accepted = baseline.updated(accepted, diagnostics, scope, vault.by_path)
        baseline.write(path, accepted, repository)
    outcome = baseline.subtract(diagnostics, accepted)
    return outcome.kept, outcome.hidden


def _check_vault(
    scope: list[str], targets: Sequence[Path], context: LintContext, options: LintOptions
) -> list[Diagnostic]:
    """Vault-wide rules (tags, orphans), then the suppression directives of the notes they report on."""
    from .rules._vault import VaultView

    selection = options.selection
    rules = [r for r in selection.enabled_rules() if r.scope is Scope.VAULT and r.check is not None]
    if not rules:
        return []
    context.loader.preload_summaries()
    notes = tuple(p for p in scope if p.lower().endswith(".md"))
    view = VaultView(context, notes, _files_in_scope(context.vault, targets, options))
    by_path: dict[str, list[Diagnostic]] = {}
    for rule in rules:
        assert rule.check is not None
        for path, violation in rule.check(view, context):
            if not selection.ignored_in(rule.code, path):
                by_path.setdefault(path, []).append(_diagnostic(rule, selection, path, violation))
    return _apply_directives(by_path, context.loader)


def _apply_directives(by_path: dict[str, list[Diagnostic]], loader: NoteLoader) -> list[Diagnostic]:
    """Suppression directives for diagnostics found after the per-note step (vault rules, URLs)."""
    result: list[Diagnostic] = []
    for path, found in by_path.items():
        note = loader.load(path) if is_source(path) else None
        result.extend(suppress.apply(found, note).kept if isinstance(note, Note) else found)
    return result


def _check_urls(
    scope: list[str], loader: NoteLoader, options: LintOptions, warnings: list[str], cache_dir: Path | None
) -> tuple[list[Diagnostic], str]:
    """The external URL stage: every URL of the notes in scope, each fetched once (DESIGN.md §6)."""
    import dataclasses

    from .urls import check_urls, url_settings_from_mapping

    settings = url_settings_from_mapping(options.urls, str(options.config_file or "[urls]"))
    if options.allow_private_urls:
        settings = dataclasses.replace(settings, allow_private=True)
    occurrences = []
    for path in scope:
        note = loader.load(path)
        if isinstance(note, Note):
            occurrences.extend((path, url) for url in note.urls if options.check_comments or not url.in_comment)
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
    return _apply_directives(by_path, loader), report.summary.line()


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
