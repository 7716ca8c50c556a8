"""The rules, one module each, keyed by their stable id."""
from checks.rules import column_empty, column_missing

RULES = {module.RULE: module for module in (column_missing, column_empty)}
