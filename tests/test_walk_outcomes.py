"""In-process checks of what ends a walk without a conclusion: the spider's list callback on saved
answers, the block detector on verification pages, the project's decoder in the crawl, the
redirect policy and the per-page CPU budget. The same faults over HTTP: tests/test_faults.py."""
from __future__ import annotations

import time

import pytest
from scrapy.http import HtmlResponse, Request, Response
from scrapy.settings import Settings

from crawler.blocking import is_block_page
from crawler.errors import OffsiteRedirect
from crawler.extraction.dom import PageTooComplex, site_of
from crawler.items import FetchErrorItem, ListingItem
from crawler.middlewares import RedirectPolicy
from crawler.pages import cpu_budget, not_html, page_text
from crawler.recrawl import ColumnPrior
from crawler.sites import Site
from crawler.spiders.portal import PortalSpider
from crawler.walk import ColumnWalk
from faultserver import CAPTCHA, garbage, list_page

COLUMN = "http://www.example.gov.cn/xxgk/czyjs/"


def site(**extra) -> Site:
    return Site("demo", "示例县人民政府", "county", "黑龙江省/示例市/示例县", "http://www.example.gov.cn/xxgk/", **extra)


def read(site_: Site, body: bytes, content_type="text/html; charset=utf-8", url=COLUMN):
    spider = PortalSpider()
    spider.settings = Settings({"ZWGK_MAX_PAGES_PER_COLUMN": 500, "ZWGK_PAGE_CPU_SECONDS": 5})
    walk = ColumnWalk(site_, COLUMN, ColumnPrior(None), "full")
    request = Request(url, cb_kwargs={"site": site_, "column_url": COLUMN})
    response = HtmlResponse(url, body=body, headers={"Content-Type": content_type}, request=request)
    items = [i for i in spider._read_list_page(walk, response) if not isinstance(i, Request)]
    return walk, items


def test_an_invalid_override_selector_at_crawl_time_is_a_recorded_error_not_an_empty_list():
    walk, items = read(site(extract={"entry": "ul[[[li"}), list_page("demo", "czyjs", 1).encode())
    assert walk.failed and walk.pages == 0
    [error] = items
    assert isinstance(error, FetchErrorItem) and error.kind == "selector-matched-nothing"
    assert "ul[[[li" in error.message and "无效" in error.message


def test_an_override_selector_that_matches_nothing_is_a_recorded_error():
    walk, items = read(site(extract={"entry": "ul.no-such-list li"}), list_page("demo", "czyjs", 1).encode())
    assert [(i.kind, walk.failed) for i in items] == [("selector-matched-nothing", True)]
    assert "没有匹配到任何元素" in items[0].message


def test_a_working_override_selector_reads_the_list():
    walk, items = read(site(extract={"entry": "div.list li"}), list_page("demo", "czyjs", 1).encode())
    assert not walk.failed and walk.pages == 1
    assert len([e for i in items if isinstance(i, ListingItem) for e in i.entries]) == 5


def test_a_verification_page_on_a_list_is_blocked_not_an_empty_column():
    assert is_block_page(200, {}, CAPTCHA) == "captcha"
    walk, items = read(site(), CAPTCHA.encode())
    assert [(i.target, i.kind) for i in items] == [("list", "blocked")] and walk.failed
    assert "验证码" in items[0].message


@pytest.mark.parametrize("text", [
    # A disclosure article about verification codes, and an application form with a captcha among much else.
    "<html><head><title>关于启用短信验证码的通知</title></head><body>" + "<p>为保障安全验证，请输入验证码后提交申请。</p>" * 80
    + "<form><img src='/captcha.jpg'><input name='yzm'></form></body></html>",
    "<html><head><title>依申请公开</title></head><body><ul>" + "".join(
        f"<li><a href='/a{i}.html'>关于第{i}项工作的通知公告全文内容</a><span>2026-05-01</span></li>" for i in range(40))
    + "</ul><form><input name='code' placeholder='请输入验证码'><img src='/checkcode.jsp'></form></body></html>",
])
def test_pages_that_merely_mention_a_captcha_are_content(text):
    assert is_block_page(200, {}, text) is None


