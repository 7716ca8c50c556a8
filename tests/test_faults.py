"""Fault injection: one crawl of a healthy portal and many faulty ones (tests/faultserver.py).

Every fault must end as a recorded fetch error of its own kind, never as a finding: the faulty
column is not concluded (no column-empty, column-stale, item-removed, no removal events), and the
other sites and columns are crawled completely. One crawl serves every test of this module.
"""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from checks.run import run_checks
from crawler import store
from crawler.runner import crawl
from faultserver import COLUMNS, PAGES, PER_PAGE, FaultPortal, doc_title
from zwgk.demo import DEMO_SETTINGS

pytestmark = pytest.mark.slow   # crawls in subprocesses

AS_OF = date(2026, 6, 30)
SETTINGS = {
    **DEMO_SETTINGS,
    "CONCURRENT_REQUESTS_PER_DOMAIN": "2", "ROBOTSTXT_OBEY": "True",
    "DOWNLOAD_TIMEOUT": "1.5", "RETRY_TIMES": "1",
    "ZWGK_MAX_PAGES_PER_COLUMN": "6", "ZWGK_HOST_TIMEOUTS": "2",
}
NO_CONCLUSION = ("column-empty", "column-stale", "item-removed")


@pytest.fixture(scope="module")
def faults(tmp_path_factory):
    work = tmp_path_factory.mktemp("faults")
    with FaultPortal() as portal:
        sites = work / "sites.yaml"
        sites.write_text(portal.sites_yaml(), encoding="utf-8")
        db_path = work / "zwgk.db"
        run_id, code = crawl(sites, db_path, settings=SETTINGS)
        log = (work / "zwgk-logs" / f"run-{run_id}.log").read_text()
        assert code == 0, log
        db = store.connect(db_path)
        findings = run_checks(db, run_id, AS_OF)
        yield SimpleNamespace(portal=portal, db=db, run_id=run_id, findings=findings, log=log, work=work,
                              sites=sites, db_path=db_path)
        db.conn.close()


def errors(f, site: str, target: str | None = None) -> list[dict]:
    rows = f.db.query("select * from fetch_errors where run_id = ? and site_id = ?", [f.run_id, site])
    return [r for r in rows if target is None or r["target"] == target]


def walk(f, site: str, slug: str = "czyjs") -> dict | None:
    url = f.portal.column_url(site, slug)
    return next(iter(f.db.query(
        "select r.* from column_runs r join columns c on c.id = r.column_id "
        "where r.run_id = ? and c.site_id = ? and c.url = ?", [f.run_id, site, url])), None)


def stored_titles(f, site: str, slug: str) -> dict[str, str]:
    prefix = f.portal.column_url(site, slug)
    return {r["url"]: r["title"] for r in f.db.query(
        "select url, title from documents where site_id = ? and url like ?", [site, prefix + "%"])}


def assert_complete(f, site: str, slug: str):
    w = walk(f, site, slug)
    assert w is not None and w["walk"] == "complete", (site, slug, w)
    assert w["entries"] == PAGES * PER_PAGE
    titles = stored_titles(f, site, slug)
    expected = {f"{f.portal.column_url(site, slug)}doc{n}.html": doc_title(site, slug, n)
                for n in range(1, PAGES * PER_PAGE + 1)}
    assert titles == expected


def assert_nothing_concluded(f, site: str, slug: str = "czyjs"):
    url = f.portal.column_url(site, slug)
    w = walk(f, site, slug)
    assert w is None or w["walk"] not in ("complete", "incremental"), w
    bad = [x for x in f.findings if x.site_id == site and (x.column_url == url or x.rule in NO_CONCLUSION)]
    assert not bad, [(x.rule, x.message) for x in bad]
    events = list(f.db.query("select * from document_events d join columns c on c.id = d.column_id "
                             "where d.run_id = ? and c.url = ? and d.event = 'removed-from-column'", [f.run_id, url]))
    assert not events


def test_the_healthy_site_is_crawled_completely_with_no_error_or_finding(faults):
    for slug in COLUMNS:
        assert_complete(faults, "healthy", slug)
    assert errors(faults, "healthy") == []
    assert [x for x in faults.findings if x.site_id == "healthy"] == []


# (site, target, kind, the healthy column of the site is read completely)
FAULTS = [
    ("captcha", "list", "blocked", True),
    ("offsite-list", "list", "offsite-redirect", True),
    ("garbage", "list", "not-html", True),
    ("binary", "list", "not-html", True),
    ("deep", "list", "too-complex", True),
    ("selector", "list", "selector-matched-nothing", False),  # the override applies to every column
    ("endless", "list", "truncated", True),
    ("storm", "list", "http", True),
    ("reset", "list", "connection", True),
    ("gzipbomb", "list", "too-large", True),
]


@pytest.mark.parametrize("site,target,kind,healthy_column", FAULTS, ids=[f[0] for f in FAULTS])
def test_a_faulty_list_is_a_recorded_error_and_never_a_finding(faults, site, target, kind, healthy_column):
    url = faults.portal.column_url(site)
    found = [(e["target"], e["kind"]) for e in errors(faults, site) if e["url"].startswith(url)]
    assert (target, kind) in found, (found, errors(faults, site))
    assert_nothing_concluded(faults, site)
    if healthy_column:
        assert_complete(faults, site, "shjz")
    assert_complete(faults, "healthy", "czyjs")


