"""Hostile and malformed input never raises and stays fast enough for a crawl."""
import random
import time

import pytest

from crawler.extraction import extract_page
from crawler.extraction.columns import discover_columns
from crawler.extraction.detail import extract_detail
from crawler.extraction.dom import PageTooComplex
from crawler.extraction.listing import extract_entries
from crawler.extraction.metadata import extract_metadata_table
from crawler.extraction.pagination import next_pages

URL = "http://www.example.gov.cn/xxgk/a/index.html"
rng = random.Random(7)
GARBAGE = bytes(rng.randrange(256) for _ in range(20000))

INPUTS = [
    "",
    " \n\t ",
    "\x00\x01\x02",
    "<",
    "<html",
    "<?xml version='1.0' encoding='gbk'?><root><a>x</a></root>",
    "<div><ul><li><a href='x'>unclosed <b>tags <table><tr><td>索引号：<td>",
    "<a href='javascript:alert(1)'>x</a><a href='http://[::1'>bad url</a><a href='http://%zz'>pct</a>",
    "<" * 5000,
    "{\"articles\": [{\"title\": 1, \"url\": null}]}",
    "[1, 2, [3, [4]]]",
    "{not json",
    "<datastore><recordset><record><![CDATA[<li><a href='/a.html'>无结尾",
    "<script>createPageHTML(999999999, 0, 'index', 'html')</script>",
    GARBAGE.decode("latin-1"),
]


@pytest.mark.parametrize("text", INPUTS, ids=range(len(INPUTS)))
def test_text_functions_never_raise(text):
    extract_entries(text, URL)
    next_pages(text, URL)
    discover_columns(text, URL)
    extract_metadata_table(text)
    out = extract_detail(text, URL)
    assert set(out) == {"fields", "column_name", "body", "attachments", "date_source"}


@pytest.mark.parametrize("body", [b"", GARBAGE, b"\xff\xfe" + GARBAGE, "<p>中文</p>".encode("utf-16-le")])
def test_extract_page_on_bytes_never_raises(body):
    assert extract_page(body, URL, "list")["kind"] == "list"
    assert extract_page(body, URL, "detail")["kind"] == "detail"


def test_huge_page_of_five_megabytes():
    row = '<li><a href="./202305/t20230516_{i}.html" title="关于第{i}项工作的通知">关于第{i}项工作的通知</a><span>2023-05-16</span></li>\n'
    filler = "<p>" + "正文内容" * 200 + "</p>\n"
    html = "<html><head><title>通知公告 - 某县人民政府</title></head><body><h1>通知公告栏目</h1><ul class='list'>" + "".join(row.format(i=i) for i in range(2000)) + "</ul>"
    html += filler * ((5_000_000 - len(html.encode())) // len(filler.encode()) + 1) + "</body></html>"
    assert len(html.encode()) >= 5_000_000
    start = time.process_time()
    entries = extract_entries(html, URL)
    detail = extract_detail(html, URL)
    next_pages(html, URL)
    discover_columns(html, URL)
    assert len(entries) == 2000
    assert detail["fields"]["title"] == "通知公告栏目"
    assert time.process_time() - start < 60


@pytest.mark.parametrize("depth", [300, 3000, 20000])
def test_deeply_nested_tags_are_too_complex_and_cheap(depth):
    """Deeper than libxml2 keeps (the list would silently be lost) or than linear-time extraction
    allows: one clear exception, raised after a parse, not after seconds of tree walking."""
    html = "<div>" * depth + "<a href='/x/t20230516_1.html'>关于某事的通知公告</a><span>2023-05-16</span>" + "</div>" * depth
    start = time.process_time()
    for extract in (lambda: extract_entries(html, URL), lambda: extract_detail(html, URL),
                    lambda: discover_columns(html, URL), lambda: next_pages(html, URL)):
        with pytest.raises(PageTooComplex):
            extract()
    assert time.process_time() - start < 2


def test_nesting_below_the_limit_is_read():
    html = "<div>" * 200 + "<ul><li><a href='/x/t20230516_1.html'>关于某事的通知公告</a><span>2023-05-16</span></li>" \
        "<li><a href='/x/t20230517_2.html'>关于另一事的通知公告</a><span>2023-05-17</span></li></ul>" + "</div>" * 200
    assert [e["title"] for e in extract_entries(html, URL)] == ["关于某事的通知公告", "关于另一事的通知公告"]


def test_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        extract_page(b"<p>x</p>", URL, "entry")
