"""extract_entries: the main list only, titles from title attributes, dates, Hanweb and JSON lists."""
import json
from datetime import date

from crawler.extraction.listing import extract_entries

URL = "http://www.example.gov.cn/xxgk/tzgg/index.html"

UL_PAGE = """<html><body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">信息公开</a> &gt; <a href="./">通知公告</a></div>
<div class="left"><ul class="tree"><li><a href="../zcwj/">政策文件</a></li><li><a href="../tzgg/">通知公告</a></li>
<li><a href="../rsxx/">人事信息</a></li><li><a href="../czzj/">财政资金</a></li></ul></div>
<div class="right">
  <ul class="list">
    <li><a href="./202305/t20230516_1.html" title="关于开展2023年度安全生产大检查工作的通知">关于开展2023年度安全生产大检查...</a><span>2023-05-16</span></li>
    <li><a href="./202305/t20230510_2.html">关于公布行政许可事项清单的公告</a><span>[2023-05-10]</span></li>
    <li><a href="./202304/t20230401_3.html" title="在新窗口打开">示例县2022年政府信息公开工作年度报告</a><span>2023年4月1日</span></li>
  </ul>
  <div class="page"><a href="index.html">首页</a><a href="index_1.html">下一页</a><a href="index_1.html">2</a><a href="index_4.html">尾页</a></div>
</div>
<div class="hot"><h3>热点信息</h3><ul><li><a href="../zcwj/202301/t20230101_9.html">热点文件一则标题很长很长</a><span>2023-01-01</span></li>
<li><a href="../zcwj/202301/t20230102_8.html">热点文件二则标题很长很长</a><span>2023-01-02</span></li></ul></div>
<div class="footer"><a href="/wzdt/">网站地图</a> <a href="/lxwm/">联系我们</a> 更新时间：2024-01-01</div>
</body></html>"""


def simple(entries):
    return [(e["title"], e["url"], e["date"]) for e in entries]


def test_main_list_only_with_title_attribute_preferred():
    assert simple(extract_entries(UL_PAGE, URL)) == [
        ("关于开展2023年度安全生产大检查工作的通知", "http://www.example.gov.cn/xxgk/tzgg/202305/t20230516_1.html", date(2023, 5, 16)),
        ("关于公布行政许可事项清单的公告", "http://www.example.gov.cn/xxgk/tzgg/202305/t20230510_2.html", date(2023, 5, 10)),
        ("示例县2022年政府信息公开工作年度报告", "http://www.example.gov.cn/xxgk/tzgg/202304/t20230401_3.html", date(2023, 4, 1)),
    ]


def test_table_rows_with_publication_date_column():
    html = """<table class="list"><tr><th>序号</th><th>标题</th><th>成文日期</th><th>发布日期</th></tr>
    <tr><td>1</td><td><a href="/a/1.html">关于甲事项的通知文件</a></td><td>2023-05-01</td><td>2023-05-08</td></tr>
    <tr><td>2</td><td><a href="/a/2.html">关于乙事项的通知文件</a></td><td>2023-04-01</td><td>2023-04-09</td></tr></table>"""
    assert [(e["title"], e["date"]) for e in extract_entries(html, URL)] == [
        ("关于甲事项的通知文件", date(2023, 5, 8)), ("关于乙事项的通知文件", date(2023, 4, 9))]


def test_shown_date_wins_over_the_date_in_the_url():
    html = """<ul class="list"><li><a href="./201811/t20181102_1.html">某会议召开的消息稿件</a><span>2018-03-26</span></li>
    <li><a href="./201811/t20181102_2.html">另一会议召开的消息稿件</a><span>2018-01-05</span></li></ul>"""
    assert [e["date"] for e in extract_entries(html, URL)] == [date(2018, 3, 26), date(2018, 1, 5)]


def test_date_inside_the_link():
    html = """<div class="list"><a href="/a/1.html"><span class="t">关于甲事项的通知</span><span class="d">2023-05-16</span></a>
    <a href="/a/2.html"><span class="t">关于乙事项的通知</span><span class="d">2023-05-15</span></a></div>"""
    assert simple(extract_entries(html, URL)) == [
        ("关于甲事项的通知", "http://www.example.gov.cn/a/1.html", date(2023, 5, 16)),
        ("关于乙事项的通知", "http://www.example.gov.cn/a/2.html", date(2023, 5, 15))]


