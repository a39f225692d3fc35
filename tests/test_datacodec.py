"""The cache's data format: model objects as JSON and back, exactly, and nothing else."""

from __future__ import annotations

import datetime
import math
import time
from typing import Any

import pytest

from vaultlint.datacodec import ANY_NODES, DecodeError, EncodeError, dumps, loads
from vaultlint.model import Diagnostic, Edit, Fix, Note, Severity, Span
from vaultlint.syntax.note import parse_note

NOTE_TEXT = """---
aliases: [One, "Two"]
tags: [a, 3, 2.5, true, null]
nested: {k: [1, {deep: .nan}], 7: x}
big: 123456789012345678901234567890123456789012345678901234567890
inf: -.inf
up: "[[Parent#Head|alias]]"
---
# Title ^block
Text [[Link]] ![[img.png]] [md](Other%20Note.md) <https://example.com/x> #tag %% [[hidden]] %%
> [!note] callout [[In Callout]]
- list [[In List#^id]]
<!-- vaultlint-disable-next-line LK001 -->
[]() [[ ]] [a](My Note.md) \x1b[31m
"""


def test_a_parsed_note_round_trips_exactly():
    note = parse_note("folder/n\udcff.md", NOTE_TEXT)
    text = dumps(Note, note)
    assert text.isascii()  # lone surrogates (non-UTF-8 file names) escaped, storable as SQLite text
    back = loads(Note, text)
    assert repr(back) == repr(note)  # repr: nan != nan
    prop = {p.key: p for p in back.frontmatter.properties}
    assert (
        type(prop["big"].value) is int
        and prop["big"].value == 123456789012345678901234567890123456789012345678901234567890
    )
    assert math.isnan(prop["nested"].value["k"][1]["deep"]) and prop["inf"].value == -math.inf
    assert 7 in prop["nested"].value  # non-string keys stay what they were


def test_text_orjson_cannot_write_or_read_goes_to_the_standard_library():
    """orjson writes the cache's text; what it refuses (a lone surrogate: a file name that is not
    UTF-8) is written by the standard library, escaped, and read back by it; a note in UTF-8 is
    orjson's text, non-ASCII as it is; either writer's text reads back the same."""
    import json

    import orjson

    utf8 = parse_note("földer/nöte.md", NOTE_TEXT.replace("Title", "Tïtle"))
    text = dumps(Note, utf8)
    assert text == orjson.dumps(json.loads(text)).decode() and not text.isascii()
    assert repr(loads(Note, text)) == repr(utf8)
    assert repr(loads(Note, json.dumps(json.loads(text)))) == repr(utf8)  # the standard library's text of it
    escaped = dumps(Note, parse_note("n\udcff.md", "# T\n"))
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(escaped)
    assert escaped.isascii() and loads(Note, escaped).path == "n\udcff.md"


def test_a_forged_text_nested_beyond_any_limit_is_refused_not_a_crash():
    """A cache file may be forged: text nested 200,000 deep is refused by orjson (its depth limit)
    and by the standard library (its recursion limit), a miss, never a crash."""
    with pytest.raises(DecodeError):
        loads(Note, "[" * 200_000 + "]" * 200_000)
    with pytest.raises(DecodeError):
        loads(Note, '{"a":' * 200_000 + "1" + "}" * 200_000)


@pytest.mark.parametrize("number", [2**64 - 1, 2**64, -(2**63), -(2**63) - 1, 10**299, -(10**310)])
def test_an_int_of_any_size_reads_back_as_that_int(number):
    """orjson reads a JSON number beyond 64 bits as a float: such an int is written tagged."""
    from vaultlint.model import PropertyItem

    item = PropertyItem(number, Span(1, 1, 1, 2))
    back = loads(PropertyItem, dumps(PropertyItem, item))
    assert type(back.value) is int and back.value == number
    assert ('{"int":' in dumps(PropertyItem, item)) == (not -(2**63) <= number < 2**64)


