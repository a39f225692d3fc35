"""Configuration files: discovery, strict validation, and what each key does."""

from __future__ import annotations

import json

import pytest
from helpers import write_vault

from vaultlint.cli import main
from vaultlint.config import ConfigError, Settings, find_config_file, load_settings


def lint_json(capsys, *args: str) -> tuple[int, list[dict], str]:
    code = main(["check", "--offline", "--no-cache", "--output-format", "json", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else [], err


@pytest.fixture
def vault(tmp_path):
    return write_vault(
        tmp_path / "v",
        {
            "a.md": "---\ntag: x\n---\n[[missing]] [[ ]]\n",
            "Projects/p.md": "---\nstatus: actve\ndue: 2024-02-30\n---\n# P\n",
            "Projects/q.md": "---\nstatus: done\n---\n",
            "Archive/old.md": "[[gone]]\n",
        },
    )


def codes(data: list[dict]) -> list[tuple[str, str]]:
    return [(d["path"], d["code"]) for d in data]


def test_no_config_gives_defaults(tmp_path):
    assert load_settings(tmp_path, None) == Settings()


def test_nearest_config_wins_and_vaultlint_toml_beats_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.vaultlint]\nselect = ['LK']\n")
    inner = tmp_path / "inner"
    inner.mkdir()
    assert find_config_file(inner) == tmp_path / "pyproject.toml"
    (inner / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # no [tool.vaultlint]: not a config
    assert find_config_file(inner) == tmp_path / "pyproject.toml"
    (inner / ".vaultlint.toml").write_text("select = ['FM']\n")
    assert find_config_file(inner) == inner / ".vaultlint.toml"
    assert load_settings(inner, None).select == ("FM",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("selct = ['LK']\n", 'unknown key "selct"; did you mean "select"?'),
        ("select = 'LK', 3\n", "not valid TOML"),
        ("select = [1]\n", "select: expected a list of rule codes, prefixes or names, got [1]"),
        ("check-comments = 'yes'\n", 'check-comments: expected true or false, got "yes"'),
        # issue 17.8: the entry that is wrong, in the file's notation, not a Python dict
        (
            "severity = { LK001 = 'fatal' }\n",
            'severity.LK001: expected a table of code = "error" | "warning" | "info" | "off", got "fatal"',
        ),
        ("severity = 'error'\n", 'severity: expected a table of code = "error"'),
        ("fail-on = 'never'\n", 'fail-on: expected "error", "warning" or "info"'),
        ("types = { due = 'day' }\n", "types.due: expected a table of property = one of text, multitext"),
        ("[[schema]]\nfolder = 3\n", "schema[0].folder: expected a glob pattern string"),
        ("[[schema]]\nrequire = ['x']\n", 'schema[0]: unknown key "require"; did you mean "required"?'),
        ("[[schema]]\ntypes = { a = 'x' }\n", "schema[0].types.a: expected a table of property = one of"),
        ("wibble = 1\n", 'unknown key "wibble" (expected one of: allow-placeholders'),
    ],
)
def test_strict_validation_names_file_key_and_expectation(tmp_path, capsys, text, message):
    config = tmp_path / ".vaultlint.toml"
    config.write_text(text)
    with pytest.raises(ConfigError) as raised:
        load_settings(tmp_path, None)
    assert message in str(raised.value)
    assert "{'" not in str(raised.value)  # never a Python dict
    assert str(config.resolve()) in str(raised.value) or "not valid TOML" in str(raised.value)
    write_vault(tmp_path, {"a.md": ""})
    assert main(["check", "--offline", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("vaultlint: error: ") and len(err.strip().splitlines()) == 1


def test_select_ignore_and_severity(vault, capsys):
    (vault / ".vaultlint.toml").write_text(
        "select = ['LK', 'FM005']\nignore = ['LK006']\nseverity = { FM005 = 'error', LK001 = 'off' }\n"
    )
    code, data, _ = lint_json(capsys, str(vault))
    assert codes(data) == [("a.md", "FM005")]
    assert data[0]["severity"] == "error" and code == 1


def test_cli_select_replaces_config_select_and_ignore_adds(vault, capsys):
    (vault / ".vaultlint.toml").write_text("select = ['FM']\n")
    _, data, _ = lint_json(capsys, "--select", "LK", "--ignore", "LK006", str(vault))
    assert codes(data) == [("Archive/old.md", "LK001"), ("a.md", "LK001")]


def test_per_file_ignores_and_exclude(vault, capsys):
    (vault / ".vaultlint.toml").write_text(
        "exclude = ['Archive/*']\n[per-file-ignores]\n'Projects/*' = ['FM007']\n'a.md' = ['unresolved-link', 'LK006']\n"
    )
    _, data, _ = lint_json(capsys, str(vault))
    assert codes(data) == [("a.md", "FM005")]


def test_fail_on_warning(vault, capsys):
    (vault / ".vaultlint.toml").write_text("select = ['FM005']\nfail-on = 'warning'\n")
    code, data, _ = lint_json(capsys, str(vault))
    assert codes(data) == [("a.md", "FM005")] and code == 1


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("select = ['LK00l']\n", 'select: unknown rule or prefix "LK00l"; did you mean "LK001"?'),
        ("ignore = ['LK999', 'LK006']\n", 'ignore: unknown rule or prefix "LK999"'),
        ("extend-select = ['orphan-notes']\n", 'did you mean "orphan-note"?'),
        ("severity = { LK00l = 'warning' }\n", 'severity: unknown rule or prefix "LK00l"'),
        ("[per-file-ignores]\n'a.md' = ['unresolved-links']\n", 'did you mean "unresolved-link"?'),
    ],
    ids=["select", "ignore", "extend-select", "severity", "per-file-ignores"],
)
def test_an_unknown_rule_in_the_config_is_an_error_with_a_hint(vault, capsys, config, message):
    """Reproduction of issue 8: ``select = ["LK01"]`` warned and then ran every default rule.

    (``LK01`` itself has since become a real prefix, of LK010, so the typo here is ``LK00l``.)"""
    (vault / ".vaultlint.toml").write_text(config)
    code, data, err = lint_json(capsys, str(vault))
    assert (code, data) == (2, [])
    assert err.startswith(f"vaultlint: error: {(vault / '.vaultlint.toml').resolve()}: ")
    assert message in err and len(err.strip().splitlines()) == 1


def test_an_unknown_rule_on_the_command_line_is_an_error_with_a_hint(vault, capsys):
    code, _, err = lint_json(capsys, "--select", "LK00l", str(vault))
    assert code == 2
    assert err == 'vaultlint: error: unknown rule or prefix "LK00l"; did you mean "LK001"?\n'
    code, _, err = lint_json(capsys, "--ignore", "unresolved-links", str(vault))
    assert code == 2 and err.endswith('did you mean "unresolved-link"?\n')
    assert main(["rule", "unresolved-links"]) == 2
    assert (
        capsys.readouterr().err
        == 'vaultlint: error: unknown rule "unresolved-links"; did you mean "unresolved-link"?\n'
    )


def test_a_broken_pyproject_meant_for_vaultlint_is_an_error(vault, capsys):
    """Reproduction of issue 8: it was silently ignored and the defaults ran."""
    (vault / "pyproject.toml").write_text("[tool.vaultlint]\nselect = ['LK'\n")
    code, data, err = lint_json(capsys, str(vault))
    assert (code, data) == (2, [])
    assert err.startswith(f"vaultlint: error: {vault / 'pyproject.toml'}: not valid TOML (")
    assert len(err.strip().splitlines()) == 1


def test_a_broken_pyproject_of_someone_else_is_not_a_config(vault, capsys):
    (vault / "pyproject.toml").write_text("[project]\nname = 'vaultlint'\nversion = \n")
    code, data, err = lint_json(capsys, "--select", "FM005", str(vault))
    assert (code, codes(data), err) == (0, [("a.md", "FM005")], "")  # FM005 is a warning


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"select = ['LK\xff']\n", "not valid UTF-8 (byte 13, line 1)"),
        (b"x = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested too deeply"),
        (b"x = " + b"{a=" * 100_000 + b"1" + b"}" * 100_000 + b"\n", "nested too deeply"),
        (b"".join(b"[severity" + b".x" * i + b"]\n" for i in range(1, 80)), "nested too deeply"),
        (b"obsidian-dir = '../../etc'\n", "obsidian-dir: expected a folder inside the vault"),
        (b"obsidian-dir = '/etc'\n", "obsidian-dir: expected a folder inside the vault"),
        (b"exclude = ['!']\n", "exclude: invalid glob pattern"),
    ],
    ids=["not-utf8", "deep-arrays", "deep-tables", "deep-headers", "obsidian-dir-up", "obsidian-dir-abs", "bad-glob"],
)
def test_every_config_problem_is_a_one_line_error(vault, capsys, content, message):
    """Reproduction of issue 8: these were an "internal error"."""
    (vault / ".vaultlint.toml").write_bytes(content)
    code, data, err = lint_json(capsys, str(vault))
    assert (code, data) == (2, [])
    assert err.startswith("vaultlint: error: ") and message in err, err[:300]
    assert len(err.strip().splitlines()) == 1 and "internal error" not in err
    assert main(["config", str(vault)]) == 2
    assert message in capsys.readouterr().err