def test_a_redirect_off_the_site_is_recorded_with_its_target_and_not_followed(faults):
    foreign = faults.portal.base("foreign")
    entry = errors(faults, "offsite-entry", "entry")
    assert [e["kind"] for e in entry] == ["offsite-redirect"] and foreign in entry[0]["message"]
    listed = [e for e in errors(faults, "offsite-list", "list") if e["kind"] == "offsite-redirect"]
    assert len(listed) == 1 and foreign in listed[0]["message"]
    detail = errors(faults, "offsite-detail", "detail")
    assert [(e["kind"], e["url"]) for e in detail] == [
        ("offsite-redirect", faults.portal.column_url("offsite-detail") + "doc3.html")]
    assert foreign in detail[0]["message"]
    # Never followed: the other host was not asked anything, nothing of it is stored.
    assert faults.portal.hits.get("foreign", 0) == 0
    assert not list(faults.db.query("select url from documents where url like ?", [foreign + "%"]))
    assert not list(faults.db.query("select url from column_entries where url like ?", [foreign + "%"]))
    assert faults.db["sites"].get("offsite-entry")["status"] == "error"
    # The rest of the detail site is read: its list and the other nine documents.
    assert walk(faults, "offsite-detail")["walk"] == "complete"
    assert len(stored_titles(faults, "offsite-detail", "czyjs")) == PAGES * PER_PAGE - 1
    assert_complete(faults, "offsite-detail", "shjz")


@pytest.mark.parametrize("site", ["gbk-as-utf8", "utf8-as-gbk"])
def test_pages_whose_declared_charset_lies_are_stored_with_exact_titles(faults, site):
    for slug in COLUMNS:
        assert_complete(faults, site, slug)
        listed = {r["url"]: r["title"] for r in faults.db.query(
            "select e.url, e.title from column_entries e join columns c on c.id = e.column_id "
            "where c.site_id = ? and c.url = ?", [site, faults.portal.column_url(site, slug)])}
        assert listed == stored_titles(faults, site, slug)
    body = faults.db.execute("select body from documents where url = ?",
                             [faults.portal.column_url(site) + "doc1.html"]).fetchone()[0]
    assert "根据有关规定，现将有关情况公布如下" in body
    assert errors(faults, site) == []


def test_a_site_that_times_out_is_cut_off_after_a_few_timeouts(faults):
    rows = errors(faults, "drip")
    kinds = [r["kind"] for r in rows]
    assert "timeout" in kinds and "unreachable" in kinds, kinds
    assert kinds.count("timeout") <= 4      # ZWGK_HOST_TIMEOUTS=2, two requests in flight, one retry each
    assert len({r["url"] for r in rows if r["target"] == "list"}) == 6    # every column recorded
    assert not [x for x in faults.findings if x.site_id == "drip"]


def test_robots_txt_disallow_is_a_recorded_error(faults):
    rows = errors(faults, "robots")
    assert [(r["target"], r["kind"]) for r in rows] == [("entry", "robots")]
    assert faults.portal.hits.get("robots", 0) == 1   # robots.txt itself, nothing else
    assert not [x for x in faults.findings if x.site_id == "robots"]


def test_acceptance_one_healthy_and_five_faulty_sites(faults):
    """Healthy site complete; each faulty column has its recorded error; no column-empty or
    column-stale on a faulty column; GBK titles exact."""
    for slug in COLUMNS:
        assert_complete(faults, "healthy", slug)
    expected = {"captcha": "blocked", "offsite-list": "offsite-redirect", "garbage": "not-html",
                "deep": "too-complex"}
    for site, kind in expected.items():
        assert kind in {e["kind"] for e in errors(faults, site, "list")}, site
        assert_nothing_concluded(faults, site)
    assert_complete(faults, "gbk-as-utf8", "czyjs")
    assert "甲县2026年城乡最低生活保障资金发放公示（第1号）" in stored_titles(faults, "gbk-as-utf8", "shjz").values()


def test_a_truncated_walk_infers_no_removals(faults):
    """The pager goes on past ZWGK_MAX_PAGES_PER_COLUMN; on a later full read the newest entries have
    pushed older ones past the cap: they are not "removed", they were simply not read."""
    faults.portal.shift["endless"] = PER_PAGE * 2
    run_id, code = crawl(faults.sites, faults.db_path, settings={**SETTINGS, "ZWGK_REVISIT_DAYS": "0"},
                         only="endless")
    assert code == 0
    events = list(faults.db.query("select * from document_events where run_id = ? and event = 'removed-from-column'",
                                  [run_id]))
    assert events == []
    w = next(iter(faults.db.query(
        "select r.walk from column_runs r join columns c on c.id = r.column_id where r.run_id = ? and c.url = ?",
        [run_id, faults.portal.column_url("endless")])))
    assert w["walk"] not in ("complete", "incremental")
    findings = run_checks(faults.db, run_id, AS_OF)
    assert not [x for x in findings if x.rule in NO_CONCLUSION]



def test_the_report_names_each_error_kind_in_chinese(faults):
    from crawler.errors import KIND_NAMES, TARGET_NAMES
    from reports.render import render_report

    out = faults.work / "report"
    render_report(faults.db, faults.run_id, out)
    pages = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.html"))
    for target, kind in [("list", "blocked"), ("list", "offsite-redirect"), ("list", "not-html"),
                         ("list", "too-complex"), ("list", "selector-matched-nothing"), ("list", "truncated"),
                         ("entry", "robots"), ("list", "unreachable"), ("detail", "offsite-redirect")]:
        assert f"{TARGET_NAMES[target]}：{KIND_NAMES[kind]}" in pages, (target, kind)
    assert "selector-matched-nothing" not in pages and "offsite-redirect" not in pages
