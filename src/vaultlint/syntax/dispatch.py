"""Try only the parser rules that can match at a position (the fast path, issue 12).

markdown-it-py tries every inline rule, in order, at every position where plain
text stops, and every block rule at every line (and again at each paragraph
line, to see whether it ends the paragraph).  Almost every rule returns False
at once unless the character under it is its own marker: ``link`` needs ``[``,
``heading`` needs ``#`` and so on.  A dispatcher looks that character up and
tries only the rules that can match there, in markdown-it's own order, so the
first rule that matches is the same one and the parse is the same.

Each rule named in the tables below was read in the installed markdown-it-py
and mdit-py-plugins: it returns False, with no side effect, when the character
at its position is not one of those listed.  A rule missing from the tables
(a new plugin) is tried everywhere, so forgetting one costs speed, never
answers.  ``tests/test_differential.py`` checks the result against
markdown-it-py's own loops on every fixture, corpus and generated note.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # markdown-it is imported only when a note is parsed
    from markdown_it import MarkdownIt
    from markdown_it.ruler import Ruler

#: Inline rule name -> the characters at ``state.pos`` where it can match.
INLINE_TRIGGERS: dict[str, str] = {
    "newline": "\n",
    "math_inline": "$",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "*_",
    "wikilink": "[!",
    "obsidian_comment": "%",
    "obsidian_tag": "#",
    "obsidian_block_id": "^",
    "link": "[",
    "image": "!",
    "raw_space_link": "[!",
    "footnote_inline": "^",
    "footnote_ref": "[",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
    "gfm_autolink_protocol": ":",
}

#: Block rule name -> the first non-blank characters of a line where it can match.
BLOCK_TRIGGERS: dict[str, str] = {
    "math_block": "$",
    "obsidian_comment": "%",
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "footnote_def": "[",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
}


def _enabled(ruler: Ruler, chain: str) -> list[tuple[str, Callable[..., bool]]]:
    """(name, function) of the rules of a chain, in markdown-it's order."""
    rules = [(rule.name, rule.fn) for rule in ruler.__rules__ if rule.enabled and (not chain or chain in rule.alt)]
    if [fn for _, fn in rules] != list(ruler.getRules(chain)):  # pragma: no cover - markdown-it changed
        raise RuntimeError(f"cannot reproduce markdown-it's rule chain {chain!r}")
    return rules


def _table(
    rules: Sequence[tuple[str, Callable[..., bool]]], triggers: dict[str, str], keys: str
) -> tuple[dict[str, tuple[Callable[..., bool], ...]], tuple[Callable[..., bool], ...]]:
    """Per character, the rules to try there; and the rules for any other character."""
    anywhere = tuple(fn for name, fn in rules if name not in triggers)
    table = {
        char: tuple(fn for name, fn in rules if name not in triggers or char in triggers[name])
        for char in keys + "".join(triggers.values())
    }
    return table, anywhere


def _inline_dispatcher(md: MarkdownIt) -> tuple[Callable[[Any, bool], bool], Callable[[Any], None]]:
    """A dispatching rule (for ``skipToken``) and a ``tokenize`` with the dispatch inlined."""
    rules = _enabled(md.inline.ruler, "")
    if not rules or rules[0][0] != "text":  # pragma: no cover - markdown-it changed
        raise RuntimeError("markdown-it's first inline rule is no longer 'text'")
    text = rules[0][1]
    terminators = md.inline.terminator_re
    table, anywhere = _table(rules, INLINE_TRIGGERS, "")
    # At a character that does not stop plain text, the text rule matches first.
    plain = (text,)
    # markdown-it-py 4.3 buffers pending text (appending to a str attribute copies it,
    # quadratic on a long line); older 4.x versions only have the attribute.
    from markdown_it.rules_inline import StateInline

    buffered = hasattr(StateInline, "append_pending")

    def dispatch(state: Any, silent: bool) -> bool:
        char = state.src[state.pos]
        candidates = table.get(char)
        if candidates is None:
            candidates = anywhere if terminators.match(char) else plain
        for rule in candidates:
            if rule(state, silent):
                return True
        return False

    def tokenize(state: Any) -> None:
        """markdown-it-py's ``ParserInline.tokenize``, with the rule lookup and the
        text rule (a run of characters that are not terminators) written inline."""
        src = state.src
        end = state.posMax
        max_nesting = state.md.options["maxNesting"]
        while state.pos < end:
            pos = state.pos
            ok = False
            if state.level < max_nesting:
                char = src[pos]
                candidates = table.get(char)
                if candidates is None:
                    if not terminators.match(char):
                        # the text rule: up to the next terminator (as markdown-it, unbounded by posMax)
                        found = terminators.search(src, pos)
                        stop = found.start() if found else end
                        if buffered:
                            state.append_pending(src[pos:stop])
                        else:  # pragma: no cover - markdown-it-py < 4.3
                            state.pending += src[pos:stop]
                        state.pos = stop
                        if stop >= end:
                            break
                        continue
                    candidates = anywhere
                for rule in candidates:
                    ok = rule(state, False)
                    if ok:
                        if state.pos <= pos:  # pragma: no cover - as markdown-it checks
                            raise RuntimeError("inline rule didn't increment state.pos")
                        break
            if ok:
                if state.pos >= end:
                    break
                continue
            if buffered:
                state.append_pending(src[pos])
            else:  # pragma: no cover - markdown-it-py < 4.3
                state.pending += src[pos]
            state.pos += 1
        if state.pending:
            state.pushPending()

    return dispatch, tokenize


