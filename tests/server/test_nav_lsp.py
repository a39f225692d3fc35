"""Renames, go to definition, completion and hover through the real ``vaultlint server`` process,
with pytest-lsp impersonating Neovim and VS Code (their captured client capabilities).

A session is what a user does: open a note, rename a file (the editor asks
``workspace/willRenameFiles``, applies the answer, moves the file, then sends
``workspace/didRenameFiles``), rename a heading, jump to a link's target, complete a link, hover
a broken one.  Every request is bounded in time.
"""

from __future__ import annotations

import asyncio
import shutil
import sys

import pytest
import pytest_lsp
from helpers import write_vault
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.uris import from_fs_path
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = pytest.mark.asyncio(loop_scope="function")

#: Every request gets this long at most (the server indexes a ten-note vault in well under a second).
TIMEOUT = 30

PROJECT = "# Project\n\n## Goals: 2024\n\nThe plan. ^plan\n"
HOME = (
    "---\n"
    'up: "[[Project]]"\n'
    "---\n"
    "# Ça va\n"
    "Voilà [[Project]], [[ Project#Goals 2024 | the goals ]] and ![[Project#^plan]].\n"
    "A [Markdown link](Project.md#Goals%202024) and [[Projekt]].\n"
    "By [[people/Ada Lovelace|Ada]].\n"
)
FILES = {"Project.md": PROJECT, "Home.md": HOME, "people/Ada Lovelace.md": "# Ada\n"}


@pytest_lsp.fixture(
    params=["neovim", "visual-studio-code"],
    config=ClientServerConfig(server_command=[sys.executable, "-m", "vaultlint", "server"]),
)
async def client(lsp_client: LanguageClient, request, tmp_path):
    root = write_vault(tmp_path / "vault", FILES)

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams) -> None:
        """VS Code accepts the server's file watcher (the captured capabilities offer it)."""

    result = await asyncio.wait_for(
        lsp_client.initialize_session(
            types.InitializeParams(
                capabilities=client_capabilities(request.param),
                root_uri=from_fs_path(str(root)),
                workspace_folders=[types.WorkspaceFolder(uri=from_fs_path(str(root)), name="vault")],
            )
        ),
        TIMEOUT,
    )
    lsp_client.vault = root
    lsp_client.encoding = str(result.capabilities.position_encoding or "utf-16")
    lsp_client.server_capabilities = result.capabilities
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), TIMEOUT)


def uri(client: LanguageClient, path: str) -> str:
    return from_fs_path(str(client.vault / path))


def units(text: str, encoding: str) -> int:
    if encoding == "utf-32":
        return len(text)
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    return len(text.encode("utf-16-le")) // 2


def position(client: LanguageClient, text: str, line: int, needle: str) -> types.Position:
    """The position of ``needle`` on 0-based ``line`` of ``text``, in the session's encoding."""
    row = text.split("\n")[line]
    return types.Position(line=line, character=units(row[: row.index(needle)], client.encoding))


def apply(client: LanguageClient, text: str, edits: list[types.TextEdit]) -> str:
    """``edits`` applied to ``text`` as an editor does (positions in the session's encoding)."""
    lines = text.split("\n")

    def offset(pos: types.Position) -> int:
        row = lines[pos.line]
        column = next(i for i in range(len(row) + 1) if units(row[:i], client.encoding) >= pos.character)
        return sum(len(r) + 1 for r in lines[: pos.line]) + column

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def open_note(client: LanguageClient, path: str) -> str:
    text = (client.vault / path).read_text(encoding="utf-8")
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri(client, path), language_id="markdown", version=1, text=text)
        )
    )
    return text


