"""The repository is untrusted: its config cannot send a secret anywhere or lift the private-address guard.

Issue 16, case 2.  Each test commits a hostile ``.vaultlint.toml`` to a temporary git
repository, sets a secret in the environment, runs ``vaultlint check`` in a subprocess (as
a CI job on a fork's pull request does) against a real server on a loopback address, and
looks at what the server received.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import urlcheck_server as S
from helpers import git

SECRET = "s3cr3t-from-the-ci"
HAS_GIT = shutil.which("git") is not None


def vaultlint(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--no-cache", "--color", "never", "--select", "UR", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
    )


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The CI's environment: a secret, and a config folder of the user's own (empty unless a test writes it)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VAULTLINT_")}
    env.update(CI_SECRET=SECRET, XDG_CONFIG_HOME=str(tmp_path / "home-config"), **extra)
    return env


def hostile_config(port: int) -> str:
    return (
        "[urls]\n"
        "allow-private = true\n"
        f'[urls.hosts."http://127.0.0.1:{port}"]\n'
        'headers = { X-Leak = "${CI_SECRET}", Authorization = "Bearer ${CI_SECRET}", X-Plain = "literal" }\n'
    )


def git_repo(root: Path, files: dict[str, str]) -> Path:
    (root / ".obsidian").mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "fork")):
        git(root, *args)
    return root


def own_config(tmp_path: Path, text: str) -> None:
    """The user's own config file, in the config folder :func:`environment` names."""
    own = tmp_path / "home-config" / "vaultlint" / "config.toml"
    own.parent.mkdir(parents=True)
    own.write_text(text, encoding="utf-8")


def received(server: S.Server) -> str:
    """Everything the server was sent: paths and every header, as one text."""
    return "\n".join(f"{r.path} {r.headers}" for r in server.records)


def warnings(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line.startswith("warning:")]


pytestmark = pytest.mark.skipif(not HAS_GIT, reason="git is not installed")


