"""What keeps a crawl's memory flat in the number of pages (the figures: bench/crawl.py): pending
requests queued on disk, fingerprints on disk, walk state compact and dropped once concluded."""
from __future__ import annotations

import gc
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import scrapy
from scrapy.utils.test import get_crawler

from crawler.dupefilter import DiskDupeFilter
from crawler.recrawl import UrlSet
from crawler.runner import crawl
from zwgk.demo import DEMO_SETTINGS


def test_fingerprints_are_kept_on_disk_not_in_a_python_set(tmp_path):
    crawler = get_crawler(settings_dict={"JOBDIR": str(tmp_path)})
    dupes = DiskDupeFilter.from_crawler(crawler)
    scratch = Path(dupes.db_path)
    assert scratch.parent == tmp_path
    first = [scrapy.Request(f"http://example.gov.cn/xxgk/{i}.html") for i in range(2000)]
    assert not any(dupes.request_seen(r) for r in first)
    assert all(dupes.request_seen(scrapy.Request(r.url)) for r in first)
    assert not dupes.request_seen(scrapy.Request("http://example.gov.cn/xxgk/2000.html"))
    assert not dupes.request_seen(scrapy.Request("http://example.gov.cn/xxgk/1.html", method="POST", body=b"p=2"))
    assert len(dupes._fingerprints) == 0   # Scrapy's in-memory set stays empty
    dupes.close("finished")
    assert not scratch.exists()


def test_the_project_uses_the_disk_dupefilter():
    from crawler import settings

    assert settings.DUPEFILTER_CLASS == "crawler.dupefilter.DiskDupeFilter"


def test_url_set_is_a_set_of_urls():
    seen = UrlSet()
    urls = [f"http://example.gov.cn/xxgk/t2024{i:04d}_{i}.html" for i in range(5000)]
    for url in urls[:2500]:
        seen.add(url)
    seen.add(urls[0])
    assert len(seen) == 2500
    assert all(u in seen for u in urls[:2500]) and not any(u in seen for u in urls[2500:])


@pytest.mark.slow
def test_pending_requests_are_queued_on_disk_in_a_job_directory_removed_after_the_crawl(unreachable_site, tmp_path):
    sites = tmp_path / "sites.yaml"
    sites.write_text(unreachable_site, encoding="utf-8")
    run_id, code = crawl(sites, tmp_path / "zwgk.db", settings={**DEMO_SETTINGS, "RETRY_TIMES": "0",
                                                                 "LOG_LEVEL": "INFO"})
    assert code == 0
    log = (tmp_path / "zwgk-logs" / f"run-{run_id}.log").read_text(encoding="utf-8")
    assert int(re.search(r"'scheduler/enqueued/disk': (\d+)", log).group(1)) >= 1
    assert "scheduler/enqueued/memory" not in log
    assert not list((tmp_path / "zwgk-logs").glob("*.jobdir"))


def test_the_disk_queue_gives_back_each_request_with_its_callbacks_and_the_spiders_own_site(tmp_path):
    from scrapy.http import FormRequest

    from crawler.queues import SpiderLifoDiskQueue
    from crawler.sites import Site
    from crawler.spiders.portal import PortalSpider

    site = Site("s", "示例县人民政府", "county", "黑龙江省/示例市/示例县", "http://www.example.gov.cn/xxgk/")
    crawler = get_crawler(PortalSpider)
    crawler.spider = spider = PortalSpider()
    spider.sites = [site]
    queue = SpiderLifoDiskQueue.from_crawler(crawler, str(tmp_path / "queue" / "p0"))
    url = "http://www.example.gov.cn/xxgk/t20260501_1.html"
    detail = scrapy.Request(url, callback=spider.parse_detail, errback=spider.detail_failed, priority=3,
                            meta={"handle_httpstatus_list": [304]}, headers={"If-None-Match": '"x"'},
                            cb_kwargs={"site": site, "column_url": "http://www.example.gov.cn/xxgk/czyjs/",
                                       "entry": {"url": url, "title": "关于财政资金的公示", "date": None}})
    page = FormRequest("http://www.example.gov.cn/xxgk/list.jsp", formdata=[("page", "2")], callback=spider.parse_list,
                       errback=spider.list_failed, dont_filter=True, cb_kwargs={"site": site, "column_url": "c"})
    queue.push(detail)
    queue.push(page)
    assert len(queue) == 2
    back_page, back_detail, nothing = queue.pop(), queue.pop(), queue.pop()   # last in, first out
    assert nothing is None
    assert back_detail.to_dict(spider=spider) == detail.to_dict(spider=spider)
    assert back_detail.cb_kwargs["site"] is site and back_detail.callback == spider.parse_detail
    assert type(back_page) is FormRequest and back_page.body == b"page=2" and back_page.method == "POST"
    assert back_page.to_dict(spider=spider) == page.to_dict(spider=spider)
    # What cannot be serialised is refused with ValueError: Scrapy's scheduler keeps it in memory.
    with pytest.raises(ValueError):
        queue.push(scrapy.Request(url, callback=spider.parse_detail, cb_kwargs={"f": lambda: None}))
    with pytest.raises(ValueError):
        queue.push(scrapy.Request(url, callback=lambda response: None))
    assert len(queue) == 0
    queue.close()


