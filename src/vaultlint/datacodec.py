"""The model's frozen dataclasses as plain JSON data, and back, strictly.

The on-disk cache (:mod:`vaultlint.cache`) stores parsed notes and diagnostics.
It must hold nothing that can run code when it is read (no pickle), and a row
that was damaged or written by someone else must decode into a valid model
object or not at all.  So values are written as JSON (lists, strings, numbers,
``null``) and read back by decoders built once from the dataclasses' type
hints: every field is checked for its declared type (``int`` is not ``bool``,
a tuple is a list of the right item type, an enum is one of its values, a
dataclass is a list of exactly its fields).  Anything else raises
:class:`DecodeError`, which the cache treats as a miss.

``Any`` fields (frontmatter values as YAML read them) are written in a small
tagged form: strings, booleans, ``null``, finite floats and 64-bit ints are
themselves; lists, mappings, tuples, bigger ints and non-finite floats are a
one-key object (``{"list": [...]}``, ``{"map": [[key, value], ...]}``, ...).
A value of another type (a YAML ``!!timestamp``, ``!!binary``, ``!!set``, a
self-referencing alias) cannot be written: :class:`EncodeError`, and that note
is simply not cached.

The cache key holds the source text of the model, so a change of the model (a
new field) makes old rows misses; a row that still slipped through fails here.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import math
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, Union

import orjson

Encoder = Callable[[Any], Any]
Decoder = Callable[[Any], Any]


class EncodeError(ValueError):
    """The value holds something this format cannot write."""


class DecodeError(ValueError):
    """The data does not have the shape the type asks for."""


#: JSON numbers Python writes and reads back without the int-digits limit.
_INT_LIMIT = 10**300
#: The ints an ``Any`` value writes as JSON numbers: orjson reads a number beyond 64 bits
#: as a float, so a bigger int is written tagged, as its hex digits.
_INT_MIN, _INT_END = -(2**63), 2**64


def _fail(message: str) -> typing.NoReturn:
    raise DecodeError(message)


# -- Any: the frontmatter values YAML produces -----------------------------------------------


#: Nodes one ``Any`` value may write.  YAML aliases share nodes, so a small
#: frontmatter can stand for billions of them: such a note is not cached.
ANY_NODES = 100_000


def _encode_any(value: Any) -> Any:
    return _encode_any_within(value, [ANY_NODES])


def _encode_any_within(item: Any, budget: list[int]) -> Any:
    """``item`` encoded, each node taken from ``budget``.

    Module level, not a closure that calls itself: such a closure is a reference
    cycle, and a run (which turns the collector off) kept every one it made, about
    a kilobyte per note on a cache-building run.
    """
    budget[0] -= 1
    if budget[0] < 0:
        raise EncodeError(f"value has more than {ANY_NODES} nodes")
    kind = type(item)
    if kind is str or kind is bool or item is None:
        return item
    if kind is int:
        return item if _INT_MIN <= item < _INT_END else {"int": format(item, "x")}
    if kind is float:
        return item if math.isfinite(item) else {"float": repr(item)}
    if kind is list:
        return {"list": [_encode_any_within(x, budget) for x in item]}
    if kind is tuple:
        return {"tuple": [_encode_any_within(x, budget) for x in item]}
    if kind is dict:
        return {"map": [[_encode_any_within(k, budget), _encode_any_within(v, budget)] for k, v in item.items()]}
    raise EncodeError(f"cannot store a {kind.__name__} value")


def _decode_any(data: Any) -> Any:
    kind = type(data)
    if kind is str or kind is bool or data is None or kind is float:
        return data
    if kind is int:
        if not -_INT_LIMIT < data < _INT_LIMIT:
            _fail("int out of range")
        return data
    if kind is not dict or len(data) != 1:
        _fail("not a tagged value")
    ((tag, inner),) = data.items()
    if tag == "list" and type(inner) is list:
        return [_decode_any(item) for item in inner]
    if tag == "tuple" and type(inner) is list:
        return tuple(_decode_any(item) for item in inner)
    if tag == "map" and type(inner) is list:
        result = {}
        for pair in inner:
            if type(pair) is not list or len(pair) != 2:
                _fail("bad map entry")
            key = _decode_any(pair[0])
            try:
                result[key] = _decode_any(pair[1])
            except TypeError:  # an unhashable key (a list): never written by the encoder
                _fail("unhashable map key")
        return result
    if tag == "int" and type(inner) is str:
        try:
            return int(inner, 16)
        except ValueError:
            _fail("bad int")
    if tag == "float" and inner in ("nan", "inf", "-inf"):
        return float(inner)
    _fail(f"unknown tag {tag!r}")


# -- codecs built from type hints --------------------------------------------------------------


def _as_is(value: Any) -> Any:
    """The encoder of a value JSON writes as it is (a ``str``, ``int`` or ``bool`` field)."""
    return value


def _scalar(kind: type) -> tuple[Encoder, Decoder]:
    def decode(data: Any) -> Any:
        if type(data) is not kind:
            _fail(f"expected {kind.__name__}")
        return data

    return _as_is, decode


def _float_codec() -> tuple[Encoder, Decoder]:
    def encode(value: Any) -> Any:
        if not math.isfinite(value):
            raise EncodeError("non-finite float")
        return value

    def decode(data: Any) -> Any:
        if type(data) is float or type(data) is int:
            return float(data)
        _fail("expected float")

    return encode, decode


def _optional(inner: tuple[Encoder, Decoder]) -> tuple[Encoder, Decoder]:
    encode_inner, decode_inner = inner
    decode = lambda data: None if data is None else decode_inner(data)  # noqa: E731
    if encode_inner is _as_is:  # ``str | None``: written as it is, None included
        return _as_is, decode
    return (lambda value: None if value is None else encode_inner(value)), decode


def _variadic_tuple(inner: tuple[Encoder, Decoder]) -> tuple[Encoder, Decoder]:
    encode_inner, decode_inner = inner

    def decode(data: Any) -> Any:
        if type(data) is not list:
            _fail("expected a list")
        return tuple([decode_inner(item) for item in data])

    return (lambda value: [encode_inner(item) for item in value]), decode


def _fixed_tuple(items: list[tuple[Encoder, Decoder]]) -> tuple[Encoder, Decoder]:
    size = len(items)

    def encode(value: Any) -> Any:
        return [encode_item(item) for (encode_item, _), item in zip(items, value)]

    def decode(data: Any) -> Any:
        if type(data) is not list or len(data) != size:
            _fail(f"expected a list of {size}")
        return tuple([decode_item(item) for (_, decode_item), item in zip(items, data)])

    return encode, decode


def _string_mapping(inner: tuple[Encoder, Decoder]) -> tuple[Encoder, Decoder]:
    encode_inner, decode_inner = inner

    def decode(data: Any) -> Any:
        if type(data) is not dict:
            _fail("expected an object")
        return {key: decode_inner(value) for key, value in data.items()}

    return (lambda value: {str(k): encode_inner(v) for k, v in value.items()}), decode


def _enum_codec(cls: type[enum.Enum]) -> tuple[Encoder, Decoder]:
    by_value = {member.value: member for member in cls}

    def decode(data: Any) -> Any:
        try:
            return by_value[data]
        except (KeyError, TypeError):
            _fail(f"not a {cls.__name__}")

    return (lambda value: value.value), decode


def _dataclass_codec(cls: type) -> tuple[Encoder, Decoder]:
    fields = dataclasses.fields(cls)
    names = [field.name for field in fields]
    # Filled in after this codec is registered, so that recursive types terminate.
    compiled: list[Encoder] = []
    compiled_decoder: list[Decoder] = []

    def encode(value: Any) -> Any:  # only ever called by a recursive type while its encoder is made
        return compiled[0](value)

    def decode(data: Any) -> Any:  # likewise, while its decoder is made
        return compiled_decoder[0](data)

    _CODECS[cls] = (encode, decode)
    hints = typing.get_type_hints(cls)
    fields_and_hints = [(name, hints[name]) for name in names]
    compiled.append(_compiled_encoder(cls, fields_and_hints))
    compiled_decoder.append(_compiled_decoder(cls, [hint for _, hint in fields_and_hints]))
    _CODECS[cls] = (compiled[0], compiled_decoder[0])
    return compiled[0], compiled_decoder[0]


def _compiled_decoder(cls: type, hints: list[Any]) -> Decoder:
    """The decoder of a dataclass as one generated function, as :func:`_compiled_encoder` makes
    its encoder: for ``Span``, ``cls(int_0(data[0]), ...)`` with each ``str``, ``int`` and
    ``bool`` field checked in line.  The same checks, in the same order, as each field's own
    codec: a warm run decodes every stored diagnostic (20,000 in a 100,000-note vault), and a
    call and a loop per field were a tenth of it.
    """
    namespace: dict[str, Any] = {"cls": cls, "_fail": _fail}
    items = []
    for number, hint in enumerate(hints):
        item = f"data[{number}]"
        kind = next((k for k in (str, int, bool) if hint is k or hint == k | None), None)
        if kind is not None:  # checked as _scalar (and _optional) check it
            check = (
                f"type(_v := {item}) is {kind.__name__}"
                if hint is kind
                else f"(_v := {item}) is None or type(_v) is {kind.__name__}"
            )
            items.append(f"(_v if {check} else _fail('expected {kind.__name__}'))")
        else:
            name = f"decode_{number}"
            namespace[name] = codec_for(hint)[1]
            items.append(f"{name}({item})")
    source = (
        "def decode(data):\n"
        f"    if type(data) is not list or len(data) != {len(hints)}:\n"
        f"        _fail('expected {cls.__name__}')\n"
        f"    return cls({', '.join(items)})\n"
    )
    exec(compile(source, f"<decoder of {cls.__name__}>", "exec"), namespace)  # noqa: S102 - our own text
    return namespace["decode"]


def _compiled_encoder(cls: type, fields: list[tuple[str, Any]]) -> Encoder:
    """The encoder of a dataclass as one generated function, the way :mod:`dataclasses` makes
    ``__init__``: for ``Span``, ``[v.line, v.column, v.end_line, v.end_column]``.

    Writing a cache encodes every note's many spans, links and names: a generic encoder (a
    call and a loop per field) was a sixth of the cost of a cache-building run.  The text is
    made from the model's type hints alone, never from data; each field is written exactly
    as its own codec writes it.
    """
    namespace: dict[str, Any] = {"cls": cls, "EncodeError": EncodeError}
    items = ", ".join(_field_expression(hint, f"value.{name}", namespace) for name, hint in fields)
    source = (
        "def encode(value):\n"
        "    if type(value) is not cls:\n"
        f"        raise EncodeError(f'expected {cls.__name__}, got {{type(value).__name__}}')\n"
        f"    return [{items}]\n"
    )
    exec(compile(source, f"<encoder of {cls.__name__}>", "exec"), namespace)  # noqa: S102 - our own text
    return namespace["encode"]


def _field_expression(hint: Any, expression: str, namespace: dict[str, Any]) -> str:
    """Python text that encodes ``expression`` (of type ``hint``) as its codec would."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return f"{expression}._value_"  # what ``.value`` gives, without the descriptor's call
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        encode_item = codec_for(args[0])[0]
        if encode_item is _as_is:
            return expression  # (the writer writes a tuple as the list it is: no copy)
        name = f"encode_{len(namespace)}"
        namespace[name] = encode_item
        return f"[{name}(item) for item in {expression}]"
    encode = codec_for(hint)[0]
    if encode is _as_is:
        return expression
    name = f"encode_{len(namespace)}"
    namespace[name] = encode
    return f"{name}({expression})"