def test_list_split_in_several_blocks():
    html = """<div class="main"><ul class="list"><li><a href="/a/1.html">第一条信息标题内容</a><span>2023-05-16</span></li>
    <li><a href="/a/2.html">第二条信息标题内容</a><span>2023-05-15</span></li></ul><div class="line"></div>
    <ul class="list"><li><a href="/a/3.html">第三条信息标题内容</a><span>2023-05-14</span></li>
    <li><a href="/a/4.html">第四条信息标题内容</a><span>2023-05-13</span></li></ul></div>"""
    assert [e["url"][-9:] for e in extract_entries(html, URL)] == ["/a/1.html", "/a/2.html", "/a/3.html", "/a/4.html"]


def test_empty_column_gives_nothing():
    html = UL_PAGE.split('<ul class="list">')[0] + '<ul class="list"><li class="nodata">暂无信息</li></ul></div></body></html>'
    assert extract_entries(html, URL) == []


def test_hanweb_datastore_in_page():
    html = """<div id="4567"><script type="text/xml"><datastore>
    <nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&columnid=123&unitid=4567"></a>]]></nextgroup>
    <recordset>
    <record><![CDATA[<li><a href="/art/2023/5/16/art_123_1.html" title="关于某某工作的通知全文标题">关于某某工作的…</a><span>2023-05-16</span></li>]]></record>
    <record><![CDATA[<li><a href="/art/2023/5/15/art_123_2.html" title="关于另一项工作的通知">关于另一项工作的通知</a><span>2023-05-15</span></li>]]></record>
    </recordset></datastore></script></div>"""
    assert simple(extract_entries(html, "http://www.x.gov.cn/col/col123/index.html")) == [
        ("关于某某工作的通知全文标题", "http://www.x.gov.cn/art/2023/5/16/art_123_1.html", date(2023, 5, 16)),
        ("关于另一项工作的通知", "http://www.x.gov.cn/art/2023/5/15/art_123_2.html", date(2023, 5, 15))]


def test_dataproxy_xml_answer():
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<datastore><totalrecord>47</totalrecord><totalpage>4</totalpage><recordset>
<record><![CDATA[
<li><a href="/art/2022/1/20/art_12377_1486865.html" title="定西市春节文明祭祀倡议书">定西市春节文明祭祀倡议书</a>    <b>2022-01-20</b></li>]]></record>
</recordset></datastore>"""
    assert simple(extract_entries(xml, "http://www.dx.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15")) == [
        ("定西市春节文明祭祀倡议书", "http://www.dx.gov.cn/art/2022/1/20/art_12377_1486865.html", date(2022, 1, 20))]


def test_gkmlpt_json():
    body = json.dumps({"total": 230, "articles": [
        {"id": 1, "title": "关于甲的通知", "url": "http://www.gd.gov.cn/gkmlpt/content/4/4123/post_4123.html",
         "first_publish_time": 1684211400, "publisher": "广东省人民政府办公厅"},
        {"id": 2, "title": "关于乙的通知", "url": "/gkmlpt/content/4/4124/post_4124.html", "first_publish_time": "2023-05-10 09:00:00"},
    ]}, ensure_ascii=False)
    assert simple(extract_entries(body, "http://www.gd.gov.cn/gkmlpt/api/all/5?page=1&sid=2")) == [
        ("关于甲的通知", "http://www.gd.gov.cn/gkmlpt/content/4/4123/post_4123.html", date(2023, 5, 16)),
        ("关于乙的通知", "http://www.gd.gov.cn/gkmlpt/content/4/4124/post_4124.html", date(2023, 5, 10))]


def test_json_that_is_not_a_list():
    assert extract_entries('{"code": 0, "msg": "ok"}', URL) == []


def test_undated_document_list_is_kept():
    html = """<ul class="files"><li><a href="/a/t20230101_1.html">示例县2023年部门预算公开说明</a></li>
    <li><a href="/a/t20230101_2.html">示例县2023年部门决算公开说明</a></li></ul>"""
    assert [e["date"] for e in extract_entries(html, URL)] == [None, None]


def test_list_total_reads_the_displayed_count():
    from crawler.extraction.listing import list_total

    assert list_total('{"total": 57, "articles": []}') == 57
    assert list_total('{"data": {"totalCount": "12", "list": []}}') == 12
    assert list_total("<html><body><ul><li>无</li></ul></body></html>") is None


def test_a_date_printed_without_its_year_takes_the_year_of_its_url():
    html = """<html><body><div class="list"><ul>
      <li><a href="./202305/t20230516_101.html" title="关于2023年财政预算执行情况的报告">关于2023年财政预算执行情况的报告</a><span>(05-16)</span></li>
      <li><a href="./202212/t20221230_102.html" title="关于做好元旦春节期间安全生产工作的通知">关于做好元旦春节期间安全生产工作的通知</a><span>(01-02)</span></li>
      <li><a href="./detail.jsp?id=103" title="关于公布最低生活保障标准的通知">关于公布最低生活保障标准的通知</a><span>(03-08)</span></li>
    </ul></div></body></html>"""
    entries = extract_entries(html, "http://www.example.gov.cn/xxgk/tzgg/index.html")
    assert [(e["url"].rsplit("/", 1)[1], e["date"]) for e in entries] == [
        ("t20230516_101.html", date(2023, 5, 16)),
        ("t20221230_102.html", date(2023, 1, 2)),   # listed two days after the URL's date, in the new year
        ("detail.jsp?id=103", None),                # no year anywhere: unknown, not guessed
    ]


# Issue 9: an xxgk list whose rows are sibling cells of one <dl> (no row element) under a
# <dt>标题</dt><dt>发布日期</dt> header, beside the hidden avalon template of the script-built list.
DL_PAIRS_PAGE = """<html><body>
<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>
<div class="xxgk_list">
  <dl>
    <dt>标题</dt><dt>发布日期</dt>
    <dd><a href="./202503/t20250310_101.htm" title="平潭综合实验区关于开展春季森林防火检查的通知">平潭综合实验区关于开展春季森林防火检查的通知</a></dd><dd>2025-03-10</dd>
    <dd><a href="./202502/t20250226_99.htm" title="关于公布2025年度行政执法主体名单的公告">关于公布2025年度行政执法主体名单的公告</a></dd><dd>2025-02-26</dd>
    <dd><a href="./202501/t20250115_97.htm" title="平潭综合实验区2024年政府信息公开工作年度报告">平潭综合实验区2024年政府信息公开工作年度报告</a></dd><dd>2025-01-15</dd>
  </dl>
  <dl ms-repeat="list"><dd><a ms-attr-href="el.url" ms-text="el.title" target="_blank"></a></dd><dd ms-text="el.docreltime"></dd></dl>
