"""``--output-format gitlab``: GitLab Code Quality JSON."""

from __future__ import annotations

from pathlib import Path

from report_helpers import NASTY_MESSAGE, NASTY_MESSAGE_SHOWN, NASTY_PATH, SAMPLE, context, diagnostic, load_json

from vaultlint.model import Severity, Span
from vaultlint.report.gitlab import format_gitlab
from vaultlint.report.sarif import fingerprints


def test_exact_output_for_the_sample():
    prints = fingerprints(SAMPLE)
    assert load_json(format_gitlab(SAMPLE, context())) == [
        {
            "description": 'FM005 deprecated property "tag" (rename it to "tags")',
            "check_name": "FM005",
            "fingerprint": prints[0],
            "severity": "minor",
            "location": {"path": "vault/Guides/Plan.md", "lines": {"begin": 2}},
        },
        {
            "description": 'LK001 unresolved link "Gerg Brockman" (did you mean "Greg Brockman"?)',
            "check_name": "LK001",
            "fingerprint": prints[1],
            "severity": "major",
            "location": {"path": "vault/Guides/Plan.md", "lines": {"begin": 9}},
        },
        {
            "description": 'LK005 ambiguous link "Security"',
            "check_name": "LK005",
            "fingerprint": prints[2],
            "severity": "info",
            "location": {"path": "vault/Reading list.md", "lines": {"begin": 4}},
        },
    ]
    assert format_gitlab(SAMPLE, context()).startswith('[\n  {\n    "description": ')


def test_no_diagnostics_is_an_empty_list():
    assert format_gitlab([], context()) == "[]\n"


def test_fingerprints_are_unique_even_for_identical_diagnostics_on_one_line():
    diagnostics = [diagnostic(), diagnostic(), diagnostic(), diagnostic(span=Span(9, 30, 9, 40))]
    issues = load_json(format_gitlab(diagnostics, context()))
    assert len({issue["fingerprint"] for issue in issues}) == 4


def test_fingerprints_are_stable_when_lines_move():
    def at(*lines: int) -> list:
        return [diagnostic(span=Span(line, 7, line, 24)) for line in lines]

    before = load_json(format_gitlab(at(9, 20), context()))
    after = load_json(format_gitlab(at(12, 25), context()))
    assert [i["fingerprint"] for i in before] == [i["fingerprint"] for i in after]
    assert [i["location"]["lines"]["begin"] for i in after] == [12, 25]


def test_fingerprints_are_the_same_wherever_vaultlint_runs():
    here = load_json(format_gitlab(SAMPLE, context()))
    there = load_json(format_gitlab(SAMPLE, context(vault_root=Path("/b/v"), repo_root=None, cwd=Path("/b"))))
    assert [i["fingerprint"] for i in here] == [i["fingerprint"] for i in there]
    assert [i["location"]["path"] for i in there] == ["v/Guides/Plan.md", "v/Guides/Plan.md", "v/Reading list.md"]


def test_severity_mapping():
    issues = load_json(format_gitlab([diagnostic(severity=s) for s in Severity], context()))
    assert {issue["severity"] for issue in issues} <= {"blocker", "critical", "major", "minor", "info"}
    assert [issue["severity"] for issue in issues] == [
        {"error": "major", "warning": "minor", "info": "info"}[s.value] for s in Severity
    ]


def test_escaping_round_trips_through_json():
    text = format_gitlab([diagnostic(path=NASTY_PATH, message=NASTY_MESSAGE)], context())
    (issue,) = load_json(text)
    assert issue["description"] == "LK001 " + NASTY_MESSAGE_SHOWN
    assert "\r" not in issue["description"] and "\\r\\n" in issue["description"]  # shown, not obeyed
    assert issue["location"]["path"] == "vault/" + NASTY_PATH
    assert text.count("\n") == len(text.splitlines())


def test_paths_are_repository_relative_when_the_vault_is_a_subfolder():
    ctx = context(vault_root=Path("/repo/docs/vault"), repo_root=Path("/repo"), cwd=Path("/repo/docs"))
    (issue,) = load_json(format_gitlab([diagnostic()], ctx))
    assert issue["location"]["path"] == "docs/vault/Guides/Plan.md"
