"""``--output-format github``: GitHub Actions workflow commands."""

from __future__ import annotations

import re
from pathlib import Path

from report_helpers import NASTY_MESSAGE, NASTY_MESSAGE_SHOWN, NASTY_PATH, SAMPLE, context, diagnostic

from vaultlint.model import Severity, Span
from vaultlint.report.github import (
    PER_JOB_LIMIT,
    PER_TYPE_LIMIT,
    escape_data,
    escape_property,
    format_github,
    repository_path,
)

_COMMAND = re.compile(r"^::(error|warning|notice)(?: (?P<props>[^:]*))?::(?P<data>.*)$")


def unescape(text: str) -> str:
    """What the runner does to a value (the inverse of both escapes)."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """Split one workflow command as the runner does: properties on ``,`` and ``=``, data after ``::``."""
    match = _COMMAND.match(line)
    assert match, line
    props = {}
    if match["props"]:
        for item in match["props"].split(","):
            key, _, value = item.partition("=")
            props[key] = unescape(value)
    return match.group(1), props, unescape(match["data"])


def test_exact_output_for_the_sample():
    assert format_github(SAMPLE, context()) == (
        "::warning file=vault/Guides/Plan.md,line=2,col=1,endLine=2,endColumn=4,title=FM005 deprecated-property"
        '::deprecated property "tag"%0Arename it to "tags"\n'
        "::error file=vault/Guides/Plan.md,line=9,col=7,endLine=9,endColumn=24,title=LK001 unresolved-link"
        '::unresolved link "Gerg Brockman"%0Adid you mean "Greg Brockman"?\n'
        "::notice file=vault/Reading list.md,line=4,endLine=5,title=LK005 ambiguous-link"
        '::ambiguous link "Security"\n'
    )


def test_no_diagnostics_prints_nothing():
    assert format_github([], context()) == ""


def test_data_escaping():
    assert escape_data("100%") == "100%25"
    assert escape_data("a\r\nb\nc\rd") == "a%0D%0Ab%0Ac%0Dd"
    assert escape_data("%0A") == "%250A"  # '%' first: an escape in the input is not taken for ours
    assert escape_data("a: b, c") == "a: b, c"  # ':' and ',' are fine in the message


def test_property_escaping():
    assert escape_property("a: b, c") == "a%3A b%2C c"
    assert escape_property("50%\r\n") == "50%25%0D%0A"
    assert escape_property("%3A") == "%253A"


def test_message_and_file_name_with_every_special_character_round_trip():
    d = diagnostic(path=NASTY_PATH, message=NASTY_MESSAGE, hint="try: this, 100%")
    (line,) = format_github([d], context()).splitlines()
    assert "\r" not in line
    kind, props, data = parse(line)
    assert kind == "error"
    assert props["file"] == "vault/" + NASTY_PATH
    assert props["title"] == "LK001 unresolved-link"
    assert data == NASTY_MESSAGE_SHOWN + "\ntry: this, 100%"  # the hint's newline is vaultlint's own
    assert "\\r\\nsecond line\\nthird" in data
    # nothing in the properties can end the property list or a property early
    assert line.split("::")[1].count(",") == 5 and "%2C" in line and "%3A" in line


def test_columns_only_on_single_line_spans():
    one = diagnostic(span=Span(3, 5, 3, 9))
    many = diagnostic(span=Span(3, 5, 6, 2))
    _, props, _ = parse(format_github([one], context()).strip())
    assert props == {
        "file": "vault/Guides/Plan.md",
        "line": "3",
        "col": "5",
        "endLine": "3",
        "endColumn": "9",
        "title": "LK001 unresolved-link",
    }
    _, props, _ = parse(format_github([many], context()).strip())
    assert props == {"file": "vault/Guides/Plan.md", "line": "3", "endLine": "6", "title": "LK001 unresolved-link"}


def test_severity_maps_to_the_command():
    kinds = [parse(line)[0] for line in format_github(SAMPLE, context()).splitlines()]
    assert kinds == ["warning", "error", "notice"]


def test_paths_are_relative_to_the_repository_when_the_vault_is_a_subfolder():
    ctx = context(vault_root=Path("/repo/docs/my vault"), repo_root=Path("/repo"), cwd=Path("/elsewhere"))
    assert repository_path("Guides/Plan.md", ctx) == "docs/my vault/Guides/Plan.md"
    _, props, _ = parse(format_github([diagnostic()], ctx).strip())
    assert props["file"] == "docs/my vault/Guides/Plan.md"


def test_vault_at_the_repository_root():
    ctx = context(vault_root=Path("/repo"), repo_root=Path("/repo"), cwd=Path("/repo/Guides"))
    assert repository_path("Guides/Plan.md", ctx) == "Guides/Plan.md"


def test_without_a_repository_paths_are_relative_to_the_working_folder():
    ctx = context(vault_root=Path("/home/me/vault"), repo_root=None, cwd=Path("/home/me"))
    assert repository_path("Guides/Plan.md", ctx) == "vault/Guides/Plan.md"
    ctx = context(vault_root=Path("/home/me/vault"), repo_root=None, cwd=Path("/home/me/vault"))
    assert repository_path("Guides/Plan.md", ctx) == "Guides/Plan.md"


def test_a_file_outside_the_base_folder_gets_its_absolute_path():
    ctx = context(vault_root=Path("/data/vault"), repo_root=None, cwd=Path("/home/me"))
    assert repository_path("Guides/Plan.md", ctx) == "/data/vault/Guides/Plan.md"


def test_a_name_starting_with_two_dots_is_not_outside():
    ctx = context(vault_root=Path("/repo"), repo_root=Path("/repo"), cwd=Path("/repo"))
    assert repository_path("..hidden.md", ctx) == "..hidden.md"


def _many(severity: Severity, count: int, path: str = "a.md") -> list:
    return [diagnostic(path=path, severity=severity, span=Span(i + 1, 1, i + 1, 2)) for i in range(count)]


def test_no_notice_while_github_shows_everything():
    diagnostics = (
        _many(Severity.ERROR, PER_TYPE_LIMIT) + _many(Severity.WARNING, PER_TYPE_LIMIT) + _many(Severity.INFO, 10)
    )
    lines = format_github(diagnostics, context()).splitlines()
    assert len(lines) == len(diagnostics)
    assert not any(line.startswith("::notice::") for line in lines)


def test_one_notice_when_one_type_has_more_than_github_shows():
    diagnostics = _many(Severity.ERROR, PER_TYPE_LIMIT + 1) + _many(Severity.WARNING, 2, path="b.md")
    lines = format_github(diagnostics, context(files_checked=40)).splitlines()
    assert len(lines) == len(diagnostics) + 1
    notices = [line for line in lines if line.startswith("::notice::")]
    assert notices == [lines[0]]  # first, so GitHub shows it even when notices overflow too
    text = parse(lines[0])[2]
    assert "13 problems" in text and "11 errors" in text and "2 warnings" in text and "40 notes" in text
    assert "log" in text and "SARIF" in text
    assert all(line.startswith(("::error ", "::warning ")) for line in lines[1:])


def test_one_notice_when_notices_overflow():
    lines = format_github(_many(Severity.INFO, PER_TYPE_LIMIT + 1), context()).splitlines()
    assert sum(line.startswith("::notice::") for line in lines) == 1
    assert sum(line.startswith("::notice file=") for line in lines) == PER_TYPE_LIMIT + 1


def test_notice_above_the_job_limit():
    diagnostics = _many(Severity.ERROR, PER_JOB_LIMIT + 5)
    lines = format_github(diagnostics, context()).splitlines()
    assert lines[0].startswith("::notice::") and "55 problems" in lines[0]
    assert len(lines) == PER_JOB_LIMIT + 6
