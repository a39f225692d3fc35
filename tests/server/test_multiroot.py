"""Several workspace folders (VS Code multi-root, Neovim or Helix with several roots): each note is
checked, fixed, renamed and navigated in the vault that holds it, with that vault's config."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_vault
from lsprotocol import types
from pytest_lsp import client_capabilities

from server.lspclient import (
    NEOVIM,
    VSCODE,
    apply_text_edits,
    code_actions,
    eventually,
    lsp_session,
    open_note,
    pull,
    uri,
    within,
)

pytestmark = pytest.mark.asyncio(loop_scope="function")


def _codes(found: list[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in found]


def _two_vaults(tmp_path: Path) -> tuple[Path, Path]:
    """Vault A knows Shared, vault B knows OnlyB; B's config ignores LK001."""
    a = write_vault(tmp_path / "a", {"Shared.md": "# S\n", "a.md": "[[Shared]] [[OnlyB]] [[Shared#Nope]]\n"})
    b = write_vault(
        tmp_path / "b",
        {
            ".vaultlint.toml": 'ignore = ["LK001"]\n',
            "OnlyB.md": "# B\n",
            "b.md": "[[OnlyB]] [[OnlyB#Nope]] [[Shared]]\n",
            "c.md": "[[Missing#Part]]\n",
        },
    )
    return a, b


def _ends(lsp: object) -> list[str]:
    reports = [value for values in lsp.progress_reports.values() for value in values]  # type: ignore[attr-defined]
    return [r.message for r in reports if r.kind == "end"]


def _watched(lsp: object, path: Path, change: types.FileChangeType) -> None:
    lsp.workspace_did_change_watched_files(  # type: ignore[attr-defined]
        types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=uri(path), type=change)])
    )


async def test_two_folders_two_vaults_each_note_checked_in_its_own_vault(tmp_path: Path) -> None:
    a, b = _two_vaults(tmp_path)
    async with lsp_session(a, NEOVIM, folders=[a, b]) as lsp:
        note_a = open_note(lsp, a / "a.md")
        note_b = open_note(lsp, b / "b.md")
        # A: OnlyB is not in this vault; B: Shared is not, but B's config ignores LK001.
        assert _codes(await pull(lsp, note_a)) == ["LK001", "LK003"]
        assert _codes(await pull(lsp, note_b)) == ["LK003"]

        # Code actions, definition and hover in the second folder go to its own vault.
        actions = {a.title for a in await code_actions(lsp, note_b, 0, 14)}
        assert "Disable LK003 for this line" in actions
        place = await within(
            lsp.text_document_definition_async(
                types.DefinitionParams(
                    text_document=types.TextDocumentIdentifier(uri=note_b), position=types.Position(line=0, character=3)
                )
            )
        )
        assert place.uri == uri(b / "OnlyB.md")

        # B's config changes on disk: B reloads with it, A keeps its own.
        (b / ".vaultlint.toml").write_text("ignore = []\n", encoding="utf-8")
        _watched(lsp, b / ".vaultlint.toml", types.FileChangeType.Changed)
        assert _codes(await pull(lsp, note_b)) == ["LK003", "LK001"]
        assert _codes(await pull(lsp, note_a)) == ["LK001", "LK003"]


