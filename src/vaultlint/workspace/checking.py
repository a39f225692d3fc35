"""Checking notes: the rules of one note, the vault-wide rules, suppressions, and the stored
results of unchanged notes.  A :class:`~vaultlint.workspace.Workspace` (and so every run) checks
through here; rules never see configuration, comments or the baseline (DESIGN.md §1).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .. import suppress, templates
from ..cache import StoredResults, WholeRun, code_fingerprint, decode_results, encode_results
from ..context import LintContext
from ..git.changes import MovedLater
from ..loader import NoteLoader, NotYetParsed
from ..model import Diagnostic, Note, Span, Violation
from ..options import LintOptions
from ..placeholders import Placeholders
from ..rules import RULES_BY_CODE, Rule, Scope
from ..selection import Selection, closest_rule
from ..vault import ObsidianSettings, Vault, is_source
from .scope import excluded, files_in_scope, vault_prefixes

#: Results checked in this run, to store (:func:`keyed`): per note, the stored text of its
#: diagnostics, its own content hash when it was checked, and the other files the check read,
#: with theirs.  The note's own pair is added as the cache reads them: made for every note
#: of a cache build, the pairs and the tuples around them were 10 MB of a 100,000-note run.
FreshResults = dict[str, tuple[str, str, tuple[tuple[str, str], ...]]]


def check_while_parsing(
    steps: Generator[list[str], None, None],
    check: Callable[[str], list[Diagnostic]],
    waits_for: Callable[[str], str | None] = lambda path: None,
) -> dict[str, list[Diagnostic]]:
    """Check notes as soon as the pool has parsed them, on the core that would otherwise wait for it.

    A check that needs a note still being parsed (its headings, for a heading
    link) is tried again when that note arrives; one that needs the whole vault
    (its aliases, for a placeholder) is left for after the parse.  Checks are pure, so a
    check stopped half-way and tried again gives what one run to the end gives.
    ``waits_for(path)``: a note still being parsed that the check of ``path`` would stop
    for, known before it starts (it then waits without being started).
    """
    found: dict[str, list[Diagnostic]] = {}
    waiting: dict[str, list[str]] = {}  # note being parsed -> notes whose check needs it
    try:
        for parsed in steps:
            ready = list(parsed)
            for path in parsed:
                ready.extend(waiting.pop(path, ()))
            for path in ready:
                first = waits_for(path)
                if first is not None:
                    waiting.setdefault(first, []).append(path)
                    continue
                try:
                    found[path] = check(path)
                except NotYetParsed as missing:
                    if missing.path is not None:
                        waiting.setdefault(missing.path, []).append(path)
    finally:
        steps.close()  # Ctrl-C during a check: stop the pool now
    return found


def check_in_scope(
    path: str,
    context: LintContext,
    options: LintOptions,
    screen: Placeholders | None,
    world: World | None,
    fresh_results: FreshResults,
    settle: bool = False,
    use_stored: bool = True,
) -> list[Diagnostic]:
    """The diagnostics of a note in scope: stored ones while still valid (unless not ``use_stored``),
    else checked (and kept to store).

    With ``settle``, the loader then keeps only what other notes and later stages read of it;
    not yet when the result waits for the vault's aliases (``context.aliases_to_confirm``): the
    note may have to be checked again.
    """
    loader = context.loader
    if world is not None and use_stored:
        cached = cached_results(loader, path, world)
        if cached is not None:
            return cached
    context.consulted = set()
    found = check_note(path, loader.load(path), context, options, screen)
    stored = encode_results(found) if world is not None and path in loader.hashes else None
    if stored is not None:
        # The note's own content hash with them: results belong to that text only.
        others = tuple(sorted((p, loader.current_hash(p) or "") for p in context.consulted if p != path))
        fresh_results[path] = (stored, loader.hashes[path], others)
    if settle and not context.aliases_to_confirm:
        loader.settle(path)
    return found


@dataclass
class World:
    """The key of stored results (:func:`world_key` and the aliases), made on first use: it needs
    every note's aliases."""

    options: LintOptions
    vault: Vault
    loader: NoteLoader
    moved: Mapping[str, str | None]
    key: str | None = None
    _without_notes: hashlib.blake2b | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        # Read now, while the run holds little: made with the key at the end, reading every source
        # file (and the packages' metadata) added a few MB to the run's peak of memory.
        code_fingerprint()

    def __call__(self) -> str:
        if self.key is None:
            digest = self.without_notes()
            digest.update(repr(sorted(self.loader.aggregate().alias_owners.items())).encode("utf-8", "surrogatepass"))
            self.key = digest.hexdigest()  # (the aliases feed the hints)
        return self.key

    def without_notes(self) -> hashlib.blake2b:
        """The key's part that is not in the notes' texts (:func:`world_key`), as a hash to add to
        (a copy: made once, for the key and for each :func:`run_key`)."""
        if self._without_notes is None:
            self._without_notes = world_key(self.options, self.vault, self.moved)
        return self._without_notes.copy()


