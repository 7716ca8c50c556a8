"""Apply the rules to one crawl run and store its findings (replacing any earlier check of that run)."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from checks.catalog import default_catalog
from checks.context import load_context
from checks.rules import RULES
from crawler import store


def run_checks(db, run_id: int, as_of: date | None = None, catalog=None, rules=None) -> list:
    as_of = as_of or date.today()
    ctx = load_context(db, run_id, as_of, catalog or default_catalog())
    findings = []
    for rule_id in rules or RULES:
        findings.extend(RULES[rule_id].check(ctx))
    with db.conn:
        db.execute("delete from findings where run_id = ?", [run_id])
        db["findings"].insert_all(
            ({**asdict(f), "evidence": store.dumps(f.evidence), "run_id": run_id, "as_of": as_of.isoformat()}
             for f in findings),
        )
        db["runs"].update(run_id, {"checked_at": store.now(), "as_of": as_of.isoformat(), "findings": len(findings)})
    return findings
