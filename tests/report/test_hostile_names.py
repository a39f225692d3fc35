"""Issue 8.1 end to end: nothing a note contains can steer vaultlint's output.

A real vault in a temporary folder holds the reproductions: a note whose file
name carries a newline and a GitHub workflow command, ESC/OSC/CSI sequences and
``##[error]`` in link text, a name that starts with ``::``, and a name that is
not valid UTF-8.  Every output format, printed and written with ``-o``, must
stay valid, show them escaped, and obey none of them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from vaultlint.cli import main

FORMATS = ("full", "concise", "json", "github", "sarif", "junit", "gitlab", "markdown")
INJECTED_NAME = "x\n::error file=README.md,line=1::Injected.md"
LINE_START_NAME = "::warning file=a.md::Sneaky.md"
BAD_BYTES_NAME = b"caf\xe9 \xff.md"  # Latin-1, not UTF-8
OSC_TITLE = "\x1b]0;pwned\x07"
CLEAR = "\x1b[2J\x1b[H"
C1_CSI = "\x9b31m"

#: Anything a terminal or a CI runner would act on.
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def hostile_vault(tmp_path: Path) -> Path:
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / INJECTED_NAME).write_text("[[missing one]]\n", encoding="utf-8")
    (vault / LINE_START_NAME).write_text("[[missing two]]\n", encoding="utf-8")
    (vault / "links.md").write_text(
        f"[[{OSC_TITLE}title]] and [[{CLEAR}clear]] and [[{C1_CSI}red]] and [[##[error]boom]]\n",
        encoding="utf-8",
    )
    with open(os.path.join(os.fsencode(vault), BAD_BYTES_NAME), "wb") as handle:
        handle.write(b"[[missing three]]\n")
    return vault


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _check_inert(text: str, output_format: str) -> None:
    assert not RAW_CONTROL.search(text), repr(RAW_CONTROL.search(text))
    assert "##[" not in text
    for line in text.splitlines():
        if line.lstrip().startswith("::"):
            # only vaultlint's own annotations, one per line, never one a note wrote
            assert output_format == "github", line
            if line.startswith("::notice::"):
                continue
            command = re.match(r"::(error|warning|notice) ([^:]*)::", line)  # properties hold no raw ":"
            assert command, line
            properties = dict(item.split("=", 1) for item in command.group(2).split(","))
            assert set(properties) == {"file", "line", "col", "endLine", "endColumn", "title"}
            assert properties["file"] != "README.md" and properties["line"] == "1"
    # every hostile name is visible, escaped (JSON doubles the backslash of the escape)
    if output_format in ("json", "gitlab", "sarif"):
        text = text.replace("\\\\", "\\")
    if output_format == "sarif":  # names only in URIs, which carry the original bytes percent-encoded
        return
    shown = {"github": "\\n%3A%3Aerror file=README.md"}
    assert shown.get(output_format, "\\n::error file=README.md,line=1::Injected") in text
    assert "caf\\xe9 \\xff.md" in text


def _check_valid(text: str, output_format: str) -> None:
    if output_format in ("json", "gitlab", "sarif"):
        data = json.loads(text)
        assert data
    elif output_format == "junit":
        root = ET.fromstring(text.encode("utf-8"))
        assert len(root.findall("./testsuite/testcase")) >= 7
    elif output_format == "github":
        assert len(text.splitlines()) == 7  # one annotation per diagnostic, no extra lines
    elif output_format == "markdown":
        # vault text only inside the one code block, one line per diagnostic: no link, image or HTML
        outside, inside, _ = re.split(r"^```+text\n|^```+\n", text, flags=re.M)
        assert len(inside.splitlines()) == 7
        assert "[[" not in outside and "missing" not in outside and "<" not in outside


@pytest.mark.parametrize("output_format", FORMATS)
def test_every_format_printed_and_written_stays_valid_and_inert(hostile_vault, tmp_path, capsys, output_format):
    code, out, err = _run(
        capsys, "check", "--offline", "--no-cache", "--output-format", output_format, str(hostile_vault)
    )
    assert code == 1, err
    assert "internal error" not in err
    _check_inert(out, output_format)
    _check_valid(out, output_format)
    if output_format == "sarif":
        uris = [
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in json.loads(out)["runs"][0]["results"]
        ]
        assert any(uri.endswith("caf%E9%20%FF.md") for uri in uris)  # the real bytes, as a URI holds them
        assert any("%0A%3A%3Aerror" in uri or "%0A::error" in uri for uri in uris)

    target = tmp_path / f"report.{output_format}"
    code, out, err = _run(
        capsys,
        "check",
        "--offline",
        "--no-cache",
        "--output-format",
        output_format,
        "-o",
        str(target),
        str(hostile_vault),
    )
    assert code == 1, err
    assert out == "" and "internal error" not in err
    written = target.read_bytes().decode("utf-8")  # strict: the file is valid UTF-8
    _check_inert(written, output_format)
    _check_valid(written, output_format)


def test_statistics_and_concise_from_inside_the_vault(hostile_vault, capsys, monkeypatch):
    monkeypatch.chdir(hostile_vault)
    code, out, _ = _run(capsys, "check", "--offline", "--no-cache", "--output-format", "concise")
    assert code == 1
    _check_inert(out, "concise")
    lines = out.splitlines()
    assert any(line.startswith("./::warning file=a.md::Sneaky.md:1:1: LK001") for line in lines)
    assert any(line.startswith("x\\n::error file=README.md,line=1::Injected.md:1:1: LK001") for line in lines)
    assert 'LK001 unresolved link "\\x1b]0;pwned\\x07title"' in out
    code, out, _ = _run(capsys, "check", "--offline", "--no-cache", "--statistics", "--output-format", "json")
    assert json.loads(out)["total"] == 7


def test_colour_adds_only_its_own_styles(hostile_vault, capsys):
    code, out, _ = _run(capsys, "check", "--offline", "--no-cache", "--color", "always", str(hostile_vault))
    assert code == 1
    sequences = set(re.findall("\x1b[^a-zA-Z]*[a-zA-Z]?", out))
    assert sequences and all(re.fullmatch("\x1b\\[[0-9;]*m", s) for s in sequences), sequences
    assert "\x07" not in out and "\x9b" not in out


def test_warnings_and_errors_on_stderr_are_escaped(tmp_path, capsys):
    vault = tmp_path / f"v{OSC_TITLE}\nx"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / ".obsidian" / "app.json").write_text("{not json", encoding="utf-8")
    (vault / "a.md").write_text("fine\n", encoding="utf-8")
    code, _, err = _run(capsys, "check", "--offline", "--no-cache", str(vault))
    assert code == 0
    assert err.startswith("warning: ") and "\\x1b]0;pwned\\x07\\nx" in err
    assert not RAW_CONTROL.search(err) and err.count("\n") == 1
    code, _, err = _run(capsys, "check", "--offline", "--no-cache", "-q", str(vault))
    assert code == 0 and err == ""  # -q silences warnings too
    code, _, err = _run(capsys, "check", str(tmp_path / f"gone{CLEAR}\n.md"))
    assert code == 2 and err.startswith("vaultlint: error: ") and err.count("\n") == 1
    assert not RAW_CONTROL.search(err)


def test_diff_headers_stay_one_line_and_apply(tmp_path):
    """A fixable note with a newline in its name: the diff header is git-quoted and ``git apply`` takes it."""
    vault = tmp_path / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    name = "odd\nname.md"
    (vault / name).write_text("---\ntag: x\n---\nbody\n", encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--offline", "--no-cache", "--diff", "."],
        cwd=vault,
        capture_output=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 1, done.stderr
    text = done.stdout.decode("utf-8")
    assert text.startswith('--- "a/odd\\nname.md"\n+++ "b/odd\\nname.md"\n'), text
    git = subprocess.run(["git", "--version"], capture_output=True)
    if git.returncode != 0:
        pytest.skip("git is not installed")
    subprocess.run(["git", "init", "-q", "."], cwd=vault, check=True, timeout=60)
    applied = subprocess.run(["git", "apply", "-"], cwd=vault, input=done.stdout, capture_output=True, timeout=60)
    assert applied.returncode == 0, applied.stderr
    assert (vault / name).read_text(encoding="utf-8") == "---\ntags: x\n---\nbody\n"
