"""The four CI formats together: registered, machine formats, and run on the demo vault."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from urllib.parse import unquote

import pytest
from report_helpers import REPO, SARIF_SCHEMA, context

from vaultlint.engine import LintOptions, lint
from vaultlint.report import FORMATTERS, MACHINE_FORMATS
from vaultlint.selection import build_selection

CI_FORMATS = ("github", "sarif", "junit", "gitlab")
DEMO = REPO / "fixtures" / "demo-vault"


@pytest.mark.parametrize("name", CI_FORMATS)
def test_registered_as_machine_formats(name):
    assert name in FORMATTERS
    assert name in MACHINE_FORMATS


@pytest.fixture(scope="module")
def demo():
    report = lint(LintOptions(paths=(DEMO,), vault_root=DEMO, selection=build_selection(), offline=True))
    assert report.diagnostics, "the demo vault is meant to have problems"
    # the vault is a subfolder of this repository, as in a real project
    ctx = context(vault_root=report.vault_root, repo_root=REPO, cwd=REPO, files_checked=report.files_checked)
    return report.diagnostics, ctx


def test_demo_vault_in_every_format(demo):
    diagnostics, ctx = demo
    outputs = {name: FORMATTERS[name](diagnostics, ctx) for name in CI_FORMATS}

    github = outputs["github"].splitlines()
    annotations = [line for line in github if not line.startswith("::notice::")]
    assert len(annotations) == len(diagnostics)
    prefixes = tuple(f"::{kind} file=fixtures/demo-vault/" for kind in ("error", "warning", "notice"))
    assert all(line.startswith(prefixes) for line in annotations)

    log = json.loads(outputs["sarif"])
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extras")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(log))
    results = log["runs"][0]["results"]
    assert len(results) == len(diagnostics)
    for result in results:
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.startswith("fixtures/demo-vault/") and " " not in uri
        assert (REPO / unquote(uri)).is_file()

    root = ET.fromstring(outputs["junit"].encode("utf-8"))
    assert len(root.findall("./testsuite/testcase/failure")) == len(diagnostics)
    assert root.get("tests") == str(len(diagnostics))

    issues = json.loads(outputs["gitlab"])
    assert len(issues) == len(diagnostics)
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    for issue in issues:
        assert (REPO / issue["location"]["path"]).is_file()
