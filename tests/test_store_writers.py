"""The store's writers (crawler.store.Writer) and the pipeline that only dispatches items to them, in process."""
from __future__ import annotations

import scrapy
from scrapy.utils.test import get_crawler

from crawler import store
from crawler.items import (ColumnItem, ColumnWalkItem, DocumentItem, FetchErrorItem, ListEntry, ListingItem, SiteItem,
                           open_walks)
from crawler.pipelines import StorePipeline
from crawler.sites import Site

SITE = "http://s.gov.cn/xxgk/"
COLUMN = "http://s.gov.cn/xxgk/czyjs/"


class Spider(scrapy.Spider):
    """A spider with nothing but a run: the pipeline must need nothing else from it (no ``walks``)."""
    name = "plain"


def crawl_items(db_path, items, *, open_items=()):
    """Items through the store pipeline as a crawl writes them; ``open_items``: the walks a spider
    reports still open when the crawl closes. Returns the run id."""
    db = store.connect(db_path)
    run_id = store.start_run(db, "crawl")
    db.conn.close()
    crawler = get_crawler(Spider, {"ZWGK_DB": str(db_path)})
    crawler.spider = Spider(run_id=run_id)
    assert not hasattr(crawler.spider, "walks")
    crawler.signals.connect(lambda: list(open_items), signal=open_walks, weak=False)
    pipeline = StorePipeline.from_crawler(crawler)
    pipeline.open_spider(crawler.spider)
    for item in items:
        pipeline.process_item(item)
    pipeline.close_spider(crawler.spider)
    pipeline.spider_closed(crawler.spider, "finished")
    return run_id


def site_items(*entries):
    yield SiteItem(Site("s", "示例县", "county", "示例省/示例县", SITE))
    yield ColumnItem("s", COLUMN, "财政预决算", "法定主动公开内容/财政预决算")
    if entries:
        yield ListingItem("s", COLUMN, [ListEntry(url, title, "2026-06-01") for url, title in entries])
    for url, title in entries:
        yield DocumentItem("s", COLUMN, url, title, published="2026-06-01", body=f"{title}正文")


def test_a_finished_walk_is_an_item_the_store_concludes(db_target):
    db_path = db_target
    run = crawl_items(db_path, [*site_items((f"{COLUMN}a.html", "甲"), (f"{COLUMN}b.html", "乙")),
                                ColumnWalkItem("s", COLUMN, "complete", 2, total=2,
                                               validators={COLUMN: ('"e1"', None)})])
    db = store.connect(db_path)
    row = db.execute("select entries, new_entries, pages, walk, total, empty_evidence, newest_date from column_runs "
                     "where run_id = ?", [run]).fetchone()
    assert row == (2, 2, 2, "complete", 2, None, "2026-06-01")
    assert db.execute("select url, etag from page_validators").fetchall() == [(COLUMN, '"e1"')]
    assert db.execute("select status, documents, new_documents, sites, columns from runs where id = ?",
                      [run]).fetchone() == ("finished", 2, 2, 1, 1)

    # The next run reads the column completely and no longer sees b.html: removed from the column.
    run2 = crawl_items(db_path, [*site_items((f"{COLUMN}a.html", "甲")),
                                 ColumnWalkItem("s", COLUMN, "complete", 1)])
    events = db.execute("select event, url from document_events where run_id = ?", [run2]).fetchall()
    assert events == [("removed-from-column", f"{COLUMN}b.html")]


def test_a_walk_still_open_at_close_is_partial_and_concludes_nothing(db_target):
    db_path = db_target
    crawl_items(db_path, [*site_items((f"{COLUMN}a.html", "甲"), (f"{COLUMN}b.html", "乙")),
                          ColumnWalkItem("s", COLUMN, "complete", 1)])
    # Interrupted after one page that listed only a.html: b.html is still listed, nothing was removed.
    run2 = crawl_items(db_path, list(site_items((f"{COLUMN}a.html", "甲"))),
                       open_items=[ColumnWalkItem("s", COLUMN, "partial", 1)])
    db = store.connect(db_path)
    assert db.execute("select walk, pages, entries from column_runs where run_id = ?", [run2]).fetchone() == (
        "partial", 1, 2)
    assert not db.execute("select 1 from document_events where event = 'removed-from-column'").fetchall()
    assert not store.concluded(1, "partial")


def test_an_empty_walk_keeps_what_showed_the_list_empty(db_target):
    db_path = db_target
    run = crawl_items(db_path, [*site_items(), ColumnWalkItem("s", COLUMN, "complete", 1, empty_evidence="暂无信息"),
                                FetchErrorItem("s", f"{COLUMN}x.pdf", "attachment", "http", "HTTP 404", 404, COLUMN)])
    db = store.connect(db_path)
    assert db.execute("select entries, empty_evidence from column_runs where run_id = ?", [run]).fetchone() == (
        0, "暂无信息")
    assert db.execute("select target, kind, status, column_id is not null from fetch_errors").fetchall() == [
        ("attachment", "http", 404, 1)]


def test_document_history_new_edited_failing_recovered(db_target):
    db = store.connect(db_target)
    url = f"{COLUMN}a.html"
    row = {"url": url, "site_id": "s", "column_id": None, "title": "甲", "body": "第一版"}
    runs = [store.record_run(db, status="running") for _ in range(4)]
    assert store.Writer(db, runs[0]).document(row) is True
    assert store.Writer(db, runs[1]).document({**row, "body": "第二版"}) is False
    store.Writer(db, runs[2]).document({**row, "http_status": 500})
    store.Writer(db, runs[3]).document({**row, "body": "第二版"})
    db.conn.commit()
    assert [e for (e,) in db.execute("select event from document_events order by id")] == [
        "new", "edited", "failing", "recovered"]
    # the superseded version keeps its text; the current one lives in documents
    assert db.execute("select version, body from document_versions order by version").fetchall() == [
        (1, "第一版"), (2, None)]
    assert db.execute("select body, http_status, last_run from documents").fetchone() == ("第二版", 200, runs[3])
