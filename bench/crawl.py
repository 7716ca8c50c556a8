"""Crawl throughput and memory: zwgk's portal spider vs a bare Scrapy spider fetching the same pages,
and the crawl process's peak RSS at two scales of the demo portal.

    .venv/bin/python bench/crawl.py [--scale 5] [--warc-cost] [--rss-scales 1,5] [--rss-only]

Serves the demo portal scaled to >= 5,000 detail pages on loopback, crawls it with the full
pipeline (discovery, pagination, extraction, SQLite, the WARC evidence archive), then fetches the
very same requests with a spider that does no work at all. Prints pages/s and CPU ms/page for both
and their ratio, and the size of the run's WARC file. CPU is the crawl subprocess's own (user +
sys), so the demo server's work is not counted. ``--warc-cost`` also crawls with
``ZWGK_WARC=False`` into a second store and prints what the archive adds per page.

Memory: each of the two ``--rss-scales`` is crawled by a fresh process whose only child is the crawl,
so its peak RSS (``ru_maxrss`` of the children) is that crawl's alone. Prints both peaks and the
growth per extra 10,000 pages between them; the target is at most 5 MB (peak RSS must not grow with
the size of the work: pending requests, fingerprints and walk state are on disk or compact).
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler import store  # noqa: E402
from crawler.archive import warc_path  # noqa: E402
from crawler.runner import crawl  # noqa: E402
from zwgk.demo import DEMO_SETTINGS  # noqa: E402
from zwgk.demoportal import DemoPortal, serve  # noqa: E402


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(fn):
    cpu, wall = child_cpu(), time.perf_counter()
    result = fn()
    return result, time.perf_counter() - wall, child_cpu() - cpu


RSS_TARGET_MB_PER_10K_PAGES = 5.0


def one_crawl_rss(scale: int) -> None:
    """(Run in a fresh process.) Crawl the demo portal at ``scale``; print pages and the crawl's peak RSS in KB."""
    portal = DemoPortal(scale=scale)
    work = Path(tempfile.mkdtemp(prefix="zwgk-bench-rss-"))
    with serve(portal) as base_url:
        sites = work / "sites.yaml"
        sites.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        run_id, code = crawl(sites, work / "zwgk.db", settings={**DEMO_SETTINGS, "LOG_LEVEL": "WARNING"})
        assert code == 0, f"crawl failed, see {work}"
    pages = store.connect(work / "zwgk.db")["runs"].get(run_id)["pages"]
    print(pages, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)   # KB on Linux


