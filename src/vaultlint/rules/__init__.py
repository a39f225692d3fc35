"""The explicit registry of rules.  Add a rule by writing its module and listing it here."""

from __future__ import annotations

from . import (
    fm001_invalid_frontmatter,
    fm002_frontmatter_not_mapping,
    fm003_duplicate_property,
    fm004_unclosed_frontmatter,
    fm005_deprecated_property,
    fm006_unquoted_link_property,
    fm007_property_type_mismatch,
    fm008_missing_required_property,
    fm009_property_value_not_allowed,
    fm010_invalid_frontmatter_tag,
    lk001_unresolved_link,
    lk002_missing_embed,
    lk003_broken_heading_link,
    lk004_broken_block_link,
    lk005_ambiguous_link,
    lk006_empty_link,
    lk007_unencoded_link_destination,
    lk008_duplicate_block_id,
    or001_orphan_note,
    or002_unused_attachment,
    or003_empty_note,
    tg001_tag_case_mismatch,
    ur001_dead_url,
    ur002_unverifiable_url,
    ur003_redirected_url,
    ur004_malformed_url,
    vl001_unreadable_file,
    vl002_unused_suppression,
    vl003_unknown_rule,
)
from .base import Rule, Scope

ALL_RULES: tuple[Rule, ...] = tuple(
    module.RULE
    for module in (
        fm001_invalid_frontmatter,
        fm002_frontmatter_not_mapping,
        fm003_duplicate_property,
        fm004_unclosed_frontmatter,
        fm005_deprecated_property,
        fm006_unquoted_link_property,
        fm007_property_type_mismatch,
        fm008_missing_required_property,
        fm009_property_value_not_allowed,
        fm010_invalid_frontmatter_tag,
        lk001_unresolved_link,
        lk002_missing_embed,
        lk003_broken_heading_link,
        lk004_broken_block_link,
        lk005_ambiguous_link,
        lk006_empty_link,
        lk007_unencoded_link_destination,
        lk008_duplicate_block_id,
        tg001_tag_case_mismatch,
        or001_orphan_note,
        or002_unused_attachment,
        or003_empty_note,
        ur001_dead_url,
        ur002_unverifiable_url,
        ur003_redirected_url,
        ur004_malformed_url,
        vl001_unreadable_file,
        vl002_unused_suppression,
        vl003_unknown_rule,
    )
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "RULES_BY_CODE", "RULES_BY_NAME", "Rule", "Scope"]
