"""Parsed notes cross from pool workers to the main process by pickle: what arrives equals what
was sent, and every slotted record is pickled as its field values (fast, see model.py)."""

from __future__ import annotations

import dataclasses
import pickle

import pytest
from helpers import FIXTURES

import vaultlint.model as model
from vaultlint.loader import parse_data

SLOTTED_RECORDS = [
    cls
    for cls in vars(model).values()
    if isinstance(cls, type) and dataclasses.is_dataclass(cls) and "__slots__" in vars(cls)
]

RICH_NOTE = """---
aliases: [One, Two]
tags:
  - project/a
up: "[[Index]]"
up: twice
count: [1, {a: b}]
---
# Title ^not-an-id

Text [[Other#Heading|shown]] ![[image.png]] [md](Folder/Note.md#^abc) <https://example.com>
#tag %% a comment with [[Hidden]] %% ^block-1

| a | b |
| - | - |
| [[Cell\\|alias]] | x |

<!-- vaultlint-disable LK001 -->
[](  ) [[]] [bad](a b.md)
"""


def _sources() -> list[tuple[str, bytes]]:
    found = [("Rich.md", RICH_NOTE.encode())]
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix in (".md", ".canvas", ".base") and path.is_file():
            found.append((path.relative_to(FIXTURES).as_posix(), path.read_bytes()))
    return found


@pytest.mark.parametrize(("path", "data"), _sources(), ids=lambda value: value if isinstance(value, str) else "")
def test_a_parsed_note_arrives_equal(path, data):
    _, note = parse_data(path, data)
    assert isinstance(note, model.Note)
    arrived = pickle.loads(pickle.dumps(note, protocol=pickle.HIGHEST_PROTOCOL))
    assert arrived == note
    assert model.summarize(arrived) == model.summarize(note)


def test_the_rich_note_holds_every_kind_of_record():
    _, note = parse_data("Rich.md", RICH_NOTE.encode())
    assert note.frontmatter.problems and note.frontmatter.properties
    assert note.links and note.tags and note.block_ids and note.comments and note.headings and note.urls
    assert note.empty_links and note.raw_space_links


@pytest.mark.parametrize("cls", SLOTTED_RECORDS, ids=lambda cls: cls.__name__)
def test_every_slotted_record_is_pickled_as_its_field_values(cls):
    values = tuple(f"value {index}" for index, _ in enumerate(dataclasses.fields(cls)))
    record = cls(*values)
    assert record.__reduce__() == (cls, values)
    assert pickle.loads(pickle.dumps(record)) == record
