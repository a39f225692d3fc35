"""The distribution users install: ``pip install obsidian-vaultlint`` gives the ``vaultlint`` command.

Builds the wheel and the sdist from a copy of the source tree, offline
(``--no-isolation``: the build backend comes from the test extras), and checks
the metadata the package index shows.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest
from helpers import REPO

import vaultlint

HOME = "https://github.com/vaultlint/vaultlint"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    pytest.importorskip("build", reason="build is in the test extras")
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    shutil.copytree(
        REPO / "src" / "vaultlint",
        source / "src" / "vaultlint",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    out = tmp_path_factory.mktemp("dist")
    done = subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (wheel,) = out.glob("*.whl")
    (sdist,) = out.glob("*.tar.gz")
    return wheel, sdist


def test_the_version_has_one_source():
    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'dynamic = ["version"]' in text and 'version = { attr = "vaultlint.__version__" }' in text
    assert re.fullmatch(r"\d+\.\d+\.\d+", vaultlint.__version__)


def test_wheel_metadata(built):
    wheel, _ = built
    assert wheel.name == f"obsidian_vaultlint-{vaultlint.__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = f"obsidian_vaultlint-{vaultlint.__version__}.dist-info"
        metadata = Parser().parsestr(archive.read(f"{info}/METADATA").decode("utf-8"))
        entry_points = archive.read(f"{info}/entry_points.txt").decode("utf-8")
    assert metadata["Name"] == "obsidian-vaultlint"
    assert metadata["Version"] == vaultlint.__version__
    assert metadata["Requires-Python"] == ">=3.10"
    assert metadata["License-Expression"] == "MIT"
    classifiers = metadata.get_all("Classifier")
    assert "Typing :: Typed" in classifiers and "Programming Language :: Python :: 3.12" in classifiers
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL"))
    assert urls["Homepage"] == urls["Repository"] == HOME
    assert all(url.startswith(HOME) for url in urls.values())
    assert "[console_scripts]\nvaultlint = vaultlint.cli:entry_point" in entry_points
    assert "vaultlint/py.typed" in names and f"{info}/licenses/LICENSE" in names
    assert "vaultlint/report/escape.py" in names and "vaultlint/rules/lk001_unresolved_link.py" in names
    assert metadata["Description-Content-Type"] == "text/markdown"
    description = metadata.get_payload()
    assert description.startswith("# vaultlint")
    # The index page has no repository around it: every link must be absolute.
    prose = re.sub(r"`[^`\n]*`", "", re.sub(r"```.*?```", "", description, flags=re.S))
    relative = re.findall(r"\]\((?!https?://|#)([^)]*)\)", prose)
    assert not relative, relative


def test_sdist_holds_what_a_rebuild_needs(built):
    _, sdist = built
    top = f"obsidian_vaultlint-{vaultlint.__version__}"
    with tarfile.open(sdist) as archive:
        names = set(archive.getnames())
        pkg_info = Parser().parsestr(archive.extractfile(f"{top}/PKG-INFO").read().decode("utf-8"))
    for name in ("LICENSE", "README.md", "pyproject.toml", "src/vaultlint/py.typed", "src/vaultlint/cli.py"):
        assert f"{top}/{name}" in names, name
    assert pkg_info["Name"] == "obsidian-vaultlint" and pkg_info["Version"] == vaultlint.__version__


def test_every_documented_install_line_names_the_distribution():
    """``pip install vaultlint`` installs an unrelated project: no document may say it."""
    documents = [REPO / "README.md", REPO / "CHANGELOG.md", *sorted((REPO / "docs").rglob("*.md"))]
    wrong = re.compile(r"pip install\s+(?:-\S+\s+)*['\"]?vaultlint(?![\w-])")
    for doc in documents:
        text = doc.read_text(encoding="utf-8")
        assert not wrong.search(text), (doc.name, wrong.search(text).group())
    for doc in (REPO / "README.md", REPO / "docs" / "ci.md"):
        assert "pip install obsidian-vaultlint" in doc.read_text(encoding="utf-8"), doc.name
    assert wrong.search("run: pip install -q vaultlint") and not wrong.search("pip install obsidian-vaultlint")


def test_documented_versions_match_the_package():
    """The pinned install lines and pre-commit ``rev:`` name the current version (docs/releasing.md, step 2),
    or, until a release is tagged, a commit (``<commit>``): never a version that was not released."""
    for doc in (REPO / "README.md", REPO / "docs" / "ci.md"):
        text = doc.read_text(encoding="utf-8")
        revs = re.findall(r"rev: (\S+)", text)
        assert revs and all(rev in ("<commit>", f"v{vaultlint.__version__}") for rev in revs), doc.name
        assert set(re.findall(r"obsidian-vaultlint==(\S+)", text)) <= {vaultlint.__version__}, doc.name
