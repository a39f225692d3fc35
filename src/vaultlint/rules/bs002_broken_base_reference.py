"""BS002 broken-base-reference: a base names a folder, note, formula or property that is not there.

**What it does**: checks what a ``.base`` file refers to:

- ``file.inFolder("X")``: the folder ``X`` exists in the vault;
- ``link("X")`` and ``file.hasLink("X")``: ``X`` resolves to a file, the way
  a ``[[X]]`` link in the base's folder would;
- ``formula.X`` in a view, a sort, a filter or another formula: ``formulas``
  defines ``X``;
- a property in a view's ``order`` (``status`` or ``note.status``): some note
  of the vault has it in its frontmatter, or it has a type in the vault's
  property settings (``.obsidian/types.json``).

``file.*`` properties, ``this``, and expressions that build a name at run
time are not checked.

**Why it matters**: Bases does not complain.  A filter on a renamed folder or
note matches nothing, so the view is empty; an undefined formula shows an
empty column; a misspelled property shows a column nobody fills.

**Example**::

    filters:
      and:
        - file.inFolder("Projets")
    views:
      - type: table
        order:
          - file.name
          - formula.progress

**How to fix**: correct the folder, note or property name, or add the formula
to ``formulas``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..model import Note, Severity, Violation
from ._problems import file_problems
from .base import Rule, Scope


def check(note: Note, ctx: Any) -> Iterator[Violation]:
    yield from file_problems(note, "BS002")
    for reference in note.base_references:
        if reference.kind == "folder" and not _folder_exists(ctx, reference.value):
            yield Violation(reference.span, f'no folder "{reference.value}" in the vault')
        elif reference.kind == "link" and ctx.vault.index.resolve(reference.value, note.path).target is None:
            yield Violation(
                reference.span,
                f'link "{reference.value}" resolves to no file',
                ctx.suggest_file(reference.value, attachments="." in reference.value.rsplit("/", 1)[-1]),
            )
        elif reference.kind == "property" and reference.value.lower() not in ctx.vault_property_keys():
            yield Violation(reference.span, f'no note of the vault has the property "{reference.value}"')


def _folder_exists(ctx: Any, folder: str) -> bool:
    wanted = folder.strip().strip("/")
    if not wanted:
        return True  # the vault root
    if ".." not in wanted.split("/") and (ctx.vault.root / wanted).is_dir():
        return True
    prefix = wanted.lower() + "/"
    return any(path.lower().startswith(prefix) for path in ctx.vault.index.paths)


RULE = Rule(
    "BS002",
    "broken-base-reference",
    Severity.ERROR,
    "base names a folder, note, formula or property that does not exist",
    __doc__,
    Scope.NOTE,
    check,
)
