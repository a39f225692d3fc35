"""Bad input never gives a traceback or a hang: a clear diagnostic (VL001) or a one-line error (exit 2)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import found, messages, run, write_vault
from unprivileged import public_folder, run_vaultlint_unprivileged


def cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vaultlint", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


def test_invalid_utf8_is_vl001_and_the_run_goes_on(vault):
    root = vault({"bad.md": b"caf\xe9 [[x]]\n", "good.md": "[[missing]]\n"})
    report = run(root)
    assert found(report) == [("bad.md", 1, 1, "VL001"), ("good.md", 1, 1, "LK001")]
    assert messages(report, "VL001")[0].message == "not valid UTF-8 (byte 3, line 1)"


def test_nul_bytes_are_vl001(vault):
    root = vault({"binary.md": b"PK\x03\x04\x00\x00[[x]]"})
    assert [d.message for d in run(root).diagnostics] == ["binary file (contains NUL bytes), not a Markdown note"]


def test_a_folder_named_like_a_note_is_a_folder(vault):
    root = vault({"x.md/inner.md": "[[x]]\n", "a.md": "[[x.md]]\n"})
    # x.md is a folder, so [[x]] and [[x.md]] reach no file: both unresolved, nothing crashes.
    assert found(run(root)) == [("a.md", 1, 1, "LK001"), ("x.md/inner.md", 1, 1, "LK001")]


def test_a_fifo_named_like_a_note_is_vl001_without_blocking(vault):
    root = vault({"a.md": "ok\n"})
    os.mkfifo(root / "pipe.md")
    result = cli("check", "--offline", "--output-format", "concise", str(root), timeout=30)
    assert "pipe.md:1:1: VL001 not a regular file" in result.stdout
    assert result.returncode == 1


def test_an_unreadable_file_is_vl001():
    with public_folder() as folder:  # run as an unprivileged user under root, for whom chmod 000 means something
        root = write_vault(folder / "vault", {"secret.md": "x\n", "a.md": "[[secret]]\n"})
        (root / "secret.md").chmod(0)
        result = run_vaultlint_unprivileged("check", "--offline", "--no-cache", "--output-format", "json", str(root))
    assert result.returncode == 1, result.stderr
    # Unreadable, yet still in the vault: the link to it resolves.
    assert [(d["path"], d["line"], d["code"], d["message"]) for d in json.loads(result.stdout)] == [
        ("secret.md", 1, "VL001", "cannot read file: Permission denied")
    ]


@pytest.mark.parametrize("name", ["secret.canvas", "secret.base", "Sub/secret.md"])
@pytest.mark.parametrize("named", [False, True], ids=["vault", "named-on-the-command-line"])
def test_an_unreadable_note_canvas_or_base_is_vl001_also_when_named(name, named):
    """Each kind of file vaultlint parses, in a folder run and named as pre-commit names staged files."""
    with public_folder() as folder:
        root = write_vault(folder / "vault", {name: "x\n", "a.md": "fine\n"})
        (root / name).chmod(0)
        paths = [str(root / name), str(root / "a.md")] if named else [str(root)]
        result = run_vaultlint_unprivileged(
            "check", "--offline", "--no-cache", "--output-format", "json", "--vault-root", str(root), *paths
        )
    assert result.returncode == 1, result.stderr
    assert [(d["path"], d["code"], d["message"]) for d in json.loads(result.stdout)] == [
        (name, "VL001", "cannot read file: Permission denied")
    ]


def test_symlink_loops_and_dangling_links_are_skipped(vault):
    root = vault({"a.md": "[[loop]] [[dangling]] [[sub/inner]]\n", "sub/inner.md": "x\n"})
    os.symlink("loop2.md", root / "loop.md")
    os.symlink("loop.md", root / "loop2.md")
    os.symlink("nowhere.md", root / "dangling.md")
    os.symlink(root / "sub", root / "sub" / "again")  # a folder link back into the vault
    report = run(root)
    assert found(report) == [("a.md", 1, 1, "LK001"), ("a.md", 1, 10, "LK001")]


def test_symlinks_pointing_outside_the_vault_are_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("[[nothing]]\n")
    root = write_vault(tmp_path / "vault", {"a.md": "[[secret]] [[linked/secret]]\n"})
    os.symlink(outside / "secret.md", root / "secret.md")
    os.symlink(outside, root / "linked")
    assert found(run(root)) == [("a.md", 1, 1, "LK001"), ("a.md", 1, 12, "LK001")]


def test_a_symlinked_note_inside_the_vault_is_a_note(vault):
    root = vault({"real/Note.md": "# H\n", "a.md": "[[alias-note#H]]\n"})
    os.symlink(root / "real" / "Note.md", root / "alias-note.md")
    assert found(run(root)) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # Clamped at the root (OBSIDIAN.md D13) or not, these look for x.md, outside.md and
        # img.png in the vault, which has none: the files beside it are never reached.
        # A link is LK001, an embed LK002 (OBSIDIAN.md §1, §3).
        ("[[../../../x]]", "LK001"),
        ("[a](../../outside.md)", "LK001"),
        ("[[../outside]]", "LK001"),
        ("![[../../img.png]]", "LK002"),
        ("![i](../../img.png)", "LK002"),
    ],
)
def test_resolution_never_climbs_out_of_the_vault(tmp_path, text, code):
    (tmp_path / "outside.md").write_text("x")
    (tmp_path / "x.md").write_text("x")
    (tmp_path / "img.png").write_bytes(b"")
    root = write_vault(tmp_path / "vault", {"sub/a.md": text + "\n"})
    assert found(run(root)) == [("sub/a.md", 1, 1, code)]


def test_a_20_megabyte_note_is_vl001_and_still_a_link_target(vault):
    root = vault({"a.md": "[[huge]] [[huge#Some heading]]\n"})
    with open(root / "huge.md", "w") as handle:
        handle.write(("word " * 200 + "\n") * 21000)
    report = run(root)
    assert found(report) == [("huge.md", 1, 1, "VL001")]
    assert messages(report)[0].message == "file is too large to check: 21021000 bytes, limit 10485760"


@pytest.mark.parametrize(
    "text",
    [
        "".join("  " * i + "- item\n" for i in range(5000)) + "[[deep]]\n",
        ">" * 5000 + " [[deep]]\n",
        "".join(">" * i + "\n" for i in range(1, 2000)),
        "[" * 5000 + "x" + "]" * 5000 + "\n",
        "*" * 10000 + "a" + "*" * 10000 + "\n",
        "| a |\n|---|\n" + "| [[x]] |\n" * 5000,
    ],
    ids=["nested-lists", "nested-quotes", "growing-quotes", "brackets", "emphasis", "long-table"],
)
def test_pathological_markdown_finishes(vault, text):
    root = vault({"a.md": text, "deep.md": "", "x.md": ""})
    result = cli("check", "--offline", "--output-format", "json", str(root), timeout=120)
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr


def test_deeply_nested_yaml_is_fm001(vault):
    root = vault({"deep.md": "---\nkey: " + "[" * 3000 + "]" * 3000 + "\n---\n"})
    report = run(root)
    assert [(d.code, d.message) for d in report.diagnostics] == [("FM001", "invalid YAML: too deeply nested")]


def test_a_path_that_does_not_exist_is_a_one_line_error(tmp_path):
    result = cli("check", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"vaultlint: error: path does not exist: {tmp_path / 'nope'}"]


def test_a_path_outside_the_vault_root_is_a_one_line_error(tmp_path):
    root = write_vault(tmp_path / "vault", {"a.md": ""})
    other = tmp_path / "other"
    other.mkdir()
    result = cli("check", "--vault-root", str(root), str(other))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "is outside the vault root" in result.stderr


def test_an_unknown_option_is_exit_2_without_traceback():
    result = cli("check", "--no-such-option")
    assert result.returncode == 2
    # One line (click's wording of the middle part differs between its versions).
    [line] = result.stderr.splitlines()
    assert line.startswith("vaultlint: error: No such option") and "--no-such-option" in line
    assert line.endswith("(see 'vaultlint check --help')")


def test_an_unknown_rule_selector_is_exit_2(tmp_path):
    root = write_vault(tmp_path / "vault", {"a.md": ""})
    result = cli("check", "--select", "XX999", str(root))
    assert result.returncode == 2
    assert result.stderr.strip() == 'vaultlint: error: unknown rule or prefix "XX999" (see `vaultlint rule --all`)'


def test_crlf_and_bom_files_keep_their_positions(vault):
    root = vault({"a.md": "\ufeff---\r\ntags: [x]\r\n---\r\ntext [[missing]]\r\n"})
    assert found(run(root)) == [("a.md", 4, 6, "LK001")]
