"""``--output-format junit``: JUnit XML for GitLab and Jenkins."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from report_helpers import NASTY_MESSAGE, NASTY_MESSAGE_SHOWN, NASTY_PATH, SAMPLE, context, diagnostic

from vaultlint.model import Severity, Span
from vaultlint.report.junit import format_junit


def parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n') and text.endswith("\n")
    return ET.fromstring(text.encode("utf-8"))


def check_counts(root: ET.Element) -> None:
    """``tests`` and ``failures`` agree with what the document holds, at both levels."""
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    cases = suite.findall("testcase")
    failing = [case for case in cases if case.find("failure") is not None]
    for element in (root, suite):
        assert element.get("tests") == str(len(cases))
        assert element.get("failures") == str(len(failing))
        assert element.get("errors") == "0"
    assert suite.get("skipped") == "0"


def test_exact_output_for_the_sample():
    assert format_junit(SAMPLE, context()) == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<testsuites name="vaultlint" tests="3" failures="3" errors="0">\n'
        '  <testsuite name="vaultlint" tests="3" failures="3" errors="0" skipped="0">\n'
        '    <testcase classname="vault/Guides/Plan.md" name="vault/Guides/Plan.md:2:1: FM005"'
        ' file="vault/Guides/Plan.md" line="2">\n'
        '      <failure message="FM005: deprecated property &quot;tag&quot;" type="warning">'
        'vault/Guides/Plan.md:2:1\nhint: rename it to "tags"</failure>\n'
        "    </testcase>\n"
        '    <testcase classname="vault/Guides/Plan.md" name="vault/Guides/Plan.md:9:7: LK001"'
        ' file="vault/Guides/Plan.md" line="9">\n'
        '      <failure message="LK001: unresolved link &quot;Gerg Brockman&quot;" type="error">'
        'vault/Guides/Plan.md:9:7\nhint: did you mean "Greg Brockman"?</failure>\n'
        "    </testcase>\n"
        '    <testcase classname="vault/Reading list.md" name="vault/Reading list.md:4:3: LK005"'
        ' file="vault/Reading list.md" line="4">\n'
        '      <failure message="LK005: ambiguous link &quot;Security&quot;" type="info">'
        "vault/Reading list.md:4:3</failure>\n"
        "    </testcase>\n"
        "  </testsuite>\n"
        "</testsuites>\n"
    )


def test_sample_parses_and_counts_agree():
    root = parse(format_junit(SAMPLE, context()))
    check_counts(root)
    failures = root.findall("./testsuite/testcase/failure")
    assert len(failures) == len(SAMPLE)
    assert [(f.get("type"), f.get("message")) for f in failures] == [
        ("warning", 'FM005: deprecated property "tag"'),
        ("error", 'LK001: unresolved link "Gerg Brockman"'),
        ("info", 'LK005: ambiguous link "Security"'),
    ]


def test_no_diagnostics_is_one_passing_test():
    text = format_junit([], context())
    root = parse(text)
    check_counts(root)
    (case,) = root.iter("testcase")
    assert case.get("name") == "vaultlint" and list(case) == []
    assert root.get("tests") == "1" and root.get("failures") == "0"


def test_one_test_case_per_diagnostic_with_file_and_line():
    diagnostics = [diagnostic(path=f"n{i % 4}.md", span=Span(i + 1, 1, i + 1, 3)) for i in range(20)]
    diagnostics.sort(key=lambda d: d.sort_key)
    root = parse(format_junit(diagnostics, context()))
    check_counts(root)
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 20
    assert [(c.get("file"), c.get("line")) for c in cases] == [
        (f"vault/{d.path}", str(d.span.line)) for d in diagnostics
    ]
    assert [c.get("classname") for c in cases] == [f"vault/{d.path}" for d in diagnostics]
    assert all(len(c.findall("failure")) == 1 for c in cases)


def test_escaping_of_messages_and_file_names():
    d = diagnostic(path=NASTY_PATH, message=NASTY_MESSAGE, hint="<b> & 'c'")
    root = parse(format_junit([d], context()))
    check_counts(root)
    (case,) = root.iter("testcase")
    assert case.get("classname") == case.get("file") == "vault/" + NASTY_PATH
    (failure,) = case
    assert failure.get("message") == "LK001: " + NASTY_MESSAGE_SHOWN  # CR and LF shown, not obeyed
    assert failure.text == f"vault/{NASTY_PATH}:9:7\nhint: <b> & 'c'"


def test_control_characters_and_undecodable_bytes_are_shown_escaped():
    d = diagnostic(path="bell\x07\udcff.md", message="nul \x00 esc \x1b tab \t", hint="\ud800")
    root = parse(format_junit([d], context()))
    (failure,) = root.iter("failure")
    assert failure.get("message") == "LK001: nul \\x00 esc \\x1b tab \\t"
    assert failure.text == "vault/bell\\x07\\xff.md:9:7\nhint: \\ud800"


def test_multi_line_spans_point_at_their_start():
    d = diagnostic(span=Span(4, 3, 8, 1), severity=Severity.WARNING)
    (failure,) = parse(format_junit([d], context())).iter("failure")
    assert failure.text == "vault/Guides/Plan.md:4:3"


def test_paths_are_repository_relative_when_the_vault_is_a_subfolder():
    ctx = context(vault_root=Path("/repo/docs/vault"), repo_root=Path("/repo"), cwd=Path("/tmp"))
    (case,) = parse(format_junit([diagnostic()], ctx)).iter("testcase")
    assert case.get("file") == "docs/vault/Guides/Plan.md"
