"""``github``: GitHub Actions workflow commands, one annotation per diagnostic.

Each diagnostic becomes one line::

    ::error file=notes/a.md,line=3,col=5,endLine=3,endColumn=16,title=LK001 unresolved-link::unresolved link "X"

``warning`` diagnostics become ``::warning``, ``info`` ones ``::notice``.  Columns
are given only for spans on one line (GitHub rejects them otherwise); the end
column is exclusive, as everywhere in vaultlint.  The hint, when there is one,
follows the message on a new line.  Text from the vault first goes through
:mod:`vaultlint.report.escape` (no raw newline, control character or ``##[`` is
left), then values are escaped as the runner unescapes them: ``%``, CR and LF
in the message; additionally ``:`` and ``,`` in properties.  So one diagnostic
is always exactly one line and one annotation, whatever the file is called.

File paths are relative to the repository root when the report context knows it
(the vault may be a subfolder of the repository), else to the working folder.

GitHub shows at most 10 annotations of each type per step and 50 per job; when
there are more diagnostics than that, one ``::notice::`` line (the first) says
how many there are and where the full list is.  What the run could not do
(``network unavailable: N URLs not checked``) is one ``::warning::`` line before
everything else, so that a run without a network never looks clean.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from ..model import Diagnostic, Severity
from .base import ReportContext
from .escape import escape
from .summary import summary_line

#: GitHub shows this many annotations of each type (error, warning, notice) per step ...
PER_TYPE_LIMIT = 10
#: ... and this many in all per job.
PER_JOB_LIMIT = 50

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command (after ``::``) as the runner unescapes it.

    Text from the vault has been through :func:`~vaultlint.report.escape.escape`
    already, so the only CR and LF left are vaultlint's own (between message and hint).
    """
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value of a workflow command (``file=``, ``title=`` ...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def repository_path(path: str, context: ReportContext) -> str:
    """A vault-relative path as CI tools want it: relative to the repository root.

    Falls back to the working folder when no repository is known, and to the
    absolute path (``/``-separated) when the file is outside that folder.  Also
    used by the ``sarif``, ``junit`` and ``gitlab`` formats.
    """
    absolute = os.path.join(context.vault_root, *path.split("/"))
    base = context.repo_root if context.repo_root is not None else context.cwd
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive on Windows
        return Path(absolute).as_posix()
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        return Path(absolute).as_posix()
    return relative.replace(os.sep, "/")


def workflow_command(diagnostic: Diagnostic, context: ReportContext) -> str:
    span = diagnostic.span
    properties = [("file", escape(repository_path(diagnostic.path, context))), ("line", str(span.line))]
    single_line = span.end_line == span.line
    if single_line:
        properties.append(("col", str(span.column)))
    properties.append(("endLine", str(span.end_line)))
    if single_line:
        properties.append(("endColumn", str(span.end_column)))
    properties.append(("title", f"{diagnostic.code} {diagnostic.name}"))
    message = escape(diagnostic.message)
    if diagnostic.hint:
        message += "\n" + escape(diagnostic.hint)  # a line of the annotation, %0A on the wire
    listed = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{_COMMANDS[diagnostic.severity]} {listed}::{escape_data(message)}"


def overflow_notice(diagnostics: Sequence[Diagnostic], files_checked: int) -> str | None:
    """The one notice saying that GitHub will not show every annotation, or ``None``."""
    counts = Counter(_COMMANDS[d.severity] for d in diagnostics)
    if len(diagnostics) <= PER_JOB_LIMIT and all(n <= PER_TYPE_LIMIT for n in counts.values()):
        return None
    text = (
        f"vaultlint: {summary_line(diagnostics, files_checked)} GitHub shows only {PER_TYPE_LIMIT} annotations"
        f" of each type per step and {PER_JOB_LIMIT} per job, so not all of them are annotated:"
        " the full list is in this job's log and in the SARIF report (code scanning)."
    )
    return f"::notice::{escape_data(text)}"


def format_github(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    # What the run could not do comes first, where GitHub is sure to show it.
    lines = [f"::warning title=vaultlint::{escape_data(escape(notice))}" for notice in context.notices]
    notice = overflow_notice(diagnostics, context.files_checked)
    if notice is not None:
        lines.append(notice)  # first, so it is one of the notices GitHub does show
    lines.extend(workflow_command(d, context) for d in diagnostics)
    return "\n".join(lines) + "\n" if lines else ""