async def test_a_session_renames_a_file_then_a_heading(client: LanguageClient):
    offered = client.server_capabilities
    if client.capabilities.workspace.file_operations:  # VS Code: it asks only if the server says it answers
        assert offered.workspace.file_operations.will_rename.filters[0].pattern.glob == "**/*"
    assert offered.rename_provider == types.RenameOptions(prepare_provider=True)
    home = open_note(client, "Home.md")
    # the editor renames Project.md: it asks for the edits first, applies them, then moves the file
    rename = types.FileRename(old_uri=uri(client, "Project.md"), new_uri=uri(client, "Big Plan.md"))
    edit = await asyncio.wait_for(
        client.workspace_will_rename_files_async(types.RenameFilesParams(files=[rename])), TIMEOUT
    )
    assert set(edit.changes) == {uri(client, "Home.md")}
    home = apply(client, home, edit.changes[uri(client, "Home.md")])
    assert home == HOME.replace("[[Project", "[[Big Plan").replace("[[ Project", "[[ Big Plan").replace(
        "(Project.md", "(Big%20Plan.md"
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri(client, "Home.md"), version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=home)],
        )
    )
    shutil.move(client.vault / "Project.md", client.vault / "Big Plan.md")
    client.workspace_did_rename_files(types.RenameFilesParams(files=[rename]))

    # the rewritten link leads to the renamed note
    found = await asyncio.wait_for(
        client.text_document_definition_async(
            types.DefinitionParams(
                text_document=types.TextDocumentIdentifier(uri=uri(client, "Home.md")),
                position=position(client, home, 4, "Big Plan]]"),
            )
        ),
        TIMEOUT,
    )
    assert found.uri == uri(client, "Big Plan.md")

    # a folder: the link by path becomes the (unique) name, alias kept (a move to "team/people"
    # would need no edit: "people/Ada Lovelace" still ends the new path, and Obsidian finds it so)
    folder = types.FileRename(old_uri=uri(client, "people"), new_uri=uri(client, "team"))
    edit = await asyncio.wait_for(
        client.workspace_will_rename_files_async(types.RenameFilesParams(files=[folder])), TIMEOUT
    )
    assert apply(client, home, edit.changes[uri(client, "Home.md")]) == home.replace(
        "[[people/Ada Lovelace|", "[[Ada Lovelace|"
    )

    # now the heading, from the link that names it
    at = position(client, home, 4, "Goals 2024 |")
    params = types.PrepareRenameParams(
        text_document=types.TextDocumentIdentifier(uri=uri(client, "Home.md")), position=at
    )
    prepared = await asyncio.wait_for(client.text_document_prepare_rename_async(params), TIMEOUT)
    assert prepared.placeholder == "Goals: 2024"
    assert prepared.range.start == at
    edit = await asyncio.wait_for(
        client.text_document_rename_async(
            types.RenameParams(text_document=params.text_document, position=at, new_name="Aims")
        ),
        TIMEOUT,
    )
    plan = (client.vault / "Big Plan.md").read_text(encoding="utf-8")
    assert apply(client, plan, edit.changes[uri(client, "Big Plan.md")]) == PROJECT.replace("Goals: 2024", "Aims")
    assert apply(client, home, edit.changes[uri(client, "Home.md")]) == home.replace("Goals 2024 |", "Aims |").replace(
        "#Goals%202024", "#Aims"
    )

    # a block id, from the embed that names it
    at = position(client, home, 4, "plan]]")
    params = types.PrepareRenameParams(text_document=params.text_document, position=at)
    prepared = await asyncio.wait_for(client.text_document_prepare_rename_async(params), TIMEOUT)
    assert prepared.placeholder == "plan"
    edit = await asyncio.wait_for(
        client.text_document_rename_async(
            types.RenameParams(text_document=params.text_document, position=at, new_name="decision-1")
        ),
        TIMEOUT,
    )
    assert apply(client, plan, edit.changes[uri(client, "Big Plan.md")]) == PROJECT.replace("^plan", "^decision-1")
    assert apply(client, home, edit.changes[uri(client, "Home.md")]) == home.replace("#^plan", "#^decision-1")

    # a heading rename that would send a link to another heading is refused with a reason
    at = position(client, home, 4, "Goals 2024 |")
    with pytest.raises(JsonRpcException, match="another heading") as refused:
        await asyncio.wait_for(
            client.text_document_rename_async(
                types.RenameParams(text_document=params.text_document, position=at, new_name="Project")
            ),
            TIMEOUT,
        )
    assert refused.value.code == -32803  # RequestFailed: the editor shows the message


async def test_a_session_follows_completes_and_explains_links(client: LanguageClient):
    home = open_note(client, "Home.md")
    doc = types.TextDocumentIdentifier(uri=uri(client, "Home.md"))

    found = await asyncio.wait_for(
        client.text_document_definition_async(
            types.DefinitionParams(text_document=doc, position=position(client, home, 4, "plan]]"))
        ),
        TIMEOUT,
    )
    assert found.uri == uri(client, "Project.md")
    assert found.range.start == types.Position(line=4, character=10)  # the "^plan" of Project.md

    # type "[[ada" on a new line
    typed = home + "See [[ada"
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=doc.uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=typed)],
        )
    )
    last = typed.count("\n")
    end = types.Position(line=last, character=len("See [[ada"))
    listed = await asyncio.wait_for(
        client.text_document_completion_async(types.CompletionParams(text_document=doc, position=end)), TIMEOUT
    )
    assert [item.text_edit.new_text for item in listed.items] == ["Ada Lovelace"]
    assert listed.items[0].text_edit.range == types.Range(start=types.Position(line=last, character=6), end=end)

    hover = await asyncio.wait_for(
        client.text_document_hover_async(
            types.HoverParams(text_document=doc, position=position(client, typed, 5, "Projekt"))
        ),
        TIMEOUT,
    )
    assert hover.contents.value.startswith('**LK001** unresolved-link\n\n```text\nunresolved link "Projekt"')
    assert 'did you mean "Project"?' in hover.contents.value
