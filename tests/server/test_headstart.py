"""The head start: the first vault indexed in a forked process while the server imports pygls.

Its answers are compared with a Workspace's in this process (the same files, the same unsaved
texts); the real server is run with its own build held back until the test lets it go, so
that only the head start can answer: what the editor sees then, and that a change on disk
takes the head start out of the conversation.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

from server.lspclient import NEOVIM, VSCODE, eventually, open_note, pull, replace_text, uri, within
from vaultlint import Workspace
from vaultlint.server.headstart import FIRST_MESSAGE_WAIT, Replayed, begin

NOTES = {
    "Target.md": "# Target\n\n## Part\n",
    "a.md": "# Heading A\n\n[[Target#Part]] and [[Nowhere]]\n",
    "b.md": "[[a#Heading A]] [[Target#No such part]]\n",
}


def _vault(root: Path, primed: bool = True) -> Path:
    (root / ".obsidian").mkdir(parents=True)
    for name, text in NOTES.items():
        (root / name).write_text(text, encoding="utf-8")
    if primed:  # a check leaves the cache a warm start reads
        subprocess.run(
            [sys.executable, "-m", "vaultlint", "check", "--offline", str(root)], capture_output=True, timeout=120
        )
        assert (root / ".vaultlint-cache").is_dir()
    return root


def _message(payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _initialize(*folders: Path, root: Path | None = None) -> bytes:
    params: dict = {"processId": None, "capabilities": {}}
    if folders:
        params["workspaceFolders"] = [{"uri": uri(folder), "name": folder.name} for folder in folders]
    if root is not None:
        params["rootUri"] = uri(root)
    return _message({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": params})


def _begin_with(data: bytes):  # noqa: ANN202
    read, write = os.pipe()
    os.write(write, data)
    os.close(write)  # a client that sent this much and no more: a message cut short ends there
    try:
        return begin(read)
    finally:
        os.close(read)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


# -- the message read ahead ------------------------------------------------------------------


def test_what_was_read_ahead_is_read_again_line_by_line_and_by_count() -> None:
    stream = Replayed(io.BytesIO(b"ody\r\nContent-Length: 2\r\n\r\n{}"), b"Content-Length: 4\r\n\r\nb")
    assert stream.readline() == b"Content-Length: 4\r\n"
    assert stream.readline() == b"\r\n"
    assert stream.read(4) == b"body"  # one byte read ahead, three from the stream
    assert stream.readline() == b"\r\n"
    assert stream.readline() == b"Content-Length: 2\r\n"
    assert stream.readline() == b"\r\n"
    assert stream.read(2) == b"{}"
    assert stream.read(1) == b""


def test_a_line_cut_by_the_read_ahead_is_whole_again() -> None:
    stream = Replayed(io.BytesIO(b"ength: 7\r\nrest"), b"Content-L")
    assert stream.readline() == b"Content-Length: 7\r\n"
    assert stream.read() == b"rest"


def test_one_folder_starts_a_head_start_on_its_vault(tmp_path: Path) -> None:
    root = _vault(tmp_path / "vault")
    data = _initialize(root, root=root)
    head, head_start = _begin_with(data)
    try:
        assert head == data  # all of it, given to pygls first
        assert head_start is not None and head_start.folder == root
    finally:
        if head_start is not None:
            head_start.close()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(lambda root: _initialize(root, root / "other"), id="two folders"),
        pytest.param(lambda root: _initialize(), id="no folder"),
        pytest.param(
            lambda root: _message({"jsonrpc": "2.0", "id": 0, "method": "shutdown", "params": {"rootUri": uri(root)}}),
            id="not initialize",
        ),
        pytest.param(lambda root: b"Content-Length: 9\r\n\r\n{not json", id="not JSON"),
        pytest.param(lambda root: b"Content-Length: 900\r\n\r\n{}", id="cut short"),
        pytest.param(lambda root: b"no header at all", id="no header"),
    ],
)
def test_anything_but_one_folder_starts_none_and_is_given_to_pygls_unchanged(tmp_path: Path, data) -> None:  # noqa: ANN001
    root = _vault(tmp_path / "vault", primed=False)
    sent = data(root)
    started = time.monotonic()
    head, head_start = _begin_with(sent)
    assert head_start is None
    assert head == sent
    assert time.monotonic() - started < FIRST_MESSAGE_WAIT + 5


def test_nothing_sent_is_waited_for_a_moment_only(tmp_path: Path) -> None:
    started = time.monotonic()
    assert _begin_with(b"") == (b"", None)
    assert time.monotonic() - started < FIRST_MESSAGE_WAIT + 5


# -- its answers ---------------------------------------------------------------------------


def test_it_answers_as_a_workspace_does_with_the_same_unsaved_texts(tmp_path: Path) -> None:
    root = _vault(tmp_path / "vault")
    head, head_start = _begin_with(_initialize(root))
    assert head_start is not None
    reference = Workspace(root, offline=True)
    try:
        a, b = str(root / "a.md"), str(root / "b.md")
        steps = [
            (a, {a: NOTES["a.md"]}, ["LK001"]),  # opened as it is on disk
            (a, {a: "[[Target#Part]] and [[Elsewhere]] [[Target#Gone]]\n"}, ["LK001", "LK003"]),  # typed
            (b, {a: "# Renamed\n", b: NOTES["b.md"]}, ["LK003", "LK003"]),  # b reads a's unsaved headings
            (b, {b: NOTES["b.md"]}, ["LK003"]),  # a closed: its disk text counts again
            (str(root / "Target.md"), {}, []),
        ]
        applied: dict[str, str] = {}
        for fs_path, texts, codes in steps:
            for gone in applied.keys() - texts.keys():
                reference.update(gone, None)
            for path, text in texts.items():
                reference.update(path, text)
            applied = texts
            found, text = head_start.answer(fs_path, texts).result(timeout=60)
            vault_path = reference.vault_path(fs_path)
            assert found == reference.diagnostics(vault_path), fs_path
            assert [d.code for d in found] == codes
            assert text == reference.text(vault_path)
        assert head_start.answer(str(tmp_path / "elsewhere.md"), {}).result(timeout=60) is None  # not its vault
    finally:
        reference.close()
        head_start.close()


def test_without_a_cache_it_steps_aside_at_once(tmp_path: Path) -> None:
    """A cold start gains nothing from a second build: the server's own uses both cores."""
    root = _vault(tmp_path / "vault", primed=False)
    head, head_start = _begin_with(_initialize(root))
    assert head_start is not None
    assert head_start.answer(str(root / "a.md"), {}).result(timeout=60) is None
    assert not (root / ".vaultlint-cache").exists()  # nor did it make one
    head_start.close()


