"""Newcomer polish (issue 9.7): statistics in every format, the summary, -q, `vaultlint config`, --diff paths."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml
from helpers import REPO, write_vault

from vaultlint.cli import main

NOTES = {
    "a.md": "---\ntag: x\n---\n[[missing]] [[b#Nope]] [[ ]]\n",
    "b.md": "# Yes\n[[T]] [[x/T]]\n",
    "c.md": "---\nalias: y\n---\n[[also missing]]\n",
    "x/T.md": "",
    "y/T.md": "",
}


@pytest.fixture
def vault(tmp_path):
    return write_vault(tmp_path / "v", NOTES)


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def check(capsys, vault, *args: str) -> tuple[int, str, str]:
    return run_cli(capsys, "check", "--offline", "--no-cache", *args, str(vault))


EXPECTED_COUNTS = {"LK001": 2, "FM005": 2, "LK003": 1, "LK005": 1, "LK006": 1}


def test_statistics_table_with_totals_and_fixable(vault, capsys):
    code, out, _ = check(capsys, vault, "--statistics")
    assert code == 1
    lines = out.splitlines()
    assert lines[:2] == ["     2  FM005  [*] deprecated-property", "     2  LK001      unresolved-link"]
    assert lines[-1] == (
        "Found 7 problems (3 errors, 3 warnings, 1 info) in 3 of 5 notes. 2 fixable with `vaultlint check --fix`."
    )
    code, out, _ = check(capsys, vault, "--statistics", "-q")
    assert len(out.splitlines()) == len(EXPECTED_COUNTS)  # -q: no summary


def test_statistics_json(vault, capsys):
    code, out, _ = check(capsys, vault, "--statistics", "--output-format", "json")
    stats = json.loads(out)
    assert {k: stats[k] for k in ("total", "fixable", "files", "files_checked")} == {
        "total": 7,
        "fixable": 2,
        "files": 3,
        "files_checked": 5,
    }
    assert {e["code"]: e["count"] for e in stats["rules"]} == EXPECTED_COUNTS
    assert next(e for e in stats["rules"] if e["code"] == "FM005")["fixable"] == 2


def test_statistics_leave_ci_reports_valid_and_complete(vault, capsys):
    code, out, _ = check(capsys, vault, "--statistics", "--output-format", "sarif")
    run = json.loads(out)["runs"][0]
    assert len(run["results"]) == 7 and run["properties"]["statistics"]["fixable"] == 2
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPO / "tests" / "report" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(json.loads(out)))

    code, out, _ = check(capsys, vault, "--statistics", "--output-format", "junit")
    root = ET.fromstring(out.encode())
    properties = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert properties["vaultlint.total"] == "7" and properties["vaultlint.fixable"] == "2"
    assert properties["vaultlint.count.LK001"] == "2"
    assert len(root.findall("./testsuite/testcase")) == 7

    code, out, _ = check(capsys, vault, "--statistics", "--output-format", "gitlab")
    assert len(json.loads(out)) == 7

    code, out, _ = check(capsys, vault, "--statistics", "--output-format", "github")
    assert not any(line.startswith("::") for line in out.splitlines())
    assert "     2  LK001" in out


def test_info_is_not_pluralised(tmp_path, capsys):
    vault = write_vault(tmp_path / "v", {"a.md": "[[T]] [[T]] [[T]]\n", "x/T.md": "", "y/T.md": ""})
    code, out, _ = check(capsys, vault)
    assert out.splitlines()[-1] == "Found 3 problems (3 info) in 1 of 3 notes."
    assert code == 0


def test_config_shows_the_url_defaults(vault, capsys):
    code, out, _ = run_cli(capsys, "config", str(vault))
    assert code == 0
    section = out.split("[urls]\n", 1)[1]
    assert "timeout = 10.0  # default" in section and "allow-private = false  # default" in section
    (vault / ".vaultlint.toml").write_text("[urls]\ntimeout = 3\n", encoding="utf-8")
    code, out, _ = run_cli(capsys, "config", str(vault))
    section = out.split("[urls]\n", 1)[1]
    assert "timeout = 3\n" in section and "retries = 2  # default" in section
    assert out.count("[urls]") == 1


def test_diff_paths_are_relative_to_the_working_folder_and_apply(tmp_path):
    vault = write_vault(tmp_path / "v", {"notes/deep/a.md": "---\ntag: x\n---\n", "b.md": "---\nalias: y\n---\n"})
    here = vault / "notes"
    done = subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--offline", "--no-cache", "--diff", "."],
        cwd=here,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("--- a/deep/a.md\n+++ b/deep/a.md\n")
    if shutil.which("patch") is None:
        pytest.skip("patch is not installed")
    applied = subprocess.run(["patch", "-p1"], cwd=here, input=done.stdout, capture_output=True, text=True, timeout=60)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert (here / "deep" / "a.md").read_text(encoding="utf-8") == "---\ntags: x\n---\n"
    # a note outside the working folder is named from the vault root (a ../ path would not apply)
    done = subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--offline", "--no-cache", "--diff", str(vault)],
        cwd=here,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.startswith("--- a/b.md\n+++ b/b.md\n")


def test_documented_ci_jobs_have_timeouts():
    text = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
    blocks = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
    workflows = [b for b in blocks if isinstance(b, dict) and "jobs" in b]
    assert workflows
    for workflow in workflows:
        for name, job in workflow["jobs"].items():
            assert isinstance(job.get("timeout-minutes"), int), name
    gitlab_jobs = [
        job for b in blocks if isinstance(b, dict) and "jobs" not in b for job in b.values() if isinstance(job, dict)
    ]
    gitlab_jobs = [job for job in gitlab_jobs if "script" in job]
    assert gitlab_jobs and all("timeout" in job for job in gitlab_jobs)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize("where", ["above", "inside"])
def test_diff_paths_with_spaces_and_non_ascii_apply_with_git(tmp_path, where):
    """Issue 17.8: ``vaultlint check demo --diff > d.patch && git apply --check d.patch`` failed
    (``Reading list.md: No such file or directory``): the relabelling missed headers with a tab."""
    names = ["Reading list.md", "Café.md", "Notes/Über uns.md", "plain.md"]
    demo = write_vault(tmp_path / "demo", {name: "---\ntag: x\n---\n" for name in names})
    cwd, target = (tmp_path, "demo") if where == "above" else (demo, ".")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True, timeout=60)
    done = subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", target, "--diff", "--offline", "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    prefix = "demo/" if where == "above" else ""
    assert f"--- a/{prefix}Reading list.md\t\n+++ b/{prefix}Reading list.md\t\n" in done.stdout
    (cwd / "d.patch").write_text(done.stdout, encoding="utf-8")
    checked = subprocess.run(
        ["git", "apply", "--check", "d.patch"], cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stderr
    subprocess.run(["git", "apply", "d.patch"], cwd=cwd, check=True, timeout=60)
    assert all((demo / name).read_text(encoding="utf-8") == "---\ntags: x\n---\n" for name in names)


def test_statistics_mark_a_rule_fixable_only_when_all_are_and_count_the_rest(tmp_path, capsys):
    """Issue 17.8: ``FM010 [*] 26`` when 1 of them was fixable (pkmer-docs)."""
    vault = write_vault(
        tmp_path / "v", {"a.md": "---\ntags: a, b\n---\n", "b.md": "---\ntags:\n  - with space\n  - 123\n---\n"}
    )
    code, out, _ = check(capsys, vault, "--statistics")
    assert out.splitlines()[0] == "     3  FM010      invalid-frontmatter-tag (1 of 3 fixable)"
    code, out, _ = run_cli(capsys, "check", "--offline", "--no-cache", "--statistics", str(vault / "a.md"))
    assert out.splitlines()[0] == "     1  FM010  [*] invalid-frontmatter-tag"


def test_under_pre_commit_the_summary_names_the_fix_hook(vault, capsys, monkeypatch):
    monkeypatch.setenv("PRE_COMMIT", "1")
    code, out, _ = check(capsys, vault)
    assert out.splitlines()[-1].endswith("2 fixable with `pre-commit run --hook-stage manual vaultlint-fix`.")
    code, out, _ = check(capsys, vault, "--statistics")
    assert out.splitlines()[-1].endswith("2 fixable with `pre-commit run --hook-stage manual vaultlint-fix`.")


def test_config_shows_what_a_check_finds(tmp_path, capsys):
    """Issue 17.8: ``select = []`` instead of the rules in effect; no vault root, templates or attachments."""
    vault = write_vault(tmp_path / "v", {"Notes/a.md": "", "Templates/Daily.md": ""})
    (vault / ".obsidian" / "app.json").write_text('{"attachmentFolderPath": "assets"}', encoding="utf-8")
    (vault / ".vaultlint.toml").write_text(
        'select = ["LK"]\nignore = ["LK005"]\nseverity = { LK007 = "error" }\ntemplate-folders = ["Templates"]\n',
        encoding="utf-8",
    )
    code, out, _ = run_cli(capsys, "config", str(vault / "Notes"))
    assert code == 0
    found = out.split("# Found for ", 1)[1].splitlines()
    assert found[1:4] == [
        f"# vault root: {vault.resolve()}",
        "# template folders: Templates (from template-folders)",
        "# attachment folder: assets",
    ]
    rules = [line.split() for line in found[5:]]
    assert ["#", "LK007", "unencoded-link-destination", "error"] in rules  # its configured severity
    assert all(rule[1].startswith("LK") for rule in rules) and "LK005" not in {rule[1] for rule in rules}
    assert found[4].startswith(f"# rules in effect ({len(rules)} of ")
    from vaultlint.config import load_config_file

    printed = tmp_path / "printed.toml"  # still a config file, read as vaultlint reads one (Python 3.10 too)
    printed.write_text(out, encoding="utf-8")
    assert load_config_file(printed).template_folders == ("Templates",)
    (vault / ".obsidian" / "templates.json").write_text('{"folder": "Tpl/"}', encoding="utf-8")
    code, out, _ = run_cli(capsys, "config", str(vault))
    assert "# template folders: Tpl (from .obsidian/)" in out


# -- issue 17.6: no green run that checked nothing -------------------------------------------


@pytest.mark.parametrize("output_format", ["full", "concise", "json", "github", "markdown"])
def test_a_run_with_no_note_in_scope_warns_naming_the_paths_and_fails(tmp_path, output_format):
    (tmp_path / "empty-folder").mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "empty-folder", "--offline", "--output-format", output_format],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        'warning: no note, canvas or base to check in "empty-folder"'
        " (excluded, ignored by .gitignore, or in a template folder?)"
    ]
    assert "All checks passed" not in done.stdout
    if output_format in ("full", "concise"):
        assert done.stdout == "Nothing checked: no note, canvas or base in scope.\n"


def test_only_excluded_notes_in_scope_is_nothing_checked_too(tmp_path, capsys):
    vault = write_vault(tmp_path / "v", {"Templates/Daily.md": "# {{title}}\n", "Home.md": "# Home\n"})
    (vault / ".vaultlint.toml").write_text('template-folders = ["Templates"]\n', encoding="utf-8")
    code, out, err = run_cli(capsys, "check", "--offline", "--no-cache", "-q", str(vault / "Templates"))
    assert code == 2 and 'no note, canvas or base to check in "' in err  # said even with -q
    code, out, err = run_cli(capsys, "check", "--offline", "--no-cache", str(vault))
    assert code == 0 and out == "All checks passed (1 note checked).\n" and err == ""
