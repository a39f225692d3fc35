"""lsprotocol's types imported with attrs' scripts compiled on an earlier start (server/startup.py):
the same classes, less time, and a cache file that cannot break a start."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

# In a new interpreter: how many of attrs' scripts were compiled, and lsprotocol's types at work
# (made, compared, shown, and through pygls's converter and back).
PROBE = """
import builtins, json
import attr  # its own classes, compiled whatever the cache holds
compiled = 0
compile_builtin = builtins.compile
def counting(source, filename, *args, **kwargs):
    global compiled
    if isinstance(filename, str) and filename.startswith("<attrs generated"):
        compiled += 1
    return compile_builtin(source, filename, *args, **kwargs)
builtins.compile = counting
from vaultlint.server.startup import import_protocol_types
import_protocol_types()
builtins.compile = compile_builtin
from lsprotocol import types
from pygls.protocol import default_converter
converter = default_converter()
position = types.Position(line=1, character=2)
assert position == types.Position(line=1, character=2) and position != types.Position(line=2, character=1)
folder = types.WorkspaceFolder(uri="file:///v", name="v")
assert repr(folder) == "WorkspaceFolder(uri='file:///v', name='v')", repr(folder)
params = types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri="file:///v")
assert converter.structure(converter.unstructure(params), types.InitializeParams) == params
print(json.dumps({"compiled": compiled}))
"""


def start(cache_home: Path | str, cwd: Path, home: Path | None = None) -> int:
    """attrs' scripts compiled by a new interpreter importing lsprotocol's types as the server does."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    if home is not None:
        env["HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])["compiled"]


def cache_files(cache_home: Path) -> list[Path]:
    return sorted((cache_home / "vaultlint").glob("*"))


def test_the_second_start_compiles_none_of_attrs_scripts(tmp_path: Path) -> None:
    assert start(tmp_path / "cache", tmp_path) > 500  # lsprotocol's ~550 classes
    [written] = cache_files(tmp_path / "cache")
    assert written.name.startswith(f"lsprotocol-{sys.implementation.cache_tag}-")
    assert written.stat().st_mode & 0o777 == 0o600
    stamp = written.stat().st_mtime_ns
    assert start(tmp_path / "cache", tmp_path) == 0
    assert written.stat().st_mtime_ns == stamp  # nothing new: not written again
    assert cache_files(tmp_path / "cache") == [written]  # no temporary file left behind


@pytest.mark.parametrize(
    "damage",
    ["garbage", "cut short", "a list", "keys of another shape", "code under another name", "empty"],
)
def test_a_damaged_cache_file_is_compiled_past_and_written_again(tmp_path: Path, damage: str) -> None:
    cache = tmp_path / "cache"
    start(cache, tmp_path)
    [written] = cache_files(cache)
    good = written.read_bytes()
    codes = marshal.loads(good)
    if damage == "garbage":
        written.write_bytes(b"\x00\xffnot marshal at all" * 10)
    elif damage == "cut short":
        written.write_bytes(good[: len(good) // 2])
    elif damage == "a list":
        written.write_bytes(marshal.dumps(list(codes.values())))
    elif damage == "keys of another shape":
        written.write_bytes(marshal.dumps({key[1]: code for key, code in codes.items()}))
    elif damage == "code under another name":  # each script's code swapped for another's
        keys = list(codes)
        written.write_bytes(marshal.dumps(dict(zip(keys, [codes[k] for k in keys[1:] + keys[:1]]))))
    else:
        written.write_bytes(b"")
    assert start(cache, tmp_path) > 500
    assert written.read_bytes() != b"" and marshal.loads(written.read_bytes()).keys() == codes.keys()
    assert start(cache, tmp_path) == 0


def test_a_cache_folder_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would go\n", encoding="utf-8")
    assert start(blocked, tmp_path) > 500
    assert start(blocked, tmp_path) > 500
    assert blocked.read_text(encoding="utf-8") == "a file where the cache folder would go\n"


def test_a_relative_cache_home_is_ignored_for_the_home_folder(tmp_path: Path) -> None:
    """A relative XDG_CACHE_HOME is invalid (the XDG spec): never a folder under wherever the
    server was started (a vault, perhaps)."""
    vault, home = tmp_path / "vault", tmp_path / "home"
    vault.mkdir()
    home.mkdir()
    start("relative-cache", vault, home=home)
    assert list(vault.iterdir()) == []
    assert len(cache_files(home / ".cache")) == 1