def keyed(
    fresh_results: FreshResults, world: World | None, interrupted: bool = False
) -> Mapping[str, tuple[str, str, tuple[tuple[str, str], ...]]]:
    """Fresh results with their key, to store; none when interrupted before the key was made
    (making it then would parse every note first)."""
    if world is None or not fresh_results or (interrupted and world.key is None):
        return {}
    return _Keyed(fresh_results, world())


class _Keyed(Mapping[str, tuple[str, str, tuple[tuple[str, str], ...]]]):
    """``fresh_results`` with ``key`` added to each and the note's own pair first among what they
    depend on, made as the cache reads them: a copy of a whole vault's results, made at the end
    of a run, was its peak of memory."""

    def __init__(self, fresh_results: FreshResults, key: str) -> None:
        self._fresh, self._key = fresh_results, key

    def __getitem__(self, path: str) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        stored, digest, others = self._fresh[path]
        return self._key, stored, ((path, digest), *others)

    def __iter__(self) -> Iterator[str]:
        return iter(self._fresh)

    def __len__(self) -> int:
        return len(self._fresh)


def check_note(
    path: str, loaded: Note | str, context: LintContext, options: LintOptions, screen: Placeholders | None = None
) -> list[Diagnostic]:
    """Every diagnostic of one note, selected, at its configured severity, placeholders and suppressions applied."""
    selection = options.selection
    rules = selection.rules_for(path)
    if not isinstance(loaded, Note):
        unreadable = RULES_BY_CODE["VL001"]
        if unreadable not in rules:
            return []
        return [diagnostic(unreadable, selection, path, Violation(Span(1, 1, 1, 1), loaded))]
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
            found.append(diagnostic(rule, selection, violation.path or path, violation))
    if any(d.code in templates.CODES for d in found):  # a template outside a known template folder?
        found = templates.with_template_hint(found, context.source_text(path))
    return suppressed(found, loaded, rules)


def suppressed(found: list[Diagnostic], note: Note, rules: Sequence[Rule]) -> list[Diagnostic]:
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


def diagnostic(rule: Rule, selection: Selection, path: str, violation: Violation) -> Diagnostic:
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


def check_vault(
    scope: list[str],
    targets: Sequence[Path],
    context: LintContext,
    options: LintOptions,
    files: tuple[str, ...] | None = None,
) -> list[Diagnostic]:
    """Vault-wide rules (tags, orphans), then the suppression directives of the notes they report on.

    The file-name rules look at ``files``, by default every file under ``targets``."""
    return apply_directives(vault_findings(scope, targets, context, options, files), context.loader)


