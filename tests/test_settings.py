"""Settings the Scrapy way: every default once, in crawler/settings.py, applied by the spider itself."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import emptysite
import pytest
from scrapy.utils.test import get_crawler

from crawler import settings as zwgk_settings
from crawler import store
from crawler.spiders.portal import PortalSpider

ROOT = Path(__file__).resolve().parent.parent


def test_the_spider_brings_every_zwgk_default_under_any_project():
    crawler = get_crawler(PortalSpider, {})          # no project settings at all
    names = [n for n in dir(zwgk_settings) if n.startswith("ZWGK_")]
    assert names and all(crawler.settings[n] == getattr(zwgk_settings, n) for n in names)
    assert dict(crawler.settings.getwithbase("ITEM_PIPELINES"))["crawler.pipelines.StorePipeline"] == 300
    assert crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    # what a project (or -s) says still wins
    crawler = get_crawler(PortalSpider, {"ZWGK_MAX_PAGES_PER_COLUMN": 3, "DOWNLOAD_DELAY": 0})
    assert crawler.settings.getint("ZWGK_MAX_PAGES_PER_COLUMN") == 3 and crawler.settings.getfloat("DOWNLOAD_DELAY") == 0


def test_no_call_site_has_a_fallback_of_its_own():
    fallback = re.compile(r"""settings\.get\w*\(\s*["']ZWGK_\w+["']\s*,""")
    for path in (ROOT / "crawler").rglob("*.py"):
        assert not fallback.findall(path.read_text(encoding="utf-8")), path.name
    assert store.DEFAULT_DB == zwgk_settings.ZWGK_DB


@pytest.mark.slow
def test_scrapy_runs_the_spider_with_nothing_else_set(tmp_path):
    """Outside the project (no scrapy.cfg, no SCRAPY_SETTINGS_MODULE, no -s): the polite defaults,
    the store beside the current directory, every column concluded."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCRAPY_")}
    env["PYTHONPATH"] = str(ROOT)
    with emptysite.serve() as base:
        sites = tmp_path / "sites.yaml"
        sites.write_text(emptysite.sites_yaml(base), encoding="utf-8")
        out = subprocess.run([sys.executable, "-m", "scrapy", "runspider", str(ROOT / "crawler/spiders/portal.py"),
                              "-a", f"sites={sites}"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    db = store.connect(tmp_path / "zwgk.db", create=False)
    assert db.execute("select status, sites_file from runs").fetchall() == [("finished", str(sites))]
    assert db.execute("select count(*) from documents").fetchone()[0] == 12
    walks = dict(db.execute("select c.name, r.walk from column_runs r join columns c on c.id = r.column_id"))
    assert walks["财政预决算"] == "complete" and walks["义务教育"] is None and len(walks) == len(emptysite.COLUMNS)


def test_page_and_item_debug_messages_are_only_built_when_the_log_shows_debug():
    import logging

    from scrapy.http import HtmlResponse, Request

    from crawler.extensions import PageLogFormatter

    request = Request("http://www.example.gov.cn/xxgk/")
    response = HtmlResponse(request.url, body=b"<html></html>", request=request)
    for level in ("INFO", "WARNING", logging.INFO):
        quiet = get_crawler(PortalSpider, {"LOG_LEVEL": level}).logformatter
        assert isinstance(quiet, PageLogFormatter)
        assert quiet.crawled(request, response, None) is None and quiet.scraped({}, response, None) is None
    loud = get_crawler(PortalSpider, {"LOG_LEVEL": "DEBUG"}).logformatter
    assert loud.crawled(request, response, None)["level"] == logging.DEBUG
    assert loud.scraped({}, response, None)["level"] == logging.DEBUG
    from scrapy.logformatter import LogFormatter
    assert PageLogFormatter.dropped is LogFormatter.dropped   # everything else is Scrapy's as always
