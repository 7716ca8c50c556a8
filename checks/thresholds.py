"""Thresholds of the check layer: ``checks/thresholds.yaml`` (reference defaults), overridable per
province by an overlay's ``settings:``."""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import yaml

from crawler.sites import YAML_LOADER

THRESHOLDS_FILE = Path(__file__).parent / "thresholds.yaml"
DURATIONS = {"publish_within", "stale_after"}
NUMBERS = {"recent_entries", "mismatch_min_entries", "mismatch_max_own", "content_mapping_min_entries",
           "content_mapping_share", "interpretation_min_documents", "veto_stale_columns", "veto_empty_columns",
           "veto_should_update_columns", "pass_score"}
OPTIONAL_NUMBERS = {"interpretation_ratio"}
BOOLEANS = {"validity_marks_required"}
KEYS = DURATIONS | NUMBERS | OPTIONAL_NUMBERS | BOOLEANS | {"deductions"}
DURATION = re.compile(r"^\s*(\d+)\s*(workday|day|week|month|year)s?\s*$")


def _error(message: str):
    from checks.catalog import CatalogError
    return CatalogError(message)


def parse_span(value: str) -> tuple[int, str]:
    match = DURATION.match(str(value))
    if not match:
        raise ValueError(value)
    return int(match.group(1)), match.group(2) + "s"


def validate_settings(settings: dict, where: str) -> None:
    for key, value in settings.items():
        if key not in KEYS:
            raise _error(f"{where}: unknown setting '{key}' (use {', '.join(sorted(KEYS))})")
        if key in DURATIONS:
            try:
                parse_span(value)
            except ValueError:
                raise _error(f"{where}: setting '{key}': bad duration {value!r} (e.g. '6 months')") from None
        elif key in NUMBERS or (key in OPTIONAL_NUMBERS and value is not None):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise _error(f"{where}: setting '{key}' must be a number >= 0, got {value!r}")
        elif key in BOOLEANS:
            if not isinstance(value, bool):
                raise _error(f"{where}: setting '{key}' must be true or false, got {value!r}")
        elif key == "deductions":
            if not isinstance(value, dict) or not all(
                    isinstance(v, dict) and set(v) == {"each", "cap"} for v in value.values()):
                raise _error(f"{where}: setting 'deductions' must map rule ids to {{each: N, cap: N}}")


@lru_cache(maxsize=None)
def default_thresholds() -> dict:
    try:
        data = yaml.load(THRESHOLDS_FILE.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except yaml.YAMLError as exc:
        raise _error(f"{THRESHOLDS_FILE}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    validate_settings(data, str(THRESHOLDS_FILE))
    missing = KEYS - set(data)
    if missing:
        raise _error(f"{THRESHOLDS_FILE}: setting '{sorted(missing)[0]}' is missing")
    return data


def months_before(d: date, months: int) -> date:
    month = d.month - months
    year = d.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    day = min(d.day, [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31, 30,
                      31, 31, 30, 31, 30, 31][month - 1])
    return date(year, month, day)


def span_before(d: date, span: tuple[int, str]) -> date:
    """The day ``span`` before ``d`` (calendar spans: days, weeks, months, years)."""
    n, unit = span
    if unit == "days":
        return d - timedelta(days=n)
    if unit == "weeks":
        return d - timedelta(weeks=n)
    if unit == "months":
        return months_before(d, n)
    if unit == "years":
        return months_before(d, 12 * n)
    raise ValueError(unit)
