"""``zwgk demo``: the bundled demo portal served on loopback, crawled, checked and reported.

``DEMO_SETTINGS`` are the crawl settings for a portal on loopback (tests and benchmarks use them too).
"""
from __future__ import annotations

import logging
import shutil
from pathlib import Path

from zwgk.run import run_once

logger = logging.getLogger("zwgk.demo")

# The demo portal is on loopback: no need to be polite to ourselves.
DEMO_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "ROBOTSTXT_OBEY": "False",
    "CONCURRENT_REQUESTS": "32", "CONCURRENT_REQUESTS_PER_DOMAIN": "32",
}


def run_demo(out_dir, *, scale: int = 1, on_progress=None, say=logger.info) -> tuple[int, Path]:
    """Serve the demo portal, run it once into ``out_dir`` (sites config, store, report); returns the run
    id and the report's index page."""
    from zwgk.demoportal import DEMO_AS_OF, DemoPortal, serve

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "zwgk.db"
    # The demo portal gets a new port each time, so its URLs change: start from a fresh store.
    for stale in (db_path, out / "zwgk.db-wal", out / "zwgk.db-shm"):
        stale.unlink(missing_ok=True)
    shutil.rmtree(out / "zwgk-logs", ignore_errors=True)
    shutil.rmtree(out / "zwgk-warc", ignore_errors=True)
    portal = DemoPortal(scale=scale)
    with serve(portal) as base_url:
        sites_file = out / "sites.yaml"
        sites_file.write_text(portal.sites_yaml(base_url), encoding="utf-8")
        say(f"示例门户已启动：{base_url}（{len(portal.sites)} 个网站，{len(portal.documents())} 条信息）")
        return run_once(sites_file, db_path, out, settings=DEMO_SETTINGS, as_of=DEMO_AS_OF, on_progress=on_progress,
                        say=say)
