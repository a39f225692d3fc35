"""The vault: its root, every file in it, Obsidian's settings, and link resolution.

Which files *exist* is always the whole vault (OBSIDIAN.md §8.2: everything but
dot-files and dot-folders).  Which files are *reported on* is decided by the
engine with :meth:`Vault.is_reportable`.  :meth:`VaultIndex.resolve` is the one
implementation of Obsidian's ``getLinkpathDest`` (OBSIDIAN.md §2.1).
"""

from __future__ import annotations

import errno
import functools
import json
import operator
import os
import posixpath
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .safeio import NotRegular, RefusedFile, TooLarge, open_regular, read_capped, read_regular

if TYPE_CHECKING:  # pathspec is imported only when a .gitignore exists
    import pathspec


class VaultError(Exception):
    """A problem that stops the run (exit code 2): the message is one line for the user."""


class VaultFile(NamedTuple):
    """One file of the vault.  A named tuple, not a dataclass: a run makes one per
    file of the vault, and a pre-commit run on a 20,000-note vault has half a second."""

    path: str  # vault-relative, '/'-separated, NFC
    fs_path: str  # where it is on disk
    #: A Markdown note (``.md``, any case), as opposed to an attachment.
    is_note: bool


#: Files that are read for links: notes, canvases and bases (the rest are attachments).
SOURCE_SUFFIXES = (".md", ".canvas", ".base")


def is_source(path: str) -> bool:
    """A note, canvas or base: a file vaultlint reads and reports on, not only a link target."""
    return path[-7:].lower().endswith(SOURCE_SUFFIXES)


@dataclass(frozen=True)
class Resolution:
    """Where a link path leads: a vault path, or ``None`` when unresolved."""

    target: str | None
    #: Other candidates that tie with ``target`` under Obsidian's rules (LK005, D3).
    tied: tuple[str, ...] = ()


def nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _js_length(text: str) -> int:
    """String length as JavaScript counts it (UTF-16 code units), for Obsidian's sort."""
    return len(text.encode("utf-16-le")) // 2


class _Candidate(NamedTuple):
    """A file step 7 of the resolution may choose, with what it is chosen by (in sort order)."""

    length: int  # as JavaScript counts (UTF-16 code units)
    lower: str  # the vault path, lower-cased
    path: str


#: The answer for a link that reaches no file (frozen: one for all).
_UNRESOLVED = Resolution(None)

#: How many link resolutions a :class:`VaultIndex` remembers (the most recently asked).
RESOLUTIONS_KEPT = 1 << 15


