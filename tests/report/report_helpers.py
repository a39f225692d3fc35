"""Shared data for the CI output format tests (``tests/report/``).

Not a ``conftest.py``: ``tests/`` and ``tests/urls/`` have one already, and a
third would make ``from conftest import ...`` in other tests ambiguous.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vaultlint.model import Diagnostic, Severity, Span
from vaultlint.report import ReportContext
from vaultlint.ruledocs import rule_infos
from vaultlint.rules import ALL_RULES, RULES_BY_CODE

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SARIF_SCHEMA = HERE / "sarif-schema-2.1.0.json"

#: The vault is a subfolder of the repository; vaultlint runs from inside the vault.
REPO_ROOT = Path("/repo")
VAULT_ROOT = REPO_ROOT / "vault"


def context(
    vault_root: Path = VAULT_ROOT,
    repo_root: Path | None = REPO_ROOT,
    cwd: Path = VAULT_ROOT,
    files_checked: int = 3,
    **kwargs: Any,
) -> ReportContext:
    options: dict[str, Any] = {"rules": RULE_INFOS, "color": False, "version": "0.1.0"}
    options.update(kwargs)
    return ReportContext(vault_root=vault_root, repo_root=repo_root, cwd=cwd, files_checked=files_checked, **options)


RULE_INFOS = rule_infos(ALL_RULES)

LINK_SPAN = Span(9, 7, 9, 24)


def diagnostic(
    path: str = "Guides/Plan.md",
    span: Span = LINK_SPAN,
    message: str = 'unresolved link "Gerg Brockman"',
    code: str = "LK001",
    severity: Severity = Severity.ERROR,
    hint: str | None = None,
    name: str | None = None,
) -> Diagnostic:
    name = name or (RULES_BY_CODE[code].name if code in RULES_BY_CODE else "unknown-rule")
    return Diagnostic(code, name, severity, path, span, message, hint)


#: A small fixed list, sorted as the engine sorts: two files, three severities, one multi-line span.
SAMPLE = (
    diagnostic(
        code="FM005",
        severity=Severity.WARNING,
        span=Span(2, 1, 2, 4),
        message='deprecated property "tag"',
        hint='rename it to "tags"',
    ),
    diagnostic(hint='did you mean "Greg Brockman"?'),
    diagnostic(
        path="Reading list.md",
        code="LK005",
        severity=Severity.INFO,
        span=Span(4, 3, 5, 12),
        message='ambiguous link "Security"',
    ),
)

#: Characters every format has to escape somewhere.
NASTY_MESSAGE = 'rate 100% <done> & "quoted", a: b\r\nsecond line\nthird'
#: NASTY_MESSAGE as every format must show it: CR and LF as visible escapes.  Written out by
#: hand, never computed with escape(), so that a broken escape() cannot agree with itself.
NASTY_MESSAGE_SHOWN = 'rate 100% <done> & "quoted", a: b\\r\\nsecond line\\nthird'
NASTY_PATH = 'Odd/50% off, a: b & <c> "d" #1.md'


def load_json(text: str) -> Any:
    assert text.endswith("\n")
    return json.loads(text)
