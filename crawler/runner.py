"""Run one crawl in a subprocess and report its progress from the store.

Scrapy's Twisted reactor cannot be restarted inside one process, and a scheduler or a test runs
many crawls: each crawl is therefore ``python -m scrapy crawl portal`` in a child process. The
child writes its counters to its row in ``runs``; the parent polls that row for progress.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from crawler import store


def log_path_for(db_path: str | os.PathLike, run_id: int) -> Path:
    db_path = Path(db_path)
    return db_path.parent / f"{db_path.stem}-logs" / f"run-{run_id}.log"


def crawl(
    sites_file: str | os.PathLike,
    db_path: str | os.PathLike,
    *,
    settings: dict[str, str] | None = None,
    only: str | None = None,
    kind: str = "crawl",
    on_progress=None,
    poll_seconds: float = 1.0,
) -> tuple[int, int]:
    """Crawl the sites of ``sites_file`` into ``db_path``; returns (run id, exit code of the crawl)."""
    db = store.connect(db_path)
    run_id = store.start_run(db, kind, sites_file=str(sites_file))
    log_path = log_path_for(db_path, run_id)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with db.conn:
        db["runs"].update(run_id, {"log_path": str(log_path)})

    cmd = [sys.executable, "-m", "scrapy", "crawl", "portal",
           "-a", f"sites={sites_file}", "-a", f"run_id={run_id}",
           "-s", f"ZWGK_DB={db_path}", "-s", f"LOG_FILE={log_path}"]
    if only:
        cmd += ["-a", f"only={only}"]
    for name, value in (settings or {}).items():
        cmd += ["-s", f"{name}={value}"]
    env = {**os.environ, "SCRAPY_SETTINGS_MODULE": "crawler.settings"}
    # Only the log file gets Scrapy's output; a traceback in the child stays in the log.
    with open(log_path, "ab") as log:
        child = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, start_new_session=True)
    try:
        while child.poll() is None:
            time.sleep(poll_seconds)
            if on_progress:
                on_progress(db["runs"].get(run_id))
    except KeyboardInterrupt:
        # Scrapy closes the spider cleanly on the first SIGINT: the run ends as 'interrupted'.
        child.send_signal(signal.SIGINT)
        child.wait()
        raise
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    row = db["runs"].get(run_id)
    if row["status"] == "running":
        # The child died before it could close its run (crash, kill -9, import error).
        store.finish_run(db, run_id, "failed", note=f"crawl process exited with code {child.returncode}; see {log_path}")
    if on_progress:
        on_progress(db["runs"].get(run_id))
    db.conn.close()
    return run_id, child.returncode
