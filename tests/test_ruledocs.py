"""Rule documentation as users read it: ``vaultlint rule``, SARIF help and ``docs/rules/``."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from helpers import REPO

from vaultlint.cli import main
from vaultlint.ruledocs import RULE_PAGE_URL, pages, rule_infos
from vaultlint.ruledocs import main as ruledocs_main
from vaultlint.rules import ALL_RULES

RULES_DIR = REPO / "docs" / "rules"

#: What users must never see: references to our internal notes, or raw reStructuredText.
INTERNAL = re.compile(r"OBSIDIAN\.md|DESIGN\.md|§|\bD\d{1,2}\b")
RAW_RST = re.compile(r"``|:[a-z]+:`|^\.\. |::$", re.MULTILINE)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_docs_explain_in_their_own_words(rule):
    assert not INTERNAL.search(rule.doc), f"{rule.code} cites internal notes users do not have"
    for section in ("**What it does**", "**Why it matters**", "**Example**", "**How to fix**"):
        assert section in rule.doc, (rule.code, section)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_vaultlint_rule_prints_no_raw_restructuredtext(rule, capsys):
    assert main(["rule", rule.code]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{rule.code} {rule.name} (default: ")
    assert "What it does: " in out and "How to fix: " in out and "**" not in out
    assert not RAW_RST.search(out.replace("`` ", "").replace(" ``", "")), out
    assert RULE_PAGE_URL.format(code=rule.code) in out


def test_the_rst_checks_catch_raw_markup():
    assert RAW_RST.search("use ``x`` here") and RAW_RST.search("see :class:`Rule`") and RAW_RST.search("Example::")
    assert INTERNAL.search("(OBSIDIAN.md D7)") and INTERNAL.search("§2") and not INTERNAL.search("Dead links")


def test_rule_json_one_and_all(capsys):
    assert main(["rule", "LK001", "--output-format", "json"]) == 0
    one = json.loads(capsys.readouterr().out)
    assert one["code"] == "LK001" and one["name"] == "unresolved-link" and one["default"] == "error"
    assert one["url"].endswith("/docs/rules/LK001.md") and one["explanation"].startswith("**What it does**")
    assert main(["rule", "--all", "--output-format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["code"] for r in listed] == [r.code for r in ALL_RULES]
    assert {r["code"] for r in listed if r["default"] == "off"} == {
        r.code for r in ALL_RULES if not r.enabled_by_default
    }
    assert {r["code"] for r in listed if r["fixable"]} == {r.code for r in ALL_RULES if r.fixable}


def test_the_committed_rule_pages_are_the_generated_ones():
    wanted = pages(rule_infos(ALL_RULES))
    committed = {p.name: p.read_text(encoding="utf-8") for p in RULES_DIR.glob("*.md")}
    stale = sorted(name for name in wanted.keys() | committed.keys() if wanted.get(name) != committed.get(name))
    assert not stale, f"docs/rules is out of date ({stale}): run `python -m vaultlint.ruledocs docs/rules`"


def test_the_generator_writes_and_checks(tmp_path, capsys):
    assert ruledocs_main(["--check", str(tmp_path)]) == 1
    assert ruledocs_main([str(tmp_path)]) == 0
    assert ruledocs_main(["--check", str(tmp_path)]) == 0
    (tmp_path / "LK001.md").write_text("old", encoding="utf-8")
    (tmp_path / "XX999.md").write_text("a rule that is gone", encoding="utf-8")
    assert ruledocs_main(["--check", str(tmp_path)]) == 1
    assert ruledocs_main([str(tmp_path)]) == 0
    assert not (tmp_path / "XX999.md").exists() and (tmp_path / "LK001.md").read_text().startswith("# LK001")
    assert ruledocs_main([]) == 2


def test_every_rule_page_is_linked_from_the_index():
    index = (RULES_DIR / "README.md").read_text(encoding="utf-8")
    for rule in ALL_RULES:
        assert f"[{rule.code}]({rule.code}.md)" in index


def test_formatters_do_not_import_the_rules():
    """Formatters only format: importing every output format loads no rule module."""
    code = (
        "import sys, vaultlint.report, vaultlint.report.sarif, vaultlint.report.statistics,"
        " vaultlint.report.diffpaths, vaultlint.report.escape\n"
        "print(sorted(m for m in sys.modules if m == 'vaultlint.rules' or m.startswith('vaultlint.rules.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "[]"
    # and the check is not vacuous: the engine does load them
    control = "import sys, vaultlint.engine\nprint('vaultlint.rules' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", control], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "True"
