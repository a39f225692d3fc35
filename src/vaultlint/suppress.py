"""Inline suppression directives, in ``%% … %%`` and ``<!-- … -->`` comments (DESIGN.md §5).

- ``vaultlint-disable-next-line [CODES]``: the line after the comment;
- ``vaultlint-disable-line [CODES]``: the comment's own line(s);
- ``vaultlint-disable [CODES]`` … ``vaultlint-enable [CODES]``: a range (to the
  end of the file when never enabled again);
- ``vaultlint-disable-file [CODES]``: the whole note.

CODES are codes, prefixes or names, separated by spaces or commas; none means
every rule.  A word that names no rule suppresses nothing (and is VL003): a
typo such as ``LK00l`` must not widen into "every rule".  Directives are read only from real comments: one inside a code
block is text.  This module is pure: the engine calls :func:`apply` once per
note, after the rules, so no rule ever sees a directive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import Diagnostic, Note, Span
from .selection import SelectorError, normalize_selector

_DIRECTIVE = re.compile(
    r"vaultlint-(disable-next-line|disable-line|disable-file|disable|enable)(?![\w-])([^\n%]*?)(?=vaultlint-|$)",
    re.MULTILINE,
)
_SEPARATORS = re.compile(r"[\s,]+")


@dataclass(frozen=True)
class Directive:
    kind: str
    #: Normalised code prefixes; none (and no unknown words either) means every rule.
    codes: tuple[str, ...]
    #: Where the comment is, for VL002 and VL003.
    span: Span
    #: Selectors written that name no rule (VL003).
    unknown: tuple[str, ...] = ()

    @property
    def names_every_rule(self) -> bool:
        """Written without codes.  Only unknown words means no rule at all, never every rule."""
        return not self.codes and not self.unknown


@dataclass(frozen=True)
class Region:
    directive: Directive
    first_line: int
    last_line: int  # inclusive; 0 for "to the end"

    def covers(self, diagnostic: Diagnostic) -> bool:
        line = diagnostic.span.line
        if line < self.first_line or (self.last_line and line > self.last_line):
            return False
        directive = self.directive
        return directive.names_every_rule or any(diagnostic.code.startswith(code) for code in directive.codes)


def directives(note: Note) -> list[Directive]:
    found: list[Directive] = []
    for comment in note.comments:
        for match in _DIRECTIVE.finditer(comment.text):
            codes: list[str] = []
            unknown: list[str] = []
            for word in _SEPARATORS.split(match.group(2).replace("-->", " ").strip()):
                if not word:
                    continue
                try:
                    codes.append(normalize_selector(word))
                except SelectorError:
                    unknown.append(word)
            found.append(Directive(match.group(1), tuple(codes), comment.span, tuple(unknown)))
    return found


def regions(found: Sequence[Directive]) -> list[Region]:
    result: list[Region] = []
    open_ranges: list[Directive] = []
    for directive in found:
        span = directive.span
        if directive.kind == "disable-next-line":
            result.append(Region(directive, span.end_line + 1, span.end_line + 1))
        elif directive.kind == "disable-line":
            result.append(Region(directive, span.line, span.end_line))
        elif directive.kind == "disable-file":
            result.append(Region(directive, 1, 0))
        elif directive.kind == "disable":
            open_ranges.append(directive)
        else:  # enable: closes the ranges it names (all of them when written without codes)
            still_open = []
            for opened in open_ranges:
                if directive.names_every_rule or set(opened.codes) & set(directive.codes) or opened.names_every_rule:
                    result.append(Region(opened, opened.span.line, span.line))
                else:
                    still_open.append(opened)
            open_ranges = still_open
    result.extend(Region(opened, opened.span.line, 0) for opened in open_ranges)
    return result


@dataclass(frozen=True)
class Outcome:
    kept: list[Diagnostic]
    #: Directives that suppressed nothing (VL002 candidates).
    unused: list[Directive]
    #: (directive, unknown selector) pairs (VL003).
    unknown: list[tuple[Directive, str]]


def apply(diagnostics: Iterable[Diagnostic], note: Note) -> Outcome:
    found = directives(note)
    if not found:
        return Outcome(list(diagnostics), [], [])
    active = regions(found)
    used: set[int] = set()
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        hits = [index for index, region in enumerate(active) if region.covers(diagnostic)]
        if hits:
            used.update(id(active[i].directive) for i in hits)
        else:
            kept.append(diagnostic)
    unused = [d for d in found if d.kind != "enable" and id(d) not in used]
    unknown = [(d, word) for d in found for word in d.unknown]
    return Outcome(kept, unused, unknown)
