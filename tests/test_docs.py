"""The commands the README and docs/ci.md tell users to copy must work as written."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import xml.etree.ElementTree as ET
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
    assert len(yaml_blocks(CI_DOC.read_text())) == 4


def test_the_workflow_restores_and_always_saves_the_url_cache():
    workflow = yaml_blocks(CI_DOC.read_text())[1]
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


def github_problems(text: str) -> list[tuple[str, int, str]]:
    found = []
    for line in text.splitlines():
        match = re.fullmatch(r"::(?:error|warning) file=([^,]*),line=(\d+),.*,title=(\w+) [\w-]+::.*", line)
        assert match, line
        found.append((match[1], int(match[2]), match[3]))
    return found


def sarif_problems(text: str) -> list[tuple[str, int, str]]:
    log = json.loads(text)
    assert log["version"] == "2.1.0"
    return [
        (
            unquote(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]),
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
            result["ruleId"],
        )
        for result in log["runs"][0]["results"]
    ]


def gitlab_problems(text: str) -> list[tuple[str, int, str]]:
    return [
        (issue["location"]["path"], issue["location"]["lines"]["begin"], issue["check_name"])
        for issue in json.loads(text)
    ]


def junit_problems(text: str) -> list[tuple[str, int, str]]:
    suites = ET.fromstring(text)
    assert suites.get("tests") == suites.get("failures")
    return [
        (case.get("file"), int(case.get("line")), case.find("failure").get("message").split(":")[0])
        for case in suites.iter("testcase")
    ]


#: How to read the problems back from each output format the docs use.
READERS = {"github": github_problems, "sarif": sarif_problems, "gitlab": gitlab_problems, "junit": junit_problems}


def option(args: list[str], *names: str) -> str | None:
    for name in names:
        if name in args:
            return args[args.index(name) + 1]
    return None


@pytest.mark.parametrize("command", vaultlint_commands())
def test_documented_commands_run_on_the_demo_vault(tmp_path, monkeypatch, capsys, command):
    """Each command the docs give, on the demo vault: its exit code, and the demo's problems read
    back from what it printed or wrote (none for a URL-only run, which is offline here)."""
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "demo-vault", vault, ignore=shutil.ignore_patterns(".vaultlint-cache"))
    monkeypatch.chdir(vault)
    args = shlex.split(command)[1:]
    if "--offline" not in args:
        args.append("--offline")  # tests never touch the network
    output_format, output_file = option(args, "--output-format"), option(args, "-o", "--output-file")
    assert output_format in READERS, f"say in READERS how to read {output_format!r} back"
    problems = [] if option(args, "--select") == "UR" else DEMO_PROBLEMS

    code = main(args)

    out, err = capsys.readouterr()
    assert code == (0 if "--exit-zero" in args or not problems else 1)
    if output_file is not None:
        assert out == ""
        out = (vault / output_file).read_text(encoding="utf-8")
    assert READERS[output_format](out) == problems
    # No baseline file yet (the docs say to make one first): it hides nothing.
    assert err == ("baseline: hid 0 known problems\n" if "--baseline" in args else "")


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


def test_the_documented_workflows_pin_actions_and_grant_least_privilege():
    """Issue 17.7: SHAs, not tags; no permission at the top; the URL job writes nothing;
    the SARIF upload skipped on fork pull requests; the baseline in every command."""
    action_example, workflow, gitlab, _ = yaml_blocks(CI_DOC.read_text())
    for example in (action_example, workflow):
        assert example["permissions"] == {}
        for job in example["jobs"].values():
            for step in job["steps"]:
                if "uses" in step and not step["uses"].startswith("vaultlint/vaultlint@"):
                    assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
    assert workflow["jobs"]["urls"]["permissions"] == {"contents": "read"}
    upload = next(s for s in workflow["jobs"]["lint"]["steps"] if "upload-sarif" in s.get("uses", ""))
    assert "github.event.pull_request.head.repo.full_name == github.repository" in upload["if"]
    assert upload["continue-on-error"] is True
    commands = vaultlint_commands()
    assert commands and all("--baseline vaultlint-baseline.json" in command for command in commands)
    assert all("obsidian-vaultlint==" not in str(block) for block in (workflow, gitlab))
