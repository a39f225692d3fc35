"""Which rules run, at which severity: decided here, once, never inside rules.

Selectors are codes (``LK001``), prefixes (``LK``, ``LK00``), names
(``unresolved-link``) or ``ALL``.  As in flake8 and ruff, the most specific
selector wins: a longer prefix beats a shorter one; at equal length ``ignore``
beats ``select``.
"""

from __future__ import annotations

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
) -> Selection:
    return Selection(
        select=tuple(normalize_selector(s) for s in select),
        ignore=tuple(normalize_selector(s) for s in ignore),
        extend_select=tuple(normalize_selector(s) for s in extend_select),
        severity=dict(severity or {}),
    )
