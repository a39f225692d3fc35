"""Which rules run, at which severity: decided here, once, never inside rules.

Selectors are codes (``LK001``), prefixes (``LK``, ``LK00``), names
(``unresolved-link``) or ``ALL``.  As in flake8 and ruff, the most specific
selector wins: a longer prefix beats a shorter one; at equal length ``ignore``
beats ``select``.

An unknown selector is an error wherever it is written (command line, config):
a typo must never quietly widen or narrow what runs.  The error names the
closest rule as a hint.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from .globs import GlobTable
from .model import Severity
from .rules import ALL_RULES, RULES_BY_CODE, RULES_BY_NAME, Rule


class SelectorError(ValueError):
    pass


@lru_cache(maxsize=4096)  # pure, and a config may repeat the same few codes thousands of times
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
    raise SelectorError(f'unknown rule or prefix "{selector}"{did_you_mean(text)}')


def closest_rule(word: str) -> str | None:
    """The code or name that ``word`` most likely meant to say, if any is close."""
    from rapidfuzz import fuzz, process, utils  # only on the error path: keeps start-up lean

    if len(word) <= 6 and "-" not in word:  # code-like: "LK01", "LK00l"; names are longer
        choices = list(RULES_BY_CODE)
        query = word.upper()
    else:
        choices = list(RULES_BY_NAME)
        query = word.lower()
    best = process.extractOne(query, choices, scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=60)
    return best[0] if best else None


def did_you_mean(word: str) -> str:
    """'; did you mean "X"?' for the closest rule, else a pointer to the list of rules."""
    guess = closest_rule(word)
    return f'; did you mean "{guess}"?' if guess else " (see `vaultlint rule --all`)"


def _specificity(code: str, selectors: Iterable[str]) -> int:
    return max((len(s) for s in selectors if code.startswith(s)), default=-1)


@dataclass(frozen=True)
class Selection:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    #: Glob (vault-relative path, gitignore rules) -> code prefixes not reported in matching notes.
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @cached_property
    def _per_file_table(self) -> GlobTable[tuple[str, ...]]:
        # Compiled once per run; each path is matched once, whatever the number of rules.
        return GlobTable(self.per_file_ignores.items())

    def ignored_in(self, code: str, path: str) -> bool:
        if not self.per_file_ignores:
            return False
        return any(code.startswith(prefix) for prefixes in self._per_file_table.matching(path) for prefix in prefixes)

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
        return self._enabled_rules

    @cached_property
    def _enabled_rules(self) -> tuple[Rule, ...]:
        # Decided once per run: asked for every note, and the answer never changes.
        return tuple(rule for rule in ALL_RULES if self.enabled(rule))

    def rules_for(self, path: str) -> tuple[Rule, ...]:
        """The enabled rules that ``per-file-ignores`` leaves on for ``path``."""
        rules = self._enabled_rules
        if not self.per_file_ignores:
            return rules
        return tuple(rule for rule in rules if not self.ignored_in(rule.code, path))

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


def selection_from_settings(
    settings: object, cli_select: list[str], cli_ignore: list[str], cli_extend: list[str]
) -> Selection:
    """Combine the config file with command-line options.

    ``--select`` replaces the config's ``select``; ``--ignore`` and
    ``--extend-select`` add to it.  An unknown selector raises
    :class:`SelectorError`; one from the config names the file and the key.
    """
    source = getattr(settings, "source", None)

    def from_config(values: Iterable[str], key: str) -> list[str]:
        for value in values:
            try:
                normalize_selector(value)
            except SelectorError as error:
                raise SelectorError(f"{source}: {key}: {error}" if source else f"{key}: {error}") from None
        return list(values)

    select = cli_select or from_config(settings.select, "select")  # type: ignore[attr-defined]
    ignore = from_config(settings.ignore, "ignore") + cli_ignore  # type: ignore[attr-defined]
    extend = from_config(settings.extend_select, "extend-select") + cli_extend  # type: ignore[attr-defined]
    severity: dict[str, Severity] = {}
    for selector, level in settings.severity.items():  # type: ignore[attr-defined]
        from_config([selector], "severity")
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
    return build_selection(select, ignore, extend, severity, per_file)
