"""Path patterns with gitignore rules, for ``exclude``, ``per-file-ignores`` and schema ``folder``.

Users know these rules from ``.gitignore``: ``World/*.md`` (a slash inside:
anchored at the vault root) matches ``World/a.md`` but not
``World/NPCs/Deep.md``; a bare ``Deep.md`` (no slash) matches at any depth;
``Archive/`` matches everything inside any folder named ``Archive``; ``**``
crosses folders.  pathspec implements them exactly.

A config can hold tens of thousands of patterns (generated ``per-file-ignores``),
so each pattern is compiled once, and plain names and paths (no wildcard; the
usual generated case) are looked up in a set per path component instead of
being tried one by one: a path costs its depth plus the wildcard patterns.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from typing import TYPE_CHECKING, Generic, TypeVar

from .vault import nfc

if TYPE_CHECKING:  # pragma: no cover
    import pathspec

T = TypeVar("T", bound=Hashable)

_WILDCARDS = frozenset("*?[]\\")


def _literal(pattern: str) -> tuple[str, bool, bool] | None:
    """``(text, anchored, folders_only)`` for a pattern without wildcards, else ``None``."""
    if not pattern or pattern != pattern.strip() or pattern[0] in "!#" or _WILDCARDS & set(pattern):
        return None
    folders_only = pattern.endswith("/")
    text = pattern.rstrip("/")
    anchored = "/" in text  # a slash at the start or in the middle anchors to the root
    text = text.lstrip("/")
    if not text or "//" in text or any(part in (".", "..") for part in text.split("/")):
        return None  # unusual: leave it to pathspec
    return text, anchored, folders_only


def is_plain(pattern: str) -> bool:
    """A pattern without wildcards, matched without pathspec."""
    return _literal(pattern) is not None


class GlobTable(Generic[T]):
    """Patterns, each with a value; :meth:`matching` gives the values of the patterns a path matches.

    Each pattern stands alone (one ``per-file-ignores`` key), so a ``!pattern`` matches nothing.
    """

    def __init__(self, entries: Iterable[tuple[str, T]]) -> None:
        # literal text -> values; "exact" entries may match the whole path, "folder" ones only a parent folder.
        self._anchored: dict[str, list[T]] = {}
        self._anchored_folders: dict[str, list[T]] = {}
        self._names: dict[str, list[T]] = {}
        self._name_folders: dict[str, list[T]] = {}
        self._memo: dict[str, list[T]] = {}
        wildcards: dict[T, list[str]] = {}
        for pattern, value in entries:
            pattern = nfc(pattern)
            literal = _literal(pattern)
            if literal is None:
                if not pattern.startswith("!"):  # a negation on its own takes nothing out of nothing
                    wildcards.setdefault(value, []).append(pattern)
                continue
            text, anchored, folders_only = literal
            if anchored:
                table = self._anchored_folders if folders_only else self._anchored
            else:
                table = self._name_folders if folders_only else self._names
            table.setdefault(text, []).append(value)
        self._wildcards = [(_one_regex(patterns), value) for value, patterns in wildcards.items()]
        tables = (self._anchored, self._anchored_folders, self._names, self._name_folders, self._wildcards)
        self._empty = not any(tables)

    def __bool__(self) -> bool:
        return not self._empty

    def matching(self, path: str) -> list[T]:
        """The values of every pattern that matches ``path`` (vault-relative, ``/``-separated)."""
        if self._empty:  # no pattern (the usual config): nothing to split, nothing to remember per path
            return []
        found = self._memo.get(path)
        if found is None:
            found = self._memo[path] = self._match(path)
        return found

    def _match(self, path: str) -> list[T]:
        found: list[T] = []
        parts = path.split("/")
        last = len(parts) - 1
        for index, part in enumerate(parts):
            found.extend(self._names.get(part, ()))
            if index < last:
                found.extend(self._name_folders.get(part, ()))
        if self._anchored or self._anchored_folders:
            for index in range(len(parts)):
                prefix = "/".join(parts[: index + 1])
                found.extend(self._anchored.get(prefix, ()))
                if index < last:
                    found.extend(self._anchored_folders.get(prefix, ()))
        found.extend(value for regex, value in self._wildcards if regex.search(path))
        return found


class GlobSet:
    """A list of patterns read as one ``.gitignore``: a later ``!pattern`` takes a path back out."""

    def __init__(self, patterns: Iterable[str]) -> None:
        patterns = [nfc(p) for p in patterns]
        self._ordered = _compile(patterns) if any(p.startswith("!") for p in patterns) else None
        self._table: GlobTable[bool] = (
            GlobTable((p, True) for p in patterns) if self._ordered is None else GlobTable(())
        )

    def __bool__(self) -> bool:
        return self._ordered is not None or bool(self._table)

    def matches(self, path: str) -> bool:
        if self._ordered is not None:
            return bool(self._ordered.match_file(path))
        return bool(self._table.matching(path))


def _one_regex(patterns: list[str]) -> re.Pattern[str]:
    """One regular expression that matches what any of ``patterns`` matches (gitignore rules).

    pathspec would compile and try its patterns one by one in Python; joined
    into one alternation, the regex engine does that in C.  pathspec marks a
    folder match with a named group, which may occur only once in a regex, so
    it becomes a plain group (we only ask whether a pattern matches, not how).
    """
    parts = []
    for pattern in patterns:
        regex, include = pattern_regex(pattern)
        if regex is not None and include:  # not a comment, a blank line or a negation
            parts.append("(?:" + _NAMED_GROUP.sub("(?:", regex) + ")")
    return re.compile("|".join(parts) or "(?!)")


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


def pattern_regex(pattern: str) -> tuple[str | None, bool | None]:
    """pathspec's translation of one gitignore pattern: ``(regex, include)``; ValueError when invalid."""
    try:
        from pathspec.patterns.gitignore.spec import GitIgnoreSpecPattern as Pattern
    except ImportError:  # pathspec < 1.0
        from pathspec.patterns.gitwildmatch import GitWildMatchPattern as Pattern  # type: ignore[assignment]
    return Pattern.pattern_to_regex(pattern)  # type: ignore[return-value]


def _compile(patterns: list[str]) -> pathspec.GitIgnoreSpec:
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)