async def test_files_changed_and_renamed_in_the_second_folder(tmp_path: Path) -> None:
    a, b = _two_vaults(tmp_path)
    (a / "link.md").write_text("[[OnlyB]]\n", encoding="utf-8")  # A has no OnlyB: never edited for B's rename
    async with lsp_session(a, VSCODE, folders=[a, b]) as lsp:
        document = open_note(lsp, b / "c.md")
        await eventually(lambda: document in lsp.diagnostics)
        assert _codes(lsp.diagnostics[document]) == []  # LK001: B's config ignores it
        # Obsidian creates the missing note in B, without the heading: its link now misses only that.
        (b / "Missing.md").write_text("# Other\n", encoding="utf-8")
        _watched(lsp, b / "Missing.md", types.FileChangeType.Created)
        await eventually(lambda: _codes(lsp.diagnostics[document]) == ["LK003"])

        # Renaming B's note edits B's links only.
        edit = await within(
            lsp.workspace_will_rename_files_async(
                types.RenameFilesParams(
                    files=[types.FileRename(old_uri=uri(b / "OnlyB.md"), new_uri=uri(b / "Renamed.md"))]
                )
            )
        )
        assert set(edit.changes) == {uri(b / "b.md")}
        text = (b / "b.md").read_text(encoding="utf-8")
        assert apply_text_edits(text, edit.changes[uri(b / "b.md")]).startswith("[[Renamed]] [[Renamed#Nope]]")


async def test_two_folders_of_one_vault_share_one_index(tmp_path: Path) -> None:
    root = write_vault(
        tmp_path / "vault",
        {"one/x.md": "[[y]] [[gone]]\n", "two/y.md": "[[x]] [[z]]\n", "z.md": "[[x#Nope]]\n"},
    )
    async with lsp_session(root / "one", VSCODE, folders=[root / "one", root / "two"]) as lsp:
        x = open_note(lsp, root / "one" / "x.md")
        y = open_note(lsp, root / "two" / "y.md")
        # Links between the folders and to the rest of the vault resolve: one vault, whole.
        await eventually(lambda: _codes(lsp.diagnostics.get(x, [])) == ["LK001"])
        await eventually(lambda: y in lsp.diagnostics)
        assert _codes(lsp.diagnostics[y]) == []
        # A note of the vault outside both folders is checked too.
        z = open_note(lsp, root / "z.md")
        await eventually(lambda: _codes(lsp.diagnostics.get(z, [])) == ["LK003"])
        # Indexed once: the second folder found the first's index.
        await eventually(lambda: len(_ends(lsp)) == 2)
        assert sorted(_ends(lsp)) == sorted([f"indexed {root}", f"{root} is indexed already"])


async def test_folders_added_and_removed_while_the_server_runs(tmp_path: Path) -> None:
    a, b = _two_vaults(tmp_path)
    options = {"workspaceDiagnostics": True}
    async with lsp_session(a, VSCODE, options) as lsp:
        await eventually(lambda: _codes(lsp.diagnostics.get(uri(a / "a.md"), [])) == ["LK001", "LK003"])
        assert uri(b / "b.md") not in lsp.diagnostics

        lsp.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(added=[types.WorkspaceFolder(uri=uri(b), name="b")], removed=[])
            )
        )
        await eventually(lambda: _codes(lsp.diagnostics.get(uri(b / "b.md"), [])) == ["LK003"])
        assert uri(b / "c.md") not in lsp.diagnostics  # only LK001, which B's config ignores

        lsp.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(added=[], removed=[types.WorkspaceFolder(uri=uri(b), name="b")])
            )
        )
        # B's vault is let go: what it reported is cleared; A's stays.
        await eventually(lambda: len(lsp.diagnostics[uri(b / "b.md")]) == 0)
        assert _codes(lsp.diagnostics[uri(a / "a.md")]) == ["LK001", "LK003"]


async def test_a_note_outside_every_folder_is_checked_in_the_vault_around_it(tmp_path: Path) -> None:
    a, b = _two_vaults(tmp_path)
    async with lsp_session(a, NEOVIM, folders=[a]) as lsp:
        assert _codes(await pull(lsp, open_note(lsp, a / "a.md"))) == ["LK001", "LK003"]
        # b.md is in no folder: the vault around it (B, with its config) is indexed for it.
        assert _codes(await pull(lsp, open_note(lsp, b / "b.md"))) == ["LK003"]


