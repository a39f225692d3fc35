"""What vault-wide rules see: every note's summary, the notes in scope, the canvases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from ..context import LintContext
from ..model import NoteSummary


@dataclass
class VaultView:
    context: LintContext
    #: Notes being reported on.
    scope: tuple[str, ...]

    @property
    def note_paths(self) -> list[str]:
        return [f.path for f in self.context.vault.files if f.is_note]

    def summary(self, path: str) -> NoteSummary:
        return self.context.loader.summary(path)

    def references(self) -> set[str]:
        """Vault paths that some other note or canvas links to, embeds, or names in a property."""
        resolve = self.context.vault.index.resolve
        referenced: set[str] = set()
        for path in self.note_paths:
            for link_path in self.summary(path).link_paths:
                target = resolve(link_path, path).target
                if target is not None and target != path:
                    referenced.add(target)
        for canvas, target in self._canvas_references():
            if target != canvas:
                referenced.add(target)
        return referenced

    def _canvas_references(self) -> Iterator[tuple[str, str]]:
        """``file`` nodes (vault paths) and ``[[links]]`` in text nodes of every ``.canvas`` (OBSIDIAN.md §8.4)."""
        from ..syntax.note import NestingTooDeep, parse_note

        vault = self.context.vault
        for file in vault.files:
            if not file.path.lower().endswith(".canvas"):
                continue
            try:
                with open(file.fs_path, encoding="utf-8") as handle:
                    data = json.load(handle)
            except (OSError, ValueError):
                continue
            nodes = data.get("nodes") if isinstance(data, dict) else None
            for node in nodes if isinstance(nodes, list) else []:
                if not isinstance(node, dict):
                    continue
                if node.get("type") == "file" and isinstance(node.get("file"), str):
                    target = vault.index.exact(node["file"])
                    if target is not None:
                        yield file.path, target
                elif node.get("type") == "text" and isinstance(node.get("text"), str):
                    try:
                        links = parse_note(file.path, node["text"]).links
                    except NestingTooDeep:
                        continue  # its links are not known; nothing counts as referenced by it
                    for link in links:
                        target = vault.index.resolve(link.path.strip(), file.path).target
                        if target is not None:
                            yield file.path, target
