"""The "did you mean" search: the closest file name to a link that reaches nothing.

The hint is the name with the best rapidfuzz ``fuzz.ratio`` (at least 80) among the
names of similar length that share the first or the last character with the wanted
name: a ratio of 80 is impossible beyond that length gap, and a typo at both ends at
once is rare.  The names are kept in buckets by (length, first character) and (length,
last character), in vault order; ties go to the first best name of its bucket and,
across buckets, to the smaller name (:func:`_search`).

Reading every name of those buckets made hints quadratic in the vault: each broken
link read a share of all the names (about 16 s of a 100,000-note run).  :class:`NameIndex`
runs the very same search (same buckets in the same order, same cutoffs, same rapidfuzz
calls) on each bucket cut down to the names that can reach the call's cutoff.  A name
left out scores below the cutoff, so rapidfuzz would neither return it nor raise its
running cutoff for it: every call answers as before, ties included.

The cut is a character count filter, complete by construction:

* ``fuzz.ratio`` is the normalised Indel similarity ``200 * lcs / (la + lb)``, where
  ``lcs`` is the length of the longest common subsequence: reaching ``cutoff`` needs
  ``lcs >= min_common(cutoff, la, lb)``.
* A common subsequence is made of characters both names have, so ``lcs`` is at most
  the number of the wanted name's character occurrences (its first ``e``, its second
  ``e``, ...: :func:`occurrences`) that the other name also has (it has the second
  ``e`` when it has two ``e`` or more).

So a name that misses more than ``la - min_common`` of the wanted name's occurrences
cannot reach the cutoff.  The names sharing a first (or a last) character form a group
(:class:`_EndGroup`: the buckets of every length); its index holds, per occurrence,
the names lacking it as the bits of one int, and :meth:`_EndGroup.sharing` counts the
misses of all the names of the group at once in bit slices, a few big-int operations
per character of the wanted name, rarest characters first so that most names are out
after a few.  What a call costs then grows slowly with the number of names (each
operation reads one bit per name), and otherwise with how many names really come close:
those rapidfuzz must still score (a broken embed among thousands of pasted images).

A group is indexed once hints have read its names ``BUILD_AFTER`` times over (about
what indexing costs), and never when it is small, so a run with a few broken links (a
pre-commit run) and a small vault index nothing and read buckets whole, as before.
"""

from __future__ import annotations

import functools
import itertools
import math
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence

from rapidfuzz import fuzz, process

#: The lowest similarity ratio (0-100) a hint may have.
MIN_SCORE = 80
#: How far below the best score so far the later searches cut off.  Not closer: rapidfuzz
#: (3.14) turns a cutoff into a whole edit distance and can drop a name that ties when the
#: cutoff sits a hair below its score; a lower score that gets through only loses the comparison.
TIE = 0.5
#: A group of names is indexed once hints have read this many times as many of its names
#: as it holds: indexing a name costs about as much as rapidfuzz reading it that often
#: (3-4 µs against 0.07-0.08 µs, measured with bench/bench_hints.py's names), so a run pays
#: at most twice what it would have paid knowing in advance how many hints come, and a
#: run with a few broken links (a pre-commit run) indexes nothing.
BUILD_AFTER = 48
#: A smaller group is never indexed: reading its buckets costs less than the few dozen
#: big-int operations of a count (about 25 µs).
SMALL_GROUP = 1024
#: A group of names is not indexed when its index would need more bits than this (8 MB):
#: a group of many long names in a script with thousands of characters (CJK) is read whole.
MAX_INDEX_BITS = 1 << 26
#: The names a group may still offer are counted again when the cutoff has risen this much
#: since (a better name was found): a name that scores 95 leaves out the many that score 80.
RECOUNT_AFTER = 1.0

Bucket = tuple[int, int, str]  # (length, 0 for the first character or -1 for the last, that character)
Allowance = tuple[tuple[int, int], ...]  # (length, how many occurrences its names may miss), ...
BucketNames = Callable[[Bucket, float], Sequence[str]]  # (bucket, cutoff) -> names that may reach it

_DIGIT_VALUES = bytes.maketrans(b"01", b"\x00\x01")