def test_gbk_bytes_declared_utf8_are_read_as_zwgk_extract_reads_them():
    title = "甲县2026年城乡最低生活保障资金发放公示"
    body = f"<html><head><title>{title}</title></head><body><div class='list'><ul>" + "".join(
        f"<li><a href='/xxgk/czyjs/doc{i}.html'>{title}（第{i}号）</a><span>2026-05-0{i}</span></li>" for i in range(1, 4)
    ) + "</ul></div></body></html>"
    walk, items = read(site(), body.encode("gbk"), "text/html; charset=utf-8")
    assert [e.title for i in items if isinstance(i, ListingItem) for e in i.entries] == [f"{title}（第{i}号）" for i in range(1, 4)]
    # and the reverse: UTF-8 bytes declared GBK
    walk, items = read(site(), body.encode("utf-8"), "text/html; charset=gbk")
    assert [e.title for i in items if isinstance(i, ListingItem) for e in i.entries] == [f"{title}（第{i}号）" for i in range(1, 4)]


def test_binary_garbage_served_as_html_is_not_html_and_recognised_fast():
    body = garbage()
    response = HtmlResponse(COLUMN, body=body, headers={"Content-Type": "text/html"}, request=Request(COLUMN))
    start = time.process_time()
    assert page_text(response) is None
    assert not_html(response) == "返回的内容无法识别为网页（大量不可显示的字节）"
    assert time.process_time() - start < 0.05
    walk, items = read(site(), body, "text/html")
    assert [(i.kind, walk.failed) for i in items] == [("not-html", True)]


def test_a_list_nested_too_deep_is_too_complex():
    deep = "<html><body>" + "<div>" * 10_000 + list_page("demo", "czyjs", 1) + "</div>" * 10_000 + "</body></html>"
    start = time.process_time()
    walk, items = read(site(), deep.encode())
    assert time.process_time() - start < 1
    assert [(i.kind, walk.failed) for i in items] == [("too-complex", True)]


def test_the_cpu_budget_interrupts_a_runaway_extraction():
    start = time.process_time()
    with pytest.raises(PageTooComplex):
        with cpu_budget(0.2):
            while True:
                sum(range(1000))
    assert time.process_time() - start < 1
    with cpu_budget(0.2):   # a block within its budget is not interrupted, then or later
        sum(range(1000))
    time.sleep(0.01)


@pytest.mark.parametrize("target, allowed", [
    ("https://www.example.gov.cn/xxgk/czyjs/", True),             # http -> https
    ("http://example.gov.cn/xxgk/czyjs/", True),                  # www -> bare
    ("http://xxgk.example.gov.cn/czyjs/index.html", True),        # a sub-host of the registrable domain
    ("http://www.example.gov.cn/2024new/xxgk/czyjs/", True),      # another path
    ("http://czj.partner.gov.cn/list/", True),                    # a subdomain of allowed_domains
    ("http://www.other.gov.cn/xxgk/czyjs/", False),               # another government's portal
    ("http://gov.cn/", False),
    ("http://www.example.com/xxgk/", False),
])
def test_redirects_are_followed_only_within_the_site(target, allowed):
    s = site(allowed_domains=("partner.gov.cn",))
    request = Request(COLUMN, cb_kwargs={"site": s, "column_url": COLUMN})
    response = Response(COLUMN, status=302, headers={"Location": target}, request=request)
    if allowed:
        assert RedirectPolicy().process_response(request, response) is response
    else:
        with pytest.raises(OffsiteRedirect) as caught:
            RedirectPolicy().process_response(request, response)
        assert caught.value.target == target


