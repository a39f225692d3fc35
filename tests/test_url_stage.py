"""The URL stage inside `vaultlint check`: which URLs reach the checker, and what comes back.

A small real HTTP server on 127.0.0.1 (never the internet); the detailed HTTP
behaviour is tested in tests/urls/.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from helpers import write_vault

from vaultlint.cli import main


class Handler(BaseHTTPRequestHandler):
    seen: Counter[str] = Counter()

    def _answer(self, body: bool) -> None:
        Handler.seen[self.path] += 1
        if self.path == "/ok":
            self.send_response(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        else:
            self.send_response(404)
        self.send_header("Content-Length", "2" if body else "0")
        self.end_headers()
        if body:
            self.wfile.write(b"hi")

    def do_GET(self) -> None:  # noqa: N802
        self._answer(True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(False)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    Handler.seen = Counter()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def vault(tmp_path, server):
    return write_vault(
        tmp_path / "v",
        {
            "a.md": (
                f"[ok]({server}/ok) and <{server}/ok#frag> and {server}/gone.\n"
                f"Moved: {server}/moved\n"
                f"`{server}/in-code` %% {server}/in-comment %%\n"
                f"```\n{server}/in-fence\n```\n"
            ),
            "b.md": f"---\nsource: {server}/ok\n---\n<!-- vaultlint-disable-next-line UR001 -->\n{server}/gone\n",
        },
    )


def check(capsys, *args: str) -> tuple[int, list[dict], str]:
    code = main(["check", "--output-format", "json", "--select", "UR", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_urls_are_checked_once_each_and_reported_at_every_occurrence(vault, capsys, tmp_path):
    code, data, err = check(capsys, "--allow-private-urls", "--cache-dir", str(tmp_path / "c"), str(vault))
    first_line = (vault / "a.md").read_text().splitlines()[0]
    gone = first_line.index("http", first_line.index(" and http")) + 1
    assert [(d["path"], d["line"], d["column"], d["code"]) for d in data] == [
        ("a.md", 1, gone, "UR001"),
        ("a.md", 2, 8, "UR003"),
    ]
    assert code == 1
    assert "URLs: 3 checked, 1 ok, 1 dead, 0 unverifiable, 1 redirected" in err
    assert set(Handler.seen) <= {"/ok", "/gone", "/moved"}
    assert "/in-code" not in Handler.seen and "/in-comment" not in Handler.seen
    assert Handler.seen["/gone"] >= 1 and Handler.seen["/moved"] == 1


def test_second_run_answers_ok_urls_from_the_cache(vault, capsys, tmp_path):
    check(capsys, "--allow-private-urls", "--cache-dir", str(tmp_path / "c"), str(vault))
    Handler.seen.clear()
    _, data, _ = check(capsys, "--allow-private-urls", "--cache-dir", str(tmp_path / "c"), str(vault))
    assert [d["code"] for d in data] == ["UR001", "UR003"]
    assert Handler.seen["/ok"] == 0  # ok results come from the cache; failures are always rechecked


def test_offline_touches_no_network(vault, capsys):
    code, data, err = check(capsys, "--offline", "--no-cache", str(vault))
    assert data == [] and code == 0 and "URLs:" not in err
    assert sum(Handler.seen.values()) == 0


def test_private_addresses_are_not_fetched_unless_allowed(vault, capsys):
    code, data, err = check(capsys, "--no-cache", str(vault))
    assert data == [] and code == 0
    assert sum(Handler.seen.values()) == 0
    assert "warning:" in err
