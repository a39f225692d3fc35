"""``--output-format sarif``: SARIF 2.1.0 for GitHub code scanning, checked against the official schema."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from report_helpers import (
    NASTY_MESSAGE,
    NASTY_MESSAGE_SHOWN,
    NASTY_PATH,
    SAMPLE,
    SARIF_SCHEMA,
    context,
    diagnostic,
    load_json,
)

from vaultlint.model import Severity, Span
from vaultlint.report.sarif import FINGERPRINT_KEY, SCHEMA_URI, fingerprints, format_sarif
from vaultlint.ruledocs import render, rule_infos
from vaultlint.rules import ALL_RULES, RULES_BY_CODE
from vaultlint.rules.base import Rule, Scope

#: What RFC 3986 allows in a relative reference (jsonschema checks "uri-reference" only with extra packages).
URI_CHARACTERS = re.compile(r"(?:[A-Za-z0-9\-._~/!$&'()*+,;=:@]|%[0-9A-F]{2})*")

FAKE_DOC = """LK001 unresolved-link: a link whose target is missing.

**What it does**: resolves ``[[links]]`` like
Obsidian and reports the rest.

**Why it matters**: clicking creates an empty note.

**Example** (in ``Note.md``)::

    See [[Gerg]].

        indented more

    and ``this`` stays verbatim

**How to fix**: write ``[[Greg]]``; in a table ``[[a\\|b]]``, not ``: ? ` #``.
"""
FAKE_RULES = rule_infos([Rule("LK001", "unresolved-link", Severity.ERROR, "target file missing", FAKE_DOC, Scope.NOTE)])


def validate(log: dict) -> None:
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extras")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    # The official schema is not itself valid against the 2020-12 metaschema (``region`` lists
    # ``anyOf`` under ``properties``), so validate without ``check_schema``.
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)


def fingerprint(code: str, path: str, message: str, occurrence: int) -> str:
    return hashlib.sha256(f"{code}\0{path}\0{message}\0{occurrence}".encode()).hexdigest()


def results(text: str) -> list[dict]:
    return load_json(text)["runs"][0]["results"]


def test_the_schema_check_catches_broken_logs():
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extras")
    log = load_json(format_sarif(SAMPLE, context()))
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError, match="fatal"):
        validate(log)
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(AssertionError, match="message"):
        validate(log)
    assert jsonschema


def test_shipped_schema_is_the_official_one():
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$id"] == SCHEMA_URI
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert len(schema["definitions"]) == 52


def test_exact_output_with_a_known_rule():
    diagnostics = [
        diagnostic(hint='did you mean "Greg"?', span=Span(9, 7, 9, 24)),
        diagnostic(path="Reading list.md", span=Span(4, 3, 5, 12), message='unresolved link "X"'),
    ]
    log = load_json(format_sarif(diagnostics, context(rules=FAKE_RULES, version="1.2.3")))
    expected_help_text = (
        "What it does: resolves `[[links]]` like\nObsidian and reports the rest.\n\n"
        "Why it matters: clicking creates an empty note.\n\n"
        "Example (in `Note.md`):\n\n"
        "    See [[Gerg]].\n\n        indented more\n\n    and ``this`` stays verbatim\n\n"
        "How to fix: write `[[Greg]]`; in a table `[[a\\|b]]`, not `` : ? ` # ``."
    )
    expected_help_markdown = (
        "**What it does**: resolves `[[links]]` like\nObsidian and reports the rest.\n\n"
        "**Why it matters**: clicking creates an empty note.\n\n"
        "**Example** (in `Note.md`):\n\n"
        "```\nSee [[Gerg]].\n\n    indented more\n\nand ``this`` stays verbatim\n```\n\n"
        "**How to fix**: write `[[Greg]]`; in a table `[[a\\|b]]`, not `` : ? ` # ``."
    )
    assert log == {
        "$schema": "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "vaultlint",
                        "version": "1.2.3",
                        "informationUri": "https://github.com/vaultlint/vaultlint",
                        "rules": [
                            {
                                "id": "LK001",
                                "name": "unresolved-link",
                                "shortDescription": {"text": "target file missing"},
                                "fullDescription": {"text": "resolves `[[links]]` like Obsidian and reports the rest."},
                                "help": {"text": expected_help_text, "markdown": expected_help_markdown},
                                "helpUri": "https://github.com/vaultlint/vaultlint/blob/main/docs/rules/LK001.md",
                                "defaultConfiguration": {"level": "error"},
                            }
                        ],
                    }
                },
                "columnKind": "unicodeCodePoints",
                "results": [
                    {
                        "ruleId": "LK001",
                        "ruleIndex": 0,
                        "level": "error",
                        "message": {"text": 'unresolved link "Gerg Brockman"\ndid you mean "Greg"?'},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "vault/Guides/Plan.md", "uriBaseId": "%SRCROOT%"},
                                    "region": {"startLine": 9, "startColumn": 7, "endLine": 9, "endColumn": 24},
                                }
                            }
                        ],
                        "partialFingerprints": {
                            "vaultlint/v1": fingerprint("LK001", "Guides/Plan.md", 'unresolved link "Gerg Brockman"', 0)
                        },
                    },
                    {
                        "ruleId": "LK001",
                        "ruleIndex": 0,
                        "level": "error",
                        "message": {"text": 'unresolved link "X"'},
                        "locations": [
                            {
                                "physicalLocation": {
                                    "artifactLocation": {"uri": "vault/Reading%20list.md", "uriBaseId": "%SRCROOT%"},
                                    "region": {"startLine": 4, "startColumn": 3, "endLine": 5, "endColumn": 12},
                                }
                            }
                        ],
                        "partialFingerprints": {
                            "vaultlint/v1": fingerprint("LK001", "Reading list.md", 'unresolved link "X"', 0)
                        },
                    },
                ],
            }
        ],
    }
    validate(log)


