"""``gitlab``: GitLab Code Quality JSON (``artifacts:reports:codequality``).

A JSON list with one object per diagnostic: ``description`` (code, message and
hint), ``check_name`` (the rule code), ``fingerprint``, ``severity`` (``major``
for errors, ``minor`` for warnings, ``info`` for info) and ``location`` (the
repository-relative ``path`` and ``lines.begin``).

GitLab drops all but one of the entries that share a fingerprint and compares
fingerprints between the merge request and its target branch, so each one is
unique within a report (identical diagnostics on the same line get an
occurrence number) and stable when lines move (the line is not part of it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..model import Diagnostic, Severity
from .base import ReportContext
from .escape import escape
from .github import repository_path
from .sarif import fingerprints

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def format_gitlab(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    issues = [
        {
            "description": f"{d.code} {escape(d.message)}" + (f" ({escape(d.hint)})" if d.hint else ""),
            "check_name": d.code,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[d.severity],
            "location": {"path": escape(repository_path(d.path, context)), "lines": {"begin": d.span.line}},
        }
        for d, fingerprint in zip(diagnostics, fingerprints(diagnostics), strict=True)
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
