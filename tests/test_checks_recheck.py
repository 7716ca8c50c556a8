"""A spot check re-run later gives the same findings, even after later crawls changed the store."""
from dataclasses import asdict

import pytest

from checks.run import run_checks
from crawler import store
from crawler.runner import crawl
from zwgk.demo import DEMO_SETTINGS
from zwgk.demoportal import DEMO_AS_OF, DemoPortal, serve

pytestmark = pytest.mark.slow   # crawls in subprocesses

# The two sites holding the planted column gaps asserted below (column-missing: demo-trs, column-empty:
# demo-js); the other four would only add pages to every crawl.
SITES = ("demo-trs", "demo-js")
ONLY = ",".join(SITES)
# The gaps are columns missing or empty, whatever their size: a tenth of the documents is crawled.
SCALE = 0.1


def as_rows(findings):
    return sorted((f.site_id, f.rule, f.column_url or "", f.catalog_area or "", f.url or "", f.message,
                   repr(sorted(f.evidence.items()))) for f in findings)


def test_rechecking_an_earlier_run_after_a_later_crawl(db_target, tmp_path, monkeypatch):
    """Also an incremental recrawl of a PostgreSQL store (its logs and archive in the current folder)."""
    monkeypatch.chdir(tmp_path)
    portal = DemoPortal(scale=SCALE)
    with serve(portal) as base_url:
        sites = tmp_path / "sites.yaml"
        sites.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        db_path = db_target
        first, _ = crawl(sites, db_path, settings=DEMO_SETTINGS, only=ONLY)
        db = store.connect(db_path)
        before = as_rows(run_checks(db, first, DEMO_AS_OF))

        portal.add_documents(30, sites=SITES)
        edited = next(d for d in portal.documents() if d.site_id == "demo-js" and d.status == 200)
        portal.edit_document(edited.url_path)
        second, _ = crawl(sites, db_path, settings={**DEMO_SETTINGS, "ZWGK_REVISIT_DAYS": "0"}, only=ONLY)
    assert second > first
    assert db.execute("select count(*) from documents where first_run = ?", [second]).fetchone()[0] == 30
    run_checks(db, second, DEMO_AS_OF)
    assert as_rows(run_checks(db, first, DEMO_AS_OF)) == before
    assert before  # the planted gaps
    assert {asdict(f)["rule"] for f in run_checks(db, first, DEMO_AS_OF)} >= {"column-missing", "column-empty"}
