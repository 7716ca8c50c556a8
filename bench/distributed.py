"""Crawling on Celery workers: the demo portal at scale crawled by 1 and by 2 local workers.

    .venv/bin/python bench/distributed.py [--copies 4] [--task-sites 6] [--delay 0.1] [--servers 4]

Serves the demo portal's six sites ``--copies`` times over, each copy of a site on a loopback address
of its own (4 copies: 24 sites on 24 hosts), from ``--servers`` processes (one Python process would
bound them all by its GIL), starts a redis-server of its own on a free loopback port, and crawls
every site with ``--engine celery`` (zwgk.distributed), first with one ``zwgk worker`` and then with
two (each ``--concurrency 1``, into a fresh SQLite store shared on this machine). The crawl is polite
per site as a real one is, at a rate that fits the bench in minutes: one request at a time per host,
``--delay`` seconds apart (Scrapy spaces the starts of a host's requests so), no random spread. The
default tasks are one copy of the six each: four equal tasks, two rounds for two workers. Defaults
for a 2-core machine: at most 12 hosts crawled at once at 10 requests/s, at 11-13 CPU ms a page in
all (worker, crawl, portal; as measured under load), is 1.3-1.5 cores at the start of a task round,
~0.9 on average (its three small sites end after a third of it).

Prints for each: wall time, pages, the CPU the machine spent (workers with their crawls, the portal's
server processes, this coordinator) as cores busy and per page, and the politeness as each host saw
it (arrival times logged by its server): how far a host's requests ever ran ahead of one per delay
(tests/localhub.py politeness(): under one delay means never one request more than the pace allows;
a second crawler on the host would add one every delay; requests that reach the host late, their
processes short of CPU, add some: up to 93 ms was seen at load 10-20 on 2 cores), the shortest time between
two consecutive requests to one host, and per host the requests per second: the mean over its
crawl and the most within one second (half-open windows).
Then the speed-up of two workers over one, and what bounds it: a task cannot end before its busiest
host has had all its requests at the delay (its politeness floor), so the floors scheduled over the
workers give the best speed-up politeness allows; tasks that take longer than their floors were
short of CPU; the rest is each task's start-up and the run's.
Exits 1 if a host's requests ran a whole request ahead of the pace, or a crawl failed.
"""
from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))   # tests/localhub.py: the hub, workers and hosts on this machine

from crawler import store  # noqa: E402
from crawler.exceptions import ZwgkError  # noqa: E402
from localhub import REDIS_SERVER, PortalHosts, politeness, redis_server, workers  # noqa: E402
from zwgk.demo import DEMO_SETTINGS  # noqa: E402
from zwgk.demoportal import DemoPortal  # noqa: E402
from zwgk.run import crawl_sites  # noqa: E402



def cpu_seconds(who) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


PR_SET_CHILD_SUBREAPER = 36


def adopt_orphans() -> None:
    """Become the parent of this process's orphaned descendants (Linux), so that their CPU, and that
    of what they reaped, counts in RUSAGE_CHILDREN once reaped (``reap_adopted``): a worker's crawls
    are forked by the fork server of its pool process (crawler.runner), which outlives that process
    by a moment and is reaped by whoever adopts it."""
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed: the workers' crawls cannot be counted")


def children() -> set[int]:
    me, found = str(os.getpid()), set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/stat", "rb") as f:
                    if f.read().rsplit(b")", 1)[1].split()[1].decode() == me:
                        found.add(int(pid))
            except (OSError, IndexError):
                continue
    return found


def reap_adopted(known: set[int], timeout: float = 60) -> None:
    """Wait for the processes this process adopted (children it did not start: not in ``known``)."""
    deadline = time.monotonic() + timeout
    while adopted := children() - known:
        for pid in adopted:
            try:
                os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"adopted processes {sorted(adopted)} did not end: their CPU is not counted")
        time.sleep(0.1)


def covered(spans: list[tuple[float, float]]) -> float:
    """How long at least one of ``spans`` (start, end) was under way."""
    total, reached = 0.0, float("-inf")
    for start, end in sorted(spans):
        total += max(0.0, end - max(start, reached))
        reached = max(reached, end)
    return total


def makespan(durations: list[float], n_workers: int) -> float:
    """When the last of ``durations`` ends, taken in order by ``n_workers`` workers as each gets free
    (Celery with prefetch 1)."""
    free = [0.0] * n_workers
    for d in durations:
        i = free.index(min(free))
        free[i] += d
    return max(free)


