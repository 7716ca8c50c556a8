"""next_pages: each pager scheme, never the current page."""
import json

from crawler.extraction.pagination import PageRequest, next_pages


def urls(html, url):
    return [p.url for p in next_pages(html, url)]


def test_trs_create_page_html_lists_every_page():
    html = '<div id="page"><script>createPageHTML(5, 0, "index", "shtml");</script></div>'
    assert urls(html, "http://x.gov.cn/zwgk/tzgg/index.shtml") == [
        f"http://x.gov.cn/zwgk/tzgg/index_{i}.shtml" for i in range(1, 5)]


def test_trs_create_page_html_from_a_later_page_includes_the_first_and_not_itself():
    html = "<script>createPageHTML(4, 2, 'index', 'html');</script>"
    assert urls(html, "http://x.gov.cn/zwgk/tzgg/index_2.html") == [
        "http://x.gov.cn/zwgk/tzgg/index.html", "http://x.gov.cn/zwgk/tzgg/index_1.html", "http://x.gov.cn/zwgk/tzgg/index_3.html"]


def test_trs_create_page_html_with_element_id_and_record_count():
    html = "<script>createPageHTML('page_div',3, 0,'index','html',57);</script>"
    assert urls(html, "http://x.gov.cn/a/") == ["http://x.gov.cn/a/index_1.html", "http://x.gov.cn/a/index_2.html"]


def test_single_page_column_has_no_other_pages():
    assert urls('<script>createPageHTML(1, 0, "index", "html");</script>', "http://x.gov.cn/a/index.html") == []


def test_index_n_links_and_the_gap_up_to_the_last_page_is_filled():
    html = ('<div class="page"><a href="index.html">首页</a> <span>1</span> <a href="index_1.html">2</a> '
            '<a href="index_1.html">下一页</a> <a href="index_5.html">尾页</a></div>')
    assert sorted(urls(html, "http://x.gov.cn/a/index.html")) == sorted(
        f"http://x.gov.cn/a/index_{i}.html" for i in range(1, 6))


def test_query_page_links():
    html = ('<div class="pager"><a href="list.jsp?colid=7&amp;page=1">首页</a> <b>1</b> '
            '<a href="list.jsp?colid=7&amp;page=2">2</a> <a href="list.jsp?colid=7&amp;page=2">下一页</a> '
            '<a href="list.jsp?colid=7&amp;page=6">尾页</a></div>')
    got = urls(html, "http://x.gov.cn/zwgk/list.jsp?colid=7")
    assert sorted(got) == sorted(f"http://x.gov.cn/zwgk/list.jsp?colid=7&page={n}" for n in range(2, 7))


def test_query_page_index_parameter_from_a_middle_page():
    html = ('<a href="?pageIndex=1&cid=3">上一页</a><a href="?pageIndex=3&cid=3">下一页</a>'
            '<a href="?pageIndex=4&cid=3">尾页</a>')
    got = urls(html, "http://x.gov.cn/list.aspx?pageIndex=2&cid=3")
    assert sorted(got) == [f"http://x.gov.cn/list.aspx?pageIndex={n}&cid=3" for n in (1, 3, 4)]


def test_underscore_n_pages():
    html = '<a href="list_12_2.html">下一页</a><a href="list_12_9.html">末页</a>'
    got = urls(html, "http://x.gov.cn/xxgk/list_12.html")
    assert sorted(got) == sorted(f"http://x.gov.cn/xxgk/list_12_{n}.html" for n in range(2, 10))


def test_next_link_by_text():
    html = '<div><a href="/news/more.php?from=20">下页</a> <a href="/other/">其他栏目</a></div>'
    assert urls(html, "http://x.gov.cn/news/more.php") == ["http://x.gov.cn/news/more.php?from=20"]


def test_never_the_page_itself():
    html = '<a href="index.html">1</a><a href="./">首页</a><a href="index_1.html">2</a>'
    assert urls(html, "http://x.gov.cn/a/") == ["http://x.gov.cn/a/index_1.html"]