class VaultIndex:
    """Every file of the vault by path and by lower-cased file name (OBSIDIAN.md §2)."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths: tuple[str, ...] = tuple(sorted(paths))
        # A link's target depends on the source note's folder only, so one answer serves every
        # note of that folder (a flat vault of 13,000 notes asks for the same names over and over).
        # Bounded: in a deep vault nearly every (link, folder) pair is new, and an unbounded cache
        # kept one entry per link of the vault (160 MB at 100,000 notes) for answers that cost
        # microseconds to work out again.
        self._remember_resolutions()

    # The tables are made on first use (then they are plain attributes: no call on the hot path of
    # resolution).  A run answered whole by the cache resolves nothing: at 100,000 notes, making
    # them was 0.1 s of its 1.5 s.
    @functools.cached_property
    def by_name(self) -> dict[str, list[str]]:
        """Lower-cased file name (with extension) -> every vault path with that name."""
        return self._make_tables()[1]

    @functools.cached_property
    def _by_lower_path(self) -> dict[str, str]:
        return self._make_tables()[0]

    def _make_tables(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        """Both tables, kept as the attributes :attr:`by_name` and ``_by_lower_path``: whichever is
        asked for first makes both."""
        by_lower_path: dict[str, str] = {}
        by_name: dict[str, list[str]] = {}
        # Once per file of the vault on every run that resolves: plain dict calls, no helpers.
        for path in self.paths:
            lower = path.lower()
            if lower not in by_lower_path:
                by_lower_path[lower] = path
            name = lower[lower.rfind("/") + 1 :]
            same_name = by_name.get(name)
            if same_name is None:
                by_name[name] = [path]
            else:
                same_name.append(path)
        self.__dict__["_by_lower_path"], self.__dict__["by_name"] = by_lower_path, by_name
        return by_lower_path, by_name

    def _remember_resolutions(self) -> None:
        self._resolve_from = functools.lru_cache(maxsize=RESOLUTIONS_KEPT)(self._resolve_from_folder)
        #: The files of a name shared by several, in the order step 7 chooses among them (made on
        #: first use, :meth:`_in_choice_order`).
        self._choice_order: dict[str, tuple[_Candidate, ...]] = {}

    def renamed(self, moved: Mapping[str, str]) -> VaultIndex:
        """This index once the files in ``moved`` (vault path -> new vault path) are renamed.

        The same as ``VaultIndex`` of the new paths, but made from this index's tables: an
        editor asks it on every file rename, and building a 13,000-file index from scratch
        each time was a quarter of the answer's time and most of its garbage.
        """
        gone = {old.lower() for old in moved}
        arrived = {new.lower() for new in moved.values()}
        paths = sorted([*(p for p in self.paths if p not in moved), *moved.values()])
        index = VaultIndex.__new__(VaultIndex)
        index.paths = tuple(paths)
        index.by_name = dict(self.by_name)
        index._by_lower_path = dict(self._by_lower_path)
        names = {lower[lower.rfind("/") + 1 :] for lower in gone | arrived}
        for name in names:
            same = [p for p in self.by_name.get(name, ()) if p not in moved]
            same += [new for new in moved.values() if new.lower().rsplit("/", 1)[-1] == name]
            if same:
                index.by_name[name] = sorted(same)
            else:
                index.by_name.pop(name, None)
        for lower in gone | arrived:  # the first of case twins in path order, as __init__ keeps
            name = lower[lower.rfind("/") + 1 :]
            twins = [p for p in index.by_name.get(name, ()) if p.lower() == lower]
            if twins:
                index._by_lower_path[lower] = twins[0]
            else:
                index._by_lower_path.pop(lower, None)
        index._remember_resolutions()
        return index

    def __contains__(self, path: str) -> bool:
        return nfc(path).lower() in self._by_lower_path

    def exact(self, path: str) -> str | None:
        """The vault path equal to ``path`` ignoring case."""
        return self._by_lower_path.get(nfc(path).lower())

    def resolve(self, link_path: str, source_path: str) -> Resolution:
        """The vault path ``link_path`` leads to from the note ``source_path`` (OBSIDIAN.md §2)."""
        # Step 1: an empty path is the note itself.
        if not link_path:
            return Resolution(source_path)
        if "/" not in link_path:
            found = self._resolve_bare_name(link_path)
            if found is not None:
                return found
        cut = source_path.rfind("/")  # posixpath.dirname, for vault paths (no "//", no trailing "/")
        return self._resolve_from(link_path, source_path[:cut] if cut > 0 else source_path[: cut + 1])

    def _resolve_bare_name(self, link_path: str) -> Resolution | None:
        """Where a link path without "/" leads from any folder; ``None`` when the folder decides.

        Most links are a bare name that one file has (or none): the same answer from every
        folder.  Worked out each time, not remembered: a name or two to look up, while a bounded
        cache of the answers missed more and more as the vault grew (over 100,000 notes it held
        a third of the names asked for) and cost more than it saved.
        """
        name = link_path.lower() if link_path.isascii() else nfc(link_path).lower()
        # Step 2 (_candidates, for a name without "/"): the name as written, or with ".md" implied.
        candidates = self.by_name.get(name, ()) if "." in name else ()
        if not candidates:
            candidates = self.by_name.get(name + ".md", ())
            if not candidates:
                return _UNRESOLVED
        # Step 3 (relative and absolute paths have a "/"); steps 4 to 7 choose among several.
        return Resolution(candidates[0]) if len(candidates) == 1 else None

    def _candidates(self, path: str) -> tuple[list[str], str]:
        """Step 2: the files named as the lower-cased ``path`` ends, with ".md" implied when
        needed; and the vault path wanted, lower-cased."""
        name = path.rsplit("/", 1)[-1]
        candidates = self.by_name.get(name, []) if "." in name else []
        if candidates:
            return candidates, path
        return self.by_name.get(name + ".md", []), path + ".md"

    def _resolve_from_folder(self, link_path: str, folder: str) -> Resolution:
        path = nfc(link_path).lower()
        source_folder = folder.lower()
        absolute = path.startswith("/")
        bare = "/" not in path
        relative = path.startswith(("./", "../"))
        if relative:
            # D13: a "../" above the vault root stops at the root, as POSIX path arithmetic
            # stops at "/" ("/.." is "/"), and the rest of the path is resolved from there.
            path = posixpath.normpath("/" + posixpath.join(source_folder, path))[1:]
        candidates, wanted = self._candidates(path)
        if not candidates:
            return Resolution(None)
        # Step 3: a bare name with a single candidate.
        if bare and len(candidates) == 1:
            return Resolution(candidates[0])
        # Steps 4 and 5: the exact vault path (relative paths are now vault paths too).  Every
        # candidate has the wanted path's file name, so the first file of that path in path order
        # (the candidates' order) is the one this index keeps for it.
        if wanted.startswith("/"):
            wanted = wanted[1:]
        exact = self._by_lower_path.get(wanted)
        if exact is not None:
            return Resolution(exact)
        # Step 6: no fuzzy matching for absolute links.
        if absolute:
            return Resolution(None)
        # Step 7: suffix match; same folder first (plain string prefix), then shortest.  Read in
        # the order chosen in, made once per name: a name that many folders have (index.md) was
        # lower-cased and sorted again on every call, a cost that grew with the vault twice over.
        matches = [c for c in self._in_choice_order(candidates) if c.lower.endswith(wanted)]
        if not matches:
            return Resolution(None)
        group = [c for c in matches if c.lower.startswith(source_folder)] or matches
        best = group[0]
        tied = tuple(c.path for c in group[1:] if c.length == best.length)
        return Resolution(best.path, tied)

    def _in_choice_order(self, candidates: list[str]) -> tuple[_Candidate, ...]:
        """``candidates`` (the files of one name) as step 7 chooses among them: shortest first as
        JavaScript counts, then by lower-cased path, then by path."""
        name = candidates[0].lower().rsplit("/", 1)[-1]
        found = self._choice_order.get(name)
        if found is None:
            made = (_Candidate(_js_length(c), c.lower(), c) for c in candidates)
            found = self._choice_order[name] = tuple(sorted(made))
        return found


@dataclass(frozen=True)
class ObsidianSettings:
    """What vaultlint reads from the config folder (OBSIDIAN.md §8)."""

    user_ignore_filters: tuple[str, ...] = ()
    property_types: Mapping[str, str] = field(default_factory=dict)
    template_folders: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    #: ``attachmentFolderPath`` as written (``None`` when not set): OR004.
    attachment_folder: str | None = None
    #: ``newLinkFormat`` (``shortest``, ``relative``, ``absolute``) and ``useMarkdownLinks``: LK010.
    new_link_format: str = "shortest"
    use_markdown_links: bool = False


#: A settings file of the config folder larger than this is ignored with a warning: Obsidian's
#: own are a few kilobytes; a plugin's data.json can reach a few hundred.
MAX_SETTINGS_BYTES = 8 * 1024 * 1024
#: A ``.gitignore`` larger than this is ignored with a warning (the largest real ones are tens of kilobytes).
MAX_GITIGNORE_BYTES = 4 * 1024 * 1024


def _read_json(path: Path, root: Path, warnings: list[str]) -> dict:
    """A settings file of the config folder: a regular file inside the vault, bounded; ``{}`` otherwise."""
    try:
        data = json.loads(read_regular(path, MAX_SETTINGS_BYTES, within=root).decode("utf-8"))
    except FileNotFoundError:
        return {}
    except RefusedFile as error:
        warnings.append(f"ignored: {error}")
        return {}
    except (OSError, ValueError, RecursionError) as error:
        warnings.append(f"{path}: ignored, not readable JSON ({error})")
        return {}
    return data if isinstance(data, dict) else {}


def _strings(value: object) -> list[str]:
    """The strings of a JSON list (anything else in a settings file is ignored, as Obsidian does)."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def read_obsidian_settings(
    root: Path, obsidian_dir: str, configured_templates: tuple[str, ...] = ()
) -> ObsidianSettings:
    """The config folder's settings; ``configured_templates`` (the config's ``template-folders``)
    are the template folders when the config folder names none (it is often not committed)."""
    config = root / obsidian_dir
    warnings: list[str] = []
    app = _read_json(config / "app.json", root, warnings)
    filters = _strings(app.get("userIgnoreFilters"))
    types = _read_json(config / "types.json", root, warnings).get("types")
    types = types if isinstance(types, dict) else {}
    folders = [
        _read_json(config / "templates.json", root, warnings).get("folder"),
        _read_json(config / "plugins" / "templater-obsidian" / "data.json", root, warnings).get("templates_folder"),
    ]
    return ObsidianSettings(
        user_ignore_filters=tuple(f.strip() for f in filters if f.strip()),
        property_types={k: v for k, v in types.items() if isinstance(k, str) and isinstance(v, str)},
        template_folders=_folders(folders) or _folders(configured_templates),
        warnings=tuple(warnings),
        attachment_folder=nfc(attachments) if isinstance(attachments := app.get("attachmentFolderPath"), str) else None,
        new_link_format=app["newLinkFormat"] if app.get("newLinkFormat") in ("relative", "absolute") else "shortest",
        use_markdown_links=app.get("useMarkdownLinks") is True,
    )


