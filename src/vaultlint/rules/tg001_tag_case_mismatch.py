"""TG001 tag-case-mismatch: the same tag written with different capitalisation.

**What it does**: counts every spelling of every tag across the vault (inline
``#tags`` and frontmatter ``tags``) and reports the occurrences whose spelling
differs from the most common one (ties: the alphabetically first).

**Why it matters**: Obsidian treats ``#Project`` and ``#project`` as one tag but
shows whichever spelling it met first, so the tag pane and search results look
inconsistent, and other tools (static-site generators) treat them as two tags.

**Example**::

    #Project in one note, #project in twelve others

**How to fix**: write the tag the way the rest of the vault does (the hint says how).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ..model import Severity, Span, Violation
from ._vault import VaultView
from .base import Rule, Scope


def _canonical(view: VaultView) -> dict[str, tuple[str, Mapping[str, int]]]:
    """Tags written more than one way: the preferred spelling and every spelling's count."""
    result = {}
    for key, counter in view.context.loader.aggregate().tag_spellings.items():
        if len(counter) > 1:
            best = min(counter, key=lambda spelling: (-counter[spelling], spelling))
            result[key] = (best, counter)
    return result


def check(view: VaultView, ctx: object) -> Iterator[tuple[str, Violation]]:
    mixed = _canonical(view)
    if not mixed:
        return
    for path in view.scope:
        if not any(tag.lower() in mixed and tag != mixed[tag.lower()][0] for tag in view.summary(path).tags):
            continue
        note = view.context.note(path)
        if note is None:
            continue
        occurrences: list[tuple[str, Span]] = [(t.name, t.span) for t in note.tags if not t.in_comment]
        if note.frontmatter is not None:
            prop = note.frontmatter.get("tags", ignore_case=True)
            if prop is not None:
                items = [(i.value, i.span) for i in prop.items] or [(prop.value, prop.value_span)]
                occurrences.extend((v.strip().lstrip("#"), s) for v, s in items if isinstance(v, str))
        for name, span in occurrences:
            entry = mixed.get(name.lower())
            if entry is None or name == entry[0]:
                continue
            best, counter = entry
            yield (
                path,
                Violation(
                    span,
                    f'tag "#{name}" is also written "#{best}" ({counter[best]} times); Obsidian treats them as one tag',
                    hint=f'write it "#{best}"',
                ),
            )


RULE = Rule(
    "TG001",
    "tag-case-mismatch",
    Severity.INFO,
    "the same tag written with different capitalisation across the vault",
    __doc__,
    Scope.VAULT,
    check,
)