def test_sample_validates_against_the_schema():
    log = load_json(format_sarif(SAMPLE, context()))
    validate(log)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == ["FM005", "LK001", "LK005"]
    assert [(r["ruleId"], r["ruleIndex"], r["level"]) for r in run["results"]] == [
        ("FM005", 0, "warning"),
        ("LK001", 1, "error"),
        ("LK005", 2, "note"),
    ]
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_no_diagnostics_is_a_valid_empty_run():
    log = load_json(format_sarif([], context()))
    validate(log)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []


def test_every_rule_documents_itself():
    diagnostics = [diagnostic(code=rule.code, path=f"{rule.code}.md") for rule in ALL_RULES]
    log = load_json(format_sarif(diagnostics, context()))
    validate(log)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES_BY_CODE)
    for descriptor in rules:
        rule = RULES_BY_CODE[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert (
            descriptor["defaultConfiguration"]["level"]
            == {"error": "error", "warning": "warning", "info": "note"}[rule.severity.value]
        )
        full = descriptor["fullDescription"]["text"]
        text, markdown = descriptor["help"]["text"], descriptor["help"]["markdown"]
        assert full and "\n" not in full and not full.startswith(("*", ":"))
        assert text.startswith("What it does: ") and "How to fix: " in text and "**" not in text
        assert markdown.startswith("**What it does**: ") and "**How to fix**: " in markdown
        assert not text.startswith(rule.code)  # the title line is left out
        for para in markdown.split("\n\n"):
            assert not para.endswith("::"), (rule.code, para)
        if "**Example**::" in rule.doc:
            assert "**Example**:\n\n```\n" in markdown, rule.code


def test_rule_help_on_a_doc_without_sections():
    assert render("XX001 odd: nothing else.", "XX001", "an odd rule") == (
        "Nothing else.",
        "an odd rule",
        "an odd rule",
        "an odd rule",
    )


def test_a_code_without_a_rule_still_makes_a_valid_log():
    d = diagnostic(code="ZZ999", name="from-the-future", severity=Severity.WARNING)
    log = load_json(format_sarif([d], context()))
    validate(log)
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "ZZ999"


def test_escaping_in_messages_and_uris():
    d = diagnostic(path=NASTY_PATH, message=NASTY_MESSAGE)
    log = load_json(format_sarif([d], context()))
    validate(log)
    (result,) = log["runs"][0]["results"]
    assert result["message"]["text"] == NASTY_MESSAGE_SHOWN
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "vault/Odd/50%25%20off%2C%20a%3A%20b%20%26%20%3Cc%3E%20%22d%22%20%231.md"
    assert unquote(location["uri"]) == "vault/" + NASTY_PATH
    assert URI_CHARACTERS.fullmatch(location["uri"])


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("notes/a.md", "vault/notes/a.md"),
        ("Café/Résumé.md", "vault/Caf%C3%A9/R%C3%A9sum%C3%A9.md"),
        ("a:b.md", "vault/a%3Ab.md"),  # never read as a URI scheme
        ("what?.md", "vault/what%3F.md"),
        ("~tilde_-.md", "vault/~tilde_-.md"),
    ],
)
def test_uris_are_percent_encoded(path, uri):
    (result,) = results(format_sarif([diagnostic(path=path)], context()))
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri
    assert URI_CHARACTERS.fullmatch(uri) and not urlsplit(uri).scheme


