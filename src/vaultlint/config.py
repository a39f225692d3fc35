"""Configuration: ``.vaultlint.toml`` or ``[tool.vaultlint]`` in ``pyproject.toml`` (DESIGN.md §5).

Found from the checked folder upwards, nearest wins (in one folder
``.vaultlint.toml`` wins over ``pyproject.toml``); ``--config`` names one
explicitly.  Validation is strict: an unknown key, a value of the wrong type, a
file that is not UTF-8 or not TOML, or nests absurdly deep is a
:class:`ConfigError`: one line naming the file, the key and what was expected,
and the run stops with exit code 2.  A pyproject.toml that cannot be parsed
counts as a config when it visibly holds ``[tool.vaultlint]``.  Unknown rule
codes are refused too, by :mod:`vaultlint.selection` (with a "did you mean").
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

CONFIG_NAMES = (".vaultlint.toml", "pyproject.toml")
SEVERITIES = ("error", "warning", "info", "off")
PROPERTY_TYPES = ("text", "multitext", "number", "checkbox", "date", "datetime", "aliases", "tags")


class ConfigError(Exception):
    """The configuration cannot be used; the message is one line for the user."""


@dataclass(frozen=True)
class PropertySchema:
    """Expectations for the notes in ``folder`` (a glob) and/or carrying ``tag``; both empty means all notes."""

    folder: str | None = None
    tag: str | None = None
    types: Mapping[str, str] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    allowed: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)

    def applies_to_path(self, path: str) -> bool:
        """Whether ``folder`` matches the vault path (gitignore rules; no folder matches every note)."""
        if self.folder is None:
            return True
        from .globs import GlobSet

        matcher = self.__dict__.get("_matcher")
        if matcher is None:  # compiled once; a frozen dataclass can still keep a private cache
            matcher = self.__dict__["_matcher"] = GlobSet((self.folder,))
        return matcher.matches(path)


@dataclass(frozen=True)
class Settings:
    """The effective configuration; every field has the default a fresh vault gets."""

    source: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    severity: Mapping[str, str] = field(default_factory=dict)
    fail_on: str = "error"
    exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    respect_obsidian_excluded: bool = False
    check_comments: bool = False
    lint_templates: bool = False
    #: Bare wikilinks to notes not written yet are placeholders, not problems (issue 9).
    allow_placeholders: bool = False
    obsidian_dir: str = ".obsidian"
    #: Template folders (vault paths), for when the Obsidian config folder names none (D12).
    template_folders: tuple[str, ...] = ()
    #: The ``vault-root`` key, already made absolute against the config file's folder.
    vault_root: Path | None = None
    #: The ``baseline`` key (a file inside the config file's folder), made absolute.
    baseline: Path | None = None
    types: Mapping[str, str] = field(default_factory=dict)
    schema: tuple[PropertySchema, ...] = ()
    urls: Mapping[str, Any] = field(default_factory=dict)
    #: ``source`` lies inside the repository being checked, so whoever can open a pull
    #: request wrote it: its ``[urls]`` may not read the environment or lift the
    #: private-address guard (DESIGN.md §8; decided by :func:`inside_repository`).
    in_repository: bool = False


# -- validation ---------------------------------------------------------------------------


def _string_list(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _inside_folder(value: Any) -> str | None:
    """A relative path that stays inside the folder it is relative to (no ``..``, not absolute)."""
    from .vault import VaultError, check_obsidian_dir

    if not isinstance(value, str):
        return None
    try:
        check_obsidian_dir(value)
    except VaultError:
        return None
    return value


def _folders_inside(value: Any) -> tuple[str, ...] | None:
    """A list of folders, each relative and inside the vault."""
    folders = _string_list(value)
    if folders is None or any(_inside_folder(folder) is None for folder in folders):
        return None
    return folders


def _path(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() and "\0" not in value else None


def _choice(options: tuple[str, ...]) -> Callable[[Any], str | None]:
    return lambda value: value if value in options else None


class _BadEntry(Exception):
    """One entry of a table has the wrong value: the error names that entry, not the whole table."""

    def __init__(self, key: str, value: Any) -> None:
        super().__init__(key)
        self.key, self.value = key, value


def _table_of(check: Callable[[Any], Any]) -> Callable[[Any], Mapping[str, Any] | None]:
    def convert(value: Any) -> Mapping[str, Any] | None:
        if not isinstance(value, dict):
            return None
        converted = {}
        for key, item in value.items():
            result = check(item)
            if result is None:
                raise _BadEntry(key, item)
            converted[key] = result
        return MappingProxyType(converted)

    return convert


def _unknown_key(where: str, key: str, known: Iterable[str]) -> ConfigError:
    """An unknown key, with the closest known one when it looks like a typo."""
    import difflib

    known = sorted(known)
    guess = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    hint = f'; did you mean "{guess[0]}"?' if guess else ""
    return ConfigError(f"{where}: unknown key {_toml(key)}{hint} (expected one of: {', '.join(known)})")


#: key in the file -> (Settings field, converter returning None when the type is wrong, what is expected)
_KEYS: dict[str, tuple[str, Callable[[Any], Any], str]] = {
    "select": ("select", _string_list, "a list of rule codes, prefixes or names"),
    "ignore": ("ignore", _string_list, "a list of rule codes, prefixes or names"),
    "extend-select": ("extend_select", _string_list, "a list of rule codes, prefixes or names"),
    "per-file-ignores": ("per_file_ignores", _table_of(_string_list), "a table of glob = [codes]"),
    "severity": ("severity", _table_of(_choice(SEVERITIES)), 'a table of code = "error" | "warning" | "info" | "off"'),
    "fail-on": ("fail_on", _choice(("error", "warning", "info")), '"error", "warning" or "info"'),
    "exclude": ("exclude", _string_list, "a list of glob patterns"),
    "respect-gitignore": ("respect_gitignore", _bool, "true or false"),
    "respect-obsidian-excluded": ("respect_obsidian_excluded", _bool, "true or false"),
    "check-comments": ("check_comments", _bool, "true or false"),
    "lint-templates": ("lint_templates", _bool, "true or false"),
    "allow-placeholders": ("allow_placeholders", _bool, "true or false"),
    "obsidian-dir": ("obsidian_dir", _inside_folder, 'a folder inside the vault such as ".obsidian"'),
    "vault-root": ("vault_root", _path, "a folder path, relative to the config file"),
    "baseline": ("baseline", _inside_folder, "a file path inside the config file's folder"),
    "template-folders": (
        "template_folders",
        _folders_inside,
        'a list of folders inside the vault, such as ["Templates"]',
    ),
    "types": ("types", _table_of(_choice(PROPERTY_TYPES)), f"a table of property = one of {', '.join(PROPERTY_TYPES)}"),
}


def _schema_entry(entry: Any, where: str) -> PropertySchema:
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a table")
    known = {"folder", "tag", "types", "required", "allowed"}
    for key in entry:
        if key not in known:
            raise _unknown_key(where, key, known)
    folder, tag = entry.get("folder"), entry.get("tag")
    if folder is not None and not isinstance(folder, str):
        raise ConfigError(f"{where}.folder: expected a glob pattern string")
    if tag is not None and not isinstance(tag, str):
        raise ConfigError(f"{where}.tag: expected a tag name string")
    expected_types = f"a table of property = one of {', '.join(PROPERTY_TYPES)}"
    try:
        types = _table_of(_choice(PROPERTY_TYPES))(entry.get("types", {}))
    except _BadEntry as bad:
        raise ConfigError(f"{where}.types.{bad.key}: expected {expected_types}, got {_toml(bad.value)}") from None
    if types is None:
        raise ConfigError(f"{where}.types: expected {expected_types}")
    required = _string_list(entry.get("required", []))
    if required is None:
        raise ConfigError(f"{where}.required: expected a list of property names")
    allowed = entry.get("allowed", {})
    if not isinstance(allowed, dict) or not all(isinstance(v, list) for v in allowed.values()):
        raise ConfigError(f"{where}.allowed: expected a table of property = [allowed values]")
    return PropertySchema(
        folder=folder,
        tag=tag.lstrip("#") if tag else None,
        types=types,
        required=required,
        allowed=MappingProxyType({k: tuple(v) for k, v in allowed.items()}),
    )


def settings_from_mapping(table: Mapping[str, Any], source: Path) -> Settings:
    """Strictly validate one config table."""
    values: dict[str, Any] = {"source": source}
    for key, value in table.items():
        if key == "schema":
            if not isinstance(value, list):
                raise ConfigError(f"{source}: schema: expected an array of tables ([[schema]])")
            values["schema"] = tuple(_schema_entry(entry, f"{source}: schema[{i}]") for i, entry in enumerate(value))
            continue
        if key == "urls":
            if not isinstance(value, dict):
                raise ConfigError(f"{source}: urls: expected a table ([urls])")
            _validate_urls(value, source)
            values["urls"] = MappingProxyType(dict(value))
            continue
        if key not in _KEYS:
            raise _unknown_key(str(source), key, [*_KEYS, "schema", "urls"])
        attribute, convert, expected = _KEYS[key]
        try:
            converted = convert(value)
        except _BadEntry as bad:  # say which entry, in the file's own notation
            raise ConfigError(f"{source}: {key}.{bad.key}: expected {expected}, got {_toml(bad.value)}") from None
        if converted is None:
            raise ConfigError(f"{source}: {key}: expected {expected}, got {_toml(value)}")
        values[attribute] = converted
    if "vault_root" in values:
        values["vault_root"] = _vault_root_within(values["vault_root"], source)
    if "baseline" in values:  # not resolved: the file may be missing, and a link is refused where it is opened
        values["baseline"] = Path(os.path.abspath(source.parent / values["baseline"]))
    _check_globs(values, source)
    return Settings(**values)


def _vault_root_within(value: str, source: Path) -> Path:
    """The ``vault-root`` key as a real path, which must lie within the folder holding the config.

    A repository's config is untrusted (DESIGN.md §8): ``".."`` or ``"/"`` would make vaultlint
    walk, cache and report outside the checkout, so would a folder that is a link leading out.
    """
    folder = Path(os.path.realpath(source.parent))
    root = Path(os.path.realpath(folder / value))
    if root != folder and folder not in root.parents:
        raise ConfigError(
            f"{source}: vault-root: must be a folder inside {folder} (the folder holding the config), got {value!r}"
        )
    return root


def _check_globs(values: Mapping[str, Any], source: Path) -> None:
    """Translate every glob now, so a pattern pathspec refuses is a config error, not a crash later."""
    from .globs import is_plain, pattern_regex

    for key, patterns in (
        ("exclude", values.get("exclude", ())),
        ("per-file-ignores", tuple(values.get("per_file_ignores", {}))),
        ("schema.folder", tuple(e.folder for e in values.get("schema", ()) if e.folder is not None)),
    ):
        for pattern in patterns:
            if is_plain(pattern):
                continue  # a plain path cannot be invalid; pathspec is imported only for wildcards
            try:
                pattern_regex(pattern)
            except ValueError as error:  # pathspec's pattern error is a ValueError
                raise ConfigError(f"{source}: {key}: invalid glob pattern ({error})") from None


def _validate_urls(table: Mapping[str, Any], source: Path) -> None:
    """The ``[urls]`` table is validated by the URL checker's own settings code."""
    try:
        from .urls import UrlConfigError, url_settings_from_mapping
    except ImportError:  # pragma: no cover - the checker is part of the package
        return
    from .urls.settings import EnvRefs

    try:
        # ${VAR} only checked for syntax: it is read when a run checks URLs, so an --offline
        # run does not need the variable set.
        url_settings_from_mapping(table, str(source), env_refs=EnvRefs.CHECK)
    except UrlConfigError as error:
        raise ConfigError(str(error)) from error


