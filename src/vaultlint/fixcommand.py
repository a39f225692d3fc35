"""The command a hint or a summary names for applying fixes.

Someone who runs vaultlint only through pre-commit has no ``vaultlint`` on their
PATH (it lives in pre-commit's own environment), so under pre-commit (which
sets ``PRE_COMMIT=1`` for its hooks) the hint names the manual-stage hook that
runs the fix instead.  The environment is trusted input (unlike the vault), and
this is decided here, once, by the command line: rules always write
:data:`DEFAULT` and :func:`naming` rewrites it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping

from .model import Diagnostic

DEFAULT = "vaultlint check --fix"
PRE_COMMIT = "pre-commit run --hook-stage manual vaultlint-fix"


def fix_command(environ: Mapping[str, str]) -> str:
    """The fix command that works where this run happens."""
    return PRE_COMMIT if environ.get("PRE_COMMIT") == "1" else DEFAULT


def naming(diagnostics: Iterable[Diagnostic], command: str) -> tuple[Diagnostic, ...]:
    """``diagnostics`` with the hints of fixable ones naming ``command`` instead of :data:`DEFAULT`."""
    if command == DEFAULT:
        return tuple(diagnostics)
    return tuple(
        dataclasses.replace(d, hint=d.hint.replace(DEFAULT, command))
        if d.fix is not None and d.hint and DEFAULT in d.hint
        else d
        for d in diagnostics
    )
