"""Crawling on Celery workers: the demo portal at scale crawled by 1 and by 2 local workers.

    .venv/bin/python bench/distributed.py [--copies 4] [--task-sites 6] [--delay 0.1]

Serves the demo portal's six sites ``--copies`` times over, each copy of a site on a loopback address
of its own (4 copies: 24 sites on 24 hosts), starts a redis-server of its own on a free loopback
port, and crawls every site with ``--engine celery`` (zwgk.distributed), first with one
``zwgk worker`` and then with two (each ``--concurrency 1``, into a fresh SQLite store shared on this
machine). The crawl is polite per site as a real one is, at a rate that fits the bench in minutes:
one request at a time per host, ``--delay`` seconds apart, no random spread (so the limit is exact:
1/delay requests per second per host).

Prints for each: wall time, pages, CPU ms per page on the workers (the crawl processes and Celery
together, from the workers' reaped children), the highest number of requests one host received
within any one second (counted by the server, as the host sees them) against the per-site limit,
and the speed-up of two workers over one. The per-host figure must not exceed the limit however
many workers run: sites sharing a host are one task, crawled by one Scrapy process.
"""
from __future__ import annotations

import argparse
import bisect
import contextlib
import os
import resource
import shutil
import signal
import socket
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
from zwgk.demo import DEMO_SETTINGS  # noqa: E402
from zwgk.demoportal import DemoPortal, serve  # noqa: E402
from zwgk.run import crawl_sites  # noqa: E402


class CountingPortal:
    """The demo portal, with the time of every request each host receives."""

    def __init__(self, portal: DemoPortal):
        self.portal = portal
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)

    def handle(self, method, path, body, headers):
        with self.lock:
            self.times[headers.get("Host") or headers.get("host") or "?"].append(time.monotonic())
        return self.portal.handle(method, path, body, headers)

    def reset(self):
        with self.lock:
            self.times.clear()

    def busiest_second(self) -> tuple[int, str]:
        """The most requests one host received within any one second, and that host."""
        best = (0, "")
        with self.lock:
            for host, times in self.times.items():
                times = sorted(times)
                for i, t in enumerate(times):
                    n = bisect.bisect_left(times, t + 1.0, lo=i) - i
                    best = max(best, (n, host))
        return best

    def requests(self) -> int:
        with self.lock:
            return sum(len(t) for t in self.times.values())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def redis_server(workdir: Path):
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("bench/distributed.py needs redis-server (apt-get install -y redis-server)")
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    deadline = time.monotonic() + 20
    while True:
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    try:
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextlib.contextmanager
def workers(n: int, broker: str, db_path: Path, workdir: Path):
    started = []
    for i in range(1, n + 1):
        log = workdir / f"worker{i}.log"
        started.append((subprocess.Popen(
            [sys.executable, "-m", "zwgk.cli", "worker", "--broker", broker, "--db", str(db_path), "--concurrency", "1",
             "--name", f"bench{i}@%h"], cwd=workdir, stdout=log.open("wb"),
            stderr=subprocess.STDOUT, env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True), log))
    try:
        deadline = time.monotonic() + 60
        for process, log in started:
            while b" ready." not in log.read_bytes():
                if process.poll() is not None or time.monotonic() > deadline:
                    sys.exit(f"a worker did not start: see {log}")
                time.sleep(0.2)
        yield
    finally:
        for process, _ in started:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, _ in started:
            process.wait(timeout=60)


