"""``vaultlint check --watch``: check, then check again after every change, until Ctrl-C.

watchfiles (imported here only, so that no other command pays for it) groups the events of a
save: it hands a batch over once the vault has been quiet for ``QUIET_MS``.  Each batch goes
through :func:`~vaultlint.watch.changes.classify` and the :class:`~vaultlint.watch.session.Session`,
and when the result can have changed the whole report is printed again, as ``vaultlint check``
prints it, followed by a time-stamped line of totals on stderr (stdout stays one report per
round in the machine formats).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .changes import Batch, Event, Place, classify
from .session import Session

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Report

#: A batch is handed over after this much quiet: an editor's save (temporary file, rename,
#: metadata) takes a few milliseconds; a checkout's thousands of writes come as one batch.
QUIET_MS = 50
#: ... or after this long, however busy the vault is (watchfiles' ``debounce``).
LONGEST_BATCH_MS = 1600
#: How often the settings outside the vault (a config file or .gitignore above the root) are looked at.
POLL_MS = 1000

#: Check the vault as it is now; ``written`` names the files this watch's own fixes just wrote.
Check = Callable[[Sequence[Path]], "Report"]
#: ``--fix``: one round of check, write the fixes, check again, holding the lock of the vault
#: at the root given: ``(report, files written)``.
FixRound = Callable[[Path, Check], "tuple[Report, tuple[Path, ...]]"]
#: Print a report as ``vaultlint check`` does.
Show = Callable[["Report"], object]

_EVENTS = {1: Event.ADDED, 2: Event.MODIFIED, 3: Event.DELETED}


def watch(
    open_session: Callable[[], Session],
    place: Place,
    show: Show,
    fix: FixRound | None,
    outside: Sequence[Path] = (),
    started: float | None = None,
) -> None:
    """Print a report now and after every change that can alter it; returns only by an exception
    (KeyboardInterrupt on Ctrl-C, which the command turns into its exit code).

    ``open_session`` reads the vault (seconds for a large one): it is called once the vault is
    watched, so that a save made meanwhile is not lost.  ``started``: when the command began
    (``time.monotonic()``), for the first round's time.
    """
    # The watcher itself (watchfiles' documented Rust backend), not its ``watch()`` generator:
    # that one starts watching only when first asked for changes, so a save made during the
    # first check would be missed.
    from watchfiles._rust_notify import RustNotify

    own_writes = _OwnWrites()
    settings_outside = _Fingerprints(outside)
    polling = bool(os.environ.get("WATCHFILES_FORCE_POLLING"))  # network drives, some containers
    with RustNotify([str(place.root)], False, polling, 300, True, True) as watcher:
        click.echo(f"Watching {place.root} for changes (Ctrl-C to stop).", err=True)
        session = open_session()
        try:
            rounds = _Rounds(session, place.root, show, fix, own_writes)
            rounds.run(started)
            session.workspace.finish_index()  # while nothing has changed yet, not in the first change's round
            _follow(watcher, place, rounds, own_writes, settings_outside)
        finally:
            session.close()


def _follow(watcher: Any, place: Place, rounds: _Rounds, own_writes: _OwnWrites, outside: _Fingerprints) -> None:
    """Hand each batch of events to ``rounds``, for ever (until Ctrl-C)."""
    while True:
        events = watcher.watch(LONGEST_BATCH_MS, QUIET_MS, POLL_MS, None)
        if events == "signal":
            raise KeyboardInterrupt
        if events in ("timeout", "stop"):
            events = set()
        batch = classify(own_writes.drop((_EVENTS[change], name) for change, name in events), place)
        if outside.changed():
            batch = replace(batch, reload=True)
        if batch:
            rounds.after(batch)


class _Rounds:
    """One check and its printout per batch that can change the result."""

    def __init__(self, session: Session, root: Path, show: Show, fix: FixRound | None, own_writes: _OwnWrites) -> None:
        self.session = session
        self.root = root
        self.show = show
        self.fix = fix
        self.own_writes = own_writes

    def after(self, batch: Batch) -> None:
        started = time.monotonic()
        try:
            if not self.session.apply(batch):
                return
        except Exception as error:  # noqa: BLE001 - a broken config mid-watch: say so, keep watching
            _problem(error)
            return
        self.run(started)

    def run(self, started: float | None = None) -> None:
        started = time.monotonic() if started is None else started
        try:
            if self.fix is not None:
                report, written = self.fix(self.root, self.session.report)
                self.own_writes.remember(written)
            else:
                report = self.session.report()
        except Exception as error:  # noqa: BLE001 - one bad round never ends the watch
            _problem(error)
            return
        self.show(report)
        click.echo(_totals(report, time.monotonic() - started), err=True)


def _problem(error: Exception) -> None:
    from ..config import ConfigError
    from ..git.run import GitError
    from ..report.escape import escape
    from ..selection import SelectorError
    from ..vault import VaultError

    known = isinstance(error, (ConfigError, SelectorError, VaultError, GitError))
    what = "error" if known else "internal error"
    text = str(error) if known else f"{type(error).__name__}: {error}"
    click.echo(f"[{_now()}] vaultlint: {what}: {escape(text)}; waiting for the next change", err=True)


def _totals(report: Report, seconds: float) -> str:
    """``[12:30:05] 3 problems (2 errors, 1 warning) in 40 notes, 0.12 s; watching for changes``."""
    from ..model import Severity

    counts = {severity: 0 for severity in sorted(Severity, key=lambda s: -s.rank)}  # errors first
    for diagnostic in report.diagnostics:
        counts[diagnostic.severity] += 1
    total = len(report.diagnostics)
    parts = ", ".join(f"{count} {_plural(severity.value, count)}" for severity, count in counts.items() if count)
    found = f"{total} {_plural('problem', total)}" + (f" ({parts})" if parts else "")
    files = f"{report.files_checked} {_plural('note', report.files_checked)}"
    return f"[{_now()}] {found} in {files}, {seconds:.2f} s; watching for changes"


def _plural(word: str, count: int) -> str:
    if count == 1 or word == "info":
        return word
    return word + "s"


def _now() -> str:
    return datetime.now().strftime("%H:%M:%S")


def _stat(path: Path) -> tuple[int, int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_ino, info.st_size, info.st_mtime_ns


class _OwnWrites:
    """The notes this watch's ``--fix`` wrote, as they were left: their events start no new check."""

    def __init__(self) -> None:
        self._left: dict[str, tuple[int, int, int]] = {}

    def remember(self, paths: Iterable[Path]) -> None:
        for path in paths:
            state = _stat(path)
            if state is not None:
                self._left[os.path.abspath(path)] = state

    def drop(self, events: Iterable[tuple[Event, str]]) -> list[tuple[Event, str]]:
        """``events`` without those of files still as the fix left them."""
        kept = []
        for event, name in events:
            path = os.path.abspath(name)
            left = self._left.get(path)
            if left is not None and _stat(Path(path)) == left:
                continue
            self._left.pop(path, None)  # someone else wrote it since: a change like any other
            kept.append((event, name))
        return kept


class _Fingerprints:
    """Files outside the vault that still decide how it is checked (a config file above the root)."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._paths = tuple(paths)
        self._states = [_stat(path) for path in self._paths]

    def changed(self) -> bool:
        states = [_stat(path) for path in self._paths]
        if states == self._states:
            return False
        self._states = states
        return True
