"""The commands the README and docs/ci.md tell users to copy must work as written."""

from __future__ import annotations

import re
import shlex
import shutil

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


@pytest.mark.parametrize("command", vaultlint_commands())
def test_documented_commands_run_on_the_demo_vault(tmp_path, monkeypatch, command):
    vault = tmp_path / "vault"
    shutil.copytree(FIXTURES / "demo-vault", vault, ignore=shutil.ignore_patterns(".vaultlint-cache"))
    monkeypatch.chdir(vault)
    args = shlex.split(command)[1:]
    if "--offline" not in args:
        args.append("--offline")  # tests never touch the network
    assert main(args) in (0, 1)


def test_the_readme_config_example_is_valid(tmp_path):
    import tomllib

    from vaultlint.config import settings_from_mapping
    from vaultlint.selection import selection_from_settings

    block = re.search(r"```toml\n(.*?)```", (REPO / "README.md").read_text(), re.S).group(1)
    settings = settings_from_mapping(tomllib.loads(block), tmp_path / ".vaultlint.toml")
    assert settings.schema[0].required == ("status",)
    selection_from_settings(settings, [], [], [])  # raises on an unknown rule


def test_the_readme_opens_with_the_two_commands():
    text = (REPO / "README.md").read_text()
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    assert text.index("```sh") < 30
    assert "vaultlint check fixtures/demo-vault" in blocks[0]
    assert "pytest" in blocks[1] and ".[test]" in blocks[1]
    assert (REPO / ".ci" / "run").read_text().strip().endswith(blocks[1].strip())


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
