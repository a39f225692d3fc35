"""The commands the README and docs/ci.md tell users to copy must work as written."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from helpers import FIXTURES, REPO

from vaultlint.cli import main

CI_DOC = REPO / "docs" / "ci.md"


def yaml_blocks(text: str) -> list[object]:
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", text, re.S)]


def vaultlint_commands() -> list[str]:
    commands = []
    for block in yaml_blocks(CI_DOC.read_text()):
        steps = []
        if isinstance(block, dict):
            for job in (block.get("jobs") or {}).values():
                steps.extend(step.get("run", "") for step in job.get("steps", []))
            for job in block.values():
                if isinstance(job, dict) and "script" in job:
                    steps.extend(job["script"])
        commands.extend(s for s in steps if isinstance(s, str) and s.startswith("vaultlint "))
    return commands


def test_every_yaml_block_parses():
    assert len(yaml_blocks(CI_DOC.read_text())) == 3


def test_the_workflow_restores_and_always_saves_the_url_cache():
    workflow = yaml_blocks(CI_DOC.read_text())[0]
    steps = workflow["jobs"]["urls"]["steps"]
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/cache/restore") for u in uses)
    save = next(step for step in steps if step.get("uses", "").startswith("actions/cache/save"))
    assert save["if"] == "always()"
    assert any(
        step.get("uses", "").startswith("github/codeql-action/upload-sarif")
        for step in workflow["jobs"]["lint"]["steps"]
    )


#: The demo vault's problems, written out by hand from its notes (the README promises nine):
#: (path, line, code) each, in report order.
CTO = "Guides/A CTO's guide to becoming a Machine Learning practitioner.md"
DEMO_PROBLEMS = [
    (CTO, 48, "LK001"),  # [[Greg Brockman]]
    (CTO, 59, "LK001"),  # [[Andrej Karpathy]]
    (CTO, 136, "LK001"),  # [[Retrieval Augmented Generation (RAG)]]
    (CTO, 140, "LK002"),  # ![[Pasted image 20231202175750.png]]
    ("Reading list.md", 2, "FM005"),  # tag:
    ("Reading list.md", 3, "FM007"),  # reviewed: 2024-02-30
    ("Reading list.md", 8, "LK003"),  # #Motivaton
    ("Reading list.md", 9, "LK004"),  # #^scalling
    ("Reading list.md", 10, "LK003"),  # #scaling-laws
]


def github_problems(out: str, _: Path) -> list[tuple[str, int, str]]:
    found = []
    for line in out.splitlines():
        match = re.fullmatch(r"::(?:error|warning) file=([^,]*),line=(\d+),.*,title=(\w+) [\w-]+::.*", line)
        assert match, line
        found.append((match[1], int(match[2]), match[3]))
    return found


def sarif_problems(out: str, vault: Path) -> list[tuple[str, int, str]]:
    assert out == ""
    log = json.loads((vault / "vaultlint.sarif").read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0"
    return [
        (
            unquote(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]),
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            result["ruleId"],
        )
        for result in log["runs"][0]["results"]
    ]


def gitlab_problems(out: str, vault: Path) -> list[tuple[str, int, str]]:
    assert out == ""
    issues = json.loads((vault / "gl-code-quality.json").read_text(encoding="utf-8"))
    return [(issue["location"]["path"], issue["location"]["lines"]["begin"], issue["check_name"]) for issue in issues]


def junit_problems(out: str, vault: Path) -> list[tuple[str, int, str]]:
    assert out == ""
    suites = ET.parse(vault / "vaultlint-junit.xml").getroot()
    assert suites.get("tests") == suites.get("failures") == "9"
    return [
        (case.get("file"), int(case.get("line")), case.find("failure").get("message").split(":")[0])
        for case in suites.iter("testcase")
    ]


def no_problems(out: str, _: Path) -> list[tuple[str, int, str]]:
    assert out == ""
    return []


#: What each documented command must print and return on the demo vault; a command added to
#: docs/ci.md without an entry here fails until someone says what it must do.
EXPECTED = {
    "vaultlint check --offline --output-format github --baseline vaultlint-baseline.json": (
        1,
        github_problems,
        DEMO_PROBLEMS,
        "baseline: hid 0 known problems\n",  # no baseline file yet: everything is reported
    ),
    "vaultlint check --offline --output-format sarif -o vaultlint.sarif --exit-zero": (
        0,
        sarif_problems,
        DEMO_PROBLEMS,
        "",
    ),
    # URL checks only; the test adds --offline (tests never touch the network), so nothing is checked.
    "vaultlint check --select UR --output-format github": (0, no_problems, [], ""),
    "vaultlint check --offline --output-format gitlab -o gl-code-quality.json --exit-zero": (
        0,
        gitlab_problems,
        DEMO_PROBLEMS,
        "",
    ),
    "vaultlint check --offline --output-format junit -o vaultlint-junit.xml": (1, junit_problems, DEMO_PROBLEMS, ""),
}


@pytest.mark.parametrize("command", vaultlint_commands())
def test_documented_commands_run_on_the_demo_vault(tmp_path, monkeypatch, capsys, command):
    assert command in EXPECTED, f"say in EXPECTED what {command!r} must print"
    code, read_problems, problems, err = EXPECTED[command]
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "demo-vault", vault, ignore=shutil.ignore_patterns(".vaultlint-cache"))
    monkeypatch.chdir(vault)
    args = shlex.split(command)[1:]
    if "--offline" not in args:
        args.append("--offline")  # tests never touch the network
    assert main(args) == code
    out, actual_err = capsys.readouterr()
    assert read_problems(out, vault) == problems
    assert actual_err == err


def test_every_documented_command_is_checked():
    assert sorted(vaultlint_commands()) == sorted(EXPECTED)


def test_the_readme_config_example_is_valid(tmp_path):
    # Read as a user's .vaultlint.toml is read (tomllib, or tomli on Python 3.10).
    from vaultlint.config import load_config_file
    from vaultlint.selection import selection_from_settings

    block = re.search(r"```toml\n(.*?)```", (REPO / "README.md").read_text(), re.S).group(1)
    (tmp_path / ".vaultlint.toml").write_text(block, encoding="utf-8")
    settings = load_config_file(tmp_path / ".vaultlint.toml")
    assert settings.schema[0].required == ("status",)
    selection_from_settings(settings, [], [], [])  # raises on an unknown rule


def test_the_readme_opens_with_the_two_commands():
    text = (REPO / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    assert text.index("```sh") < 30
    assert "vaultlint check fixtures/demo-vault" in blocks[0]
    assert "pytest" in blocks[1] and ".[test]" in blocks[1]
    # CI runs it as written (then the suite on the oldest and newest supported Python).
    assert "\n    " + blocks[1].strip() + "\n" in (REPO / ".ci" / "run").read_text()
