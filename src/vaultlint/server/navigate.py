"""Go to definition, completion of link targets and hover on broken links.

The answers are worked out by :mod:`.linknav` on the engine's worker (with the editor's
unsaved text applied first); here they become LSP types, with positions in the client's
encoding.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.uris import from_fs_path

from ..model import Span
from .linkedits import RenameRefused
from .linknav import completions, definition, hover_text, link_at
from .positions import lines_of, to_point, to_range
from .state import EngineAccess, WorkspaceUnavailable

T = TypeVar("T")

_KINDS = {
    "note": types.CompletionItemKind.File,
    "attachment": types.CompletionItemKind.File,
    "alias": types.CompletionItemKind.Reference,
    "heading": types.CompletionItemKind.Reference,
    "block": types.CompletionItemKind.Reference,
}


#: LSP's RequestFailed: the request was valid but cannot be done (the message says why).
REQUEST_FAILED = -32803


async def on_engine(job: concurrent.futures.Future[T]) -> T | None:
    """A job handed to the engine (``engine.run``, ``engine.run_all``), awaited off the message
    loop; ``None`` when no index holds the note, and a refused rename as the error the editor shows."""
    try:
        return await asyncio.wrap_future(job)
    except WorkspaceUnavailable:
        return None
    except RenameRefused as refused:
        raise JsonRpcException(str(refused), code=REQUEST_FAILED) from None


@dataclass(frozen=True)
class At:
    """A request about a place in a note: the note (vault path), its lines as checked (the
    editor's buffer), the place as a model (line, column), and the session's position encoding."""

    path: str
    lines: list[str]
    line: int
    column: int
    encoding: str

    def range(self, span: Span) -> types.Range:
        return to_range(span, self.lines, self.encoding)


async def answer_at(
    ls: Any, engine: EngineAccess, params: types.TextDocumentPositionParams, answer: Callable[[Any, At], T | None]
) -> T | None:
    """``answer(workspace, at)`` for the place ``params`` names, on the engine's worker; ``None``
    for a document that is not a note of the vault."""
    fs_path, encoding = ls.document_path(params.text_document.uri), ls.encoding
    if fs_path is None:
        return None

    def job(ws: Any) -> T | None:
        path = ws.vault_path(fs_path)
        text = ws.text(path) if path is not None else None
        if path is None or text is None:
            return None
        lines = lines_of(text)
        return answer(ws, At(path, lines, *to_point(params.position, lines, encoding), encoding))

    return await on_engine(engine.run(job, fs_path))


def _location(ws: Any, at: At) -> types.Location | None:
    place = definition(ws, at.path, at.line, at.column)
    if place is None:
        return None
    lines = lines_of(ws.text(place.path) or "") if place.path.lower().endswith(".md") else [""]
    uri = from_fs_path(str(ws.fs_path(place.path)))
    return types.Location(uri=uri, range=to_range(place.span, lines, at.encoding)) if uri else None


def _completion_list(ws: Any, at: At) -> types.CompletionList | None:
    line_text = at.lines[at.line - 1] if at.line <= len(at.lines) else ""
    found = completions(ws, at.path, line_text, at.line, at.column)
    if found is None:
        return None
    replaced = at.range(found.span)
    # The list is filtered and ranked here (every word typed, anywhere in the path), so the
    # client is asked not to filter it again: each item's filter text is what was typed,
    # and the list is always incomplete, so the next keystroke asks again.
    typed = line_text[found.span.column - 1 : found.span.end_column - 1]
    items = [
        types.CompletionItem(
            label=item.label,
            kind=_KINDS[item.kind],
            detail=item.detail,
            sort_text=f"{rank:05}",
            filter_text=typed,
            text_edit=types.TextEdit(range=replaced, new_text=item.insert),
        )
        for rank, item in enumerate(found.items)
    ]
    return types.CompletionList(is_incomplete=True, items=items)


def _hover(ws: Any, at: At) -> types.Hover | None:
    note = ws.note(at.path)
    text = hover_text(note, ws.diagnostics(at.path), at.line, at.column) if note is not None else None
    if text is None:
        return None
    link = link_at(note, at.line, at.column)
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=at.range(link.span) if link is not None else None,
    )


def register(server: Any, engine: EngineAccess) -> None:
    """Add definition, completion and hover to ``server`` (a pygls LanguageServer)."""

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def goto_definition(ls: Any, params: types.DefinitionParams) -> types.Location | None:
        return await answer_at(ls, engine, params, _location)

    triggers = types.CompletionOptions(trigger_characters=["[", "(", "#", "^", "/"])

    @server.feature(types.TEXT_DOCUMENT_COMPLETION, triggers)
    async def complete(ls: Any, params: types.CompletionParams) -> types.CompletionList | None:
        return await answer_at(ls, engine, params, _completion_list)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: Any, params: types.HoverParams) -> types.Hover | None:
        return await answer_at(ls, engine, params, _hover)
