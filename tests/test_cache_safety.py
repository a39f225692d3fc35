"""A cache that cannot be forged by the repository, and faults that end well (issue 8, points 4 and 7).

Each test is built from a reproduction: a forged or planted cache, a cache
restored from elsewhere, a damaged page, a read-only vault, a full disk.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import REPO, git, run, write_vault

from vaultlint.cache import GITIGNORE_TEXT

HAS_GIT = shutil.which("git") is not None


@pytest.fixture
def vault(tmp_path, monkeypatch):
    """Three notes and one broken link; results cached from the first note on."""
    monkeypatch.setattr("vaultlint.engine.RESULTS_CACHE_MIN", 1)
    return write_vault(
        tmp_path / "vault",
        {"a.md": "[[b#Heading]] [[c]]\n", "b.md": "# Heading\ntext ^block\n", "d.md": "---\naliases: [Dee]\n---\n"},
    )


def codes(root: Path, **options) -> list[tuple[str, str]]:
    report = run(root, use_cache=True, **options)
    return [(d.path, d.code) for d in report.diagnostics]


EXPECTED = [("a.md", "LK001")]


def cache_db(root: Path) -> sqlite3.Connection:
    return sqlite3.connect(root / ".vaultlint-cache" / "notes.sqlite3")


def checkpoint(path: Path) -> None:
    """Fold the WAL into the main file, so that bytes of the file are what SQLite reads."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# -- forged content ------------------------------------------------------------------------------


def test_emptied_result_rows_do_not_hide_problems(vault):
    """The reproduction: results set to empty blobs skipped the MAC check and hid every LK001."""
    assert codes(vault) == EXPECTED
    for forged in ("", "[]", b"", "null", '[["x"]]'):
        with cache_db(vault) as db:
            db.execute("UPDATE notes SET results = ?", (forged,))
        if forged == "[]":
            # A well-formed empty list is data like any other: believed only for the text it names.
            with cache_db(vault) as db:
                db.execute("UPDATE notes SET deps = ?", ('[["a.md","0000"]]',))
        assert codes(vault) == EXPECTED, forged


def test_rows_that_do_not_decode_are_misses_never_errors(vault):
    assert codes(vault) == EXPECTED
    with cache_db(vault) as db:
        db.execute("UPDATE notes SET summary = '{\"__reduce__\": 1}', deps = '[1, 2]'")
        db.execute("UPDATE parsed SET note = '[\"note\", [1, 2, 3]]'")
        db.execute("UPDATE meta SET value = 'NaN' WHERE key = 'aggregate'")
    report = run(vault, use_cache=True)
    assert [(d.path, d.code) for d in report.diagnostics] == EXPECTED
    assert report.warnings == ()


def test_nothing_stored_can_run_code(vault):
    """Every stored value is JSON text or a plain SQLite number: no pickle, no marshal."""
    assert codes(vault) == EXPECTED
    with cache_db(vault) as db:
        for table in ("notes", "parsed", "meta"):
            for row in db.execute(f"SELECT * FROM {table}"):  # noqa: S608 - fixed names
                for value in row:
                    assert value is None or isinstance(value, (str, int)), (table, row)


def test_a_restored_cache_rehashes_a_file_whose_size_and_mtime_still_match(vault, tmp_path):
    """cp -p, tar and CI restores keep mtimes: a row must not vouch for other bytes of the same size."""
    assert codes(vault) == EXPECTED
    copy = tmp_path / "elsewhere"
    shutil.copytree(vault, copy)  # copy2: same sizes and mtimes, other inodes and ctimes
    note = copy / "a.md"
    before = note.stat()
    note.write_text("[[b#Heading]] [[b]]\n")  # same length, now nothing is broken
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert note.stat().st_size == before.st_size and note.stat().st_mtime_ns == before.st_mtime_ns
    assert codes(copy) == []


# -- refused folders ------------------------------------------------------------------------------


