"""The indexed "did you mean" search (vaultlint.hints) gives exactly the answers of the search
it replaced (tests/hints_reference.py), tie order included: on the names of every corpus
(../shared/corpora, skipped when absent) and on generated names.

Each comparison runs three ways: every group of names indexed from the first hint, none
ever indexed (the names read whole, as a run with few broken links does), and the default
policy, where a group is indexed part way through the hints.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import SHARED
from hints_reference import ReferenceNames
from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from vaultlint import hints
from vaultlint.context import LintContext
from vaultlint.hints import NameIndex, min_common, occurrences
from vaultlint.vault import scan_vault

CORPORA = SHARED / "corpora"

#: (BUILD_AFTER, SMALL_GROUP, RANK_ABOVE): index every group at once, never index, index part
#: way through the hints (the default policy, for groups of any size), index at once and read
#: every bucket fewest misses first.
BUILD_MODES = {
    "indexed": (0, 0, hints.RANK_ABOVE),
    "scanned": (10**12, 10**12, hints.RANK_ABOVE),
    "part-way": (hints.BUILD_AFTER, 0, hints.RANK_ABOVE),
    "by-misses": (0, 0, 0),
}


def set_build_mode(mode: str) -> None:
    hints.BUILD_AFTER, hints.SMALL_GROUP, hints.RANK_ABOVE = BUILD_MODES[mode]


def saved_mode() -> tuple[int, int, int]:
    return hints.BUILD_AFTER, hints.SMALL_GROUP, hints.RANK_ABOVE


@pytest.fixture(params=list(BUILD_MODES))
def build_mode(request):
    saved = saved_mode()
    set_build_mode(request.param)
    yield request.param
    hints.BUILD_AFTER, hints.SMALL_GROUP, hints.RANK_ABOVE = saved


def assert_same_answers(names: list[str], queries: list[str]) -> int:
    """The index and the reference agree on every query; returns how many queries found a name."""
    reference = ReferenceNames(names)
    index = NameIndex(names)
    mismatches = []
    found = 0
    for wanted in queries:
        expected = reference.close_name(wanted)
        got = index.closest(wanted)
        found += expected is not None
        if got != expected:
            mismatches.append((wanted, expected, got))
    assert not mismatches, f"{len(mismatches)} of {len(queries)} differ, e.g. {mismatches[:5]}"
    return found


# -- queries made from names -------------------------------------------------------------------

_EXTRA = "abcdefghijklmnopqrstuvwxyz0123456789 -_.éüñøßαβγжд日本語笔记🌱"


def mutations(name: str, rng: random.Random) -> Iterator[str]:
    """Typos of ``name``: a character deleted, inserted, replaced, two swapped, both ends
    changed, a word dropped or repeated, the name cut short or extended."""
    n = len(name)
    i = rng.randrange(n)
    yield name[:i] + name[i + 1 :]
    yield name[:i] + rng.choice(_EXTRA) + name[i:]
    yield name[:i] + rng.choice(_EXTRA) + name[i + 1 :]
    if n > 1:
        j = rng.randrange(n - 1)
        yield name[:j] + name[j + 1] + name[j] + name[j + 2 :]
        yield rng.choice(_EXTRA) + name[1:-1] + rng.choice(_EXTRA)
    words = name.split(" ")
    if len(words) > 1:
        k = rng.randrange(len(words))
        yield " ".join(words[:k] + words[k + 1 :])
        yield " ".join(words[: k + 1] + words[k:])
        yield " ".join(reversed(words))
    yield name[: max(1, n * 3 // 4)]
    yield name + rng.choice([" 2", "s", " notes", ".md", "x"])


def queries_for(names: list[str], rng: random.Random, count: int) -> list[str]:
    """``count`` names of the list and typos of them, plus names that are nowhere near."""
    picked = rng.sample(names, min(count, len(names)))
    result = list(picked[: count // 10])  # the name itself: a score of 100
    for name in picked:
        result.extend(m for m in mutations(name, rng) if m)
    result.extend("".join(rng.choice(_EXTRA) for _ in range(rng.randint(1, 30))) for _ in range(count // 10))
    return result


# -- the corpora -------------------------------------------------------------------------------


def corpus_roots() -> list[Path]:
    if not CORPORA.is_dir():
        return []
    roots = []
    for entry in sorted(CORPORA.iterdir()):
        if entry.name == "obsidian-help":  # one vault per language
            roots.extend(sorted(p for p in entry.iterdir() if p.is_dir()))
        elif entry.is_dir():
            roots.append(entry)
    return roots


def hint_names(root: Path, attachments: bool) -> list[str]:
    """The lower-cased names hints choose from, in vault order, as the linter makes them."""
    context = LintContext(scan_vault(root), loader=None, property_types={})  # type: ignore[arg-type]
    return list(context._hint_names()[attachments])


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present")
@pytest.mark.parametrize("root", corpus_roots(), ids=lambda p: str(p.relative_to(CORPORA)))
@pytest.mark.parametrize("attachments", [False, True], ids=["notes", "attachments"])
def test_same_hints_as_before_on_the_corpora(root, attachments, build_mode):
    names = hint_names(root, attachments)
    rng = random.Random(f"{root.name}-{attachments}")
    assert_same_answers(names, queries_for(names, rng, 300))


# -- generated names ---------------------------------------------------------------------------

_WORDS = (
    "note meeting project daily review idea draft plan graph theory cache index summary "
    "café über naïve résumé ελληνικά москва 日本語 メモ 笔记 한국어 🗂️ 📚 2023-01-05 v1.2 README"
).split()


def generated_names(rng: random.Random, count: int) -> list[str]:
    """Names like a vault's, and the awkward ones: one or two characters, hundreds of
    characters, runs of one character, many names sharing a prefix or a suffix, every
    script, names in NFD, near duplicates of each other."""
    names: list[str] = []
    for _ in range(count):
        kind = rng.random()
        if kind < 0.35:
            name = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 4)))
        elif kind < 0.5:
            name = f"{rng.choice(_WORDS)} {rng.randint(1, 9999)}"  # shared prefixes
        elif kind < 0.6:
            name = f"pasted image 2023{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999999):06d}.png"
        elif kind < 0.7:
            name = "".join(rng.choice("ab") for _ in range(rng.randint(1, 3)))  # very short
        elif kind < 0.75:
            name = "".join(rng.choice(_EXTRA) for _ in range(rng.randint(100, 250)))  # very long
        elif kind < 0.8:
            name = rng.choice("aeo") * rng.randint(1, 12) + rng.choice(["", "b", "bb"])  # runs
        elif kind < 0.85:
            name = unicodedata.normalize("NFD", rng.choice(_WORDS))
        elif names:
            name = next(iter(mutations(rng.choice(names), rng)), "") or "x"  # near duplicates
        else:
            name = "x"
        names.append(name.lower())
    return list(dict.fromkeys(names))  # the linter's names are distinct


@pytest.mark.parametrize("seed", range(6))
def test_same_hints_as_before_on_generated_names(seed, build_mode):
    rng = random.Random(seed)
    names = generated_names(rng, 3000)
    queries = queries_for(names, rng, 400)
    queries += ["a", "b", "ab", "ba", "zz", "aaaaaaaaaaaa", "pasted image 209912345678.png", "x" * 300]
    assert assert_same_answers(names, queries) > len(queries) // 4  # enough that score


def test_ties_go_to_the_first_of_a_bucket_and_to_the_smaller_name_across_buckets(build_mode):
    # Every name scores 80 against "abcde" (one character changed).  "abcdx" and "abcdy"
    # share the first character: the first in vault order wins within that bucket, even
    # though "abcdx" is smaller.  "xbcde" is in the last-character bucket only and ties
    # with the first bucket's winner: the smaller of the two wins.
    names = ["abcdy", "abcdx", "zbcde", "ybcde"]
    for mode in BUILD_MODES:
        set_build_mode(mode)
        assert NameIndex(names).closest("abcde") == ReferenceNames(names).close_name("abcde") == "abcdy"
        reordered = ["ybcde", "zbcde", "abcdy", "abcdx"]
        assert NameIndex(reordered).closest("abcde") == "abcdy"
        assert NameIndex(["zbcde", "ybcde"]).closest("abcde") == "zbcde"  # first of its bucket
        # Asked again, an indexed group's alphabetical neighbours set the floor first
        # ("abcdx", "ybcde": 80), and the answers stay the first of a bucket, not the neighbour.
        for order, expected in ((names, "abcdy"), (["zbcde", "ybcde"], "zbcde")):
            index = NameIndex(order)
            assert [index.closest("abcde") for _ in range(3)] == [expected] * 3
        # "abxde" is in both buckets of length 5 and wins the first; "_bcde" ties it in the
        # last-character bucket and is the smaller name, but only wins when it comes first
        # there: the last bucket, read without the first bucket's names, must not pass it off
        # as that bucket's answer.
        for order, expected in ((["abxde", "_bcde"], "abxde"), (["_bcde", "abxde"], "_bcde")):
            assert ReferenceNames(order).close_name("abcde") == expected
            index = NameIndex(order)
            assert [index.closest("abcde") for _ in range(3)] == [expected] * 3


def test_a_group_too_big_to_index_is_read_whole(monkeypatch):
    monkeypatch.setattr(hints, "BUILD_AFTER", 0)
    monkeypatch.setattr(hints, "SMALL_GROUP", 0)
    monkeypatch.setattr(hints, "MAX_INDEX_BITS", 1)
    rng = random.Random(7)
    names = generated_names(rng, 500)
    assert_same_answers(names, queries_for(names, rng, 100))


# Small alphabets make ties, shared prefixes and near misses common.
_small_names = st.text(alphabet="ab c1é", min_size=1, max_size=12)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(names=st.lists(_small_names, min_size=1, max_size=200, unique=True), wanted=_small_names)
def test_same_hints_as_before_on_any_small_names(names, wanted):
    saved = saved_mode()
    try:
        for mode in BUILD_MODES:
            set_build_mode(mode)
            index = NameIndex(names)
            for _ in range(2):  # the second call may use the index the first one built
                assert index.closest(wanted) == ReferenceNames(names).close_name(wanted)
    finally:
        hints.BUILD_AFTER, hints.SMALL_GROUP, hints.RANK_ABOVE = saved


# -- the filter's parts ------------------------------------------------------------------------


def test_occurrences_count_each_character():
    assert occurrences("abba") == ["a", "b", "bb", "aa"]
    assert occurrences("") == []


@settings(max_examples=500, deadline=None, derandomize=True)
@given(a=_small_names, b=_small_names, cutoff=st.sampled_from([79.5, 80, 85.25, 90, 99.5, 100]))
def test_the_character_count_bound_never_rules_out_a_name_that_scores(a, b, cutoff):
    # The filter's promise: a name scoring at least the cutoff has at least min_common of
    # the wanted name's character occurrences.
    if fuzz.ratio(a, b) >= cutoff:
        shared = sum((Counter(a) & Counter(b)).values())
        assert shared >= min_common(cutoff, len(a), len(b))


@settings(max_examples=200, deadline=None, derandomize=True)
@given(
    names=st.lists(st.text(alphabet="abc", min_size=1, max_size=9), min_size=1, max_size=70, unique=True),
    wanted=st.text(alphabet="abcd", min_size=1, max_size=9),
)
@example(  # a bucket of five nearly all chosen
    names=["a", "b", "aa", "aaa", "aaaa", "aaaaa", "aaaaaaaaa", "aaaaaaaab", "aaaaaaaba", "aaaaaabaa", "abbbbbbbb"],
    wanted="aaa",
)
def test_the_bit_sliced_count_is_the_plain_count(names, wanted):
    # _EndGroup.sharing counts, for every name at once, the occurrences it misses; here
    # against the same count made one name at a time, for every allowance a length can get.
    group = hints._EndGroup(names)
    group.build_index()
    assert group.lacking is not None
    rng = random.Random(len(names))
    allowed = tuple((length, rng.randint(0, len(wanted))) for length in range(1, 10) if rng.random() < 0.8)
    if not allowed:
        return
    counted = group.sharing(group.lacking, occurrences(wanted), allowed)
    chosen = [name for number, name in enumerate(group.names) if counted.bits << counted.first >> number & 1]
    expected = []
    for name in group.names:
        missed = len(occurrences(wanted)) - sum((Counter(wanted) & Counter(name)).values())
        if missed <= dict(allowed).get(len(name), -1):
            expected.append(name)
    assert chosen == expected
    # by_misses() sorts each length's chosen names by their count, and picked() gives the
    # names of a level in vault order, with their numbers in the bucket.
    plain_misses = {name: len(occurrences(wanted)) - sum((Counter(wanted) & Counter(name)).values()) for name in chosen}
    for length, bucket in group.buckets.items():
        if length not in dict(allowed):
            continue
        for misses, bits in group.by_misses(counted, length, len(wanted)):
            names, numbers = hints.picked(bucket, bits)
            assert names == [name for name in bucket if plain_misses.get(name) == misses]
            assert [bucket[number] for number in numbers] == names


@pytest.fixture
def scored(monkeypatch) -> list[int]:
    """How many names each rapidfuzz call of the search is given, every group indexed at once."""
    counts: list[int] = []

    class CountingProcess:
        @staticmethod
        def extractOne(wanted, choices, **options):
            counts.append(len(choices))
            return process.extractOne(wanted, choices, **options)

    monkeypatch.setattr(hints, "process", CountingProcess)
    monkeypatch.setattr(hints, "BUILD_AFTER", 0)
    monkeypatch.setattr(hints, "SMALL_GROUP", 0)
    return counts


def test_a_crowded_bucket_is_read_only_where_a_name_could_still_win(monkeypatch, scored):
    # Thousands of pasted images of one length, many within reach of 80: read fewest misses
    # first, the names that could neither beat nor tie the best are never scored.  Answers
    # alone cannot show this (reading every level gives them too), so count what rapidfuzz
    # is given, with and without the ranked read, on the same queries.
    rng = random.Random(3)
    names = [f"pasted image 2023{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{i:06d}.png" for i in range(4000)]
    queries = [f"pasted image 2099{rng.randint(0, 99999999):08d}.png" for _ in range(20)]
    reference = ReferenceNames(names)
    monkeypatch.setattr(hints, "NEIGHBOURS", 0)  # the ranked read alone (the floor cuts both)
    ranked = hints.RANK_ABOVE
    totals = {}
    for rank_above in (10**9, ranked):
        monkeypatch.setattr(hints, "RANK_ABOVE", rank_above)
        scored.clear()
        index = NameIndex(names)
        assert [index.closest(q) for q in queries] == [reference.close_name(q) for q in queries]
        totals[rank_above] = sum(scored)
    assert totals[ranked] * 3 < totals[10**9], totals


def test_a_neighbours_score_cuts_what_is_counted_and_read(monkeypatch, scored):
    # Typos of names among thousands: the names next to a typo in a group's alphabetical
    # order (sharing its start or its end) usually include the name it was typed for, so
    # the search starts with a cutoff near the winner's score.  The same answers, with
    # fewer names handed to rapidfuzz than when every search starts from 80.
    rng = random.Random(5)
    words = _WORDS[:12]
    names = list(dict.fromkeys(f"{rng.choice(words)} {rng.choice(words)} {rng.randint(1, 999)}" for _ in range(4000)))
    queries = []
    for name in rng.sample(names, 40):
        at = rng.randrange(len(name))
        queries.append(name[:at] + rng.choice("xyz") + name[at + 1 :])
    reference = ReferenceNames(names)
    totals = {}
    for neighbours in (0, hints.NEIGHBOURS):
        monkeypatch.setattr(hints, "NEIGHBOURS", neighbours)
        index = NameIndex(names)
        index.closest(queries[0])  # indexes the groups it reads
        scored.clear()
        assert [index.closest(q) for q in queries] == [reference.close_name(q) for q in queries]
        totals[neighbours] = sum(scored)
    assert totals[hints.NEIGHBOURS] * 2 < totals[0], totals
