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
        elif self.path.startswith("/busy"):
            self.send_response(429)
            self.send_header("Retry-After", "1")
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


# --------------------------------------------------------------------------
# Every URL a note holds: reference definitions, HTML, frontmatter; never code

EXTRA = """---
source: https://fm.example/x
---
> [quoted]: <https://a.example/c> "title"

- [listed]:
  https://b.example/r

<div><a href="https://c.example/?a=1&amp;b=2">x</a>
<img src='https://d.example/i.png'></div>

Text <a href="https://e.example/e">e</a> and `<a href="https://code.example/">` <!-- <a href="https://cmt.example/"> -->

| a | <img src="https://f.example/t.png"> |
|---|---|
| `<img src="https://g.example/">` | [quoted] [listed] |

```
[fenced]: https://fence.example/
<a href="https://fence2.example/">
```

    [indented]: https://indented.example/
"""


def test_reference_definitions_html_and_frontmatter_urls_are_found_with_their_positions():
    from vaultlint.syntax.note import parse_note

    found = {(u.url, u.span.line, u.span.column, u.origin.value) for u in parse_note("n.md", EXTRA).urls}
    assert found == {
        ("https://fm.example/x", 2, 9, "frontmatter"),
        ("https://a.example/c", 4, 14, "reference"),
        ("https://b.example/r", 7, 3, "reference"),
        ("https://c.example/?a=1&b=2", 9, 15, "html"),
        ("https://d.example/i.png", 10, 11, "html"),
        ("https://e.example/e", 12, 15, "html"),
        ("https://f.example/t.png", 14, 17, "html"),
    }


def test_a_dead_url_in_a_reference_definition_is_reported_where_it_is_written(tmp_path, server, capsys):
    vault = write_vault(
        tmp_path / "r",
        {
            "a.md": f"See [the page][gone] and [fine].\n\n[gone]: {server}/gone\n> [fine]: <{server}/ok> 'ok'\n",
            "b.md": f'<p><a href="{server}/gone2">x</a> <img src="{server}/ok"></p>\n',
        },
    )
    code, data, _ = check(capsys, "--allow-private-urls", "--no-cache", str(vault))
    assert [(d["path"], d["line"], d["column"], d["code"]) for d in data] == [
        ("a.md", 3, 9, "UR001"),
        ("b.md", 1, 13, "UR001"),
    ]
    assert code == 1
    assert Handler.seen["/gone"] >= 1 and Handler.seen["/gone2"] >= 1 and Handler.seen["/ok"] == 1


# --------------------------------------------------------------------------
# No network at all (issue 8.9): a network namespace with nothing in it


def _can_unshare_network() -> bool:
    import shutil
    import subprocess

    if shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.mark.skipif(not _can_unshare_network(), reason="needs `unshare -n` (root or user namespaces)")
def test_without_a_network_the_url_check_costs_under_a_second_and_prints_one_line(tmp_path):
    import subprocess
    import sys
    import time

    notes = {
        f"n{n}.md": "".join(f"See https://host{(n * 7 + j) % 50}.example.org/page/{n}/{j} ok\n" for j in range(5))
        for n in range(60)
    }
    vault = write_vault(tmp_path / "offline", notes)

    def vaultlint(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
        t0 = time.monotonic()
        proc = subprocess.run(
            ["unshare", "-n", sys.executable, "-m", "vaultlint", "check", "--no-cache", *args, str(vault)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return time.monotonic() - t0, proc

    offline_seconds, offline = vaultlint("--offline")
    seconds, proc = vaultlint()
    assert offline.returncode == 0 and proc.returncode == 0, proc.stderr
    assert seconds - offline_seconds < 1.0, (seconds, offline_seconds)  # took 10 s before the early stop
    lines = proc.stderr.splitlines()
    assert [line for line in lines if line.startswith("warning:")] == [
        "warning: network unavailable: 300 URLs not checked"
    ]
    assert "Traceback" not in proc.stderr and "never retrieved" not in proc.stderr


def test_urls_of_a_host_that_kept_pushing_back_are_one_line_in_human_formats(tmp_path, server, capsys):
    vault = write_vault(
        tmp_path / "busy",
        {
            ".vaultlint.toml": "[urls]\nhost-slowdown-budget = 0.2\nper-host-concurrency = 1\n",
            **{f"n{i}.md": "".join(f"{server}/busy/{i}/{j}\n\n" for j in range(5)) for i in range(4)},
        },
    )
    code, data, err = check(capsys, "--allow-private-urls", "--no-cache", str(vault))
    assert len(data) == 20 and {d["code"] for d in data} == {"UR002"}  # machine formats: every URL
    assert code == 0  # UR002 is a warning
    host = server.split("//")[1].split(":")[0]
    assert f"warning: not checked: {host} kept asking us to slow down: 20 URLs given up on (UR002)" in err
    for fmt in ("full", "concise"):
        main(["check", "--output-format", fmt, "--select", "UR", "--allow-private-urls", "--no-cache", str(vault)])
        out = capsys.readouterr().out
        lines = [line for line in out.splitlines() if "UR002" in line]
        assert len(lines) == 1, out
        assert lines[0].endswith(
            f"kept asking us to slow down (and 19 more URLs of {host}, not listed) [unverifiable-url]"
        ) or (fmt == "concise" and lines[0].endswith(f"(and 19 more URLs of {host}, not listed)"))
