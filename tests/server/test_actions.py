"""The code actions' pure planners: where a missing note goes, where a suppression comment goes."""

from __future__ import annotations

import pytest

from vaultlint.model import Diagnostic, Link, LinkKind, Severity, Span
from vaultlint.server.actions import missing_note_path, suppress_file_edit, suppress_line_edit
from vaultlint.server.positions import lines_of
from vaultlint.syntax.note import parse_note


def _link(path: str) -> Link:
    return Link(LinkKind.WIKILINK, path, path, "", Span(1, 1, 1, 5))


@pytest.mark.parametrize(
    ("link", "source", "expected"),
    [
        ("New idea", "daily/today.md", "New idea.md"),  # a bare name: the vault root
        ("ideas/New", "daily/today.md", "ideas/New.md"),
        ("/ideas/New.md", "daily/today.md", "ideas/New.md"),
        ("./New", "daily/today.md", "daily/New.md"),  # relative to the linking note
        ("../New", "daily/deep/today.md", "daily/New.md"),
        ("../../New", "daily/today.md", None),  # out of the vault
        ("picture.png", "a.md", None),  # an attachment is not a note to create
        (".hidden/New", "a.md", None),  # Obsidian would not show it
        ("a\\b", "a.md", None),
    ],
)
def test_where_the_missing_note_is_created(link: str, source: str, expected: str | None) -> None:
    assert missing_note_path(_link(link), source) == expected


def _diagnostic(line: int) -> Diagnostic:
    return Diagnostic("LK001", "unresolved-link", Severity.ERROR, "a.md", Span(line, 1, line, 5), "m")


def test_no_line_comment_inside_the_frontmatter_and_the_file_comment_goes_after_it() -> None:
    text = "---\nup: x\n---\nbody\n"
    note = parse_note("a.md", text)
    assert suppress_line_edit(_diagnostic(2), note, lines_of(text)) is None
    edit = suppress_file_edit("LK001", note, lines_of(text))
    assert (edit.span, edit.text) == (Span(4, 1, 4, 1), "%% vaultlint-disable-file LK001 %%\n")


def test_an_unclosed_frontmatter_gets_the_file_comment_at_the_end() -> None:
    text = "---\nup: x\nbody"
    note = parse_note("a.md", text)
    edit = suppress_file_edit("FM004", note, lines_of(text))
    assert (edit.span, edit.text) == (Span(3, 5, 3, 5), "\n%% vaultlint-disable-file FM004 %%\n")


def test_the_line_comment_after_a_byte_order_mark_counts_columns_as_the_model() -> None:
    text = "\ufeff[[x]]\n"
    edit = suppress_line_edit(_diagnostic(1), parse_note("a.md", text), lines_of(text))
    assert (edit.span, edit.text) == (Span(1, 6, 1, 6), " %% vaultlint-disable-line LK001 %%")


def test_no_note_is_offered_where_a_committed_symlink_would_send_it_out_of_the_vault(tmp_path) -> None:
    # A fork's vault can commit `notes -> /somewhere/else`: "create the missing note" for
    # [[notes/x]] would have the editor write outside the vault.  Real folders are fine.
    from helpers import write_vault

    from vaultlint.server.actions import Request, _create_note, lands_in_vault
    from vaultlint.workspace import Workspace

    outside = tmp_path / "outside"
    outside.mkdir()
    root = write_vault(tmp_path / "v", {"a.md": "[[linked/x]] [[real/x]] [[fresh/deep/x]] [[dangling]]\n"})
    (root / "real").mkdir()
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "dangling.md").symlink_to(outside / "made-by-the-editor.md")
    assert not lands_in_vault(root, root / "linked" / "x.md")
    assert lands_in_vault(root, root / "real" / "x.md") and lands_in_vault(root, root / "fresh" / "deep" / "x.md")
    with Workspace(root, no_cache=True) as ws:
        request = Request("file:///a.md", "a.md", "", None, (), "utf-16", (0, 0), (0, 0), True)
        offered = {name: _create_note(_link(name), request, ws) for name in ("linked/x", "real/x", "dangling")}
    assert offered == {"linked/x": None, "real/x": "real/x.md", "dangling": None}
    assert list(outside.iterdir()) == []