def test_many_per_file_ignores_are_fast(tmp_path, capsys):
    """Reproduction of issue 8: 40,000 per-file-ignores took 105 s (each glob tried for every rule and note)."""
    import time

    notes = {f"n/{i}.md": f"[[gone{i}]]\n" for i in range(300)}
    root = write_vault(tmp_path / "v", notes)
    lines = [f"'n/{i}.md' = ['LK001']" for i in range(0, 20_000, 2)]  # plain paths: the generated case
    lines += [f"'n/{i}*.md' = ['LK006']" for i in range(1, 10_000)]  # wildcards, for another rule
    (root / ".vaultlint.toml").write_text("[per-file-ignores]\n" + "\n".join(lines) + "\n")
    started = time.process_time()  # CPU time: a busy machine does not make it flaky
    code, data, err = lint_json(capsys, "--select", "LK001", str(root))
    elapsed = time.process_time() - started
    assert sorted(int(d["path"][2:-3]) for d in data) == [i for i in range(300) if i % 2]
    assert elapsed < 10, elapsed  # about 1 s; it was minutes


def test_schema_types_required_and_allowed(vault, capsys):
    (vault / ".vaultlint.toml").write_text(
        "select = ['FM']\n"
        "[[schema]]\nfolder = 'Projects/*'\ntypes = { due = 'date' }\nrequired = ['status', 'owner']\n"
        "allowed = { status = ['active', 'done'] }\n"
    )
    _, data, _ = lint_json(capsys, str(vault))
    found = [(d["path"], d["line"], d["code"], d["message"]) for d in data if d["path"].startswith("Projects")]
    assert found == [
        ("Projects/p.md", 1, "FM008", 'required property "owner" is missing'),
        ("Projects/p.md", 2, "FM009", "\"status\" is 'actve', which is not one of 'active', 'done'"),
        ("Projects/p.md", 3, "FM007", "property \"due\" should be a date such as 2024-01-31, not '2024-02-30'"),
        ("Projects/q.md", 1, "FM008", 'required property "owner" is missing'),
    ]


