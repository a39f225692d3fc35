"""The file names in ``--diff`` headers: relative to the current folder, and inert.

``fix.FileFix.diff`` labels a diff with the vault-relative path.  A person runs
``vaultlint check --diff`` from some folder and applies the result from the same
folder (``git apply`` or ``patch -p1``), so the ``a/`` and ``b/`` names are
made relative to that folder (relative to the vault root for a file outside it),
and quoted the way git quotes names when a name
holds a newline, a control character or undecodable bytes, so that a header is
always one line and nothing in it reaches the terminal raw.
"""

from __future__ import annotations

import os
from pathlib import Path

from .escape import escape, quote_diff_path


def diff_label(vault_path: str, vault_root: Path, cwd: Path) -> str:
    """The name of a vault file as a diff shows it: relative to ``cwd`` when the file is below it.

    Otherwise the vault-relative path: ``patch`` and ``git apply`` refuse ``../``
    names, so such a diff is applied from the vault root instead.
    """
    absolute = vault_root / vault_path
    try:
        relative = os.path.relpath(absolute, cwd)
    except ValueError:  # another drive on Windows
        return vault_path
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        return vault_path
    return relative.replace(os.sep, "/")


def relabel_diff(diff: str, vault_path: str, vault_root: Path, cwd: Path, terminal: bool = False) -> str:
    """``diff`` (one file's, as :mod:`difflib` writes it: a ``---`` and a ``+++`` line, then hunks)
    with its two header lines replaced by the names relative to ``cwd``.

    The header is replaced whatever form the vault-relative name took in it (quoted,
    or followed by a tab when it holds a space): only its position is relied on.
    With ``terminal``, the lines of the notes are escaped too (tabs kept), so that
    nothing a note holds reaches a terminal raw; a diff that is piped or
    redirected keeps the notes' bytes, or it would not apply.
    """
    shown = diff_label(vault_path, vault_root, cwd)
    header = f"--- {header_name('a/' + shown)}\n+++ {header_name('b/' + shown)}\n"
    old, new, body = (diff.split("\n", 2) + ["", ""])[:3]
    if not (old.startswith("--- ") and new.startswith("+++ ")):
        return diff  # not a diff difflib wrote: leave it as it is
    if terminal:
        body = "".join(_shown_line(line) for line in body.splitlines(keepends=True))
    return header + body


def header_name(name: str) -> str:
    """A name for a ``---``/``+++`` line that ``git apply`` and ``patch`` read back whole: quoted as
    git quotes it when it must be, and followed by a tab when it holds a space (without the tab,
    both take the name to end at the space)."""
    quoted = quote_diff_path(name)
    return quoted + "\t" if " " in quoted else quoted


def _shown_line(line: str) -> str:
    text, newline = (line[:-1], "\n") if line.endswith("\n") else (line, "")
    return "\t".join(escape(part) for part in text.split("\t")) + newline
