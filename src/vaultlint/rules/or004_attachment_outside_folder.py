"""OR004 attachment-outside-folder: an attachment that is not where the vault keeps attachments.

**What it does**: reads "Default location for new attachments" from the
vault's settings (``attachmentFolderPath`` in ``.obsidian/app.json``) and
reports attachments that are not there.  An attachment is an image, audio,
video or PDF file, or any other file a note or canvas links to or embeds
(scripts and other files nothing refers to are not attachments).  Where they
belong:

- ``/``: the vault root;
- ``Attachments`` (a folder): inside that folder, at any depth;
- ``./``: the folder of a note that links to or embeds the file;
- ``./assets``: the ``assets`` folder next to a note that links to or embeds it.

For the ``./`` forms a file no note refers to is not reported (OR002 finds
those).  When the vault has no such setting, nothing is reported.  Off by
default; select it with ``--extend-select OR004``.

**Why it matters**: attachments scattered across the vault are hard to find,
back up or clean up, and they are a sign of files copied in by hand or by
another tool rather than added through Obsidian.

**Example**: ``Projects/diagram.png`` in a vault whose attachments go to
``Attachments``.

**How to fix**: move the file into the attachment folder (moving it inside
Obsidian updates the links to it).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from ..model import Severity, Span, Violation
from ..vault import is_source
from ._vault import VaultView
from .base import Rule, Scope

#: What Obsidian opens itself and puts in the attachment folder when pasted or dropped (its
#: "accepted file formats"); any other file counts as an attachment when a note links to it.
MEDIA = tuple(
    "." + ext
    for ext in ("avif bmp gif jpeg jpg png svg webp flac m4a mp3 ogg wav webm 3gp mkv mov mp4 ogv pdf".split())
)


def expected_folders(setting: str, referrers: set[str]) -> list[str] | None:
    """The folders (vault paths, ``""`` for the root) an attachment may be in;
    ``None`` when there is no verdict (a ``./`` setting and no note refers to the file)."""
    setting = setting.strip()
    if setting in ("", "/"):
        return [""]
    if setting == "." or setting.startswith("./"):
        if not referrers:
            return None
        sub = setting[2:].strip("/")
        folders = [posixpath.dirname(source) for source in referrers]
        return [posixpath.join(folder, sub).strip("/") if sub else folder for folder in folders]
    return [setting.strip("/")]


def _inside(path: str, folder: str, any_depth: bool) -> bool:
    parent, folder = posixpath.dirname(path).lower(), folder.lower()
    if any_depth:
        return folder == "" or parent == folder or parent.startswith(folder + "/")
    return parent == folder


def check(view: VaultView, ctx: object) -> Iterator[tuple[str, Violation]]:
    setting = view.context.vault.obsidian.attachment_folder
    if setting is None:
        return
    relative = setting.strip() == "." or setting.strip().startswith("./")
    fixed_folder = not relative and setting.strip() not in ("", "/")
    referrers = view.referrers()
    for path in view.files:
        if is_source(path) or not (path.lower().endswith(MEDIA) or path in referrers):
            continue
        folders = expected_folders(setting, referrers.get(path, set()))
        if folders is None or any(_inside(path, folder, fixed_folder) for folder in folders):
            continue
        where = "the vault root" if folders == [""] else " or ".join(f'"{f}"' for f in sorted(set(folders)))
        yield (
            path,
            Violation(
                Span(1, 1, 1, 1), f"attachment is outside the attachment folder ({where}, from attachmentFolderPath)"
            ),
        )


RULE = Rule(
    "OR004",
    "attachment-outside-folder",
    Severity.WARNING,
    "attachment is not in the folder set as the vault's attachment folder",
    __doc__,
    Scope.VAULT,
    check,
    enabled_by_default=False,
)
