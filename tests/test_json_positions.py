"""The JSON position mapper behind canvas diagnostics: values and string characters back to raw offsets."""

from __future__ import annotations

import json

import pytest

from vaultlint.syntax.json_positions import LineIndex, string_char_offsets, value_offsets

DOCUMENT = (
    '{"nodes": [ {"id":"a","text":"x\\n\\"[[B]]\\ud83d\\ude00\\u00e9é"}, [], {} ],\n "e": -1.5e3, "t": true, "n":null}'
)


def test_every_value_is_found_at_its_offsets():
    offsets = value_offsets(DOCUMENT)
    spans = {path: DOCUMENT[start:end] for path, (start, end) in offsets.items()}
    assert spans[("nodes", 0, "id")] == '"a"'
    assert spans[("nodes", 0, "text")].startswith('"x\\n') and spans[("nodes", 0, "text")].endswith('é"')
    assert spans[("nodes", 1)] == "[]"
    assert spans[("nodes", 2)] == "{}"
    assert spans[("e",)] == "-1.5e3"
    assert spans[("t",)] == "true"
    assert spans[("n",)] == "null"
    assert spans[()] == DOCUMENT


def test_each_decoded_character_maps_to_its_escape_in_the_raw_text():
    start = value_offsets(DOCUMENT)[("nodes", 0, "text")][0]
    decoded = json.loads(DOCUMENT)["nodes"][0]["text"]
    offsets = string_char_offsets(DOCUMENT, start)
    assert len(offsets) == len(decoded) + 1  # plus the closing quote
    raw = [DOCUMENT[offset : offset + 2] for offset in offsets]
    assert raw[:4] == ["x\\", "\\n", '\\"', "[["]
    assert decoded[8] == "😀" and DOCUMENT[offsets[8] : offsets[9]] == "\\ud83d\\ude00"  # a pair: one character
    assert decoded[9] == "é" and DOCUMENT[offsets[9] : offsets[10]] == "\\u00e9"
    assert decoded[10] == "é" and DOCUMENT[offsets[10] : offsets[11]] == "é"
    assert DOCUMENT[offsets[-1]] == '"'


def test_a_key_given_twice_keeps_the_last_value_as_json_does():
    text = '{"a": 1, "a": "second"}'
    assert json.loads(text)["a"] == "second"
    start, end = value_offsets(text)[("a",)]
    assert text[start:end] == '"second"'


def test_deep_nesting_does_not_overflow_the_stack():
    depth = 3000  # beyond the interpreter's recursion limit
    text = "[" * depth + "]" * depth
    offsets = value_offsets(text)
    assert offsets[()] == (0, 2 * depth)


@pytest.mark.parametrize(("offset", "position"), [(0, (1, 1)), (3, (1, 4)), (4, (2, 1)), (6, (3, 1))])
def test_line_index(offset, position):
    assert LineIndex("abc\nd\nef").position(offset) == position


def test_a_depth_limit_keeps_the_short_paths_exactly_and_steps_over_the_rest():
    document = '{"nodes": [{"id": "a", "deep": [[["]]}", {"k": "[{"}]]], "text": "t"}], "e": [1, [2]]}'
    everything = value_offsets(document)
    limited = value_offsets(document, max_depth=3)
    assert limited == {path: where for path, where in everything.items() if len(path) <= 3}
    start, end = limited[("nodes", 0, "deep")]
    assert document[start:end] == '[[["]]}", {"k": "[{"}]]]'  # brackets inside strings do not count


def test_a_deeply_nested_canvas_value_costs_its_length_not_length_times_depth(tmp_path):
    """Reproduction (issue 16, case 9): a 2 MB canvas nested 900 deep with a million numbers
    took 34 s and 7.3 GB, a full JSON path kept per number.  Run as a user runs it, in a
    process with 1 GiB of address space and 60 s of CPU, so the old cost cannot hurt the machine."""
    from helpers import check_in_subprocess, write_vault

    numbers = ",".join(["1"] * 1_000_000)
    extra = "[" * 900 + numbers + "]" * 900
    canvas = (
        '{"nodes":[{"id":"a","type":"text","text":"[[Missing]]","x":0,"y":0,"width":1,"height":1,'
        f'"extra":{extra}}}],"edges":[]}}'
    )
    root = write_vault(tmp_path / "v", {"Board.canvas": canvas})

    done, cpu = check_in_subprocess(root, address_space=1 << 30, cpu_seconds=60)
    assert done.returncode == 1, done.stderr
    assert 'Board.canvas:1:43: LK001 unresolved link "Missing"' in done.stdout
    assert cpu < 10  # about 0.5 s here; 34 s before


def test_a_depth_limit_agrees_with_the_full_walk_on_generated_documents():
    import random

    generator = random.Random(16)
    strings = ['"]"', '"[{"', '"\\"]"', '"a\\\\"', '"\\u005d"', '"}}"']

    def value(depth: int) -> object:
        kind = generator.randrange(4 if depth < 6 else 1)
        if kind == 0:
            return generator.choice([1, -2.5, True, None, "x", "]}", '"[', "\\"])
        if kind == 1:
            return [value(depth + 1) for _ in range(generator.randrange(4))]
        return {generator.choice(["a", "b", "[", "}"]): value(depth + 1) for _ in range(generator.randrange(4))}

    for _ in range(300):
        text = json.dumps(value(0), indent=generator.choice([None, 1]))
        if generator.random() < 0.3:
            text = text.replace('"x"', generator.choice(strings))
        everything = value_offsets(text)
        for depth in range(4):
            limited = value_offsets(text, max_depth=depth)
            assert limited == {path: where for path, where in everything.items() if len(path) <= depth}, text