def _folders_event(added: list[Path], removed: list[Path]) -> types.DidChangeWorkspaceFoldersParams:
    return types.DidChangeWorkspaceFoldersParams(
        event=types.WorkspaceFoldersChangeEvent(
            added=[types.WorkspaceFolder(uri=uri(f), name=f.name) for f in added],
            removed=[types.WorkspaceFolder(uri=uri(f), name=f.name) for f in removed],
        )
    )


async def test_workspace_mode_reports_the_folders_not_the_rest_of_theirwrite_vault(tmp_path: Path) -> None:
    root = write_vault(tmp_path / "vault", {"one/x.md": "[[gone]]\n", "two/y.md": "[[gone]]\n", "z.md": "[[gone]]\n"})
    one, two = root / "one", root / "two"
    async with lsp_session(one, VSCODE, {"workspaceDiagnostics": True}) as lsp:
        await eventually(lambda: uri(one / "x.md") in lsp.diagnostics)
        assert set(lsp.diagnostics) == {uri(one / "x.md")}  # the vault is indexed whole, reported for `one`
        lsp.workspace_did_change_workspace_folders(_folders_event([two], []))
        await eventually(lambda: uri(two / "y.md") in lsp.diagnostics)
        # `one` closed: the vault stays for `two`, and what was reported for `one` is cleared.
        lsp.workspace_did_change_workspace_folders(_folders_event([], [one]))
        await eventually(lambda: len(lsp.diagnostics[uri(one / "x.md")]) == 0)
        assert _codes(lsp.diagnostics[uri(two / "y.md")]) == ["LK001"]
        assert uri(root / "z.md") not in lsp.diagnostics


async def test_pulled_workspace_diagnostics_span_the_vaults_and_a_nested_vault_reports_its_own(
    tmp_path: Path,
) -> None:
    a, b = _two_vaults(tmp_path)
    # A vault of its own inside A (its own .obsidian): its notes are its, not A's, and said once.
    nested = write_vault(a / "inner", {"n.md": "[[Shared]]\n"})
    capabilities = client_capabilities(NEOVIM)
    capabilities.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    options = {"workspaceDiagnostics": True}
    async with lsp_session(a, options=options, capabilities=capabilities, folders=[a, b, nested]) as lsp:
        report = await within(lsp.workspace_diagnostic_async(types.WorkspaceDiagnosticParams(previous_result_ids=[])))
        found = {item.uri: _codes(item.items) for item in report.items}
        assert found == {
            uri(a / "a.md"): ["LK001", "LK003"],
            uri(b / "b.md"): ["LK003"],
            uri(nested / "n.md"): ["LK001"],  # Shared is A's, not the inner vault's
        }
        assert _codes(await pull(lsp, open_note(lsp, nested / "n.md"))) == ["LK001"]


async def test_an_unusable_config_in_one_folder_leaves_the_other_working(tmp_path: Path) -> None:
    a, b = _two_vaults(tmp_path)
    (b / ".vaultlint.toml").write_text("select = 3\n", encoding="utf-8")
    async with lsp_session(a, NEOVIM, folders=[a, b]) as lsp:
        note_b = open_note(lsp, b / "b.md")
        assert await pull(lsp, note_b) == []  # no index for B: nothing, not an error
        await eventually(lambda: lsp.messages)
        assert [m.type for m in lsp.messages] == [types.MessageType.Error]
        assert str(b / ".vaultlint.toml") in lsp.messages[0].message
        assert _codes(await pull(lsp, open_note(lsp, a / "a.md"))) == ["LK001", "LK003"]
        # Fixed on disk: B is indexed with it.
        (b / ".vaultlint.toml").write_text('select = ["LK003"]\n', encoding="utf-8")
        _watched(lsp, b / ".vaultlint.toml", types.FileChangeType.Changed)
        await eventually(lambda: any(m.startswith("indexed") and m.endswith(str(b)) for m in _ends(lsp)))
        assert _codes(await pull(lsp, note_b)) == ["LK003"]
        assert len(lsp.messages) == 1