def _folders(folders: Iterable[object]) -> tuple[str, ...]:
    """Folder names as written in a setting, as vault paths (no leading or trailing slash)."""
    return tuple(nfc(f.strip().strip("/")) for f in folders if isinstance(f, str) and f.strip().strip("/"))


def is_user_ignored(path: str, filters: Iterable[str]) -> bool:
    """Obsidian's Excluded files (``updateUserIgnoreFilters``, OBSIDIAN.md §8.1)."""
    lower = path.lower()
    for entry in filters:
        if len(entry) > 2 and entry.startswith("/") and entry.endswith("/"):
            try:
                if re.search(entry[1:-1], path, re.IGNORECASE):
                    return True
            except re.error:
                continue  # Obsidian logs a bad regex and skips it
        elif lower.startswith(entry.lower()):
            return True
    return False


class GitIgnore:
    """``.gitignore`` files of the vault and of its parent folders up to the git work tree."""

    def __init__(self, specs: list[tuple[str, str, pathspec.GitIgnoreSpec]], warnings: tuple[str, ...] = ()) -> None:
        # (folder inside the vault it applies to, prefix that makes a vault path
        # relative to the .gitignore's folder, spec), shallowest first: a deeper
        # file's verdict overrides, as in git.
        self._specs = specs
        #: ``.gitignore`` files that could not be used (a FIFO, a link out of the work tree, too large).
        self.warnings = warnings

    @classmethod
    def load(cls, root: Path, folders_with_gitignore: Iterable[str]) -> GitIgnore:
        specs: list[tuple[str, str, pathspec.GitIgnoreSpec]] = []
        warnings: list[str] = []
        parents: list[Path] = []
        if not (root / ".git").exists():
            for parent in root.parents:
                parents.append(parent)
                if (parent / ".git").exists():
                    break
            else:
                parents = []
        for parent in reversed(parents):
            # Inside the work tree (the last parent): the repository's own files.
            spec = cls._read(parent / ".gitignore", parents[-1], warnings)
            if spec is not None:
                specs.append(("", os.path.relpath(root, parent).replace(os.sep, "/") + "/", spec))
        for folder in sorted(folders_with_gitignore, key=lambda f: f.count("/")):
            spec = cls._read(root / folder / ".gitignore" if folder else root / ".gitignore", root, warnings)
            if spec is not None:
                specs.append((folder, "", spec))
        return cls(specs, tuple(warnings))

    @staticmethod
    def _read(path: Path, within: Path, warnings: list[str]) -> pathspec.GitIgnoreSpec | None:
        try:
            data = read_regular(path, MAX_GITIGNORE_BYTES, within=within)
        except FileNotFoundError:
            return None
        except RefusedFile as error:
            warnings.append(f"ignored: {error}")
            return None
        except OSError as error:
            warnings.append(f"{path}: ignored, cannot read it ({error.strerror or error})")
            return None
        import pathspec

        return pathspec.GitIgnoreSpec.from_lines(data.decode("utf-8", errors="replace").splitlines())

    def is_ignored(self, path: str) -> bool:
        ignored = False
        for folder, prefix, spec in self._specs:
            if not folder:
                relative = prefix + path
            elif path.startswith(folder + "/"):
                relative = path[len(folder) + 1 :]
            else:
                continue
            result = spec.check_file(relative)
            if result.include is not None:
                ignored = result.include
        return ignored


