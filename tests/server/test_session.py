"""Whole editor sessions against the real server process: open, type, see, fix, shut down.

Each test is one `vaultlint server` process driven as Neovim (pull diagnostics) or VS Code
(push diagnostics) drives it, with that editor's captured capabilities.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities, make_test_lsp_client

from server.lspclient import (
    NEOVIM,
    NEOVIM_UTF8,
    VSCODE,
    apply_text_edits,
    code_actions,
    eventually,
    lsp_session,
    open_note,
    pull,
    replace_text,
    type_at,
    uri,
    within,
)

pytestmark = pytest.mark.asyncio(loop_scope="function")


def _vault(root: Path, files: dict[str, str]) -> Path:
    (root / ".obsidian").mkdir(parents=True)
    for name, text in {"Target.md": "# Target\n\n## Part\n", **files}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _codes(found: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in found]


async def test_neovim_session_pull_type_see_fix_by_code_action(tmp_path: Path) -> None:
    files = {"note.md": "Links to [[Target]].\n", "people/Person.md": "---\naliases: [Ada]\n---\n"}
    root = _vault(tmp_path / "vault", files)
    async with lsp_session(root, NEOVIM) as lsp:
        document = open_note(lsp, root / "note.md")
        assert await pull(lsp, document) == []

        type_at(lsp, document, 0, 0, "[[Targt]] ", version=2)  # a typo, typed, never saved
        found = await pull(lsp, document)
        assert _codes(found) == ["LK001"]
        diagnostic = found[0]
        assert (diagnostic.range.start.line, diagnostic.range.start.character, diagnostic.range.end.character) == (
            0,
            0,
            9,
        )
        assert diagnostic.source == "vaultlint"
        assert diagnostic.severity == types.DiagnosticSeverity.Error
        assert diagnostic.code_description.href.endswith("/docs/rules/LK001.md")
        assert diagnostic.message == 'unresolved link "Targt"\ndid you mean "Target"?'

        actions = {a.title: a for a in await code_actions(lsp, document, 0, 3)}
        assert set(actions) == {
            'Link "Target" instead',
            'Create note "Targt.md"',
            "Disable LK001 for this line",
            "Disable LK001 for this file",
        }
        created = actions['Create note "Targt.md"'].edit.document_changes[0]
        assert created.kind == "create" and created.uri == uri(root / "Targt.md")

        buffer = "[[Targt]] Links to [[Target]].\n"
        fixed = apply_text_edits(buffer, actions['Link "Target" instead'].edit.changes[document])
        assert fixed == "[[Target]] Links to [[Target]].\n"
        replace_text(lsp, document, fixed, version=3)
        assert await pull(lsp, document) == []

        # An alias is not a link target in Obsidian; the action links its note, showing the alias.
        type_at(lsp, document, 1, 0, "[[Ada]]", version=4)
        assert _codes(await pull(lsp, document)) == ["LK001"]
        [alias] = [a for a in await code_actions(lsp, document, 1, 2) if a.title.startswith("Link")]
        assert alias.title == 'Link "Person|Ada" instead'
        fixed = apply_text_edits(fixed + "[[Ada]]", alias.edit.changes[document])
        assert fixed.endswith("\n[[Person|Ada]]")
        replace_text(lsp, document, fixed, version=5)
        assert await pull(lsp, document) == []
        assert lsp.diagnostics == {}  # pull only: never pushed as well
        assert (root / "note.md").read_text(encoding="utf-8") == "Links to [[Target]].\n"  # nothing written


async def test_suppression_actions_silence_the_diagnostic_they_name(tmp_path: Path) -> None:
    text = "---\ntags: [a]\n---\n# Heading [[Gone]]\n\n- item [[Gone]] and [[Target#Nope]]\n"
    root = _vault(tmp_path / "vault", {"note.md": text, "utf8.md": "é𝄞 [[Nowhere]]\n"})
    async with lsp_session(root, NEOVIM_UTF8) as lsp:
        # Neovim 0.11 offers UTF-8 first: columns count bytes (é is 2, 𝄞 is 4).
        found = await pull(lsp, open_note(lsp, root / "utf8.md"))
        assert [(d.range.start.character, d.range.end.character) for d in found] == [(7, 18)]

        document = open_note(lsp, root / "note.md")
        assert _codes(await pull(lsp, document)) == ["LK001", "LK001", "LK003"]
        version = 1
        for line, character, title in [(3, 12, "Disable LK001 for this line"), (6, 9, "Disable LK001 for this line")]:
            action = {a.title: a for a in await code_actions(lsp, document, line, character)}[title]
            text = apply_text_edits(text, action.edit.changes[document])
            version += 1
            replace_text(lsp, document, text, version)
        # Above the heading (a comment in it would change the heading), at the end of the list item.
        assert text == (
            "---\ntags: [a]\n---\n%% vaultlint-disable-next-line LK001 %%\n# Heading [[Gone]]\n\n"
            "- item [[Gone]] and [[Target#Nope]] %% vaultlint-disable-line LK001 %%\n"
        )
        assert _codes(await pull(lsp, document)) == ["LK003"]
        action = {a.title: a for a in await code_actions(lsp, document, 6, 30)}["Disable LK003 for this file"]
        text = apply_text_edits(text, action.edit.changes[document])
        assert text.startswith("---\ntags: [a]\n---\n%% vaultlint-disable-file LK003 %%\n")
        replace_text(lsp, document, text, version + 1)
        assert await pull(lsp, document) == []


async def test_vscode_session_push_fix_all_watch_and_close(tmp_path: Path) -> None:
    text = "---\ntag: x\nrelated: [[Target]]\n---\n𝄞 [[Missing]] 😀\n"
    root = _vault(tmp_path / "vault", {"note.md": text})
    copy = tmp_path / "copy"
    shutil.copytree(root, copy)
    async with lsp_session(root, VSCODE) as lsp:
        document = open_note(lsp, root / "note.md")
        found = await eventually(lambda: lsp.diagnostics.get(document))
        assert _codes(found) == ["FM005", "FM006", "LK001"]
        broken = found[2]
        assert (broken.range.start.character, broken.range.end.character) == (3, 14)  # 𝄞 is two UTF-16 units
        # Typed (incremental change), pushed; taken back, pushed again.
        type_at(lsp, document, 4, 14, " [[Nope]]", version=2)
        typed = await eventually(lambda: [d for d in lsp.diagnostics[document] if "Nope" in d.message])
        assert (typed[0].range.start.character, typed[0].range.end.character) == (15, 23)
        replace_text(lsp, document, text, version=3)
        await eventually(lambda: _codes(lsp.diagnostics[document]) == ["FM005", "FM006", "LK001"])
        # A burst of keystrokes, sent without waiting: what is shown at the end is the last text's.
        for index, char in enumerate("[[Zed]]"):
            type_at(lsp, document, 5, index, char, version=4 + index)
        await eventually(lambda: [d.message for d in lsp.diagnostics[document]][-1:] == ['unresolved link "Zed"'])
        replace_text(lsp, document, text, version=20)
        await eventually(lambda: _codes(lsp.diagnostics[document]) == ["FM005", "FM006", "LK001"])
        # The first index reported its progress.
        reports = [value for values in lsp.progress_reports.values() for value in values]
        assert [r.kind for r in reports][:1] == ["begin"] and reports[-1].kind == "end"

        fix_all = await code_actions(lsp, document, 0, 0, only=["source.fixAll"])
        assert [a.kind for a in fix_all] == ["source.fixAll.vaultlint"]
        fixed = apply_text_edits(text, fix_all[0].edit.changes[document])
        # The editor's fix-all is the very edit `vaultlint check --fix` writes.
        subprocess.run(
            [sys.executable, "-m", "vaultlint", "check", "--fix", "--no-cache", "-q", str(copy)],
            capture_output=True,
            timeout=60,
        )
        assert fixed == (copy / "note.md").read_text(encoding="utf-8")
        quick = [a for a in await code_actions(lsp, document, 1, 1) if a.is_preferred]
        assert [a.title for a in quick] == ["rename tag to tags"]

        # Obsidian (or git) creates the missing note on disk: the open note's link resolves.
        [watch] = [r for r in lsp.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        assert [w["globPattern"] for w in watch.register_options["watchers"]] == ["**/*"]
        (root / "Missing.md").write_text("# Missing\n", encoding="utf-8")
        lsp.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=uri(root / "Missing.md"), type=types.FileChangeType.Created)]
            )
        )
        await eventually(lambda: _codes(lsp.diagnostics[document]) == ["FM005", "FM006"])

        lsp.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=document))
        )
        await eventually(lambda: len(lsp.diagnostics[document]) == 0)


async def test_a_heading_typo_is_fixed_by_the_hinted_heading(tmp_path: Path) -> None:
    text = "See [[Target#Introductoin]] and [x](Target.md#^abc124).\n"
    root = _vault(tmp_path / "vault", {"note.md": text, "Target.md": "# Introduction\n\nA block. ^abc123\n"})
    async with lsp_session(root, NEOVIM) as lsp:
        document = open_note(lsp, root / "note.md")
        assert _codes(await pull(lsp, document)) == ["LK003", "LK004"]
        fixed = text
        for column, title in ((8, 'Link "#Introduction" instead'), (40, 'Link "#^abc123" instead')):
            [action] = [a for a in await code_actions(lsp, document, 0, column) if a.title == title]
            assert action.is_preferred
            fixed = apply_text_edits(fixed, action.edit.changes[document])
            replace_text(lsp, document, fixed, version=column)
        assert fixed == "See [[Target#Introduction]] and [x](Target.md#^abc123).\n"
        assert await pull(lsp, document) == []


async def test_the_first_index_shows_how_far_it_is_in_notes_and_percent(tmp_path: Path) -> None:
    notes = {f"n{i:03}.md": f"[[n{i + 1:03}]]\n" for i in range(449)}
    root = _vault(tmp_path / "vault", notes)  # 450 notes with Target.md
    async with lsp_session(root, VSCODE) as lsp:
        open_note(lsp, root / "n000.md")

        def progress() -> list[types.WorkDoneProgressBegin | types.WorkDoneProgressReport | types.WorkDoneProgressEnd]:
            values = [value for values in lsp.progress_reports.values() for value in values]
            return values if values and values[-1].kind == "end" else []

        shown = await eventually(progress)
        assert shown[0].kind == "begin" and shown[0].percentage == 0
        reports = [value for value in shown if value.kind == "report"]
        assert reports, "no count was shown"
        percentages = [value.percentage for value in reports]
        assert percentages == sorted(percentages)
        # However quickly the build ran, the bar ends on the whole count (kept until the bar came).
        assert (reports[-1].message, reports[-1].percentage) == ("450 of 450 notes", 100)


async def test_the_index_is_built_during_the_handshake_and_shown_after_it(tmp_path: Path) -> None:
    """The build starts when the editor names its folders (``initialize``), but the server says
    nothing to the client (no progress bar, no request) before ``initialized``; then the
    bar shows the whole count, kept from the build that ran meanwhile."""
    notes = {f"n{i:03}.md": f"[[n{i + 1:03}]]\n" for i in range(199)}
    root = _vault(tmp_path / "vault", {"a.md": "[[Nowhere]]\n", **notes})  # 201 notes with Target.md
    lsp = make_test_lsp_client()
    heard: list[str] = []

    @lsp.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(client: object, params: types.RegistrationParams) -> None:
        heard.append("registration")

    await within(lsp.start_io(sys.executable, "-m", "vaultlint", "server"))
    try:
        params = types.InitializeParams(
            capabilities=client_capabilities(VSCODE),
            root_uri=uri(root),
            workspace_folders=[types.WorkspaceFolder(uri=uri(root), name="vault")],
        )
        lsp.capabilities = params.capabilities  # as initialize_session sets them, which says initialized at once
        await within(lsp.initialize_async(params))

        def stored() -> bool:  # the notes the build has stored in the vault's cache: all, once done
            with contextlib.suppress(sqlite3.Error):
                with contextlib.closing(
                    sqlite3.connect(f"file:{root}/.vaultlint-cache/notes.sqlite3?mode=ro", uri=True)
                ) as db:
                    return db.execute("SELECT count(*) FROM notes").fetchone()[0] == 201
            return False

        await eventually(stored)  # built before the client said initialized
        assert heard == [] and lsp.progress_reports == {}
        lsp.initialized(types.InitializedParams())

        def progress() -> list[types.WorkDoneProgressBegin | types.WorkDoneProgressReport | types.WorkDoneProgressEnd]:
            values = [value for values in lsp.progress_reports.values() for value in values]
            return values if values and values[-1].kind == "end" else []

        shown = await eventually(progress)
        assert shown[0].kind == "begin"
        assert [(v.message, v.percentage) for v in shown if v.kind == "report"] == [("201 of 201 notes", 100)]
        assert "registration" in heard  # the file watcher, asked for once initialized
        document = open_note(lsp, root / "a.md")
        assert _codes(await pull(lsp, document)) == ["LK001"]
        await within(lsp.shutdown_session())
    finally:
        with contextlib.suppress(Exception):
            await within(lsp.stop(), 5)
