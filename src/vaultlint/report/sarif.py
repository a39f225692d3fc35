"""``sarif``: SARIF 2.1.0 for GitHub code scanning (``github/codeql-action/upload-sarif``).

One run whose ``tool.driver.rules`` describes every rule that has a result,
with the short description (the rule's summary), the full description (its
"What it does"), help text and Markdown (its whole documentation) and a
``helpUri`` to its page in ``docs/rules/``, all from a :class:`RuleInfo`.  Each
result carries the rule id and index, the level (``error``/``warning``/``note``),
the message (and the hint on a second line), one location with a
repository-relative, percent-encoded URI (``uriBaseId`` ``%SRCROOT%``) and a
region whose columns count Unicode code points (``columnKind``), and
``partialFingerprints`` that do not depend on the line, so moving text around
does not turn a known result into a new one.  Text from the vault is escaped
(:mod:`vaultlint.report.escape`); URIs keep an undecodable name's original bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..model import Diagnostic, Severity
from ..ruledocs import RuleInfo
from .base import ReportContext
from .escape import escape
from .github import repository_path
from .statistics import statistics

SCHEMA_URI = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://github.com/vaultlint/vaultlint"
#: Versioned, so that a change of the recipe does not silently mismatch old results.
FINGERPRINT_KEY = "vaultlint/v1"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def fingerprints(diagnostics: Sequence[Diagnostic]) -> list[str]:
    """A stable identity for each diagnostic, in the order given.

    A hash of the code, the vault-relative path, the message and the index of the
    diagnostic among identical ones (same code, path and message) in file order.
    The line is not part of it, so edits above a problem do not change its
    identity; identical problems in one file still get distinct fingerprints.
    Also used by the ``gitlab`` format.
    """
    order = sorted(range(len(diagnostics)), key=lambda i: diagnostics[i].sort_key)
    seen: Counter[tuple[str, str, str]] = Counter()
    result = [""] * len(diagnostics)
    for i in order:
        d = diagnostics[i]
        key = (d.code, d.path, d.message)
        occurrence = seen[key]
        seen[key] += 1
        material = "\0".join((d.code, d.path, d.message, str(occurrence)))
        result[i] = hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()
    return result


def artifact_location(path: str, context: ReportContext) -> dict[str, str]:
    shown = repository_path(path, context)
    if os.path.isabs(shown):  # outside the repository: an absolute file URI
        return {"uri": Path(shown).as_uri()}
    return {"uri": _quote(shown), "uriBaseId": "%SRCROOT%"}


def _quote(path: str) -> str:
    try:
        return quote(path, safe="/", errors="surrogateescape")  # undecodable names: their original bytes
    except UnicodeEncodeError:
        return quote(path, safe="/", errors="replace")


# -- rules -------------------------------------------------------------------


def rule_descriptor(rule: RuleInfo) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.help_text, "markdown": rule.help_markdown},
        "helpUri": rule.help_uri,
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }


def _unknown_rule_descriptor(diagnostic: Diagnostic) -> dict[str, Any]:
    """For a code no rule in the context describes (should not happen; never crash on it)."""
    return {
        "id": diagnostic.code,
        "name": diagnostic.name,
        "shortDescription": {"text": diagnostic.name},
        "defaultConfiguration": {"level": LEVELS[diagnostic.severity]},
    }


# -- the log -------------------------------------------------------------------


def sarif_log(diagnostics: Sequence[Diagnostic], context: ReportContext) -> dict[str, Any]:
    codes = sorted({d.code for d in diagnostics})
    rule_index = {code: i for i, code in enumerate(codes)}
    first_of: dict[str, Diagnostic] = {}
    for d in diagnostics:
        first_of.setdefault(d.code, d)
    rules = [
        rule_descriptor(context.rules[code]) if code in context.rules else _unknown_rule_descriptor(first_of[code])
        for code in codes
    ]
    results = []
    for d, fingerprint in zip(diagnostics, fingerprints(diagnostics), strict=True):
        span = d.span
        results.append(
            {
                "ruleId": d.code,
                "ruleIndex": rule_index[d.code],
                "level": LEVELS[d.severity],
                "message": {"text": escape(d.message) if not d.hint else f"{escape(d.message)}\n{escape(d.hint)}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": artifact_location(d.path, context),
                            "region": {
                                "startLine": span.line,
                                "startColumn": span.column,
                                "endLine": span.end_line,
                                "endColumn": span.end_column,
                            },
                        }
                    }
                ],
                "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
            }
        )
    driver = {"name": "vaultlint", "version": context.version, "informationUri": INFORMATION_URI, "rules": rules}
    run: dict[str, Any] = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
    if context.notices:
        # Not results (they belong to no file and would open alerts): notifications of the run.
        notifications = [{"level": "warning", "message": {"text": escape(notice)}} for notice in context.notices]
        run["invocations"] = [{"executionSuccessful": True, "toolExecutionNotifications": notifications}]
    if context.statistics:
        run["properties"] = {"statistics": statistics(diagnostics, context.files_checked)}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def format_sarif(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    return json.dumps(sarif_log(diagnostics, context), indent=2, ensure_ascii=False) + "\n"
