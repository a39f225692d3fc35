"""What must hold for any vault, however odd: the checks of the fuzzing harness.

Shared by ``tests/fuzz/test_fuzz.py`` (a few examples in CI) and
``bench/fuzz_long.py`` (the long run).  Each check returns a list of failures,
one line each (empty when all is well), so a long run can count and report
them instead of stopping at the first.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
import traceback
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from xml.etree import ElementTree

from vaultlint.cli import main as cli_main
from vaultlint.engine import LintOptions, lint
from vaultlint.model import Diagnostic
from vaultlint.selection import build_selection

Files = Mapping[str, "str | bytes"]

#: Every output format; the machine-readable ones are parsed back.
FORMATS = ("full", "concise", "json", "github", "sarif", "junit", "gitlab")

#: Parsing a note may take at most this long plus this much per character (10 KB/s): ten
#: times slower than on a machine shared by nine busy sessions, and still far below a
#: quadratic blow-up on 100 KB (60 KB of "[" once took 51 s).
PARSE_SECONDS_BASE = 1.0
PARSE_SECONDS_PER_CHAR = 100e-6


def write_files(root: Path, files: Files) -> Path:
    """Write ``files`` (vault path -> text or bytes) under ``root``, with an ``.obsidian/`` folder."""
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def note_lines(content: str | bytes) -> list[str] | None:
    """The lines positions refer to: BOM dropped, CRLF and CR read as LF; None if not UTF-8 text."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if content.startswith("\ufeff"):
        content = content[1:]
    return content.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def span_problem(diagnostic: Diagnostic, contents: Sequence[str | bytes]) -> str | None:
    """Why the span of ``diagnostic`` lies outside its file (None when it fits one of ``contents``:
    two files can share a vault path once names are NFC-normalised)."""
    span = diagnostic.span
    reasons = []
    for content in contents:
        lines = note_lines(content)
        # Notes, canvases and bases are text whose problems have places (a canvas's JSON error, a
        # base's key); any other file is reported as a whole, at 1:1.
        if lines is None or not diagnostic.path.lower().endswith((".md", ".canvas", ".base")):
            if (span.line, span.column) == (1, 1) and span.end_line == 1:
                return None
            reasons.append("a file that is not a note must be reported at 1:1")
            continue
        if not 1 <= span.line <= span.end_line <= len(lines):
            reasons.append(f"lines {span.line}-{span.end_line} outside 1-{len(lines)}")
        elif not 1 <= span.column <= len(lines[span.line - 1]) + 1:
            reasons.append(f"column {span.column} outside line {span.line} (length {len(lines[span.line - 1])})")
        elif not 1 <= span.end_column <= len(lines[span.end_line - 1]) + 1:
            reasons.append(f"end column {span.end_column} outside line {span.end_line}")
        elif (span.line, span.column) > (span.end_line, span.end_column):
            reasons.append("span ends before it starts")
        else:
            return None
    return f"{diagnostic.code} at {diagnostic.path}:{span.line}:{span.column}: " + "; ".join(reasons)


def contents_by_path(files: Files) -> dict[str, list[str | bytes]]:
    """Each path a diagnostic may name -> the contents it may have: a file is reported under its
    NFC name, except the NFD one of two twin names (``Café.md`` twice), which keeps its own."""
    by_path: dict[str, list[str | bytes]] = {}
    for name, content in files.items():
        for path in dict.fromkeys((unicodedata.normalize("NFC", name), name)):
            by_path.setdefault(path, []).append(content)
    return by_path


def span_failures(diagnostics: Iterable[Diagnostic], files: Files) -> list[str]:
    by_path = contents_by_path(files)
    failures = []
    for diagnostic in diagnostics:
        contents = by_path.get(diagnostic.path)
        if contents is None:
            failures.append(f"{diagnostic.code} for a path that is not in the vault: {diagnostic.path!r}")
            continue
        problem = span_problem(diagnostic, contents)
        if problem:
            failures.append(f"span outside its file: {problem}")
    return failures


def key(diagnostic: Diagnostic) -> tuple:
    """What must be the same between two runs."""
    return (diagnostic.path, diagnostic.span, diagnostic.code, diagnostic.severity, diagnostic.message, diagnostic.hint)


def engine_run(root: Path, cache_dir: Path | None = None) -> tuple[Diagnostic, ...]:
    """Every rule (``ALL``), offline, with or without a cache."""
    report = lint(
        LintOptions(
            paths=(root,),
            vault_root=root,
            selection=build_selection(select=["ALL"]),
            offline=True,
            use_cache=cache_dir is not None,
            cache_dir=cache_dir,
            jobs=1,
        )
    )
    return report.diagnostics


