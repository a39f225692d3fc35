"""Run vaultlint as a user that file permissions apply to, also when the suite runs as root.

Root reads a chmod 000 file or folder, so a test of what an unreadable file does would
be skipped under root, and CI runs as root: the failure it should catch stays hidden.
Under root these helpers run vaultlint in a child process that gives up root for an
unprivileged user (``nobody``) before it touches the vault; they skip only where no such
user exists.

The child starts as root and drops its user after importing every vaultlint module:
the interpreter and its standard library may sit where that user cannot read (a pyenv
under /root), while everything vaultlint does with the vault runs as the unprivileged
user.  The vault must be readable by that user, so it is built in a world-readable
temporary folder (``public_folder``), not under pytest's per-user ``tmp_path``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

#: Tried in order; the first that exists is used.
UNPRIVILEGED_USERS = ("nobody", "nfsnobody")

# argv: uid gid vaultlint-arguments...  Imports first (as root), then setgroups/setgid/setuid, then main.
_BOOTSTRAP = """
import importlib, os, pkgutil, sys
import vaultlint
for module in pkgutil.walk_packages(vaultlint.__path__, "vaultlint."):
    if not module.name.endswith("__main__"):  # that one runs the command line on import
        importlib.import_module(module.name)
uid, gid = int(sys.argv[1]), int(sys.argv[2])
os.setgroups([])
os.setgid(gid)
os.setuid(uid)
if os.geteuid() == 0 or os.getegid() == 0:
    sys.exit("could not give up root")
from vaultlint.cli import main
code = main(sys.argv[3:])
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
"""


def unprivileged_user() -> pwd.struct_passwd | None:
    for name in UNPRIVILEGED_USERS:
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            continue
        if entry.pw_uid != 0:
            return entry
    return None


def drops_root() -> bool:
    """True when the suite runs as root and the helpers must switch user to see permissions bite."""
    return os.geteuid() == 0


def run_vaultlint_unprivileged(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m vaultlint ARGS`` as a user that chmod 000 keeps out; skips if root has no such user."""
    env = dict(os.environ)
    if not drops_root():
        command = [sys.executable, "-m", "vaultlint", *args]
    else:
        user = unprivileged_user()
        if user is None:
            pytest.skip("running as root and no unprivileged user (nobody) exists to run vaultlint as")
        command = [sys.executable, "-c", _BOOTSTRAP, str(user.pw_uid), str(user.pw_gid), *args]
        # That user's own environment: root's HOME (and the config folders in it) is not theirs to read.
        env = {key: value for key, value in env.items() if not key.startswith("XDG_")}
        env["HOME"] = user.pw_dir
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd="/", env=env)


@contextmanager
def public_folder() -> Iterator[Path]:
    """A new temporary folder that any user can read and enter (mode 755), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="vaultlint-unprivileged-"))
    try:
        folder.chmod(0o755)
        yield folder
    finally:
        folder.chmod(0o755)
        for top, folders, _ in os.walk(folder):  # give back what a test locked: a normal user can then remove it
            for name in folders:
                os.chmod(os.path.join(top, name), 0o755, follow_symlinks=False)
        shutil.rmtree(folder, ignore_errors=True)