def vault_findings(
    scope: Sequence[str],
    targets: Sequence[Path],
    context: LintContext,
    options: LintOptions,
    files: tuple[str, ...] | None = None,
) -> dict[str, list[Diagnostic]]:
    """What the vault-wide rules find, by the path they report on, before suppression directives."""
    from ..rules._vault import VaultView

    selection = options.selection
    rules = [r for r in selection.enabled_rules() if r.scope is Scope.VAULT and r.check is not None]
    if not rules:
        return {}
    context.loader.preload_summaries()
    notes = tuple(p for p in scope if p.lower().endswith(".md"))
    if files is None:
        files = files_in_scope(context.vault, targets, options)
    view = VaultView(context, notes, files)
    by_path: dict[str, list[Diagnostic]] = {}
    for rule in rules:
        assert rule.check is not None
        for path, violation in rule.check(view, context):
            if not selection.ignored_in(rule.code, path):
                by_path.setdefault(path, []).append(diagnostic(rule, selection, path, violation))
    return by_path


def apply_directives(by_path: dict[str, list[Diagnostic]], loader: NoteLoader) -> list[Diagnostic]:
    """Suppression directives for diagnostics found after the per-note step (vault rules, URLs)."""
    result: list[Diagnostic] = []
    for path, found in by_path.items():
        note = loader.load(path) if is_source(path) else None
        result.extend(suppress.apply(found, note).kept if isinstance(note, Note) else found)
    return result


def moved_files(root: Path, vault: Vault, options: LintOptions) -> Mapping[str, str | None]:
    """Files renamed (old -> new) or deleted (old -> None) between HEAD and the work tree
    (asked of git only if a link rule needs it)."""
    if not options.use_git:
        return {}
    return MovedLater(root, vault.by_path)


def world_key(options: LintOptions, vault: Vault, moved: Mapping[str, str | None] | None) -> hashlib.blake2b:
    """Everything a note's results depend on besides its own text, the notes it links into and the
    aliases of every note (:class:`World` adds them): the code, the settings, every path of the
    vault, the files renamed since ``HEAD``; a hash to add to."""
    digest = hashlib.blake2b(digest_size=16)

    def add(part: str) -> None:
        digest.update(part.encode("utf-8", "surrogatepass"))

    for part in (
        code_fingerprint(),
        repr(_settings_fingerprint(options)),
        repr(_obsidian_fingerprint(vault.obsidian)),
        repr(sorted((moved or {}).items())),  # renames feed hints and fixes
    ):
        add(part)
        add("\0")
    paths = vault.index.paths
    # The paths a thousand at a time: joined, a copy of them all; one by one, 100,000 updates.
    for start in range(0, len(paths), 1000):
        add(("\n" if start else "") + "\n".join(paths[start : start + 1000]))
    add("\0")
    return digest


def _obsidian_fingerprint(settings: ObsidianSettings) -> tuple[object, ...]:
    """Every setting of the Obsidian config folder a note's check reads: the property types
    (FM007), the link format (LK010), the template folders (LK007's hint), the attachment folder.
    (The ignore filters decide which notes are checked, not what a note's check finds.)"""
    return (
        sorted(settings.property_types.items()),
        settings.new_link_format,
        settings.use_markdown_links,
        settings.template_folders,
        settings.attachment_folder,
    )


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


def cached_results(loader: NoteLoader, path: str, world: str | Callable[[], str] | None) -> list[Diagnostic] | None:
    """The stored diagnostics of an unchanged note, if nothing they depend on changed.  ``world``
    may be a :class:`World`: its key is made only once a note has stored results (it needs every
    note's aliases)."""
    if world is None or loader.cache is None:
        return None
    stored = loader.stored_results(path)  # None unless the note is unchanged
    if stored is None:
        return None
    valid = still_valid(loader, path, stored, world if isinstance(world, str) else world())
    return valid[0] if valid is not None else None


def stored_checks(
    loader: NoteLoader, paths: Sequence[str], world: str | Callable[[], str] | None
) -> dict[str, list[Diagnostic]]:
    """:func:`cached_results` of each of ``paths``, those it answers, in one pass: a warm run of
    100,000 notes spent a second in the calls of asking note by note."""
    if world is None or loader.cache is None:
        return {}
    found: dict[str, list[Diagnostic]] = {}
    key = None
    for path, stored in loader.stored_results_of(paths):
        if key is None:
            key = world if isinstance(world, str) else world()
        valid = still_valid(loader, path, stored, key)
        if valid is not None:
            found[path] = valid[0]
    return found


