"""``vaultlint.lint``: the documented Python API reads the same config as the CLI."""

from __future__ import annotations

import gc
import json
import subprocess
import sys

import pytest
from helpers import write_vault

import vaultlint
from vaultlint.cli import main

NOTES = {
    "a.md": "---\ntag: x\n---\n[[missing]] [[b#Nope]] [[ ]]\n",
    "b.md": "# Yes\n[[T]] [[x/T]]\n",
    "x/T.md": "",
    "y/T.md": "",
}


@pytest.fixture
def vault(tmp_path):
    return write_vault(tmp_path / "v", NOTES)


def codes(report) -> list[str]:
    return [d.code for d in report.diagnostics]


def test_lint_gives_what_the_cli_gives(vault, capsys):
    report = vaultlint.lint(vault, offline=True, no_cache=True)
    assert main(["check", "--offline", "--no-cache", "--output-format", "json", str(vault)]) == 1
    from_cli = json.loads(capsys.readouterr().out)
    assert [d.to_json() for d in report.diagnostics] == from_cli
    assert report.files_checked == 4 and report.vault_root == vault.resolve()
    assert capsys.readouterr() == ("", "")  # the API prints nothing


def test_lint_reads_the_config_and_takes_overrides(vault):
    (vault / ".vaultlint.toml").write_text('ignore = ["LK001"]\n', encoding="utf-8")
    assert "LK001" not in codes(vaultlint.lint([str(vault)], offline=True, no_cache=True))
    assert set(codes(vaultlint.lint(vault, offline=True, no_cache=True, select=["LK001", "LK003"]))) == {"LK003"}
    assert set(codes(vaultlint.lint(vault, offline=True, no_cache=True, select="LK006"))) == {"LK006"}
    other = vault.parent / "other.toml"
    other.write_text('select = ["FM"]\n', encoding="utf-8")
    assert set(codes(vaultlint.lint(vault, config=other, offline=True, no_cache=True))) == {"FM005"}


def test_lint_on_one_note_resolves_against_the_whole_vault(vault):
    report = vaultlint.lint(vault / "b.md", offline=True, no_cache=True)
    assert {d.path for d in report.diagnostics} == {"b.md"}
    assert codes(report) == ["LK005"]


def test_errors(vault):
    with pytest.raises(TypeError, match="unknown option"):
        vaultlint.lint(vault, offlne=True)
    with pytest.raises(vaultlint.ConfigError):
        vaultlint.lint(vault, select=["NOPE999"], offline=True, no_cache=True)
    (vault / ".vaultlint.toml").write_text("no-such-key = 1\n", encoding="utf-8")
    with pytest.raises(vaultlint.ConfigError):
        vaultlint.lint(vault, offline=True, no_cache=True)
    (vault / ".vaultlint.toml").unlink()
    with pytest.raises(vaultlint.VaultError):
        vaultlint.lint(vault / "gone.md", offline=True, no_cache=True)


def test_import_vaultlint_stays_lean():
    code = (
        "import sys, vaultlint\n"
        "heavy = [m for m in ('click', 'markdown_it', 'yaml', 'httpx', 'vaultlint.engine', 'vaultlint.rules', 'typing')"
        " if m in sys.modules]\n"
        "print(heavy, vaultlint.__version__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["[]", vaultlint.__version__]


def _alive(kind: type) -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if type(obj) is kind)


@pytest.mark.parametrize("cache", [False, True])
def test_lint_keeps_nothing_alive_after_it_returns(vault, cache, tmp_path):
    """A program that calls lint() in a loop must not grow: no context, loader or note outlives the call.

    The hints (a broken link's "did you mean") and the PDF and property caches are filled on purpose."""
    from vaultlint.context import LintContext
    from vaultlint.loader import NoteLoader
    from vaultlint.model import Note

    (vault / "c.md").write_text("[[missng]] [[Yes]] ![[doc.pdf#page=3]]\n", encoding="utf-8")
    (vault / "doc.pdf").write_bytes(b"%PDF-1.4\n")
    options = {"offline": True, "no_cache": not cache, "cache_dir": tmp_path / "cache"}
    before = _alive(Note)
    for _ in range(3):
        report = vaultlint.lint(vault, **options)
        assert "LK001" in codes(report)
    del report
    assert _alive(LintContext) == 0
    assert _alive(NoteLoader) == 0
    assert _alive(Note) == before
