"""``markdown``: a report for a person reading a web page, such as a GitHub job summary.

The summary line as a heading, a table of counts per rule (most frequent
first), then the problems, one per line, in a fenced code block::

    ### vaultlint: Found 3 problems (2 errors, 1 warning) in 2 of 40 notes.

    | Rule | Name | Severity | Count | Fixable |
    | --- | --- | --- | ---: | ---: |
    | LK001 | unresolved-link | error | 2 | 0 |

    ```text
    notes/a.md:3:5: LK001 error unresolved link "X"
      hint: did you mean "Y"?
    ```

Everything that came from the vault (paths, messages, hints) is only ever
inside the code block, escaped (:mod:`vaultlint.report.escape`: one line each),
behind a fence longer than any run of backticks it holds: a note cannot add a
heading, a link, an image that a browser would fetch, or HTML to the page.  The
table holds vaultlint's own words only.

GitHub refuses a job summary over 1 MiB, so the problems are cut to fit under
:data:`MAX_BYTES`, and the last line says how many were left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..model import Diagnostic
from .base import ReportContext
from .escape import escape, line_start_safe
from .github import repository_path
from .statistics import statistics
from .summary import report_summary

#: GitHub's limit for one step's summary is 1 MiB; this leaves room for the rest of the page.
MAX_BYTES = 1_000_000


def format_markdown(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    head = [f"### vaultlint: {report_summary(diagnostics, context)}", ""]
    if diagnostics:
        head += ["| Rule | Name | Severity | Count | Fixable |", "| --- | --- | --- | ---: | ---: |"]
        for entry in statistics(diagnostics, context.files_checked)["rules"]:
            row = (entry["code"], entry["name"], entry["severity"], str(entry["count"]), str(entry["fixable"]))
            head.append("| " + " | ".join(row) + " |")
        head.append("")
    problems = [_problem(d, context) for d in diagnostics]
    if not problems:
        return "\n".join(head) + "\n"
    longest = max((len(run) for text in problems for run in re.findall("`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    text = "\n".join([*head, fence + "text"]) + "\n"
    used = len(text.encode("utf-8")) + 200  # the closing fence and the "left out" line
    shown = 0
    for problem in problems:
        size = len(problem.encode("utf-8")) + 1
        if used + size > MAX_BYTES:
            break
        text += problem + "\n"
        used += size
        shown += 1
    text += fence + "\n"
    left_out = len(problems) - shown
    if left_out:
        text += (
            f"\n{left_out} more problem{'s' if left_out != 1 else ''} left out: a job summary holds at most 1 MiB."
            " The job log lists them all.\n"
        )
    return text


def _problem(d: Diagnostic, context: ReportContext) -> str:
    where = line_start_safe(repository_path(d.path, context))
    line = f"{where}:{d.span.line}:{d.span.column}: {d.code} {d.severity.value} {escape(d.message)}"
    return line + f"\n  hint: {escape(d.hint)}" if d.hint else line
