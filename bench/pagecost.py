"""CPU cost of one page as the spider reads it, for hostile pages against an ordinary list page.

    .venv/bin/python bench/pagecost.py [--repeat N]

The spider's own list and detail callbacks (decode, block check, not-html check, extraction) run
in-process on: an ordinary list page of 20 entries (the baseline), the same
list nested 50, 100, 200 and 250 elements deep (cost must grow linearly, not with the square of the
depth), nested 10,000 deep (recorded ``too-complex`` after one parse), and 200 KB of binary garbage
served as text/html (recorded ``not-html`` from a sample of its bytes). Prints process time per
page and its ratio to the baseline measured in the same run.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scrapy.http import HtmlResponse, Request  # noqa: E402
from scrapy.settings import Settings  # noqa: E402

from crawler.recrawl import ColumnPrior  # noqa: E402
from crawler.sites import Site  # noqa: E402
from crawler.spiders.portal import PortalSpider  # noqa: E402
from crawler.walk import ColumnWalk  # noqa: E402

URL = "http://www.example.gov.cn/xxgk/czyjs/"
SITE = Site("bench", "示例县人民政府", "county", "黑龙江省/示例市/示例县", "http://www.example.gov.cn/xxgk/")


def list_html(depth: int = 0) -> str:
    items = "".join(f'<li><a href="/xxgk/czyjs/202605/t20260501_{i}.html">关于2026年第{i}批财政资金安排情况的公示</a>'
                    f"<span>2026-05-{1 + i % 28:02d}</span></li>" for i in range(20))
    return ('<html><head><meta charset="utf-8"><title>财政预决算</title></head><body>'
            '<div class="nav"><a href="/">首页</a><a href="/xxgk/">信息公开</a></div>'
            + "<div>" * depth + f'<div class="list"><ul>{items}</ul></div>' + "</div>" * depth
            + '<div class="page"><a href="index_1.html">下一页</a></div></body></html>')


def spider_read(body: bytes) -> str:
    """What the list callback records for this page: 'entries: N' or the error kind."""
    spider = PortalSpider()
    spider.settings = Settings({"ZWGK_MAX_PAGES_PER_COLUMN": 500, "ZWGK_PAGE_CPU_SECONDS": 5})
    walk = ColumnWalk(SITE, URL, ColumnPrior(None), "full")
    request = Request(URL, cb_kwargs={"site": SITE, "column_url": URL})
    response = HtmlResponse(URL, body=body, headers={"Content-Type": "text/html; charset=utf-8"}, request=request)
    items = [i for i in spider._read_list_page(walk, response) if not isinstance(i, Request)]
    errors = [i.kind for i in items if type(i).__name__ == "FetchErrorItem"]
    return errors[0] if errors else f"entries: {len(items)}"


def detail_read(body: bytes) -> str:
    """What the detail callback records for this page: 'document' or the error kind."""
    spider = PortalSpider()
    spider.settings = Settings({"ZWGK_PAGE_CPU_SECONDS": 5})
    entry = {"url": URL + "a.html", "title": None, "date": None}
    request = Request(entry["url"], cb_kwargs={"site": SITE, "column_url": URL, "entry": entry})
    response = HtmlResponse(entry["url"], body=body, headers={"Content-Type": "text/html; charset=utf-8"},
                            request=request)
    items = [i for i in spider.parse_detail(response, SITE, URL, entry) if not isinstance(i, Request)]
    errors = [i.kind for i in items if type(i).__name__ == "FetchErrorItem"]
    return errors[0] if errors else "document"


def cost(fn, body: bytes, repeat: int) -> tuple[float, str]:
    outcome = fn(body)
    start = time.process_time()
    for _ in range(repeat):
        fn(body)
    return (time.process_time() - start) / repeat, outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    pages = {"ordinary list (baseline)": list_html().encode()}
    for depth in (50, 100, 200, 250):
        pages[f"nested {depth} deep"] = list_html(depth).encode()
    pages["nested 10,000 deep"] = list_html(10_000).encode()
    pages["200 KB binary garbage"] = random.Random(10).randbytes(200_000)
    base = {}
    print(f"{'page':28} {'list ms':>9} {'ratio':>7} {'detail ms':>10} {'ratio':>7}  outcome (list / detail)")
    for name, body in pages.items():
        list_s, list_out = cost(spider_read, body, args.repeat)
        detail_s, detail_out = cost(detail_read, body, args.repeat)
        base.setdefault("list", list_s)
        base.setdefault("detail", detail_s)
        print(f"{name:28} {list_s * 1000:9.1f} {list_s / base['list']:7.2f} {detail_s * 1000:10.1f} "
              f"{detail_s / base['detail']:7.2f}  {list_out} / {detail_out}")


if __name__ == "__main__":
    main()
