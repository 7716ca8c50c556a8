"""Issue 9 items 1-2: an empty list is an empty list, a page without a list is an error, and a
site's template (header bars, hot news, trees, footers) never yields entries."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date

import pytest

import emptysite
from crawler.extraction import extract_page
from crawler.extraction.listing import read_list
from crawler.extraction.template import learn

BASE = "http://www.example.gov.cn"


def url(key: str) -> str:
    return f"{BASE}/xxgk/{key}/"


def reading(key: str, **kw):
    html = emptysite.pages()[f"/xxgk/{key}/"]
    return read_list(html, url(key), **kw)


def simple(entries):
    return [(e["title"], e["url"], e["date"]) for e in entries]


# --- markers ------------------------------------------------------------------------------------

def test_the_issue_page_is_empty_and_not_its_header_bar():
    # 暂无信息 in the list table, 共0条 in the pager, a dated hot-news link in the header bar: before,
    # the header's links (/xxgk/, /hdjl/, the hot news of 2026-01-05) were taken as the entries.
    r = reading("shjz")
    assert (r.entries, r.found, r.empty, r.evidence) == ([], True, "暂无信息", "page")


@pytest.mark.parametrize("shown, marker", [
    ('<tr><td colspan="2">暂无数据</td></tr>', "暂无数据"),
    ('<tr><td colspan="2">没有记录！</td></tr>', "没有记录"),
    ('<tr><td colspan="2">该栏目暂无信息。</td></tr>', "该栏目暂无信息"),
    ('</table><div class="fy">共 0 条记录 第1/1页</div><table>', "共 0 条"),
    ('</table><div class="fy">记录数：0 页数：1</div><table>', "记录数：0"),
])
def test_markers_real_portals_print(shown, marker):
    html = emptysite.header("社会救助", "shjz") + f'<table class="lb"><tr><th>标题</th><th>发布日期</th></tr>{shown}</table>' \
        + emptysite.FOOTER
    r = read_list(html, url("shjz"))
    assert (r.entries, r.found, r.empty) == ([], True, marker)


def test_an_empty_datastore_is_an_empty_list():
    html = emptysite.header("社会救助", "shjz") + """<div id="4567"><script type="text/xml"><datastore>
<totalrecord>0</totalrecord><recordset></recordset></datastore></script></div>""" + emptysite.FOOTER
    r = read_list(html, url("shjz"))
    assert (r.entries, r.found, r.empty) == ([], True, "datastore 中没有记录（totalrecord 为 0）")


def test_a_json_list_with_total_0_is_an_empty_list():
    r = read_list(json.dumps({"articles": [], "total": 0, "page": 1}), f"{BASE}/gkmlpt/api/all/123?page=1")
    assert (r.entries, r.found, r.empty, r.total) == ([], True, "JSON 列表总数为 0", 0)


def test_a_trs_page_whose_record_count_is_0_is_an_empty_list():
    # 动静结合: the list and its "暂无信息" are shown by script (ms-visible); the page's own count says 0.
    html = emptysite.header("社会救助", "shjz") + """<div class="xxgk_list"><div ms-visible="$showStatic(0)">