def test_diagnostics_round_trip_with_fixes():
    found = (
        Diagnostic("FM006", "unquoted-link-property", Severity.ERROR, "a.md", Span(2, 1, 2, 9), "m", "h",
                   Fix("quote it", (Edit(Span(2, 5, 2, 5), '"'),))),
        Diagnostic("LK001", "unresolved-link", Severity.WARNING, "b.md", Span(1, 1, 1, 2), "n"),
    )  # fmt: skip
    back = loads(tuple[Diagnostic, ...], dumps(tuple[Diagnostic, ...], found))
    assert back == found and back[0].fix == found[0].fix


@pytest.mark.parametrize(
    "text",
    [
        "",  # an empty blob is not an empty list
        "null",
        '[["LK001"]]',  # a diagnostic with fields missing
        '[["LK001","n","error","a.md",[1,1,1,2],"m",null,null,"extra"]]',
        '[["LK001","n","fatal","a.md",[1,1,1,2],"m",null,null]]',  # no such severity
        '[["LK001","n","error","a.md",[true,1,1,2],"m",null,null]]',  # a bool is not a line number
        '[["LK001","n","error","a.md",[1.0,1,1,2],"m",null,null]]',
        '[["LK001","n","error","a.md",[1,1,1,2],"m",7,null]]',  # a hint is text
        '[["LK001","n","error","a.md",[1,1,1,2],"m",null,NaN]]',  # not JSON this format writes
        "[" * 100_000 + "]" * 100_000,  # deep nesting is an error, not a crash
        '{"__class__": "os.system"}',
    ],
)
def test_anything_but_the_exact_shape_is_rejected(text):
    with pytest.raises(DecodeError):
        loads(tuple[Diagnostic, ...], text)


@pytest.mark.parametrize("value", [{"set": [1]}, {"list": 5}, {"int": "zz"}, {"float": "1e400"}, {"map": [[[], 1]]}])
def test_tagged_values_are_checked(value):
    import json

    from vaultlint.model import PropertyItem

    with pytest.raises(DecodeError):
        loads(PropertyItem, json.dumps([value, [1, 1, 1, 2], None]))


def test_values_this_format_cannot_write_are_refused_not_mangled():
    from vaultlint.model import PropertyItem

    for value in (datetime.date(2024, 1, 1), b"bytes", {1, 2}):
        with pytest.raises(EncodeError):
            dumps(PropertyItem, PropertyItem(value, Span(1, 1, 1, 2)))
    loop: list = []
    loop.append(loop)
    with pytest.raises(EncodeError):
        dumps(PropertyItem, PropertyItem(loop, Span(1, 1, 1, 2)))


def test_plain_tuples_go_to_the_writer_as_they_are_and_read_back_as_strictly():
    """Tuples of strings (a result's dependencies, a note's tags) are written by the JSON writer
    itself, without a copy as lists, and with no check for circular lists (every list it sees
    is made by the encoders): the same text, in a fraction of the time on a cache build."""
    import json

    import vaultlint.datacodec as datacodec

    deps = tuple[tuple[str, str], ...]
    assert datacodec.codec_for(deps)[0] is datacodec._as_is
    assert datacodec.codec_for(tuple[str, tuple[str, ...]])[0] is datacodec._as_is
    assert not datacodec._WRITER.check_circular
    value = (("a.md", "0f"), ('b \u00e9 "q".md', "1e"))
    text = dumps(deps, value)
    assert json.loads(text) == json.loads(json.dumps(value)) and loads(deps, text) == value
    for bad in ('[["a.md"]]', '[["a.md","0f","x"]]', '[["a.md",1]]', '["a.md"]'):
        with pytest.raises(DecodeError):
            loads(deps, bad)
    # A list that holds itself where a tuple of strings belongs (a broken model: never made by
    # the parser; YAML can make such a list, never a tuple) is refused by both writers.
    loop: list = []
    loop.append(loop)
    with pytest.raises(EncodeError):
        dumps(deps, (("a", "b"), loop))


