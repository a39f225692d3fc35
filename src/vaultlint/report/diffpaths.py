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
    """``diff`` (as :mod:`difflib` writes it, labelled ``a/<vault path>``) with its headers relabelled.

    With ``terminal``, the lines of the notes are escaped too (tabs kept), so that
    nothing a note holds reaches a terminal raw; a diff that is piped or
    redirected keeps the notes' bytes, or it would not apply.
    """
    old_header = f"--- a/{vault_path}\n+++ b/{vault_path}\n"
    shown = diff_label(vault_path, vault_root, cwd)
    header = f"--- {quote_diff_path('a/' + shown)}\n+++ {quote_diff_path('b/' + shown)}\n"
    if not diff.startswith(old_header):
        return diff.replace(old_header, header, 1)
    body = diff[len(old_header) :]
    if terminal:
        body = "".join(_shown_line(line) for line in body.splitlines(keepends=True))
    return header + body


def _shown_line(line: str) -> str:
    text, newline = (line[:-1], "\n") if line.endswith("\n") else (line, "")
    return "\t".join(escape(part) for part in text.split("\t")) + newline
