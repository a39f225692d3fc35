"""The command line: formats, selection, exit codes, `vaultlint rule`."""

from __future__ import annotations

import json

import pytest
from helpers import write_vault

from vaultlint.cli import main


@pytest.fixture
def demo(tmp_path):
    return write_vault(
        tmp_path / "v",
        {
            "a.md": "---\ntag: x\n---\n[[missing]] [[b#Nope]] [[ ]]\n",
            "b.md": "# Yes\n[[T]] [[x/T]]\n",
            "x/T.md": "",
            "y/T.md": "",
        },
    )


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_full_output_and_exit_code(capsys, demo):
    code, out, err = run_cli(capsys, "check", "--offline", "--color", "never", str(demo))
    assert code == 1
    assert err == ""
    lines = out.splitlines()
    assert lines[0].endswith(
        'a.md:2:1: FM005 warning property "tag" is no longer read by Obsidian (since 1.9) [deprecated-property]'
    )
    assert lines[1] == '  hint: rename it to "tags"'
    assert (
        lines[-1]
        == "Found 5 problems (2 errors, 2 warnings, 1 info) in 2 of 4 notes. 1 fixable with `vaultlint check --fix`."
    )


def test_concise_output(capsys, demo, monkeypatch):
    monkeypatch.chdir(demo)
    code, out, _ = run_cli(capsys, "check", "--offline", "--output-format", "concise", ".")
    assert out.splitlines() == [
        'a.md:2:1: FM005 property "tag" is no longer read by Obsidian (since 1.9)',
        'a.md:4:1: LK001 unresolved link "missing"',
        'a.md:4:13: LK003 no heading "Nope" in "b.md"',
        "a.md:4:24: LK006 empty link [[ ]]",
        'b.md:2:1: LK005 ambiguous link "T": "x/T.md" ties with "y/T.md"',
        "Found 5 problems (2 errors, 2 warnings, 1 info) in 2 of 4 notes. 1 fixable with `vaultlint check --fix`.",
    ]
    assert code == 1


def test_json_output_is_a_stable_list(capsys, demo):
    code, out, _ = run_cli(capsys, "check", "--offline", "--output-format", "json", str(demo))
    data = json.loads(out)
    assert [d["code"] for d in data] == ["FM005", "LK001", "LK003", "LK006", "LK005"]
    assert data[1] == {
        "code": "LK001",
        "name": "unresolved-link",
        "severity": "error",
        "path": "a.md",
        "line": 4,
        "column": 1,
        "end_line": 4,
        "end_column": 12,
        "message": 'unresolved link "missing"',
        "hint": None,
        "fixable": False,
    }


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        (["--select", "LK"], ["LK001", "LK003", "LK006", "LK005"]),
        (["--select", "unresolved-link,FM"], ["FM005", "LK001"]),
        (["--ignore", "LK00"], ["FM005"]),
        (["--select", "LK", "--ignore", "LK001"], ["LK003", "LK006", "LK005"]),
        (["--ignore", "LK", "--select", "LK001"], ["LK001"]),
        (["--ignore", "ambiguous-link"], ["FM005", "LK001", "LK003", "LK006"]),
        (["--select", "ALL", "--ignore", "FM,LK006,OR"], ["LK001", "LK003", "LK005"]),
    ],
)
def test_selection(capsys, demo, args, codes):
    _, out, _ = run_cli(capsys, "check", "--offline", "--output-format", "json", *args, str(demo))
    assert [d["code"] for d in json.loads(out)] == codes


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--select", "FM005"], 0),  # a warning only
        (["--select", "FM005", "--fail-on", "warning"], 1),
        (["--exit-zero"], 0),
        ([], 1),
    ],
)
def test_exit_codes(capsys, demo, args, expected):
    code, _, _ = run_cli(capsys, "check", "--offline", "-q", *args, str(demo))
    assert code == expected


def test_clean_vault_passes(capsys, tmp_path):
    root = write_vault(tmp_path / "v", {"a.md": "[[b]]\n", "b.md": ""})
    code, out, _ = run_cli(capsys, "check", "--offline", str(root))
    assert (code, out) == (0, "All checks passed (2 notes checked).\n")


def test_quiet_prints_only_diagnostics(capsys, demo):
    _, out, _ = run_cli(capsys, "check", "--offline", "-q", "--output-format", "concise", str(demo))
    assert len(out.splitlines()) == 5 and "Found" not in out


def test_output_file(capsys, demo, tmp_path):
    target = tmp_path / "report.json"
    code, out, _ = run_cli(capsys, "check", "--offline", "--output-format", "json", "-o", str(target), str(demo))
    assert code == 1 and out == ""
    assert len(json.loads(target.read_text())) == 5


def test_color_always_and_no_color(capsys, demo, monkeypatch):
    _, out, _ = run_cli(capsys, "check", "--offline", "--color", "always", str(demo))
    assert "\x1b[" in out
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run_cli(capsys, "check", "--offline", str(demo))
    assert "\x1b[" not in out


def test_rule_explains_by_code_and_name(capsys):
    code, out, _ = run_cli(capsys, "rule", "LK001")
    assert code == 0
    assert out.startswith("LK001 unresolved-link (default: error, fixable with --fix)\n")  # renamed targets
    assert "How to fix: " in out and "**" not in out
    assert run_cli(capsys, "rule", "missing-embed")[1].startswith("LK002 missing-embed")


def test_rule_all_lists_every_rule(capsys):
    from vaultlint.rules import ALL_RULES

    code, out, _ = run_cli(capsys, "rule", "--all")
    assert code == 0
    assert [line.split()[0] for line in out.splitlines()] == [r.code for r in ALL_RULES]


def test_unknown_rule(capsys):
    code, _, err = run_cli(capsys, "rule", "ZZ1")
    assert code == 2
    assert err == 'vaultlint: error: unknown rule "ZZ1" (see `vaultlint rule --all`)\n'


def test_version(capsys):
    code, out, _ = run_cli(capsys, "--version")
    assert code == 0 and out.startswith("vaultlint, version ")


def test_every_rule_has_documentation_in_the_agreed_shape():
    from vaultlint.rules import ALL_RULES

    for rule in ALL_RULES:
        assert rule.doc.startswith(f"{rule.code} {rule.name}:"), rule.code
        for part in ("**What it does**", "**Why it matters**", "**How to fix**"):
            assert part in rule.doc, (rule.code, part)


def test_clean_empties_the_cache(capsys, demo):
    run_cli(capsys, "check", "--offline", str(demo))
    assert (demo / ".vaultlint-cache" / "notes.sqlite3").exists()
    code, out, _ = run_cli(capsys, "clean", str(demo))
    assert code == 0 and out.startswith("removed ")
    assert not (demo / ".vaultlint-cache" / "notes.sqlite3").exists()


def test_offline_runs_never_import_the_url_checker():
    """Start-up stays lean: httpx is imported only when URLs are checked (issue 5)."""
    import subprocess
    import sys

    from helpers import FIXTURES

    code = (
        "import sys; from vaultlint.cli import main; "
        f"main(['check', '--offline', '--no-cache', '-q', {str(FIXTURES / 'demo-vault')!r}]); "
        "print(sorted(m for m in ('httpx', 'vaultlint.urls', 'rapidfuzz') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "['rapidfuzz']"  # hints for the demo's broken links


def test_version_does_not_import_the_parser():
    import subprocess
    import sys

    code = "import sys; from vaultlint.cli import main; main(['--version']); print('markdown_it' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "False"
