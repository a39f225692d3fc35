"""``junit``: JUnit XML, as GitLab (``artifacts:reports:junit``) and Jenkins read it.

One ``<testsuite>`` named ``vaultlint`` inside ``<testsuites>``.  Each file with
diagnostics is one ``<testcase>`` (``classname`` and ``name`` are its
repository-relative path) holding one ``<failure>`` per diagnostic:
``message="CODE: message"``, ``type`` the severity, and the text
``path:line:column`` (and the hint on the next line).  With no diagnostics the
suite holds a single passing test case, so "0 tests" never reads as "nothing
ran".  ``tests`` counts the test cases and ``failures`` the failing ones.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from ..model import Diagnostic
from .base import ReportContext
from .github import repository_path

#: Characters XML 1.0 cannot hold at all, escaped or not (control characters, lone surrogates).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def format_junit(diagnostics: Sequence[Diagnostic], context: ReportContext) -> str:
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        by_file.setdefault(d.path, []).append(d)
    counts = {"tests": str(max(1, len(by_file))), "failures": str(len(by_file)), "errors": "0"}
    root = ET.Element("testsuites", {"name": "vaultlint", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "vaultlint", **counts, "skipped": "0"})
    if not by_file:
        ET.SubElement(suite, "testcase", classname="vaultlint", name="vaultlint")
    for path, found in by_file.items():
        shown = _xml(repository_path(path, context))
        case = ET.SubElement(suite, "testcase", classname=shown, name=shown)
        for d in found:
            failure = ET.SubElement(case, "failure", message=_xml(f"{d.code}: {d.message}"), type=d.severity.value)
            where = f"{shown}:{d.span.line}:{d.span.column}"
            failure.text = _xml(f"{where}\nhint: {d.hint}" if d.hint else where)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
