"""Go to definition, completion of link targets and hover on broken links.

The answers are worked out by :mod:`.linknav` on the engine's worker (with the editor's
unsaved text applied first); here they become LSP types, with positions in the client's
encoding.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.uris import from_fs_path

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


async def on_engine(engine: EngineAccess, job: Callable[[Any], T]) -> T | None:
    """``job(workspace)`` on the engine's worker, awaited off the message loop; ``None`` while
    there is no index, and a refused rename as the error the editor shows."""
    try:
        return await asyncio.wrap_future(engine.run(job))
    except WorkspaceUnavailable:
        return None
    except RenameRefused as refused:
        raise JsonRpcException(str(refused), code=REQUEST_FAILED) from None


def _where(ws: Any, fs_path: str, position: types.Position, encoding: str) -> tuple[str, list[str], int, int] | None:
    """The note at ``fs_path`` (vault path), its lines, and ``position`` as a model (line, column)."""
    path = ws.vault_path(fs_path)
    text = ws.text(path) if path is not None else None
    if path is None or text is None:
        return None
    lines = lines_of(text)
    return (path, lines, *to_point(position, lines, encoding))


def register(server: Any, engine: EngineAccess) -> None:
    """Add definition, completion and hover to ``server`` (a pygls LanguageServer)."""

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def goto_definition(ls: Any, params: types.DefinitionParams) -> types.Location | None:
        fs_path, encoding = ls.document_path(params.text_document.uri), ls.encoding
        if fs_path is None:
            return None

        def find(ws: Any) -> types.Location | None:
            here = _where(ws, fs_path, params.position, encoding)
            if here is None:
                return None
            path, _lines, line, column = here
            place = definition(ws, path, line, column)
            if place is None:
                return None
            lines = lines_of(ws.text(place.path) or "") if place.path.lower().endswith(".md") else [""]
            uri = from_fs_path(str(ws.fs_path(place.path)))
            return types.Location(uri=uri, range=to_range(place.span, lines, encoding)) if uri else None

        return await on_engine(engine, find)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["[", "(", "#", "^", "/"])
    )
    async def complete(ls: Any, params: types.CompletionParams) -> types.CompletionList | None:
        fs_path, encoding = ls.document_path(params.text_document.uri), ls.encoding
        if fs_path is None:
            return None

        def find(ws: Any) -> types.CompletionList | None:
            here = _where(ws, fs_path, params.position, encoding)
            if here is None:
                return None
            path, lines, line, column = here
            line_text = lines[line - 1] if line <= len(lines) else ""
            found = completions(ws, path, line_text, line, column)
            if found is None:
                return None
            replaced = to_range(found.span, lines, encoding)
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

        return await on_engine(engine, find)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: Any, params: types.HoverParams) -> types.Hover | None:
        fs_path, encoding = ls.document_path(params.text_document.uri), ls.encoding
        if fs_path is None:
            return None

        def find(ws: Any) -> types.Hover | None:
            here = _where(ws, fs_path, params.position, encoding)
            if here is None:
                return None
            path, lines, line, column = here
            note = ws.note(path)
            if note is None:
                return None
            text = hover_text(note, ws.diagnostics(path), line, column)
            if text is None:
                return None
            link = link_at(note, line, column)
            return types.Hover(
                contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                range=to_range(link.span, lines, encoding) if link is not None else None,
            )

        return await on_engine(engine, find)
