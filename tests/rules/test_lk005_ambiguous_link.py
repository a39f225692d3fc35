"""LK005 ambiguous-link (OBSIDIAN.md §2.1 step 7, §2.2, D3).

Reported (info) only when the first two candidates of the winning group have
the same path length; vaultlint then picks the alphabetically first path.
Positions: the link's ``[`` (``!`` for embeds).
"""

from __future__ import annotations

import pytest
from rules_helpers import check, check_all, found, messages, run

from vaultlint.model import Severity

CODE = "LK005"

TIED = {"Sync/Security.md": "# Sync", "Sass/Security.md": "# Sass"}


def lk005(vault, files, **options):
    return check(vault, files, CODE, **options)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        pytest.param("[[Security]]", 1, 1, id="wikilink"),
        pytest.param("See [[Security|the page]].", 1, 5, id="wikilink-with-alias"),
        pytest.param("[[Security#Sass]]", 1, 1, id="with-subpath"),
        pytest.param("[x](Security.md)", 1, 1, id="markdown-link"),
        pytest.param("![[Security]]", 1, 1, id="embed"),
        pytest.param("- a\n\t- [[Security]]", 2, 4, id="nested-list-tab"),
        pytest.param("> [!note]\n> [[Security]]", 2, 3, id="callout"),
        pytest.param("| a |\n|---|\n| [[Security\\|s]] |", 3, 3, id="table"),
        pytest.param("> [[Security]]", 1, 3, id="blockquote"),
        pytest.param("Text[^1]\n\n[^1]: [[Security]]", 3, 7, id="footnote"),
        pytest.param("## About [[Security]]", 1, 10, id="heading"),
        pytest.param('---\nup: "[[Security]]"\n---\n', 2, 5, id="property-link"),
    ],
)
def test_flags_tie_between_equal_length_paths(vault, text, line, column):
    assert lk005(vault, {**TIED, "Teams/x.md": text}) == [("Teams/x.md", line, column, CODE)]


def test_is_info_and_names_the_tied_candidates(vault):
    report = run(vault({**TIED, "Teams/x.md": "[[Security]]"}), select=[CODE])
    [diagnostic] = messages(report, CODE)
    assert diagnostic.severity is Severity.INFO
    assert "Sass/Security.md" in diagnostic.message and "Sync/Security.md" in diagnostic.message


def test_picks_alphabetically_first_path(vault):
    # "Sass/Security.md" < "Sync/Security.md": the message names the pick first.
    [diagnostic] = messages(run(vault({**TIED, "Teams/x.md": "[[Security]]"}), select=[CODE]), CODE)
    assert diagnostic.message == 'ambiguous link "Security": "Sass/Security.md" ties with "Sync/Security.md"'


def test_alphabetical_order_ignores_case(vault):
    files = {"b/Note.md": "", "A/Note.md": "", "x.md": "[[Note]]"}
    [diagnostic] = messages(run(vault(files), select=[CODE]), CODE)
    assert diagnostic.message == 'ambiguous link "Note": "A/Note.md" ties with "b/Note.md"'


def test_a_heading_any_tied_candidate_has_is_not_reported(vault):
    # D3 amended: the app opens the candidate created first, which a checkout does not keep.
    files = {**TIED, "Teams/x.md": "[[Security#Sass]]\n[[Security#Sync]]\n[[Security#Neither]]"}
    assert found(run(vault(files), select=["LK003", CODE])) == [
        ("Teams/x.md", 1, 1, CODE),
        ("Teams/x.md", 2, 1, CODE),
        ("Teams/x.md", 3, 1, "LK003"),
        ("Teams/x.md", 3, 1, CODE),
    ]


def test_three_way_tie_names_all_others(vault):
    files = {"A/Note.md": "", "B/Note.md": "", "C/Note.md": "", "x.md": "[[Note]]"}
    [diagnostic] = messages(run(vault(files), select=[CODE]), CODE)
    assert all(path in diagnostic.message for path in ("A/Note.md", "B/Note.md", "C/Note.md"))


def test_tie_from_vault_root(vault):
    # A root note's folder is "", so every candidate is in its "same folder" group.
    assert lk005(vault, {"A/Note.md": "", "B/Note.md": "", "x.md": "[[Note]]"}) == [("x.md", 1, 1, CODE)]


def test_partial_path_tie(vault):
    files = {"a/sub/Note.md": "", "b/sub/Note.md": "", "x.md": "[[sub/Note]]"}
    assert lk005(vault, files) == [("x.md", 1, 1, CODE)]


