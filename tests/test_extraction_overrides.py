"""Site overrides from the sites config replace the generic rule for their part of the page."""
from datetime import date
from pathlib import Path

from crawler.extraction import extract_page
from crawler.extraction.detail import extract_detail
from crawler.extraction.listing import extract_entries
from crawler.extraction.pagination import next_pages

FIXTURE = Path(__file__).parent / "fixtures" / "extraction" / "override_list.html"
URL = "http://www.example.gov.cn/xxgk/tzgg/index.html"
WANT = [
    ("关于2023年度行政执法统计年报的公告", "http://www.example.gov.cn/xxgk/tzgg/content_101.html", date(2023, 5, 16)),
    ("关于调整部分行政事业性收费的通知", "http://www.example.gov.cn/xxgk/tzgg/content_100.html", date(2023, 5, 10)),
    ("示例县2022年政府信息公开工作年度报告", "http://www.example.gov.cn/xxgk/tzgg/content_99.html", date(2023, 4, 2)),
]


def simple(entries):
    return [(e["title"], e["url"], e["date"]) for e in entries]


def test_generic_rules_miss_this_list():
    # The list sits in a container named like navigation, which the generic rules skip.
    assert extract_entries(FIXTURE.read_text(encoding="utf-8"), URL) == []


def test_css_overrides_rescue_it():
    html = FIXTURE.read_text(encoding="utf-8")
    overrides = {"list_container": "div.sub-nav-con ul", "entry": "li", "entry_title": "span.tit::text",
                 "entry_date": "em::text"}
    assert simple(extract_entries(html, URL, overrides=overrides)) == WANT


def test_xpath_overrides_rescue_it():
    html = FIXTURE.read_text(encoding="utf-8")
    overrides = {"entry": "//div[@class='sub-nav-con']//li", "entry_title": "//span[@class='tit']/text()",
                 "entry_date": "//em/text()"}
    assert simple(extract_entries(html, URL, overrides=overrides)) == WANT


def test_next_page_override():
    html = '<div class="pg"><a href="p2.html">&gt;&gt;</a><a href="/elsewhere.html">下一页</a></div>'
    assert [p.url for p in next_pages(html, URL, overrides={"next_page": "div.pg a:first-child"})] == [
        "http://www.example.gov.cn/xxgk/tzgg/p2.html"]
    assert [p.url for p in next_pages(html, URL, overrides={"next_page": "//div[@class='pg']/a[1]/@href"})] == [
        "http://www.example.gov.cn/xxgk/tzgg/p2.html"]


def test_metadata_override_picks_the_right_block():
    html = """<html><body><h1>关于某事的通知</h1>
    <div class="gl"><p>关联文件</p><p>发布日期：2020-01-01</p><p>索引号：OLD-1</p></div>
    <table class="gk"><tr><td>索引号：</td><td>NEW-2</td><td>发布日期：</td><td>2023-05-16</td></tr></table>
    <div class="TRS_Editor"><p>正文</p></div></body></html>"""
    generic = extract_detail(html, URL, fetched_at=date(2024, 1, 1))["fields"]
    assert (generic["index_number"], generic["published"]) == ("OLD-1", date(2020, 1, 1))
    fixed = extract_detail(html, URL, fetched_at=date(2024, 1, 1), overrides={"metadata": "table.gk"})["fields"]
    assert (fixed["index_number"], fixed["published"]) == ("NEW-2", date(2023, 5, 16))


def test_extract_page_passes_overrides():
    body = FIXTURE.read_bytes()
    out = extract_page(body, URL, "list", overrides={"list_container": "div.sub-nav-con ul",
                                                      "entry_title": "span.tit::text", "entry_date": "em::text"})
    assert out["entries"][0] == {"title": "关于2023年度行政执法统计年报的公告",
                                 "url": "http://www.example.gov.cn/xxgk/tzgg/content_101.html", "date": "2023-05-16"}
