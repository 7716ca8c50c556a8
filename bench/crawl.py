"""Crawl cost: zwgk's portal spider against a bare Scrapy spider fetching the same pages, where its CPU
goes, and how CPU per page and peak RSS grow with the size of the work.

    .venv/bin/python bench/crawl.py [--scales 5,20] [--repeats 3] [--profile] [--warc-cost]
                                    [--rss-scales 1,5] [--rss-only | --profile-only]

Throughput, at each of ``--scales`` (default 5; the acceptance pair is ``5,20``): serves the demo
portal scaled (scale 5 is about 13,000 pages) on loopback, crawls it with the full pipeline
(discovery, pagination, extraction, SQLite, the WARC evidence archive), then fetches the very same
requests with a spider that does no work at all (bench/bare_spider.py). Prints pages/s and CPU
ms/page for both, their ratio (target: zwgk <= 1.5x bare Scrapy's CPU per page), the crawl's peak
RSS, and how CPU/page at each larger scale compares with the first (target: within 10 %). CPU is
the crawl's own (user + sys), start-up included, so the demo server's work is not counted
(it is shown beside, per page: the server shares the machine's cores with the crawl): for zwgk the
crawl process's (it reports its own at its end: the runner's fork server, not this process, reaps
it) and the fork server's while it ran (the fork); the fork server's own start-up (its imports, once
per zwgk process, before the first crawl) is printed apart. Both kinds of
crawl of a scale run against one served portal, ``--repeats`` times each (default 3), alternating
which goes first, each zwgk crawl into a fresh store (a first crawl, the same requests); the figures
are each kind's median run by CPU/page, with the range: on a shared machine one run's CPU/page can
move by a quarter, bare Scrapy's as much as zwgk's.

``--profile``: one more crawl of the first scale under cProfile; prints where the crawl's CPU goes
(parsing, extraction, decoding, SQLite, the WARC archive, the spider's own logic, Scrapy/Twisted)
and the top functions by own time. Profiling slows the crawl down: its figures are shares, not
times. ``--warc-cost`` also crawls with ``ZWGK_WARC=False`` and prints what the archive adds per page.

Memory: each of the two ``--rss-scales`` is crawled by a fresh process; the crawl subprocess's own
peak RSS is its VmHWM, read from /proc while it runs (``ru_maxrss`` would count the size of the
fork server it was forked from). Prints both peaks and the
growth per extra 10,000 pages between them; the target is at most 5 MB (peak RSS must not grow with
the size of the work: pending requests, fingerprints and walk state are on disk or compact).
"""
from __future__ import annotations

import argparse
import json
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler import store  # noqa: E402
from crawler.archive import warc_path  # noqa: E402
from crawler.runner import crawl, crawl_cpu, crawl_server  # noqa: E402
from zwgk.demo import DEMO_SETTINGS  # noqa: E402
from zwgk.demoportal import DemoPortal, serve  # noqa: E402

RSS_TARGET_MB_PER_10K_PAGES = 5.0
CPU_RATIO_TARGET = 1.5
SCALE_GROWTH_TARGET = 0.10
QUIET = {**DEMO_SETTINGS, "LOG_LEVEL": "WARNING"}


def fork_servers() -> list[int]:
    """The fork servers of this process (crawler.runner.crawl_server): the crawl processes' parent."""
    me = str(os.getpid())
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    if f.read().rsplit(b")", 1)[1].split()[1].decode() != me:
                        continue
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    if b"multiprocessing.forkserver" in f.read():
                        found.append(int(pid))
            except (OSError, IndexError):
                continue
    return found