def memory(scales: list[int]) -> None:
    results = []
    for scale in scales:
        out = subprocess.run([sys.executable, __file__, "--rss-one", str(scale)], check=True, capture_output=True,
                             text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        pages, kb = (int(v) for v in out.stdout.split()[-2:])
        results.append((scale, pages, kb / 1024))
    print(f"{'':>12} {'scale':>6} {'pages':>7} {'peak RSS MB':>12}")
    for scale, pages, mb in results:
        print(f"{'crawl':>12} {scale:>6} {pages:>7} {mb:>12.1f}")
    (_, small_pages, small_mb), (_, big_pages, big_mb) = results[0], results[-1]
    per_10k = (big_mb - small_mb) / (big_pages - small_pages) * 10_000 if big_pages != small_pages else float("nan")
    print(f"peak RSS per extra 10,000 pages: {per_10k:.1f} MB (target <= {RSS_TARGET_MB_PER_10K_PAGES:g} MB); "
          f"ratio of peaks {big_mb / small_mb:.2f} for {big_pages / small_pages:.1f}x the pages")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=5)
    parser.add_argument("--warc-cost", action="store_true", help="also crawl without the WARC archive")
    parser.add_argument("--rss-scales", default="1,5", help="two demo portal scales for the peak RSS comparison")
    parser.add_argument("--rss-only", action="store_true", help="only the memory comparison")
    parser.add_argument("--rss-one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_one:
        return one_crawl_rss(args.rss_one)
    if not args.rss_only:
        throughput(args.scale, args.warc_cost)
    memory(sorted(int(s) for s in args.rss_scales.split(",")))


def throughput(scale: int, warc_cost: bool) -> None:
    portal = DemoPortal(scale=scale)
    work = Path(tempfile.mkdtemp(prefix="zwgk-bench-"))
    with serve(portal) as base_url:
        sites = work / "sites.yaml"
        sites.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        db_path = work / "zwgk.db"
        settings = {**DEMO_SETTINGS, "LOG_LEVEL": "WARNING", "ZWGK_LOG_REQUESTS": "1"}
        (run_id, code), wall, cpu = measure(lambda: crawl(sites, db_path, settings=settings))
        assert code == 0, f"crawl failed, see {work}"
        no_warc = None
        if warc_cost:
            plain_db = work / "plain" / "zwgk.db"
            (plain_run, code), plain_wall, plain_cpu = measure(
                lambda: crawl(sites, plain_db, settings={**settings, "ZWGK_WARC": "False"}))
            assert code == 0, f"crawl without WARC failed, see {work}"
            no_warc = (store.connect(plain_db)["runs"].get(plain_run)["pages"], plain_wall, plain_cpu)
        db = store.connect(db_path)
        run = db["runs"].get(run_id)
        pages = run["pages"]
        docs = db.execute("select count(*) from documents").fetchone()[0]

        # The same requests, replayed without extraction or storage.
        requests_file = work / "requests.tsv"
        log = Path(run["log_path"]).with_suffix(".requests.tsv")
        requests_file.write_text(log.read_text(encoding="utf-8"), encoding="utf-8")
        replayed = sum(1 for _ in requests_file.open(encoding="utf-8"))
        cmd = [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "bench" / "bare_spider.py"),
               "-a", f"urls={requests_file}", "-s", "LOG_LEVEL=WARNING", "-s", "TELNETCONSOLE_ENABLED=False",
               *[a for k, v in DEMO_SETTINGS.items() for a in ("-s", f"{k}={v}")]]
        _, bare_wall, bare_cpu = measure(lambda: subprocess.run(cmd, check=True, cwd=work, env={**os.environ, "PYTHONPATH": str(ROOT)}))

    print(f"demo portal: scale {scale}, {len(portal.documents())} documents; stored {docs}")
    print(f"{'':>12} {'pages':>7} {'wall s':>8} {'pages/s':>9} {'CPU ms/page':>12}")
    print(f"{'zwgk':>12} {pages:>7} {wall:>8.1f} {pages / wall:>9.1f} {1000 * cpu / pages:>12.2f}")
    print(f"{'bare scrapy':>12} {replayed:>7} {bare_wall:>8.1f} {replayed / bare_wall:>9.1f} {1000 * bare_cpu / replayed:>12.2f}")
    print(f"ratio zwgk/bare: pages/s {(pages / wall) / (replayed / bare_wall):.2f}, "
          f"CPU/page {(cpu / pages) / (bare_cpu / replayed):.2f}")
    records = db.execute("select count(distinct offset) from warc_records where run_id = ?", [run_id]).fetchone()[0]
    warc_bytes = warc_path(db_path, run_id).stat().st_size if warc_path(db_path, run_id).exists() else 0
    print(f"WARC of the run: {records} pages archived, {warc_bytes / 1e6:.1f} MB "
          f"({warc_bytes / max(records, 1) / 1024:.1f} KiB per page)")
    if no_warc:
        n, w, c = no_warc
        print(f"{'no WARC':>12} {n:>7} {w:>8.1f} {n / w:>9.1f} {1000 * c / n:>12.2f}")
        print(f"the WARC archive adds {1000 * (cpu / pages - c / n):.2f} CPU ms/page "
              f"({100 * ((cpu / pages) / (c / n) - 1):+.0f} %)")


if __name__ == "__main__":
    main()