def test_a_committed_config_cannot_send_a_ci_secret_nor_lift_the_private_address_guard(serve, tmp_path) -> None:
    srv = serve({"/page": S.ok()})
    repo = git_repo(tmp_path / "repo", {".vaultlint.toml": hostile_config(srv.port), "a.md": f"<{srv.url('/page')}>\n"})

    proc = vaultlint(str(repo), env=environment(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert srv.count() == 0  # the committed allow-private = true lifted nothing
    assert any("allow-private ignored" in line and "--allow-private-urls" in line for line in warnings(proc))

    # The CI owner lifts the guard on the command line: the page is fetched, the secret stays.
    proc = vaultlint("--allow-private-urls", str(repo), env=environment(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert srv.count() >= 1
    assert SECRET not in received(srv)
    assert all(r.headers.get("x-plain") == "literal" for r in srv.records)  # literal values still apply
    ignored = [line for line in warnings(proc) if "ignored" in line]
    assert len(ignored) == 3, proc.stderr  # allow-private, X-Leak, Authorization: one line each
    assert any("headers.X-Leak ignored" in line and "${CI_SECRET}" in line for line in ignored)
    assert SECRET not in proc.stderr + proc.stdout


def test_the_same_settings_in_the_users_own_config_are_honoured(serve, tmp_path) -> None:
    srv = serve({"/page": S.ok()})
    repo = git_repo(tmp_path / "repo", {"a.md": f"<{srv.url('/page')}>\n"})
    own_config(tmp_path, hostile_config(srv.port))

    proc = vaultlint(str(repo), env=environment(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert warnings(proc) == []
    assert srv.records and srv.records[0].headers["x-leak"] == SECRET
    assert srv.records[0].headers["authorization"] == f"Bearer {SECRET}"


def test_the_users_config_overrides_the_repository_config_key_by_key(serve, tmp_path) -> None:
    srv = serve({"/page": S.ok(), "/teapot": S.status(418)})
    committed = f'[urls]\naccept-statuses = [200, 418]\n[urls.hosts."http://127.0.0.1:{srv.port}"]\nconcurrency = 1\n'
    repo = git_repo(
        tmp_path / "repo", {".vaultlint.toml": committed, "a.md": f"<{srv.url('/page')}> <{srv.url('/teapot')}>\n"}
    )
    own_config(
        tmp_path,
        f'[urls.hosts."http://127.0.0.1:{srv.port}"]\nheaders = {{ Authorization = "Bearer ${{CI_SECRET}}" }}\n',
    )
    proc = vaultlint("--allow-private-urls", str(repo), env=environment(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr  # the repository's accept-statuses still apply
    assert {r.headers["authorization"] for r in srv.records} == {f"Bearer {SECRET}"}


def test_config_named_on_the_command_line_is_trusted_only_outside_the_repository(serve, tmp_path) -> None:
    srv = serve({"/page": S.ok()})
    repo = git_repo(tmp_path / "repo", {"ci.toml": hostile_config(srv.port), "a.md": f"<{srv.url('/page')}>\n"})
    outside = tmp_path / "ci-owner.toml"
    outside.write_text(hostile_config(srv.port), encoding="utf-8")

    proc = vaultlint("--allow-private-urls", "--config", str(repo / "ci.toml"), str(repo), env=environment(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert SECRET not in received(srv) and any("X-Leak ignored" in line for line in warnings(proc))

    srv.records.clear()
    proc = vaultlint("--vault-root", str(repo), "--config", str(outside), str(repo / "a.md"), env=environment(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert srv.records and srv.records[0].headers["x-leak"] == SECRET


def test_a_symlink_does_not_make_a_repository_config_look_like_the_users(serve, tmp_path) -> None:
    srv = serve({"/page": S.ok()})
    outside = tmp_path / "elsewhere.toml"
    outside.write_text(hostile_config(srv.port), encoding="utf-8")
    repo = git_repo(tmp_path / "repo", {"a.md": f"<{srv.url('/page')}>\n", "hostile.toml": hostile_config(srv.port)})
    # A committed link pointing out of the repository is not read at all (its keys would be echoed)...
    (repo / ".vaultlint.toml").symlink_to(outside)
    proc = vaultlint("--allow-private-urls", str(repo), env=environment(tmp_path))
    assert proc.returncode == 2 and "leads out of" in proc.stderr, proc.stderr
    assert SECRET not in received(srv)
    # ...and the user's config folder linked into the repository (a home folder kept in git).
    (repo / ".vaultlint.toml").unlink()
    own = tmp_path / "home-config" / "vaultlint"
    own.mkdir(parents=True)
    (own / "config.toml").symlink_to(repo / "hostile.toml")
    srv.records.clear()
    proc = vaultlint("--allow-private-urls", str(repo), env=environment(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert srv.count() >= 1 and SECRET not in received(srv)


def test_a_vault_without_git_counts_its_own_config_as_the_repositorys(serve, tmp_path) -> None:
    """An unpacked archive carries its own config: the vault's extent is all we know."""
    srv = serve({"/page": S.ok()})
    vault = tmp_path / "unpacked"
    (vault / "sub").mkdir(parents=True)
    (vault / ".vaultlint.toml").write_text(hostile_config(srv.port), encoding="utf-8")
    (vault / "sub" / "a.md").write_text(f"<{srv.url('/page')}>\n", encoding="utf-8")
    (vault / "sub" / ".obsidian").mkdir()  # planted to make sub/ look like the vault
    proc = vaultlint("--allow-private-urls", "--vault-root", str(vault), str(vault / "sub"), env=environment(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert srv.count() >= 1 and SECRET not in received(srv)
    srv.records.clear()
    proc = vaultlint("--allow-private-urls", str(vault / "sub"), env=environment(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert SECRET not in received(srv)


def test_an_unset_variable_is_an_error_only_when_urls_are_checked(serve, tmp_path) -> None:
    srv = serve({"/page": S.ok()})
    repo = git_repo(tmp_path / "repo", {"a.md": f"<{srv.url('/page')}>\n"})
    own_config(tmp_path, hostile_config(srv.port))
    env = environment(tmp_path)
    del env["CI_SECRET"]

    offline = vaultlint("--offline", str(repo), env=env)
    assert offline.returncode == 0, offline.stderr

    checked = vaultlint(str(repo), env=env)
    assert checked.returncode == 2
    lines = checked.stderr.strip().splitlines()
    assert len(lines) == 1 and "environment variable CI_SECRET is not set" in lines[0], checked.stderr
    assert "internal error" not in checked.stderr and srv.count() == 0


def test_the_readmes_recipe_for_a_token_writes_a_config_that_reads_it_from_the_environment(tmp_path) -> None:
    """The README's CI step, run as written (but for vaultlint itself): the token stays out of the file."""
    import re

    from vaultlint.config import load_user_urls
    from vaultlint.urls.settings import UrlTable, url_settings_from_tables

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    step = re.search(r"run: \|\n((?:        .*\n)+)", readme[readme.index("#### Secrets") :])
    assert step is not None
    script = "\n".join(line[8:] for line in step[1].splitlines() if not line.strip().startswith("vaultlint "))
    env = {"HOME": str(tmp_path), "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "GITHUB_TOKEN": SECRET}
    subprocess.run(["bash", "-ec", script], env=env, check=True, timeout=30, capture_output=True)
    written = tmp_path / ".config" / "vaultlint" / "config.toml"
    assert SECRET not in written.read_text(encoding="utf-8")

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HOME", str(tmp_path))
        patch.delenv("XDG_CONFIG_HOME", raising=False)
        patch.setenv("GITHUB_TOKEN", SECRET)
        found = load_user_urls(repo)
        assert found is not None and found[0] == written and found[2]  # trusted: outside the repository
        settings, ignored = url_settings_from_tables([UrlTable(found[1], str(found[0]), found[2])])
    assert ignored == () and settings.host("api.github.com").headers == {"Authorization": f"Bearer {SECRET}"}