def test_attachment_tie(vault):
    files = {"a/img.png": b"\x89PNG", "b/img.png": b"\x89PNG", "x.md": "![[img.png]]"}
    assert lk005(vault, files) == [("x.md", 1, 1, CODE)]


def test_tie_in_the_same_folder_group(vault):
    # Both candidates start with the source folder "Proj" (plain string prefix).
    files = {"Proj1/Note.md": "", "Proj2/Note.md": "", "Z/Note.md": "", "Proj/x.md": "[[Note]]"}
    assert lk005(vault, files) == [("Proj/x.md", 1, 1, CODE)]


@pytest.mark.parametrize(
    ("files", "source", "text"),
    [
        pytest.param(
            {"Sync/Security.md": "", "Publish/Security.md": ""},
            "Publish/Intro.md",
            "[[Security]]",
            id="fixture-2-same-folder",
        ),
        pytest.param(
            {"Sync/Security.md": "", "Publish/Security.md": ""}, "Sync/Intro.md", "[[Security]]", id="fixture-2-sync"
        ),
        pytest.param(
            {"Sync/Security.md": "", "Publish/Security.md": ""},
            "Teams/x.md",
            "[[Security]]",
            id="fixture-2-shorter-path",
        ),
        pytest.param({"Note.md": "", "A/Note.md": "", "B/Note.md": ""}, "C/x.md", "[[Note]]", id="vault-path-match"),
        pytest.param(TIED, "Teams/x.md", "[[Sync/Security]]", id="folder-written"),
        pytest.param(TIED, "Teams/x.md", "[[/Sync/Security]]", id="absolute"),
        pytest.param(TIED, "Sync/x.md", "[[./Security]]", id="relative"),
        pytest.param(TIED, "Sync/x.md", "[[Security]]", id="same-folder-wins-alone"),
        pytest.param(
            {"Sync/Note.md": "", "A1/Note.md": "", "A2/Note.md": ""},
            "Sync/x.md",
            "[[Note]]",
            id="tie-only-in-losing-group",
        ),
        pytest.param({"Ab/Note.md": "", "B/Note.md": ""}, "x.md", "[[Note]]", id="different-lengths"),
        pytest.param({"Only/Note.md": ""}, "x.md", "[[Note]]", id="single-candidate"),
        pytest.param(TIED, "Teams/x.md", "[[Missing]]", id="unresolved"),
        pytest.param(TIED, "Teams/x.md", "`[[Security]]`", id="inline-code"),
        pytest.param(TIED, "Teams/x.md", "```\n[[Security]]\n```", id="fenced-code"),
        pytest.param(TIED, "Teams/x.md", "$[[Security]]$", id="math"),
        pytest.param(TIED, "Teams/x.md", "para\n\n    [[Security]]", id="indented-code"),
        pytest.param(TIED, "Teams/x.md", "<div>\n[[Security]]\n</div>", id="html-block"),
        pytest.param(TIED, "Teams/x.md", "```mermaid\ngraph TD\nA[[Security]]\n```", id="mermaid"),
        pytest.param(TIED, "Teams/x.md", "<!-- [[Security]] -->", id="html-comment"),
        pytest.param(TIED, "Teams/x.md", "%% [[Security]] %%", id="obsidian-comment-by-default"),
        pytest.param(TIED, "Teams/x.md", "[a][r]\n\n[r]: Security.md", id="reference-link"),
    ],
)
def test_does_not_flag(vault, files, source, text):
    assert lk005(vault, {**files, source: text}) == []


def test_comment_link_reported_with_check_comments(vault):
    assert lk005(vault, {**TIED, "Teams/x.md": "%% [[Security]] %%"}, check_comments=True) == [
        ("Teams/x.md", 1, 4, CODE)
    ]


def test_ambiguous_link_is_not_an_error_of_other_rules(vault):
    assert check_all(vault, {**TIED, "Teams/x.md": "[[Security]]"}) == [("Teams/x.md", 1, 1, CODE)]


def test_fixture_2_has_no_diagnostics(vault):
    files = {
        "Sync/Security.md": "",
        "Publish/Security.md": "",
        "Publish/Intro.md": "[[Security]]",
        "Sync/Intro.md": "[[Security]]",
        "Teams/x.md": "[[Security]]",
    }
    assert check_all(vault, files) == []
