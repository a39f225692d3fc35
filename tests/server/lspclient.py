"""Helpers for tests/server: the real `vaultlint server` process, driven by pytest-lsp's client as an editor would drive it.

``session(root, client="neovim@v0.10.0", options=None)`` starts the server with
``python -m vaultlint server``, initializes it with the captured capabilities of that editor
(pytest-lsp ships Neovim, VS Code and Emacs), and shuts it down at the end.  Every wait is
bounded (``within``): a server that hangs fails the test in seconds, never blocks CI.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.uris import from_fs_path
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

T = TypeVar("T")
#: Seconds any single wait may take (a loaded CI machine is slow; a hang is much slower).
TIMEOUT = 20.0
NEOVIM = "neovim@v0.10.0"  # pull diagnostics, UTF-16
NEOVIM_UTF8 = "neovim@v0.11.0"  # pull diagnostics, UTF-8 positions (its first choice)
VSCODE = "visual-studio-code@v1.65.2"  # push diagnostics, dynamic file watching, file operations


async def within(awaitable: Awaitable[T], seconds: float = TIMEOUT) -> T:
    return await asyncio.wait_for(awaitable, seconds)


async def eventually(check: Callable[[], T], seconds: float = TIMEOUT) -> T:
    """Poll ``check`` until it returns something true (bounded in time)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        result = check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"still {result!r} after {seconds} s")
        await asyncio.sleep(0.02)


def uri(path: Path) -> str:
    return from_fs_path(str(path))


@contextlib.asynccontextmanager
async def lsp_session(
    root: Path | None,
    client: str = NEOVIM,
    options: Any = None,
    capabilities: types.ClientCapabilities | None = None,
    folders: list[Path] | None = None,
) -> AsyncIterator[LanguageClient]:
    """``folders``: the workspace folders (a multi-root session); by default ``root`` alone."""
    lsp = make_test_lsp_client()
    registrations: list[types.Registration] = []

    @lsp.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(client: LanguageClient, params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)  # accepted, as VS Code accepts it

    lsp.registrations = registrations  # type: ignore[attr-defined]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    await within(lsp.start_io(sys.executable, "-m", "vaultlint", "server", env=env))
    try:
        await within(
            lsp.initialize_session(
                types.InitializeParams(
                    capabilities=capabilities or client_capabilities(client),
                    root_uri=uri(root) if root is not None else None,
                    workspace_folders=[
                        types.WorkspaceFolder(uri=uri(folder), name=folder.name)
                        for folder in (folders or ([root] if root else []))
                    ]
                    or None,
                    initialization_options=options,
                )
            )
        )
        yield lsp
        await within(lsp.shutdown_session())
    finally:
        with contextlib.suppress(Exception):
            await within(lsp.stop(), 5)


def open_note(lsp: LanguageClient, path: Path, text: str | None = None, version: int = 1) -> str:
    document = uri(path)
    lsp.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=document,
                language_id="markdown",
                version=version,
                text=path.read_text(encoding="utf-8") if text is None else text,
            )
        )
    )
    return document


def replace_text(lsp: LanguageClient, document: str, text: str, version: int) -> None:
    """A full-text change (what a client with full sync sends)."""
    lsp.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=document, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


def type_at(lsp: LanguageClient, document: str, line: int, character: int, text: str, version: int) -> None:
    """An incremental change: ``text`` inserted at a 0-based (line, character) in client units."""
    position = types.Position(line=line, character=character)
    lsp.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=document, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(range=types.Range(start=position, end=position), text=text)
            ],
        )
    )


async def pull(lsp: LanguageClient, document: str) -> list[types.Diagnostic]:
    report = await within(
        lsp.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=document))
        )
    )
    return list(report.items)


def apply_text_edits(text: str, edits: list[types.TextEdit]) -> str:
    """``text`` with LSP edits applied, counting columns in UTF-16 units as an editor does
    (independent of the server's own conversion, so a wrong conversion shows)."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        units = lines[position.line].encode("utf-16-le")[: position.character * 2].decode("utf-16-le")
        return before + len(units)

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def code_actions(
    lsp: LanguageClient, document: str, line: int, character: int, only: list[str] | None = None
) -> list[types.CodeAction]:
    position = types.Position(line=line, character=character)
    found = await within(
        lsp.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=document),
                range=types.Range(start=position, end=position),
                context=types.CodeActionContext(diagnostics=[], only=only),
            )
        )
    )
    return list(found or [])
