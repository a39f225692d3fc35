"""``junit``: JUnit XML, as GitLab (``artifacts:reports:junit``) and Jenkins read it.

One ``<testsuite>`` named ``vaultlint`` inside ``<testsuites>``.  Each diagnostic
is one failing ``<testcase>``: ``classname`` is its repository-relative path (so
tools group the cases by file), ``name`` is ``path:line:column: CODE``, and the
``file`` and ``line`` attributes point at it (GitLab and Jenkins link them).  It
holds one ``<failure>`` with ``message="CODE: message"``, ``type`` the severity,
and the text ``path:line:column`` (and the hint on the next line).  With no
diagnostics the suite holds a single passing test case, so "0 tests" never reads
as "nothing ran".  ``tests`` counts the test cases and ``failures`` the failing
ones.  Text from the vault is escaped (:mod:`vaultlint.report.escape`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from ..model import Diagnostic
from .base import ReportContext
from .escape import escape
from .github import repository_path
from .statistics import statistics


@functools.cache
def _not_xml() -> re.Pattern[str]:
    """Characters XML 1.0 cannot hold at all, escaped or not (a safety net: escape() leaves none).

    Compiled on first use: the class spans most of Unicode and takes 8 ms to compile,
    which every run that imports the formatters (every check) would pay.
    """
    return re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _not_xml().sub("\ufffd", text)


def format_junit(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    import xml.etree.ElementTree as ET  # only for this format

    skipped = len(context.notices)
    counts = {"tests": str(max(1, len(diagnostics)) + skipped), "failures": str(len(diagnostics)), "errors": "0"}
    root = ET.Element("testsuites", {"name": "vaultlint", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "vaultlint", **counts, "skipped": str(skipped)})
    for notice in context.notices:  # what the run could not check: a skipped test, not a pass
        case = ET.SubElement(suite, "testcase", classname="vaultlint", name="vaultlint: not checked")
        ET.SubElement(case, "skipped", message=_xml(escape(notice)))
    if context.statistics:
        stats = statistics(diagnostics, context.files_checked)
        properties = ET.SubElement(suite, "properties")
        for key in ("total", "fixable", "files", "files_checked"):
            ET.SubElement(properties, "property", name=f"vaultlint.{key}", value=str(stats[key]))
        for entry in stats["rules"]:
            ET.SubElement(properties, "property", name=f"vaultlint.count.{entry['code']}", value=str(entry["count"]))
    if not diagnostics:
        ET.SubElement(suite, "testcase", classname="vaultlint", name="vaultlint")
    for d in diagnostics:
        shown = _xml(escape(repository_path(d.path, context)))
        where = f"{shown}:{d.span.line}:{d.span.column}"
        case = ET.SubElement(
            suite, "testcase", classname=shown, name=f"{where}: {d.code}", file=shown, line=str(d.span.line)
        )
        failure = ET.SubElement(case, "failure", message=_xml(f"{d.code}: {escape(d.message)}"), type=d.severity.value)
        failure.text = _xml(f"{where}\nhint: {escape(d.hint)}" if d.hint else where)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
