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
