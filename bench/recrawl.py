"""Incremental recrawl: requests and wall time of a first and a second crawl, and new-entry recall.

    .venv/bin/python bench/recrawl.py [--scale 1]

Serves the demo portal on loopback and crawls it four times into one store:
1. first crawl (everything);
2. second crawl of the unchanged portal (target: <= 5 % of the first crawl's requests);
3. after adding 5 % new entries — spread over the columns and many in single columns, so that new
   entries sit on the second and third list pages too — (target: 100 % of them stored);
4. after an edit, a removal and a newly failing page, with revisits forced (ZWGK_REVISIT_DAYS=0):
   which of the three the change history recorded.
Requests are Scrapy's downloader/request_count, as stored in runs.requests.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler import store  # noqa: E402
from crawler.runner import crawl  # noqa: E402
from zwgk.demo import DEMO_SETTINGS  # noqa: E402
from zwgk.demoportal import DemoPortal, serve  # noqa: E402


def timed_crawl(sites, db_path, settings=DEMO_SETTINGS):
    started = time.perf_counter()
    run_id, code = crawl(sites, db_path, settings={**settings, "LOG_LEVEL": "WARNING"}, poll_seconds=0.1)
    wall = time.perf_counter() - started
    db = store.connect(db_path)
    run = db["runs"].get(run_id)
    if code != 0 or run["status"] != "finished":
        sys.exit(f"crawl {run_id} failed: {run['status']} {run['note'] or ''}, see {run['log_path']}")
    return db, run, wall


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    portal = DemoPortal(scale=args.scale)
    work = Path(tempfile.mkdtemp(prefix="zwgk-recrawl-"))
    with serve(portal) as base:
        sites = work / "sites.yaml"
        sites.write_text(portal.sites_yaml(base), encoding="utf-8")
        db_path = work / "zwgk.db"

        db, first, first_wall = timed_crawl(sites, db_path)
        db, second, second_wall = timed_crawl(sites, db_path)

        total = len(portal.documents())
        target = -(-total * 5 // 100)
        added = portal.add_documents(22, "demo-trs/法定主动公开内容/政策文件")     # list pages of 20
        added += portal.add_documents(22, "demo-plain/法定主动公开内容/政策文件")
        added += portal.add_documents(max(0, target - len(added)))
        db, third, third_wall = timed_crawl(sites, db_path)
        stored = {r["url"] for r in db.query("select url from documents")}
        recall = sum(base + a.url_path in stored for a in added) / len(added)

        docs = [d for d in portal.documents() if d.status == 200 and d.list_date]
        edited, removed, failing = docs[len(docs) // 5], docs[len(docs) // 2], docs[4 * len(docs) // 5]
        portal.edit_document(edited.url_path)
        portal.remove_document(removed.url_path)
        portal.fail_document(failing.url_path)
        db, fourth, fourth_wall = timed_crawl(sites, db_path, {**DEMO_SETTINGS, "ZWGK_REVISIT_DAYS": "0"})
        events = {(r["event"], r["url"]) for r in db.query(
            "select event, url from document_events where run_id = ?", [fourth["id"]])}

    print(f"demo portal: scale {args.scale}, {total} documents; store {db_path}")
    print(f"{'crawl':<44} {'requests':>9} {'wall s':>7}")
    print(f"{'1. first':<44} {first['requests']:>9} {first_wall:>7.1f}")
    print(f"{'2. second, portal unchanged':<44} {second['requests']:>9} {second_wall:>7.1f}")
    print(f"{'3. after adding %d new entries (%.1f %%)' % (len(added), 100 * len(added) / total):<44} "
          f"{third['requests']:>9} {third_wall:>7.1f}")
    print(f"{'4. edit + removal + failure, revisit forced':<44} {fourth['requests']:>9} {fourth_wall:>7.1f}")
    print(f"second/first requests: {second['requests'] / first['requests']:.1%} (target <= 5 %)")
    print(f"new-entry recall after crawl 3: {recall:.1%} ({round(recall * len(added))}/{len(added)}; target 100 %)")
    found = {"edited": ("edited", base + edited.url_path) in events,
             "removed": ("removed-from-column", base + removed.url_path) in events,
             "failing": ("failing", base + failing.url_path) in events}
    print("change history of crawl 4: " + ", ".join(f"{k} {'recorded' if v else 'MISSED'}" for k, v in found.items()))
    if second["requests"] > 0.05 * first["requests"] or recall < 1 or not all(found.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
