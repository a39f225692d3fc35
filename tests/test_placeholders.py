"""allow-placeholders: bare wikilinks to notes not written yet are not problems; typos still are."""

from __future__ import annotations

import json

from helpers import run, write_vault

from vaultlint.cli import main
from vaultlint.placeholders import is_placeholder_link, max_edits, squeeze
from vaultlint.syntax.note import parse_note

NOTES = {
    "Machine Learning.md": "# ML\n",
    "Zettelkasten Method.md": "---\naliases: [Slip Box]\n---\n# Z\n",
    "img.png": b"\x89PNG",
    "Home.md": (
        "[[Later Idea]] [[Later Idea|an alias]] [[Dr. Who]] [[Chapter 1.2]]\n"  # placeholders
        "![[Later Idea]] [[folder/Later Idea]] [[Later Idea.pdf]] [[Later Idea#Heading]] [[Later Idea#^block]]\n"
        "[md](Later%20Idea) \n"  # reported: embed, folder, extension, heading, block, Markdown
        "[[machine-learning]] [[Zettelkasten Methdo]] [[slipbox]]\n"  # near misses: typos
    ),
    "Other.md": "---\nup: '[[Later Idea]]'\n---\n[[Later Idea]] [[Another Plan]]\n",  # property: reported
}


def config(root, allow: bool) -> None:
    (root / ".vaultlint.toml").write_text(f"allow-placeholders = {'true' if allow else 'false'}\n")


def test_only_bare_wikilinks_that_are_not_near_misses_become_placeholders(tmp_path):
    root = write_vault(tmp_path / "v", NOTES)
    report = run(root, select=["LK001", "LK002"], allow_placeholders=True)
    found = [(d.path, d.span.line, d.message) for d in report.diagnostics]
    assert found == [
        ("Home.md", 2, 'missing embed "Later Idea"'),
        ("Home.md", 2, 'unresolved link "folder/Later Idea"'),
        ("Home.md", 2, 'unresolved link "Later Idea.pdf"'),
        ("Home.md", 2, 'unresolved link "Later Idea"'),  # #Heading
        ("Home.md", 2, 'unresolved link "Later Idea"'),  # #^block
        ("Home.md", 3, 'unresolved link "Later Idea"'),  # Markdown link
        ("Home.md", 4, 'unresolved link "machine-learning"'),
        ("Home.md", 4, 'unresolved link "Zettelkasten Methdo"'),
        ("Home.md", 4, 'unresolved link "slipbox"'),
        ("Other.md", 2, 'unresolved link "Later Idea" in property "up"'),
    ]
    hints = {d.message: d.hint for d in report.diagnostics if d.span.line == 4}
    assert hints['unresolved link "machine-learning"'] == (
        '"machine-learning" is not a note, but "Machine Learning" is: a typo? Link it as [[Machine Learning]]'
    )
    assert '"Zettelkasten Method"' in hints['unresolved link "Zettelkasten Methdo"']
    assert hints['unresolved link "slipbox"'] == (
        '"slipbox" is not a note, but "Slip Box" is an alias of "Zettelkasten Method" '
        "(aliases are not link targets): link it as [[Zettelkasten Method|slipbox]]"
    )


def test_the_near_miss_hint_reads_sensibly_when_both_names_are_the_same_word(tmp_path):
    """Issue 17.8: ``not a note, but nearly "Phosphorus"`` for a link to the alias itself."""
    notes = {
        "P (element).md": "---\naliases: [Phosphorus, Light Bearer]\n---\n",
        "Home.md": "[[Phosphorus]] [[phosphorus]] [[Light-bearer]] [[Ligth Bearer]]\n",
    }
    report = run(write_vault(tmp_path / "v", notes), select=["LK001"], allow_placeholders=True)
    hints = [d.hint for d in report.diagnostics]
    tail = " (aliases are not link targets): link it as [[P (element)|{}]]"
    assert hints == [
        '"Phosphorus" is not a note but an alias of "P (element)"' + tail.format("Phosphorus"),
        '"phosphorus" is not a note but an alias of "P (element)"' + tail.format("phosphorus"),
        '"Light-bearer" is not a note, but "Light Bearer" is an alias of "P (element)"' + tail.format("Light-bearer"),
        '"Ligth Bearer" is not a note, but nearly "Light Bearer", an alias of "P (element)"'
        + tail.format("Ligth Bearer"),
    ]


