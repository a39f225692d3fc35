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
running cutoff for it: every call answers as before, ties included.  A crowded bucket
is read in parts instead (below), and the parts' answers are compared as rapidfuzz
compares names: the same answer again.

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
(:class:`_EndGroup`: the buckets of every length, shortest names first); its index
holds, per occurrence, the names lacking it as the bits of one int, and
:meth:`_EndGroup.sharing` counts the misses of all the names of the lengths the call
compares at once, in bit slices: a few big-int operations per character of the wanted
name, rarest characters first so that most names are out after a few.  What a call
costs then grows slowly with the number of names (each operation reads one bit per
name of those lengths), and otherwise with how many names really come close.

Where many names come close (a broken embed among thousands of pasted images that all
score 80 or more), rapidfuzz would still score them all to find the best.  Such a
bucket is read by the count the filter made, fewest misses first
(:func:`_first_best_by_misses`): a name missing ``e`` occurrences has at most
``la - e`` characters in common, so once a name scores, the names that miss more
than it could tie are never read.

Two more cuts keep the names read near those that matter.  Once a group is indexed, its
names in alphabetical order (from their shared end) give, by bisection, a few names that
look most like the wanted one; the best score among them is a floor the winner reaches, so
the count runs with a cutoff near the winner's score from the start (:meth:`NameIndex._floor`).
And a length's last-character bucket is read without the names of its first-character
bucket, read just before, where that cannot change the answer (``bucket_best`` in
:meth:`NameIndex.closest`): a broken embed among pasted images reads them once, not twice.

A group is indexed once hints have read its names ``BUILD_AFTER`` times over (a sixth of
what indexing costs: big vaults read their groups far more than that), and never when it
is small, so a run with a few broken links (a pre-commit run) and a small vault index
nothing and read buckets whole, as before.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import NamedTuple

from rapidfuzz import fuzz, process

#: The lowest similarity ratio (0-100) a hint may have.
MIN_SCORE = 80
#: How far below the best score so far the later searches cut off.  Not closer: rapidfuzz
#: (3.14) turns a cutoff into a whole edit distance and can drop a name that ties when the
#: cutoff sits a hair below its score; a lower score that gets through only loses the comparison.
TIE = 0.5
#: A group of names is indexed once hints have read this many times as many of its names
#: as it holds.  Indexing a name costs about as much as rapidfuzz reading it 48 times (3-4 µs
#: against 0.07-0.08 µs, measured with bench/bench_hints.py's names); waiting for 48 readings
#: would bound a run's cost at twice what knowing in advance how many hints come would cost,
#: but big vaults pay that bound: each of their groups is read far more than 48 times over
#: once indexed, so the readings before were a cost as large as the index itself (a run of
#: hints on 100,000 generated notes: 4.5 s with 48, 3.6 s with 8; 200,000: 12.4 s, 10.3 s).
#: A run that stops right after indexing pays more than needed, but at most the index of the
#: groups it read eight times over (tens of milliseconds for 10,000 names), and a run with a
#: few broken links (a pre-commit run) still indexes nothing.
BUILD_AFTER = 8
#: A smaller group is never indexed: reading its buckets costs less than the few dozen
#: big-int operations of a count (about 25 µs).
SMALL_GROUP = 1024
#: A group of names is not indexed when its index would need more bits than this (8 MB):
#: a group of many long names in a script with thousands of characters (CJK) is read whole.
MAX_INDEX_BITS = 1 << 26
#: A bucket with more names than this that may reach the cutoff is searched fewest misses
#: first (:func:`_first_best_by_misses`), not scored whole: a broken embed among thousands
#: of pasted images that all score 80 or more.
RANK_ABOVE = 128

#: How many names on each side of the wanted name's place in a group's alphabetical order
#: :meth:`NameIndex._floor` scores.
NEIGHBOURS = 2

Bucket = tuple[int, int, str]  # (length, 0 for the first character or -1 for the last, that character)
Allowance = tuple[tuple[int, int], ...]  # (length, how many occurrences its names may miss), ...
Found = tuple[str, float]  # (name, score)
BucketBest = Callable[[Bucket, float], "Found | None"]  # (bucket, cutoff) -> what extractOne finds there