<ul></ul></div><div ms-visible="total == 0">暂无信息</div></div>
<script>var pageChnlInfo = {maxStaticIndex: 5, prepage: 15, recordCount: 0, channelid: '12345', chnlid: 678};</script>
""" + emptysite.FOOTER
    r = read_list(html, url("shjz"))
    assert (r.entries, r.found, r.empty, r.total) == ([], True, "列表记录数为 0（页面脚本给出的总数）", 0)


def test_a_json_answer_without_a_list_is_no_list():
    r = read_list(json.dumps({"code": 500, "msg": "error"}), f"{BASE}/gkmlpt/api/all/123?page=1")
    assert (r.entries, r.found, r.empty) == ([], False, None)


def test_hidden_and_scripted_markers_are_not_evidence():
    rows = "".join(f'<li><a href="/a/{i}.html">关于第{i}项工作的通知公告</a><span>2025-12-0{i}</span></li>' for i in (1, 2))
    for nodata in ('<li class="nodata" style="display:none">暂无信息</li>', '<li v-if="list.length == 0">暂无数据</li>',
                   '<li ms-visible="total == 0">暂无数据</li>'):
        html = f'<div class="main"><ul class="list">{rows}{nodata}</ul></div>'
        r = read_list(html, url("tzgg"))
        assert ([e["url"] for e in r.entries], r.empty) == ([f"{BASE}/a/1.html", f"{BASE}/a/2.html"], None), nodata


def test_a_marker_in_a_like_box_beside_the_list_is_that_box_s():
    # An aggregate column page: 政策文件 with entries, 政策解读 showing 暂无信息.
    html = """<div class="main">
    <div class="box"><h3>政策文件</h3><ul><li><a href="/zc/1.html">关于印发某某实施方案的通知</a><span>2025-12-01</span></li>
    <li><a href="/zc/2.html">关于印发某某管理办法的通知</a><span>2025-11-01</span></li></ul></div>
    <div class="box"><h3>政策解读</h3><ul><li>暂无信息</li></ul></div></div>"""
    r = read_list(html, url("zcwj"))
    assert ([e["url"] for e in r.entries], r.empty) == ([f"{BASE}/zc/1.html", f"{BASE}/zc/2.html"], None)


def test_a_page_without_any_list_is_not_found():
    # Header bar (nav + one dated hot-news link), tree, footer: a menu with a date is still a menu.
    html = re.sub(r'<div class="zxxx">.*?</ul></div>', "", emptysite.pages()["/xxgk/ywjy/"], flags=re.S)
    r = read_list(html, url("ywjy"))
    assert (r.entries, r.found, r.empty) == ([], False, None)


def test_zwgk_extract_shows_the_marker(tmp_path):
    page = tmp_path / "shjz.html"
    page.write_bytes(emptysite.pages()["/xxgk/shjz/"].encode("gb18030"))
    result = extract_page(page.read_bytes(), url("shjz"), "list")
    assert (result["entries"], result["list_found"], result["empty"]) == ([], True, "暂无信息")
    found = extract_page(emptysite.pages()["/xxgk/czyjs/"].encode("gb18030"), url("czyjs"), "list")
    assert (len(found["entries"]), found["list_found"], found["empty"]) == (3, True, None)


# --- the site's template ------------------------------------------------------------------------

def site_template():
    profiles = [reading(key, profile=True).profile for key, _, _ in emptysite.COLUMNS]
    return learn(profiles)


def test_the_template_is_learned_from_the_column_pages():
    t = site_template()
    assert (t.pages, t.region_shown, t.pager_shown) == (7, "div.wrap > div.con > table.lb", "div.wrap > div.con > div.fy")
    urls = {e["url"] for e in t.examples}
    assert {f"{BASE}/hdjl/", f"{BASE}/xwzx/202601/t20260105_77.html", f"{BASE}/xxgk/"} <= urls
    # The header bar (4), the breadcrumb (2), the tree (7, the current column marked class="on"), the
    # latest-news box (3), the footer (2).
    assert len(t.boilerplate) == 18


def test_without_the_template_a_bare_empty_list_falls_back_to_the_header():
    # The reason for the template: no marker, and the latest-news box looks like a list.
    r = reading("jy")
    assert [e["url"] for e in r.entries] == [f"{BASE}/xwzx/202601/t20260108_81.html", f"{BASE}/xwzx/202601/t20260106_80.html",
                                             f"{BASE}/xwzx/202601/t20260102_79.html"]


def test_boilerplate_never_becomes_an_entry_once_the_template_is_learned():
    t = site_template()
    r = reading("jy", template=t)
    assert (r.entries, r.found, r.evidence) == ([], True, "template")
    assert r.empty == "列表区域为空（本站其他栏目页在“div.wrap > div.con > table.lb”处列出信息）"
    nolist = reading("ywjy", template=t)
    assert (nolist.entries, nolist.found, nolist.empty) == ([], False, None)
    full = reading("czyjs", template=t)
    assert simple(full.entries) == [
        (title, f"{BASE}/xxgk/czyjs/{day[:7].replace('-', '')}/t{day.replace('-', '')}_{i}.html", date.fromisoformat(day))
        for i, (title, day) in enumerate(zip(emptysite.TITLES["czyjs"], emptysite.DAYS), 1)]


def test_a_document_listed_in_the_hot_box_stays_an_entry_of_its_own_column():
    # The same link at another place of the page (the header's hot news) is boilerplate; in the list
    # region it is an entry.
    pages = emptysite.pages()
    hot = "/xwzx/202601/t20260105_77.html"
    own = pages["/xxgk/czyjs/"].replace("/xxgk/czyjs/202601/t20260112_1.html", hot)
    t = site_template()
    r = read_list(own, url("czyjs"), template=t)
    assert [e["url"] for e in r.entries][0] == f"{BASE}{hot}"


def test_zwgk_extract_site_pages(tmp_path):
    for key, _, _ in emptysite.COLUMNS:
        (tmp_path / f"{key}.html").write_bytes(emptysite.pages()[f"/xxgk/{key}/"].encode("gb18030"))
    (tmp_path / "urls.txt").write_text("".join(f"{key}.html {url(key)}\n" for key, _, _ in emptysite.COLUMNS))
    out = subprocess.run([sys.executable, "-m", "zwgk.cli", "extract", "--site-pages", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["template"]["list_region"] == "div.wrap > div.con > table.lb"
    assert result["template"]["pager"] == "div.wrap > div.con > div.fy"
    pages = {p["file"]: p for p in result["pages"]}
    assert [len(pages[f"{k}.html"]["entries"]) for k, _, _ in emptysite.COLUMNS] == [3, 3, 3, 3, 0, 0, 0]
    assert [pages[f"{k}.html"]["list_found"] for k, _, _ in emptysite.COLUMNS] == [True] * 6 + [False]
    assert pages["shjz.html"]["empty"] == "暂无信息"
    assert pages["jy.html"]["empty"].startswith("列表区域为空")


def test_zwgk_extract_site_pages_without_pages_is_one_line(tmp_path):
    out = subprocess.run([sys.executable, "-m", "zwgk.cli", "extract", "--site-pages", str(tmp_path)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "Traceback" not in out.stderr


# --- end to end: crawl -> checks ---------------------------------------------------------------

@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    from checks.run import run_checks
    from crawler import store
    from crawler.runner import crawl
    from zwgk.demo import DEMO_SETTINGS

    work = tmp_path_factory.mktemp("emptysite")
    with emptysite.serve() as base:
        sites = work / "sites.yaml"
        sites.write_text(emptysite.sites_yaml(base), encoding="utf-8")
        run_id, code = crawl(sites, work / "z.db", settings=DEMO_SETTINGS)
        assert code == 0
    db = store.connect(work / "z.db")
    findings = run_checks(db, run_id, date.fromisoformat(emptysite.AS_OF))
    return db, run_id, findings, base


@pytest.mark.slow
def test_an_empty_column_beside_a_dated_hot_news_bar_gives_column_empty_and_nothing_else(crawled):
    db, run_id, findings, base = crawled
    assert sorted((f.rule, f.column_name, f.evidence.get("shown_empty")) for f in findings) == [
        ("column-empty", "就业", "列表区域为空（本站其他栏目页在“div.wrap > div.con > table.lb”处列出信息）"),
        ("column-empty", "社会救助", "暂无信息"),
    ]
    # Nothing of the header bar was stored as an entry or a document.
    assert not db.execute("select count(*) from column_entries where url like '%/hdjl/%' or url like '%/xwzx/%' "
                          "or url like '%/xxgk/'").fetchone()[0]
    assert db.execute("select count(*) from documents").fetchone()[0] == 12


@pytest.mark.slow
def test_a_column_page_without_a_list_is_list_not_found_not_an_empty_or_stale_column(crawled):
    db, run_id, findings, base = crawled
    errors = [(r["url"], r["target"], r["kind"]) for r in db.query("select * from fetch_errors where run_id = ?", [run_id])]
    assert errors == [(f"{base}/xxgk/ywjy/", "list", "list-not-found")]
    assert not [f for f in findings if f.column_name == "义务教育"]
    row = db.execute("select r.pages, r.empty_evidence from column_runs r join columns c on c.id = r.column_id "
                     "where c.name = '义务教育' and r.run_id = ?", [run_id]).fetchone()
    assert row == (0, None)


@pytest.mark.slow
def test_the_learned_template_is_recorded(crawled):
    db, run_id, findings, base = crawled
    row = db.execute("select pages, list_region, pager, boilerplate_links, examples from site_templates "
                     "where run_id = ? and site_id = 'county'", [run_id]).fetchone()
    assert row[:4] == (6, "div.wrap > div.con > table.lb", "div.wrap > div.con > div.fy", 18)
    assert f"{base}/hdjl/" in {e["url"] for e in json.loads(row[4])}


@pytest.mark.slow
def test_the_report_shows_the_template_the_evidence_and_the_error(crawled, tmp_path):
    from reports.render import render_report

    db, run_id, findings, base = crawled
    index = render_report(db, run_id, tmp_path / "report")
    page = next(p for p in index.parent.rglob("*.html") if "county" in p.name).read_text(encoding="utf-8")
    assert "栏目页模板" in page and "div.wrap &gt; div.con &gt; table.lb" in page
    assert "div.wrap &gt; div.con &gt; div.fy" in page and f"{base}/hdjl/" in page
    assert "页面显示为空：暂无信息" in page
    assert "未找到信息列表" in page and "栏目页面上未找到信息列表" in page


# --- the spider, in process: pages held until the template is learned ------------------------

@pytest.fixture
def spider(tmp_path):
    from scrapy.utils.test import get_crawler

    from crawler.spiders.portal import PortalSpider

    sites = tmp_path / "sites.yaml"
    sites.write_text(emptysite.sites_yaml(BASE), encoding="utf-8")
    crawler = get_crawler(PortalSpider, {"ZWGK_DB": str(tmp_path / "z.db"), "ZWGK_INCREMENTAL": False,
                                         "ZWGK_MAX_PAGES_PER_COLUMN": 100})
    spider = PortalSpider.from_crawler(crawler, sites=str(sites))
    site = spider.sites[0]
    list(spider._crawl_columns(site, spider._configured(site)))
    return spider


def answer(spider, key):
    from scrapy.http import HtmlResponse, Request

    body = emptysite.pages()[f"/xxgk/{key}/"].encode("gb18030")
    response = HtmlResponse(url(key), body=body, request=Request(url(key)))
    return list(spider.parse_list(response, site=spider.sites[0], column_url=url(key)))


def test_column_pages_are_held_until_the_template_is_learned(spider):
    from crawler.items import FetchErrorItem, ListingItem, TemplateItem

    keys = [k for k, _, _ in emptysite.COLUMNS]
    assert [answer(spider, k) for k in keys[:5]] == [[]] * 5          # held, nothing concluded yet
    out = answer(spider, keys[5]) + answer(spider, keys[6])           # the sixth column page: learned
    templates = [i for i in out if isinstance(i, TemplateItem)]
    assert [(t.pages, t.list_region, t.boilerplate_links) for t in templates] == [
        (6, "div.wrap > div.con > table.lb", 18)]
    listed = sorted(e.url for i in out if isinstance(i, ListingItem) for e in i.entries)
    assert listed == sorted(f"{BASE}/xxgk/{k}/{d[:7].replace('-', '')}/t{d.replace('-', '')}_{n}.html"
                            for k in ("czyjs", "wsjk", "shbx", "sthj") for n, d in enumerate(emptysite.DAYS, 1))
    assert [(e.url, e.kind) for e in out if isinstance(e, FetchErrorItem)] == [(url("ywjy"), "list-not-found")]
    walks = {k: spider.walks[("county", url(k))] for k in keys}
    assert walks["shjz"].empty == "暂无信息" and walks["jy"].empty.startswith("列表区域为空")
    assert all(w.done for w in walks.values()) and walks["ywjy"].outcome is None


def test_held_pages_are_read_when_the_crawl_goes_idle(spider):
    from crawler.items import ListingItem

    assert answer(spider, "czyjs") == [] and answer(spider, "shjz") == []
    out = list(spider._release_held(None))                            # too few pages to learn from
    assert len([e for i in out if isinstance(i, ListingItem) for e in i.entries]) == 3
    assert spider.walks[("county", url("shjz"))].empty == "暂无信息"
    assert spider.learning["county"].template is None and not spider.learning["county"].held


@pytest.mark.parametrize("overrides", [None, {"entry": "ul.list li"}])
def test_every_kind_of_list_page_can_be_profiled(overrides):
    # The spider profiles the first column pages of every site: 动静结合 groups and override pages too.
    from pathlib import Path

    page = Path(__file__).parent / "fixtures" / "platforms" / "trs_dongjing_list.html"
    r = read_list(page.read_text(encoding="utf-8"), "https://www.example.gov.cn/zwgk/tzgg/index.htm", overrides=overrides,
                  profile=True)
    assert r.profile is not None and r.profile.links


def test_an_idle_crawl_with_held_pages_asks_for_one_more_callback(spider):
    from types import SimpleNamespace

    from scrapy.exceptions import DontCloseSpider

    sent = []
    spider.crawler.engine = SimpleNamespace(crawl=sent.append)
    spider._idle()                                                    # nothing held: may close
    assert sent == []
    answer(spider, "shjz")
    with pytest.raises(DontCloseSpider):
        spider._idle()
    assert [(r.url, r.callback) for r in sent] == [("data:,", spider._release_held)]