# -- discovery -------------------------------------------------------------------------------


#: A ``[tool.vaultlint]`` table (or ``tool.vaultlint.key``) written in a pyproject.toml, found
#: without parsing it: a broken pyproject.toml meant for vaultlint is an error, not "no config".
_MENTIONS_VAULTLINT = re.compile(
    rb"""^[ \t]*(?:\[\[?[ \t]*)?["']?tool["']?[ \t]*\.[ \t]*["']?vaultlint\b""", re.MULTILINE
)
#: Nesting this deep is no config anyone writes; deeper would exhaust the parser's recursion.
MAX_CONFIG_DEPTH = 50
#: A config file larger than this is refused, not read (a pyproject.toml is a few kilobytes).
MAX_CONFIG_BYTES = 4 * 1024 * 1024


def _read_toml(path: Path) -> dict[str, Any]:
    # Imported here: most runs (every pre-commit run of a vault without a config file) read no TOML.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    from .safeio import RefusedFile, read_regular

    try:
        raw = read_regular(path, MAX_CONFIG_BYTES)
    except RefusedFile as error:
        raise ConfigError(f"cannot read the config: {error}") from error
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror or error})") from error
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise ConfigError(f"{path}: not valid UTF-8 (byte {error.start}, line {line})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply (at most {MAX_CONFIG_DEPTH} levels)") from None
    if _depth(data) > MAX_CONFIG_DEPTH:  # table headers nest without limit in the parser
        raise ConfigError(f"{path}: nested too deeply (at most {MAX_CONFIG_DEPTH} levels)")
    return data