def test_uris_are_repository_relative_when_the_vault_is_a_subfolder():
    ctx = context(vault_root=Path("/repo/docs/vault"), repo_root=Path("/repo"), cwd=Path("/repo/docs/vault/Guides"))
    log = load_json(format_sarif([diagnostic()], ctx))
    validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "docs/vault/Guides/Plan.md", "uriBaseId": "%SRCROOT%"}


def test_a_file_outside_the_repository_gets_an_absolute_file_uri():
    ctx = context(vault_root=Path("/data/my vault"), repo_root=None, cwd=Path("/home/me"))
    log = load_json(format_sarif([diagnostic()], ctx))
    validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "file:///data/my%20vault/Guides/Plan.md"}


def test_fingerprints_ignore_lines_and_columns():
    before = diagnostic(span=Span(9, 7, 9, 24), hint="one hint")
    after = diagnostic(span=Span(31, 2, 31, 19), hint="another hint")
    assert fingerprints([before]) == fingerprints([after])


def test_fingerprints_tell_identical_diagnostics_apart():
    same_line = [diagnostic(), diagnostic(), diagnostic(span=Span(12, 1, 12, 5))]
    prints = fingerprints(same_line)
    assert len(set(prints)) == 3
    assert prints == [fingerprint("LK001", "Guides/Plan.md", 'unresolved link "Gerg Brockman"', i) for i in range(3)]


def test_fingerprints_depend_on_code_path_and_message():
    base = fingerprints([diagnostic()])[0]
    assert fingerprints([diagnostic(code="LK002")])[0] != base
    assert fingerprints([diagnostic(path="Other.md")])[0] != base
    assert fingerprints([diagnostic(message='unresolved link "Y"')])[0] != base
    assert fingerprints([diagnostic(severity=Severity.WARNING)])[0] == base


def test_fingerprints_do_not_depend_on_input_order():
    first = diagnostic(span=Span(3, 1, 3, 5))
    second = diagnostic(span=Span(7, 1, 7, 5))
    assert fingerprints([first, second]) == list(reversed(fingerprints([second, first])))


def test_fingerprints_do_not_depend_on_where_vaultlint_runs():
    here = results(format_sarif(SAMPLE, context()))
    there = results(format_sarif(SAMPLE, context(vault_root=Path("/ci/vault"), repo_root=Path("/ci"), cwd=Path("/"))))
    assert [r["partialFingerprints"] for r in here] == [r["partialFingerprints"] for r in there]
    assert all(set(r["partialFingerprints"]) == {FINGERPRINT_KEY} for r in here)
