"""extract_detail: fields, date trust order, title choice, attachments, body."""
from datetime import date

from crawler.extraction.detail import extract_detail

FETCHED = date(2024, 6, 1)

TRS_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>关于印发示例市数据管理办法的通知_政策文件_示例市人民政府</title>
<meta name="SiteName" content="示例市人民政府">
<meta name="ColumnName" content="政策文件">
<meta name="ArticleTitle" content="关于印发示例市数据管理办法的通知">
<meta name="PubDate" content="2023-09-01 10:00">
</head><body>
<div class="header"><span>2024年5月31日 星期五</span></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a></div>
<table class="xxgk_table"><tbody>
<tr><th>索 引 号：</th><td>11330100MB0000000X/2023-00042</td><th>主题分类：</th><td>综合政务</td></tr>
<tr><th>发布机构：</th><td>示例市人民政府办公室</td><th>成文日期：</th><td>2023年05月10日</td></tr>
<tr><th>文　　号：</th><td>示政办发〔2023〕12号</td><th>发布日期：</th><td>2023年05月16日</td></tr>
</tbody></table>
<div class="article">
  <h1 class="article-title">关于印发示例市数据管理办法的通知</h1>
  <div class="article-info"><span>来源：示例市人民政府办公室</span><span>字号：大 中 小</span></div>
  <div class="article-content" id="zoom"><div class="TRS_Editor">
    <p>各县（市、区）人民政府：</p>
    <p>现将《示例市数据管理办法》印发给你们，请认真贯彻执行。（2023年4月1日起施行）</p>
    <p style="text-align:right">二〇二三年五月十日</p>
  </div></div>
  <div class="article-fj"><p>附件：</p>
    <p><a href="./202305/P020230516123.pdf">1.示例市数据管理办法.pdf</a></p>
    <p><a href="/xxgk/202305/P020230516124.docx" title="2.附表.docx">2.附表.docx</a></p>
    <p><a href="download.jsp?filename=%E7%94%B3%E6%8A%A5%E8%A1%A8.xls">申报表</a></p>
    <p><a href="./202305/t20230516_1.html">相关解读</a></p>
  </div>
</div>
<div class="related"><ul><li><a href="./t20240101_9.html">另一篇文章</a><span>2024-01-01</span></li></ul>
  <a href="./fj/other.pdf">相关文件.pdf</a></div>
