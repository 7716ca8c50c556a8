"""Report rendering at scale: 150 sites, 1,000,000 documents, three checked runs.

    .venv/bin/python bench/report.py [--sites 150] [--documents 1000000] [--runs 3] [--keep DIR]

Builds the store with ``reports.synthetic.build_store`` (executemany in one transaction per table:
sites, columns, column_runs, documents, column_entries, findings, fetch_errors), then measures in
the same process:

- baseline: a bare ``select * from documents`` read through to the last row, the least any report
  that looked at every document would cost;
- render: ``render_report`` of the latest run (overview, changes, matrix, site pages, list pages),
  from a cold connection.

Prints both times, their ratio, the number of pages and the largest page, and exits non-zero when
rendering takes 10 s or more or a page holds more than 500 table rows.
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler import store  # noqa: E402
from reports import render  # noqa: E402
from reports.synthetic import build_store  # noqa: E402

LIMIT_SECONDS = 10.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", type=int, default=150)
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the store and report here and keep them")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="zwgk-bench-report-"))
    work.mkdir(parents=True, exist_ok=True)
    db_path, out = work / "bench.db", work / "report"
    for stale in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(out, ignore_errors=True)
    try:
        t0 = time.perf_counter()
        info = build_store(db_path, sites=args.sites, documents=args.documents, runs=args.runs)
        build = time.perf_counter() - t0
        size_mb = db_path.stat().st_size / 1e6
        os.sync()  # let the build's writes reach the disk now, not during the measurements
        print(f"store: {args.sites} sites, {args.documents:,} documents, {args.runs} runs, "
              f"{info['findings']:,} findings; built in {build:.1f} s ({size_mb:.0f} MB)")

        db = store.connect(db_path)
        t0 = time.perf_counter()
        rows = sum(1 for _ in db.conn.execute("select * from documents"))
        baseline = time.perf_counter() - t0
        db.conn.close()
        print(f"baseline: select * from documents ({rows:,} rows) in {baseline:.2f} s")

        db = store.connect(db_path)
        t0 = time.perf_counter()
        stats = render.render_report_stats(db, info["run_id"], out)
        elapsed = time.perf_counter() - t0
        db.conn.close()
        most_rows = max(len(re.findall(r"<tr\b", p.read_text(encoding="utf-8"))) - 1 for p in out.glob("*.html"))
        print(f"render: {elapsed:.2f} s (reading the store {stats['load_seconds']:.2f} s) for {stats['pages']} pages; largest page {stats['largest_page']} "
              f"{stats['largest_bytes'] / 1024:.0f} KiB; most table rows on one page {most_rows}")
        print(f"ratio render / baseline: {elapsed / baseline:.2f}")
        ok = elapsed < LIMIT_SECONDS and most_rows <= render.PAGE_ROWS + render.PREVIEW_ROWS
        print(f"{'PASS' if ok else 'FAIL'}: render < {LIMIT_SECONDS:.0f} s and every list page <= {render.PAGE_ROWS} rows")
        return 0 if ok else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
