"""TEMPORARY: the contract's Workspace subset, from real pieces, until h/workspace lands. Delete then."""

from __future__ import annotations

from pathlib import Path

from helpers import run

from vaultlint.syntax.note import parse_note
from vaultlint.vault import decode_note, read_note_bytes, scan_vault


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.overlay: dict[str, str] = {}
        self.vault = scan_vault(self.root)

    def fs_path(self, path: str) -> Path:
        return self.root / path

    def text(self, path: str) -> str | None:
        if path in self.overlay:
            return self.overlay[path]
        try:
            return decode_note(read_note_bytes(str(self.root / path)))
        except Exception:
            return None

    def note(self, path: str):
        text = self.text(path)
        return None if text is None or not path.endswith(".md") else parse_note(path, text)

    def update(self, path: str, text: str | None = None) -> frozenset[str]:
        if text is not None:
            self.overlay[path] = text
        self.vault = scan_vault(self.root)
        return frozenset()

    def rename(self, old: str, new: str) -> frozenset[str]:
        self.vault = scan_vault(self.root)
        return frozenset()

    def diagnostics(self, path=None):
        return run(self.root).diagnostics

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()
