"""The "did you mean" search as it was before the index (vaultlint 0.x, ``LintContext._close_name``).

Kept verbatim, apart from taking the names as an argument instead of from the
vault, so that tests/test_hints.py and bench/bench_hints.py can check that
:class:`vaultlint.hints.NameIndex` gives exactly its answers.  Do not "improve"
it: it is the definition the index is checked against.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

_TIE = 0.5


class ReferenceNames:
    """Lower-cased names in vault order, sorted into buckets the way the old context did."""

    def __init__(self, names: Iterable[str]) -> None:
        self._by_length: dict[int, list[str]] = {}
        for name in names:
            if name:
                self._by_length.setdefault(len(name), []).append(name)
        self._buckets: dict[int, dict[tuple[int, str], list[str]]] = {}

    def _name_bucket(self, length: int, end: int, char: str) -> list[str]:
        return self._buckets_of_length(length).get((end, char), [])

    def _buckets_of_length(self, length: int) -> dict[tuple[int, str], list[str]]:
        buckets = self._buckets.get(length)
        if buckets is None:
            buckets = self._buckets[length] = {}
            for name in self._by_length.get(length, ()):
                buckets.setdefault((0, name[0]), []).append(name)
                buckets.setdefault((-1, name[-1]), []).append(name)
        return buckets

    def close_name(self, wanted: str) -> str | None:
        if not wanted:
            return None
        slack = max(2, len(wanted) // 4)
        size = len(wanted)
        best: tuple[float, str] | None = None
        for length in sorted(range(size - slack, size + slack + 1), key=lambda n: abs(n - size)):
            if best is not None and length > 0 and 200 * min(size, length) / (size + length) < best[0] - _TIE:
                continue
            for end, char in ((0, wanted[0]), (-1, wanted[-1])):
                names = self._name_bucket(length, end, char)
                if not names:
                    continue
                cutoff = 80 if best is None else best[0] - _TIE
                found = process.extractOne(wanted, names, scorer=fuzz.ratio, score_cutoff=cutoff)
                if found is not None and (best is None or (-found[1], found[0]) < (-best[0], best[1])):
                    best = (found[1], found[0])
        return best[1] if best else None