def crawl_with(n_workers: int, broker: str, sites_file: Path, workdir: Path, settings: dict, task_sites: int,
               counting: CountingPortal) -> dict:
    run_dir = workdir / f"workers-{n_workers}"
    run_dir.mkdir()
    db_path = run_dir / "zwgk.db"
    store.connect(db_path).conn.close()
    counting.reset()
    cpu = child_cpu()
    with workers(n_workers, broker, db_path, run_dir):
        wall = time.perf_counter()
        run = crawl_sites(sites_file, db_path, settings, engine="celery", broker=broker, task_sites=task_sites,
                          say=lambda line: None)
        wall = time.perf_counter() - wall
    cpu = child_cpu() - cpu   # the workers and all they ran, reaped when they stopped
    db = store.connect(db_path)
    tasks = store.run_tasks(db, run["id"])
    db.conn.close()
    busiest, host = counting.busiest_second()
    return {"workers": n_workers, "wall": wall, "pages": run["pages"], "requests": counting.requests(),
            "status": run["status"], "cpu_ms_page": 1000 * cpu / max(1, run["pages"]), "busiest": busiest,
            "host": host, "tasks": len(tasks), "per_worker": sorted({t["worker"] for t in tasks})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=4, help="copies of the six demo sites, one host each (default 4: 24 sites)")
    parser.add_argument("--task-sites", type=int, default=6, help="sites per task (default 6: one copy of the six a task)")
    parser.add_argument("--delay", type=float, default=0.1, help="seconds between two requests to one host (default 0.1)")
    args = parser.parse_args()

    portal = DemoPortal()
    counting = CountingPortal(portal)
    settings = {**DEMO_SETTINGS, "CONCURRENT_REQUESTS_PER_DOMAIN": "1", "DOWNLOAD_DELAY": str(args.delay),
                "RANDOMIZE_DOWNLOAD_DELAY": "False", "LOG_LEVEL": "WARNING"}
    limit = 1 / args.delay
    with tempfile.TemporaryDirectory(prefix="zwgk-bench-distributed-") as tmp, contextlib.ExitStack() as stack:
        workdir = Path(tmp)
        addresses = [f"127.0.1.{n}" for n in range(1, 1 + args.copies * len(portal.sites))]
        bases = iter([stack.enter_context(serve(counting, host=a)) for a in addresses])
        lines = ["sites:"]
        for copy in range(1, args.copies + 1):
            for entry in portal.sites_yaml("http://BASE").split("  - id: ")[1:]:
                entry = "  - id: " + entry.rstrip("\n")
                site_id = entry.split("\n", 1)[0].split(": ", 1)[1]
                lines.append(entry.replace(f"id: {site_id}", f"id: {site_id}-{copy}", 1)
                             .replace("http://BASE", next(bases)))
        sites_file = workdir / "sites.yaml"
        sites_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        broker = stack.enter_context(redis_server(workdir))
        print(f"{len(addresses)} sites on {len(addresses)} loopback hosts, {len(portal.documents())} documents per "
              f"copy of the six; tasks of {args.task_sites} sites; per-site politeness: 1 request at a time, "
              f"{args.delay} s apart (limit {limit:.1f} requests/s per host); load {os.getloadavg()[0]:.2f} "
              f"on {os.cpu_count()} CPUs", flush=True)
        results = [crawl_with(n, broker, sites_file, workdir, settings, args.task_sites, counting) for n in (1, 2)]
    print(f"{'workers':>8} {'tasks':>6} {'wall s':>8} {'pages':>7} {'pages/s':>8} {'CPU ms/page':>12} "
          f"{'max req/s/host':>15}  status")
    for r in results:
        print(f"{r['workers']:>8} {r['tasks']:>6} {r['wall']:>8.1f} {r['pages']:>7} {r['pages'] / r['wall']:>8.1f} "
              f"{r['cpu_ms_page']:>12.2f} {r['busiest']:>15}  {r['status']} (workers used: {len(r['per_worker'])})")
    one, two = results
    within = all(r["busiest"] <= limit + 1 for r in results)   # +1: a window can hold both ends of the interval
    print(f"speed-up of 2 workers over 1: {one['wall'] / two['wall']:.2f}x (wall); per-host rate within the "
          f"per-site limit ({limit:.1f}/s, busiest second {max(r['busiest'] for r in results)}): "
          f"{'yes' if within else 'NO'}; load {os.getloadavg()[0]:.2f}")
    if not within or {r["status"] for r in results} != {"finished"}:
        sys.exit(1)


if __name__ == "__main__":
    main()