<div class="footer">网站更新时间：2024-05-30 版权所有 2019-2024 <a href="/guide.doc">帮助.doc</a></div>
</body></html>"""


def test_trs_page_fields():
    out = extract_detail(TRS_PAGE, "http://www.example.gov.cn/xxgk/zcwj/202305/t20230516_42.html", fetched_at=FETCHED)
    assert out["fields"] == {
        "title": "关于印发示例市数据管理办法的通知",
        "published": date(2023, 5, 16),
        "written": date(2023, 5, 10),
        "doc_number": "示政办发〔2023〕12号",
        "index_number": "11330100MB0000000X/2023-00042",
        "publisher": "示例市人民政府办公室",
        "category": "综合政务",
        "validity": None,
        "repeals": [],
    }
    assert out["date_source"] == "table"
    assert out["column_name"] == "政策文件"


def test_trs_page_attachments_are_absolute_and_only_from_the_article():
    out = extract_detail(TRS_PAGE, "http://www.example.gov.cn/xxgk/zcwj/202305/t20230516_42.html", fetched_at=FETCHED)
    assert out["attachments"] == [
        {"title": "1.示例市数据管理办法.pdf", "url": "http://www.example.gov.cn/xxgk/zcwj/202305/202305/P020230516123.pdf"},
        {"title": "2.附表.docx", "url": "http://www.example.gov.cn/xxgk/202305/P020230516124.docx"},
        {"title": "申报表", "url": "http://www.example.gov.cn/xxgk/zcwj/202305/download.jsp?filename=%E7%94%B3%E6%8A%A5%E8%A1%A8.xls"},
    ]


def test_trs_page_body_is_the_article_text():
    body = extract_detail(TRS_PAGE, "http://www.example.gov.cn/a.html", fetched_at=FETCHED)["body"]
    assert body.splitlines() == ["各县（市、区）人民政府：", "现将《示例市数据管理办法》印发给你们，请认真贯彻执行。（2023年4月1日起施行）",
                                 "二〇二三年五月十日"]


def test_label_beats_a_later_pubdate_meta():
    assert extract_detail(TRS_PAGE, "http://x.gov.cn/a.html", fetched_at=FETCHED)["fields"]["published"] == date(2023, 5, 16)


def test_meta_when_no_label():
    html = """<html><head><meta name="PubDate" content="2023-05-16 09:00"><title>通知 - 某县人民政府</title></head>
    <body><h1>关于做好防汛工作的通知</h1><div class="TRS_Editor"><p>正文（2023年4月12日）。</p></div>
    <div class="footer">更新时间：2024-05-30</div></body></html>"""
    out = extract_detail(html, "http://x.gov.cn/a.html", fetched_at=FETCHED)
    assert (out["fields"]["published"], out["date_source"]) == (date(2023, 5, 16), "meta")
    assert out["fields"]["title"] == "关于做好防汛工作的通知"


def test_pubdate_meta_equal_to_page_generation_stamp_is_not_a_publication_date():
    html = """<html><head><meta name="PubDate" content="2024-05-30 03:00:00"><title>关于某事的通知-某县</title></head>
    <body><table><tr><td class="title"><b>关于某事的通知</b></td></tr><tr><td id="zoom"><p>正文无日期。</p></td></tr></table>
    <table class="foot"><tr><td>页面更新时间：2024-05-30 建议使用1024*768分辨率</td></tr></table></body></html>"""
    out = extract_detail(html, "http://x.gov.cn/a.jsp?id=1", fetched_at=FETCHED)
    assert out["fields"]["published"] is None
    assert out["date_source"] is None


def test_others_meta_marks_pubdate_as_generation_time():
    html = """<html><head><meta name="PubDate" content="2022-04-24 10:00:43">
    <meta name="others" content="页面生成时间 2022-04-24 10:00:43"><title>某某</title></head><body><p>x</p></body></html>"""
    assert extract_detail(html, "http://x.gov.cn/a.html", fetched_at=FETCHED)["fields"]["published"] is None


def test_unlabelled_date_under_the_title_and_media_source_is_not_publisher():
    html = """<html><head><title>习近平主持召开座谈会-中国科普网</title></head><body>
    <div class="nav"><a href="/politics/2024-01/29/content_1.html">侧栏 2024-01-29</a></div>
    <div class="detail-title"><div>习近平主持召开座谈会</div><ul><li>来源：新华社</li><li>作者：</li><li>2023-12-01 14:43</li></ul></div>
    <div class="content"><p>新华社上海11月30日电 正文……</p></div>
    <div class="related"><li><a href="/x.html">相关新闻</a> 2024-02-02</li></div></body></html>"""
    out = extract_detail(html, "http://www.kepu.gov.cn/politics/2023-12/01/content_1755244.html", fetched_at=FETCHED)
    assert out["fields"]["title"] == "习近平主持召开座谈会"
    assert out["fields"]["published"] == date(2023, 12, 1)
    assert out["date_source"] == "text"
    assert out["fields"]["publisher"] is None


def test_government_source_is_taken_as_publisher():
    html = "<html><body><h1>关于某事的公告</h1><div class='info'>发布时间：2023-05-16 来源：某某县财政局</div></body></html>"
    out = extract_detail(html, "http://x.gov.cn/a.html", fetched_at=FETCHED)
    assert out["fields"]["publisher"] == "某某县财政局"
    assert out["date_source"] == "label"


def test_dates_after_fetch_or_before_1990_are_rejected():
    html = "<html><body><h1>某通知标题</h1><p>发布日期：2025-01-01</p><p>成文日期：1985-01-01</p></body></html>"
    out = extract_detail(html, "http://x.gov.cn/a.html", fetched_at=FETCHED)
    assert out["fields"]["published"] is None
    assert out["fields"]["written"] is None


def test_body_dateline_is_not_the_publication_date():
    html = """<html><head><title>宜春市2022年统计公报 | 中国宜春</title></head><body>
    <dl><dd><label>索 引 号：</label><div>014717475N/2023-0040295</div></dd>
    <dd><label>发文日期：</label><div>2023-04-18</div></dd></dl>
    <h1 class="article-title">宜春市2022年统计公报</h1>
    <div class="article-content"><p>（2023年4月12日）</p><p>正文</p></div></body></html>"""
    out = extract_detail(html, "http://x.gov.cn/a.shtml", fetched_at=FETCHED)
    assert out["fields"]["published"] == date(2023, 4, 18)
    assert out["fields"]["written"] is None


def test_title_from_title_tag_without_suffix():
    html = "<html><head><title>关于开展2023年安全生产检查的通知 - 某某县人民政府</title></head><body><p>x</p></body></html>"
    assert extract_detail(html, "http://x.gov.cn/a.html")["fields"]["title"] == "关于开展2023年安全生产检查的通知"


def test_logo_h1_is_not_the_title():
    html = """<html><head><title>关于某项工作的通知_某某县人民政府</title></head><body>
    <div class="logo"><h1><a href="/"><img src="logo.png">某某县人民政府</a></h1></div>
    <div class="con-title">关于某项工作的通知</div><p>x</p></body></html>"""
    assert extract_detail(html, "http://x.gov.cn/a.html")["fields"]["title"] == "关于某项工作的通知"


# Issue 9: a 文号 printed only in the body under the title, split over several <span>s.
BODY_DOC_NUMBER_PAGE = """<html><head><title>关于某某同志职务任免的通知_人事信息_平潭综合实验区党工委管委会</title></head><body>
<div class="article_title">关于某某同志职务任免的通知</div>
<div class="article_extend"><span class="article_time">时间：2024-05-06 10:00</span></div>
<div class="TRS_Editor">
<p style="text-align:center"><span style="font-family:仿宋_GB2312">岚综委干</span><span>〔</span><span style="font-family:宋体">2024</span><span>〕</span><span style="font-family:宋体">46</span><span>号</span></p>
<p>各部门：</p>
<p>根据《关于进一步加强干部管理的通知》（闽委〔2023〕12号）精神，经研究决定：任命某某同志为某局副局长。</p>
<p style="text-align:right">2024年5月6日</p>
</div></body></html>"""


def test_doc_number_on_its_own_line_under_the_title_split_over_spans():
    fields = extract_detail(BODY_DOC_NUMBER_PAGE, "https://www.pingtan.gov.cn/zwgk/rsxx/202405/t20240506_1.htm",
                            fetched_at=FETCHED)["fields"]
    assert fields["doc_number"] == "岚综委干〔2024〕46号"
    assert fields["published"] == date(2024, 5, 6)


def test_doc_number_under_the_heading_when_the_title_tag_names_only_column_and_site():
    # Real Pingtan 人事任免 pages: <title> is "人事任免_ …管委会", the ArticleTitle meta holds the
    # title, and the signature line "…党工委" is the only text the <title> contains. The 文号
    # is read under the heading that holds the title, not under that signature.
    page = (BODY_DOC_NUMBER_PAGE
            .replace("<title>关于某某同志职务任免的通知_人事信息_平潭综合实验区党工委管委会</title>",
                     '<title>\n\t\t人事任免_\n\t\t平潭综合实验区党工委管委会\n\t</title>'
                     '<meta name="ArticleTitle" content="关于某某同志职务任免的通知"/>')
            .replace('<p style="text-align:right">2024年5月6日</p>',
                     '<p>&nbsp;&nbsp;&nbsp;&nbsp; 平潭综合实验区党工委</p><p style="text-align:right">2024年5月6日</p>'))
    fields = extract_detail(page, "https://www.pingtan.gov.cn/zwgk/rsxx/202405/t20240506_1.htm", fetched_at=FETCHED)["fields"]
    assert fields["title"] == "关于某某同志职务任免的通知"
    assert fields["doc_number"] == "岚综委干〔2024〕46号"


def test_a_doc_number_cited_in_a_sentence_is_not_the_page_s_own():
    page = BODY_DOC_NUMBER_PAGE.replace(
        '<p style="text-align:center"><span style="font-family:仿宋_GB2312">岚综委干</span><span>〔</span>'
        '<span style="font-family:宋体">2024</span><span>〕</span><span style="font-family:宋体">46</span><span>号</span></p>', "")
    fields = extract_detail(page, "https://www.pingtan.gov.cn/zwgk/rsxx/202405/t20240506_1.htm", fetched_at=FETCHED)["fields"]
    assert fields["doc_number"] is None


def test_title_heading_broken_by_br_and_hidden_share_copy():
    page = """<html><head><title>全国人民代表大会常务委员会关于批准某某的决议__2007年第23号国务院公报_中国政府网</title></head><body>
    <div class="pages_content"><p align="center"><font><strong>全国人民代表大会常务委员会<br>
    关于批准某某的决议</strong></font><br>（2007年6月29日通过）</p><p>正文内容若干。</p></div>
    <div class="share-title" style="display:none">全国人民代表大会常务委员会关于批准某某的决议__2007年第23号国务院公报_中国政府网</div>
    </body></html>"""
    assert extract_detail(page, "https://www.gov.cn/gongbao/content/2007/content_1.htm",
                          fetched_at=FETCHED)["fields"]["title"] == "全国人民代表大会常务委员会关于批准某某的决议"


def test_the_body_lines_taken_from_the_page_lines_are_the_body_walked_on_its_own():
    """A detail page is walked once (dom.lines of the page); the body's lines are picked out of
    those. They must be what walking the body alone gives, on every captured real page."""
    from pathlib import Path

    from crawler.extraction import article, dom
    from crawler.extraction.encoding import decode_html

    pages = sorted((Path(__file__).parent / "fixtures" / "realpages").rglob("*.htm*"))
    compared = 0
    for page in [*pages, None]:
        root = dom.parse(decode_html(page.read_bytes()) if page else TRS_PAGE)
        body = article.find_body(root)
        if body is None:
            continue
        own = [(line.text, line.el) for line in dom.lines(body)]
        assert [(line.text, line.el) for line in article.body_lines(body, dom.lines(root))] == own, page
        compared += 1
    assert compared >= 10
