"""The baseline: problems accepted for now, so that only new ones are reported.

``vaultlint check --baseline FILE`` hides the problems recorded in FILE;
``--update-baseline`` (re)writes FILE from the current run.  An entry is a
note's path, a rule code, the problem's key and a count.  The key is the
message with line numbers masked: it names the link target or property, so
editing elsewhere in a note (moving the problem to another line) does not bring
the entry back, while a new link to another missing note is new.  Counts make
two identical problems in one note two problems: with one of them baselined,
the other is reported.

The file is JSON, one entry per line, sorted: stable and easy to review in a
diff.  It records the commit it was written at, so that entries follow the
notes git saw renamed since (the engine asks git; :func:`follow` maps them).
Entries for notes that no longer exist simply match nothing, and the next
update drops them.  A baseline written from a run over some of the notes, or
with some of the rules, keeps the entries of the others.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .config import ConfigError
from .git.changes import worktree_changes
from .git.run import GitError, ask_git
from .model import Diagnostic
from .options import LintOptions
from .rules import Scope
from .safeio import RefusedFile, read_file, repository_of, write_file
from .vault import Vault

FORMAT_VERSION = 1
_LINE_NUMBER = re.compile(r"\bline \d+")
#: A commit id (SHA-1 or SHA-256), the only thing git is asked about from the file.
_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")

#: (path, code, key)
EntryKey = tuple[str, str, str]


class BaselineError(ConfigError):
    """The baseline file cannot be read or written; one line for the user."""


def key_of(diagnostic: Diagnostic) -> str:
    """What identifies a problem within its note, whatever line it is on."""
    return _LINE_NUMBER.sub("line N", diagnostic.message)


def entry_key(diagnostic: Diagnostic) -> EntryKey:
    return (diagnostic.path, diagnostic.code, key_of(diagnostic))


@dataclass(frozen=True)
class Outcome:
    kept: list[Diagnostic]
    #: How many problems the baseline hid.
    hidden: int
    #: What each entry had left to hide: more than zero for a problem that is gone.
    unused: Counter[EntryKey]

    def stale(self, checked: Container[str], ran: Container[str]) -> int:
        """How many recorded problems this run would have seen and did not (fixed since)."""
        return sum(n for (path, code, _), n in self.unused.items() if n > 0 and path in checked and code in ran)


@dataclass(frozen=True)
class Recorded:
    """A baseline file's entries, and the commit it was written at (``None``: unknown)."""

    entries: Counter[EntryKey]
    commit: str | None = None


#: A baseline larger than this is refused, not read: a vault of 100,000 notes with ten accepted
#: problems each makes about 20 MB.
MAX_BASELINE_BYTES = 64 * 1024 * 1024


def load(path: Path, repository: Path) -> Recorded:
    """The entries of a baseline file; a missing file is an empty baseline (the first ``--update-baseline``).

    ``repository``: where no link is followed on the way to the file (see :mod:`vaultlint.safeio`).
    """
    try:
        data = json.loads(read_file(path, MAX_BASELINE_BYTES, repository).decode("utf-8"))
    except FileNotFoundError:
        return Recorded(Counter())
    except RefusedFile as error:
        raise BaselineError(f"baseline {error}") from error
    except (OSError, ValueError) as error:
        raise BaselineError(f"baseline {path}: cannot read it ({error})") from error
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise BaselineError(f'baseline {path}: expected a JSON object with an "entries" list')
    result: Counter[EntryKey] = Counter()
    for number, entry in enumerate(entries):
        try:
            key = (entry["path"], entry["code"], entry["key"])
            count = entry.get("count", 1)
            if not all(isinstance(part, str) for part in key) or not isinstance(count, int) or count < 1:
                raise TypeError
        except (KeyError, TypeError, AttributeError):
            raise BaselineError(
                f'baseline {path}: entry {number} needs "path", "code", "key" (strings) and "count" (a number >= 1)'
            ) from None
        result[key] += count
    commit = data.get("commit")
    return Recorded(result, commit if isinstance(commit, str) and _COMMIT.fullmatch(commit) else None)


def follow(entries: Counter[EntryKey], renamed: Mapping[str, str]) -> Counter[EntryKey]:
    """The entries with the paths of renamed notes (former path -> new path) made current."""
    if not renamed:
        return entries
    result: Counter[EntryKey] = Counter()
    for (path, code, key), count in entries.items():
        result[(renamed.get(path, path), code, key)] += count
    return result


