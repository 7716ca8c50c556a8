"""Findings in the words of a notice: the one wording the HTML report, the exports and the notice
draft all use.

Each rule module (``checks/rules/<rule>.py``) declares its Chinese ``NAME`` and a
``describe(evidence, finding)`` that turns its stored evidence into lines of Chinese text with the
URLs they name; this module is the single entry point to them:

- ``rule_name(rule_id)`` -> "空白栏目";
- ``evidence_lines(finding)`` -> [[(text, url or None), ...], ...] (the report links the URLs);
- ``describe(finding)`` -> one plain string ("期限：20个工作日；已用22个工作日（含调休）；…");
- ``basis(finding)`` -> the legal basis with repeated documents and articles merged;
- ``message(finding)`` -> the finding's one-sentence statement as stored by the check.

A finding is a stored ``findings`` row (a dict, with ``evidence`` as JSON text or already a dict) or
a ``checks.findings.Finding``.
"""
from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass

from checks.rules import RULE_NAMES, RULES
from checks.zh import beijing_time, dedupe_basis, zh_date, zh_duration

__all__ = ["RULE_NAMES", "SEVERITY_NAMES", "rule_name", "evidence_lines", "describe", "basis", "message",
           "zh_date", "zh_duration", "beijing_time"]

SEVERITY_NAMES = {"high": "高", "medium": "中", "low": "低"}


def _row(finding) -> dict:
    if type(finding) is dict and isinstance(finding.get("evidence"), dict):
        return finding   # a stored row as the reports load it (evidence parsed): only read here
    row = asdict(finding) if is_dataclass(finding) else dict(finding)
    evidence = row.get("evidence")
    if isinstance(evidence, str):
        try:
            evidence = json.loads(evidence or "{}")
        except ValueError:
            evidence = {}
    row["evidence"] = evidence if isinstance(evidence, dict) else {}
    return row


def rule_name(rule: str) -> str:
    """The rule's Chinese name; an unknown id (a rule since removed) is shown as it was stored."""
    return RULE_NAMES.get(rule, rule)


# Where a stored row as the reports load it keeps its evidence lines once worded: a report words each
# finding for its pages, then again for the notice draft's annex.
LINES_KEY = "_evidence_lines"


def evidence_lines(finding) -> list[list[tuple[str, str | None]]]:
    """The finding's evidence as lines of (text, url) segments, in the words of its rule (kept in a
    stored row under ``LINES_KEY``: the same list is returned to every caller, which must not change it)."""
    row = _row(finding)
    if row is not finding:
        return _lines(row)
    lines = finding.get(LINES_KEY)
    if lines is None:
        lines = finding[LINES_KEY] = _lines(row)
    return lines


def _lines(row: dict) -> list[list[tuple[str, str | None]]]:
    module = RULES.get(row.get("rule"))
    if module is None:
        # A rule this version no longer has: its page is all that can be said without its keys.
        url = row.get("url") or row.get("column_url")
        return [[("页面：", None), (url, url)]] if url else []
    return [line for line in module.describe(row["evidence"], row) if line]


def describe(finding, *, urls: bool = False) -> str:
    """The evidence as one plain string, lines joined by "；". With ``urls`` each linked text that is
    not itself the URL is followed by its URL in brackets (for text that cannot carry links)."""
    out = []
    for line in evidence_lines(finding):
        text = ""
        for segment, url in line:
            text += segment
            if urls and url and segment != url:
                text += f"（{url}）"
        out.append(text.rstrip("；"))
    return "；".join(out)


def basis(finding) -> str:
    return dedupe_basis(_row(finding).get("basis"))


def message(finding) -> str:
    return _row(finding).get("message") or ""