def test_hanweb_column_page_posts_the_remaining_groups():
    html = """<div id="4567"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=2&path=/&columnid=123&unitid=4567&webname=%E7%A4%BA%E4%BE%8B&permissiontype=0"></a>]]></nextgroup>
<recordset>""" + "".join(f'<record><![CDATA[<li><a href="/art/{i}.html">标题{i}号文件</a></li>]]></record>' for i in range(45)) + """
</recordset></datastore></script></div>
<script>$('#4567').jpage({totalRecord:100, perPage:15, groupSize:3, proxyUrl:'/module/web/jpage/dataproxy.jsp'});</script>"""
    pages = next_pages(html, "http://www.x.gov.cn/col/col123/index.html")
    form = (("appid", "1"), ("webid", "2"), ("path", "/"), ("columnid", "123"), ("unitid", "4567"),
            ("webname", "示例"), ("permissiontype", "0"))
    assert pages == [
        PageRequest("http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15", "POST", form),
        PageRequest("http://www.x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=91&endrecord=100&perpage=15", "POST", form),
    ]


def test_hanweb_without_total_follows_the_nextgroup_get_chain():
    html = """<script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&columnid=9"></a>]]></nextgroup>
<recordset><record><![CDATA[<li><a href="/art/1.html">标题一号文件</a></li>]]></record></recordset></datastore></script>"""
    assert urls(html, "http://x.gov.cn/col/col9/index.html") == [
        "http://x.gov.cn/module/web/jpage/dataproxy.jsp?page=1&webid=1&columnid=9"]


def test_hanweb_get_answer_lists_its_pages():
    xml = """<?xml version="1.0"?><datastore><totalrecord>40</totalrecord><totalpage>3</totalpage><recordset>
<record><![CDATA[<li><a href="/art/1.html">标题一号文件</a></li>]]></record></recordset></datastore>"""
    url = "http://x.gov.cn/module/web/jpage/dataproxy.jsp?page=2&webid=1&columnid=9"
    assert urls(xml, url) == ["http://x.gov.cn/module/web/jpage/dataproxy.jsp?page=1&webid=1&columnid=9",
                              "http://x.gov.cn/module/web/jpage/dataproxy.jsp?page=3&webid=1&columnid=9"]


def test_hanweb_post_answer_adds_nothing():
    xml = "<datastore><totalrecord>400</totalrecord><recordset><record><![CDATA[<li>x</li>]]></record></recordset></datastore>"
    assert next_pages(xml, "http://x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15") == []


def test_gkmlpt_json_pages():
    body = json.dumps({"total": 250, "articles": [{"title": f"t{i}", "url": f"/c/{i}.html"} for i in range(100)]})
    assert urls(body, "http://www.gd.gov.cn/gkmlpt/api/all/5?page=1&sid=2") == [
        "http://www.gd.gov.cn/gkmlpt/api/all/5?page=2&sid=2", "http://www.gd.gov.cn/gkmlpt/api/all/5?page=3&sid=2"]


def test_aspnet_postback_pager():
    html = """<form id="form1" action="./list.aspx?id=3" method="post">
<input type="hidden" name="__VIEWSTATE" value="abc"><input type="hidden" name="__EVENTVALIDATION" value="def">
<a href="javascript:__doPostBack('ctl00$pager','2')">下一页</a></form>"""
    assert next_pages(html, "http://x.gov.cn/list.aspx?id=3") == [PageRequest(
        "http://x.gov.cn/list.aspx?id=3", "POST",
        (("__VIEWSTATE", "abc"), ("__EVENTVALIDATION", "def"), ("__EVENTTARGET", "ctl00$pager"), ("__EVENTARGUMENT", "2")))]


def test_other_columns_and_detail_links_are_not_pages():
    html = '<a href="../zcwj/index_1.html">政策文件</a><a href="./202301/t20230101_1.html">2</a>'
    assert urls(html, "http://x.gov.cn/xxgk/tzgg/index.html") == []