@dataclass
class Vault:
    root: Path
    files: tuple[VaultFile, ...]
    index: VaultIndex
    obsidian: ObsidianSettings
    gitignore: GitIgnore
    by_path: dict[str, VaultFile]
    #: Obsidian config folders below the root (``Other/.obsidian``): vaults inside the vault (FN004).
    nested_vaults: tuple[str, ...] = ()
    #: Folders (and entries) the walk could not enter, with why: reported as VL001, never skipped silently.
    unreadable: tuple[tuple[str, str], ...] = ()

    def vault_path(self, relative: str) -> str:
        """The vault path of a file named by its path from the root as on disk: the NFC
        form, unless the name as written is the vault path of an NFC twin of its own."""
        return relative if relative in self.by_path else nfc(relative)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Settings and ``.gitignore`` files that could not be used, one line each."""
        return self.obsidian.warnings + self.gitignore.warnings

    @property
    def notes(self) -> list[VaultFile]:
        return [f for f in self.files if f.is_note]

    def in_template_folder(self, path: str) -> bool:
        lower = path.lower()
        return any(lower.startswith(folder.lower() + "/") for folder in self.obsidian.template_folders)


def check_obsidian_dir(name: str) -> None:
    """The config folder's name must keep it inside the vault (no ``..``, not absolute)."""
    parts = name.replace("\\", "/").split("/")
    if not name.strip() or os.path.isabs(name) or name.startswith("\\") or ".." in parts or "\0" in name:
        raise VaultError(f'obsidian-dir must be a folder inside the vault such as ".obsidian", not {name!r}')


