"""The bundled demo portal: served over loopback, checked with urllib against its own ground truth."""
from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import date

import pytest
import yaml
from parsel import Selector

from zwgk.demoportal import DEMO_AS_OF, DemoPortal, serve
from zwgk.demoportal.workdays import workdays_between

GBK_ONLY = "堃珺镕喆昇"
HANWEB_PROXY = "/hanweb/module/web/jpage/dataproxy.jsp"


@pytest.fixture(scope="module")
def portal():
    return DemoPortal()


@pytest.fixture(scope="module")
def base(portal):
    with serve(portal) as url:
        yield url


def fetch(url: str, data: bytes | None = None, method: str | None = None):
    """(status, headers, body) without raising on 4xx/5xx."""
    req = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def column(portal, site_id: str, area: str):
    return next(c for c in portal.site(site_id).columns if c.catalog_area == area)


def docs_of(portal, site_id: str, col) -> list:
    return [d for d in portal.documents() if d.site_id == site_id and d.column_path == col.path]


def records(xml_or_html: str) -> list[str]:
    """Article URLs inside Hanweb <record><![CDATA[...]]></record> blocks."""
    return [Selector(text=r).css("a::attr(href)").get()
            for r in re.findall(r"<record><!\[CDATA\[(.*?)\]\]></record>", xml_or_html, re.S)]


# ----------------------------------------------------------------------------------- the model

def test_enough_documents_with_dates_in_range(portal):
    docs = portal.documents()
    assert len(docs) >= 1000
    assert {d.site_id for d in docs} == set(("demo-trs", "demo-hanweb", "demo-plain", "demo-fj", "demo-js", "demo-gd"))
    assert len({d.url_path for d in docs}) == len(docs)
    for d in docs:
        for day in (d.list_date, d.published, d.written):
            assert day is None or date(2019, 1, 1) <= day <= DEMO_AS_OF
    years = {d.published.year for d in docs if d.published}
    assert years == set(range(2019, 2027))


def test_scale_multiplies_documents():
    assert len(DemoPortal(scale=5).documents()) >= 5000


@pytest.mark.parametrize("scale", [0.01, 0.1])
def test_a_fraction_of_the_portal_keeps_every_planted_case(scale):
    """Tests crawl a fraction of the portal for speed: every planted case must stay, however small."""
    def cases(portal):
        return [(p.kind, p.site_id, p.column_path) for p in portal.planted]
    assert cases(DemoPortal(scale=scale)) == cases(DemoPortal())


def test_deterministic():
    a, b = DemoPortal(), DemoPortal()
    assert a.documents() == b.documents()
    assert a.planted == b.planted
    for d in a.documents()[::97]:
        assert a.handle("GET", d.url_path).body == b.handle("GET", d.url_path).body


def test_sites_yaml_lists_entry_pages_without_columns(portal):
    data = yaml.safe_load(portal.sites_yaml("http://127.0.0.1:8000/"))
    assert [s["id"] for s in data["sites"]] == list(("demo-trs", "demo-hanweb", "demo-plain", "demo-fj", "demo-js", "demo-gd"))
    for entry, site in zip(data["sites"], portal.sites):
        assert entry["url"] == "http://127.0.0.1:8000" + site.entry_path
        assert entry["level"] in ("municipal", "county") and "columns" not in entry
    try:
        from crawler.sites import parse_sites
    except ImportError:  # the loader belongs to another part of the tree
        return
    assert [s.id for s in parse_sites(portal.sites_yaml("http://127.0.0.1:8000"))] == [s.id for s in portal.sites]


def test_catalog_areas_on_every_site_except_the_missing_one(portal):
    areas = {"政府信息公开指南", "政府信息公开制度", "政府信息公开年报", "财政预决算", "重大建设项目", "社会救助",
             "义务教育", "卫生健康", "生态环境", "救灾"}
    for site in portal.sites:
        have = {c.catalog_area for c in site.columns if c.catalog_area}
        expected = areas - {"社会救助"} if site.id == "demo-trs" else areas
        assert have == expected, site.id
    names = {area: {c.name for s in portal.sites for c in s.columns if c.catalog_area == area} for area in areas}
    assert len(names["财政预决算"]) == 3 and len(names["救灾"]) == 4  # aliases vary between sites


