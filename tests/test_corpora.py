"""Conformance on real vaults nobody on the team wrote (../shared/corpora, skipped when absent).

The official English help vault must give exactly the 6 LK001 of OBSIDIAN.md §13
and no other LK001-LK004.  For the other corpora every diagnostic was reviewed by
hand; the counts below pin that reviewed result so that a regression (a new
false positive, or a real problem no longer found) shows up as a failure.
"""

from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import pytest
from helpers import SHARED, found, run

CORPORA = SHARED / "corpora"
pytestmark = pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present")


def test_help_vault_has_exactly_the_six_documented_unresolved_links():
    root = CORPORA / "obsidian-help" / "en"
    report = run(root)
    internal = "Linking notes and files/Internal links.md"
    assert [d for d in found(report) if d[3] in ("LK001", "LK002", "LK003", "LK004")] == [
        (internal, 154, 29, "LK001"),
        (internal, 155, 37, "LK001"),
        (internal, 162, 40, "LK001"),
        (internal, 163, 49, "LK001"),
        (internal, 168, 42, "LK001"),
        (internal, 169, 51, "LK001"),
    ]
    assert report.files_checked == 173


@functools.cache
def _report(root: Path):
    return run(root)


def _counts(root: Path) -> dict[str, int]:
    return dict(sorted(Counter(d.code for d in _report(root).diagnostics).items()))


# Reviewed by hand (see the closing note of the core issue for what each is).
# The translated help vaults were reviewed by sampling: their LK003/LK004 are
# links kept in one language to headings (or ids) that the translation renamed;
# their TG001 are the Tags page's own examples (#tag, #TAG, #Tag), real tags.
EXPECTED = {
    "kepano-vault": {"FM007": 1, "LK001": 41},
    "obsidian-starter-vault": {"FM005": 4, "FM010": 22, "LK001": 1, "LK003": 9},
    "rpg-east": {"LK001": 6, "LK002": 1},
    "obsidian-help/Sandbox": {"LK004": 1, "LK006": 1},
    # FN003: the folders "css 片段" and "CSS 片段" both exist (one folder on macOS and Windows).
    "pkmer-docs": {
        "FM010": 26,
        "FN003": 1,
        "LK001": 83,
        "LK002": 7,
        "LK003": 2,
        "LK006": 1,
        "LK007": 3,
        "TG001": 7,
    },
    "obsidian-hub": {
        "FM001": 15,
        "FM010": 1,
        "LK001": 63,
        "LK002": 10,
        "LK003": 10,
        "LK006": 3,
        "LK007": 2,
        "LK008": 4,
        "TG001": 1,
    },
    # FN001: "Proving e^itheta = 1.md" and two "R^n" images.  The note with a PDF dump
    # (NUL bytes in a code block) is read now: its [[Hex Editor]] and [[qpdf]] are unresolved.
    "yoshi-zettelkasten": {"FM010": 2, "FN001": 3, "LK001": 2433, "LK002": 56, "LK003": 1, "LK006": 2},
    "obsidian-help/de": {"LK001": 11, "LK003": 37, "TG001": 3},
    "obsidian-help/es": {"LK001": 8, "LK003": 41, "TG001": 3},
    "obsidian-help/fr": {"LK001": 7, "LK003": 43, "TG001": 3},
    "obsidian-help/ja": {"LK001": 8, "LK003": 64},
    "obsidian-help/zh": {"LK001": 78, "LK002": 2, "LK003": 63, "TG001": 2},
    "obsidian-help/ko": {"LK001": 11, "LK003": 63, "TG001": 1},
    "obsidian-help/ru": {"LK001": 14, "LK003": 46, "TG001": 3},
    "obsidian-help/ar": {"LK001": 31, "LK003": 56, "LK004": 2, "TG001": 3},
    "obsidian-help/he": {"LK001": 22, "LK003": 45, "TG001": 2},
}


@pytest.mark.parametrize("corpus", sorted(EXPECTED))
def test_corpus_gives_the_reviewed_diagnostics(corpus):
    root = CORPORA / corpus
    if not root.is_dir():
        pytest.skip(f"{corpus} is not in the corpora")
    assert _counts(root) == EXPECTED[corpus]


def test_no_link_diagnostic_points_at_a_file_that_exists_by_name():
    """An independent cross-check: no LK001/LK002 target is an existing file name
    (when the link is a bare name, which Obsidian resolves by name alone)."""
    for corpus in ("yoshi-zettelkasten", "obsidian-hub", "pkmer-docs", "kepano-vault", "rpg-east"):
        root = CORPORA / corpus
        names = {
            p.name.lower()
            for p in root.rglob("*")
            if p.is_file() and not any(s.startswith(".") for s in p.relative_to(root).parts)
        }
        for diagnostic in _report(root).diagnostics:
            if diagnostic.code not in ("LK001", "LK002"):
                continue
            target = diagnostic.message.split('"')[1]
            if "/" in target or "\\" in target:
                continue
            lowered = target.lower()
            assert lowered not in names and lowered + ".md" not in names, (corpus, diagnostic)
