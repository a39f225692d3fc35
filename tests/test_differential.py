"""The fast parser gives exactly what plain markdown-it-py gives (issue 12).

``parse_note`` has two paths: the fast one (rule dispatch by character, inline
blocks without anything we look for skipped, no inline tokens kept; see
``syntax/dispatch.py``) and the plain one (markdown-it-py's own rule loops on
every inline block).  Here both parse every fixture, notes of every corpus in
``../shared/corpora`` and generated notes, and must give equal ``Note`` objects:
links, embeds, tags, headings, block ids, URLs, comments, spans, all of it.  On
whole vaults the diagnostics of a run with each path must be equal too.

The corpora hold about 25,000 notes (110 MB): parsing all of them twice takes
minutes, so by default a deterministic sample is parsed (every note whose path
hashes into the first 1/``STRIDE`` of the range, plus every note of the small
corpora).  ``VAULTLINT_DIFFERENTIAL=all`` checks every note.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import random
import re
from pathlib import Path

import pytest
from helpers import FIXTURES, SHARED, run

import vaultlint.syntax.note as note_module
from vaultlint.syntax.note import NestingTooDeep, parse_note

CORPORA = SHARED / "corpora"
#: One note in STRIDE of the large corpora is checked by default.
STRIDE = 16
#: Corpora below this size (bytes of Markdown) are checked whole.
SMALL_CORPUS = 1_500_000
EVERYTHING = os.environ.get("VAULTLINT_DIFFERENTIAL") == "all"


def assert_same_note(path: str, text: str) -> None:
    try:
        fast = parse_note(path, text)
    except NestingTooDeep as error:
        with pytest.raises(NestingTooDeep, match=re.escape(str(error))):
            parse_note(path, text, fast=False)
        return
    plain = parse_note(path, text, fast=False)
    if fast != plain:
        different = [f.name for f in dataclasses.fields(fast) if getattr(fast, f.name) != getattr(plain, f.name)]
        pytest.fail(f"{path}: fast and plain parsers differ in {different}")


def _markdown_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.md") if not any(part.startswith(".") for part in p.relative_to(root).parts))


def _sampled(root: Path) -> list[Path]:
    files = _markdown_files(root)
    if EVERYTHING or sum(p.stat().st_size for p in files) <= SMALL_CORPUS:
        return files
    # Stable across runs and machines: decided by the note's path in the corpus alone.
    return [p for p in files if hashlib.sha1(p.relative_to(root).as_posix().encode()).digest()[0] < 256 // STRIDE]


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # VL001 for the engine; nothing to parse


# -- fixtures -------------------------------------------------------------------


def test_fixture_notes_parse_the_same():
    files = _markdown_files(FIXTURES)
    assert files
    for path in files:
        assert_same_note(path.name, path.read_text(encoding="utf-8"))


# -- corpora ---------------------------------------------------------------------

CORPUS_NAMES = sorted(p.name for p in CORPORA.iterdir() if p.is_dir()) if CORPORA.is_dir() else []


@pytest.mark.skipif(not CORPUS_NAMES, reason="../shared/corpora is not present")
@pytest.mark.parametrize("corpus", CORPUS_NAMES)
def test_corpus_notes_parse_the_same(corpus):
    root = CORPORA / corpus
    checked = 0
    for path in _sampled(root):
        text = _read(path)
        if text is not None:
            assert_same_note(path.relative_to(root).as_posix(), text)
            checked += 1
    assert checked > 0


@functools.cache
def _diagnostics(root: Path, fast: bool) -> list[tuple]:
    original = note_module.parse_note
    if not fast:
        note_module.parse_note = functools.partial(original, fast=False)
    try:
        report = run(root, jobs=1, use_cache=False)
    finally:
        note_module.parse_note = original
    return [(d.path, d.span, d.code, d.message, d.hint) for d in report.diagnostics]


#: Whole vaults linted with each parser (the small corpora; the fixtures).
DIAGNOSTIC_VAULTS = [FIXTURES / "demo-vault"] + [
    CORPORA / name for name in ("kepano-vault", "obsidian-starter-vault", "rpg-east") if (CORPORA / name).is_dir()
]


@pytest.mark.parametrize("root", DIAGNOSTIC_VAULTS, ids=lambda p: p.name)
def test_diagnostics_are_the_same_with_either_parser(root):
    fast = _diagnostics(root, True)
    assert fast  # each of these vaults has problems to find
    assert fast == _diagnostics(root, False)


# -- generated notes ------------------------------------------------------------

_INLINE = [
    "[[Note]]",
    "[[Note|alias]]",
    "[[Note#Heading]]",
    "[[Note#^abc]]",
    "![[img.png|100]]",
    "![[Note#Part]]",
    "[[ ]]",
    "[[#]]",
    "[[a[[b]]",
    "\\[[x]]",
    "[t](Other%20Note.md)",
    "[t](<Note with space.md>)",
    '[t](Note.md "title")',
    "[a](My Note.md)",
    "![alt [[X]]](img.png)",
    "[]()",
    "[x]( )",
    "[ref][id]",
    "<https://example.invalid/a>",
    "https://example.invalid/x?y=1).",
    "http: nothing",
    "mailto:a@b.c",
    "#tag",
    "#tag/sub",
    "#123",
    "word#nottag",
    "**b**#tag",
    "^blockid",
    "word^x",
    "%%comment [[C]]%%",
    "%% unclosed",
    "<!-- html [[H]] -->",
    "`code [[K]]`",
    "``a ` b``",
    "$x [[M]]$",
    "$$y$$",
    "*em* _em_ ~~del~~",
    "&amp; &#91;",
    "<span>[[S]]</span>",
    "^[inline [[F]] footnote]",
    "[^1]",
    "[[[[deep]]",
    "[[x]]^id",
    "www.example.invalid",
    "a\\",
    "[",
    "]]",
    "![",
    "\t",
    "é ü 日本",
]
_LINE_PREFIX = ["", "", "", "- ", "  - ", "1. ", "> ", "> > ", "> [!note] ", "# ", "### ", "    ", "| ", "- [ ] "]
_BLOCKS = [
    "```\n[[InFence]]\n```",
    "~~~md\n#notatag\n~~~",
    "%%\nblock [[Comment]]\n%%",
    "$$\n[[Math]]\n$$",
    "| a | b |\n|---|---|\n| [[X\\|al]] | #t |",
    "> | a |\n> |---|\n> | [[Q]] |",
    "<div>\n[[Html]]\n</div>",
    "[id]: https://example.invalid/ref",
    "[^1]: footnote [[Foot]]",
    "Setext [[S]]\n===",
    "---",
    "***",
    "^standalone",
]


def generated_note(rng: random.Random) -> str:
    """A note of random Obsidian-flavoured lines and blocks; no meaning, every construct."""
    parts = []
    if rng.random() < 0.3:
        parts.append('---\ntags: [a, b]\nup: "[[Up]]"\n---')
    for _ in range(rng.randint(1, 14)):
        if rng.random() < 0.2:
            parts.append(rng.choice(_BLOCKS))
            continue
        words = [
            rng.choice(_INLINE) if rng.random() < 0.5 else rng.choice(["word", "text", "x", ""])
            for _ in range(rng.randint(1, 8))
        ]
        separator = rng.choice([" ", " ", "", "\n", "  \n"])
        parts.append(rng.choice(_LINE_PREFIX) + separator.join(words))
    return rng.choice(["\n", "\n\n", "\r\n"]).join(parts) + rng.choice(["", "\n"])


def test_generated_notes_parse_the_same():
    rng = random.Random(12)
    for index in range(1500):
        assert_same_note(f"gen-{index}.md", generated_note(rng))


def test_generated_deep_nesting_parses_the_same():
    for depth in (9, 10, 11, 20, 21, 40, 59, 60, 118, 119, 130):
        assert_same_note("lists.md", "".join("  " * i + f"- item [[L{i}]]\n" for i in range(depth)))
        assert_same_note("quotes.md", ">" * depth + " deep [[Q]]\n")


def test_notes_from_the_fuzzing_strategies_parse_the_same():
    """When the fuzzing harness (tests/fuzz/strategies.py) is present, its notes too."""
    hypothesis = pytest.importorskip("hypothesis")
    strategies = pytest.importorskip("fuzz.strategies")
    strategy = getattr(strategies, "notes", None) or getattr(strategies, "note_texts", None)
    if strategy is None:
        pytest.skip("tests/fuzz/strategies.py has no 'notes' strategy")
    note_strategy = strategy() if callable(strategy) else strategy

    @hypothesis.settings(max_examples=300, deadline=None, derandomize=True)
    @hypothesis.given(note_strategy)
    def check(text):
        if isinstance(text, str):
            assert_same_note("fuzz.md", text)

    check()
