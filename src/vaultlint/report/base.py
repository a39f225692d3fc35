"""What every output format receives.  Formatters only format: they compute nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..fixcommand import DEFAULT as FIX_COMMAND
from ..model import Diagnostic
from ..ruledocs import RuleInfo


@dataclass(frozen=True)
class ReportContext:
    """Everything a formatter may show besides the diagnostics, built by the caller.

    Rules come as :class:`~vaultlint.ruledocs.RuleInfo` data, so that no formatter
    imports the rules package (a test checks the import graph).
    """

    #: Every known rule by code (for names, summaries and help text).
    rules: Mapping[str, RuleInfo]
    vault_root: Path
    #: The git work tree holding the vault, if any (SARIF wants repository-relative URIs).
    repo_root: Path | None
    #: The directory paths in human output are shown relative to.
    cwd: Path
    color: bool
    version: str
    #: Number of files checked.
    files_checked: int
    #: Human formats end with a summary line unless ``-q`` asked for diagnostics only.
    show_summary: bool = True
    #: ``--statistics``: counts per rule (see :mod:`vaultlint.report.statistics`).
    statistics: bool = False
    #: The command the summary names for applying fixes (:mod:`vaultlint.fixcommand`).
    fix_command: str = FIX_COMMAND
    #: The PATHS held no note to check (outside ``--staged``): the summary says so, not "All checks passed".
    nothing_in_scope: bool = False


class Formatter(Protocol):
    def __call__(self, diagnostics: Sequence[Diagnostic], context: ReportContext) -> str: ...
