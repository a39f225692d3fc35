"""Where a run works: one vault root for every path, whatever their order, and never outside it."""

from __future__ import annotations

import itertools
import json
import os
from pathlib import Path

import pytest
from helpers import write_vault
from unprivileged import public_folder, run_vaultlint_unprivileged

from vaultlint.cli import main
from vaultlint.engine import locate_vault
from vaultlint.vault import VaultError


def check(capsys, *args: str) -> tuple[int, list[dict], str]:
    code = main(["check", "--offline", "--output-format", "json", *args])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else [], err


def files_of(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


# -- the order of the rules ----------------------------------------------------------------


def test_without_obsidian_folder_files_share_the_git_work_tree_as_root(tmp_path):
    """Reproduction of issue 9: the first staged file's folder became the root."""
    root = write_vault(tmp_path / "repo", {"A/x.md": "", "B/C/y.md": "", "z.md": ""}, obsidian=False)
    (root / ".git").mkdir()
    files = [root / "A/x.md", root / "B/C/y.md"]
    for order in itertools.permutations(files):
        assert locate_vault(list(order), None, ".obsidian", None) == root.resolve()
    assert locate_vault([root / "B/C/y.md"], None, ".obsidian", None) == root.resolve()


def test_without_git_files_share_their_common_folder(tmp_path):
    root = write_vault(tmp_path / "v", {"A/x.md": "", "A/B/y.md": ""}, obsidian=False)
    assert locate_vault([root / "A/B/y.md", root / "A/x.md"], None, ".obsidian", None) == (root / "A").resolve()


def test_a_folder_given_is_the_root_even_inside_a_git_work_tree(tmp_path):
    root = write_vault(tmp_path / "repo", {"Notes/x.md": ""}, obsidian=False)
    (root / ".git").mkdir()
    assert locate_vault([root / "Notes"], None, ".obsidian", None) == (root / "Notes").resolve()


def test_order_of_precedence(tmp_path):
    root = write_vault(tmp_path / "repo", {"vault/Notes/x.md": ""}, obsidian=False)
    (root / ".git").mkdir()
    note = root / "vault/Notes/x.md"
    config_folder = root / "vault"
    assert locate_vault([note], None, ".obsidian", None) == root.resolve()  # git work tree
    assert locate_vault([note], None, ".obsidian", config_folder) == config_folder.resolve()  # config's folder
    (root / "vault/Notes/.obsidian").mkdir()
    assert locate_vault([note], None, ".obsidian", config_folder) == (root / "vault/Notes").resolve()  # .obsidian
    assert locate_vault([note], root, ".obsidian", config_folder) == root.resolve()  # --vault-root


def test_config_vault_root_key_is_relative_to_the_config_file(tmp_path, capsys):
    files = {"vault/a.md": "[[b]]\n", "vault/b.md": "", "vault/Sub/c.md": "[[a]]\n", "a.md": ""}
    root = write_vault(tmp_path / "repo", files, obsidian=False)
    (root / ".vaultlint.toml").write_text("vault-root = 'vault'\n")
    code, data, err = check(capsys, "--no-cache", str(root / "vault/Sub/c.md"))
    assert (code, data, err) == (0, [], "")  # [[a]] resolves, to vault/a.md alone: the root is vault/
    (root / ".vaultlint.toml").write_text("vault-root = 'nowhere'\n")
    code, _, err = check(capsys, "--no-cache", str(root / "vault/Sub/c.md"))
    assert code == 2 and "vault root is not a folder" in err
    # Leaving the config's folder is refused: tests/test_paths_boundary.py.


def test_the_cache_goes_to_the_vault_root_never_into_a_note_folder(tmp_path, capsys):
    """Reproduction of issue 9: a 12 MB .vaultlint-cache/ appeared inside a note folder."""
    root = write_vault(tmp_path / "repo", {"Notes/Deep/a.md": "[[b]]\n", "b.md": ""}, obsidian=False)
    (root / ".git").mkdir()
    code, data, _ = check(capsys, str(root / "Notes/Deep/a.md"))
    assert (code, data) == (0, [])
    assert (root / ".vaultlint-cache").is_dir()
    assert [p for p in files_of(root) if ".vaultlint-cache" in p and not p.startswith(".vaultlint-cache")] == []


# -- never outside the vault ------------------------------------------------------------------


def test_a_path_that_is_a_symlink_out_of_the_vault_is_an_error_and_writes_nothing(tmp_path, capsys):
    """Reproduction of issue 8: the target was linted and a cache written next to it."""
    outside = write_vault(tmp_path / "outside", {"secret.md": "[[nowhere]]\n"}, obsidian=False)
    root = write_vault(tmp_path / "v", {"a.md": ""})
    os.symlink(outside / "secret.md", root / "link.md")
    os.symlink(outside, root / "folder-link")
    before = files_of(outside)
    cases = (
        ("link.md", outside / "secret.md"),
        ("folder-link", outside),
        ("folder-link/secret.md", outside / "secret.md"),
    )
    for name, target in cases:
        code, data, err = check(capsys, str(root / name))
        assert (code, data) == (2, [])
        assert err == f"vaultlint: error: path {root / name} leads out of the vault root {root} (to {target})\n"
    assert files_of(outside) == before


def test_a_dangling_symlink_path_is_an_error_not_the_whole_file_system(tmp_path, capsys):
    """Reproduction of issue 8: the root became / and the whole file system was walked."""
    root = write_vault(tmp_path / "v", {"a.md": ""})
    os.symlink(tmp_path / "gone.md", root / "dangling.md")
    code, data, err = check(capsys, str(root / "dangling.md"))
    assert (code, data) == (2, [])
    assert err == f"vaultlint: error: path {root / 'dangling.md'} is a symbolic link that leads nowhere\n"


def test_a_symlink_path_to_a_note_inside_the_vault_checks_that_note(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {"Real/a.md": "[[gone]]\n"})
    os.symlink(root / "Real/a.md", root / "alias.md")
    code, data, _ = check(capsys, "--no-cache", str(root / "alias.md"))
    assert code == 1 and [d["path"] for d in data] == ["Real/a.md"]


@pytest.mark.parametrize("value", ["../../etc", "/etc", "a/../../x"])
def test_obsidian_dir_cannot_climb_out_of_the_vault(tmp_path, capsys, value):
    """Reproduction of issue 8: ``obsidian-dir = "../../etc"`` read a parent folder."""
    root = write_vault(tmp_path / "v", {"a.md": ""})
    code, _, err = check(capsys, "--obsidian-dir", value, str(root))
    assert code == 2 and err.startswith("vaultlint: error: obsidian-dir must be a folder inside the vault")
    (root / ".vaultlint.toml").write_text(f"obsidian-dir = {value!r}\n")
    code, _, err = check(capsys, str(root))
    assert code == 2 and "obsidian-dir: expected a folder inside the vault" in err
    with pytest.raises(VaultError):
        locate_vault([root], None, value, None)


# -- nothing skipped without a word -----------------------------------------------------------


def _deep_chain(base: Path, depth: int, note: str = "deep.md", name_length: int = 200) -> Path:
    """Folders nested past PATH_MAX, made relative to an open folder (no path is ever too long)."""
    fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    parts = []
    try:
        for level in range(depth):
            name = f"{level:03d}" + "d" * (name_length - 3)
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
            parts.append(name)
        handle = os.open(note, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(handle, b"[[gone]]\n")
        os.close(handle)
    finally:
        os.close(fd)
    return Path(*parts)


def test_folders_deeper_than_path_max_are_vl001(tmp_path, capsys):
    """Reproduction of issue 8: they were skipped without a word."""
    root = write_vault(tmp_path / "v", {"a.md": ""})
    path_max = os.pathconf(root, "PC_PATH_MAX")
    depth = (path_max - len(str(root))) // 201 + 2
    chain = _deep_chain(root, depth)
    code, data, err = check(capsys, "--no-cache", str(root))
    assert code == 1, err
    assert [d["code"] for d in data] == ["VL001"]
    problem = data[0]
    assert chain.as_posix().startswith(problem["path"]) and len(str(root / problem["path"])) >= path_max - 201
    assert "longer than the system allows (PATH_MAX)" in problem["message"]
    code, data, _ = check(capsys, "--no-cache", "--ignore", "VL001", str(root))
    assert (code, data) == (0, [])
    import shutil

    shutil.rmtree(root / chain.parts[0])


def test_a_note_whose_path_passes_path_max_is_vl001(tmp_path, capsys):
    root = write_vault(tmp_path / "v", {})
    path_max = os.pathconf(root, "PC_PATH_MAX")
    depth = (path_max - len(str(root))) // 201  # the last folder can still be read; its note's path cannot
    folder_length = len(str(root)) + depth * 201
    name = "n" * (path_max - folder_length + 10) + ".md"
    assert folder_length < path_max and len(name) < 255
    chain = _deep_chain(root, depth, name)
    code, data, _ = check(capsys, "--no-cache", str(root))
    assert [(d["path"], d["code"]) for d in data] == [((chain / name).as_posix(), "VL001")]
    import shutil

    shutil.rmtree(root / chain.parts[0])


def test_an_unreadable_folder_is_vl001():
    with public_folder() as folder:  # run as an unprivileged user under root, for whom chmod 000 means something
        root = write_vault(folder / "v", {"a.md": "", "Locked/b.md": "[[gone]]\n"})
        os.chmod(root / "Locked", 0)
        result = run_vaultlint_unprivileged("check", "--offline", "--no-cache", "--output-format", "json", str(root))
    data = json.loads(result.stdout)
    assert result.returncode == 1, result.stderr
    assert [(d["path"], d["code"]) for d in data] == [("Locked", "VL001")]
    assert data[0]["message"] == "cannot read folder: Permission denied; the notes in it are not checked"


def test_the_vault_root_given_unreadable_is_a_one_line_error():
    with public_folder() as folder:
        root = write_vault(folder / "v", {"a.md": ""})
        os.chmod(root, 0)
        result = run_vaultlint_unprivileged("check", "--offline", "--vault-root", str(root), str(root), timeout=60)
    assert result.returncode == 2
    [line] = result.stderr.splitlines()  # one line, not click's four
    assert line.startswith("vaultlint: error: Invalid value for '--vault-root'")
    assert f"'{root}' is not readable" in line


def test_an_unreadable_folder_named_on_the_command_line_is_a_one_line_error():
    with public_folder() as folder:
        root = write_vault(folder / "v", {"a.md": "", "Locked/b.md": ""})
        os.chmod(root / "Locked", 0)
        result = run_vaultlint_unprivileged("check", "--offline", "--vault-root", str(root), str(root / "Locked"))
    assert result.returncode == 2
    assert result.stderr == f"vaultlint: error: cannot read folder {root / 'Locked'}\n"
