"""The explicit registry of rules.  Add a rule by writing its module and listing it here."""

from __future__ import annotations

import importlib

from .base import Rule, Scope

#: Every rule module, in the order rules are listed (``vaultlint rule --all``, SARIF).
MODULES: tuple[str, ...] = (
    "bs001_invalid_base",
    "bs002_broken_base_reference",
    "cv001_invalid_canvas",
    "cv002_dangling_edge",
    "fm001_invalid_frontmatter",
    "fm002_frontmatter_not_mapping",
    "fm003_duplicate_property",
    "fm004_unclosed_frontmatter",
    "fm005_deprecated_property",
    "fm006_unquoted_link_property",
    "fm007_property_type_mismatch",
    "fm008_missing_required_property",
    "fm009_property_value_not_allowed",
    "fm010_invalid_frontmatter_tag",
    "fn001_link_breaking_file_name",
    "fn002_non_portable_file_name",
    "fn003_case_conflict",
    "fn004_nested_vault",
    "lk001_unresolved_link",
    "lk002_missing_embed",
    "lk003_broken_heading_link",
    "lk004_broken_block_link",
    "lk005_ambiguous_link",
    "lk006_empty_link",
    "lk007_unencoded_link_destination",
    "lk008_duplicate_block_id",
    "lk009_missing_pdf_page",
    "lk010_link_style",
    "or001_orphan_note",
    "or002_unused_attachment",
    "or003_empty_note",
    "or004_attachment_outside_folder",
    "tg001_tag_case_mismatch",
    "ur001_dead_url",
    "ur002_unverifiable_url",
    "ur003_redirected_url",
    "ur004_malformed_url",
    "ur005_missing_url_fragment",
    "vl001_unreadable_file",
    "vl002_unused_suppression",
    "vl003_unknown_rule",
)

ALL_RULES: tuple[Rule, ...] = tuple(importlib.import_module(f".{name}", __name__).RULE for name in MODULES)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}
RULES_BY_NAME: dict[str, Rule] = {rule.name: rule for rule in ALL_RULES}

__all__ = ["ALL_RULES", "MODULES", "RULES_BY_CODE", "RULES_BY_NAME", "Rule", "Scope"]