def subtract(diagnostics: Iterable[Diagnostic], accepted: Counter[EntryKey]) -> Outcome:
    """The diagnostics not covered by ``accepted`` (each entry hides at most ``count`` of its kind)."""
    left = Counter(accepted)
    kept: list[Diagnostic] = []
    for diagnostic in diagnostics:
        key = entry_key(diagnostic)
        if left[key] > 0:
            left[key] -= 1
        else:
            kept.append(diagnostic)
    hidden = sum(accepted.values()) - sum(left.values())
    return Outcome(kept, hidden, left)


def updated(
    previous: Counter[EntryKey],
    diagnostics: Iterable[Diagnostic],
    checked: Sequence[str],
    existing: Container[str],
    ran: Container[str],
) -> Counter[EntryKey]:
    """The new baseline: every current problem, plus the old entries this run could not have
    seen again: of files that still exist and that it did not check, or of rules it did not
    run (``ran`` holds the codes it ran: ``--select LK`` keeps the FM entries)."""
    checked_paths = set(checked)
    result: Counter[EntryKey] = Counter(entry_key(d) for d in diagnostics)
    for key, count in previous.items():
        path, code, _ = key
        unseen = path not in checked_paths or code not in ran
        if unseen and path in existing and key not in result:
            result[key] = count
    return result


def dumps(entries: Counter[EntryKey], commit: str | None = None) -> str:
    """The file's text: one sorted entry per line."""
    lines = [
        _entry_line({"path": path, "code": code, "key": key, "count": count})
        for (path, code, key), count in sorted(entries.items())
        if count > 0
    ]
    body = ",\n    ".join(lines)
    entries_text = f"[\n    {body}\n  ]" if lines else "[]"
    recorded_at = f'  "commit": "{commit}",\n' if commit is not None and _COMMIT.fullmatch(commit) else ""
    return f'{{\n  "vaultlint-baseline": {FORMAT_VERSION},\n{recorded_at}  "entries": {entries_text}\n}}\n'


def _entry_line(entry: dict[str, object]) -> str:
    """One entry as JSON, readable (UTF-8 as is), or escaped when it names a file whose name is not
    UTF-8 (``os.fsdecode`` gives surrogates, which UTF-8 cannot hold but a JSON escape reads back)."""
    line = json.dumps(entry, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(entry)
    return line


def write(path: Path, entries: Counter[EntryKey], repository: Path, commit: str | None = None) -> None:
    """Write the baseline atomically (a reader never sees half a file), never through a link."""
    try:
        write_file(path, dumps(entries, commit).encode("utf-8"), repository)
    except RefusedFile as error:
        raise BaselineError(f"baseline {error}") from error
    except OSError as error:
        raise BaselineError(f"baseline {path}: cannot write it ({error.strerror or error})") from error


# -- applying it to a run -------------------------------------------------------------
def _codes_run(options: LintOptions) -> frozenset[str]:
    """The rules this run checked: the enabled ones, URL rules only when the URL stage ran."""
    return frozenset(
        rule.code for rule in options.selection.enabled_rules() if not (options.offline and rule.scope is Scope.URL)
    )


def apply_baseline(
    diagnostics: list[Diagnostic], scope: list[str], vault: Vault, options: LintOptions
) -> tuple[list[Diagnostic], int, int]:
    """The one place the baseline applies: after selection and suppressions, before reporting.

    Entries follow the notes git saw renamed since the file was written; ``--update-baseline``
    rewrites it, and ``--fix`` (``keep_baseline_current``) rewrites the paths that moved.
    ``(kept, hidden, stale)``: stale entries are problems this run would have seen and did not.
    """
    assert options.baseline is not None
    path = options.baseline
    repository = repository_of(vault.root)
    recorded = load(path, repository)
    accepted = follow(recorded.entries, _renamed_since(vault, recorded.commit, options))
    ran = _codes_run(options)
    if options.update_baseline:
        accepted = updated(accepted, diagnostics, scope, vault.by_path, ran)
        write(path, accepted, repository, _head(vault.root, options))
    elif options.keep_baseline_current and accepted != recorded.entries:
        write(path, accepted, repository, _head(vault.root, options) or recorded.commit)
    outcome = subtract(diagnostics, accepted)
    return outcome.kept, outcome.hidden, outcome.stale(set(scope), ran)


def _renamed_since(vault: Vault, commit: str | None, options: LintOptions) -> Mapping[str, str]:
    """Notes renamed between ``commit`` (the baseline's; else HEAD) and the work tree; none without git."""
    if not options.use_git:
        return {}
    try:
        return worktree_changes(vault.root, commit or "HEAD").within(vault.by_path).renamed
    except GitError:
        return {}  # no git, or a commit this clone lacks: paths as recorded


def _head(root: Path, options: LintOptions) -> str | None:
    """The commit checked out, recorded in a baseline written now (``None`` outside git)."""
    found = ask_git(root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}") if options.use_git else None
    return found.decode("ascii").strip() if found else None
