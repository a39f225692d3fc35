"""No network: every output format says the URLs were not checked, and a URL-only run fails (issue 17, point 6).

The formats are tested on a report context directly; the command line in a network
namespace with nothing in it (``unshare -n``, where this machine allows it).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import urlcheck_server as S

from vaultlint.report import render
from vaultlint.report.base import ReportContext
from vaultlint.ruledocs import rule_infos
from vaultlint.rules import ALL_RULES

NOTICE = "network unavailable: 3 URLs not checked"


def context(**kw) -> ReportContext:
    values = {
        "rules": rule_infos(ALL_RULES),
        "vault_root": Path("/repo/vault"),
        "repo_root": Path("/repo"),
        "cwd": Path("/repo/vault"),
        "color": False,
        "version": "0.1.0",
        "files_checked": 2,
        **kw,
    }
    return ReportContext(**values)


@pytest.mark.parametrize("output_format", ["full", "concise"])
def test_human_formats_never_say_all_checks_passed_when_urls_were_not_checked(output_format: str) -> None:
    assert render(output_format, (), context()) == "All checks passed (2 notes checked).\n"
    text = render(output_format, (), context(notices=(NOTICE,)))
    assert text == f"No problems found (2 notes checked), but {NOTICE}.\n"


def test_github_says_it_in_a_warning_annotation_first() -> None:
    assert render("github", (), context()) == ""
    assert render("github", (), context(notices=(NOTICE,))) == f"::warning title=vaultlint::{NOTICE}\n"


def test_sarif_says_it_in_a_notification_of_the_run_not_a_result() -> None:
    log = json.loads(render("sarif", (), context(notices=(NOTICE,))))
    run = log["runs"][0]
    assert run["results"] == []
    assert run["invocations"] == [
        {
            "executionSuccessful": True,
            "toolExecutionNotifications": [{"level": "warning", "message": {"text": NOTICE}}],
        }
    ]
    assert "invocations" not in json.loads(render("sarif", (), context()))["runs"][0]
    jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is in the test extras")
    schema = json.loads((Path(__file__).resolve().parents[1] / "report" / "sarif-schema-2.1.0.json").read_text())
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(log))


def test_junit_counts_it_as_a_skipped_test() -> None:
    import xml.etree.ElementTree as ET

    suite = ET.fromstring(render("junit", (), context(notices=(NOTICE,)))).find("testsuite")
    assert suite is not None and (suite.get("tests"), suite.get("skipped"), suite.get("failures")) == ("2", "1", "0")
    skipped = suite.find("testcase/skipped")
    assert skipped is not None and skipped.get("message") == NOTICE


# --------------------------------------------------------------------------
# The command line, without a network


def _can(*command: str) -> bool:
    if shutil.which(command[0]) is None:
        return False
    try:
        return subprocess.run(command, capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


NO_NETWORK = _can("unshare", "-n", "true")


def write_vault(root: Path, notes: int = 2) -> Path:
    (root / ".obsidian").mkdir(parents=True)
    for n in range(notes):
        (root / f"n{n}.md").write_text(f"See https://host{n}.example.org/page and https://x.example.net/{n}\n")
    return root


def in_no_network(*args: str, prelude: str = "") -> tuple[float, subprocess.CompletedProcess[str]]:
    command = " ".join(["exec", sys.executable, "-m", "vaultlint", "check", "--no-cache", *args])
    started = time.monotonic()
    proc = subprocess.run(
        ["unshare", "-n", "-m", "sh", "-ec", f"{prelude}\n{command}"], capture_output=True, text=True, timeout=120
    )
    return time.monotonic() - started, proc


@pytest.mark.skipif(not NO_NETWORK, reason="needs `unshare -n` (root or user namespaces)")
def test_a_url_only_run_without_a_network_fails_in_every_format(tmp_path) -> None:
    vault = str(write_vault(tmp_path / "v"))
    notice = "network unavailable: 4 URLs not checked"

    _, proc = in_no_network("--select", "UR", "--output-format", "github", vault)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == f"::warning title=vaultlint::{notice}\n"
    _, proc = in_no_network("--select", "UR", "--output-format", "sarif", vault)
    assert proc.returncode == 2
    notes = json.loads(proc.stdout)["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [notice]
    _, proc = in_no_network("--select", "UR", vault)
    assert proc.returncode == 2 and proc.stdout == f"No problems found (2 notes checked), but {notice}.\n"
    # With other rules too, the run is a pass for those, and still does not say "All checks passed".
    _, proc = in_no_network(vault)
    assert proc.returncode == 0, proc.stderr
    assert "All checks passed" not in proc.stdout and notice in proc.stdout
    assert f"warning: {notice}" in proc.stderr.splitlines()


# An interface with a default route that leads nowhere, and a resolver on loopback that never answers.
_NOWHERE = """
ip link set lo up
ip link add nowhere type veth peer name there
ip addr add 10.99.0.2/24 dev nowhere
ip link set nowhere up
ip link set there up
ip route add default via 10.99.0.1
ip -6 addr add fd00:99::2/64 dev nowhere nodad
ip -6 route add default via fd00:99::1
printf 'nameserver 127.0.0.1\\noptions timeout:5 attempts:2\\n' > {resolv}
mount --bind {resolv} /etc/resolv.conf
{python} -c 'import socket, time; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 53)); time.sleep(30)' >/dev/null 2>&1 </dev/null &
sleep 0.2
"""


@pytest.mark.skipif(
    not (NO_NETWORK and _can("unshare", "-n", "-m", "sh", "-c", "ip link add probe0 type veth peer name probe1")),
    reason="needs `unshare -n -m` as root, and `ip`",
)
def test_with_a_route_to_nowhere_and_a_resolver_that_hangs_the_verdict_comes_within_a_second(tmp_path) -> None:
    vault = str(write_vault(tmp_path / "v", notes=30))  # 60 URLs, 31 hosts
    prelude = _NOWHERE.format(resolv=tmp_path / "resolv.conf", python=sys.executable)
    offline_seconds, offline = in_no_network("--offline", vault, prelude=prelude)
    seconds, proc = in_no_network("--select", "UR", "--output-format", "github", vault, prelude=prelude)
    assert offline.returncode == 0, offline.stderr
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == "::warning title=vaultlint::network unavailable: 60 URLs not checked\n"
    # The URL stage's own time (httpx imported, lookups and connections started, verdict): 5-8 s before.
    stage = re.search(r"URLs: network unavailable, none checked \(([0-9.]+) s\)", proc.stderr)
    assert stage is not None and float(stage[1]) < 1.0, proc.stderr
    assert seconds - offline_seconds < 1.5, (seconds, offline_seconds)  # the whole process, on a busy machine
    assert "Traceback" not in proc.stderr


def test_how_long_to_wait_for_a_first_connection_is_a_setting() -> None:
    from vaultlint.urls import UrlConfigError, UrlSettings, url_settings_from_mapping

    assert UrlSettings().offline_after == 0.5
    assert url_settings_from_mapping({"offline-after": 2}, "t.toml").offline_after == 2.0
    with pytest.raises(UrlConfigError, match=r"offline-after: expected a positive number of seconds"):
        url_settings_from_mapping({"offline-after": 0}, "t.toml")


def test_a_network_that_connects_late_is_a_network_when_offline_after_allows_it(serve) -> None:
    """A first connection later than ``offline-after`` (a slow resolver): the URLs are checked with a longer wait."""
    import dataclasses
    import socket

    from urlcheck_util import FAST, occs

    from vaultlint.urls import check_urls

    srv = serve({"/p": S.ok()})
    real = socket.getaddrinfo

    def slow(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "slow.localhost":
            time.sleep(0.8)
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    url = f"http://slow.localhost:{srv.port}/p"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", slow)
        quick = check_urls(occs(url), dataclasses.replace(FAST, connect_timeout=3.0), cache_dir=None, progress=False)
        asked_by_then = srv.count()
        patient = dataclasses.replace(FAST, connect_timeout=3.0, offline_after=2.0)
        waited = check_urls(occs(url), patient, cache_dir=None, progress=False)
    assert quick.summary.network_unavailable and asked_by_then == 0
    assert not waited.summary.network_unavailable and waited.summary.ok == 1
