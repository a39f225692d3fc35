"""Conformance on real vaults nobody on the team wrote (../shared/corpora, skipped when absent).

The official English help vault must give exactly the 6 LK001 of OBSIDIAN.md §13
and no other LK001-LK004.  For every corpus, the reviewed diagnostics themselves
are pinned in ``tests/corpora/<corpus>.tsv``, one per line, sorted::

    path:line:column<TAB>CODE<TAB>message

so that a change shows *which* findings moved, not only that a count did (trading
one real finding for a false one changes no count).  On a mismatch the test
prints the findings that appeared and those that went away.

To regenerate the files after a reviewed change::

    VAULTLINT_UPDATE_PINS=1 .venv/bin/python -m pytest -q tests/test_corpora.py -p no:cacheprovider

then read ``git diff tests/corpora`` finding by finding, and name in the commit
message every finding that moved and why.
"""

from __future__ import annotations

import functools
import os
from collections import Counter
from pathlib import Path

import pytest
from helpers import SHARED, found, run

from vaultlint.model import Diagnostic

CORPORA = SHARED / "corpora"
PINS = Path(__file__).resolve().parent / "corpora"
UPDATE_PINS = os.environ.get("VAULTLINT_UPDATE_PINS") == "1"
#: Lines of each kind shown when a pin does not match (the counts are always shown).
SHOWN = 60

needs_corpora = pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not present")


@needs_corpora
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


# Each is a vault root (the help vault holds one vault per language).  Reviewed by
# hand; the translated help vaults by sampling: their LK003/LK004 are links kept in
# one language to headings (or ids) that the translation renamed; their TG001 are
# the Tags page's own examples (#tag, #TAG, #Tag), real tags.  pkmer-docs' FN003:
# the folders "css 片段" and "CSS 片段" both exist (one folder on macOS and Windows).
# yoshi-zettelkasten's note with a PDF dump (NUL bytes in a code block) is read:
# [[Hex Editor]] and [[qpdf]] in it are unresolved.
CORPUS_ROOTS = (
    "kepano-vault",
    "obsidian-help/Sandbox",
    "obsidian-help/ar",
    "obsidian-help/de",
    "obsidian-help/en",
    "obsidian-help/es",
    "obsidian-help/fr",
    "obsidian-help/he",
    "obsidian-help/ja",
    "obsidian-help/ko",
    "obsidian-help/ru",
    "obsidian-help/zh",
    "obsidian-hub",
    "obsidian-starter-vault",
    "pkmer-docs",
    "rpg-east",
    "yoshi-zettelkasten",
)


def pin_line(diagnostic: Diagnostic) -> str:
    """One finding as a line of a pin file: where, which rule, what it says (no hint)."""
    message = diagnostic.message.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return f"{diagnostic.path}:{diagnostic.span.line}:{diagnostic.span.column}\t{diagnostic.code}\t{message}"


def pin_file(corpus: str) -> Path:
    return PINS / (corpus.replace("/", "-") + ".tsv")


def moved_findings(pinned: list[str], now: list[str]) -> str:
    """A readable account of what differs between the pinned and the current findings."""
    gone = sorted((Counter(pinned) - Counter(now)).elements())
    new = sorted((Counter(now) - Counter(pinned)).elements())
    codes = sorted({line.split("\t")[1] for line in gone + new})
    lines = [f"{len(new)} new and {len(gone)} gone findings ({', '.join(codes)}):"]
    for sign, changed in (("+", new), ("-", gone)):
        lines += [f"  {sign} {line}" for line in changed[:SHOWN]]
        if len(changed) > SHOWN:
            lines.append(f"  {sign} ... and {len(changed) - SHOWN} more")
    return "\n".join(lines)


@needs_corpora
@pytest.mark.parametrize("corpus", CORPUS_ROOTS)
def test_corpus_gives_the_reviewed_diagnostics(corpus):
    root = CORPORA / corpus
    if not root.is_dir():
        pytest.skip(f"{corpus} is not in the corpora")
    now = sorted(pin_line(d) for d in _report(root).diagnostics)
    pins = pin_file(corpus)
    if UPDATE_PINS:
        pins.parent.mkdir(exist_ok=True)
        pins.write_text("".join(line + "\n" for line in now), encoding="utf-8")
        return
    if not pins.is_file():
        pytest.fail(f"no pinned findings for {corpus}: run with VAULTLINT_UPDATE_PINS=1 and review {pins.name}")
    pinned = pins.read_text(encoding="utf-8").splitlines()
    if now != pinned:
        pytest.fail(f"{corpus}: the findings moved from {pins.name}\n{moved_findings(pinned, now)}", pytrace=False)


def test_moved_findings_names_each_change():
    pinned = ['a.md:1:1\tLK001\tunresolved link "x"', 'b.md:2:3\tLK003\tno heading "H" in this note']
    now = ['a.md:1:1\tLK001\tunresolved link "y"', 'b.md:2:3\tLK003\tno heading "H" in this note']
    assert moved_findings(pinned, now) == (
        "1 new and 1 gone findings (LK001):\n"
        '  + a.md:1:1\tLK001\tunresolved link "y"\n'
        '  - a.md:1:1\tLK001\tunresolved link "x"'
    )


@needs_corpora
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