</div>
<div class="hot"><ul><li><a href="/zwgk/yw/202503/t20250301_5.htm">热点：某某会议召开的一则很长的新闻标题</a><span>2025-03-01</span></li></ul></div>
</body></html>"""


def test_dl_rows_of_sibling_cells_take_the_date_cell_beside_the_link():
    got = simple(extract_entries(DL_PAIRS_PAGE, URL))
    assert got == [
        ("平潭综合实验区关于开展春季森林防火检查的通知", "http://www.example.gov.cn/xxgk/tzgg/202503/t20250310_101.htm", date(2025, 3, 10)),
        ("关于公布2025年度行政执法主体名单的公告", "http://www.example.gov.cn/xxgk/tzgg/202502/t20250226_99.htm", date(2025, 2, 26)),
        ("平潭综合实验区2024年政府信息公开工作年度报告", "http://www.example.gov.cn/xxgk/tzgg/202501/t20250115_97.htm", date(2025, 1, 15)),
    ]


def test_a_date_inside_a_link_title_stays_in_the_title():
    page = """<html><body><ul class="list">
    <li><a href="/xwfb/20220426/d4.html" title="上海2022年4月25日，新增本土确诊病例1661例">上海2022年4月25日，新增本土确诊病例1661例</a><span class="time">2022-04-26</span></li>
    <li><a href="/xwfb/20220425/e1.html">上海2022年4月24日，新增本土确诊病例2472例</a><span class="time">2022-04-25</span></li>
    <li><a href="/xwfb/20220424/a7.html">2022-04-24 本市疫情防控工作新闻发布会</a></li>
    </ul></body></html>"""
    got = simple(extract_entries(page, "https://wsjkw.sh.gov.cn/yqtb/index.html"))
    assert got == [
        ("上海2022年4月25日，新增本土确诊病例1661例", "https://wsjkw.sh.gov.cn/xwfb/20220426/d4.html", date(2022, 4, 26)),
        ("上海2022年4月24日，新增本土确诊病例2472例", "https://wsjkw.sh.gov.cn/xwfb/20220425/e1.html", date(2022, 4, 25)),
        ("本市疫情防控工作新闻发布会", "https://wsjkw.sh.gov.cn/xwfb/20220424/a7.html", date(2022, 4, 24)),
    ]