def test_schema_scoped_to_a_tag(tmp_path, capsys):
    root = write_vault(
        tmp_path / "v",
        {"a.md": "---\ntags: [book]\n---\n", "b.md": "Reading #book/fiction\n", "c.md": "---\ntags: [film]\n---\n"},
    )
    (root / ".vaultlint.toml").write_text("select = ['FM008']\n[[schema]]\ntag = '#book'\nrequired = ['author']\n")
    _, data, _ = lint_json(capsys, str(root))
    assert codes(data) == [("a.md", "FM008"), ("b.md", "FM008")]


def test_config_types_merge_over_types_json(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"a.md": "---\ndue: soon\nrank: high\n---\n"})
    (root / ".obsidian" / "types.json").write_text('{"types": {"due": "date", "rank": "text"}}')
    (root / ".vaultlint.toml").write_text("types = { rank = 'number' }\n")
    _, data, _ = lint_json(capsys, "--select", "FM007", str(root))
    assert [(d["line"], d["code"]) for d in data] == [(2, "FM007"), (3, "FM007")]


def test_explicit_config_and_missing_config(vault, tmp_path, capsys):
    other = tmp_path / "other.toml"
    other.write_text("select = ['FM005']\n")
    _, data, _ = lint_json(capsys, "--config", str(other), str(vault))
    assert codes(data) == [("a.md", "FM005")]
    assert main(["check", "--config", str(tmp_path / "nope.toml"), str(vault)]) == 2