def _depth(value: Any) -> int:
    """How deeply tables and arrays nest, without recursion (the checks after loading recurse)."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > MAX_CONFIG_DEPTH:
            break
        if isinstance(item, dict):
            stack.extend((child, level + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, level + 1) for child in item)
    return deepest


def load_config_file(path: Path) -> Settings:
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("vaultlint", {})
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: [tool.vaultlint] must be a table")
    else:
        table = data
    # Where the file was found, not where a link at its name leads: its folder bounds ``vault-root``.
    return settings_from_mapping(table, Path(os.path.realpath(path.parent)) / path.name)


def find_config_file(start: Path) -> Path | None:
    """The nearest config file from ``start`` upwards (a pyproject.toml counts only with [tool.vaultlint])."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate_folder in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            candidate = candidate_folder / name
            if not candidate.is_file():
                continue
            if name == "pyproject.toml" and not _holds_vaultlint_table(candidate):
                continue
            return candidate
    return None


def _holds_vaultlint_table(pyproject: Path) -> bool:
    """Whether a pyproject.toml configures vaultlint; a broken one that does is a :class:`ConfigError`."""
    from .safeio import RefusedFile, read_regular

    try:
        data = _read_toml(pyproject)
    except ConfigError:
        try:
            raw = read_regular(pyproject, MAX_CONFIG_BYTES)
        except (OSError, RefusedFile):
            return False
        if _MENTIONS_VAULTLINT.search(raw):
            raise  # meant for vaultlint: say why it cannot be used
        return False  # someone else's broken file
    tool = data.get("tool", {})
    return isinstance(tool, dict) and "vaultlint" in tool