def crawl_with(n_workers: int, broker: str, sites_file: Path, workdir: Path, settings: dict, task_sites: int,
               hosts: PortalHosts, address_of: dict[str, str], delay: float, db: str | None = None) -> dict:
    run_dir = workdir / f"workers-{n_workers}"
    run_dir.mkdir()
    db_path = db.format(n=n_workers) if db else run_dir / "zwgk.db"
    store.connect(db_path).conn.close()
    hosts.take()   # forget what came before
    known = children()
    before, me = cpu_seconds(resource.RUSAGE_CHILDREN), cpu_seconds(resource.RUSAGE_SELF)
    with workers([f"bench{i}" for i in range(1, n_workers + 1)], broker, db_path, run_dir):
        wall = time.perf_counter()
        run = crawl_sites(sites_file, db_path, settings, engine="celery", broker=broker, task_sites=task_sites,
                          say=lambda line: None)
        wall = time.perf_counter() - wall
        arrivals, portal_cpu = hosts.take()
    # The workers and all they ran, counted when they were reaped (they stopped as the block ended),
    # their fork servers with the crawls when they were reaped here.
    reap_adopted(known)
    worker_cpu = cpu_seconds(resource.RUSAGE_CHILDREN) - before
    coordinator_cpu = cpu_seconds(resource.RUSAGE_SELF) - me
    db = store.connect(db_path)
    tasks = store.run_tasks(db, run["id"])
    db.conn.close()
    floors, spans = [], []   # each task's politeness floor, and when its hosts got their first and last request
    for task in tasks:   # in the order they were sent
        times = [arrivals[address_of[site]] for site in json.loads(task["site_ids"])]
        floors.append(max(len(t) - 1 for t in times) * delay)
        spans.append((min(min(t) for t in times if t), max(max(t) for t in times if t)))
    pages = max(1, run["pages"])
    return {"workers": n_workers, "wall": wall, "pages": run["pages"], "status": run["status"],
            "cores": (worker_cpu + portal_cpu + coordinator_cpu) / wall, "worker_ms": 1000 * worker_cpu / pages,
            "portal_ms": 1000 * portal_cpu / pages, "tasks": len(tasks), "floors": floors, "spans": spans,
            "used": len({t["worker"] for t in tasks}), **politeness(arrivals, delay)}