def test_shared_yaml_aliases_do_not_explode():
    """A YAML alias bomb is a small graph of shared lists standing for 9**12 nodes."""
    from vaultlint.model import PropertyItem

    value: list = ["x"] * 9
    for _ in range(12):
        value = [value] * 9
    started = time.monotonic()
    with pytest.raises(EncodeError, match=str(ANY_NODES)):
        dumps(PropertyItem, PropertyItem(value, Span(1, 1, 1, 2)))
    assert time.monotonic() - started < 2.0  # about 0.05 s: bounded by ANY_NODES, not by 9**12


def test_the_shape_the_rejections_are_measured_against_is_accepted():
    (found,) = loads(tuple[Diagnostic, ...], '[["LK001","n","error","a.md",[1,1,1,2],"m",null,null]]')
    assert found == Diagnostic("LK001", "n", Severity.ERROR, "a.md", Span(1, 1, 1, 2), "m")


def test_encoding_leaves_no_garbage_for_the_collector():
    """A run turns the collector off: an encoder that made reference cycles (a closure calling
    itself) kept every one of them, a kilobyte a note on a cache-building run (issue 20)."""
    import gc

    value = {"tags": ["a", {"b": [1, 2.5, None, True]}], "n": (1, 2)}
    gc.collect()
    collecting = gc.isenabled()
    gc.disable()
    try:
        for _ in range(50):
            loads(Any, dumps(Any, value))
        assert gc.collect() == 0
    finally:
        if collecting:
            gc.enable()


def _reference(hint: Any, value: Any) -> Any:
    """What the cache stores for ``value``, spelt out from the type hints one value at a time:
    the oracle for the generated encoders (the stored text must not change with them)."""
    import dataclasses
    import enum
    import types
    import typing

    from vaultlint.datacodec import _encode_any

    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return _encode_any(value)
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        return [_reference(hints[f.name], getattr(value, f.name)) for f in dataclasses.fields(hint)]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return value.value
    if origin in (typing.Union, types.UnionType):
        inner = next(a for a in args if a is not type(None))
        return None if value is None else _reference(inner, value)
    if origin is tuple and args[-1] is Ellipsis:
        return [_reference(args[0], item) for item in value]
    if origin is tuple:
        return [_reference(a, item) for a, item in zip(args, value)]
    if origin is dict:
        return {key: _reference(args[1], item) for key, item in value.items()}
    return value


def _corpus_notes(limit: int) -> list[Note]:
    from helpers import SHARED

    corpora = SHARED / "corpora"
    found = []
    for corpus in sorted(corpora.glob("*")) if corpora.is_dir() else ():
        for path in sorted(corpus.rglob("*.md"))[:limit]:
            found.append(parse_note(path.relative_to(corpus).as_posix(), path.read_text("utf-8", "surrogateescape")))
    return found


def test_the_stored_text_is_what_each_field_spelt_out_gives():
    """The encoders are generated per dataclass for speed (issue 20); what they write is the
    plain field-by-field form, value for value, for real notes and for diagnostics."""
    import json

    from vaultlint.model import NoteSummary
    from vaultlint.model import summarize as summary_of

    notes = [parse_note("folder/n\udcff.md", NOTE_TEXT), *_corpus_notes(60)]
    for note in notes:
        for hint, value in ((Note, note), (NoteSummary, summary_of(note))):
            expected = json.dumps(_reference(hint, value), allow_nan=False)
            assert json.loads(dumps(hint, value)) == json.loads(expected), note.path
    found = (
        Diagnostic("FM006", "unquoted-link-property", Severity.ERROR, "a.md", Span(2, 1, 2, 9), "m", "h",
                   Fix("quote it", (Edit(Span(2, 5, 2, 5), '"'),))),
        Diagnostic("LK001", "unresolved-link", Severity.INFO, "b\udcff.md", Span(1, 1, 1, 2), "n"),
    )  # fmt: skip
    hint = tuple[Diagnostic, ...]
    assert json.loads(dumps(hint, found)) == json.loads(json.dumps(_reference(hint, found)))


