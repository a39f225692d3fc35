"""The GitHub Action (issue 17.7): ``action.yml`` and the steps it runs, in a simulated GitHub job.

The step logic is ``python -m vaultlint.action``; here it runs as the runner would
run it, with ``GITHUB_EVENT_NAME``, ``GITHUB_BASE_REF``, ``GITHUB_OUTPUT`` and
``GITHUB_STEP_SUMMARY`` set, in a shallow clone of a temporary repository with
a base branch (what ``actions/checkout`` leaves).  Real git, no network.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import REPO, git

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

OLD_PROBLEM = "Old.md:3:5: LK001"


def has_new_since() -> bool:
    done = subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--help"], capture_output=True, text=True, timeout=60
    )
    return "--new-since" in done.stdout


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A pull request's checkout: branch ``feature`` (one new broken link) cloned shallow, without ``main``."""
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "config", "user.email", "test@example.invalid")
    git(upstream, "config", "user.name", "Test")
    git(upstream, "config", "commit.gpgsign", "false")
    (upstream / ".obsidian").mkdir()
    (upstream / ".obsidian" / "app.json").write_text("{}\n")
    (upstream / "Home.md").write_text("# Home\n\nSee [[Old]].\n")
    (upstream / "Old.md").write_text("# Old\n\nA [[Gone]] link from long ago.\n")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "the vault")
    git(upstream, "checkout", "-q", "-b", "feature")
    (upstream / "New.md").write_text("# New\n\nBuilds on [[Nowhere]].\n")
    git(upstream, "add", "-A")
    git(upstream, "commit", "-q", "-m", "a new note")
    work = tmp_path / "work"
    git(tmp_path, "clone", "-q", "--depth=1", "--single-branch", "--branch", "feature", upstream.as_uri(), str(work))
    return work


def run_action(work: Path, tmp_path: Path, event: str, **inputs: str) -> tuple[subprocess.CompletedProcess, dict]:
    runner = tmp_path / "runner"
    runner.mkdir(exist_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "VAULTLINT_"))}
    env.update(
        GITHUB_ACTIONS="true",
        GITHUB_EVENT_NAME=event,
        GITHUB_OUTPUT=str(runner / "output"),
        GITHUB_STEP_SUMMARY=str(runner / "summary.md"),
        RUNNER_TEMP=str(runner),
        VAULTLINT_CACHE_DIR=str(runner / ".vaultlint-cache"),
    )
    if event == "pull_request":
        env["GITHUB_BASE_REF"] = "main"
    env.update({f"VAULTLINT_{key.upper()}": value for key, value in inputs.items()})
    done = subprocess.run(
        [sys.executable, "-m", "vaultlint.action"], cwd=work, env=env, capture_output=True, text=True, timeout=300
    )
    output_file = runner / "output"
    outputs = dict(line.split("=", 1) for line in output_file.read_text().splitlines()) if output_file.exists() else {}
    return done, outputs


def annotations(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(("::error ", "::warning "))]


def test_on_push_the_whole_vault_is_checked(checkout, tmp_path):
    done, outputs = run_action(checkout, tmp_path, "push", sarif=str(tmp_path / "vaultlint.sarif"))
    assert done.returncode == 1, done.stdout + done.stderr
    found = annotations(done.stdout)
    assert len(found) == 2 and any("file=Old.md" in a for a in found) and any("file=New.md" in a for a in found)
    assert outputs["errors"] == "2" and outputs["warnings"] == "0"
    summary = (tmp_path / "runner" / "summary.md").read_text()
    assert summary.startswith("### vaultlint: Found 2 problems (2 errors) in 2 of 3 notes.")
    assert "| LK001 | unresolved-link | error | 2 | 0 |" in summary
    assert Path(outputs["report"]).read_text() == summary
    sarif = json.loads((tmp_path / "vaultlint.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) == 2
    assert (tmp_path / "runner" / ".vaultlint-cache").is_dir()  # what the cache steps restore and save


def test_a_baseline_hides_known_problems_and_fail_on_decides(checkout, tmp_path):
    subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--offline", "--no-cache"]
        + ["--baseline", "baseline.json", "--update-baseline", "."],
        cwd=checkout,
        capture_output=True,
        timeout=120,
    )
    done, outputs = run_action(checkout, tmp_path, "push", baseline="baseline.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert outputs["errors"] == "0"
    (checkout / "Home.md").write_text("# Home\n\n[[Old]] [[Old]] [[ ]]\n")  # LK006: a warning
    done, outputs = run_action(checkout, tmp_path, "push", baseline="baseline.json", **{"fail_on": "warning"})
    assert done.returncode == 1 and outputs["warnings"] == "1", done.stdout + done.stderr
    done, outputs = run_action(checkout, tmp_path, "push", baseline="baseline.json", args="--ignore LK006")
    assert done.returncode == 0 and outputs["warnings"] == "0", done.stdout + done.stderr


@pytest.mark.skipif(not has_new_since(), reason="vaultlint check has no --new-since yet (another branch)")
def test_on_a_pull_request_only_new_problems_are_annotated(checkout, tmp_path):
    with pytest.raises(subprocess.CalledProcessError):
        git(checkout, "rev-parse", "--verify", "origin/main")  # the checkout has no base branch
    done, outputs = run_action(checkout, tmp_path, "pull_request")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "only problems that are new since origin/main" in done.stdout
    found = annotations(done.stdout)
    assert len(found) == 1 and "file=New.md" in found[0] and "Nowhere" in found[0], done.stdout
    assert outputs["errors"] == "1"
    summary = (tmp_path / "runner" / "summary.md").read_text()
    assert summary.startswith("### vaultlint: Found 1 problem (1 error)")
    assert "Nowhere" in summary and "Gone" not in summary
    git(checkout, "rev-parse", "--verify", "origin/main")  # fetched by the action


def test_a_base_branch_that_cannot_be_fetched_is_one_error_line(checkout, tmp_path):
    env_base = "no-such-branch"
    runner = tmp_path / "runner"
    runner.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "VAULTLINT_"))}
    env.update(GITHUB_EVENT_NAME="pull_request", GITHUB_BASE_REF=env_base, RUNNER_TEMP=str(runner))
    done = subprocess.run(
        [sys.executable, "-m", "vaultlint.action"], cwd=checkout, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2
    assert done.stdout.startswith("::error title=vaultlint::cannot fetch the base branch 'no-such-branch'")
    assert "Traceback" not in done.stderr


def test_action_yml_pins_every_action_and_passes_inputs_through_the_environment():
    action = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"path", "args", "new-since", "baseline", "urls", "sarif", "fail-on"} <= set(action["inputs"])
    assert {"errors", "warnings", "report"} <= set(action["outputs"])
    steps = action["runs"]["steps"]
    for step in steps:
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
        if "run" in step:
            assert "${{" not in step["run"], step["run"]  # no expression pasted into a shell script
    install = next(step for step in steps if "pip install" in step.get("run", ""))
    assert '"$GITHUB_ACTION_PATH"' in install["run"]  # from the action's own checkout, no release needed
    check = next(step for step in steps if step.get("id") == "check")
    assert "-m vaultlint.action" in check["run"]
    assert set(check["env"]) >= {f"VAULTLINT_{name.upper().replace('-', '_')}" for name in action["inputs"]} - {
        "VAULTLINT_CACHE"
    }
    uses = [step["uses"].split("@")[0] for step in steps if "uses" in step]
    assert uses == ["actions/cache/restore", "actions/cache/save"]