def _search(wanted: str, bucket_names: BucketNames) -> str | None:
    """The closest name to ``wanted`` (lower-cased, not empty) in the buckets ``bucket_names`` gives.

    Nearest lengths first.  Once a name scores, a length whose best possible ratio
    (200 * shorter / (sum of both)) falls below that score cannot win and is skipped,
    and the other buckets need only match the score: the winner is the same as when
    every bucket is searched, because ties go to the smaller name in any order.
    """
    size = len(wanted)
    slack = max(2, size // 4)
    best: tuple[float, str] | None = None
    for length in sorted(range(size - slack, size + slack + 1), key=lambda n: abs(n - size)):
        if best is not None and length > 0 and 200 * min(size, length) / (size + length) < best[0] - TIE:
            continue
        for end in (0, -1):
            cutoff = MIN_SCORE if best is None else best[0] - TIE
            names = bucket_names((length, end, wanted[end]), cutoff)
            if not names:
                continue
            found = process.extractOne(wanted, names, scorer=fuzz.ratio, score_cutoff=cutoff)
            if found is not None and (best is None or (-found[1], found[0]) < (-best[0], best[1])):
                best = (found[1], found[0])
    return best[1] if best else None


def occurrences(text: str) -> list[str]:
    """Each character of ``text`` repeated as often as it has occurred so far: ``"abba"`` ->
    ``a, b, bb, aa``.  A name has the occurrence ``"bb"`` when it has at least two ``b``."""
    seen: dict[str, int] = {}
    result = []
    for char in text:
        count = seen[char] = seen.get(char, 0) + 1
        result.append(char * count)
    return result


def min_common(cutoff: float, la: int, lb: int) -> int:
    """The shortest common subsequence with which names of these lengths can score ``cutoff``.

    ``200 * lcs / (la + lb) >= cutoff``, with the cutoff lowered by a margin far wider
    than a float's rounding: the filter may keep a name too many, never one too few.
    """
    return math.ceil((cutoff - 0.01) * (la + lb) / 200)


class _EndGroup:
    """The names with one first (or one last) character: a bucket of the search per length.

    Once indexed (:meth:`build_index`), also, for each character occurrence, the set
    of the names lacking it, as an int with bit ``i`` for the ``i``-th name of
    :attr:`names` (the buckets one after the other, shortest names first).
    """

    __slots__ = ("names", "buckets", "starts", "scanned", "lacking", "having_count", "start_counts")

    def __init__(self, names: list[str]) -> None:
        self.names = sorted(names, key=len)  # stable: vault order within a length
        self.buckets: dict[int, list[str]] = {}
        self.starts: dict[int, int] = {}  # length -> the position of its first name
        for position, name in enumerate(self.names):
            if len(name) not in self.starts:
                self.starts[len(name)] = position
            self.buckets.setdefault(len(name), []).append(name)
        self.scanned = 0  # names read whole by hints while not indexed
        self.lacking: dict[str, int] | None = None  # None: not indexed
        self.having_count: dict[str, int] = {}
        self.start_counts: dict[Allowance, tuple[tuple[int, ...], int]] = {}  # cache of _start_counts

    def build_index(self) -> None:
        """Index the names, unless the index would take more than ``MAX_INDEX_BITS``."""
        count = len(self.names)
        positions: defaultdict[str, list[int]] = defaultdict(list)
        for number, name in enumerate(self.names):
            bit = count - 1 - number  # int(digits, 2) reads the last digit as bit 0
            seen: dict[str, int] = {}
            for char in name:  # occurrences(name), inlined: this loop is most of the build
                times = seen[char] = seen.get(char, 0) + 1
                positions[char * times if times > 1 else char].append(bit)
        if len(positions) * count > MAX_INDEX_BITS:
            self.scanned = -sys.maxsize  # never again: the names stay read whole
            return
        lacking = {}
        for occurrence, found in positions.items():
            digits = bytearray(b"1" * count)
            for bit in found:
                digits[bit] = 48  # "0": this name has it
            lacking[occurrence] = int(digits, 2)
        self.having_count = {occurrence: len(found) for occurrence, found in positions.items()}
        self.lacking = lacking

    def range_of(self, lengths: Iterable[int]) -> int:
        """The names of these lengths, as bits."""
        bits = 0
        for length in lengths:
            bucket = self.buckets.get(length)
            if bucket:
                bits |= ((1 << len(bucket)) - 1) << self.starts[length]
        return bits

    def _start_counts(self, allowed: Allowance) -> tuple[tuple[int, ...], int]:
        """The bit slices of the biased counts before any occurrence is counted, and the names over from the start."""
        width = max(most for _, most in allowed).bit_length()
        slices = [0] * width
        by_bias: dict[int, list[int]] = {}
        for length, most in allowed:
            by_bias.setdefault((1 << width) - 1 - most, []).append(length)
        for bias, lengths in by_bias.items():
            bits = self.range_of(lengths)
            for j in range(width):
                if bias >> j & 1:
                    slices[j] |= bits
        full = (1 << len(self.names)) - 1
        return tuple(slices), full ^ self.range_of(length for length, _ in allowed)

    def sharing(self, lacking: Mapping[str, int], wanted: Sequence[str], allowed: Allowance) -> int:
        """The names that miss at most ``most`` of the ``wanted`` character occurrences, for each
        ``(length, most)`` of ``allowed``; the other lengths are left out.  ``wanted`` rarest
        first is fastest.

        Counts the occurrences each name misses, for all the names at once, in bit
        slices: ``slices[j]`` holds bit ``j`` of every name's count.  Each count starts
        at a bias chosen so that the name overflows into ``over`` as soon as it misses
        one occurrence more than its length allows.
        """
        full = (1 << len(self.names)) - 1
        start = self.start_counts.get(allowed)
        if start is None:
            if len(self.start_counts) >= 32:  # a few ints as big as the group each: keep the usual ones
                self.start_counts.clear()
            start = self.start_counts[allowed] = self._start_counts(allowed)
        slices, over = list(start[0]), start[1]
        if over == full:
            return 0
        for occurrence in wanted:
            carry = lacking.get(occurrence, full)  # the names that miss it
            if not carry:
                continue
            for j, bits in enumerate(slices):
                slices[j], carry = bits ^ carry, bits & carry
                if not carry:
                    break
            else:
                over |= carry
                if over == full:
                    return 0
        return full ^ over

    def select(self, digits: str, length: int) -> list[str]:
        """The names of ``length`` chosen by ``digits`` (digit ``i``: the ``i``-th name), in vault order;
        the whole bucket when nearly all of it is chosen (a superset changes no answer)."""
        bucket = self.buckets.get(length)
        if not bucket:
            return []
        start = self.starts[length]
        chosen = digits[start : start + len(bucket)]  # may stop short: no name chosen beyond
        many = chosen.count("1")
        if many * 4 > len(bucket) * 3:  # nearly all: rapidfuzz reads the others faster than we leave them out
            return bucket
        if many * 16 > len(bucket):  # one pass in C over the whole bucket
            return list(itertools.compress(bucket, chosen.encode().translate(_DIGIT_VALUES)))
        picked = []
        at = chosen.find("1")
        while at >= 0:
            picked.append(bucket[at])
            at = chosen.find("1", at + 1)
        return picked


@functools.lru_cache(maxsize=4096)
def _allowed_misses(size: int, cutoff: float) -> Allowance:
    """Per name length, how many of the character occurrences of a wanted name of ``size``
    characters a name may miss and still reach ``cutoff``; the lengths the search compares
    where no name can reach it are left out."""
    slack = max(2, size // 4)
    allowed = []
    for length in range(max(1, size - slack), size + slack + 1):
        common = min_common(cutoff, size, length)
        if common <= min(size, length):
            allowed.append((length, size - common))
    return tuple(allowed)


class NameIndex:
    """The names of a vault, lower-cased and in vault order, for the "did you mean" search."""

    def __init__(self, names: Iterable[str]) -> None:
        self._by_end: dict[int, dict[str, list[str]]] = {0: {}, -1: {}}
        for name in names:
            if name:
                self._by_end[0].setdefault(name[0], []).append(name)
                self._by_end[-1].setdefault(name[-1], []).append(name)
        self._groups: dict[tuple[int, str], _EndGroup] = {}

    def _group(self, end: int, char: str) -> _EndGroup | None:
        group = self._groups.get((end, char))
        if group is None:
            names = self._by_end[end].pop(char, None)  # the group keeps them from now on
            if names is None:
                return None
            group = self._groups[end, char] = _EndGroup(names)
        return group

    def closest(self, wanted: str) -> str | None:
        """The closest name to ``wanted`` (lower-cased, not empty), or ``None``."""
        if not wanted:
            return None
        size = len(wanted)
        wanted_occurrences = occurrences(wanted)
        rarest_first: dict[int, list[str]] = {}  # end -> the occurrences, fewest names having them first
        counted: dict[int, tuple[float, str]] = {}  # end -> (cutoff, the names that may reach it, as digits)

        def bucket_names(key: Bucket, cutoff: float) -> Sequence[str]:
            length, end, char = key
            group = self._group(end, char)
            if group is None:
                return ()
            size_of_group = len(group.names)
            if group.lacking is None and size_of_group >= SMALL_GROUP and group.scanned >= BUILD_AFTER * size_of_group:
                group.build_index()
            lacking = group.lacking
            if lacking is None:
                bucket = group.buckets.get(length, ())
                group.scanned += len(bucket)
                return bucket
            if end not in rarest_first:
                having = group.having_count
                rarest_first[end] = sorted(wanted_occurrences, key=lambda occurrence: having.get(occurrence, 0))
            # Counted once for all the lengths of the group, and again when a better name
            # found since has raised the cutoff enough to leave out many more names.
            if end not in counted or cutoff >= counted[end][0] + RECOUNT_AFTER:
                allowed = _allowed_misses(size, cutoff)
                chosen = group.sharing(lacking, rarest_first[end], allowed) if allowed else 0
                # As digits, lowest bit first: each bucket is then a slice, not a shift of a big int.
                counted[end] = (cutoff, bin(chosen)[:1:-1] if chosen else "")
            return group.select(counted[end][1], length)

        return _search(wanted, bucket_names)
