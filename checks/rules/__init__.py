"""The rules, one module each, keyed by their stable id (the order findings are produced in).

Each module declares ``RULE`` (its id), ``NAME`` (its Chinese name, the one every output uses),
``SEVERITY``, ``BASIS``, ``check(ctx)`` and ``describe(evidence, finding)`` (its evidence in the
words of a notice, read through ``checks.wording``)."""
from checks.rules import (annual_report_missing, column_empty, column_missing, column_stale, content_mismatch,
                          dead_link, interpretation_missing, item_removed, late_publication, misfiled, missing_date,
                          normative_library_missing, validity_stale, validity_unmarked)

RULES = {module.RULE: module for module in (
    column_missing, column_empty, column_stale, content_mismatch, misfiled, late_publication, missing_date,
    dead_link, annual_report_missing, item_removed, interpretation_missing, normative_library_missing,
    validity_unmarked, validity_stale)}
RULE_NAMES = {rule: module.NAME for rule, module in RULES.items()}
