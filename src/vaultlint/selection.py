"""Which rules run, at which severity: decided here, once, never inside rules.

Selectors are codes (``LK001``), prefixes (``LK``, ``LK00``), names
(``unresolved-link``) or ``ALL``.  As in flake8 and ruff, the most specific
selector wins: a longer prefix beats a shorter one; at equal length ``ignore``
beats ``select``.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .model import Severity
from .rules import ALL_RULES, RULES_BY_CODE, RULES_BY_NAME, Rule


class SelectorError(ValueError):
    pass


def normalize_selector(selector: str) -> str:
    """A selector as a code prefix; names become their code.  Raises on unknown selectors."""
    text = selector.strip()
    if text.upper() == "ALL":
        return ""
    if text in RULES_BY_NAME:
        return RULES_BY_NAME[text].code
    upper = text.upper()
    if any(code.startswith(upper) for code in RULES_BY_CODE):
        return upper
    raise SelectorError(f'unknown rule or prefix "{selector}" (see `vaultlint rule --all`)')


def _specificity(code: str, selectors: Iterable[str]) -> int:
    return max((len(s) for s in selectors if code.startswith(s)), default=-1)


@dataclass(frozen=True)
class Selection:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    #: Glob (vault-relative path) -> code prefixes not reported in matching notes.
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def ignored_in(self, code: str, path: str) -> bool:
        return any(
            fnmatch.fnmatch(path, pattern) and any(code.startswith(prefix) for prefix in prefixes)
            for pattern, prefixes in self.per_file_ignores.items()
        )

    def enabled(self, rule: Rule) -> bool:
        code = rule.code
        if self.select:
            chosen = _specificity(code, self.select + self.extend_select)
        else:
            chosen = _specificity(code, self.extend_select)
            if chosen < 0 and rule.enabled_by_default:
                chosen = 0
        ignored = _specificity(code, self.ignore)
        return chosen >= 0 and chosen > ignored

    def enabled_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in ALL_RULES if self.enabled(rule))

    def severity_of(self, rule: Rule) -> Severity:
        return self.severity.get(rule.code, rule.severity)


def build_selection(
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
    extend_select: Iterable[str] = (),
    severity: Mapping[str, Severity] | None = None,
    per_file_ignores: Mapping[str, Iterable[str]] | None = None,
) -> Selection:
    return Selection(
        select=tuple(normalize_selector(s) for s in select),
        ignore=tuple(normalize_selector(s) for s in ignore),
        extend_select=tuple(normalize_selector(s) for s in extend_select),
        severity=dict(severity or {}),
        per_file_ignores={k: tuple(normalize_selector(s) for s in v) for k, v in (per_file_ignores or {}).items()},
    )


def known_selectors(selectors: Iterable[str]) -> tuple[list[str], list[str]]:
    """Split selectors into the known ones and the unknown ones (for VL003)."""
    known, unknown = [], []
    for selector in selectors:
        try:
            normalize_selector(selector)
        except SelectorError:
            unknown.append(selector)
        else:
            known.append(selector)
    return known, unknown


def selection_from_settings(
    settings: object, cli_select: list[str], cli_ignore: list[str], cli_extend: list[str]
) -> tuple[Selection, list[tuple[str, str]]]:
    """Combine the config file with command-line options.

    ``--select`` replaces the config's ``select``; ``--ignore`` and
    ``--extend-select`` add to it.  Unknown codes in the config are dropped and
    returned as ``(selector, config key)`` pairs for VL003; unknown codes on the
    command line raise :class:`SelectorError` (a usage error).
    """
    unknown: list[tuple[str, str]] = []

    def from_config(values: Iterable[str], key: str) -> list[str]:
        known, bad = known_selectors(values)
        unknown.extend((b, key) for b in bad)
        return known

    select = cli_select or from_config(settings.select, "select")  # type: ignore[attr-defined]
    ignore = from_config(settings.ignore, "ignore") + cli_ignore  # type: ignore[attr-defined]
    extend = from_config(settings.extend_select, "extend-select") + cli_extend  # type: ignore[attr-defined]
    severity: dict[str, Severity] = {}
    for selector, level in settings.severity.items():  # type: ignore[attr-defined]
        if not from_config([selector], "severity"):
            continue
        if level == "off":
            ignore.append(selector)
            continue
        prefix = normalize_selector(selector)
        for rule in ALL_RULES:
            if rule.code.startswith(prefix):
                severity[rule.code] = Severity(level)
    per_file = {
        pattern: from_config(codes, "per-file-ignores")
        for pattern, codes in settings.per_file_ignores.items()  # type: ignore[attr-defined]
    }
    return build_selection(select, ignore, extend, severity, per_file), unknown