def test_registrable_domains_come_from_the_public_suffix_list():
    assert site_of("http://www.yichun.gov.cn/") == "yichun.gov.cn"
    assert site_of("https://xxgk.yc.hlj.gov.cn/") == "hlj.gov.cn"
    assert site_of("http://a.b.example.com.cn/") == "example.com.cn"
    assert site_of("http://127.0.0.1:8080/") == "127.0.0.1"


def test_a_meta_refresh_off_the_site_is_not_followed_either():
    s = site()
    request = Request(COLUMN, cb_kwargs={"site": s, "column_url": COLUMN})
    moved = b'<html><head><meta http-equiv="refresh" content="0;url=http://www.other.gov.cn/xxgk/"></head></html>'
    response = HtmlResponse(COLUMN, body=moved, request=request)
    with pytest.raises(OffsiteRedirect) as caught:
        RedirectPolicy().process_response(request, response)
    assert caught.value.target == "http://www.other.gov.cn/xxgk/" and caught.value.status == 200
    inside = moved.replace(b"www.other.gov.cn", b"example.gov.cn")
    assert RedirectPolicy().process_response(request, HtmlResponse(COLUMN, body=inside, request=request)).body == inside


def test_the_meta_refresh_check_reads_the_page_as_decoded_once_not_response_text(monkeypatch):
    # Scrapy's own check reads response.text (a second decoding of every page, by the declared
    # charset); both the redirect policy and Scrapy's MetaRefreshMiddleware must read ours instead.
    from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
    from scrapy.http import TextResponse
    from scrapy.utils.test import get_crawler

    def no_text(self):
        raise AssertionError("response.text decodes the page a second time")

    monkeypatch.setattr(TextResponse, "text", property(no_text))
    s = site()
    request = Request(COLUMN, cb_kwargs={"site": s, "column_url": COLUMN})
    inside = b'<html><head><meta http-equiv="refresh" content="0;url=/xxgk/new/"></head></html>'
    response = HtmlResponse(COLUMN, body=inside, request=request)
    assert RedirectPolicy().process_response(request, response) is response
    followed = MetaRefreshMiddleware.from_crawler(get_crawler()).process_response(request, response)
    assert followed.url == "http://www.example.gov.cn/xxgk/new/"


@pytest.mark.parametrize("marker, reason", [
    ("创宇盾", "创宇云防御"), ("__jsl_clearance", "创宇云防御"), ("jsl_cookie", "创宇云防御"), ("JSL_Clearance", "创宇云防御"),
    ("SafeDog", "安全狗"), ("网站防火墙已经拦截", "安全狗"), ("yunsuo_session_verify", "云锁"), ("WebScan.360.cn", "360网站卫士"),
    ("acw_sc__v2", "阿里云盾"), ("$_ts=window['x']", "瑞数"), ("$_ts.nsd", "瑞数"), ("FSSBBIl1UgzbN7N", "瑞数"),
    ("SafeLine", "长亭雷池"), ("YunJiaSu", "百度云加速"), ("腾讯云 Web 应用防火墙", "腾讯云WAF"), ("Tencent Cloud WAF", "腾讯云WAF"),
    ("cf_chl_opt", "Cloudflare"), ("Attention Required! | Cloudflare", "Cloudflare"), ("Just a moment...", "Cloudflare"),
    ("访问已被拦截", "拦截页"), ("您的IP地址已被限制", "拦截页"), ("WEB应用防火墙", "拦截页"),
])
def test_every_kind_of_vendor_marker_is_recognised_in_any_case(marker, reason):
    # The markers are searched in lower case behind a substring prefilter drawn from the patterns.
    page = f"<html><head><title>提示</title></head><body><p>{marker}</p></body></html>"
    assert is_block_page(403, {}, page) == reason
    assert is_block_page(200, {}, page) == reason                      # a small page with little to read
    assert is_block_page(200, {}, page.replace("</body>", "<p>" + "正文内容" * 500 + "</p></body>")) is None