def run_key(world: World | None, files: Sequence[str] | None, targets: Sequence[Path]) -> str | None:
    """The key of a whole run's diagnostics (:func:`remembered_run`): what every note's results
    depend on but the notes (:func:`world_key`: the code, the settings, every path of the vault,
    ...), the content hash of every note, canvas and base (their aliases too), the files the run
    reports on (``files``, under ``targets``) and what the walk of the vault found besides files.

    ``None`` for a run without stored results (``world``) or one that reports on some files only
    (a comparison with git: ``files`` is then ``None``), and while a note's hash is not known: at
    the start of a run, from an unchanged stat (such a run reads and checks notes anyway); at its
    end, every note read has one, that of the bytes its results came from.
    """
    if world is None or files is None:
        return None
    loader, vault = world.loader, world.vault
    hashes = loader.hashes
    sources = loader.states  # every note, canvas and base of the vault, in the vault's order
    if len(hashes) < len(sources) or not all(path in hashes for path in sources):
        return None
    digest = world.without_notes()
    for part in (
        "\n".join(map(hashes.__getitem__, sources)),  # (their paths are in the digest, in this order)
        "\n".join(files),
        repr((vault_prefixes(vault, targets), vault.unreadable, vault.nested_vaults)),
    ):
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def remembered_run(loader: NoteLoader, key: str) -> list[Diagnostic] | None:
    """The diagnostics of the last run with this :func:`run_key`, if the files other than notes it
    read (a PDF) are as they were; ``None`` otherwise (then the run checks note by note)."""
    if loader.cache is None:
        return None
    found = loader.cache.remembered_run(key)
    if found is None:
        return None
    files, results = found
    if any(loader.current_hash(path) != digest for path, digest in files):
        return None
    return decode_results(results)


def whole_run(loader: NoteLoader, key: str, diagnostics: Sequence[Diagnostic]) -> WholeRun | None:
    """A run's answer to store under its :func:`run_key`, with the files other than notes it read."""
    results = encode_results(list(diagnostics))
    if results is None:
        return None
    return WholeRun(key, tuple(sorted(loader.other_files_read.items())), results)


def still_valid(
    loader: NoteLoader, path: str, stored: StoredResults, key: str
) -> tuple[list[Diagnostic], list[str]] | None:
    """``stored`` (the results of unchanged note ``path``) decoded, with the other files its check
    read, if they were stored with ``key`` and none of those files changed."""
    if stored.results_key != key:
        return None
    if stored.deps_text == "":
        # The usual note read no other file: it is its own only dependency (the cache compared
        # the text), stored with the hash its row had then.  Results count only for that text.
        if stored.hash != loader.hashes[path]:
            return None
        others: list[str] = []
    else:
        deps = stored.deps
        # The first dependency is the note itself: stored results count only for the text they came from.
        if not deps or deps[0][0] != path:
            return None
        hashes = loader.hashes
        for dep, digest in deps:
            current = hashes.get(dep)  # (current_hash's own first look, without the call: 100k notes)
            if (current if current is not None else loader.current_hash(dep)) != digest:
                return None
        others = [dep for dep, _ in deps[1:]]
    found = decode_results(stored.results)
    return (found, others) if found is not None else None


def unreadable_in_scope(vault: Vault, targets: Sequence[Path], options: LintOptions) -> list[Diagnostic]:
    """VL001 for the folders inside PATHS that the walk could not enter (too long, no permission)."""
    rule = RULES_BY_CODE["VL001"]
    selection = options.selection
    if not vault.unreadable or not selection.enabled(rule):
        return []
    prefixes = vault_prefixes(vault, targets)
    return [
        diagnostic(rule, selection, path, Violation(Span(1, 1, 1, 1), reason))
        for path, reason in vault.unreadable
        if any(p == "" or path == p or path.startswith(p + "/") for p in prefixes)
        and not excluded(vault, path + "/", options)
        and not selection.ignored_in(rule.code, path)
    ]
