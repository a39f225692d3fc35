"""lsprotocol's types imported in half the time: the methods attrs writes for them, compiled once.

Importing ``lsprotocol.types`` is most of the language server's start (0.25 of the ~0.45 s
before it can answer anything): for each of its ~550 classes attrs writes the source of an
``__init__``, a ``__repr__``, an ``__eq__``... and compiles it, on every start, and half of
that is ``compile``.  What a script compiles to depends only on its text and on the Python
that compiles it, so the compiled code is kept in the user's cache folder (one file per
Python) and looked up by a digest of the script's text; a new attrs or lsprotocol writes new scripts,
which miss and are compiled as always.

Only attrs' own scripts for lsprotocol's types go in the file, never anything from a vault,
and only this import reads it.  Whatever is wrong with it (missing, unreadable, written by
another Python, cut short, not ours), the import compiles as it always does and the file is
written again, atomically, so that two servers starting at once never read half of one.
"""

from __future__ import annotations
import __future__

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: The digest of the script's text, its file name, and the compiler flags (future features, optimisation).
_Key = tuple[bytes, str, int, int]
_FORMAT = 1


def import_protocol_types(cache_folder: Path | None = None) -> None:
    """Import ``lsprotocol.types`` with attrs' compiled scripts from ``cache_folder`` (default:
    :func:`user_cache_folder`); the first start, or one after an upgrade, writes them there."""
    if "lsprotocol.types" in sys.modules:
        return
    folder = cache_folder if cache_folder is not None else user_cache_folder()
    path = folder / f"lsprotocol-{_python_tag()}.marshal" if folder is not None else None
    known = _read(path) if path is not None else {}
    used: dict[_Key, types.CodeType] = {}
    with _compiling_from(known, used):
        import lsprotocol.types  # noqa: F401
    if path is not None and used.keys() != known.keys():  # new scripts, or old ones no longer written
        with contextlib.suppress(OSError, ValueError):
            _write(path, used)


def user_cache_folder() -> Path | None:
    """``$XDG_CACHE_HOME/vaultlint``, else ``~/.cache/vaultlint``; ``None`` when there is no home."""
    base = os.environ.get("XDG_CACHE_HOME")
    if not base or not os.path.isabs(base):
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):
            return None
    return Path(base) / "vaultlint"


@contextlib.contextmanager
def _compiling_from(known: dict[_Key, types.CodeType], used: dict[_Key, types.CodeType]) -> Iterator[None]:
    """attrs' ``compile`` looked up in ``known`` first while the block runs; what it compiled,
    found or not, is collected in ``used``.

    attrs calls ``compile`` by its name in ``attr._make``: a module global of that name comes
    before the builtin, and is removed after.  Should a later attrs compile some other way,
    nothing is found or collected, and the import is as fast as without this.
    """
    import attr._make as make

    compile_builtin = compile
    # What attrs' own call inherits (``compile`` inherits the calling module's future features).
    features = 0
    for value in vars(make).values():
        if isinstance(value, __future__._Feature):
            features |= value.compiler_flag

    def compile_once(source: Any, filename: Any, mode: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or mode != "exec" or not isinstance(source, str) or not isinstance(filename, str):
            return compile_builtin(source, filename, mode, *args, **kwargs)
        key = (hashlib.blake2b(source.encode(), digest_size=16).digest(), filename, features, sys.flags.optimize)
        code = known.get(key)
        if code is None:
            code = compile_builtin(source, filename, mode, features, dont_inherit=True)
        used[key] = code
        return code

    make.compile = compile_once  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del make.compile  # type: ignore[attr-defined]


def _python_tag() -> str:
    """Which Python compiled the code: its implementation, version and build (code objects are
    for one version only, and marshal's format may change with it)."""
    digest = hashlib.blake2b(f"{_FORMAT} {sys.version} {sys.implementation.cache_tag}".encode(), digest_size=8)
    return f"{sys.implementation.cache_tag}-{digest.hexdigest()}"


def _read(path: Path) -> dict[_Key, types.CodeType]:
    try:
        found = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {
        key: code
        for key, code in found.items()
        if isinstance(code, types.CodeType)
        and isinstance(key, tuple)
        and len(key) == 4
        and isinstance(key[0], bytes)
        and isinstance(key[1], str)
        and code.co_filename == key[1]
    }


def _write(path: Path, codes: dict[_Key, types.CodeType]) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(marshal.dumps(codes))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
