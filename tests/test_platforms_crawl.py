"""The platform styles of the demo portal crawled end to end (the session's demo crawl, tests/conftest.py):
TRS 动静结合 (static groups + POST search service), a script-only pager, gkmlpt (shell + JSON API)."""
from __future__ import annotations

import pytest

from crawler import store


@pytest.fixture(scope="module")
def db(demo_run):
    db = store.connect(demo_run.db_path)
    yield db
    db.conn.close()


def walk(db, demo_run, site_id: str, name: str) -> dict:
    col = next(c for c in demo_run.portal.site(site_id).columns if c.name == name)
    row = next(db.query(
        "select c.id, c.url, c.path, r.entries, r.pages, r.walk from columns c join column_runs r on r.column_id = c.id "
        "where c.site_id = ? and c.url = ? and r.run_id = ?", [site_id, demo_run.base_url + col.url_path, demo_run.run_id]))
    listed = [r["url"] for r in db.query("select url from column_entries where column_id = ?", [row["id"]])]
    truth = [demo_run.base_url + d.url_path for d in demo_run.portal.documents()
             if d.site_id == site_id and d.column_path == col.path]
    return {**row, "listed": listed, "truth": truth}


def list_errors(db, demo_run, site_id: str) -> list:
    return [dict(r) for r in db.query("select url, kind, status from fetch_errors where run_id = ? and site_id = ? "
                                      "and target = 'list'", [demo_run.run_id, site_id])]


def test_dongjing_crawl_reaches_the_oldest_entry_through_the_search_service(demo_run, db):
    w = walk(db, demo_run, "demo-fj", "通知公告")
    assert sorted(w["listed"]) == sorted(w["truth"]) and len(w["truth"]) > 20
    assert w["pages"] == 2 and w["walk"] == "complete"  # the static page and one POST for records 21..
    oldest = w["truth"][-1]
    dead = next(p for p in demo_run.portal.planted if p.site_id == "demo-fj")
    assert demo_run.base_url + dead.url_path == oldest
    assert db["documents"].get(oldest)["http_status"] == 404
    assert list_errors(db, demo_run, "demo-fj") == []


def test_script_pager_crawl_walks_to_the_last_page_and_stops(demo_run, db):
    w = walk(db, demo_run, "demo-js", "重大建设项目")
    assert sorted(w["listed"]) == sorted(w["truth"])
    assert w["pages"] == 3 == -(-len(w["truth"]) // 15) and w["walk"] == "complete"
    assert list_errors(db, demo_run, "demo-js") == []  # no page past the last one was asked for
    late = next(p for p in demo_run.portal.planted if p.site_id == "demo-js" and p.kind == "late-publication")
    assert demo_run.base_url + late.url_path in w["truth"][30:]


def test_gkmlpt_site_end_to_end_columns_entries_and_metadata(demo_run, db):
    site = demo_run.portal.site("demo-gd")
    stored = {r["url"]: r["path"] for r in db.query("select url, path from columns where site_id = 'demo-gd'")}
    assert stored == {demo_run.base_url + c.url_path: c.path for c in site.columns}  # from the shell's TREE
    w = walk(db, demo_run, "demo-gd", "政策文件")
    assert sorted(w["listed"]) == sorted(w["truth"]) and len(w["truth"]) > 100
    assert w["pages"] == 2 and w["walk"] == "complete"
    for doc in [d for d in demo_run.portal.documents() if d.site_id == "demo-gd"][::9]:
        row = db["documents"].get(demo_run.base_url + doc.url_path)
        assert (row["title"], row["published"], row["written"], row["doc_number"], row["index_number"],
                row["publisher"]) == (doc.title, doc.published.isoformat(), doc.written and doc.written.isoformat(),
                                      doc.doc_number, doc.index_number, doc.publisher)
    assert list_errors(db, demo_run, "demo-gd") == []
    stale = [f for f in db.query("select rule, url from findings where run_id = ? and site_id = 'demo-gd'",
                                 [demo_run.run_id])]
    assert [(f["rule"], f["url"]) for f in stale] == [
        ("column-stale", demo_run.base_url + next(p.url_path for p in demo_run.portal.planted if p.site_id == "demo-gd"))]


def test_empty_column_beside_the_hot_news_bar_is_column_empty_and_nothing_else(demo_run, db):
    got = sorted((f["rule"], f["url"]) for f in db.query(
        "select rule, url from findings where run_id = ? and site_id = 'demo-js'", [demo_run.run_id]))
    assert got == sorted((p.kind, demo_run.base_url + p.url_path) for p in demo_run.portal.planted
                         if p.site_id == "demo-js")
    assert ("column-empty", demo_run.base_url + "/qx/zwgk/ywjy/") in got