_CODECS: dict[Any, tuple[Encoder, Decoder]] = {}


def codec_for(hint: Any) -> tuple[Encoder, Decoder]:
    """An (encode, decode) pair for a type hint; ``TypeError`` for a type the format cannot hold."""
    found = _CODECS.get(hint)
    if found is not None:
        return found
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        codec = (_encode_any, _decode_any)
    elif hint in (str, int, bool):
        codec = _scalar(hint)
    elif hint is float:
        codec = _float_codec()
    elif isinstance(hint, type) and issubclass(hint, enum.Enum):
        codec = _enum_codec(hint)
    elif isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_codec(hint)
    elif origin in (Union, types.UnionType) and len(args) == 2 and type(None) in args:
        codec = _optional(codec_for(next(a for a in args if a is not type(None))))
    elif origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        inner = codec_for(args[0])
        # A tuple of values written as they are is itself written as it is (a tuple is a JSON list).
        codec = (_as_is, _variadic_tuple(inner)[1]) if inner[0] is _as_is else _variadic_tuple(inner)
    elif origin is tuple and args:
        items = [codec_for(a) for a in args]
        plain = all(item[0] is _as_is for item in items)
        codec = (_as_is, _fixed_tuple(items)[1]) if plain else _fixed_tuple(items)
    elif origin in (dict, Mapping) and args and args[0] is str:
        codec = _string_mapping(codec_for(args[1]))
    else:
        raise TypeError(f"the cache cannot store values of type {hint!r}")
    _CODECS[hint] = codec
    return codec


