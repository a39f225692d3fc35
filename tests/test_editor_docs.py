"""The README's editor snippets are copied into editors' config files: they must be valid there.

Helix's ``languages.toml`` is parsed as TOML, VS Code's ``settings.json`` as JSON, Neovim's Lua is
compiled by ``luac -p`` where it is installed and is at least checked for balanced brackets and
strings; each must start ``vaultlint server`` for Markdown and mark the vault root as the server
finds it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from helpers import REPO

from vaultlint.config import CONFIG_NAMES

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

README = (REPO / "README.md").read_text(encoding="utf-8")
#: What marks a vault root for the server (the check's rule): the Obsidian config folder, the config file.
ROOT_MARKERS = [".obsidian", ".vaultlint.toml"]


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.S)


def _one_block(language: str, holding: str) -> str:
    found = [block for block in _blocks(language) if holding in block]
    assert len(found) == 1, f"one {language} block holding {holding!r}: {len(found)}"
    return found[0]


def test_helix_languages_toml() -> None:
    config = tomllib.loads(_one_block("toml", "[language-server.vaultlint]"))
    assert config["language-server"]["vaultlint"] == {"command": "vaultlint", "args": ["server"]}
    (markdown,) = config["language"]
    assert markdown["name"] == "markdown"
    assert "vaultlint" in markdown["language-servers"]
    assert markdown["roots"] == ROOT_MARKERS


def test_vscode_settings_json() -> None:
    settings = json.loads(_one_block("json", "glspc"))
    assert settings["glspc.server.command"] == "vaultlint"
    assert settings["glspc.server.commandArguments"] == ["server"]
    assert settings["glspc.server.languageId"] == ["markdown"]


def test_neovim_lua() -> None:
    lua = _one_block("lua", "vim.lsp.config")
    assert _unbalanced(lua) is None
    assert re.search(r"cmd = \{ 'vaultlint', 'server' \}", lua)
    assert re.search(r"filetypes = \{ 'markdown' \}", lua)
    markers = re.search(r"root_markers = \{ (.*?) \}", lua).group(1)
    assert [m.strip().strip("'") for m in markers.split(",")] == ROOT_MARKERS
    assert "vim.lsp.enable('vaultlint')" in lua


def test_the_root_markers_are_what_the_check_looks_for() -> None:
    import dataclasses

    from vaultlint.engine import LintOptions

    default = next(field.default for field in dataclasses.fields(LintOptions) if field.name == "obsidian_dir")
    assert default == ROOT_MARKERS[0]
    assert ROOT_MARKERS[1] in CONFIG_NAMES


@pytest.mark.skipif(shutil.which("luac") is None and shutil.which("luac5.4") is None, reason="no Lua compiler")
def test_neovim_lua_compiles(tmp_path) -> None:
    script = tmp_path / "init.lua"
    script.write_text(_one_block("lua", "vim.lsp.config"), encoding="utf-8")
    compiler = shutil.which("luac") or shutil.which("luac5.4")
    result = subprocess.run([compiler, "-p", str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


def _unbalanced(lua: str) -> str | None:
    """The first bracket or string that is not closed or not opened, else ``None`` (Lua's
    ``--`` comments and quoted strings skipped; long brackets are not used in the snippet)."""
    assert "[[" not in lua, "long strings and comments: teach this checker first"
    pairs = {")": "(", "}": "{", "]": "["}
    stack: list[str] = []
    i = 0
    while i < len(lua):
        char = lua[i]
        if lua.startswith("--", i):
            i = lua.find("\n", i) if "\n" in lua[i:] else len(lua)
            continue
        if char in "'\"":
            end = i + 1
            while end < len(lua) and lua[end] != char:
                if lua[end] in "\\\n":
                    if lua[end] == "\n":
                        return f"string not closed at {i}"
                    end += 1
                end += 1
            if end >= len(lua):
                return f"string not closed at {i}"
            i = end + 1
            continue
        if char in "({[":
            stack.append(char)
        elif char in pairs:
            if not stack or stack.pop() != pairs[char]:
                return f"{char!r} at {i} closes nothing"
        i += 1
    return f"{stack[-1]!r} not closed" if stack else None


@pytest.mark.parametrize(
    "broken", ["vim.lsp.config('x', {", "f({ 'a' )", "x = 'open", "a = { b = { } }}", "print('a')) -- ("]
)
def test_the_balance_check_sees_a_broken_snippet(broken: str) -> None:
    assert _unbalanced(broken) is not None
    assert _unbalanced("f({ 'a)', \"}\" }) -- ({[\n") is None
