"""Bases and notes built to waste time cost time in proportion to their size (issue 16, case 9).

CPU time, not wall time (the machine may be busy), with a wide margin both ways:
each bound is several times what the fixed code takes and several times less
than what the reproduction took before.
"""

from __future__ import annotations

import time

from helpers import write_vault

from vaultlint.cli import main
from vaultlint.syntax.bases import parse_base
from vaultlint.syntax.note import parse_note


def _aliased_formulas(count: int, size: int) -> str:
    unit = 'formula.x + link("N") + file.inFolder("F") + '
    expression = (unit * (size // len(unit) + 1))[:size].rsplit(" + ", 1)[0]
    lines = ["formulas:", f"  f0: &e '{expression}'"] + [f"  f{i}: *e" for i in range(1, count)]
    return "\n".join(lines) + "\n"


def test_formulas_that_alias_one_expression_read_it_once():
    """Reproduction: 2,000 formulas aliasing one 38 KB expression took 19 s and 1.1 GB."""
    once = parse_base("One.base", _aliased_formulas(1, 38_000))
    started = time.process_time()
    many = parse_base("Many.base", _aliased_formulas(2_000, 38_000))
    assert time.process_time() - started < 3  # about 0.1 s here; 24 s before
    # The same expression says the same once, however many formulas alias it.
    assert len(many.problems) == len(once.problems) > 0
    assert len(many.base_references) == len(once.base_references) > 0


def test_formulas_that_alias_one_expression_still_count_as_defined(tmp_path, capsys):
    base = "formulas:\n  a: &e 'formula.b + 1'\n  b: *e\nviews:\n  - type: table\n    order: [formula.a, formula.b, formula.c]\n"
    root = write_vault(tmp_path / "v", {"Aliases.base": base})
    code = main(["check", "--offline", "--no-cache", "--output-format", "concise", str(root)])
    out = capsys.readouterr().out
    assert code == 1
    assert out.count("BS002") == 1 and 'formula "c" is used but never defined' in out


def test_a_line_of_unclosed_embeds_is_parsed_in_linear_time():
    """Reproduction: a 3 MB note of unclosed ``![[`` took 80 s in markdown-it's link-label scan.

    Checked as a ratio to a reference of the same length that never opens a label,
    and with an absolute bound, on a tenth of the size (the old cost was linear
    with 60 us per ``![[``: 6 s for these 300 KB, now about 0.5 s).
    """
    count = 100_000
    started = time.process_time()
    note = parse_note("Embeds.md", "![[" * count)
    embeds = time.process_time() - started
    started = time.process_time()
    parse_note("Plain.md", "!a[" * count)
    reference = time.process_time() - started
    assert note.links == ()
    assert embeds < 2.5
    assert embeds < 10 * max(reference, 0.05)


def test_an_unclosed_label_before_real_links_changes_nothing():
    text = "![[ [a](b.md) ![[c]] [d](<e f.md>) ![x](y.png) [[g|h]] ^[note ![[i]]]\n"
    found = [(link.kind.value, link.path) for link in parse_note("a.md", text).links]
    assert found == [
        ("markdown", "b.md"),
        ("embed", "c"),
        ("markdown", "e f.md"),
        ("markdown-image", "y.png"),
        ("wikilink", "g"),
        ("embed", "i"),
    ]


def test_saying_no_to_a_label_without_a_closing_bracket_changes_no_parse(monkeypatch):
    """The shortcut gives markdown-it's own answer: generated lines of brackets, parsed with it
    and without it (markdown-it's full label scan), find the same links, embeds and problems."""
    import random

    from vaultlint.syntax import mdlinks

    pieces = ["[", "]", "![", "[[", "]]", "![[", "(", ")", "a", " ", "^[", "`", "\n", "<x>", "\\]", "#t", "](b)", "|"]
    generator = random.Random(16)
    texts = ["".join(generator.choice(pieces) for _ in range(generator.randint(1, 60))) for _ in range(1500)]

    def parsed(text: str) -> tuple[object, ...]:
        note = parse_note("a.md", text)
        return note.links, note.empty_links, note.raw_space_links, note.tags, note.urls

    with_shortcut = [parsed(text) for text in texts]
    monkeypatch.setattr(mdlinks, "label_can_close", lambda state, start: True)
    without = [parsed(text) for text in texts]
    assert with_shortcut == without
    assert sum(bool(found[0]) for found in without) > 100  # the lines do hold links
