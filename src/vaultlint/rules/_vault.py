"""What vault-wide rules see: every note's summary, the notes in scope, the canvases."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..context import LintContext
from ..model import NoteSummary


@dataclass
class VaultView:
    context: LintContext
    #: Notes being reported on.
    scope: tuple[str, ...]
    #: Every file being reported on (attachments, canvases and bases too), for the file-name rules.
    files: tuple[str, ...] = ()

    @property
    def note_paths(self) -> list[str]:
        return [f.path for f in self.context.vault.files if f.is_note]

    @property
    def canvas_paths(self) -> list[str]:
        return [f.path for f in self.context.vault.files if f.path.lower().endswith(".canvas")]

    def summary(self, path: str) -> NoteSummary:
        return self.context.loader.summary(path)

    def references(self) -> set[str]:
        """Vault paths that some other note or canvas links to, embeds, or names in a property."""
        return {target for _, target in self.reference_pairs()}

    def referrers(self) -> dict[str, set[str]]:
        """Vault path -> the notes and canvases that link to it, embed it, or name it in a property."""
        found: dict[str, set[str]] = {}
        for source, target in self.reference_pairs():
            found.setdefault(target, set()).add(source)
        return found

    def reference_pairs(self) -> Iterator[tuple[str, str]]:
        """``(source, target)`` for every resolved link of every note and canvas (not to itself).

        A canvas's links are its ``file`` nodes, group backgrounds and the links in
        its text nodes, resolved against the canvas path (OBSIDIAN.md §8.4).
        """
        for path in [*self.note_paths, *self.canvas_paths]:
            for target in self.targets(path):
                yield path, target

    def targets(self, path: str) -> list[str]:
        """What the links of one note or canvas resolve to (not itself)."""
        resolve = self.context.vault.index.resolve
        found = []
        for link_path in self.summary(path).link_paths:
            target = resolve(link_path, path).target
            if target is not None and target != path:
                found.append(target)
        return found