def _block_dispatcher(md: MarkdownIt, chain: str) -> Callable[[Any, int, int, bool], bool]:
    wrappers = {
        "lheading": _underline_first,
        "math_block": _closing_line_first,
        "code": _indented_first,
        "table": _delimiter_row_first,
    }
    rules = [(name, wrappers[name](fn) if name in wrappers else fn) for name, fn in _enabled(md.block.ruler, chain)]
    table, anywhere = _table(rules, BLOCK_TRIGGERS, "")

    def dispatch(state: Any, line: int, end_line: int, silent: bool) -> bool:
        pos = state.bMarks[line] + state.tShift[line]
        candidates = table.get(state.src[pos], anywhere) if pos < state.eMarks[line] else anywhere
        for rule in candidates:
            if rule(state, line, end_line, silent):
                return True
        return False

    return dispatch


def _underline_first(lheading: Callable[..., bool]) -> Callable[..., bool]:
    """markdown-it's setext heading rule, tried only when the paragraph has a line that could underline it.

    ``lheading`` runs before ``paragraph`` at every paragraph and walks its lines,
    trying every rule that could end a paragraph at each: the same walk ``paragraph``
    then does again.  A setext heading needs a following line, before the first empty
    one, that starts with ``-`` or ``=``; without one the rule fails whatever else it
    finds, so it is not called.  What it leaves behind when it fails is kept:
    ``state.parentType`` is ``"paragraph"`` (markdown-it-py does not restore it).
    """

    def rule(state: Any, start_line: int, end_line: int, silent: bool) -> bool:
        if state.is_code_block(start_line):
            return False
        src, begins, shifts, ends = state.src, state.bMarks, state.tShift, state.eMarks
        line = start_line + 1
        while line < end_line:
            pos = begins[line] + shifts[line]
            if pos >= ends[line]:  # an empty line: the paragraph ends here
                break
            if src[pos] in "-=":
                return lheading(state, start_line, end_line, silent)
            line += 1
        state.parentType = "paragraph"
        return False

    return rule


def _indented_first(code: Callable[..., bool]) -> Callable[..., bool]:
    """markdown-it's indented code rule, tried only on a line indented four columns past the block.

    It has no marker character, so the table would try it on every line (and
    every paragraph line); its first test is that indentation, and before it
    only a debug log call, which costs more than the test.
    """

    def rule(state: Any, start_line: int, end_line: int, silent: bool) -> bool:
        if state.sCount[start_line] - state.blkIndent < 4:
            return False
        return code(state, start_line, end_line, silent)

    return rule


def _delimiter_row_first(table: Callable[..., bool]) -> Callable[..., bool]:
    """markdown-it's table rule, tried only when the next line can be a delimiter row.

    A table's second line starts (after its indentation) with ``|``, ``-`` or ``:``;
    the rule returns False, with no side effect, before reading anything else when
    it does not, or when there is no second line in the block.
    """

    def rule(state: Any, start_line: int, end_line: int, silent: bool) -> bool:
        next_line = start_line + 1
        if next_line >= end_line:
            return False
        pos = state.bMarks[next_line] + state.tShift[next_line]
        if pos >= state.eMarks[next_line] or state.src[pos] not in "|-:":
            return False
        return table(state, start_line, end_line, silent)

    return rule


def _closing_line_first(math_block: Callable[..., bool]) -> Callable[..., bool]:
    """mdit-py-plugins' ``$$`` block rule, kept from scanning the rest of the note for a closing line it cannot find.

    A ``$$`` line that does not close itself scans every later line (blank lines
    included) for one ending with ``$$``; with none, it fails.  Each ``$$`` line of a
    note without a closing one read the rest of the note: quadratic (80 KB of such
    lines took 13 s).  A line the rule takes as closing ends with ``$$`` once
    stripped, whatever container prefix it sits under (the prefix only moves the
    line's start), so when no later line of the block does, the rule is called with
    the block ending at the ``$$`` line: it then tries only that line's own closing
    ``$$``, and returns what the full scan would have returned, leaving the same state.
    """

    def rule(state: Any, start_line: int, end_line: int, silent: bool) -> bool:
        closing = _closing_lines(state)
        after = bisect.bisect_right(closing, start_line)
        if after == len(closing) or closing[after] >= end_line:
            end_line = start_line + 1
        return math_block(state, start_line, end_line, silent)

    return rule


def _closing_lines(state: Any) -> list[int]:
    """The lines of the note that end with ``$$`` (trailing white space aside), ascending; made once per parse."""
    closing = state.env.get(_CLOSING_LINES_KEY)
    if closing is None or closing[0] is not state.src:
        src, ends = state.src, state.eMarks
        lines = []
        start = 0
        for line in range(state.lineMax):
            if src[start : ends[line]].rstrip().endswith("$$"):
                lines.append(line)
            start = ends[line] + 1
        closing = state.env[_CLOSING_LINES_KEY] = (src, lines)
    return closing[1]


#: Where :func:`_closing_lines` keeps its answer in the parse's ``env`` (one source text per parse).
_CLOSING_LINES_KEY = "vaultlint.closing_dollar_lines"


def install_dispatchers(md: MarkdownIt) -> None:
    """Replace each compiled rule chain of ``md`` by one dispatcher (after all plugins are in)."""
    inline, tokenize = _inline_dispatcher(md)
    md.inline.ruler.__cache__ = {"": [inline]}
    md.inline.tokenize = tokenize  # type: ignore[method-assign]
    block_chains = {""} | {alt for rule in md.block.ruler.__rules__ for alt in rule.alt}
    md.block.ruler.__cache__ = {chain: [_block_dispatcher(md, chain)] for chain in block_chains}
    # Tokens are not rendered: the post-processing of inline tokens (emphasis pairs,
    # text joins) builds nothing that is read.
    md.inline.ruler2.__cache__ = {"": []}