class Chosen(NamedTuple):
    """What :meth:`_EndGroup.sharing` counted: the names that may reach the cutoff (bit ``i``
    of ``bits``: the group's ``first + i``-th name), every name's biased count of the
    occurrences it misses (``slices[j]``: bit ``j`` of each count) and the allowance counted for."""

    bits: int
    first: int
    slices: tuple[int, ...] = ()
    allowed: Allowance = ()


_DIGIT_VALUES = bytes.maketrans(b"01", b"\x00\x01")


def _extract(wanted: str, names: Sequence[str], cutoff: float) -> Found | None:
    """The first best of ``names`` scoring at least ``cutoff``, as rapidfuzz finds it."""
    found = process.extractOne(wanted, names, scorer=fuzz.ratio, score_cutoff=cutoff)
    return None if found is None else (found[0], found[1])


def _search(wanted: str, bucket_best: BucketBest, floor: float | None = None) -> str | None:
    """The closest name to ``wanted`` (lower-cased, not empty), from what ``bucket_best`` finds in
    each bucket: what ``process.extractOne`` finds among all the bucket's names.

    Nearest lengths first.  Once a name scores, a length whose best possible ratio
    (200 * shorter / (sum of both)) falls below that score cannot win and is skipped,
    and the other buckets need only match the score: the winner is the same as when
    every bucket is searched, because ties go to the smaller name in any order.

    ``floor``, if given, is the score of a name known to be in one of the
    buckets (:meth:`NameIndex._floor`): the winner scores at least that, so the search may
    start as if a name had already scored it.  Only the cutoffs and the lengths skipped
    change, never the names compared: a bucket's first best name scoring ``floor`` or more
    is found as before, and one scoring less loses to the bucket of the known name.
    """
    size = len(wanted)
    slack = max(2, size // 4)
    best: tuple[float, str] | None = None
    beat = floor  # the score the winner is known to reach: the floor, or the best so far if higher
    for length in sorted(range(size - slack, size + slack + 1), key=lambda n: abs(n - size)):
        if beat is not None and length > 0 and 200 * min(size, length) / (size + length) < beat - TIE:
            continue
        for end in (0, -1):
            cutoff = MIN_SCORE if beat is None else beat - TIE
            found = bucket_best((length, end, wanted[end]), cutoff)
            if found is not None and (best is None or (-found[1], found[0]) < (-best[0], best[1])):
                best = (found[1], found[0])
                beat = found[1] if beat is None else max(beat, found[1])
    return best[1] if best else None


def _reversed(name: str) -> str:
    return name[::-1]


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

    __slots__ = (
        "names",
        "end",
        "buckets",
        "starts",
        "scanned",
        "lacking",
        "having_count",
        "start_counts",
        "sorted",
        "first_chars",
    )

    def __init__(self, names: list[str], end: int = 0) -> None:
        self.names = sorted(names, key=len)  # stable: vault order within a length
        self.end = end
        self.buckets: dict[int, list[str]] = {}
        self.starts: dict[int, int] = {}  # length -> the position of its first name
        for position, name in enumerate(self.names):
            if len(name) not in self.starts:
                self.starts[len(name)] = position
            self.buckets.setdefault(len(name), []).append(name)
        self.scanned = 0  # names read whole by hints while not indexed
        self.lacking: dict[str, int] | None = None  # None: not indexed
        self.having_count: dict[str, int] = {}
        self.start_counts: dict[Allowance, tuple[tuple[int, ...], int, int, int]] = {}  # cache of _start_counts
        #: Once indexed, the names in alphabetical order, read from their shared end (the
        #: last-character group's names from the last character): :meth:`NameIndex._floor`
        #: looks a name up there.  The names themselves, not reversed copies: memory.
        self.sorted: list[str] | None = None
        self.first_chars: dict[tuple[int, str], int] = {}  # cache of starting_with

    def build_index(self) -> None:
        """Index the names, unless the index would take more than ``MAX_INDEX_BITS``."""
        self.sorted = sorted(self.names) if self.end == 0 else sorted(self.names, key=_reversed)
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

    def starting_with(self, length: int, char: str) -> int:
        """The names of ``length`` starting with ``char``, as bits of the bucket (made once)."""
        key = (length, char)
        bits = self.first_chars.get(key)
        if bits is None:
            bucket = self.buckets.get(length, ())
            digits = "".join("1" if name[0] == char else "0" for name in reversed(bucket))
            bits = self.first_chars[key] = int(digits or "0", 2)
        return bits

    def window(self, lengths: Iterable[int]) -> tuple[int, int]:
        """The positions ``[first, end)`` of the names of these lengths and of the lengths between
        (the names are sorted by length); ``(0, 0)`` when the group has none."""
        present = [length for length in lengths if length in self.starts]
        if not present:
            return 0, 0
        longest = max(present)
        return self.starts[min(present)], self.starts[longest] + len(self.buckets[longest])

    def range_of(self, lengths: Iterable[int], first: int = 0) -> int:
        """The names of these lengths, as bits counted from the ``first``-th name (at or before them)."""
        bits = 0
        for length in lengths:
            bucket = self.buckets.get(length)
            if bucket:
                bits |= ((1 << len(bucket)) - 1) << (self.starts[length] - first)
        return bits

    def _start_counts(self, allowed: Allowance) -> tuple[tuple[int, ...], int, int, int]:
        """The bit slices of the biased counts before any occurrence is counted, the names over
        from the start, and the window of names counted (:meth:`window`), as bits from its first."""
        first, end = self.window(length for length, _ in allowed)
        width = max(most for _, most in allowed).bit_length()
        slices = [0] * width
        by_bias: dict[int, list[int]] = {}
        for length, most in allowed:
            by_bias.setdefault((1 << width) - 1 - most, []).append(length)
        for bias, lengths in by_bias.items():
            bits = self.range_of(lengths, first)
            for j in range(width):
                if bias >> j & 1:
                    slices[j] |= bits
        full = (1 << (end - first)) - 1
        return tuple(slices), full ^ self.range_of((length for length, _ in allowed), first), first, end

    def sharing(self, lacking: Mapping[str, int], wanted: Sequence[str], allowed: Allowance) -> Chosen:
        """The names that miss at most ``most`` of the ``wanted`` character occurrences, for each
        ``(length, most)`` of ``allowed``; the other lengths are left out.  ``wanted`` rarest
        first is fastest.

        Counts the occurrences each name misses, for all the names at once, in bit
        slices: ``slices[j]`` holds bit ``j`` of every name's count.  Each count starts
        at a bias chosen so that the name overflows into ``over`` as soon as it misses
        one occurrence more than its length allows.  Only the window of the allowed
        lengths is counted (each ``lacking`` int cut down to it first): a big group's
        names of other lengths would otherwise cost every operation their bits.
        """
        start = self.start_counts.get(allowed)
        if start is None:
            if len(self.start_counts) >= 32:  # a few ints as big as the group each: keep the usual ones
                self.start_counts.clear()
            start = self.start_counts[allowed] = self._start_counts(allowed)
        slices, over = list(start[0]), start[1]
        first, end = start[2], start[3]
        full = (1 << (end - first)) - 1
        if over == full:
            return Chosen(0, first)
        below_end = (1 << end) - 1  # "&" first: it reads only the shorter int's digits
        for occurrence in wanted:
            missing = lacking.get(occurrence)
            carry = full if missing is None else (missing & below_end) >> first  # the names that miss it
            if not carry:
                continue
            for j, bits in enumerate(slices):
                slices[j], carry = bits ^ carry, bits & carry
                if not carry:
                    break
            else:
                over |= carry
                if over == full:
                    return Chosen(0, first)
        return Chosen(full ^ over, first, tuple(slices), allowed)

    def by_misses(self, chosen: Chosen, length: int, most: int) -> Iterator[tuple[int, int]]:
        """The chosen names of ``length`` that miss at most ``most`` occurrences, by how many they
        miss, fewest first: ``(misses, names as bits of the bucket)``, bit ``i`` for its ``i``-th name."""
        counted_most = dict(chosen.allowed).get(length)
        start = self.starts.get(length, -1) - chosen.first
        if counted_most is None or start < 0 or not chosen.bits:  # no name of that length chosen
            return
        mask = (1 << len(self.buckets[length])) - 1
        value = (1 << len(chosen.slices)) - 1 - counted_most  # the biased count of no miss (see _start_counts)
        slices = [(bits >> start) & mask for bits in chosen.slices]
        here = (chosen.bits >> start) & mask
        for misses in range(min(most, counted_most) + 1):
            names = here
            for j, bits in enumerate(slices):
                names &= bits if (value + misses) >> j & 1 else ~bits
                if not names:
                    break
            yield misses, names


def picked(bucket: Sequence[str], bits: int) -> tuple[list[str], list[int]]:
    """The names of ``bucket`` that ``bits`` chooses (bit ``i``: its ``i``-th name), in its order, and their numbers."""
    digits = bin(bits)[:1:-1]  # lowest bit first
    if bits.bit_count() * 16 > len(digits):  # many: one pass in C
        flags = digits.encode().translate(_DIGIT_VALUES)
        numbers = list(itertools.compress(range(len(digits)), flags))
        return list(itertools.compress(bucket, flags)), numbers
    numbers = []
    at = digits.find("1")
    while at >= 0:
        numbers.append(at)
        at = digits.find("1", at + 1)
    return [bucket[number] for number in numbers], numbers


def _first_best_by_misses(
    wanted: str, bucket: Sequence[str], levels: Iterable[tuple[int, int]], cutoff: float
) -> Found | None:
    """What ``process.extractOne`` finds among all of ``bucket`` (names of one length), read
    level by level of the character occurrences of ``wanted`` its names miss, fewest first.

    A name missing ``e`` of them has at most ``len(wanted) - e`` characters in common with
    it: a level whose names cannot reach the best so far ends the search, and one whose
    names can at most tie it is read only before the best name (the first best in bucket
    order wins).  Every name that could be extractOne's answer is read, and the levels'
    winners are compared as extractOne would: higher score, then earlier in the bucket.
    Each level is read with the cutoff at least half a point under the best score so far
    (:data:`TIE`: rapidfuzz's rounding of a cutoff a hair below a score cannot drop a tie;
    a name that scores less and gets through only loses the comparison).
    """
    size, length = len(wanted), len(bucket[0])
    best: tuple[float, int, str] | None = None  # (score, number in the bucket, name)
    best_common = 0
    for misses, names in levels:
        if best is not None:
            if size - misses < best_common:
                break
            if size - misses == best_common:
                names &= (1 << best[1]) - 1
        if not names:
            continue
        level_names, numbers = picked(bucket, names)
        level_cutoff = cutoff if best is None else max(cutoff, best[0] - TIE)
        found = process.extractOne(wanted, level_names, scorer=fuzz.ratio, score_cutoff=level_cutoff)
        if found is None:
            continue
        name, score, at = found
        if best is None or score > best[0] or (score == best[0] and numbers[at] < best[1]):
            best = (score, numbers[at], name)
            best_common = round(score * (size + length) / 200)
    return None if best is None else (best[2], best[0])


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
            group = self._groups[end, char] = _EndGroup(names, end)
        return group

    def closest(self, wanted: str) -> str | None:
        """The closest name to ``wanted`` (lower-cased, not empty), or ``None``."""
        if not wanted:
            return None
        size = len(wanted)
        wanted_occurrences = occurrences(wanted)
        rarest_first: dict[int, list[str]] = {}  # end -> the occurrences, fewest names having them first
        counted: dict[int, Chosen] = {}  # end -> the names that may reach the first cutoff, with their counts

        first_found: dict[int, Found | None] = {}  # length -> what its first-character bucket gave

        def bucket_best(key: Bucket, cutoff: float) -> Found | None:
            """What extractOne finds in the bucket; in a last-character bucket, read without the
            names of the first-character bucket of that length where that gives the same answer.

            _search reads the first-character bucket of a length just before the last-character
            one, with a cutoff no higher, and both read a length's names in vault order.  The
            names in both (first character ``wanted[0]``) that are left out: if the first bucket
            found nothing, none of them reached its cutoff.  If it found ``W`` (score ``S``),
            none scores above ``S`` and those scoring ``S`` come after ``W``, so when ``W`` is
            in this bucket too, this bucket's answer is either ``W`` (already compared: no
            change) or a name outside the first bucket.  The rest read without them find that
            name when it scores above ``S``; a name found scoring ``S`` or less may come after
            ``W``, so the bucket is then read whole, as before (rare: names scoring as well as
            ``W`` outside its bucket)."""
            length, end, char = key
            if end == 0:
                found = first_found[length] = bucket_best_in(key, cutoff)
                return found
            seen = first_found.get(length, ())
            if seen is None:
                return bucket_best_in(key, cutoff, wanted[0])
            if seen and seen[0][-1] == char:
                found = bucket_best_in(key, cutoff, wanted[0])
                if found is None or found[1] >= seen[1] + TIE:
                    return found
            return bucket_best_in(key, cutoff)

        def bucket_best_in(key: Bucket, cutoff: float, without: str | None = None) -> Found | None:
            """What extractOne finds in the bucket (without the names starting with ``without``:
            an indexed group may leave them out, or not)."""
            length, end, char = key
            group = self._group(end, char)
            if group is None:
                return None
            bucket = group.buckets.get(length)
            if not bucket:
                return None
            size_of_group = len(group.names)
            if group.lacking is None and size_of_group >= SMALL_GROUP and group.scanned >= BUILD_AFTER * size_of_group:
                group.build_index()
            lacking = group.lacking
            if lacking is None:
                group.scanned += len(bucket)
                return _extract(wanted, bucket, cutoff)
            if end not in rarest_first:
                having = group.having_count
                rarest_first[end] = sorted(wanted_occurrences, key=lambda occurrence: having.get(occurrence, 0))
            # Counted once for all the lengths of the group: when a better name found since has
            # raised the cutoff, the counts kept say which names may still reach it.
            if end not in counted:
                allowed = _allowed_misses(size, cutoff)
                counted[end] = group.sharing(lacking, rarest_first[end], allowed) if allowed else Chosen(0, 0)
            chosen = counted[end]
            start = group.starts[length] - chosen.first
            if start < 0:  # before the window counted: no name of this length can reach the cutoff
                return None
            names = (chosen.bits >> start) & ((1 << len(bucket)) - 1)
            if without is not None and names:
                names &= ~group.starting_with(length, without)
            if not names:
                return None
            common = min_common(cutoff, size, length)
            if common > min(size, length):
                return None
            many = names.bit_count()
            if many * 4 > len(bucket) * 3 and many <= RANK_ABOVE:  # nearly all: rapidfuzz reads the rest faster
                return _extract(wanted, bucket, cutoff)
            if many <= RANK_ABOVE:
                return _extract(wanted, picked(bucket, names)[0], cutoff)
            levels = ((misses, level & names) for misses, level in group.by_misses(chosen, length, size - common))
            return _first_best_by_misses(wanted, bucket, levels, cutoff)

        return _search(wanted, bucket_best, self._floor(wanted))

    def _floor(self, wanted: str) -> float | None:
        """The best score of a few names the search will compare that look most like ``wanted``
        (those next to it in the alphabetical order of an indexed group: sharing its start, or
        its end), if one reaches ``MIN_SCORE``.  Found by bisection, in time that does not grow
        with the vault; the search then counts with a cutoff near the winner's score, which
        leaves far fewer lengths and names to count (:func:`_search` says why the answer is the
        same).  Every name looked at shares the first (or the last) character of ``wanted`` and
        has a length the search compares: the search is sure to find a name of that score."""
        size = len(wanted)
        slack = max(2, size // 4)
        best: float | None = None
        for end in (0, -1):
            group = self._groups.get((end, wanted[end]))
            if group is None or group.sorted is None:
                continue
            if end == 0:
                at = bisect.bisect_left(group.sorted, wanted)
            else:
                at = bisect.bisect_left(group.sorted, wanted[::-1], key=_reversed)
            for name in group.sorted[max(0, at - NEIGHBOURS) : at + NEIGHBOURS]:
                if abs(len(name) - size) <= slack:
                    score = fuzz.ratio(wanted, name)
                    if score >= MIN_SCORE and (best is None or score > best):
                        best = score
        return best
