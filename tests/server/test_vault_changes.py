"""The server follows the vault: workspace mode, files changed or renamed on disk, the config."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import client_capabilities

from server.lspclient import NEOVIM, VSCODE, eventually, lsp_session, open_note, pull, replace_text, uri, within

pytestmark = pytest.mark.asyncio(loop_scope="function")


def _vault(root: Path, files: dict[str, str]) -> Path:
    (root / ".obsidian").mkdir(parents=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


async def test_workspace_mode_pushes_the_vault_within_the_cap(tmp_path: Path) -> None:
    files = {f"n{i}.md": f"[[gone{i}a]] [[gone{i}b]]\n" for i in range(4)}
    root = _vault(tmp_path / "vault", files)
    options = {"workspaceDiagnostics": True, "maxWorkspaceDiagnostics": 5, "noSuchOption": 1}
    async with lsp_session(root, VSCODE, options) as lsp:
        # Two notes of two diagnostics fit under the cap of five; a third would not.
        await eventually(lambda: len(lsp.diagnostics) == 2)
        assert {uri(root / "n0.md"), uri(root / "n1.md")} == set(lsp.diagnostics)
        # A change on disk to a reported note is published again; a note fixed is cleared.
        (root / "n0.md").write_text("fine\n", encoding="utf-8")
        lsp.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=uri(root / "n0.md"), type=types.FileChangeType.Changed)]
            )
        )
        await eventually(lambda: len(lsp.diagnostics[uri(root / "n0.md")]) == 0)
        # An open note is always reported, cap or not.
        document = open_note(lsp, root / "n3.md")
        await eventually(lambda: len(lsp.diagnostics.get(document, ())) == 2)


async def test_pull_clients_get_the_workspace_and_are_asked_to_pull_again_after_a_change(tmp_path: Path) -> None:
    files = {"Target.md": "# Part\n", "note.md": "[[Target#Part]]\n", "a.md": "[[gone]]\n", "c.md": "[[b#Nope]]\n"}
    root = _vault(tmp_path / "vault", {**files, "b.md": "fine\n"})
    capabilities = client_capabilities(NEOVIM)
    capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    async with lsp_session(root, options={"workspaceDiagnostics": True}, capabilities=capabilities) as lsp:
        report = await within(lsp.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[])))
        found = {item.uri: [d.code for d in item.items] for item in report.items}
        assert found == {uri(root / "a.md"): ["LK001"], uri(root / "c.md"): ["LK003"]}
        assert lsp.diagnostics == {}  # pulled, never pushed

        note = open_note(lsp, root / "note.md")
        target = open_note(lsp, root / "Target.md")
        assert await pull(lsp, note) == []
        before = lsp.diagnostic_refresh_count
        replace_text(lsp, target, "# Renamed\n", version=2)  # unsaved: the heading note.md links to is gone
        await eventually(lambda: lsp.diagnostic_refresh_count > before)
        assert [d.code for d in await pull(lsp, note)] == ["LK003"]


async def test_a_rename_on_disk_updates_the_links_to_it(tmp_path: Path) -> None:
    root = _vault(tmp_path / "vault", {"Target.md": "# T\n", "note.md": "[[Target]]\n"})
    async with lsp_session(root, VSCODE) as lsp:
        document = open_note(lsp, root / "note.md")
        await eventually(lambda: document in lsp.diagnostics)
        assert list(lsp.diagnostics[document]) == []
        (root / "Target.md").rename(root / "Other.md")
        lsp.workspace_did_rename_files(
            types.RenameFilesParams(
                files=[types.FileRename(old_uri=uri(root / "Target.md"), new_uri=uri(root / "Other.md"))]
            )
        )
        await eventually(lambda: [d.code for d in lsp.diagnostics[document]] == ["LK001"])


async def test_an_unusable_config_is_reported_and_a_fixed_one_is_picked_up(tmp_path: Path) -> None:
    root = _vault(tmp_path / "vault", {".vaultlint.toml": "select = 3\n", "note.md": "[[gone]]\n"})
    async with lsp_session(root, VSCODE) as lsp:
        document = open_note(lsp, root / "note.md")
        await eventually(lambda: lsp.messages)
        assert lsp.messages[0].type == types.MessageType.Error
        assert ".vaultlint.toml" in lsp.messages[0].message
        (root / ".vaultlint.toml").write_text('select = ["LK"]\n', encoding="utf-8")
        lsp.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=uri(root / ".vaultlint.toml"), type=types.FileChangeType.Changed)]
            )
        )
        await eventually(lambda: [d.code for d in lsp.diagnostics.get(document, ())] == ["LK001"])
        # Broken again while the server runs: said once, and the last good settings stay in force.
        (root / ".vaultlint.toml").write_text("select = [\n", encoding="utf-8")
        lsp.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=uri(root / ".vaultlint.toml"), type=types.FileChangeType.Changed)]
            )
        )
        await eventually(lambda: len(lsp.messages) == 2)
        assert ".vaultlint.toml" in lsp.messages[1].message
        replace_text(lsp, document, "[[gone]] [[gone2]]\n", version=2)
        await eventually(lambda: [d.code for d in lsp.diagnostics.get(document, ())] == ["LK001", "LK001"])


async def test_without_a_workspace_folder_the_vault_is_found_from_the_first_note(tmp_path: Path) -> None:
    root = _vault(tmp_path / "vault", {"sub/note.md": "[[gone]] [[Top]]\n", "Top.md": "[[sub/gone]]\n"})
    async with lsp_session(None, NEOVIM) as lsp:
        document = open_note(lsp, root / "sub" / "note.md")
        assert [d.code for d in await pull(lsp, document)] == ["LK001"]  # Top.md is in the vault: found
        # The whole vault is checked, not only the first note's folder.
        assert [d.code for d in await pull(lsp, open_note(lsp, root / "Top.md"))] == ["LK001"]


async def test_a_vault_big_enough_for_the_parsing_pool_indexes_without_hanging(tmp_path: Path) -> None:
    # Past the loader's parallel threshold, the first index forks parsing workers while the
    # protocol's reader thread holds stdin's lock: a worker that touched it would never start.
    files = {f"notes/n{i}.md": f"# N{i}\n[[n{i + 1}]]\n" for i in range(260)}
    root = _vault(tmp_path / "vault", {**files, "note.md": "[[n3]] [[gone]]\n"})
    async with lsp_session(root, NEOVIM) as lsp:
        document = open_note(lsp, root / "note.md")
        assert [d.code for d in await pull(lsp, document)] == ["LK001"]
