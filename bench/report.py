"""Report rendering at scale: 150 sites, 1,000,000 documents, three checked runs.

    .venv/bin/python bench/report.py [--sites 150] [--documents 1000000] [--runs 3] [--keep DIR [--reuse]]

Builds the store with ``reports.synthetic.build_store`` (executemany in one transaction per table:
sites, columns, column_runs, documents, column_entries, findings, fetch_errors) and gives its latest
run a WARC archive as the crawl does (``reports.synthetic.archive_pages``: the entry, list and detail
pages the findings rest on, in ``zwgk-warc/run-N.warc.gz``), then measures in the same process:

- baseline: a bare ``select * from documents`` read through to the last row, the least any report
  that looked at every document would cost;
- WARC index: what the check adds for the evidence — each finding's page looked up among the
  archived records, and the findings' persistence (first found, runs in a row, fixed) re-derived;
- site + notice: ``render_report`` of the latest run with its notice draft, as ``zwgk report --notice``
  makes them (overview, changes, matrix, site pages, list pages, the cross-site findings list, the
  offline view of every archived page a finding rests on, and the .docx draft whose annex lists every
  finding), from a cold connection. The store is read once for both, and the work is shared by this
  process and helper processes forked from it (``render._Helper``): the machine's two cores. One
  helper counts the aggregates and reads the archived pages while this process reads the findings.

Prints the times (wall, and CPU time beside it: this process's and its helpers', as the machine may
be shared), how the site's wall time splits (reading the store while a helper counts the aggregates
and reads the archive, then this process's pages while the helpers write theirs, the views and the
draft), the total beside the baseline, the
load average, the WARC size of the run, the number of pages and the largest page, and exits non-zero
when the WARC index, the site and the notice together take 10 s or more (wall), or a page holds more
than 500 table rows (``render.PAGE_ROWS``).
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from checks.evidence import archived_records  # noqa: E402
from checks.persistence import update_persistence  # noqa: E402
from crawler import store  # noqa: E402
from reports import render  # noqa: E402
from reports.synthetic import archive_pages, build_store  # noqa: E402

LIMIT_SECONDS = 10.0


class Took(NamedTuple):
    wall: float
    cpu: float

    def __add__(self, other):
        return Took(self.wall + other.wall, self.cpu + other.cpu)

    def __str__(self):
        return f"{self.wall:.2f} s (CPU {self.cpu:.2f} s)"


def _cpu() -> float:
    """CPU time of this process and of the helper processes it has waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _timed(fn):
    """(fn's result, Took): wall time and CPU time (this process's and its helpers')."""
    wall, cpu = time.perf_counter(), _cpu()
    result = fn()
    return result, Took(time.perf_counter() - wall, _cpu() - cpu)


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg()) + f" on {os.cpu_count()} cores"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=150)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the store and report here and keep them")
    parser.add_argument("--reuse", action="store_true", help="with --keep: measure the store built there before")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="zwgk-bench-report-"))
    work.mkdir(parents=True, exist_ok=True)
    db_path, out, notice = work / "bench.db", work / "report", work / "通报.docx"
    reuse = bool(args.keep and args.reuse and db_path.exists())
    if not reuse:
        for stale in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
            stale.unlink(missing_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    try:
        if reuse:
            db = store.connect(db_path)
            run_id = db.execute("select max(id) from runs").fetchone()[0]
            info = {"run_id": run_id, "findings": db.execute("select count(*) from findings where run_id = ?",
                                                             [run_id]).fetchone()[0]}
            docs = db.execute("select count(*) from documents").fetchone()[0]
            records = db.execute("select count(*) from warc_records where run_id = ?", [run_id]).fetchone()[0]
            db.conn.close()
            warc_file = db_path.parent / f"{db_path.stem}-warc" / f"run-{run_id}.warc.gz"
            archives = {run_id: {"records": records, "bytes": warc_file.stat().st_size, "path": warc_file}}
            archived = 0.0
            print(f"store: reused {db_path} ({docs:,} documents, {run_id} runs, {info['findings']:,} findings in the "
                  f"latest; its WARC was written when it was built)")
        else:
            t0 = time.perf_counter()
            info = build_store(db_path, sites=args.sites, documents=args.documents, runs=args.runs)
            build = time.perf_counter() - t0
            size_mb = db_path.stat().st_size / 1e6
            t0 = time.perf_counter()
            archives = archive_pages(db_path, runs=[info["run_id"]])
            archived = time.perf_counter() - t0
            print(f"store: {args.sites} sites, {args.documents:,} documents, {args.runs} runs, "
                  f"{info['findings']:,} findings; built in {build:.1f} s ({size_mb:.0f} MB)")
        os.sync()  # let the build's writes reach the disk now, not during the measurements

        # Five people share this machine's two cores: every figure is wall time with this process's CPU
        # time beside it (less disturbed by the others), and the load average is printed with them.
        print(f"load average at start: {_load()}")
        db = store.connect(db_path)
        (rows,), baseline = _timed(lambda: (sum(1 for _ in db.conn.execute("select * from documents")),))
        db.conn.close()
        print(f"baseline: select * from documents ({rows:,} rows) in {baseline}")

        warc = archives[info["run_id"]]
        print(f"WARC of run {info['run_id']}: {warc['records']:,} pages (entry, list and detail pages the findings "
              f"rest on), {warc['bytes'] / 1e6:.1f} MB ({warc['bytes'] / max(warc['records'], 1) / 1024:.1f} KiB per "
              f"page, request and response records); written in {archived:.1f} s")

        db = store.connect(db_path)

        def index():
            pages = [r[0] for r in db.execute("select page_url from findings where run_id = ?", [info["run_id"]])]
            found = archived_records(db, info["run_id"], pages)
            with db.conn:
                update_persistence(db, info["run_id"])
            return pages, found

        (pages, found), indexed = _timed(index)
        db.conn.close()
        print(f"WARC index: {len(pages):,} findings, {len(found):,} archived pages looked up, persistence derived "
              f"in {indexed}")

        db = store.connect(db_path)
        notice.unlink(missing_ok=True)
        own = time.process_time()
        stats, elapsed = _timed(lambda: render.render_report_stats(db, info["run_id"], out, notice=notice))
        own = time.process_time() - own
        db.conn.close()
        views = len(list((out / "evidence").glob("*.html"))) if (out / "evidence").is_dir() else 0
        most_rows = max(len(re.findall(r"<tr\b", p.read_text(encoding="utf-8"))) - 1 for p in out.glob("*.html"))
        print(f"site + notice: {elapsed} for {stats['pages']} pages, {stats['views']:,} archived-page views in "
              f"{views:,} files and the notice draft ({notice.stat().st_size / 1e6:.1f} MB .docx); largest page "
              f"{stats['largest_page']} {stats['largest_bytes'] / 1024:.0f} KiB; most table rows on one page {most_rows}")
        print(f"  wall: reading the store {stats['load_seconds']:.2f} s, then this process's pages "
              f"{elapsed.wall - stats['load_seconds']:.2f} s (of which {stats['waited_seconds']:.2f} s waiting for the "
              f"archived pages' links and {stats['waited_end_seconds']:.2f} s for the helpers at the end); a helper "
              f"started with it counted the aggregates, read the archive and wrote the views in "
              f"{stats['helper_seconds']:.2f} s, another wrote the cross-site list, the draft and a share of the site "
              f"pages")
        print(f"  CPU: this process {own:.2f} s, the helpers {elapsed.cpu - own:.2f} s (a helper counts the "
              f"aggregates and reads the archive while this process reads the store; after that the work is "
              f"shared by the two cores)")
        total = indexed + elapsed
        print(f"total WARC index + site + notice: {total}; baseline {baseline}")
        print(f"ratio total / baseline: {total.wall / baseline.wall:.2f} wall, {total.cpu / baseline.cpu:.2f} CPU "
              f"(site + notice {elapsed.wall / baseline.wall:.2f} wall, {elapsed.cpu / baseline.cpu:.2f} CPU)")
        print(f"load average at end: {_load()}")
        ok = total.wall < LIMIT_SECONDS and most_rows <= render.PAGE_ROWS
        print(f"{'PASS' if ok else 'FAIL'}: WARC index + site + notice < {LIMIT_SECONDS:.0f} s and every page "
              f"<= {render.PAGE_ROWS} table rows")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