def fork_server_cpu() -> float:
    """Own CPU seconds (user + system) of this process's fork servers, read from /proc: this process
    reaps them, and so counts them in RUSAGE_CHILDREN, only when it ends. Their imports, then one
    fork per crawl."""
    total = 0
    for pid in fork_servers():
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])   # utime, stime (fields 14, 15 of proc(5))
        except (OSError, IndexError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def child_cpu() -> float:
    """All CPU spent for this process's crawls and subprocesses: the ended subprocesses it reaped, the
    crawl processes (as they reported it), the fork servers (so far)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime + crawl_cpu() + fork_server_cpu()


def start_fork_server() -> float:
    """Start the runner's fork server and wait until it has imported all: its CPU seconds so far."""
    context = crawl_server()
    ready = context.Process(target=os.getpid)   # forked only once the server has done its preload
    ready.start()
    ready.join()
    return fork_server_cpu()


def measure(fn):
    cpu, wall = child_cpu(), time.perf_counter()
    result = fn()
    return result, time.perf_counter() - wall, child_cpu() - cpu


FORKED = b"multiprocessing.forkserver"   # the command line of a process the fork server forked


class CrawlPeak:
    """The crawl process's own peak RSS (VmHWM), read from /proc while it runs: a zwgk crawl, forked
    by this process's fork server (``FORKED``), or a child of this process whose command line holds
    ``command``. Not ``ru_maxrss``: a forked process starts with its parent's as its "peak"."""

    def __init__(self, command: bytes = FORKED):
        self.command = command
        self.kb = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()

    def _watch(self):
        me = str(os.getpid())
        while not self.done.wait(0.2):
            parents = {str(pid) for pid in fork_servers()} if self.command == FORKED else {me}
            for pid in os.listdir("/proc"):
                if not pid.isdigit():
                    continue
                try:
                    with open(f"/proc/{pid}/stat", "rb") as f:
                        if f.read().rsplit(b")", 1)[1].split()[1].decode() not in parents:
                            continue
                    with open(f"/proc/{pid}/cmdline", "rb") as f:
                        if self.command not in f.read():
                            continue
                    with open(f"/proc/{pid}/status") as f:
                        hwm = next((int(line.split()[1]) for line in f if line.startswith("VmHWM:")), 0)
                    self.kb = max(self.kb, hwm)
                except (OSError, IndexError, ValueError):
                    continue


def in_fresh_process(*args: str) -> dict:
    """Run this script with ``args`` in a new process; its last output line is a JSON result."""
    out = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    return json.loads(out.stdout.strip().splitlines()[-1])


def served(scale: int, fn):
    portal = DemoPortal(scale=scale)
    work = Path(tempfile.mkdtemp(prefix="zwgk-bench-"))
    with serve(portal) as base_url:
        sites = work / "sites.yaml"
        sites.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        return fn(portal, work, sites)


# -- throughput: zwgk against bare Scrapy, one scale per fresh process -------------------------------

def self_cpu() -> float:
    """This process's own CPU: the demo portal's server thread, the crawl's poller and the RSS watch."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def median_run(runs: list[dict], pages: str) -> dict:
    """The run of median CPU per page (the lower middle one of an even count)."""
    ordered = sorted(runs, key=lambda r: r["cpu"] / r[pages])
    return ordered[(len(ordered) - 1) // 2]


def one_throughput(scale: int, warc_cost: bool, repeats: int = 1) -> dict:
    """``repeats`` crawls of each kind against one served portal, alternating which goes first (zwgk,
    bare | bare, zwgk | ...): load that comes and goes on a shared machine hits both sides alike."""
    def run(portal, work, sites):
        settings = {**QUIET, "ZWGK_LOG_REQUESTS": "1"}
        requests_file = work / "requests.tsv"
        zwgk_runs, bare_runs = [], []
        startup = start_fork_server()

        def zwgk_crawl(n: int) -> None:
            db_path = work / f"zwgk-{n}" / "zwgk.db"   # a fresh store each time: a first crawl, the same requests
            db_path.parent.mkdir()
            server = self_cpu()
            with CrawlPeak() as peak:
                (run_id, code), wall, cpu = measure(lambda: crawl(sites, db_path, settings=settings))
            server = self_cpu() - server
            assert code == 0, f"crawl failed, see {work}"
            db = store.connect(db_path)
            row = db["runs"].get(run_id)
            result = {"pages": row["pages"], "wall": wall, "cpu": cpu, "server_cpu": server,
                      "peak_mb": peak.kb / 1024,
                      "stored": db.execute("select count(*) from documents").fetchone()[0],
                      "warc_records": db.execute("select count(distinct offset) from warc_records where run_id = ?",
                                                 [run_id]).fetchone()[0]}
            warc = warc_path(db_path, run_id)
            result["warc_bytes"] = warc.stat().st_size if warc.exists() else 0
            db.conn.close()
            if not requests_file.exists():
                # The requests the first crawl sent, replayed by bare Scrapy without extraction or storage.
                requests_file.write_text(Path(row["log_path"]).with_suffix(".requests.tsv").read_text(encoding="utf-8"),
                                         encoding="utf-8")
            zwgk_runs.append(result)

        def bare_crawl() -> None:
            cmd = [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "bench" / "bare_spider.py"),
                   "-a", f"urls={requests_file}", "-s", "LOG_LEVEL=WARNING", "-s", "TELNETCONSOLE_ENABLED=False",
                   *[a for k, v in DEMO_SETTINGS.items() for a in ("-s", f"{k}={v}")]]
            server = self_cpu()
            with CrawlPeak(b"bare_spider.py") as peak:
                _, wall, cpu = measure(lambda: subprocess.run(
                    cmd, check=True, cwd=work, env={**os.environ, "PYTHONPATH": str(ROOT)}))
            bare_runs.append({"replayed": sum(1 for _ in requests_file.open(encoding="utf-8")), "wall": wall,
                              "cpu": cpu, "server_cpu": self_cpu() - server, "peak_mb": peak.kb / 1024})

        for n in range(repeats):
            if n % 2 == 0:
                zwgk_crawl(n)
                bare_crawl()
            else:
                bare_crawl()
                zwgk_crawl(n)
        result = {"scale": scale, "documents": len(portal.documents()), "zwgk": zwgk_runs, "bare": bare_runs,
                  "fork_server_cpu": startup}
        if warc_cost:
            plain_db = work / "plain" / "zwgk.db"
            (plain_run, code), plain_wall, plain_cpu = measure(
                lambda: crawl(sites, plain_db, settings={**settings, "ZWGK_WARC": "False"}))
            assert code == 0, f"crawl without WARC failed, see {work}"
            result["no_warc"] = (store.connect(plain_db)["runs"].get(plain_run)["pages"], plain_wall, plain_cpu)
        return result

    return served(scale, run)


def throughput(scales: list[int], warc_cost: bool, repeats: int) -> None:
    results = [in_fresh_process("--one-throughput", str(s), "--repeats", str(repeats),
                                *(["--warc-cost"] if warc_cost else [])) for s in scales]
    print(f"median of {repeats} crawl(s) of each kind per scale, by CPU/page (range in brackets); the server "
          "column is the CPU of the process serving the demo portal, per page (not counted on either side)")
    print(f"{'':>12} {'scale':>6} {'pages':>7} {'wall s':>8} {'pages/s':>9} {'CPU ms/page':>12} {'range':>13} "
          f"{'server ms/page':>15} {'peak RSS MB':>12}")
    for r in results:
        for label, runs, pages in (("zwgk", r["zwgk"], "pages"), ("bare scrapy", r["bare"], "replayed")):
            m = median_run(runs, pages)
            per_page = sorted(1000 * x["cpu"] / x[pages] for x in runs)
            print(f"{label:>12} {r['scale']:>6} {m[pages]:>7} {m['wall']:>8.1f} {m[pages] / m['wall']:>9.1f} "
                  f"{1000 * m['cpu'] / m[pages]:>12.2f} {f'[{per_page[0]:.2f}-{per_page[-1]:.2f}]':>13} "
                  f"{1000 * m['server_cpu'] / m[pages]:>15.2f} {m['peak_mb']:>12.1f}")
        startup = r["fork_server_cpu"]
        print(f"{'':>12} the fork server's start-up, once per zwgk process (not in the figures above): "
              f"{startup:.2f} CPU s, {1000 * startup / median_run(r['zwgk'], 'pages')['pages']:.3f} ms/page")
    for r in results:
        z, b = median_run(r["zwgk"], "pages"), median_run(r["bare"], "replayed")
        ratio = (z["cpu"] / z["pages"]) / (b["cpu"] / b["replayed"])
        pairs = ", ".join(f"{(x['cpu'] / x['pages']) / (y['cpu'] / y['replayed']):.2f}" for x, y in zip(r["zwgk"], r["bare"]))
        print(f"scale {r['scale']} ({r['documents']} documents, {z['stored']} stored): ratio zwgk/bare "
              f"CPU/page {ratio:.2f} (target <= {CPU_RATIO_TARGET:g}; each pair: {pairs}), "
              f"pages/s {(z['pages'] / z['wall']) / (b['replayed'] / b['wall']):.2f}; WARC "
              f"{z['warc_records']} pages, {z['warc_bytes'] / 1e6:.1f} MB "
              f"({z['warc_bytes'] / max(z['warc_records'], 1) / 1024:.1f} KiB per page)")
        if "no_warc" in r:
            n, w, c = r["no_warc"]
            print(f"{'no WARC':>12} {r['scale']:>6} {n:>7} {w:>8.1f} {n / w:>9.1f} {1000 * c / n:>12.2f}")
            print(f"the WARC archive adds {1000 * (z['cpu'] / z['pages'] - c / n):.2f} CPU ms/page "
                  f"({100 * ((z['cpu'] / z['pages']) / (c / n) - 1):+.0f} %)")
    first = median_run(results[0]["zwgk"], "pages")
    for r in results[1:]:
        z = median_run(r["zwgk"], "pages")
        growth = (z["cpu"] / z["pages"]) / (first["cpu"] / first["pages"]) - 1
        print(f"scale {r['scale']} against scale {results[0]['scale']} ({z['pages'] / first['pages']:.1f}x the pages): "
              f"CPU/page {100 * growth:+.0f} % (target within {100 * SCALE_GROWTH_TARGET:.0f} %), "
              f"peak RSS {first['peak_mb']:.1f} -> {z['peak_mb']:.1f} MB")


# -- the profile -------------------------------------------------------------------------------------

# Where a function's own time goes, by where it is defined (first match wins). Built-ins and the
# standard library (a regex search, str.join, isinstance) count for whoever called them.
CATEGORIES = [
    ("parsing (lxml)", ("crawler/extraction/dom.py:_document", "lxml/html/__init__.py:document_fromstring",
                        "lxml.etree.fromstring", "lxml.etree.HTML")),
    ("decoding", ("crawler/pages.py", "crawler/extraction/encoding.py", "charset_normalizer", "chardet")),
    ("extraction", ("crawler/extraction/", "lxml", "trafilatura", "htmldate", "justext", "courlan", "tldextract",
                    "dateparser")),
    ("SQLite", ("crawler/pipelines.py", "crawler/store.py", "sqlite_utils", "crawler/recrawl.py",
                "crawler/dupefilter.py")),
    ("WARC archive", ("crawler/archive.py", "warcio", "crawler/extensions.py")),
    ("spider logic", ("crawler/spiders/", "crawler/walk.py", "crawler/middlewares.py", "crawler/blocking.py",
                      "crawler/items.py", "crawler/errors.py", "crawler/sites.py")),
]
SCRAPY = "Scrapy, Twisted and the rest"
STDLIB = os.path.dirname(os.__file__)


def own_category(key: tuple) -> str | None:
    """The category of a function by where it is defined; None for a built-in or the standard library."""
    filename, _, name = key
    where = f"{filename}:{name}"
    for label, needles in CATEGORIES:
        if any(n in where for n in needles):
            return label
    if filename == "~" or (filename.startswith(STDLIB) and "site-packages" not in filename):
        return None
    return SCRAPY


def attribute(stats: pstats.Stats) -> dict[str, float]:
    """Seconds of own time per category; a built-in's or the standard library's own time goes to its
    callers' categories, in proportion to the time each caller spent in it (up to a few levels)."""
    table = stats.stats
    memo: dict = {}

    def shares(key, depth=0) -> dict[str, float]:
        """How the time spent in ``key`` splits over categories (fractions summing to 1)."""
        if key in memo:
            return memo[key]
        label = own_category(key)
        if label is not None or depth > 4 or key not in table or not table[key][4]:
            memo[key] = {label or SCRAPY: 1.0}
            return memo[key]
        memo[key] = {SCRAPY: 1.0}   # a cycle resolves to the rest
        callers = table[key][4]
        total = sum(edge[2] for edge in callers.values()) or 1.0
        out: dict[str, float] = defaultdict(float)
        for caller, edge in callers.items():
            for lab, frac in shares(caller, depth + 1).items():
                out[lab] += frac * edge[2] / total
        memo[key] = dict(out)
        return memo[key]

    seconds: dict[str, float] = defaultdict(float)
    for key, (_, _, own, _, _) in table.items():
        for label, frac in shares(key).items():
            seconds[label] += own * frac
    return seconds


def category(key: tuple) -> str:
    return own_category(key) or "(built-in / stdlib: its callers')"


# ``scrapy`` under cProfile timed by the process's CPU clock: the default (wall) clock counts the
# time other processes on a shared machine take from the crawl, and the time it waits on the disk.
PROFILED_SCRAPY = """
import cProfile, runpy, sys, time
out, sys.argv = sys.argv[1], ["scrapy", *sys.argv[2:]]
profiler = cProfile.Profile(time.process_time)
profiler.enable()
try:
    runpy.run_module("scrapy", run_name="__main__", alter_sys=True)
finally:
    profiler.disable()
    profiler.dump_stats(out)
"""


def profile(scale: int, top: int = 15) -> None:
    def run(portal, work, sites):
        out = work / "crawl.prof"
        db_path = work / "zwgk.db"
        cmd = [sys.executable, "-c", PROFILED_SCRAPY, str(out), "crawl", "portal",
               "-a", f"sites={sites}", "-s", f"ZWGK_DB={db_path}", "-s", f"JOBDIR={work / 'jobdir'}",
               *[a for k, v in QUIET.items() for a in ("-s", f"{k}={v}")]]
        subprocess.run(cmd, check=True, cwd=work, env={**os.environ, "PYTHONPATH": str(ROOT),
                                                       "SCRAPY_SETTINGS_MODULE": "crawler.settings"})
        return pstats.Stats(str(out)), store.connect(db_path).execute("select max(pages) from runs").fetchone()[0]

    stats, pages = served(scale, run)
    by_category = attribute(stats)
    rows = [(own, calls, cumulative, key) for key, (_, calls, own, cumulative, _) in stats.stats.items()]
    total = sum(by_category.values())
    print(f"profile of a crawl at scale {scale} ({pages} pages; {1000 * total / pages:.2f} CPU ms/page under the "
          "profiler, which slows small calls most): share of the time")
    for label, seconds in sorted(by_category.items(), key=lambda kv: -kv[1]):
        print(f"  {label:<30} {100 * seconds / total:5.1f} %")
    print(f"top {top} functions by own time:")
    for own, calls, cumulative, key in sorted(rows, reverse=True)[:top]:
        filename, line, name = key
        where = f"{Path(filename).name}:{line}({name})" if line else name
        print(f"  {100 * own / total:5.1f} %  {calls:>9} calls  {where[:90]:<90} [{category(key)}]")


# -- memory ------------------------------------------------------------------------------------------

def one_crawl_rss(scale: int) -> dict:
    """(Run in a fresh process.) Crawl the demo portal at ``scale``: its pages and the crawl's peak RSS."""
    def run(portal, work, sites):
        with CrawlPeak() as peak:
            run_id, code = crawl(sites, work / "zwgk.db", settings=QUIET)
        assert code == 0, f"crawl failed, see {work}"
        return {"pages": store.connect(work / "zwgk.db")["runs"].get(run_id)["pages"], "kb": peak.kb}

    return served(scale, run)


def memory(scales: list[int]) -> None:
    results = [(scale, r["pages"], r["kb"] / 1024) for scale in scales
               for r in [in_fresh_process("--rss-one", str(scale))]]
    print(f"{'':>12} {'scale':>6} {'pages':>7} {'peak RSS MB':>12}")
    for scale, pages, mb in results:
        print(f"{'crawl':>12} {scale:>6} {pages:>7} {mb:>12.1f}")
    (_, small_pages, small_mb), (_, big_pages, big_mb) = results[0], results[-1]
    per_10k = (big_mb - small_mb) / (big_pages - small_pages) * 10_000 if big_pages != small_pages else float("nan")
    print(f"peak RSS per extra 10,000 pages: {per_10k:.1f} MB (target <= {RSS_TARGET_MB_PER_10K_PAGES:g} MB); "
          f"ratio of peaks {big_mb / small_mb:.2f} for {big_pages / small_pages:.1f}x the pages")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="5", help="demo portal scales for the throughput comparison (e.g. 5,20)")
    parser.add_argument("--scale", type=int, help="one scale (same as --scales N)")
    parser.add_argument("--profile", action="store_true", help="also profile a crawl of the first scale")
    parser.add_argument("--warc-cost", action="store_true", help="also crawl without the WARC archive")
    parser.add_argument("--repeats", type=int, default=3,
                        help="crawls of each kind per scale (alternating which goes first); the median is shown")
    parser.add_argument("--rss-scales", default="1,5", help="two demo portal scales for the peak RSS comparison")
    parser.add_argument("--rss-only", action="store_true", help="only the memory comparison")
    parser.add_argument("--profile-only", action="store_true", help="only the profile (of the first scale)")
    parser.add_argument("--rss-one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--one-throughput", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss_one:
        return print(json.dumps(one_crawl_rss(args.rss_one)))
    if args.one_throughput:
        return print(json.dumps(one_throughput(args.one_throughput, args.warc_cost, args.repeats)))
    scales = [args.scale] if args.scale else [int(s) for s in args.scales.split(",")]
    if args.profile_only:
        return profile(scales[0])
    if not args.rss_only:
        throughput(scales, args.warc_cost, args.repeats)
        if args.profile:
            profile(scales[0])
    memory(sorted(int(s) for s in args.rss_scales.split(",")))


if __name__ == "__main__":
    main()
