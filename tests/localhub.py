"""A distributed crawl's machines, all on this one: a redis-server of one's own on a free loopback port,
``zwgk worker`` processes, and the demo portal served on many loopback hosts from several processes
that log when each request reached its host.

Shared by tests/test_distributed.py and bench/distributed.py (which puts this folder on sys.path).
"""
from __future__ import annotations

import bisect
import contextlib
import multiprocessing
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REDIS_SERVER = next((p for p in (os.environ.get("ZWGK_REDIS_SERVER"), "/usr/bin/redis-server")
                     if p and os.path.exists(p)), None) or shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def redis_server(workdir: Path, binary: str | None = REDIS_SERVER):
    """A throw-away redis-server on a free loopback port (no persistence); yields its URL."""
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", str(workdir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        import redis

        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


class Worker:
    """``zwgk worker`` in its own session (a machine of its own: killing it kills all it runs)."""

    def __init__(self, name, broker, db_path, log_dir, *extra):
        self.log = Path(log_dir) / f"{name}.log"
        self.name = f"{name}@{socket.gethostname()}"
        self._terminated = False
        self.process = subprocess.Popen(
            [sys.executable, "-m", "zwgk.cli", "worker", "--broker", broker, "--db", str(db_path), "--concurrency", "1",
             "--name", self.name, *extra], cwd=log_dir, stdout=self.log.open("wb"), stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while b" ready." not in self.log.read_bytes():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {self.name} did not start:\n{self.log.read_text(errors='replace')}")
            time.sleep(0.2)

    def kill(self):
        """SIGKILL to everything it runs, as when its machine dies: its processes and their crawls."""
        for pid in [*descendants(self.process.pid), self.process.pid]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait()

    def terminate(self):
        """Celery's warm shutdown (SIGTERM to its session, once); ``stop()`` waits for it."""
        if self.process.poll() is None and not self._terminated:
            self._terminated = True
            os.killpg(self.process.pid, signal.SIGTERM)

    def stop(self):
        self.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


@contextlib.contextmanager
def workers(names, broker, db_path, log_dir, *extra, ready: bool = True):
    """``zwgk worker`` processes (``--concurrency 1``) named ``names``, ready (or, ``ready=False``, still
    starting: messages sent meanwhile wait in the broker); stopped when the block exits."""
    started = [Worker(name, broker, db_path, log_dir, *extra) for name in names]
    try:
        for w in started:
            if ready:
                w.wait_ready()
        yield started
    finally:
        for w in started:   # all told first: their shutdowns (a second or two each) overlap
            w.terminate()
        for w in started:
            w.stop()


# --- the demo portal on many hosts ------------------------------------------------------------------

class _Logged:
    """The demo portal as one host serves it, noting when each request reached the host."""

    def __init__(self, portal, arrivals: list[float], lock: threading.Lock):
        self.portal, self.arrivals, self.lock = portal, arrivals, lock

    def handle(self, method, path, body, headers):
        with self.lock:
            self.arrivals.append(time.monotonic())
        return self.portal.handle(method, path, body, headers)


def _serve_hosts(addresses: list[str], conn) -> None:
    """One server process: the demo portal on each of ``addresses``; answers "take" on ``conn`` with the
    arrival times noted since the last one, by address, and its CPU seconds so far; ends at "stop"."""
    from zwgk.demoportal import DemoPortal, serve

    portal = DemoPortal()
    lock = threading.Lock()
    arrivals: dict[str, list[float]] = {a: [] for a in addresses}
    with contextlib.ExitStack() as stack:
        conn.send([stack.enter_context(serve(_Logged(portal, arrivals[a], lock), host=a)) for a in addresses])
        while conn.recv() == "take":
            with lock:
                conn.send(({a: times[:] for a, times in arrivals.items()}, time.process_time()))
                for times in arrivals.values():
                    times.clear()


class PortalHosts:
    """The demo portal on each of ``addresses`` (loopback), served from ``processes`` processes, each the
    hosts of every ``processes``-th address, so one Python process's GIL does not bound them all.
    ``bases``: each address's base URL; ``take()``: when each request reached each host (CLOCK_MONOTONIC,
    one clock for all processes) since the last ``take()``, and the CPU seconds the processes spent
    meanwhile."""

    def __init__(self, addresses: list[str], processes: int):
        self.addresses, self.processes = list(addresses), max(1, min(processes, len(addresses)))
        self.bases: dict[str, str] = {}
        self._children: list[tuple] = []
        self._cpu = 0.0

    def __enter__(self):
        context = multiprocessing.get_context("spawn")   # no fork of a process that may run threads
        try:
            for i in range(self.processes):
                mine, theirs = context.Pipe()
                group = self.addresses[i::self.processes]
                child = context.Process(target=_serve_hosts, args=(group, theirs), daemon=True,
                                        name=f"portal-hosts-{i}")
                child.start()
                self._children.append((child, mine, group))
            for child, conn, group in self._children:
                try:
                    if not conn.poll(60):
                        raise EOFError
                    self.bases.update(zip(group, conn.recv()))
                except EOFError:
                    raise RuntimeError(f"a portal server process did not start ({child.name}: see its stderr)") from None
            self.bases = {a: self.bases[a] for a in self.addresses}
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def take(self) -> tuple[dict[str, list[float]], float]:
        arrivals: dict[str, list[float]] = {}
        cpu = 0.0
        for _, conn, _ in self._children:
            conn.send("take")
            theirs, seconds = conn.recv()
            arrivals.update(theirs)
            cpu += seconds
        cpu, self._cpu = cpu - self._cpu, cpu
        return arrivals, cpu

    def __exit__(self, *exc):
        for child, conn, _ in self._children:
            with contextlib.suppress(OSError):
                conn.send("stop")
        for child, conn, _ in self._children:
            child.join(timeout=10)
            if child.is_alive():
                child.terminate()
                child.join()
            conn.close()
        self._children.clear()


def politeness(arrivals: dict[str, list[float]], delay: float) -> dict:
    """How the hosts saw a crawl that keeps ``delay`` seconds between the starts of two requests to one
    host, from when each request reached each host:

    - ``lead`` (at ``lead_host``): the most any host's requests ran ahead of that pace: the largest
      ``(j - i) * delay - (t_j - t_i)`` over two of its requests i < j. 0 when each host got its requests
      exactly ``delay`` apart or slower; a few ms when they took paths of different lengths to the
      host (one request late, the next on time); one more request every ``delay`` s while a second
      crawler sends the host requests too. Below ``delay``: no host ever got a request more than the
      pace allows, in any interval.
    - ``gap`` (at ``gap_host``): the shortest time between two consecutive requests to one host.
    - ``second`` (at ``second_host``): the most requests one host received within one second, in
      half-open windows [t, t + 1 s): requests exactly 1/n s apart count n, never n + 1.
    - ``rate``: the highest mean rate of one host over its crawl, from its first request to its last.
    """
    worst = {"lead": 0.0, "lead_host": "", "gap": float("inf"), "gap_host": "", "second": 0, "second_host": "",
             "rate": 0.0, "requests": sum(len(t) for t in arrivals.values())}
    for host, times in sorted(arrivals.items()):
        times = sorted(times)
        if len(times) > 1 and times[-1] > times[0]:
            worst["rate"] = max(worst["rate"], (len(times) - 1) / (times[-1] - times[0]))
        lowest = float("inf")   # the least i * delay - t_i so far
        for i, t in enumerate(times):
            ahead = i * delay - t
            if ahead - lowest > worst["lead"]:
                worst["lead"], worst["lead_host"] = ahead - lowest, host
            lowest = min(lowest, ahead)
            if i and t - times[i - 1] < worst["gap"]:
                worst["gap"], worst["gap_host"] = t - times[i - 1], host
            n = bisect.bisect_left(times, t + 1.0, lo=i) - i
            if n > worst["second"]:
                worst["second"], worst["second_host"] = n, host
    return worst
