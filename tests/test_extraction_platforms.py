"""Platform pagers and lists read in-process from rebuilt pages (tests/fixtures/platforms/README.md):
TRS 动静结合 hidden groups + search service, script-only JS pagers, gkmlpt shell and JSON API."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

from crawler.extraction import gkmlpt, scriptpager, trs
from crawler.extraction.columns import discover_columns
from crawler.extraction.listing import extract_entries, list_total
from crawler.extraction.pagination import PageRequest, next_pages

FIX = Path(__file__).parent / "fixtures" / "platforms"


def read(name: str) -> str:
    return (FIX / name).read_text(encoding="utf-8")


# -- TRS 动静结合 --------------------------------------------------------------------------------

TRS_URL = "https://www.example.gov.cn/zwgk/tzgg/index.htm"


def test_dongjing_yields_every_static_entry_in_page_order():
    entries = extract_entries(read("trs_dongjing_list.html"), TRS_URL)
    want = json.loads(read("trs_dongjing_list.expected.json"))
    assert len(entries) == 45  # nine hidden groups of five, three static pages of 15
    assert [(e["title"], e["url"], e["date"].isoformat()) for e in entries] == [
        (t, "https://www.example.gov.cn/zwgk/tzgg/" + u[2:], d) for t, u, d in want]
    assert not any("el.url" in e["url"] or "{{" in e["title"] for e in entries)  # the avalon template


def test_dongjing_pager_config_and_total():
    html = read("trs_dongjing_list.html")
    info = trs.page_info(html)
    assert info == trs.PageInfo(max_static=3, prepage=15, records=213, channelid="229105", chnlid="4910",
                                search_url="/fjdzapp/search")
    assert list_total(html) == 213


def test_dongjing_search_service_covers_the_records_past_the_static_pages():
    pages = next_pages(read("trs_dongjing_list.html"), TRS_URL)
    form = lambda n: (("channelid", "229105"), ("sortfield", "-docorderpri,-docreltime"), ("classsql", "chnlid=4910"),
                      ("classcol", "publishyear"), ("classnum", "100"), ("classsort", "0"), ("cache", "true"),
                      ("page", str(n)), ("prepage", "45"))
    # 213 records, 45 static: pages 2..5 of 45 cover records 46..213.
    assert pages == [PageRequest("https://www.example.gov.cn/fjdzapp/search", "POST", form(n)) for n in (2, 3, 4, 5)]


def test_dongjing_search_answer_entries_and_no_further_pages():
    body = read("trs_search_answer.json")
    url = "https://www.example.gov.cn/fjdzapp/search"
    entries = extract_entries(body, url)
    assert len(entries) == 33
    assert entries[0] == {"title": "关于某某事项第181号的公告", "url": "https://www.example.gov.cn/zwgk/tzgg/202302/t20230211_6000181.htm",
                          "date": date(2023, 2, 11)}
    assert next_pages(body, url) == []  # its pageCount would otherwise turn into GETs without the form


def test_not_dongjing_without_config():
    assert trs.page_info("<html><script>var a = 1;</script></html>") is None
    assert trs.search_requests(trs.PageInfo(3, 15, 40, "1", "2", None), TRS_URL) == []  # all static


# -- script-only pagers --------------------------------------------------------------------------

SP_URL = "http://www.example.gov.cn/zwgk/zcwj/index.html"


def test_script_pager_gives_every_page_from_the_first():
    html = read("script_pager_list.html")
    assert scriptpager.find(html) == scriptpager.ScriptPager(54, "index_", ".html")
    urls = [p.url for p in next_pages(html, SP_URL)]
    assert urls == [f"http://www.example.gov.cn/zwgk/zcwj/index_{n}.html" for n in range(1, 54)]


def test_script_pager_from_a_later_page_and_from_the_directory():
    html = read("script_pager_list.html")
    later = [p.url for p in next_pages(html, "http://www.example.gov.cn/zwgk/zcwj/index_53.html")]
    assert later[0] == "http://www.example.gov.cn/zwgk/zcwj/index.html" and len(later) == 53
    assert "http://www.example.gov.cn/zwgk/zcwj/index_53.html" not in later
    assert [p.url for p in next_pages(html, "http://www.example.gov.cn/zwgk/zcwj/")] == \
        [f"http://www.example.gov.cn/zwgk/zcwj/index_{n}.html" for n in range(1, 54)]


def test_script_pager_variants():
    numbered = """<script>var countPage = 4; function go(p){ window.location = "list_" + (p) + ".shtml"; }</script>"""
    assert [p.url for p in next_pages(numbered, "http://x.gov.cn/a/list_1.shtml")] == \
        ["http://x.gov.cn/a/list_2.shtml", "http://x.gov.cn/a/list_3.shtml", "http://x.gov.cn/a/list_4.shtml"]
    one = """<script>$('#p').pagination({pageCount: 1, callback: function(i){location.href='index_'+i+'.html'}})</script>"""
    assert next_pages(one, SP_URL) == []
    no_template = """<script>var totalPage = 9; loadList(1);</script>"""
    assert scriptpager.find(no_template) is None and next_pages(no_template, SP_URL) == []


def test_script_pager_page_keeps_its_list_not_the_hot_news_bar():
    entries = extract_entries(read("script_pager_list.html"), SP_URL)
    assert [(e["title"], e["date"]) for e in entries] == [
        ("样例县人民政府关于印发2026年政务公开工作要点的通知", date(2026, 5, 12)),
        ("样例县人民政府办公室关于做好2026年防汛抗旱工作的通知", date(2026, 4, 21)),
        ("样例县人民政府关于公布县级行政许可事项清单的通知", date(2026, 3, 17))]


# -- gkmlpt --------------------------------------------------------------------------------------

GK_URL = "http://www.example.gov.cn/sub/gkmlpt/index"


def test_gkmlpt_shell_gives_the_tree_leaves_at_their_api():
    html = read("gkmlpt_index.html")
    shell = gkmlpt.find(html, GK_URL)
    assert shell.sid == "755031" and shell.base == "http://www.example.gov.cn/sub/gkmlpt/"
    api = "http://www.example.gov.cn/sub/gkmlpt/api/all/{}?page=1&sid=755031"
    assert discover_columns(html, GK_URL) == [
        {"name": "政府信息公开指南", "url": api.format(1), "path": "政府信息公开指南"},
        {"name": "财政预决算", "url": api.format(721), "path": "法定主动公开内容/财政预决算"},
        {"name": "重大建设项目", "url": api.format(722), "path": "法定主动公开内容/重大建设项目"},
        {"name": "区政府文件", "url": api.format(731), "path": "法定主动公开内容/政策文件/区政府文件"},
        {"name": "区府办文件", "url": api.format(732), "path": "法定主动公开内容/政策文件/区府办文件"},
        {"name": "政府信息公开年报", "url": api.format(3), "path": "政府信息公开年报"},
    ]  # 依申请公开 jumps to a form elsewhere: not a column


def test_gkmlpt_tree_written_as_a_plain_js_literal():
    html = "<script>window._CONFIG = {SID: '2', TREE: [{id: 5, name: '通知公告', children: []},]};</script>"
    assert discover_columns(html, "http://www.gd.gov.cn/gkmlpt/index") == [
        {"name": "通知公告", "url": "http://www.gd.gov.cn/gkmlpt/api/all/5?page=1&sid=2", "path": "通知公告"}]
    assert gkmlpt.find(html, "http://www.gd.gov.cn/other/index") is None


def test_gkmlpt_api_answer_entries_dates_and_pages():
    body = read("gkmlpt_api_all_721.json")
    url = "http://www.example.gov.cn/sub/gkmlpt/api/all/721?page=1&sid=755031"
    entries = extract_entries(body, url)
    assert len(entries) == 100
    assert entries[0] == {"title": "示例区财政局关于2025年第1批财政资金安排情况的公告",
                          "url": "http://www.example.gov.cn/sub/gkmlpt/content/3/3874/post_3874985.html",
                          "date": date(2025, 6, 1)}
    assert entries[99]["date"] == date(2025, 2, 22)
    assert [p.url for p in next_pages(body, url)] == [
        "http://www.example.gov.cn/sub/gkmlpt/api/all/721?page=2&sid=755031",
        "http://www.example.gov.cn/sub/gkmlpt/api/all/721?page=3&sid=755031"]
    assert list_total(body) == 230


def test_gkmlpt_article_date_is_its_publication_not_its_written_date():
    body = json.dumps({"total": 1, "articles": [{"id": 7, "title": "关于甲事项的通知", "classify_main": 721,
                                                 "url": "/gkmlpt/content/0/0/post_7.html",
                                                 "date": 1746000000, "create_time": 1748736000}]})
    assert extract_entries(body, "http://www.gd.gov.cn/gkmlpt/api/all/721?page=1&sid=2")[0]["date"] == date(2025, 6, 1)


# -- the real 动静结合 page (tests/fixtures/realpages/pingtan, changwu/pingtan-gov-zwgk-archive) ---------

REAL = Path(__file__).parent / "fixtures" / "realpages" / "pingtan"


def _real_label(name: str) -> dict:
    return next(label for line in (REAL / "labels.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip() and (label := json.loads(line))["file"] == name)


def test_real_dongjing_page_all_static_entries_in_page_order_then_the_search_service():
    label = _real_label("gzjzqk-index.html")
    html = (REAL / "gzjzqk-index.html").read_text(encoding="utf-8")
    entries = extract_entries(html, label["url"])
    assert [(e["title"], e["url"]) for e in entries] == [(w["title"], urljoin(label["url"], w["url"]))
                                                         for w in label["entries"]]
    assert len(entries) == 75
    assert trs.page_info(html) == trs.PageInfo(5, 15, 107, "200210", "1780", "/fjdzapp/search")
    assert next_pages(html, label["url"]) == [PageRequest(
        "https://www.pingtan.gov.cn/fjdzapp/search", "POST",
        (("channelid", "200210"), ("sortfield", "-docorderpri,-docreltime"), ("classsql", "chnlid=1780"),
         ("classcol", "publishyear"), ("classnum", "100"), ("classsort", "0"), ("cache", "true"),
         ("page", "2"), ("prepage", "75")))]  # records 76..107


def test_real_dongjing_page_with_every_record_static_asks_nothing_more():
    label = _real_label("ndjh-index.html")
    html = (REAL / "ndjh-index.html").read_text(encoding="utf-8")
    assert len(extract_entries(html, label["url"])) == 39
    assert next_pages(html, label["url"]) == []


def test_gkmlpt_short_last_page_asks_for_no_more_pages():
    body = json.dumps({"total": 103, "offset": 100, "articles": [
        {"id": k, "title": f"关于第{k}项工作的通知", "url": f"/gkmlpt/content/0/0/post_{k}.html", "classify_main": 5,
         "create_time": 1748736000} for k in range(3)]})
    assert next_pages(body, "http://www.gd.gov.cn/gkmlpt/api/all/5?page=2&sid=2") == []