def sites_config(portal: DemoPortal, copies: int, bases: list[str]) -> tuple[str, dict[str, str]]:
    """The sites config: each copy of each demo site on the next of ``bases``; and each site's address."""
    lines, address_of, bases = ["sites:"], {}, iter(bases)
    for copy in range(1, copies + 1):
        for entry in portal.sites_yaml("http://BASE").split("  - id: ")[1:]:
            entry = "  - id: " + entry.rstrip("\n")
            site_id = entry.split("\n", 1)[0].split(": ", 1)[1]
            base = next(bases)
            lines.append(entry.replace(f"id: {site_id}", f"id: {site_id}-{copy}", 1).replace("http://BASE", base))
            address_of[f"{site_id}-{copy}"] = base.split("//", 1)[1].rsplit(":", 1)[0]
    return "\n".join(lines) + "\n", address_of


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=4, help="copies of the six demo sites, one host each (default 4: 24 sites)")
    parser.add_argument("--task-sites", type=int, default=6, help="sites per task (default 6: one copy of the six a task)")
    parser.add_argument("--delay", type=float, default=0.1, help="seconds between two requests to one host (default 0.1)")
    parser.add_argument("--servers", type=int, default=4, help="processes serving the hosts (default 4)")
    parser.add_argument("--db", help="the store of the run with N workers: a PostgreSQL URL with {n} in its database "
                        "name (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/zwgk_w{n}; databases zwgk_w1 and "
                        "zwgk_w2 must exist and be empty). Default: a fresh SQLite file per run, which the workers "
                        "share: they take turns at its one write lock")
    args = parser.parse_args()
    if REDIS_SERVER is None:
        sys.exit("bench/distributed.py needs redis-server (apt-get install -y redis-server)")

    portal = DemoPortal()
    settings = {**DEMO_SETTINGS, "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "DOWNLOAD_DELAY": str(args.delay),
                "RANDOMIZE_DOWNLOAD_DELAY": "False", "LOG_LEVEL": "WARNING"}
    limit = 1 / args.delay
    addresses = [f"127.0.1.{n}" for n in range(1, 1 + args.copies * len(portal.sites))]
    workdir = Path(tempfile.mkdtemp(prefix="zwgk-bench-distributed-"))
    adopt_orphans()
    with PortalHosts(addresses, args.servers) as hosts, redis_server(workdir) as broker:
        config, address_of = sites_config(portal, args.copies, [hosts.bases[a] for a in addresses])
        sites_file = workdir / "sites.yaml"
        sites_file.write_text(config, encoding="utf-8")
        print(f"{len(addresses)} sites on {len(addresses)} loopback hosts served by {hosts.processes} processes, "
              f"{len(portal.documents())} documents per copy of the six; tasks of {args.task_sites} sites; per-site "
              f"politeness: 1 request at a time, {args.delay} s apart (at most {limit:g} requests/s per host); "
              f"load {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs", flush=True)
        results = []
        for n in (1, 2):
            try:
                results.append(crawl_with(n, broker, sites_file, workdir, settings, args.task_sites, hosts,
                                          address_of, args.delay, args.db))
            except ZwgkError as exc:
                sys.exit(f"the crawl with {n} worker(s) failed: {exc}\nits store and the workers' and tasks' logs: "
                         f"{workdir / f'workers-{n}'}")
            print(f"  {n} worker(s) done, load {os.getloadavg()[0]:.2f}", flush=True)
    shutil.rmtree(workdir)
    print(f"{'workers':>7} {'tasks':>5} {'wall s':>7} {'pages':>6} {'pages/s':>7} {'cores busy':>10} "
          f"{'worker ms/page':>14} {'portal ms/page':>14} {'ahead ms':>8} {'min gap s':>9} {'req/s/host mean, max':>20}  status")
    for r in results:
        print(f"{r['workers']:>7} {r['tasks']:>5} {r['wall']:>7.1f} {r['pages']:>6} {r['pages'] / r['wall']:>7.1f} "
              f"{r['cores']:>10.2f} {r['worker_ms']:>14.2f} {r['portal_ms']:>14.2f} {1000 * r['lead']:>8.1f} "
              f"{r['gap']:>9.4f} {r['rate']:>14.2f}, {r['second']:>3}  {r['status']} (workers used: {r['used']})")
    one, two = results
    floors = one["floors"]
    bound = makespan(floors, 1) / makespan(floors, 2)
    print(f"speed-up of 2 workers over 1: {one['wall'] / two['wall']:.2f}x (wall)")
    print(f"what bounds it: the per-site politeness allows at best {bound:.2f}x. A task takes at least its busiest "
          f"host's requests x {args.delay} s (its floor): {', '.join(f'{f:.1f}' for f in floors)} s; in the order "
          f"sent, on 1 worker they take at least {makespan(floors, 1):.1f} s, on 2 {makespan(floors, 2):.1f} s.")
    for r in results:
        stretch = [(end - start) / f for (start, end), f in zip(r["spans"], r["floors"]) if f]
        print(f"  {r['workers']} worker(s): the tasks crawled their hosts for {min(stretch):.2f}-{max(stretch):.2f}x "
              f"their floors; {r['wall'] - covered(r['spans']):.1f} s of the {r['wall']:.1f} s wall time no task was "
              f"crawling (crawl process start-ups, the run's start and close, the coordinator's 1 s polling); "
              f"cores busy {r['cores']:.2f} of {os.cpu_count()}")
    stretched = max((end - start) / f for r in results for (start, end), f in zip(r["spans"], r["floors"]) if f)
    verdict = ("bound by politeness: the tasks took about their floors" if stretched < 1.25 else
               "NOT bound by politeness: tasks took longer than their floors, their crawls short of CPU (the cores "
               "busy above, and other load on the machine)")
    print(f"  {verdict}; load {os.getloadavg()[0]:.2f}")
    ahead = max(results, key=lambda r: r["lead"])
    shortest = min(results, key=lambda r: r["gap"])
    busiest = max(results, key=lambda r: r["second"])
    polite = ahead["lead"] < args.delay
    print(f"per host, as the hosts saw it (politeness: requests {args.delay} s apart): the most a host's requests ran "
          f"ahead of that pace was {1000 * ahead['lead']:.1f} ms ({ahead['lead_host']}, {ahead['workers']} worker(s)): "
          f"{'less than one request' if polite else 'AT LEAST ONE REQUEST MORE THAN THE PACE ALLOWS'} (a second "
          f"crawler on a host would add one every {args.delay} s); the shortest time between two requests to one "
          f"host {shortest['gap']:.4f} s ({shortest['gap_host']}); the most requests one host received within one "
          f"second {busiest['second']} ({busiest['second_host']}), on average over its crawl "
          f"{max(r['rate'] for r in results):.2f}/s, against {limit:g}/s")
    if not polite or {r["status"] for r in results} != {"finished"}:
        sys.exit(1)


if __name__ == "__main__":
    main()
