"""The one place where text that came from a vault is made safe to print.

File names, link text, messages and hints are written by whoever wrote the
notes: a pull request, a shared vault.  Printed raw, they could steer whatever
reads vaultlint's output:

- a newline starts a line of its own, which GitHub Actions obeys as a workflow
  command (``::error file=...::``) and which breaks every line-based format;
- ESC, CSI (``\\x9b``) and OSC sequences reach the terminal (window title,
  screen clear, hyperlinks), and tools that write logs replay them;
- ``##[command]`` anywhere in a line is a legacy GitHub Actions command, and
  ``##vso[...]`` an Azure Pipelines one;
- names that are not valid UTF-8 (Python keeps their bytes as lone surrogates,
  see :func:`os.fsdecode`) make JSON, XML and ``-o FILE`` fail to encode.

:func:`escape` turns all of these into visible, inert text: ``\\n``, ``\\x1b``,
``\\x9b``, ``\\xff`` (the original byte of an undecodable name), ``\\u202e``
and ``##\\[``.  Every output format passes every string that came from a vault
through it, so each format stays valid for any file name and no note can add a
line, a command or a terminal sequence to the output.  A backslash itself is
left alone: escaping it would make every Windows-style path in a message harder
to read, and an ambiguous display cannot steer anything.
"""

from __future__ import annotations

import re

#: C0 controls (tab and newline included), DEL, C1 controls (CSI ``\x9b``, OSC ``\x9d`` ...),
#: the Unicode line and paragraph separators, bidirectional overrides and isolates (they can
#: make a line read differently from what it is), lone surrogates (undecodable bytes of a
#: file name), and the CI log command prefixes ``##[`` and ``##vso[``.
_UNSAFE = re.compile(
    # Case spelled out rather than re.IGNORECASE: with that flag every character is case-folded
    # against the class, which made escaping 20,000 strings cost a second.
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]|##(?:[vV][sS][oO])?\\[",
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    found = match.group()
    if len(found) > 1:  # "##[" or "##vso[": break the command prefix, keep it readable
        return found[:-1] + "\\["
    if found in _NAMED:
        return _NAMED[found]
    code = ord(found)
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def escape(text: str) -> str:
    """``text`` with every character that could steer a reader shown as a visible escape."""
    if is_safe(text):
        return text
    return _UNSAFE.sub(_visible, text)


def is_safe(text: str) -> bool:
    """True when :func:`escape` leaves ``text`` as it is.  Texts joined by a space are safe when
    each is (the space is printable, and splits any "##")."""
    # Every character _UNSAFE matches is one str.isprintable() refuses (controls, separators,
    # format characters, surrogates): the usual text is returned ten times faster than by sub().
    return text.isprintable() and "##" not in text


def escape_optional(text: str | None) -> str | None:
    return None if text is None else escape(text)


def line_start_safe(text: str) -> str:
    """An escaped path that may begin a line: never begins with ``::`` (a workflow command).

    ``./`` in front names the same file, so the line still reads and still works
    as a path.
    """
    shown = escape(text)
    return "./" + shown if shown.lstrip().startswith(":") else shown


# -- diff headers --------------------------------------------------------------

_C_ESCAPES = {"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r"}
_C_ESCAPES.update({'"': '\\"', "\\": "\\\\"})


def quote_diff_path(path: str) -> str:
    """A path for a ``---``/``+++`` line, quoted the way git quotes it when it must be.

    Plain names are returned as they are.  A name with a control character, a
    quote, a backslash, a character outside ASCII that would need escaping, or
    undecodable bytes is written as git does (``"a/x\\nb.md"``, octal escapes for
    other bytes), which both ``git apply`` and GNU ``patch`` read back to the
    real name, so the header is one inert line and the diff still applies.
    """
    if not _UNSAFE.search(path) and '"' not in path and "\\" not in path:
        return path
    try:
        raw = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate os.fsdecode never makes
        raw = path.encode("utf-8", "surrogatepass")
    out: list[str] = []
    for byte in raw:
        char = chr(byte)
        if char in _C_ESCAPES:
            out.append(_C_ESCAPES[char])
        elif byte < 0x20 or byte >= 0x7F or char == "[":  # "[" too, so no "##[" is left
            out.append(f"\\{byte:03o}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'