@dataclass(frozen=True)
class Argument:
    """One PATH of the command line, resolved once."""

    given: Path
    #: Where the user points: absolute, symlinks not followed (the vault root is looked for from here).
    place: Path
    #: What it is: every symlink followed (this must be inside the vault root).
    target: Path


def resolve_argument(path: Path) -> Argument:
    """Resolve a PATH once; a missing path or a symlink that leads nowhere is a :class:`VaultError`."""
    if not path.exists() and not path.is_symlink():
        raise VaultError(f"path does not exist: {path}")
    try:
        target = Path(os.path.realpath(path, strict=True))
    except (OSError, RuntimeError):
        raise VaultError(f"path {path} is a symbolic link that leads nowhere") from None
    return Argument(path, Path(os.path.abspath(path)), target)


def common_folder(places: Iterable[Path]) -> Path:
    """The nearest folder that holds every one of ``places`` (a folder holds itself)."""
    folders = [str(p) if p.is_dir() and not p.is_symlink() else str(p.parent) for p in places]
    return Path(os.path.commonpath(folders))


def find_git_root(start: Path) -> Path | None:
    """The git work tree around ``start``: the nearest folder holding ``.git`` (a folder, or a file
    in worktrees and submodules).  Walking up is enough and costs no ``git`` process."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def find_vault_root(start: Path, obsidian_dir: str) -> Path | None:
    """The nearest folder, from ``start`` upwards, that holds the Obsidian config folder."""
    for folder in (start, *start.parents):
        if (folder / obsidian_dir).is_dir():
            return folder
    return None


_by_vault_path = operator.itemgetter(0)  # VaultFile.path, as a sort key without a Python call per file


def scan_vault(root: Path, obsidian_dir: str = ".obsidian", configured_templates: tuple[str, ...] = ()) -> Vault:
    """Walk the vault once.  Dot-entries are not part of it; folder symlinks are never followed.
    ``configured_templates``: see :func:`read_obsidian_settings`.

    A file symlink counts only when it points at a file inside the vault
    (OBSIDIAN.md §8.2): resolution never leaves the vault.
    """
    root = root.resolve()
    real_root = str(root)
    files: list[VaultFile] = []
    gitignore_folders: list[str] = []
    nested_vaults: list[str] = []
    unreadable: list[tuple[str, str]] = []
    if os.path.lexists(root / ".gitignore"):  # whatever it is: a FIFO or a link out is a warning
        gitignore_folders.append("")
    stack: list[tuple[str, str]] = [(str(root), "")]
    make = tuple.__new__  # (VaultFile's own __new__ is a Python call: one per file of the vault, every run)
    while stack:
        folder, relative = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as error:
            if not relative:
                raise VaultError(f"cannot read the vault root {root}: {error.strerror or error}") from None
            unreadable.append((nfc(relative), _walk_problem(error, "folder")))
            continue
        prefix = relative + "/" if relative else ""
        for entry in entries:
            name = entry.name
            if name[0] == ".":
                if name == ".gitignore" and relative:
                    gitignore_folders.append(relative)
                elif name == obsidian_dir and relative and entry.is_dir(follow_symlinks=False):
                    nested_vaults.append(nfc(f"{relative}/{name}"))
                continue
            child = prefix + name
            try:
                if entry.is_file(follow_symlinks=False):  # most entries: one call (d_type, no stat)
                    path = child if child.isascii() else nfc(child)  # (nfc's own first test, without its call)
                    files.append(make(VaultFile, (path, entry.path, name[-3:].lower() == ".md")))
                    continue
                if entry.is_symlink():
                    if not _symlink_stays_inside(entry.path, real_root):
                        continue
                    if entry.is_dir():
                        continue  # never follow folder links: loops and duplicates
                elif entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, child))
                    continue
            except OSError as error:
                unreadable.append((nfc(child), _walk_problem(error, "entry")))
                continue
            files.append(VaultFile(nfc(child), entry.path, name[-3:].lower() == ".md"))
    files.sort(key=_by_vault_path)
    paths = [f.path for f in files]
    if len(set(paths)) != len(paths):
        files = _keep_twins_apart(files, len(real_root) + 1)
        paths = [f.path for f in files]
    obsidian = read_obsidian_settings(root, obsidian_dir, configured_templates)
    return Vault(
        root=root,
        files=tuple(files),
        index=VaultIndex(paths),
        obsidian=obsidian,
        gitignore=GitIgnore.load(root, gitignore_folders),
        by_path=dict(zip(paths, files)),
        nested_vaults=tuple(sorted(nested_vaults)),
        unreadable=tuple(sorted(unreadable)),
    )


def _keep_twins_apart(files: list[VaultFile], root_length: int) -> list[VaultFile]:
    """Give each of two files whose names are the same in NFC a vault path of its own.

    ``Café.md`` written precomposed (NFC) and decomposed (NFD) are two files on
    Linux: both are notes to check, and a fix belongs to each one's own bytes.
    The one whose name is NFC as written keeps the NFC path (links reach it, as
    in Obsidian, which normalises every name); the other keeps its name as
    written.  FN003 says that the two collide on macOS.  ``files`` is sorted;
    so is the result.
    """
    twins: dict[str, list[int]] = {}
    for position, file in enumerate(files):
        twins.setdefault(file.path, []).append(position)
    for positions in twins.values():
        if len(positions) < 2:
            continue
        written = {p: files[p].fs_path[root_length:].replace(os.sep, "/") for p in positions}
        keeper = next((p for p in positions if written[p] == files[p].path), min(positions, key=written.__getitem__))
        for p in positions:
            if p != keeper:
                files[p] = files[p]._replace(path=written[p])
    return sorted(files, key=_by_vault_path)


def _walk_problem(error: OSError, what: str) -> str:
    """Why the walk could not look into a folder (or at an entry), in words for the user."""
    consequence = "; the notes in it are not checked" if what == "folder" else ""
    if error.errno == errno.ENAMETOOLONG:
        return f"{what} path is longer than the system allows (PATH_MAX){consequence}"
    return f"cannot read {what}: {error.strerror or error}{consequence}"


def _symlink_stays_inside(path: str, real_root: str) -> bool:
    try:
        target = os.path.realpath(path, strict=True)
    except (OSError, RuntimeError):
        return False  # dangling, or a loop
    return target.startswith(real_root + os.sep)


#: Notes larger than this are VL001, not parsed: hand-written notes are far smaller (the
#: largest in the corpora is 0.5 MB), and parsing time and memory grow with the size.
#: Fixed, not configurable: the cache and the parse workers need not know a setting.
MAX_NOTE_BYTES = 10 * 1024 * 1024


class UnreadableFile(Exception):
    """Why a note could not be read (VL001); the message is shown to the user."""


def read_note_bytes(fs_path: str, max_bytes: int = MAX_NOTE_BYTES, info: os.stat_result | None = None) -> bytes:
    """The bytes of a note, or :class:`UnreadableFile` saying why not.  Never blocks on a FIFO.

    ``info``: the file's stat when the caller has just made it (not made again).
    """
    try:
        with open_regular(fs_path, info=info) as handle:
            return read_capped(handle, max_bytes, fs_path)
    except NotRegular:
        raise UnreadableFile("not a regular file") from None
    except TooLarge as error:
        held = f"{error.size} bytes" if error.size is not None else f"more than {max_bytes} bytes"
        raise UnreadableFile(f"file is too large to check: {held}, limit {max_bytes}") from None
    except (OSError, RefusedFile) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        raise UnreadableFile(f"cannot read file: {reason}") from error


#: A file with more NUL bytes than this share is binary (UTF-16 text is about half NULs),
#: even when it happens to decode as UTF-8.  A few NULs (pasted into a code block) are text.
MAX_NUL_SHARE = 0.1


def decode_note(data: bytes) -> str:
    """UTF-8 text of a note, or :class:`UnreadableFile` for binary or non-UTF-8 content."""
    nuls = data.count(b"\x00")
    if nuls and nuls > len(data) * MAX_NUL_SHARE:
        raise UnreadableFile("binary file (contains NUL bytes), not a Markdown note")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UnreadableFile(f"not valid UTF-8 (byte {error.start}, line {line})") from error
