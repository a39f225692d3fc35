"""report/json_format.py writes exactly the bytes of ``json.dumps(records, indent=2, ensure_ascii=False)``."""

from __future__ import annotations

import json

import pytest

from vaultlint.model import Diagnostic, Severity, Span
from vaultlint.report import json_format
from vaultlint.report.json_format import format_json


def reference(diagnostics):
    """The output as json.dumps writes it: the contract's bytes."""
    records = [json_format._escaped(d.to_json()) for d in diagnostics]
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


NAMES = ["plain.md", "ümlaut/日本 🎉.md", "esc\x1b[2J\n::error::x.md", "bad\udcff.md", 'quote "x" \\ back.md']


def many() -> list[Diagnostic]:
    found = []
    for number, name in enumerate(NAMES * 3):
        found.append(
            Diagnostic(
                "LK001",
                "unresolved-link",
                list(Severity)[number % len(Severity)],
                name,
                Span(number, number + 1, number + 2, 10**12),
                f'unresolved link "{name}" ##[error]x \u2028\t',
                None if number % 2 else f'did you mean "{name}"?',
                None,
            )
        )
    return found


@pytest.mark.parametrize("count", [0, 1, 15])
def test_the_bytes_are_those_of_json_dumps(count):
    diagnostics = many()[:count]
    written = format_json(diagnostics, None)
    assert written == reference(diagnostics)
    assert json.loads(written) == json.loads(reference(diagnostics))


def test_an_int_beyond_64_bits_is_written_as_json_dumps_writes_it():
    """orjson (the flat records' writer) refuses such an int; json.dumps writes it."""
    diagnostics = [
        *many()[:2],
        Diagnostic("LK001", "unresolved-link", Severity.ERROR, "x.md", Span(1, 1, 1, 2**70), "m"),
    ]
    assert format_json(diagnostics, None) == reference(diagnostics)
    assert str(2**70) in format_json(diagnostics, None)


def test_a_record_that_is_not_flat_is_written_by_json_dumps(monkeypatch):
    """A field holding a list or an object (fields may be added) is indented as json.dumps does."""
    original = Diagnostic.to_json
    monkeypatch.setattr(Diagnostic, "to_json", lambda self: {**original(self), "related": [{"line": 1}], "w": 0.5})
    diagnostics = many()[:3]
    assert format_json(diagnostics, None) == reference(diagnostics)
    assert '"related": [\n      {\n        "line": 1' in format_json(diagnostics, None)


@pytest.mark.parametrize(
    ("message", "hint"),
    [
        ("plain", "plain"),
        ("ends in #", "#[starts the hint"),  # "##" only across two fields: nothing to escape
        ("a ##[command]", None),
        ("plain", "##vso[task]"),
        ("new\nline", "plain"),
        ("plain", "bidi \u202e"),
        ("plain", "bad byte \udcff"),
        ("esc \x1b[2J", "tab\t"),
    ],
)
def test_a_record_is_escaped_as_each_of_its_strings_is(message, hint):
    """Records are tested whole and escaped field by field only when needed: the same as
    escaping every string on its own, whichever field needs it."""
    from vaultlint.report.escape import escape

    for path in ("plain.md", "x\n.md", "ends #"):
        record = Diagnostic("LK001", "unresolved-link", Severity.ERROR, path, Span(1, 1, 1, 2), message, hint).to_json()
        by_field = {key: escape(value) if isinstance(value, str) else value for key, value in record.items()}
        assert json_format._escaped(record) == by_field
