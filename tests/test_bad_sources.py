"""Canvases and bases that are broken on purpose: a diagnostic, never a traceback or a hang."""

from __future__ import annotations

import json

import pytest
from helpers import write_vault

from vaultlint.cli import main

GEOMETRY = '"x":0,"y":0,"width":1,"height":1'


@pytest.mark.parametrize(
    ("name", "content", "codes"),
    [
        ("deep.canvas", "[" * 100_000 + "]" * 100_000, ["CV001"]),
        ("deep.base", "a: " + "[" * 600 + "]" * 600, ["BS001"]),
        # Half of a UTF-16 pair, escaped: valid JSON, but no output can print it as it is.
        ("half.canvas", '{"nodes":[{"id":"a","type":"text","text":"[[x\\ud800y]]",' + GEOMETRY + "}]}", ["LK001"]),
        ("half.base", '"\\ud800": 1\n', ["BS001"]),
        ("binary.canvas", b"\x00\x01\x02\x03" * 100, ["VL001"]),
        ("latin1.base", "views: caf\xe9\n".encode("latin-1"), ["VL001"]),
    ],
)
def test_broken_sources_give_diagnostics(tmp_path, capsys, name, content, codes):
    root = write_vault(tmp_path / "v", {name: content})
    code = main(["check", "--offline", "--no-cache", "--output-format", "json", str(root)])
    out, err = capsys.readouterr()
    assert code == 1 and "internal error" not in err, err
    assert [d["code"] for d in json.loads(out)] == codes


@pytest.mark.parametrize("output_format", ["full", "sarif", "github", "junit"])
def test_replaced_surrogates_print_in_every_format(tmp_path, capsys, output_format):
    files = {
        "half.canvas": '{"nodes":[{"id":"a","type":"file","file":"x\\udfffy.md",' + GEOMETRY + "}]}",
        "half.base": 'views:\n  - type: table\n    order:\n      - "\\udc00x"\n',
    }
    root = write_vault(tmp_path / "v", files)
    code = main(["check", "--offline", "--no-cache", "--output-format", output_format, str(root)])
    out, err = capsys.readouterr()
    assert code == 1 and "internal error" not in err, err
    assert "\ufffd" in out


def test_a_base_of_nested_aliases_is_read_in_bounded_time():
    """Nine aliases of nine aliases of ...: a billion references in a few hundred bytes."""
    import time

    from vaultlint.syntax.bases import parse_base

    lines = ["      - &a0 [formula.x, formula.y]"]
    lines += [f"      - &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    document = "formulas:\n  x: '1'\nviews:\n  - type: table\n    sort:\n" + "\n".join(lines)
    document += "\n    filters:\n      and: *a9\n"
    document += "".join("  - {type: table, sort: *a9, filters: {or: *a9}, order: *a9}\n" for _ in range(50))
    started = time.monotonic()
    note = parse_base("Aliases.base", document)
    assert time.monotonic() - started < 5
    assert [p.message for p in note.problems] == ['formula "y" is used but never defined']