def load_settings(start: Path, explicit: Path | None, vault_root: Path | None = None) -> Settings:
    """The settings for a run from ``start`` (``vault_root``: the command line's, if any)."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"config file does not exist: {explicit}")
        path = explicit
    else:
        found = find_config_file(start)
        if found is None:
            return Settings()
        _refuse_link_out_of_repository(found)
        path = found
    settings = load_config_file(path)
    return replace(settings, in_repository=inside_repository(path, start, vault_root, found=explicit is None))


def _refuse_link_out_of_repository(found: Path) -> None:
    """A config found in a repository must be the repository's own file: committed as a link to a
    file outside it (``~/.ssh/config``), its keys and values would be echoed in error messages,
    into a public CI log.  ``--config`` may name any file."""
    from .safeio import is_inside, repository_of

    if not found.is_symlink():
        return
    repository = str(repository_of(found.parent))
    target = os.path.realpath(found)
    if not is_inside(target, repository):
        raise ConfigError(f"{found}: a symbolic link that leads out of {repository}; not read (use --config)")


# -- trust: where a setting came from (DESIGN.md §8) -----------------------------------------


def inside_repository(config: Path, start: Path, vault_root: Path | None = None, *, found: bool = False) -> bool:
    """Whether ``config`` is a file of the repository checked from ``start``, not the user's own.

    The repository is the git work tree that holds ``start`` (a submodule's, up to its
    superproject: a pull request changes both), and in any case ``start``, ``vault_root``
    (from the command line) and the nearest folder above ``start`` holding ``.obsidian``.
    A config ``found`` by looking upwards, with neither git nor ``vault_root`` to say where
    the vault ends, counts as the repository's: its folder would become the vault root,
    and an unpacked archive carries its own config.  Paths are compared both as written
    and with every symlink resolved, so neither a link in the repository pointing out nor
    a link outside pointing in makes a repository file look like the user's.
    """
    start = Path(os.path.abspath(start))
    start_folder = start if start.is_dir() else start.parent
    work_trees = _work_trees(start_folder)
    if found and not work_trees and vault_root is None:
        return True
    roots = [*work_trees, start_folder]
    if vault_root is not None:
        roots.append(Path(os.path.abspath(vault_root)))
    vault = _obsidian_folder(start_folder)
    if vault is not None:
        roots.append(vault)
    config_paths = _both_forms(Path(os.path.abspath(config)))
    return any(path.is_relative_to(root) for path in config_paths for root in _expand(roots))


def _both_forms(path: Path) -> set[Path]:
    """``path`` as written and with every symlink on the way resolved."""
    try:
        return {path, path.resolve()}
    except (OSError, RuntimeError):  # a symlink loop: the written form is all there is
        return {path}


def _expand(roots: list[Path]) -> set[Path]:
    return {form for root in roots for form in _both_forms(root)}


def _work_trees(folder: Path) -> list[Path]:
    """The git work tree holding ``folder`` (as written and resolved), from its ``.git`` entry.

    Found without running git: nothing the repository configures can run, and a missing or
    refusing git cannot make a repository file look trusted.  A ``.git`` *file* (a submodule
    or linked work tree) means an enclosing work tree may hold it too: the outermost counts.
    """
    found: list[Path] = []
    for form in _both_forms(folder):
        outermost = None
        for candidate in (form, *form.parents):
            marker = candidate / ".git"
            if not os.path.lexists(marker):
                continue
            outermost = candidate
            if not marker.is_file() or marker.is_symlink():
                break  # a real repository: nothing above it is part of this one
        if outermost is not None:
            found.append(outermost)
    return found


def _obsidian_folder(folder: Path) -> Path | None:
    for candidate in (folder, *folder.parents):
        if (candidate / ".obsidian").is_dir():
            return candidate
    return None


#: The user's own config for the URL checker: only its ``[urls]`` table is read, over the
#: repository's.  The place for a token header, since a config inside the repository may
#: not read the environment.
USER_CONFIG = Path("vaultlint") / "config.toml"


def user_config_file() -> Path:
    """``$XDG_CONFIG_HOME/vaultlint/config.toml`` (``~/.config`` by default; ``%APPDATA%`` on Windows)."""
    base = os.environ.get("XDG_CONFIG_HOME")
    if not base and sys.platform == "win32":
        base = os.environ.get("APPDATA")
    return Path(base or Path.home() / ".config") / USER_CONFIG


def load_user_urls(start: Path, vault_root: Path | None = None) -> tuple[Path, Mapping[str, Any], bool] | None:
    """``(file, [urls] table, trusted)`` of the user's config file, or None when there is none.

    Read only by a run that checks URLs.  Trusted unless it lies inside the repository (a
    vault kept in a repository of one's home folder).
    """
    path = user_config_file()
    if not path.is_file():
        return None
    data = _read_toml(path)
    unknown = sorted(set(data) - {"urls"})
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} (the user's config holds only [urls])")
    table = data.get("urls", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: urls: expected a table ([urls])")
    _validate_urls(table, path)
    return path, MappingProxyType(table), not inside_repository(path, start, vault_root)


def describe(settings: Settings) -> str:
    """The effective settings as TOML, for ``vaultlint config``."""
    lines = [f"# from {settings.source}" if settings.source else "# no config file found: defaults"]
    for item in fields(Settings):
        if item.name in ("source", "schema", "urls", "in_repository") or (
            item.name in ("vault_root", "baseline") and getattr(settings, item.name) is None
        ):
            continue
        key = next((k for k, (attribute, _, _) in _KEYS.items() if attribute == item.name), item.name)
        lines.append(f"{key} = {_toml(getattr(settings, item.name))}")
    for entry in settings.schema:
        lines.append("\n[[schema]]")
        for name in ("folder", "tag", "types", "required", "allowed"):
            value = getattr(entry, name)
            if value:
                lines.append(f"{name} = {_toml(value)}")
    if settings.urls:
        lines.append("\n[urls]")
        lines.extend(f"{key} = {_toml(value)}" for key, value in settings.urls.items())
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, Path):
        value = str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_toml(k)} = {_toml(v)}" for k, v in value.items()) + " }" if value else "{}"
    return str(value)