# ----------------------------------------------------------------------------------- planted truth

def test_planted_ground_truth(portal):
    kinds = [p.kind for p in portal.planted]
    assert sorted(set(kinds)) == sorted(["column-missing", "column-empty", "column-stale", "content-mismatch",
                                         "late-publication", "missing-date", "dead-link", "annual-report-missing",
                                         "normative-library-missing", "validity-unmarked", "validity-stale"])
    assert kinds.count("late-publication") == 4
    by = {(p.kind, p.site_id) for p in portal.planted}
    assert by == {("column-missing", "demo-trs"), ("column-empty", "demo-hanweb"), ("column-stale", "demo-plain"),
                  ("content-mismatch", "demo-trs"), ("late-publication", "demo-hanweb"),
                  ("missing-date", "demo-plain"), ("dead-link", "demo-trs"),
                  ("annual-report-missing", "demo-hanweb"),
                  ("dead-link", "demo-fj"), ("column-empty", "demo-js"), ("late-publication", "demo-js"),
                  ("column-stale", "demo-gd"), ("normative-library-missing", "demo-trs"),
                  ("validity-unmarked", "demo-plain"), ("validity-stale", "demo-plain")}
    docs = {d.url_path: d for d in portal.documents()}

    for stale in (p for p in portal.planted if p.kind == "column-stale"):
        newest = max(d.list_date for d in docs.values() if d.column_path == stale.column_path and d.site_id == stale.site_id)
        assert newest.year == 2021

    for p in portal.planted:
        if p.kind == "late-publication":
            d = docs[p.url_path]
            assert 40 <= workdays_between(d.written, d.published) <= 60
            assert d.column_path.endswith("重大建设项目")
    undated = docs[next(p.url_path for p in portal.planted if p.kind == "missing-date")]
    assert undated.list_date is None and undated.published is None and undated.written is None

    for empty in (p for p in portal.planted if p.kind == "column-empty"):
        assert not [d for d in docs.values() if d.site_id == empty.site_id and d.column_path == empty.column_path]

    reports = {s.id: [d.title for d in docs.values() if d.site_id == s.id and d.column_path == c.path]
               for s in portal.sites for c in s.columns if c.catalog_area == "政府信息公开年报"}
    assert any("2024年" in t for t in reports["demo-hanweb"]) and any("2023年" in t for t in reports["demo-hanweb"])
    assert not any("2025年" in t for t in reports["demo-hanweb"])
    assert all(any("2025年" in t for t in reports[s]) for s in reports if s != "demo-hanweb")


def test_normative_library_ground_truth(portal):
    """demo-plain's library of normative documents: every document marked 效力状态：有效 on its page but
    the planted unmarked one; the newest revises and repeals the oldest, which still says 有效."""
    lib = [d for d in portal.documents() if d.site_id == "demo-plain" and d.column_path.endswith("现行有效规范性文件")]
    unmarked = next(p for p in portal.planted if p.kind == "validity-unmarked")
    stale = next(p for p in portal.planted if p.kind == "validity-stale")
    assert len(lib) == 10 and all(d.doc_number for d in lib)
    assert [d.url_path for d in lib if d.validity is None] == [unmarked.url_path]
    newest, oldest = lib[0], lib[-1]
    assert stale.url_path == oldest.url_path and oldest.validity == "有效" and oldest.published < newest.published
    page = portal.handle("GET", newest.url_path).body.decode("gb18030")
    assert f"（{oldest.doc_number}）同时废止" in page and "效力状态：有效" in page
    assert "效力状态" not in portal.handle("GET", unmarked.url_path).body.decode("gb18030")
    assert not any(c.name == "现行有效规范性文件" for c in portal.site("demo-trs").columns)


def test_everything_else_is_clean(portal):
    planted_columns = {(p.site_id, p.column_path) for p in portal.planted if p.kind != "late-publication"}
    planted_docs = {p.url_path for p in portal.planted}
    docs = portal.documents()
    for site in portal.sites:
        for col in site.columns:
            if col.catalog_area is None or (site.id, col.path) in planted_columns:
                continue
            dated = [d.list_date for d in docs if d.site_id == site.id and d.column_path == col.path and d.list_date]
            assert dated and max(dated) >= date(2026, 1, 1), (site.id, col.path)
    for d in docs:
        if d.url_path in planted_docs:
            continue
        assert d.status == 200 and d.published and d.list_date == d.published
        if d.written:
            assert 1 <= workdays_between(d.written, d.published) <= 10