# -- text ----------------------------------------------------------------------------------------


def _no_constants(name: str) -> Any:
    raise DecodeError(f"{name} is not data this cache writes")


#: The text is written and read by orjson: the cache's rows are most of what a run that
#: builds the cache adds to a cold run, and the standard library's writer took 15 µs of
#: a parsed note's 27 (orjson: 6), its reader 14 µs of 39.  What orjson refuses goes to
#: the standard library's writer and reader below: a lone surrogate (a file name that is
#: not UTF-8, which JSON escapes), nesting deeper than orjson's 254 levels, a number it
#: reads as infinity.  Both write and read the same JSON, so a text either one wrote is
#: read back the same.  orjson bounds the depth of lists and dicts, not of tuples (3.13: a
#: tuple inside a cycle overflows its stack): the tuples it is given are the model's own,
#: as deep as their types, and everything from a note's YAML reaches it as lists and dicts
#: (``Any`` values are copied into them node by node; YAML makes no tuples).
#: Python's JSON reader also accepts NaN and Infinity; the writers never produce them.
_JSON = json.JSONDecoder(parse_constant=_no_constants)
#: The standard writer (``json.dumps`` with these options makes a new one on every call).
#: Without the check for circular lists (a fifth of the writer's time on a parsed note): every
#: list it is given is made by the encoders above, and the only values that could hold
#: themselves, ``Any`` ones, are copied node by node within :data:`ANY_NODES`.  A list that
#: holds itself (a broken model; orjson refuses it first) ends in ``RecursionError``:
#: :class:`EncodeError`.  ASCII only: lone surrogates are escaped, which SQLite stores as text.
_WRITER = json.JSONEncoder(ensure_ascii=True, allow_nan=False, separators=(",", ":"), check_circular=False)


def dumps(hint: Any, value: Any) -> str:
    """``value`` (of type ``hint``) as JSON text; :class:`EncodeError` when it cannot be stored."""
    encode, _ = codec_for(hint)
    try:
        data = encode(value)
    except (TypeError, ValueError, AttributeError, RecursionError) as error:
        raise EncodeError(str(error)) from error
    try:
        return orjson.dumps(data).decode()
    except orjson.JSONEncodeError:
        pass
    try:
        return _WRITER.encode(data)
    except (TypeError, ValueError, RecursionError) as error:
        raise EncodeError(str(error)) from error


def loads(hint: Any, text: Any) -> Any:
    """The value of type ``hint`` stored as ``text``; :class:`DecodeError` for anything else."""
    if type(text) is not str:
        _fail("not text")
    _, decode = codec_for(hint)
    try:
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError:
            data = _JSON.decode(text)
        return decode(data)
    except DecodeError:
        raise
    except (ValueError, TypeError, RecursionError) as error:  # bad JSON, huge numbers, deep nesting
        raise DecodeError(str(error)) from error
