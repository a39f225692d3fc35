"""Hostile input to the URL stage (issue 16): a bad value is one diagnostic, never the end of the run.

Each test is built from the reproduction in the issue and runs ``vaultlint check`` in a
subprocess, as a CI job would, against real servers on loopback addresses.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import urlcheck_server as S

from vaultlint.urls.fetch import Reply
from vaultlint.urls.fragments import page_anchors, page_anchors_off_the_loop


def vaultlint(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--no-cache", "--color", "never", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


def write(root: Path, files: dict[str, str]) -> Path:
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def results(proc: subprocess.CompletedProcess[str]) -> list[tuple[str, str]]:
    """(code, message) of every diagnostic of a ``--output-format json`` run."""
    return sorted((d["code"], d["message"]) for d in json.loads(proc.stdout))


def test_a_port_written_with_a_superscript_or_5000_digits_is_malformed_and_the_run_goes_on(serve, tmp_path) -> None:
    srv = serve({"/ok": S.ok(), "/gone": S.status(404)})
    huge = "9" * 5000
    vault = write(
        tmp_path / "v",
        {
            "a.md": f"<http://127.0.0.1:²/x>\n\n<http://127.0.0.1:{huge}/x>\n\n<{srv.url('/ok')}>\n",
            "b.md": f"<{srv.url('/gone')}>\n",
        },
    )
    proc = vaultlint("--select", "UR", "--allow-private-urls", "--output-format", "json", str(vault))
    assert proc.returncode == 1, proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    found = results(proc)
    assert [code for code, _ in found] == ["UR001", "UR004", "UR004"]
    assert 'invalid port "²"' in found[1][1] + found[2][1]
    # The reason quotes a short piece of the port, not 5,000 digits.
    assert any(message.endswith(f'invalid port "{"9" * 39}…"') for _, message in found), found
    assert srv.count("/ok") >= 1


def test_a_page_served_as_charset_undefined_is_read_as_utf8(serve, tmp_path) -> None:
    page = b'<html><body><h2 id="intro">Intro</h2><p>' + b"Words enough for a real page. " * 20 + b"</p></body></html>"
    srv = serve(
        {
            "/odd": S.ok(page, headers={"Content-Type": "text/html; charset=undefined"}),
            "/gone": S.status(404),
        }
    )
    vault = write(
        tmp_path / "v",
        {
            ".vaultlint.toml": "[urls]\ncheck-fragments = true\n",
            "a.md": f"<{srv.url('/odd#intro')}> <{srv.url('/odd#nowhere')}> <{srv.url('/gone')}>\n",
        },
    )
    proc = vaultlint("--select", "UR", "--allow-private-urls", "--output-format", "json", str(vault))
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
    assert proc.returncode == 1, proc.stderr
    assert [code for code, _ in results(proc)] == ["UR001", "UR005"]
    assert "nowhere" in results(proc)[1][1]


def test_a_status_code_written_with_superscripts_is_a_config_error(tmp_path) -> None:
    vault = write(tmp_path / "v", {".vaultlint.toml": '[urls]\naccept-statuses = ["²²²"]\n', "a.md": "text\n"})
    for args in ((), ("--offline",)):
        proc = vaultlint(*args, str(vault))
        assert proc.returncode == 2
        assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and "[urls] accept-statuses" in lines[0] and "'²²²'" in lines[0], proc.stderr


# --------------------------------------------------------------------------
# Fragment pages: linear time, off the event loop, within max-run-time


def _reply(body: bytes, content_type: str = "text/html") -> Reply:
    return Reply(200, "OK", httpx.Headers({"Content-Type": content_type}), body, httpx.Response(200), complete=True)


_WORDS = "<p>" + "Plenty of words in this page. " * 20 + "</p>"


@pytest.mark.parametrize(
    ("page", "anchors"),
    [
        ('<h1 id="Intro">x</h1><a name="old">y</a><div name="not-an-anchor">', {"intro", "old"}),
        ("<H2 ID=Upper>x</H2><img name=pic src=a.png>", {"upper", "pic"}),
        ('<!-- <p id="commented"> --><p id="after">', {"after"}),
        ("<script>var s = '<p id=\"in-script\">';</script><p id=real>", {"real"}),
        ('<title><p id="in-title"></title><p id="x&amp;y">', {"x&y"}),
        ('<p id="first" id="second">', {"first"}),
        ("<!DOCTYPE html><![CDATA[ <p id=cdata> ]]><?php ?><p id='single'>", {"single"}),
        ('<p id="unclosed', set()),
        ("text < 3 and a<b <p id=z>", {"z"}),
    ],
)
def test_the_anchors_of_a_page_are_those_a_browser_sees(page: str, anchors: set[str]) -> None:
    assert page_anchors(_reply((page + _WORDS).encode()), time.monotonic() + 30) == frozenset(anchors)


def test_a_page_built_by_script_gives_no_verdict() -> None:
    spa = b'<div id="root"></div><script src="/app.js"></script><script>render("<p>' + b"x" * 900 + b'</p>")</script>'
    assert page_anchors(_reply(spa), time.monotonic() + 30) is None
    assert page_anchors(_reply(spa + _WORDS.encode()), time.monotonic() + 30) == {"root"}


@pytest.mark.parametrize("unit", ["<a ", "<a", '<p id="', "<a x=y ", "<!--", "</a", "<script>"])
def test_reading_a_hostile_page_takes_linear_time(unit: str) -> None:
    page = (unit * (2 * 1024 * 1024 // len(unit))).encode()
    started = time.monotonic()
    page_anchors(_reply(page), time.monotonic() + 60)
    # Python's HTMLParser took 154 s for 40,000 "<a " (120 KB); this is 2 MB.
    assert time.monotonic() - started < 10


def test_reading_a_page_stops_at_its_deadline() -> None:
    page = ("<a " * 700_000).encode()
    started = time.monotonic()
    assert page_anchors(_reply(page), time.monotonic() + 0.05) is None
    assert time.monotonic() - started < 0.5 + 0.05


def test_a_page_is_read_off_the_event_loop() -> None:
    page = _reply(("<a " * 700_000).encode() + b">" + _WORDS.encode())

    async def main() -> tuple[frozenset[str] | None, int]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            for _ in range(10_000):
                await asyncio.sleep(0.005)
                ticks += 1

        task = asyncio.ensure_future(ticker())
        started = time.monotonic()
        anchors = await page_anchors_off_the_loop(page, time.monotonic() + 30)
        elapsed = time.monotonic() - started
        task.cancel()
        # The loop kept turning while the page was read (at least a tick per 50 ms).
        return anchors, ticks - int(elapsed / 0.05)

    anchors, spare = asyncio.run(main())
    assert anchors == frozenset() and spare >= 0


def test_a_2mb_page_of_unclosed_tags_ends_within_max_run_time(serve, tmp_path) -> None:
    hostile = b"<html><body>" + b"<a " * (2 * 1024 * 1024 // 3)
    srv = serve(
        {"/hostile": S.ok(hostile, headers={"Content-Type": "text/html"}), "/gone": S.status(404)},
    )
    vault = write(
        tmp_path / "v",
        {
            ".vaultlint.toml": "[urls]\ncheck-fragments = true\nmax-run-time = 10\n",
            "a.md": f"<{srv.url('/hostile#x')}> <{srv.url('/gone')}>\n",
        },
    )
    started = time.monotonic()
    proc = vaultlint("--select", "UR", "--allow-private-urls", "--output-format", "json", str(vault), timeout=60)
    assert time.monotonic() - started < 10 + 5  # took more than 60 s before
    assert proc.returncode == 1, proc.stderr
    assert [code for code, _ in results(proc)] == ["UR001"]


def test_a_retry_after_written_with_superscripts_is_no_retry_after() -> None:
    from vaultlint.urls.classify import parse_retry_after

    assert parse_retry_after("²", 0.0) is None
    assert parse_retry_after("12", 0.0) == 12.0


def test_a_redirect_to_a_port_of_5000_digits_or_a_superscript_is_a_malformed_redirect(serve) -> None:
    from urlcheck_util import FAST, occs

    from vaultlint.urls import check_urls

    huge = "9" * 5000
    srv = serve({"/huge": S.redirect(f"http://127.0.0.1:{huge}/x"), "/odd": S.redirect("http://127.0.0.1:²/x")})
    report = check_urls(occs(srv.url("/huge"), srv.url("/odd")), FAST, cache_dir=None, progress=False)
    assert [f.code for f in report.findings] == ["UR002", "UR002"]
    assert all("redirected to a malformed URL (Invalid port: " in f.violation.message for f in report.findings)
    assert all(len(f.violation.message) < 300 for f in report.findings)
    assert srv.count("/huge") == srv.count("/odd") == 1  # the server answered: not retried