def test_default_off_every_unresolved_link_is_reported(tmp_path):
    root = write_vault(tmp_path / "v", NOTES)
    on = run(root, select=["LK001"], allow_placeholders=True).diagnostics
    off = run(root, select=["LK001"]).diagnostics
    assert len(off) == len(on) + 6  # Later Idea x2 (Home), Dr. Who, Chapter 1.2, Later Idea and Another Plan (Other)


def test_the_config_key_and_the_placeholders_command(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {**NOTES, "Third.md": "[[Another Plan]] [[another plan]]\n"})
    config(root, True)
    main(["check", "--offline", "--no-cache", "--select", "LK001", "--output-format", "concise", str(root)])
    out = capsys.readouterr().out
    assert "Dr. Who" not in out and "machine-learning" in out
    config(root, False)
    main(["check", "--offline", "--no-cache", "--select", "LK001", "--output-format", "concise", str(root)])
    assert "Dr. Who" in capsys.readouterr().out

    assert main(["placeholders", "--no-cache", str(root)]) == 0
    assert capsys.readouterr().out == (
        "     2  Another Plan\n     2  Later Idea\n     1  Chapter 1.2\n     1  Dr. Who\n4 placeholders\n"
    )
    # issue 17.8: the same listing for a program
    assert main(["placeholders", "--no-cache", "--output-format", "json", str(root)]) == 0
    assert json.loads(capsys.readouterr().out) == [
        {"name": "Another Plan", "notes": 2},
        {"name": "Later Idea", "notes": 2},
        {"name": "Chapter 1.2", "notes": 1},
        {"name": "Dr. Who", "notes": 1},
    ]


def test_placeholder_names_are_printed_inert(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"Home.md": "[[Plan \x1b[2J x]]\n"})
    config(root, True)
    for output_format in ("text", "json"):
        assert main(["placeholders", "--no-cache", "--output-format", output_format, str(root)]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "Plan \\x1b[2J x" in out.replace("\\\\", "\\")


def test_what_counts_as_a_bare_wikilink():
    note = parse_note("a.md", "[[A]] [[A|b]] [[a/b]] [[A.png]] [[A#h]] ![[A]] [[v1.2]] [[Dr. X]] [x](A)\n")
    assert [is_placeholder_link(link) for link in note.links] == [
        True,
        True,
        False,
        False,
        False,
        False,
        True,
        True,
        False,
    ]


def test_near_miss_thresholds():
    assert squeeze("Machine-Learning!") == squeeze("machine learning") == "machinelearning"
    assert [max_edits(squeeze(n)) for n in ("Cat", "Launched", "Zettelkasten Method")] == [0, 1, 1]


def test_different_words_are_not_typos(tmp_path):
    """A changed letter, a different number or a symbol makes another name, not a typo."""
    root = write_vault(
        tmp_path / "v",
        {
            "Intersection.md": "",
            "TLS 1.3.md": "",
            "Haskell.md": "",
            "Kruskal's Algorithm.md": "",
            "Home.md": "[[Interjection]] [[TLS 1.0]] [[Haskell +]] [[Kuskal's Algorithm]] [[Kruskals Algorithm]]\n",
        },
    )
    report = run(root, select=["LK001"], allow_placeholders=True)
    assert [d.message for d in report.diagnostics] == [
        'unresolved link "Kuskal\'s Algorithm"',  # a dropped letter
        'unresolved link "Kruskals Algorithm"',  # punctuation only
    ]
