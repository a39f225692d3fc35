"""The vault-wide rules of a live workspace, run again only where what they read changed.

A vault-wide rule reads the whole vault, so running every one of them after each
keystroke costs a pass over every note (most of an edit's time in a big vault).
Each rule reads only some of the vault, named here in one registry:

- the file names (FN001-FN004): the set of files, which only a create, delete or
  rename changes;
- the resolved links (OR001, OR002, OR004): every note's link paths, resolved by
  file name, so they change when files come or go or a note's link paths change
  (then only that note's links are resolved again: :class:`References`);
- the tags (TG001): the vault's tag counts and the tags of the note reported on,
  so an edit that leaves a note's tags alone changes only that note's findings
  (their spans), and one that changes them only the notes with those tags.

A rule not named here is run again after every change (correct, only slower).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from ..context import LintContext
from ..model import Diagnostic, NoteSummary
from ..options import LintOptions
from ..rules import Rule, Scope
from ..rules._vault import VaultView
from .checking import diagnostic


class Reads(Enum):
    """What a vault-wide rule's findings depend on, besides the configuration (a reload)."""

    #: The set of files and the notes in scope.
    NAMES = "names"
    #: The names, and every note's and canvas's link paths.
    LINKS = "links"
    #: The names, the vault's tag counts, and each reported note's own tags and text.
    TAGS = "tags"


#: The vault-wide rules and what they read: the one place that decides when each runs again.
READS: dict[str, Reads] = {
    "FN001": Reads.NAMES,
    "FN002": Reads.NAMES,
    "FN003": Reads.NAMES,
    "FN004": Reads.NAMES,
    "OR001": Reads.LINKS,
    "OR002": Reads.LINKS,
    "OR004": Reads.LINKS,
    "TG001": Reads.TAGS,
}


@dataclass(frozen=True)
class Change:
    """What one workspace change did to what vault-wide rules read."""

    #: Files came or went (the vault's names, the scope).
    names: bool = False
    #: Some note's or canvas's link paths differ.
    links: bool = False
    #: Lower-cased tags whose counts may differ (a note's tags changed).
    tags: frozenset[str] = frozenset()
    #: The notes whose text changed (their findings' spans may have moved).
    edited: frozenset[str] = frozenset()


@dataclass
class References:
    """Who links to what, kept from change to change: the link rules' input without resolving
    every link of the vault again (only the links of the notes edited)."""

    #: Note or canvas -> the files its links reach.
    targets_of: dict[str, frozenset[str]] = field(default_factory=dict)
    #: File -> the notes and canvases whose links reach it.
    referrers: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, view: VaultView) -> References:
        references = cls()
        for path in [*view.note_paths, *view.canvas_paths]:
            references.retarget(path, view.targets(path))
        return references

    def retarget(self, source: str, targets: Iterable[str]) -> None:
        """``source``'s links now reach ``targets``."""
        for target in self.targets_of.pop(source, ()):
            sources = self.referrers[target]
            sources.discard(source)
            if not sources:
                del self.referrers[target]
        reached = self.targets_of[source] = frozenset(targets)
        for target in reached:
            self.referrers.setdefault(target, set()).add(source)


@dataclass
class LinkedView(VaultView):
    """A :class:`VaultView` whose references come from :class:`References` kept up to date."""

    links: References = field(default_factory=References)

    def references(self) -> set[str]:
        return set(self.links.referrers)

    def referrers(self) -> dict[str, set[str]]:
        return self.links.referrers


class VaultRules:
    """The findings of the enabled vault-wide rules, by rule and by the path they report on."""

    def __init__(self, options: LintOptions) -> None:
        self._selection = options.selection
        self._rules = [r for r in self._selection.enabled_rules() if r.scope is Scope.VAULT and r.check is not None]
        #: Rule code -> path -> findings, in the order the rule gave them.
        self._by_rule: dict[str, dict[str, list[Diagnostic]]] = {r.code: {} for r in self._rules}
        #: Path -> findings of every rule, in rule order: what a batch run's ``vault_findings`` has.
        self.raw: dict[str, list[Diagnostic]] = {}
        #: The vault's links, for the rules that read them (made when one first runs).
        self._links: References | None = None

    def update(
        self, change: Change | None, notes: Sequence[str], view: Callable[[Sequence[str] | None], VaultView]
    ) -> set[str]:
        """Run again the rules (or, for TG001, the notes) ``change`` can reach (``None``: all).
        ``notes``: the notes in scope; ``view(some)`` is what the rules see, reporting on ``some``
        of them only or (``None``) on all.  The paths whose findings changed."""
        if not self._rules:
            return set()
        touched: set[str] = set()
        whole: VaultView | None = None
        if change is None or change.names:
            self._links = None  # links resolve by file name: every one may reach elsewhere now
        elif change.links and self._links is not None:
            probe = view(())
            sources = {*probe.note_paths, *probe.canvas_paths}
            for path in change.edited:
                self._links.retarget(path, probe.targets(path) if path in sources else ())
        for rule in self._rules:
            reads = READS.get(rule.code)
            if change is None or reads is None or change.names or (reads is Reads.LINKS and change.links):
                whole = whole or view(None)
                touched |= self._replace(rule, self._linked(whole) if reads is Reads.LINKS else whole, None)
            elif reads is Reads.TAGS and (change.tags or change.edited):
                partial = view(self._tagged(notes, change, view(()).summary))
                touched |= self._replace(rule, partial, partial.scope)
        for path in touched:
            found = [d for code in self._by_rule for d in self._by_rule[code].get(path, ())]
            if found:
                self.raw[path] = found
            else:
                self.raw.pop(path, None)
        return touched

    def _linked(self, view: VaultView) -> LinkedView:
        if self._links is None:
            self._links = References.of(view)
        return LinkedView(view.context, view.scope, view.files, self._links)

    def _tagged(self, notes: Sequence[str], change: Change, summary: Callable[[str], NoteSummary]) -> list[str]:
        """The notes whose TG001 findings ``change`` can change: those edited, and those with a
        tag whose counts changed (the preferred spelling and its count are in the message)."""
        if not change.tags:  # the usual keystroke: no pass over every note
            return [p for p in sorted(change.edited) if p in notes]
        return [p for p in notes if p in change.edited or any(tag.lower() in change.tags for tag in summary(p).tags)]

    def _replace(self, rule: Rule, view: VaultView, reported: Iterable[str] | None) -> set[str]:
        """Run ``rule`` on ``view``; its findings replace the old ones of ``reported`` (``None``: all)."""
        assert rule.check is not None
        fresh: dict[str, list[Diagnostic]] = {}
        for path, violation in rule.check(view, view.context):
            if not self._selection.ignored_in(rule.code, path):
                fresh.setdefault(path, []).append(diagnostic(rule, self._selection, path, violation))
        old = self._by_rule[rule.code]
        if reported is None:
            self._by_rule[rule.code] = fresh
            return {p for p in {*old, *fresh} if old.get(p) != fresh.get(p)}
        changed = set()
        for path in {*reported, *fresh}:
            before, after = old.get(path), fresh.get(path)
            if before != after:
                changed.add(path)
                if after:
                    old[path] = after
                else:
                    old.pop(path, None)
        return changed


def note_view(context: LintContext, notes: tuple[str, ...], files: tuple[str, ...], everything: bool) -> VaultView:
    """What vault-wide rules see: ``notes`` (Markdown, in scope) and the files reported on.  A run
    over ``everything`` first parses, in parallel, what no summary is known for."""
    if everything:
        context.loader.preload_summaries()
    return VaultView(context, notes, files)
