"""VL001 unreadable-file: a note that cannot be checked.

**What it does**: reports Markdown files (and canvases and bases) that are not
valid UTF-8, are binary (many NUL bytes, as in UTF-16 text; a few NULs pasted
into a note are fine), cannot be opened, are not regular files, or are larger
than the size limit of 10 MiB (10485760 bytes), which is fixed.  The file still exists as a link target.

It also reports a folder vaultlint could not look into: one it has no
permission to read, or one whose path is longer than the system allows.  The
notes inside are not checked, and links to them are reported as unresolved.

**Why it matters**: vaultlint cannot check what it cannot read, and Obsidian
shows such files garbled or not at all.

**Example**: a ``.md`` file saved in Latin-1 by another editor.

**How to fix**: re-save the file as UTF-8, or rename a non-note file so it does
not end in ``.md``; give the folder read permission, or shorten its path.
Split a note that is too large, or ``exclude`` it if it is generated data.
"""

from __future__ import annotations

from ..model import Severity
from .base import Rule, Scope

RULE = Rule(
    "VL001", "unreadable-file", Severity.ERROR, "not UTF-8, binary, unreadable, or too large", __doc__, Scope.FILE
)