@pytest.mark.parametrize(("changed", "answers"), [(2, True), (3, False)])
def test_it_gives_up_when_the_cache_answers_for_too_few_notes(tmp_path: Path, changed: int, answers: bool) -> None:
    """A cache left by another version or a distant branch: the child would compete with the
    server's own build for the cores.  Up to one note in twenty checked from scratch is worth it."""
    root = tmp_path / "vault"
    (root / ".obsidian").mkdir(parents=True)
    for i in range(40):
        (root / f"n{i:02}.md").write_text(f"[[n{(i + 1) % 40:02}]]\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--offline", str(root)], capture_output=True, timeout=120
    )
    for i in range(changed):
        (root / f"n{i:02}.md").write_text(f"[[n{(i + 1) % 40:02}]] [[Nowhere]]\n", encoding="utf-8")
    head, head_start = _begin_with(_initialize(root))
    assert head_start is not None
    try:
        answer = head_start.answer(str(root / "n00.md"), {}).result(timeout=60)
        assert (answer is not None) == answers
        if answers:
            assert [d.code for d in answer[0]] == ["LK001"]
    finally:
        head_start.close()


def test_closed_it_answers_nothing_and_its_process_ends(tmp_path: Path) -> None:
    root = _vault(tmp_path / "vault")
    head, head_start = _begin_with(_initialize(root))
    assert head_start is not None
    pid = head_start._pid
    assert head_start.answer(str(root / "a.md"), {}).result(timeout=60) is not None
    head_start.close()
    head_start.close()  # twice is harmless
    assert head_start.answer(str(root / "a.md"), {}).result(timeout=5) is None
    deadline = time.monotonic() + 20
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _gone(pid)  # exited and reaped, not a zombie