def test_the_disk_queue_keeps_last_in_first_out_order_across_memory_and_disk_and_can_be_resumed(tmp_path):
    from queuelib.queue import LifoDiskQueue

    from crawler.queues import SpiderLifoDiskQueue
    from crawler.spiders.portal import PortalSpider

    crawler = get_crawler(PortalSpider)
    crawler.spider = spider = PortalSpider()
    spider.sites = []
    path = str(tmp_path / "queue" / "p0")
    queue = SpiderLifoDiskQueue.from_crawler(crawler, path)
    held = SpiderLifoDiskQueue.MEMORY_REQUESTS
    urls = [f"http://www.example.gov.cn/xxgk/t{i}.html" for i in range(3 * held + 7)]

    def request(url):
        return scrapy.Request(url, callback=spider.parse_detail, cb_kwargs={"n": url})

    for url in urls[:2 * held]:
        queue.push(request(url))
    assert len(queue.top) <= held and queue.on_disk >= held   # the oldest went to the file
    popped = [queue.pop().url for _ in range(held + 3)]       # from memory, then from the file
    for url in urls[2 * held:]:
        queue.push(request(url))
    assert queue.peek().url == urls[-1]
    popped += [queue.pop().url for _ in range(10)]
    expected = urls[:2 * held][::-1][:held + 3] + urls[2 * held:][::-1][:10]
    assert popped == expected and len(queue) == len(urls) - len(popped)
    queue.close()
    # What was left is a queuelib LIFO file of pickled requests, in order, and another queue resumes it.
    assert len(LifoDiskQueue(path)) == len(urls) - len(popped)
    again = SpiderLifoDiskQueue.from_crawler(crawler, path)
    rest = []
    while (r := again.pop()) is not None:
        rest.append(r)
    left = [u for u in urls if u not in set(popped)]
    assert [r.url for r in rest] == left[::-1] and rest[0].callback == spider.parse_detail
    assert rest[0].cb_kwargs == {"n": left[-1]}
    again.close()
    assert not Path(path).exists()   # an emptied queue leaves no file


def test_the_project_queues_requests_with_its_own_disk_queue():
    from crawler import settings

    assert settings.SCHEDULER_DISK_QUEUE == "crawler.queues.SpiderLifoDiskQueue"


def test_the_crawl_sets_the_garbage_collector_when_its_engine_starts():
    from crawler import settings
    from crawler.extensions import CollectorTuning

    assert settings.EXTENSIONS["crawler.extensions.CollectorTuning"]
    before = gc.get_threshold()
    try:
        CollectorTuning().engine_started()
        assert gc.get_threshold() == (CollectorTuning.GEN0_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


def test_cancelled_timed_calls_leave_the_reactor_each_second_not_after_the_download_timeout():
    """Under the asyncio reactor, 5,000 requests' cancelled download timeouts stay in the reactor's heap
    until a timed call falls due (here none does for 30 s); once the crawl's one-second tick runs,
    they are gone within about a second."""
    script = textwrap.dedent("""
        import asyncio
        from twisted.internet import asyncioreactor
        loop = asyncio.new_event_loop()
        asyncioreactor.install(loop)
        from twisted.internet import reactor
        from crawler.extensions import TimerPurge

        purge, heap = TimerPurge(), []

        def burst():   # while the crawl runs: requests sent, answered, their timeouts cancelled
            for call in [reactor.callLater(30, print) for _ in range(5000)]:
                call.cancel()

        def look(then):   # by the event loop's own clock: no timed call of the reactor falls due
            heap.append(len(reactor._pendingTimedCalls) + len(reactor._newTimedCalls))
            then()

        loop.call_later(0.2, burst)
        loop.call_later(1.4, look, purge.engine_started)
        loop.call_later(2.8, look, lambda: (purge.engine_stopped(), reactor.stop()))
        reactor.run()
        print(*heap)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                         cwd=Path(__file__).parents[1])
    assert out.returncode == 0, out.stderr
    without_tick, with_tick = map(int, out.stdout.split())
    assert without_tick >= 5000   # the mechanism the tick works around
    assert with_tick < 10


def test_the_crawl_ticks_the_reactor():
    from crawler import settings

    assert settings.EXTENSIONS["crawler.extensions.TimerPurge"]