# ----------------------------------------------------------------------------------- over HTTP

def test_entry_pages_answer_with_the_column_tree(portal, base):
    for site in portal.sites:
        status, headers, body = fetch(base + site.entry_path)
        assert status == 200
        text = body.decode("gb18030" if site.encoding == "gbk" else "utf-8")
        for col in site.columns:  # gkmlpt: the tree is JSON in the shell's script
            assert (f'"name": "{col.name}"' if site.id == "demo-gd" else f">{col.name}<") in text
        assert "法定主动公开内容" in text and ("网站标识码" in text or site.id == "demo-gd")
    assert fetch(base + "/trs/xxgk/index.html")[0] == 200
    assert fetch(base + "/trs/xxgk/")[2] == fetch(base + "/trs/xxgk/index.html")[2]


def test_trs_static_pages_and_pager_script(portal, base):
    col = column(portal, "demo-trs", "财政预决算")
    expected = docs_of(portal, "demo-trs", col)
    status, _, body = fetch(base + col.url_path)
    text = body.decode("utf-8")
    pages = int(re.search(r'createPageHTML\((\d+), 0, "index", "html"\)', text).group(1))
    assert pages == -(-len(expected) // 20) >= 3
    sel = Selector(text=text)
    assert not sel.xpath('//a[contains(., "下一页")]')  # the pager exists only as script
    last = fetch(f"{base}{col.url_path}index_{pages - 1}.html")
    assert last[0] == 200
    assert f'createPageHTML({pages}, {pages - 1}, "index", "html")' in last[2].decode()
    assert fetch(f"{base}{col.url_path}index_{pages}.html")[0] == 404
    second = Selector(text=fetch(f"{base}{col.url_path}index_1.html")[2].decode())
    hrefs = second.css("ul.xxgk-list li a::attr(href)").getall()
    assert [urllib.parse.urljoin(col.url_path, h) for h in hrefs] == [d.url_path for d in expected[20:40]]
    assert all(re.fullmatch(r"\./\d{6}/t\d{8}_\d+\.html", h) for h in hrefs)


def test_trs_detail_metadata(portal, base):
    d = next(d for d in portal.documents() if d.site_id == "demo-trs" and d.doc_number and d.attachments)
    sel = Selector(text=fetch(base + d.url_path)[2].decode())
    assert sel.css('meta[name="PubDate"]::attr(content)').get().startswith(d.published.isoformat())
    assert sel.css('meta[name="ArticleTitle"]::attr(content)').get() == d.title
    assert sel.css('meta[name="ColumnName"]::attr(content)').get() == d.column_path.split("/")[-1]
    table = "".join(sel.css("table.xxgk_table").getall())
    assert d.doc_number in table and d.index_number in table and d.publisher in table
    assert sel.css("div.TRS_Editor p")
    for url in d.attachments:
        status, headers, body = fetch(base + url)
        assert status == 200 and len(body) > 50


def _labelled_fields(site_id: str, html: str) -> dict:
    """The fields each demo site prints, read with the site's own layout (a check of the truth itself)."""
    def day(text):
        m = re.search(r"(\d{4})[-年](\d{1,2})[-月](\d{1,2})", text or "")
        return date(*map(int, m.groups())) if m else None

    sel = Selector(text=html)
    if site_id in ("demo-trs", "demo-fj", "demo-js", "demo-gd"):  # the TRS detail template
        kv = {re.sub(r"[\s\u3000\xa0：]", "", "".join(th.css("::text").getall())):
              ("".join(th.xpath("following-sibling::td[1]//text()").getall()).strip() or None)
              for th in sel.css("table.xxgk_table th")}
        return dict(title=sel.css("h1.article-title::text").get(), index_number=kv["索引号"],
                    category=kv.get("主题分类") or kv.get("分类"), publisher=kv["发布机构"],
                    written=day(kv["成文日期"]), doc_number=kv.get("文号") or kv.get("发文字号"),
                    published=day(kv["发布日期"]))
    if site_id == "demo-hanweb":
        kv = {lab.css("::text").get().rstrip("："):
              (lab.xpath("following-sibling::span[1]/text()").get() or "").strip() or None
              for lab in sel.css(".xxgk-info span.lab")}
        info = " ".join(sel.css(".art-info span::text").getall())
        return dict(title="".join(sel.css(".art-title::text").getall()).strip(), index_number=kv["信息索引号"],
                    category=kv["主题分类"], publisher=kv["发布机构"], written=day(kv["生成日期"]),
                    doc_number=kv["文号"], published=day(re.search(r"发布日期：(\S+)", info).group(1)))
    info = "".join(sel.css("td.info::text").getall()).replace("\xa0", " ")
    pick = {k: (re.search(k + r"：(\S+)", info) or [None, None])[1] for k in ("发布时间", "来源", "文号")}
    return dict(title=sel.css("td.title b::text").get(), index_number=None, category=None,
                publisher=pick["来源"], written=None, doc_number=pick["文号"], published=day(pick["发布时间"]))


def test_detail_pages_show_exactly_the_truth(portal):
    docs = [d for d in portal.documents() if d.status == 200]
    for d in docs[::7]:
        body = portal.handle("GET", d.url_path).body
        html = body.decode("gb18030" if d.site_id == "demo-plain" else "utf-8")
        got = _labelled_fields(d.site_id, html)
        assert got == {k: getattr(d, k) for k in got}, d.url_path


def test_hanweb_column_page_embeds_three_pages_of_records(portal, base):
    col = column(portal, "demo-hanweb", "重大建设项目")
    expected = [d.url_path for d in docs_of(portal, "demo-hanweb", col)]
    text = fetch(base + col.url_path)[2].decode()
    assert re.search(r"totalRecord:(\d+)", text).group(1) == str(len(expected))
    assert records(text) == expected[:45]
    assert "<datastore>" in text and "<nextgroup><![CDATA[" in text
    assert not Selector(text=text).css("ul li a[href*='/art/']")  # the records live in a script block
    assert 'name="PubDate"' not in text and 'name="ColumnName"' not in text


def test_hanweb_dataproxy_post_and_get(portal, base):
    col = column(portal, "demo-hanweb", "重大建设项目")
    colid = col.url_path.split("/col/col")[1].split("/")[0]
    expected = [d.url_path for d in docs_of(portal, "demo-hanweb", col)]
    form = urllib.parse.urlencode({"col": 1, "appid": 1, "webid": 3421, "path": "/", "columnid": colid,
                                   "sourceContentType": 1, "unitid": 1, "webname": "演示县人民政府",
                                   "permissiontype": 0}).encode()
    status, headers, body = fetch(f"{base}{HANWEB_PROXY}?startrecord=46&endrecord=90&perpage=15", data=form)
    xml = body.decode("utf-8")
    assert status == 200 and "xml" in headers["Content-Type"]
    assert f"<totalrecord>{len(expected)}</totalrecord>" in xml
    assert records(xml) == expected[45:90]
    status, _, body = fetch(f"{base}{HANWEB_PROXY}?page=2&appid=1&webid=3421&path=/&columnid={colid}&unitid=1&permissiontype=0")
    assert records(body.decode()) == expected[15:30]
    assert "<totalpage>" in body.decode()


def test_hanweb_empty_column(portal, base):
    empty = next(p for p in portal.planted if p.kind == "column-empty")
    text = fetch(base + empty.url_path)[2].decode()
    assert records(text) == [] and "totalRecord:0" in text and "暂无信息" in text


def test_plain_site_is_gbk_declared_gb2312(portal, base):
    col = column(portal, "demo-plain", "社会救助")
    status, headers, body = fetch(base + col.url_path)
    assert status == 200 and headers["Content-Type"] == "text/html"  # no charset in the header
    text = body.decode("gb18030")
    assert 'charset=gb2312' in text[:300]
    assert any(ch in text for ch in GBK_ONLY)
    try:
        strict = body.decode("gb2312")
    except UnicodeDecodeError:
        strict = None
    assert strict != text
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    titles = [d.title for d in portal.documents() if d.site_id == "demo-plain"]
    assert sum(any(ch in t for ch in GBK_ONLY) for t in titles) > len(titles) // 2
    sel = Selector(text=text)
    pager = sel.css("div.pager a::text").getall()
    assert "下一页" in pager and "尾页" in pager and "2" in pager


def test_plain_missing_date_and_meta_trap(portal, base):
    planted = next(p for p in portal.planted if p.kind == "missing-date")
    text = fetch(base + planted.url_path)[2].decode("gb18030")
    assert '<meta name="PubDate" content="2026-06-29 03:00:00">' in text
    assert "发布时间" not in text and "来源：" in text
    listing = fetch(base + next(c.url_path for c in portal.site("demo-plain").columns
                                if c.path == planted.column_path))[2].decode("gb18030")
    row = next(tr for tr in Selector(text=listing).css("table.newslist tr")
               if planted.url_path.endswith(tr.css("a::attr(href)").get()))
    assert not (row.css("td.date::text").get() or "").strip()


def test_dead_link_is_404(portal, base):
    dead = next(p for p in portal.planted if p.kind == "dead-link")
    assert fetch(base + dead.url_path)[0] == 404
    col = column(portal, "demo-trs", "财政预决算")
    page = fetch(base + col.url_path)[2].decode()
    assert "./" + dead.url_path[len(col.url_path):] in page
    assert portal.document(dead.url_path).status == 404


def test_unknown_paths_and_methods(base):
    assert fetch(base + "/trs/xxgk/nosuch/")[0] == 404
    assert fetch(base + "/plain/zwgk/content.jsp?id=1")[0] == 404
    assert fetch(base + "/robots.txt")[0] == 200
    status, headers, body = fetch(base + "/trs/xxgk/", method="HEAD")
    assert status == 200 and body == b"" and int(headers["Content-Length"]) > 1000


def test_mutations():
    portal = DemoPortal()
    with serve(portal) as url:
        col = column(portal, "demo-hanweb", "社会救助")
        before = docs_of(portal, "demo-hanweb", col)
        new = portal.add_documents(3, "demo-hanweb/" + col.path)
        assert len(new) == 3 and all(d.published >= date(2026, 6, 24) for d in new)
        listed = records(fetch(url + col.url_path)[2].decode())
        assert set(listed[:3]) == {d.url_path for d in new}  # newest first, ahead of the older entries
        assert listed[3] == before[0].url_path and len(listed) == 45
        assert fetch(url + new[0].url_path)[0] == 200

        spread = portal.add_documents(6)
        assert {d.site_id for d in spread} == set(("demo-trs", "demo-hanweb", "demo-plain", "demo-fj", "demo-js", "demo-gd"))
        kept = portal.add_documents(6, sites=["demo-fj", "demo-js"])
        assert sorted(d.site_id for d in kept) == ["demo-fj"] * 3 + ["demo-js"] * 3
        assert len({(d.site_id, d.column_path) for d in kept}) == 6
        with pytest.raises(KeyError):
            portal.add_documents(1, "demo-hanweb/" + col.path, sites=["demo-fj"])

        target = before[5].url_path
        old = fetch(url + target)[2]
        portal.edit_document(target)
        edited = fetch(url + target)[2]
        assert edited != old and before[5].title in edited.decode()

        portal.remove_document(target)
        assert fetch(url + target)[0] == 404
        assert target not in records(fetch(url + col.url_path)[2].decode())
        assert target not in {d.url_path for d in portal.documents()}

        failing = before[6].url_path
        portal.fail_document(failing)
        assert fetch(url + failing)[0] == 500
        assert portal.document(failing).status == 500
        assert failing in {d.url_path for d in portal.documents()}


# ----------------------------------------------------------------------------------- platform styles

def test_dongjing_page_holds_the_first_pages_as_hidden_groups_and_the_rest_behind_the_search(portal, base):
    col = next(c for c in portal.site("demo-fj").columns if c.name == "通知公告")
    expected = [d.url_path for d in docs_of(portal, "demo-fj", col)]
    text = fetch(base + col.url_path)[2].decode()
    sel = Selector(text=text)
    groups = sel.xpath('//*[starts-with(@ms-visible, "$showStatic(")]')
    assert [g.attrib["ms-visible"] for g in groups] == ["$showStatic(1)", "$showStatic(6)", "$showStatic(11)", "$showStatic(16)"]
    hrefs = [urllib.parse.urljoin(col.url_path, h) for h in groups.css("li a::attr(href)").getall()]
    assert hrefs == expected[:20] and len(expected) > 30
    assert f"recordCount: '{len(expected)}'" in text and "maxStaticIndex: 2" in text and "list2.trsapi" in text
    assert not sel.xpath('//a[contains(., "下一页")]') and fetch(base + col.url_path + "index_1.htm")[0] == 404
    chnl = re.search(r"classsql: 'chnlid=(\d+)'", text).group(1)
    form = urllib.parse.urlencode({"channelid": "229105", "sortfield": "-docorderpri,-docreltime",
                                   "classsql": f"chnlid={chnl}", "classcol": "publishyear", "classnum": "100",
                                   "classsort": "0", "cache": "true", "page": "2", "prepage": "20"}).encode()
    status, headers, body = fetch(base + "/fj/fjdzapp/search", data=form)
    answer = __import__("json").loads(body)
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert [d["docpuburl"] for d in answer["data"]] == expected[20:40] and answer["pageCount"] == 2
    assert fetch(base + "/fj/fjdzapp/search")[0] == 405
    oldest = next(p for p in portal.planted if p.site_id == "demo-fj")
    assert oldest.kind == "dead-link" and oldest.url_path == expected[-1] and fetch(base + expected[-1])[0] == 404


def test_script_only_pager_and_the_empty_column_beside_the_hot_news_bar(portal, base):
    col = next(c for c in portal.site("demo-js").columns if c.name == "重大建设项目")
    expected = [d.url_path for d in docs_of(portal, "demo-js", col)]
    pages = -(-len(expected) // 15)
    text = fetch(base + col.url_path)[2].decode()
    assert f"totalPage: {pages}," in text and "'index_' + i + '.html'" in text and pages == 3
    assert not Selector(text=text).xpath('//a[contains(@href, "index_")]')  # no <a> to page 2
    last = fetch(f"{base}{col.url_path}index_{pages - 1}.html")[2].decode()
    hrefs = Selector(text=last).css("table.list a::attr(href)").getall()
    assert [urllib.parse.urljoin(col.url_path, h) for h in hrefs] == expected[30:]
    assert fetch(f"{base}{col.url_path}index_{pages}.html")[0] == 404
    late = next(p for p in portal.planted if p.site_id == "demo-js" and p.kind == "late-publication")
    assert late.url_path in expected[30:]
    empty = next(p for p in portal.planted if p.site_id == "demo-js" and p.kind == "column-empty")
    text = fetch(base + empty.url_path)[2].decode()
    assert "暂无信息" in text and "共0条" in text and "totalPage: 0," in text
    bar = Selector(text=text).css("div.top")
    assert bar.css("a::text").getall()[:3] == ["首页", "政府信息公开", "互动交流"] and "热点：" in bar.get()
    assert re.search(r"\d{4}-\d{2}-\d{2}", bar.get())


def test_gkmlpt_shell_api_and_detail_pages(portal, base):
    site = portal.site("demo-gd")
    shell = fetch(base + site.entry_path)[2].decode()
    assert "window._CONFIG" in shell and "SID: '449906'" in shell and "TREE: [" in shell
    assert not Selector(text=shell).css("a")  # nothing but the script leads anywhere
    col = next(c for c in site.columns if c.name == "政策文件")
    assert col.url_path == f"/gd/gkmlpt/api/all/{col.url_path.split('/')[-1].split('?')[0]}?page=1&sid=449906"
    expected = docs_of(portal, "demo-gd", col)
    first = __import__("json").loads(fetch(base + col.url_path)[2])
    second = __import__("json").loads(fetch(base + col.url_path.replace("page=1", "page=2"))[2])
    assert first["total"] == len(expected) > 100 and first["offset"] == 0 and second["offset"] == 100
    assert [a["url"] for a in first["articles"] + second["articles"]] == [d.url_path for d in expected]
    a = first["articles"][0]
    assert a["classify_main"] == first["classify"]["id"] and a["type"] == "normal"
    assert a["url"] == f"/gd/gkmlpt/content/{a['id'] // 10**6}/{a['id'] // 10**3}/post_{a['id']}.html"
    assert fetch(base + a["url"])[0] == 200
