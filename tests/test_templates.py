"""Templates when the Obsidian config folder is not committed (issue 17.5).

kepano-vault without ``.obsidian/``: 28 FM001 "found unhashable key" on
``created: {{date}}`` and 9 LK001 in ``Templates/``, no config key to name the
folder, no hint.  The ``template-folders`` key names it (used when the config
folder names none); FM001 and LK001 in a note holding template syntax carry a
hint naming that key.
"""

from __future__ import annotations

import json

import pytest
from helpers import write_vault

from vaultlint.cli import main
from vaultlint.templates import HINT

DAILY = "---\ncreated: {{date}}\n---\n# {{title}}\n\nSee [[{{date:YYYY-MM-DD}}]].\n"
TEMPLATER = "---\ntags: [daily]\n---\n<% tp.file.title %>\n\n[[<% tp.date.now() %>]]\n"
NOTES = {
    "Templates/Daily.md": DAILY,
    "Templates/Templater.md": TEMPLATER,
    "Notes/Plain.md": "# Plain\n\n[[Missing note]] and a {brace}.\n",
    "Notes/Home.md": "# Home\n",
}


def problems(capsys, vault) -> list[dict]:
    code = main(["check", "--offline", "--no-cache", "--output-format", "json", str(vault)])
    out = capsys.readouterr().out
    assert code in (0, 1)
    return json.loads(out)


@pytest.fixture
def vault(tmp_path):
    return write_vault(tmp_path / "kepano", NOTES, obsidian=False)


def test_without_the_config_folder_templates_are_reported_with_a_hint_naming_the_key(vault, capsys):
    found = problems(capsys, vault)
    in_templates = [d for d in found if d["path"].startswith("Templates/")]
    assert {(d["path"], d["code"]) for d in in_templates} == {
        ("Templates/Daily.md", "FM001"),
        ("Templates/Daily.md", "LK001"),
        ("Templates/Templater.md", "LK001"),
    }
    assert all(d["hint"] == HINT for d in in_templates)
    assert "template-folders" in HINT
    plain = next(d for d in found if d["path"] == "Notes/Plain.md")
    assert plain["hint"] is None or "template" not in plain["hint"]  # no template syntax there


def test_the_key_names_the_templates_folder(vault, capsys):
    (vault / ".vaultlint.toml").write_text('template-folders = ["Templates"]\n', encoding="utf-8")
    found = problems(capsys, vault)
    assert [d["path"] for d in found] == ["Notes/Plain.md"]


def test_the_obsidian_config_folder_wins_when_it_names_a_folder(vault, capsys):
    (vault / ".vaultlint.toml").write_text('template-folders = ["Notes"]\n', encoding="utf-8")
    (vault / ".obsidian").mkdir()
    (vault / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}', encoding="utf-8")
    assert [d["path"] for d in problems(capsys, vault)] == ["Notes/Plain.md"]
    (vault / ".obsidian" / "templates.json").write_text("{}", encoding="utf-8")  # names none: the key is used
    assert {d["path"] for d in problems(capsys, vault)} == {"Templates/Daily.md", "Templates/Templater.md"}


def test_an_existing_hint_is_kept(tmp_path, capsys):
    vault = write_vault(tmp_path / "v", {"Home.md": "# {{title}}\n\n[[Projet]]\n", "Project.md": ""})
    (hint,) = [d["hint"] for d in problems(capsys, vault)]
    assert hint.startswith('did you mean "Project"?') and hint.endswith(HINT)


@pytest.mark.parametrize("value", ['["../Templates"]', '"/abs"', "[1]"])
def test_the_key_must_name_folders_inside_the_vault(tmp_path, capsys, value):
    vault = write_vault(tmp_path / "v", {"a.md": ""})
    (vault / ".vaultlint.toml").write_text(f"template-folders = {value}\n", encoding="utf-8")
    assert main(["check", "--offline", "--no-cache", str(vault)]) == 2
    assert "template-folders: expected a list of folders inside the vault" in capsys.readouterr().err