# -- in the real server --------------------------------------------------------------------

#: Runs the server with its own first build held back until the file named by argv[1] exists.
HELD_SERVER = """
import sys, time
from pathlib import Path
flag = Path(sys.argv[1])
import vaultlint.server.app as app
build = app.open_workspace
def held(root, *args, **kwargs):
    deadline = time.monotonic() + 60
    while not flag.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return build(root, *args, **kwargs)
app.open_workspace = held  # the server's own build; the head start's is its own function
from vaultlint.cli import main
sys.exit(main(["server"]))
"""


@contextlib.asynccontextmanager
async def _held_server(tmp_path: Path, client: str) -> AsyncIterator[tuple[LanguageClient, Path, Path]]:
    """A session with the real server on a primed vault, its own build held until ``flag`` exists:
    yields the client, the vault root and the flag; the build is let go and the server shut
    down at the end, whatever happened."""
    root = _vault(tmp_path / "vault")
    flag = tmp_path / "let-the-build-go"
    script = tmp_path / "held_server.py"
    script.write_text(HELD_SERVER, encoding="utf-8")
    lsp = make_test_lsp_client()  # keeps what is published in lsp.diagnostics

    @lsp.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(client: object, params: types.RegistrationParams) -> None:
        pass

    await within(lsp.start_io(sys.executable, str(script), str(flag)))
    try:
        await within(
            lsp.initialize_session(
                types.InitializeParams(
                    capabilities=client_capabilities(client),
                    root_uri=uri(root),
                    workspace_folders=[types.WorkspaceFolder(uri=uri(root), name="vault")],
                )
            )
        )
        yield lsp, root, flag
        flag.touch()
        await within(lsp.shutdown_session())
    finally:
        flag.touch()
        await within(lsp.stop(), 5)


asyncio_test = pytest.mark.asyncio(loop_scope="function")


@asyncio_test
async def test_while_the_build_is_held_the_head_start_answers_pulls_typing_included(tmp_path: Path) -> None:
    async with _held_server(tmp_path, NEOVIM) as (lsp, root, flag):
        document = open_note(lsp, root / "a.md")
        first = await pull(lsp, document)
        assert [(d.code, d.range.start.character) for d in first] == [("LK001", 20)]
        replace_text(lsp, document, "[[Nowhere]] [[Target#Gone]]\n", 2)
        typed = await pull(lsp, document)
        assert [(d.code, d.range.start.character) for d in typed] == [("LK001", 0), ("LK003", 12)]
        flag.touch()  # the server's own build now: its answers are the same
        await eventually(lambda: not _has_child(lsp))
        assert await pull(lsp, document) == typed


@asyncio_test
async def test_while_the_build_is_held_a_push_client_gets_the_opened_note(tmp_path: Path) -> None:
    async with _held_server(tmp_path, VSCODE) as (lsp, root, _):
        document = open_note(lsp, root / "b.md")
        found = await eventually(lambda: lsp.diagnostics.get(document))
        assert [d.code for d in found] == ["LK003"]


@asyncio_test
async def test_after_a_change_on_disk_only_the_server_answers(tmp_path: Path) -> None:
    """The head start read the disk before the change: it is dismissed, and the pull waits
    for the server's own build, which sees the new note."""
    async with _held_server(tmp_path, NEOVIM) as (lsp, root, flag):
        document = open_note(lsp, root / "a.md")
        assert [d.code for d in await pull(lsp, document)] == ["LK001"]
        (root / "Nowhere.md").write_text("now here\n", encoding="utf-8")
        lsp.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=uri(root / "Nowhere.md"), type=types.FileChangeType.Created)]
            )
        )
        answer = asyncio.ensure_future(pull(lsp, document))
        await asyncio.sleep(1.0)
        assert not answer.done()  # not the head start's stale answer: the build is still held
        flag.touch()
        assert await within(answer) == []


def _has_child(lsp: object) -> bool:
    """Whether the server process still has a child (the head start, until the build is done)."""
    pid = lsp._server.pid  # type: ignore[attr-defined]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            return True
    return False
