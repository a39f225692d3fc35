"""``--output-format markdown`` (issue 17.7): the job summary of the GitHub Action.

Counts per rule first, then the problems in one code block (the only place vault
text appears), cut under GitHub's 1 MiB limit with the number left out.
"""

from __future__ import annotations

import re

from report_helpers import context, diagnostic

from vaultlint.model import Severity
from vaultlint.report import render
from vaultlint.report.markdown import MAX_BYTES, format_markdown


def test_counts_per_rule_then_the_problems():
    diagnostics = [
        diagnostic(path="a.md", message='unresolved link "X"', hint='did you mean "Y"?'),
        diagnostic(path="a.md", message='unresolved link "Z"'),
        diagnostic(path="b.md", code="FM005", severity=Severity.WARNING, message='deprecated property "tag"'),
    ]
    text = format_markdown(diagnostics, context())
    lines = text.splitlines()
    assert lines[0] == "### vaultlint: Found 3 problems (2 errors, 1 warning) in 2 of 3 notes."
    assert "| LK001 | unresolved-link | error | 2 | 0 |" in lines
    assert "| FM005 | deprecated-property | warning | 1 | 0 |" in lines
    assert lines.index("| LK001 | unresolved-link | error | 2 | 0 |") < lines.index("```text")
    block = text.split("```text\n", 1)[1].split("\n```\n", 1)[0].splitlines()
    assert block == [
        'vault/a.md:9:7: LK001 error unresolved link "X"',
        '  hint: did you mean "Y"?',
        'vault/a.md:9:7: LK001 error unresolved link "Z"',
        'vault/b.md:9:7: FM005 warning deprecated property "tag"',
    ]


def test_nothing_found_is_one_line():
    assert format_markdown([], context()) == "### vaultlint: All checks passed (3 notes checked).\n\n"


def test_cut_under_one_mebibyte_with_the_number_left_out():
    diagnostics = [diagnostic(path=f"n{i:05}.md", message="unresolved link " + "x" * 200) for i in range(8000)]
    text = format_markdown(diagnostics, context())
    assert len(text.encode("utf-8")) < MAX_BYTES <= 1024 * 1024
    shown = len(re.findall(r"^vault/n\d{5}\.md:", text, flags=re.M))
    assert 0 < shown < 8000
    assert f"\n{8000 - shown} more problems left out: a job summary holds at most 1 MiB." in text
    assert text.count("```") == 2  # the block is closed before the note


def test_backticks_in_a_message_cannot_close_the_block():
    diagnostics = [diagnostic(message='unresolved link "```\n# Injected heading ![x](https://example.invalid/t.png)"')]
    text = format_markdown(diagnostics, context())
    fence = text.splitlines()[text.splitlines().index(next(l for l in text.splitlines() if l.endswith("text")))]
    assert fence == "````text" and text.rstrip().endswith("````")
    assert "\n# Injected" not in text  # the newline is escaped: one line per problem


def test_registered_like_the_other_formats():
    assert render("markdown", [diagnostic()], context()).startswith("### vaultlint: Found 1 problem")