def test_a_symlinked_cache_folder_is_refused_and_never_written(vault, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (vault / ".vaultlint-cache").symlink_to(elsewhere, target_is_directory=True)
    report = run(vault, use_cache=True)
    assert [(d.path, d.code) for d in report.diagnostics] == EXPECTED
    assert len(report.warnings) == 1 and "is a symlink" in report.warnings[0]
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("name", ["notes.sqlite3", "notes.sqlite3-wal", ".gitignore", "urls.sqlite3"])
def test_a_symlinked_cache_file_is_refused_and_never_written_through(vault, tmp_path, name):
    assert codes(vault) == EXPECTED
    target = tmp_path / "precious"
    target.write_bytes(b"keep me")
    link = vault / ".vaultlint-cache" / name
    link.unlink(missing_ok=True)
    link.symlink_to(target)
    (vault / "a.md").write_text("[[c]] [[e]]\n")  # something new to write
    report = run(vault, use_cache=True)
    assert [(d.path, d.code) for d in report.diagnostics] == [("a.md", "LK001"), ("a.md", "LK001")]
    assert len(report.warnings) == 1 and "is a symlink" in report.warnings[0]
    assert target.read_bytes() == b"keep me"


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_a_cache_committed_to_the_repository_is_refused(vault):
    """A pull request that commits a cache with every result emptied must not make CI pass."""
    git(vault, "init", "-q")
    assert codes(vault) == EXPECTED
    with cache_db(vault) as db:  # the forgery: "a.md has nothing to report", for its true hash
        db.execute("UPDATE notes SET results = '[]'")
    git(vault, "add", "-f", ".vaultlint-cache")
    git(vault, "commit", "-qm", "cache")
    report = run(vault, use_cache=True)
    assert [(d.path, d.code) for d in report.diagnostics] == EXPECTED
    assert len(report.warnings) == 1 and "git tracks" in report.warnings[0]


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_an_ignored_cache_in_a_repository_is_used(vault):
    git(vault, "init", "-q")
    assert codes(vault) == EXPECTED
    git(vault, "add", "-A")
    git(vault, "commit", "-qm", "notes")
    report = run(vault, use_cache=True)
    assert report.warnings == ()
    assert not subprocess.run(
        ["git", "ls-files", ".vaultlint-cache"], cwd=vault, capture_output=True, text=True, check=True
    ).stdout


# -- faults --------------------------------------------------------------------------------------


def corrupt_page(path: Path, table: str) -> None:
    """Overwrite the root page of ``table`` with garbage: one damaged page, the rest intact."""
    checkpoint(path)
    with contextlib.closing(sqlite3.connect(path)) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        (root_page,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    with open(path, "r+b") as handle:
        handle.seek((root_page - 1) * page_size)
        handle.write(b"\xa5" * page_size)


def test_a_damaged_page_is_rebuilt_once_and_the_next_run_is_silent(vault):
    assert codes(vault) == EXPECTED
    path = vault / ".vaultlint-cache" / "notes.sqlite3"
    corrupt_page(path, "notes")
    first = run(vault, use_cache=True)
    assert [(d.path, d.code) for d in first.diagnostics] == EXPECTED
    assert len(first.warnings) == 1 and "rebuilt" in first.warnings[0], first.warnings
    second = run(vault, use_cache=True)
    assert [(d.path, d.code) for d in second.diagnostics] == EXPECTED
    assert second.warnings == ()
    with contextlib.closing(sqlite3.connect(path)) as db:
        assert db.execute("PRAGMA quick_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM notes").fetchone() == (3,)


@contextlib.contextmanager
def read_only_view(folder: Path):
    """``folder`` seen through a read-only bind mount (root), or with its write bits removed (others).

    Tests run as root in CI, where permission bits do not stop writes: only a
    read-only mount does, and mounting needs CAP_SYS_ADMIN.
    """
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
        for p in modes:
            p.chmod(modes[p] & ~0o222)
        try:
            yield folder
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    view = folder.with_name(folder.name + "-ro")
    view.mkdir()
    mounted = subprocess.run(["mount", "--bind", str(folder), str(view)], capture_output=True, check=False)
    if mounted.returncode != 0:
        view.rmdir()
        pytest.skip("running as root without the right to mount: cannot make a folder read-only for root")
    try:
        if subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], capture_output=True).returncode != 0:
            pytest.skip("cannot remount a bind mount read-only here")
        yield view
    finally:
        if subprocess.run(["umount", str(view)], capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", "--lazy", str(view)], capture_output=True, check=False)
        view.rmdir()


def test_a_read_only_vault_with_a_cache_is_linted_with_the_cache_off(vault):
    assert codes(vault) == EXPECTED
    (vault / "a.md").write_text("[[c]] [[e]]\n")  # so the cache would have something to write
    with read_only_view(vault) as view:
        report = run(view, use_cache=True)
        assert [(d.path, d.code) for d in report.diagnostics] == [("a.md", "LK001"), ("a.md", "LK001")]
        assert len(report.warnings) == 1 and "read-only" in report.warnings[0], report.warnings


def test_a_read_only_vault_without_a_cache_only_warns_once(vault):
    with read_only_view(vault) as view:
        report = run(view, use_cache=True)
        assert [(d.path, d.code) for d in report.diagnostics] == EXPECTED
        assert len(report.warnings) == 1 and "cache disabled" in report.warnings[0], report.warnings


FULL_DISK_RUN = textwrap.dedent(
    """
    import resource, signal, sys
    from pathlib import Path
    # A file-size limit stands in for a full disk: writes past it fail (EFBIG) instead of
    # killing the process (SIGXFSZ ignored), as writes on a full disk fail with ENOSPC.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    from vaultlint.cli import main
    sys.exit(main(["check", "--offline", "--output-format", "concise", "--color", "never", "--jobs", "1", sys.argv[2]]))
    """
)


def run_with_file_size_limit(root: Path, limit: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run(
        [sys.executable, "-c", FULL_DISK_RUN, str(limit), str(root)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.mark.parametrize("limit", [10, 20_000])
def test_a_full_disk_leaves_nothing_half_written(vault, limit):
    """10 bytes: not even the .gitignore fits; 20 kB: the database starts and cannot finish."""
    for index in range(40):  # enough data that the database outgrows the limit
        (vault / f"n{index:02}.md").write_text(f"# Note {index}\n" + "[[b#Heading]] text\n" * 40)
    done = run_with_file_size_limit(vault, limit)
    assert done.returncode == 1, done.stderr
    assert "a.md" in done.stdout and "LK001" in done.stdout
    assert "Traceback" not in done.stderr
    cache = vault / ".vaultlint-cache"
    ignore = cache / ".gitignore"
    assert not ignore.exists() or ignore.read_text() == GITIGNORE_TEXT
    assert not [p.name for p in cache.glob("*.tmp")] if cache.exists() else True
    if (cache / "notes.sqlite3").exists():
        with contextlib.closing(sqlite3.connect(cache / "notes.sqlite3")) as db:
            assert db.execute("PRAGMA quick_check").fetchone() == ("ok",)
    # With room again, the cache is complete and the run after that is silent.
    done = run_with_file_size_limit(vault, 2**40)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert ignore.read_text() == GITIGNORE_TEXT
    again = run_with_file_size_limit(vault, 2**40)
    assert again.stdout == done.stdout and "warning" not in again.stderr, again.stderr


def test_an_empty_gitignore_left_by_an_older_run_is_repaired(vault):
    cache = vault / ".vaultlint-cache"
    cache.mkdir()
    (cache / ".gitignore").write_text("")
    assert codes(vault) == EXPECTED
    assert (cache / ".gitignore").read_text() == GITIGNORE_TEXT


# -- portability ---------------------------------------------------------------------------------

NO_PARSE_RUN = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[1])  # vaultlint from another install path
    import vaultlint.syntax.note as note

    def no_parse(path, text):
        raise SystemExit(f"parsed {path}: the restored cache was not used")

    note.parse_note = no_parse  # the timing-free signal: any parse fails the run
    from vaultlint.cli import main
    sys.exit(main(["check", "--offline", "--output-format", "json", "--jobs", "1", "."]))
    """
)


def test_a_cache_restored_elsewhere_is_warm(tmp_path):
    """Other vault path, other HOME, other install path of vaultlint: same diagnostics, nothing parsed."""
    files = {
        f"n{index:02}.md": f"# N{index}\n[[n{index + 1:02}]] [[missing {index % 7}]] #tag{index % 3}\n"
        for index in range(60)
    }
    files["n00.md"] = "---\naliases: [first]\ntags: [x, 3]\n---\n# N0\n[[n01#N1]] [[n01#Nope]]\n"
    original = write_vault(tmp_path / "original", files)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    first = subprocess.run(
        [sys.executable, "-m", "vaultlint", "check", "--offline", "--output-format", "json", "."],
        cwd=original,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert first.returncode == 1 and first.stderr == "", first.stderr
    restored = tmp_path / "ci" / "checkout"
    shutil.copytree(original, restored)  # what a CI cache restore looks like: same bytes, new inodes
    install = tmp_path / "other-venv" / "site-packages"
    shutil.copytree(REPO / "src" / "vaultlint", install / "vaultlint", ignore=shutil.ignore_patterns("__pycache__"))
    home = tmp_path / "other-home"
    home.mkdir()
    other_env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "XDG_CACHE_HOME", "HOME")}
    other_env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"))
    second = subprocess.run(
        [sys.executable, "-c", NO_PARSE_RUN, str(install)],
        cwd=restored,
        capture_output=True,
        text=True,
        env=other_env,
        timeout=120,
    )
    assert second.stderr == "" and second.returncode == 1, second.stderr
    assert second.stdout == first.stdout
    assert not (home / ".cache" / "vaultlint").exists()  # no key or secret outside the vault


def test_clean_leaves_a_symlinked_cache_folder_alone(vault, tmp_path, capsys):
    from vaultlint.cli import main

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "notes.sqlite3").write_bytes(b"not ours")
    (vault / ".vaultlint-cache").symlink_to(elsewhere, target_is_directory=True)
    assert main(["clean", str(vault)]) == 2
    assert "symlink" in capsys.readouterr().err
    assert (elsewhere / "notes.sqlite3").read_bytes() == b"not ours"


@contextlib.contextmanager
def tiny_tmpfs(folder: Path, size: str):
    """A real full disk: a tmpfs of ``size`` mounted on ``folder`` (root with CAP_SYS_ADMIN only)."""
    folder.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root (the file-size-limit test covers this case)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (the file-size-limit test covers this case)")
    try:
        yield folder
    finally:
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "--lazy", str(folder)], capture_output=True)


def test_a_cache_on_a_full_tmpfs_leaves_nothing_half_written(vault, tmp_path):
    for index in range(40):
        (vault / f"n{index:02}.md").write_text(f"# Note {index}\n" + "[[b#Heading]] text\n" * 40)
    # Room for an empty cache (eleven 16 KB pages and its log) and not for these notes' rows.
    with tiny_tmpfs(tmp_path / "full", "448k") as cache:
        report = run(vault, use_cache=True, cache_dir=cache)
        assert [(d.path, d.code) for d in report.diagnostics] == EXPECTED
        assert len(report.warnings) == 1 and "cache not updated" in report.warnings[0], report.warnings
        assert (cache / ".gitignore").read_text() == GITIGNORE_TEXT
        assert not list(cache.glob("*.tmp"))
        with contextlib.closing(sqlite3.connect(cache / "notes.sqlite3")) as db:
            assert db.execute("PRAGMA quick_check").fetchone() == ("ok",)
        # Filled to the last byte by something else: not even the .gitignore fits.
        for path in cache.iterdir():
            path.unlink()
        with open(cache / "filler", "wb", buffering=0) as filler, contextlib.suppress(OSError):
            while True:
                filler.write(b"\0" * 4096)
        report = run(vault, use_cache=True, cache_dir=cache)
        assert [(d.path, d.code) for d in report.diagnostics] == EXPECTED
        assert len(report.warnings) == 1 and "cache disabled" in report.warnings[0], report.warnings
        assert sorted(p.name for p in cache.iterdir()) == ["filler"]