def test_check_comments_from_config(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"a.md": "%% [[hidden]] %%\n"})
    assert lint_json(capsys, str(root))[1] == []
    (root / ".vaultlint.toml").write_text("check-comments = true\n")
    assert codes(lint_json(capsys, str(root))[1]) == [("a.md", "LK001")]


def test_vaultlint_config_prints_effective_settings(vault, capsys):
    (vault / ".vaultlint.toml").write_text("select = ['LK']\n[[schema]]\nfolder = 'P/*'\nrequired = ['x']\n")
    assert main(["config", str(vault)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"# from {(vault / '.vaultlint.toml').resolve()}"
    assert 'select = ["LK"]' in out and "respect-gitignore = true" in out and 'required = ["x"]' in out


def test_globs_follow_gitignore_rules(tmp_path, capsys):
    """Reproduction of issue 8: ``World/*.md`` matched ``World/NPCs/Deep.md`` and a bare ``Deep.md`` nothing."""
    root = write_vault(
        tmp_path / "v",
        {
            "World/a.md": "[[gone]]\n",
            "World/NPCs/Deep.md": "[[gone]]\n",
            "Other/Deep.md": "[[gone]]\n",
            "Deep.md": "[[gone]]\n",
            "Keep/x.md": "[[gone]]\n",
        },
    )

    def reported(config: str) -> list[str]:
        (root / ".vaultlint.toml").write_text(config)
        return sorted(d["path"] for d in lint_json(capsys, "--select", "LK001", str(root))[1])

    everything = ["Deep.md", "Keep/x.md", "Other/Deep.md", "World/NPCs/Deep.md", "World/a.md"]
    assert reported("") == everything
    assert reported("exclude = ['World/*.md']\n") == ["Deep.md", "Keep/x.md", "Other/Deep.md", "World/NPCs/Deep.md"]
    assert reported("exclude = ['Deep.md']\n") == ["Keep/x.md", "World/a.md"]
    assert reported("exclude = ['/Deep.md']\n") == ["Keep/x.md", "Other/Deep.md", "World/NPCs/Deep.md", "World/a.md"]
    assert reported("exclude = ['World/**/*.md']\n") == ["Deep.md", "Keep/x.md", "Other/Deep.md"]
    assert reported("exclude = ['World/', 'Keep']\n") == ["Deep.md", "Other/Deep.md"]
    assert reported("exclude = ['*.md', '!Keep/x.md']\n") == ["Keep/x.md"]
    assert reported("[per-file-ignores]\n'World/*.md' = ['LK001']\n") == [p for p in everything if p != "World/a.md"]
    assert reported("[per-file-ignores]\n'Deep.md' = ['LK001']\n") == ["Keep/x.md", "World/a.md"]


def test_schema_folder_follows_gitignore_rules(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"World/a.md": "", "World/NPCs/Deep.md": "", "b.md": ""})
    (root / ".vaultlint.toml").write_text("select = ['FM008']\n[[schema]]\nfolder = 'World/*.md'\nrequired = ['x']\n")
    assert codes(lint_json(capsys, str(root))[1]) == [("World/a.md", "FM008")]