def test_a_value_of_the_wrong_type_is_refused_where_it_is_written():
    from vaultlint.model import Heading, PropertyItem

    with pytest.raises(EncodeError, match="expected Span, got tuple"):
        dumps(Heading, Heading(1, "h", (1, 1, 1, 2)))  # type: ignore[arg-type]
    with pytest.raises(EncodeError):
        dumps(tuple[Diagnostic, ...], (Diagnostic("LK001", "n", "error", "a.md", Span(1, 1, 1, 2), "m"),))  # type: ignore[arg-type]
    assert loads(PropertyItem, dumps(PropertyItem, PropertyItem("v", Span(1, 1, 1, 2)))) == PropertyItem(
        "v", Span(1, 1, 1, 2)
    )


def _generic_decode(hint: Any, data: Any) -> Any:
    """What a dataclass decoder did before it was generated (a call per field), the reference the
    generated decoders are held to: the dataclasses and tuples here, every other type by its codec."""
    import dataclasses
    import typing

    from vaultlint.datacodec import codec_for

    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        fields = dataclasses.fields(hint)
        if type(data) is not list or len(data) != len(fields):
            raise DecodeError(f"expected {hint.__name__}")
        return hint(*[_generic_decode(hints[f.name], item) for f, item in zip(fields, data)])
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        if type(data) is not list:
            raise DecodeError("expected a list")
        return tuple(_generic_decode(args[0], item) for item in data)
    if origin is tuple and args:
        if type(data) is not list or len(data) != len(args):
            raise DecodeError("expected a fixed list")
        return tuple(_generic_decode(a, item) for a, item in zip(args, data))
    if type(None) in args and len(args) == 2:
        return None if data is None else _generic_decode(next(a for a in args if a is not type(None)), data)
    return codec_for(hint)[1](data)


def _outcome(decode, *arguments):
    try:
        return decode(*arguments)
    except DecodeError:
        return DecodeError


def _leaves(data: Any, path: tuple[int, ...] = ()):
    if type(data) is list:
        for number, item in enumerate(data):
            yield from _leaves(item, (*path, number))
    else:
        yield path


def _replaced(data: Any, path: tuple[int, ...], value: Any) -> Any:
    if not path:
        return value
    copy = list(data)
    copy[path[0]] = _replaced(data[path[0]], path[1:], value)
    return copy


def test_generated_decoders_accept_and_refuse_what_a_call_per_field_did():
    """Every leaf of a stored note and of stored diagnostics replaced by a value of each JSON type:
    the generated decoders give the same value, or refuse, exactly as the field-by-field reference."""
    import json as json_module

    text = (
        "---\naliases: [One]\ntags: [a, 3, true, null]\nup: '[[P#H|a]]'\n---\n# Head ^b\n[[x#y]] ![[i.png]] #t [l](u)\n"
    )
    note = parse_note("folder/n\udcff.md", text)  # (NOTE_TEXT holds a NaN: never equal to itself)
    diagnostics = (
        Diagnostic(
            "LK001", "n", Severity.ERROR, "a.md", Span(1, 2, 3, 4), "m", "h", Fix("f", (Edit(Span(1, 1, 1, 2), "x"),))
        ),
        Diagnostic("LK002", "n", Severity.INFO, "b.md", Span(5, 6, 7, 8), "m"),
    )
    checked = 0
    for hint, value in ((Note, note), (tuple[Diagnostic, ...], diagnostics)):
        data = json_module.loads(dumps(hint, value))
        assert loads(hint, dumps(hint, value)) == _generic_decode(hint, data) == value
        for path in list(_leaves(data))[:400]:  # bounded: the note has some hundreds of leaves
            for other in (True, 0, -3, "s", None, 1.5, [], {"map": []}):
                changed = _replaced(data, path, other)
                text = json_module.dumps(changed)
                assert _outcome(loads, hint, text) == _outcome(_generic_decode, hint, changed), (path, other)
                checked += 1
    assert checked > 1000
