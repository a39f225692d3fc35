"""A vault held in memory and kept current change by change: the engine behind every face.

A :class:`Workspace` is built once (discover, parse, check: the batch run's steps)
and then told what changed: :meth:`~Workspace.update` (an edit, a new or deleted
file, or an editor's unsaved text), :meth:`~Workspace.remove`,
:meth:`~Workspace.rename`, or :meth:`~Workspace.reload` when the configuration
changed.  It re-parses only the files that changed and re-checks only the notes
whose results can change (:mod:`.index` says which), and answers
:meth:`~Workspace.diagnostics` exactly as ``vaultlint check --no-cache`` of the
same files would.

Not thread-safe: callers (the language server, ``--watch``) serialise calls.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import os
import stat
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import NoteCache, content_hash
from ..config import CONFIG_NAMES
from ..context import LintContext, hinted_name
from ..loader import NoteLoader
from ..model import Diagnostic, Note, NoteSummary
from ..options import LintOptions
from ..placeholders import Placeholders
from ..rules._subpaths import notes_read
from ..safeio import repository_of
from ..vault import Vault, VaultFile, VaultIndex, find_git_root, is_source, nfc, scan_vault
from . import checking
from .index import ReverseIndex, frontmatter_keys
from .scope import Location, files_in_scope, locate, notes_among, reported_among
from .vaultrules import Change, VaultRules, note_view

if TYPE_CHECKING:
    from ..api import PathLike

#: Overrides that make sense for one run only: a workspace lives on while git's index and HEAD move.
_BATCH_ONLY = ("staged", "new_since", "update_baseline")


class Workspace:
    """The vault at ``path`` (its root, or a folder or file in it: the same root rule as ``check``),
    checked with the configuration ``vaultlint check`` would use, plus ``overrides``
    (:func:`vaultlint.lint`'s keyword arguments).

    Diagnostics cover the notes under ``path``, as ``vaultlint check PATH`` does;
    the URL rules are the batch run's (:func:`vaultlint.lint`, ``check``): a
    workspace never goes to the network.

    ``on_progress(done, total)``, if given, is called while a build checks the notes in scope
    (the first one, and a reload's), at each whole percent and at the last note, on the thread
    that builds: an editor's progress bar on a vault that takes seconds to index.
    """

    #: A batch run's workspace (:meth:`checked_once`) reports no progress.
    _on_progress: Callable[[int, int], None] | None = None
    #: The cache a live start keeps open for the notes it put off (:meth:`_put_off_stored`).
    _held_cache: NoteCache | None = None

    def __init__(
        self,
        path: PathLike = ".",
        config: PathLike | None = None,
        *,
        on_progress: Callable[[int, int], None] | None = None,
        **overrides: Any,
    ) -> None:
        for name in _BATCH_ONLY:
            if overrides.get(name):
                raise TypeError(f"Workspace() does not take {name}: it is for one run (use vaultlint.lint())")
        self._path = Path(os.path.abspath(path))
        self._config = Path(os.path.abspath(config)) if config is not None else None
        self._overrides = dict(overrides)
        self._on_progress = on_progress
        #: Unsaved editor texts by vault path; the loader reads them instead of the disk.
        self._overlays: dict[str, str] = {}
        self._unrecorded: dict[str, _Reads] = {}
        self._put_off: dict[str, None] = {}
        self._build(reloading=False)

    # -- building ----------------------------------------------------------------------
    def _build(self, reloading: bool) -> None:
        gc.unfreeze()  # a reload: what the last build froze may be garbage now
        with _collector_paused():
            self._build_paused()
        # The parsed vault is millions of objects that live as long as the workspace.  Left to the
        # collector, each full collection walks them all (~100 ms on 13k notes, a keystroke's budget
        # twice over); frozen, collections walk only what edits made since.  On a reload (rare: the
        # settings changed), the last build's reference cycles are garbage: collected first, not frozen.
        if reloading:
            gc.collect()
        gc.freeze()

    def _build_paused(self) -> None:
        from ..api import options_for

        # A reload: what the last start left for later is dropped, and the cache it held closed.
        self._put_off, self._unrecorded = {}, {}
        self._let_go_of_cache()

        options = options_for(self._path, self._config, dict(self._overrides), "Workspace()")
        # The cache as ``check`` would use it, but only to start: never with unsaved text (its notes
        # and the results that read them must not be stored), nor with placeholders (a check records
        # their near misses, which stored results do not keep).
        use_cache = options.use_cache and not self._overlays and not options.allow_placeholders
        options = dataclasses.replace(options, use_cache=False, progress=False)
        location = locate(options.paths, options.vault_root, options.obsidian_dir, options.config_folder)
        vault = scan_vault(location.root, options.obsidian_dir, options.template_folders)
        cache = _open_cache(options, location.root) if use_cache else None
        loader = NoteLoader(self._with_overlay_files(vault, location.root), cache, jobs=options.jobs)
        loader.overlays = self._overlays
        context = _new_context(loader.vault, loader, options)
        screen = Placeholders(context) if options.allow_placeholders else None
        world = checking.World(options, loader.vault, loader, context.moved) if cache is not None else None
        fresh: checking.FreshResults = {}
        files = files_in_scope(loader.vault, _targets(location), options)
        try:
            self._start(
                options, location, context, notes_among(files), screen, world=world, fresh_results=fresh, files=files
            )
            # What this start learnt is stored for the next one (and for ``check``), as a run stores it.
            loader.flush(checking.keyed(fresh, world), [])
            if self._put_off:  # their stored results are read when asked for, then it is closed
                self._held_cache, cache = cache, None
        finally:
            if self._held_cache is None:
                self._close_cache(loader, cache)
            self._world = None
            self._fresh_results = {}

    @classmethod
    def checked_once(
        cls,
        options: LintOptions,
        location: Location,
        context: LintContext,
        scope: list[str],
        screen: Placeholders | None,
        *,
        world: checking.World | None,
        fresh_results: checking.FreshResults,
        settle: bool,
        files: tuple[str, ...] | None,
    ) -> Workspace:
        """The workspace of one batch run (``vaultlint check``, :func:`vaultlint.lint`): built from
        the run's loader (with its cache) and context, asked once, never updated.

        ``world``/``fresh_results``: stored results are used and new ones collected for the cache;
        ``settle``: each note keeps only what others read of it once checked (memory);
        ``files``: what the file-name rules look at, when not every file under the paths.
        """
        workspace = cls.__new__(cls)
        workspace._overlays = context.loader.overlays
        workspace._start(
            options,
            location,
            context,
            scope,
            screen,
            world=world,
            fresh_results=fresh_results,
            settle=settle,
            files=files,
            live=False,
        )
        return workspace

    def _start(
        self,
        options: LintOptions,
        location: Location,
        context: LintContext,
        scope: list[str],
        screen: Placeholders | None,
        *,
        world: checking.World | None = None,
        fresh_results: checking.FreshResults | None = None,
        settle: bool = False,
        files: tuple[str, ...] | None = None,
        live: bool = True,
    ) -> None:
        """Parse and check everything in scope (notes checked as soon as a pool has parsed them)."""
        #: A live workspace records what each result depends on; a batch run's is asked once.
        self._live = live
        self._options = options
        self._root: Path = location.root
        self._targets = _targets(location)
        self._context = context
        self._loader = context.loader
        self._screen = screen
        self._world = world
        self._fresh_results = fresh_results if fresh_results is not None else {}
        #: A batch run settles every note once checked; a live workspace settles those its start
        #: checked (a whole vault of parsed notes is most of its memory) and parses one again when it
        #: is needed whole (:meth:`_whole`), keeping it whole from then on.
        self._settle = settle or live
        self._settled: set[str] = set()
        self._files = files
        self._index = ReverseIndex()
        #: What the start's checks read, recorded in the index before the first change (_record_deferred).
        self._unrecorded: dict[str, _Reads] = {}
        #: Unchanged notes whose stored results a live start left for when they are asked for
        #: (:meth:`_answer_put_off`), in order, and the key those results must have.
        self._put_off: dict[str, None] = {}
        self._put_off_key = ""
        self._starting = live
        self._note_results: dict[str, list[Diagnostic]] = {}
        #: Results checked while the pool parsed, with the names they took for nobody's alias (_confirm_aliases).
        self._unconfirmed: dict[str, frozenset[str]] = {}
        self._set_scope(scope)
        if self._live:
            self._set_files(files if files is not None else files_in_scope(self.vault, self._targets, options))
        progress = _Progress(len(scope), self._on_progress if live else None)
        check = progress.counting(self._check)
        checking.check_while_parsing(self._loader.preload_stepwise(scope), check, self._waits_for)
        self._confirm_aliases()
        left = [path for path in scope if path not in self._note_results]
        if not self._live:  # a batch run: the unchanged notes' stored results in one pass (a live one records reads)
            self._note_results.update(checking.stored_checks(self._loader, left, self._world))
        elif self._world is not None:
            left = self._put_off_stored(left)
            progress.advance(len(self._put_off))
        for path in left:
            if path not in self._note_results:
                check(path)
        self._vault_raw: dict[str, list[Diagnostic]] = {}
        self._vault_results: dict[str, list[Diagnostic]] = {}
        self._vault_rules = VaultRules(options)
        self._refresh_vault_rules(None)
        self._starting = False

    def _with_overlay_files(self, vault: Vault, root: Path | None = None) -> Vault:
        """``vault`` with the files that exist only as unsaved text (a new note not saved yet)."""
        missing = [p for p in self._overlays if p not in vault.by_path]
        if not missing:
            return vault
        return _replace_files(vault, [_virtual_file(root or self._root, p) for p in missing], ())

    # -- checking ----------------------------------------------------------------------
    def _check(self, path: str) -> list[Diagnostic]:
        """Check one note in scope and, in a live workspace, record what its result depends on."""
        context = self._context
        context.read_vault = context.read_moved = False
        context.hinted = set()
        context.aliases_to_confirm = set()
        self._whole(path)
        # Only the start's checks settle in a live workspace: a note checked again after a change is
        # likely to be checked again (it reads a note being edited), and parsing it each time would
        # cost a keystroke more than keeping it.
        settle = self._settle and (self._starting or not self._live)
        found = checking.check_in_scope(
            path,
            context,
            self._options,
            self._screen,
            self._world,
            self._fresh_results,
            settle,
            use_stored=not self._live,  # a live workspace must see what the check reads (_stored)
        )
        self._note_results[path] = found
        unconfirmed = context.aliases_to_confirm
        if unconfirmed:  # not settled yet: it may be checked again (_confirm_aliases)
            self._unconfirmed[path] = frozenset(unconfirmed)
        if self._live:
            if settle and not unconfirmed and isinstance(self._loader.loaded.get(path), Note):
                self._settled.add(path)
            # Bases read the vault's folders and paths directly (BS002); placeholders' near misses
            # compare with every name and alias.
            whole = context.read_vault or path.lower().endswith(".base")
            whole = whole or (self._screen is not None and bool(context.hinted))
            # Tuples: most are empty, and the empty tuple is one object (an empty set or frozenset
            # each is 216 bytes: 8 MB on 20k notes while the start's index waits).
            reads = _Reads(tuple(context.consulted), tuple(context.hinted), context.read_moved, whole)
            if self._starting:  # recorded before the first change (_record_deferred)
                self._unrecorded[path] = reads
            else:
                self._record(path, reads)
            if self._world is not None:  # a start with the cache: stored as it goes, not all at the end
                self._loader.store_text(path)
        return found

    def _waits_for(self, path: str) -> str | None:
        """A note still being parsed that the check of ``path`` reads (a heading or block link into
        it): the check waits for it rather than stop there and start again (20,000 notes checked
        while a pool parsed stopped 9,000 times, each after most of their rules had run)."""
        loader = self._loader
        note = loader.loaded.get(path)
        if not loader.pending or not isinstance(note, Note):
            return None
        return next((p for p in notes_read(note, self._context) if p in loader.pending), None)

    def _confirm_aliases(self) -> None:
        """Every note is parsed: a result checked before that took a name for nobody's alias
        (:meth:`LintContext.alias_owner`) stands when no note declares it, and the note settles
        now; else the result is dropped, and the note checked again with the vault's aliases."""
        unconfirmed, self._unconfirmed = self._unconfirmed, {}
        if not unconfirmed:
            return
        owners = self._loader.aggregate().alias_owners
        for path, names in unconfirmed.items():
            if not owners.keys().isdisjoint(names):
                del self._note_results[path]
            elif self._settle:
                self._loader.settle(path)
                if self._live and isinstance(self._loader.loaded.get(path), Note):
                    self._settled.add(path)

    def _put_off_stored(self, paths: list[str]) -> list[str]:
        """Leave the unchanged notes among ``paths`` (a live start from the cache) to be answered
        from their stored results when first asked for (:meth:`_answer_put_off`); the notes left
        to check now are returned.

        An editor asks for the notes it has open first: reading, validating and decoding every
        note's stored results before answering the first was a third of a warm start (0.15 of
        0.34 s on 13k notes).  The cache stays open until they are all answered, and what the
        validation compares with (the notes' hashes, the vault, the results' key made now) stays
        as it is until the first change, which answers them all first.  A base reads the whole
        vault: it is checked now.
        """
        candidates = [path for path in paths if not path.lower().endswith(".base")]
        changed = set(self._loader.without_fresh_row(candidates))
        self._put_off = dict.fromkeys(path for path in candidates if path not in changed)
        if self._put_off:
            assert self._world is not None
            self._put_off_key = self._world()
        return [path for path in paths if path not in self._put_off]

    def _answer_put_off(self, paths: Iterable[str] | None = None) -> None:
        """Answer the notes put off by the start (all, or those of ``paths``) from their stored
        results; a note whose stored results are gone or no longer hold is checked now, as the
        start would have checked it."""
        put_off = self._put_off
        wanted = list(put_off) if paths is None else [path for path in paths if path in put_off]
        if not wanted:
            return
        for path in wanted:
            del put_off[path]
        loader = self._loader
        stored = dict(loader.stored_results_of(wanted, alone=paths is not None))
        for path in wanted:
            results = stored.get(path)
            valid = checking.still_valid(loader, path, results, self._put_off_key) if results is not None else None
            if valid is not None:
                found, consulted = valid
                self._note_results[path] = found
                self._unrecorded[path] = _Reads(consulted)
                continue
            self._starting = True  # settled and recorded as the start's own checks are
            try:
                self._check(path)
            finally:
                self._starting = False
        if not put_off:
            self._let_go_of_cache()

    def _close_cache(self, loader: NoteLoader, cache: NoteCache | None) -> None:
        """Done with the start's cache: what :meth:`_record_deferred` needs of it is read first.
        A workspace lives long: no connection is kept open once no note put off needs it."""
        if any(reads.hinted is None for reads in self._unrecorded.values()):
            loader.keep_stored_summaries()  # for _record_deferred of results from the cache
        if cache is not None:
            cache.close()
        loader.cache = None

    def _let_go_of_cache(self) -> None:
        """Close the cache a start held for the notes it put off (all answered, or the workspace
        closed or started again)."""
        held, self._held_cache = self._held_cache, None
        if held is not None:
            self._close_cache(self._loader, held)

    def _record_deferred(self) -> None:
        """Record in the reverse index what the start's results depend on.

        Deferred from the start to the first change (or :meth:`finish_index`), so that the first
        diagnostics come sooner: for results from the cache it decodes every note's summary and
        resolves its links again, half of a warm start.  It must run before a change is taken
        in, while the notes, their summaries and the vault are those the results came from.
        """
        self._answer_put_off()
        pending, self._unrecorded = self._unrecorded, {}
        if not pending:
            return
        with _collector_paused():
            for path, reads in pending.items():
                self._record(path, reads)
        # The index lives as long as the workspace: frozen with the rest (see _build), or every full
        # collection would walk it again (~50 ms on 13k notes, a keystroke's budget).
        gc.freeze()

    def _record(self, path: str, reads: _Reads) -> None:
        # The files a note's links name are in its summary (a settled note has no links left).
        links = self._loader.summary(path).link_paths
        if reads.hinted is not None:
            self._index.record(path, links, reads.consulted, reads.hinted, reads.moved, reads.vault)
            return
        # Stored results keep the notes their check read, and its links name the files they depend
        # on; what its hints looked up and whether it asked git for renames follow from its links.
        hinted, reads_moved = _lookups(links, path, self.vault.index)
        self._index.record(path, links, reads.consulted, hinted, reads_moved)

    def _whole(self, path: str) -> None:
        """Make sure the loader holds ``path`` whole: a settled note is parsed again, from the
        editor's unsaved text, else from the file (as it is now, if it changed behind the
        workspace's back: what the note says is taken in by the update that tells of it)."""
        if path in self._settled:
            self._settled.discard(path)
            loader = self._loader
            summary, digest = loader.summaries.get(path), loader.hashes.get(path)
            loader.loaded.pop(path, None)
            loader.load(path)
            # A file changed on disk and not told yet is taken in by the update that tells it, which
            # compares its summary before and after (aliases, tags, links): until then the summary
            # and hash stay those of the text the workspace took in.
            if summary is not None:
                loader.summaries[path] = summary
            if digest is not None:
                loader.hashes[path] = digest

    def _refresh_vault_rules(self, change: Change | None) -> set[str]:
        """Run the vault-wide rules again where ``change`` can reach (``None``: everywhere); the
        paths whose findings changed."""
        if not self._live:  # a batch run asks once: no need to keep the findings by rule
            self._vault_raw = checking.vault_findings(
                self._scope, self._targets, self._context, self._options, self._files
            )
            changed = set(self._vault_raw)
        else:
            changed = self._vault_rules.update(
                change,
                self._notes_in_scope,
                lambda notes: note_view(
                    self._context,
                    self._notes_in_scope if notes is None else tuple(notes),
                    self._files_reported,
                    everything=notes is None,
                ),
            )
            self._vault_raw = self._vault_rules.raw
        for path in changed:
            self._directives(path)
        return changed

    def _directives(self, path: str) -> None:
        """The vault-wide findings on ``path`` after its suppression directives."""
        raw = self._vault_raw.get(path)
        if raw:
            self._vault_results[path] = checking.apply_directives({path: raw}, self._loader)
        else:
            self._vault_results.pop(path, None)

    # -- the public API ----------------------------------------------------------------
    @property
    def root(self) -> Path:
        return self._root

    @property
    def vault(self) -> Vault:
        return self._context.vault

    @property
    def context(self) -> LintContext:
        return self._context

    @property
    def settings(self) -> LintOptions:
        return self._options

    def vault_path(self, path: PathLike) -> str | None:
        """``path`` (absolute, or relative to the vault root) as a vault path; ``None`` when outside."""
        given = os.fspath(path)
        absolute = given if os.path.isabs(given) else os.path.join(self._root, given)
        relative = os.path.relpath(os.path.abspath(absolute), self._root)
        if relative == "." or relative == ".." or relative.startswith(".." + os.sep):
            # Through a symlink to the root (a temporary folder under /private on macOS)?
            relative = os.path.relpath(os.path.realpath(absolute), self._root)
            if relative == "." or relative == ".." or relative.startswith(".." + os.sep):
                return None
        return self.vault.vault_path(relative.replace(os.sep, "/"))

    def fs_path(self, vault_path: str) -> Path:
        file = self.vault.by_path.get(vault_path)
        return Path(file.fs_path) if file is not None else self._root.joinpath(*vault_path.split("/"))

    def note(self, vault_path: str) -> Note | None:
        """The parsed note at ``vault_path``, whole (links and all); ``None`` for any other file."""
        if vault_path not in self._loader.states:
            return None
        self._whole(vault_path)
        loaded = self._loader.load(vault_path)
        return loaded if isinstance(loaded, Note) else None

    def link_paths(self, vault_path: str) -> tuple[str, ...]:
        """The paths of the links of the note at ``vault_path`` (stripped, each once, none empty),
        without parsing it whole: what tells whether a rename can reach it."""
        if vault_path not in self._loader.states:
            return ()
        return self._loader.summary(vault_path).link_paths

    def text(self, vault_path: str) -> str | None:
        if vault_path not in self.vault.by_path:
            return None
        return self._loader.text(vault_path)

    def diagnostics(self, path: PathLike | None = None) -> tuple[Diagnostic, ...]:
        """Every diagnostic of the notes in scope, or those of one file: sorted, selected and
        suppressed as ``vaultlint check --no-cache`` reports them."""
        if path is None:
            self._answer_put_off()
            found = checking.unreadable_in_scope(self.vault, self._targets, self._options)
            for note in self._scope:
                found.extend(self._note_results.get(note, ()))
            for reported in self._vault_raw:  # in the order the rules found them, as a batch run has them
                found.extend(self._vault_results.get(reported, ()))
        else:
            wanted = self.vault_path(path)
            if wanted is None:
                return ()
            self._answer_put_off((wanted,))
            found = [
                d for d in checking.unreadable_in_scope(self.vault, self._targets, self._options) if d.path == wanted
            ]
            found.extend(self._note_results.get(wanted, ()))
            found.extend(self._vault_results.get(wanted, ()))
        found = list(dict.fromkeys(found))  # a note reached twice never says the same thing twice
        found.sort(key=lambda d: d.sort_key)
        if self._live and self._options.baseline is not None and found:
            from ..baseline import apply_baseline

            found = apply_baseline(found, self._scope, self.vault, self._options)[0]
        return tuple(found)

    def update(self, path: PathLike, text: str | None = None) -> frozenset[str]:
        """A file changed: ``text`` is an editor's unsaved contents (they win over the disk until
        an update without text); ``None`` reads the disk again (a file gone is dropped, a new one
        added).  Returns the vault paths whose diagnostics may have changed."""
        if self._is_settings_file(path):
            return self._reload_changes()
        wanted = self.vault_path(path)
        if wanted is None or _hidden(wanted):
            return frozenset()
        if text is not None:
            already_checked = self._checked_text(wanted, text)
            # Notes a warm start put off are answered from the files it read, before a text stands
            # in for one (the loader takes an unsaved text for a change): the note being opened
            # from its stored results, or every one before a change.
            if already_checked:
                self._answer_put_off((wanted,))
            else:
                self._record_deferred()
            self._overlays[wanted] = text
            if wanted not in self.vault.by_path:
                return self._apply(added=[wanted])
            if already_checked:  # an editor opening a note sends the text on disk: nothing to do
                return frozenset()
            return self._apply(changed=[wanted])
        self._overlays.pop(wanted, None)
        return self._from_disk([wanted])

    def remove(self, path: PathLike) -> frozenset[str]:
        """A file or folder is gone (or its unsaved text closed, for a note never saved)."""
        wanted = self.vault_path(path)
        if wanted is None or _hidden(wanted):
            return frozenset()
        for overlay in [p for p in self._overlays if p == wanted or p.startswith(wanted + "/")]:
            del self._overlays[overlay]
        return self._from_disk([wanted])

    def rename(self, old: PathLike, new: PathLike) -> frozenset[str]:
        """A file or folder moved from ``old`` to ``new`` (already on disk); unsaved text moves with it."""
        before, after = self.vault_path(old), self.vault_path(new)
        touched = [p for p in (before, after) if p is not None and not _hidden(p)]
        if before is not None and after is not None:
            for overlay in [p for p in self._overlays if p == before or p.startswith(before + "/")]:
                self._overlays[after + overlay[len(before) :]] = self._overlays.pop(overlay)
        return self._from_disk(touched) if touched else frozenset()

    def finish_index(self) -> None:
        """Complete the reverse index now rather than at the first change.

        A start from the cache leaves part of it for later, so that the first diagnostics come
        sooner; the first ``update``, ``remove`` or ``rename`` completes it.  A server calls
        this once the first diagnostics are out, so that the first keystroke does not wait.
        """
        self._record_deferred()

    def reload(self) -> None:
        """The configuration, the Obsidian config folder or a ``.gitignore`` changed: start again."""
        self._build(reloading=True)

    def close(self) -> None:
        """Let go of everything held (parsed notes, results); the workspace cannot be used after."""
        self._note_results = {}
        self._put_off, self._unrecorded = {}, {}
        self._let_go_of_cache()
        self._vault_results = {}
        self._vault_raw = {}
        self._vault_rules = VaultRules(self._options)
        self._index = ReverseIndex()
        self._overlays.clear()
        # What the build froze (``gc.freeze``) is never collected while frozen: a reference cycle
        # in it would outlive the workspace.  Unfrozen, the next collection takes what is garbage.
        gc.unfreeze()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- changes -----------------------------------------------------------------------
    def _is_settings_file(self, path: PathLike) -> bool:
        """The config file, a ``.gitignore`` or a file of the Obsidian config folder: what makes a reload."""
        absolute = Path(os.path.abspath(os.path.join(self._root, os.fspath(path))))
        if self._options.config_file is not None and absolute == Path(os.path.abspath(self._options.config_file)):
            return True
        if absolute.name in CONFIG_NAMES and (absolute.parent == self._path or absolute.parent in self._path.parents):
            return True  # a config file nearer than the one in use, or the first one
        wanted = self.vault_path(absolute)
        if wanted is None:
            return False
        parts = wanted.split("/")
        config_folder = self._options.obsidian_dir.replace("\\", "/").strip("/")
        # The vault's config folder, or one in a subfolder (a vault inside the vault, FN004).
        return (
            parts[-1] == ".gitignore"
            or wanted == config_folder
            or wanted.startswith(config_folder + "/")
            or config_folder in parts
        )

    def _reload_changes(self) -> frozenset[str]:
        before = self._results_by_path()
        self.reload()
        after = self._results_by_path()
        return frozenset(p for p in {*before, *after} if before.get(p) != after.get(p))

    def _results_by_path(self) -> dict[str, tuple[Diagnostic, ...]]:
        found: dict[str, list[Diagnostic]] = {}
        for diagnostic in self.diagnostics():
            found.setdefault(diagnostic.path, []).append(diagnostic)
        return {path: tuple(items) for path, items in found.items()}

    def _from_disk(self, paths: Iterable[str]) -> frozenset[str]:
        """Paths as the disk has them now.  Files edited, created or deleted are taken as they are;
        when a folder came, or a name needs the walk's care (a symlink, a name not in NFC), the
        vault is walked again."""
        vault = self.vault
        changed: list[str] = []
        added: list[str] = []
        removed: list[str] = []
        for path in paths:
            file = vault.by_path.get(path)
            state = _kind(file.fs_path if file is not None else _fs_path(self._root, path))
            if file is not None and state == "file":
                changed.append(path)
            elif file is not None and state is None:
                removed.append(path)
            elif file is None and state is None and path in self._overlays:  # unsaved text moved here
                added.append(path)
            elif file is None and state is None:  # a folder gone: every file under it
                removed.extend(p for p in vault.by_path if p.startswith(path + "/"))
            elif file is None and state == "file" and self._plain_new_file(path):
                added.append(path)
            else:
                return self._rescan(paths)
        if not added and not removed:
            return self._apply(changed=changed)
        overlaid = [p for p in removed if p in self._overlays]  # unsaved text of a note deleted on disk
        removed = [p for p in removed if p not in self._overlays]
        changed += overlaid
        return self._apply(changed=changed, added=added, removed=removed)

    def _checked_text(self, path: str, text: str) -> bool:
        """Whether ``text`` is the very text the results of ``path`` were checked from (its bytes,
        as a save would write them, have the hash of the unsaved text or file checked)."""
        overlay = self._overlays.get(path)
        if overlay is not None:
            return overlay == text
        checked = self._loader.hashes.get(path)  # set for every note checked or answered from the cache
        return checked is not None and checked == content_hash(text.encode("utf-8", "surrogatepass"))

    def _plain_new_file(self, path: str) -> bool:
        """A new file the walk would list under this very path: its name in NFC, and every folder
        on the way a real folder (the walk never follows a folder symlink)."""
        if nfc(path) != path:
            return False
        folder = self._root
        for part in path.split("/")[:-1]:
            folder = folder / part
            if os.path.islink(folder) or not os.path.isdir(folder):
                return False
        return True

    def _rescan(self, paths: Iterable[str]) -> frozenset[str]:
        vault = self.vault
        fresh = self._with_overlay_files(
            scan_vault(self._root, self._options.obsidian_dir, self._options.template_folders)
        )
        gone = [p for p in vault.by_path if p not in fresh.by_path]
        added = [p for p in fresh.by_path if p not in vault.by_path]
        changed = [p for p in paths if p in vault.by_path and p in fresh.by_path]
        return self._apply(changed=changed, added=added, removed=gone, vault=fresh)

    def _apply(
        self,
        changed: Iterable[str] = (),
        added: Iterable[str] = (),
        removed: Iterable[str] = (),
        vault: Vault | None = None,
    ) -> frozenset[str]:
        """Take the changes in, re-check what they can change; the paths whose diagnostics may differ."""
        self._record_deferred()
        changed, added, removed = list(changed), list(added), list(removed)
        loader, index = self._loader, self._index
        summaries_before = {p: _summary_or_none(loader, p) for p in changed}
        keys_before = {p: frontmatter_keys(loader.loaded.get(p)) for p in changed}
        owners_before = loader.aggregate().alias_owners
        # A note's summary is kept from the start on (the reverse index reads it): a note gone is
        # counted out of the vault's tags with it.  ``None``: not known, the aggregate is made again.
        gone_summaries = [loader.summaries.get(p) for p in removed if is_source(p)]
        moved_before = self._context.moved
        loader.forget([*changed, *added, *removed], aggregate=False)  # dropped below if tags or aliases changed
        self._settled.difference_update([*changed, *added, *removed])
        _forget_answers(self._context, [*changed, *added, *removed])
        names_changed = bool(added or removed)
        if names_changed:
            walked = vault is not None
            if vault is None:
                vault = _replace_files(self.vault, [_virtual_file(self._root, p) for p in added], removed)
            self._swap_vault(vault, added, removed, walked)
        for path in removed:
            self._note_results.pop(path, None)
            index.drop(path)
        aliases_changed = keys_changed = links_changed = False
        retagged: dict[str, tuple[NoteSummary, NoteSummary]] = {}
        for path in changed:
            after = _summary_or_none(loader, path) or _NO_SUMMARY
            before = summaries_before[path] or _NO_SUMMARY
            aliases_changed |= before.aliases != after.aliases
            links_changed |= before.link_paths != after.link_paths
            if before.tags != after.tags:
                retagged[path] = (before, after)
            keys_changed |= keys_before[path] != frontmatter_keys(loader.loaded.get(path))
        came_summaries = [_summary_or_none(loader, p) for p in added if is_source(p)]
        came_or_gone = [*gone_summaries, *came_summaries]
        if aliases_changed or any(summary is None or summary.aliases for summary in came_or_gone):
            loader.forget((), aggregate=True)  # the vault's tags and aliases are added up again
        elif retagged or came_or_gone:
            # Only tags: count the old ones out and the new ones in.  A note without aliases that
            # comes or goes (a rename: both) owns no alias, so only its tags count (13k notes added
            # up again cost a rename 40 ms).
            loader.retag(
                [*(b for b, _ in retagged.values()), *gone_summaries],
                [*(a for _, a in retagged.values()), *came_summaries],
            )
        recheck = {p for p in changed if p in self._scope_set}
        recheck.update(index.consulting([*changed, *added, *removed]))
        if names_changed:
            recheck.update(p for p in added if p in self._scope_set)
            recheck.update(index.naming([*added, *removed]))
            recheck.update(index.hinting([*added, *removed]))
            if index.moved_readers and _moves_matter(moved_before, self._context.moved):
                recheck.update(index.moved_readers)
        if names_changed or aliases_changed:
            if self._screen is not None:
                self._screen = Placeholders(self._context)
            owners_after = loader.aggregate().alias_owners
            if owners_after != owners_before:
                recheck.update(
                    index.hinted_at(
                        k for k in {*owners_before, *owners_after} if owners_before.get(k) != owners_after.get(k)
                    )
                )
                aliases_changed = True
        if names_changed or aliases_changed or keys_changed:
            recheck.update(index.vault_readers)
        recheck &= self._scope_set
        for path in sorted(recheck):
            self._check(path)
        touched = set(recheck) | set(removed)
        tags = frozenset(tag.lower() for b, a in retagged.values() for tag in (*b.tags, *a.tags))
        touched |= self._refresh_vault_rules(
            Change(names=names_changed, links=links_changed, tags=tags, edited=frozenset(changed))
        )
        for path in changed:  # suppression directives of the vault-wide findings may have changed
            if self._vault_raw.get(path):
                self._directives(path)
                touched.add(path)
        return frozenset(touched)

    def _swap_vault(self, vault: Vault, added: Iterable[str], removed: Iterable[str], walked: bool) -> None:
        """Files came or went: the loader and context see ``vault`` from now on."""
        loader = self._loader
        loader.vault = vault
        loader.states = dict.fromkeys(f.path for f in vault.files if f.is_note or is_source(f.path))
        self._context = _new_context(vault, loader, self._options)
        if self._screen is not None:
            self._screen = Placeholders(self._context)
        if walked:
            self._set_files(files_in_scope(vault, self._targets, self._options))
        else:
            gone = set(removed)
            came = reported_among(vault, self._targets, self._options, added)
            self._set_files(sorted({*(p for p in self._files_reported if p not in gone), *came}))

    def _set_scope(self, scope: list[str]) -> None:
        self._scope = scope
        self._scope_set = set(scope)
        self._notes_in_scope = tuple(p for p in scope if p.lower().endswith(".md"))  # what vault rules report on

    def _set_files(self, files: Iterable[str]) -> None:
        """The files reported on (the file-name rules'), and of them the notes (the scope)."""
        self._files_reported = tuple(files)
        self._set_scope([p for p in self._files_reported if is_source(p)])


@dataclasses.dataclass(frozen=True, slots=True)  # one per note until the index is complete
class _Reads:
    """What a check of a note read besides the note: see :meth:`ReverseIndex.record`.  ``hinted``
    is ``None`` for results from the cache: it follows from the note's links then."""

    consulted: Iterable[str]
    hinted: Iterable[str] | None = None
    moved: bool = False
    vault: bool = False


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic collector off while a build makes its millions of objects (as ``check`` runs
    with it off): each collection it would start walks all that the build made so far, a third
    of a start from the cache (0.25 of 0.75 s on 13k notes).  Back to how it was after."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


class _Progress:
    """Tells ``on_progress(done, total)`` at each whole percent and at the last note of a start."""

    def __init__(self, total: int, on_progress: Callable[[int, int], None] | None) -> None:
        self._total, self._on_progress = total, on_progress
        self._step = max(1, total // 100)
        self._done = 0

    def counting(self, check: Callable[[str], list[Diagnostic]]) -> Callable[[str], list[Diagnostic]]:
        """``check``, counted (a check that raises, waiting for a note still being parsed, is not
        counted: it comes again)."""
        if self._on_progress is None:
            return check

        def counted(path: str) -> list[Diagnostic]:
            found = check(path)
            self.advance()
            return found

        return counted

    def advance(self, count: int = 1) -> None:
        if self._on_progress is None or count <= 0:
            return
        before, self._done = self._done, self._done + count
        if self._done // self._step > before // self._step or self._done >= self._total:
            self._on_progress(min(self._done, self._total), self._total)


def _targets(location: Location) -> tuple[Path, ...]:
    return tuple(argument.target for argument in location.arguments)


def _lookups(link_paths: Iterable[str], source: str, index: VaultIndex) -> tuple[set[str], bool]:
    """What a check of a note with these links looked up beyond them: the names its hints
    looked up, and whether it asked what git renamed.  It does both only for a link that
    reaches nothing (LK001, LK002), and a link that does reach something resolves here by
    its trimmed path too, so nothing is missed (a name too many costs a check, never a result)."""
    missing = [link for link in link_paths if index.resolve(link, source).target is None]
    return {hinted_name(link).lower() for link in missing}, bool(missing)


def _open_cache(options: LintOptions, root: Path) -> NoteCache | None:
    """The cache ``check`` uses for this vault (``None`` when it cannot be used: nothing to say
    to a workspace's caller, who gets a slower start)."""
    from ..engine import cache_folder

    return NoteCache.open(cache_folder(options, root), [], repository_of(root))


def _new_context(vault: Vault, loader: NoteLoader, options: LintOptions) -> LintContext:
    types = {**vault.obsidian.property_types, **options.types}
    # Outside a git work tree git has nothing to say: not asking saves a process per file that comes or goes.
    in_git = find_git_root(vault.root) is not None
    moved = checking.moved_files(vault.root, vault, options) if in_git else {}
    return LintContext(vault, loader, types, options.schema, moved=moved)


def _virtual_file(root: Path, path: str) -> VaultFile:
    """A file that exists as unsaved text only, where saving it would put it."""
    return VaultFile(path, _fs_path(root, path), path[-3:].lower() == ".md")


def _fs_path(root: Path, path: str) -> str:
    return os.path.join(root, *path.split("/"))


def _kind(fs_path: str) -> str | None:
    """``"file"``, ``"other"`` (a folder, a symlink, a FIFO...) or ``None`` (nothing there)."""
    try:
        mode = os.lstat(fs_path).st_mode
    except OSError:
        return None
    return "file" if stat.S_ISREG(mode) else "other"


def _moves_matter(before: Mapping[str, str | None], after: Mapping[str, str | None]) -> bool:
    """Files came or went: may the hints and fixes of links to what git saw renamed change?  They may
    when git's renames changed, and while there are any (the fix's link text depends on every name)."""
    return bool(after) or dict(before) != dict(after)


def _hidden(path: str) -> bool:
    """A dot-file or a file in a dot-folder: not part of the vault (Obsidian never indexes them)."""
    return any(part.startswith(".") for part in path.split("/"))


#: What a file that is no note (or is gone) contributes: no tags, aliases or links.
_NO_SUMMARY = NoteSummary()


def _summary_or_none(loader: NoteLoader, path: str) -> NoteSummary | None:
    return loader.summaries.get(path) if path in loader.summaries or path not in loader.states else loader.summary(path)


def _replace_files(vault: Vault, added: Iterable[VaultFile], removed: Iterable[str]) -> Vault:
    """``vault`` with files added and others gone (a new index: resolution sees them at once)."""
    gone = set(removed)
    files = sorted([*(f for f in vault.files if f.path not in gone), *added], key=lambda f: f.path)
    return dataclasses.replace(
        vault, files=tuple(files), index=VaultIndex(f.path for f in files), by_path={f.path: f for f in files}
    )


def _forget_answers(context: LintContext, paths: Iterable[str]) -> None:
    """Drop the context's remembered answers that these files' contents feed."""
    answers: Mapping[tuple[Any, ...], Any] | None = context.__dict__.get("_cached__pdf_page_count")
    if isinstance(answers, dict):
        for path in paths:
            answers.pop((path,), None)
    context.__dict__.pop("_cached__vault_property_keys", None)