def cli_run(args: Sequence[str]) -> tuple[int, str, str]:
    """vaultlint's command line in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main(list(args))
    return code, out.getvalue(), err.getvalue()


def parse_output(output_format: str, data: bytes, root: Path | None = None) -> str | None:
    """Why ``data`` is not valid output of ``output_format`` (None when it is).

    Machine formats must parse; in the line formats every line must be a whole
    diagnostic (``-q``: no summary), with no raw control character in it.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"not UTF-8: {error}"
    try:
        if output_format in ("json", "sarif", "gitlab"):
            json.loads(text)
        elif output_format == "junit":
            ElementTree.fromstring(data)
    except (ValueError, ElementTree.ParseError) as error:
        return f"does not parse: {error}"
    if output_format in ("full", "concise", "github"):
        # A line of its own from a note would be a forged diagnostic or workflow command.
        for line in text.split("\n"):
            if any(ord(c) < 32 and c != "\t" or 0x7F <= ord(c) < 0xA0 for c in line):
                return f"raw control character in {line!r}"
            if output_format == "github" and line and not line.startswith("::"):
                return f"a line that is not a workflow command: {line!r}"
            if output_format == "concise" and root is not None and line and not line.startswith(str(root)):
                return f"a line that is not a diagnostic: {line!r}"
    return None


def check_vault(root: Path, files: Files, work: Path, *, formats: Sequence[str] = FORMATS) -> list[str]:
    """Lint the vault at ``root`` (written from ``files``) every way; the broken invariants."""
    failures: list[str] = []

    def attempt(what: str, action):
        try:
            return action()
        except Exception:  # noqa: BLE001 - a crash is what we are looking for
            failures.append(f"{what} crashed: {traceback.format_exc(limit=-4).strip()}")
            return None

    plain = attempt("engine", lambda: engine_run(root))
    if plain is None:
        return failures
    failures.extend(span_failures(plain, files))
    again = attempt("engine (second run)", lambda: engine_run(root))
    if again is not None and list(map(key, again)) != list(map(key, plain)):
        failures.append("engine: two runs gave different diagnostics")

    cache_dir = work / "cache"
    for run_name in ("cold", "warm"):
        cached = attempt(f"engine with cache ({run_name})", lambda: engine_run(root, cache_dir))
        if cached is not None and list(map(key, cached)) != list(map(key, plain)):
            failures.append(f"engine with cache ({run_name}) differs from without: {_difference(plain, cached)}")

    for output_format in formats:
        outputs = []
        for _ in range(2 if output_format == "json" else 1):
            target = work / f"out.{output_format}"
            args = ["check", "--offline", "--no-cache", "--select", "ALL", "--jobs", "1", "-q"]
            args += ["--output-format", output_format, "-o", str(target), str(root)]
            result = attempt(f"CLI --output-format {output_format}", lambda args=args: cli_run(args))
            if result is None:
                break
            code, _, stderr = result
            if code not in (0, 1):
                failures.append(f"CLI --output-format {output_format}: exit code {code}: {stderr.strip()[:500]}")
                break
            data = target.read_bytes() if target.exists() else b""
            problem = parse_output(output_format, data, root)
            if problem:
                failures.append(f"CLI --output-format {output_format}: {problem}")
            outputs.append(data)
        if output_format == "json" and len(outputs) == 2:
            if outputs[0] != outputs[1]:
                failures.append("CLI: two runs gave different JSON output")
            elif not parse_output("json", outputs[0]):
                count = len(json.loads(outputs[0]))
                if count != len(plain):
                    failures.append(f"CLI reported {count} diagnostics, the engine {len(plain)}")
    return failures


def _difference(expected: Sequence[Diagnostic], got: Sequence[Diagnostic]) -> str:
    missing = sorted(set(map(key, expected)) - set(map(key, got)), key=repr)[:2]
    extra = sorted(set(map(key, got)) - set(map(key, expected)), key=repr)[:2]
    return f"missing {missing}, extra {extra}"


def parse_time_failure(path: str, text: str) -> str | None:
    """A failure when parsing ``text`` takes longer than its size allows (or crashes)."""
    from vaultlint.syntax.note import NestingTooDeep, parse_note

    bound = PARSE_SECONDS_BASE + PARSE_SECONDS_PER_CHAR * len(text)
    start = time.perf_counter()
    try:
        parse_note(path, text)
    except (RecursionError, NestingTooDeep):
        pass  # the loader reports both as VL001 (nested too deeply to check)
    except Exception:  # noqa: BLE001
        return f"parse_note crashed on {len(text)} characters: {traceback.format_exc(limit=-3).strip()}"
    seconds = time.perf_counter() - start
    if seconds > bound:
        return f"parse_note took {seconds:.2f} s for {len(text)} characters (bound {bound:.2f} s)"
    return None
