"""Validity marks (有效性) and repealed/amended documents, as detail pages print them.

No real page with a validity mark was found in the public code index (searched for 有效性, 效力状态,
现行有效, 同时废止); the snippets below rebuild the layouts recorded in
shared/reference/domain-notes.md §6.3 from real portals — 镇巴 (有效性 row in a table), 枣庄
(效力状态 有效), 宁波江北 jcms (a bare 有效 among the labels), 宿迁 (时效), portals.md (是否有效) —
and the mark printed with the title (现行有效 under the heading, （已废止） after it).
"""
from datetime import date

import pytest

from crawler.extraction.detail import extract_detail
from crawler.extraction.validity import doc_number_key, normalize, repealed

FETCHED = date(2026, 6, 30)


def page(meta: str, title: str = "示例县城市管理办法", under: str = "", body: str = "第一条 为了加强城市管理，制定本办法。") -> str:
    return f"""<html><head><meta charset="utf-8"><title>{title}_示例县人民政府</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>
<div class="xxgk-meta">{meta}</div>
<h1 class="art-title">{title}</h1>{under}
<div class="TRS_Editor"><p>{body}</p><p>第二条 本办法适用于本县行政区域内的城市管理活动。</p></div>
<div class="footer">主办：示例县人民政府办公室 网站标识码：2399000001</div>
</body></html>"""


TABLE_ROWS = """<table><tr><td>索引号：</td><td>6107280000/2024-001005</td><td>主题分类：</td><td>城乡建设</td></tr>
<tr><td>发文机构：</td><td>示例县人民政府</td><td>发文字号：</td><td>示政发〔2024〕3号</td></tr>
<tr><td>发文日期：</td><td>2024年04月06日 16:40</td><td>{label}</td><td>{value}</td></tr></table>"""


@pytest.mark.parametrize("label,value,mark", [
    ("有效性：", "有效", "有效"),            # 镇巴 (table row, colon)
    ("效力状态", "有效", "有效"),            # 枣庄 (no colon: a strong label alone in its cell)
    ("效力状态：", "已废止", "废止"),
    ("有效性：", "已失效", "失效"),
    ("时效：", "已修改", "已修改"),          # 宿迁 时效
    ("是否有效：", "是", "有效"),            # portals.md 是否有效
    ("是否有效：", "否", "失效"),
    ("有效性：", "现行有效", "有效"),
    ("有效性：", "", None),                 # the label printed with an empty cell
    ("时效：", "有效期5年", None),           # a period, not a mark
])
def test_validity_in_a_metadata_table(label, value, mark):
    out = extract_detail(page(TABLE_ROWS.format(label=label, value=value)), "http://www.example.gov.cn/a.html",
                         fetched_at=FETCHED)
    assert out["fields"]["validity"] == mark
    assert out["fields"]["doc_number"] == "示政发〔2024〕3号"


def test_bare_mark_among_the_labels_jcms():
    meta = ("<table><tr><td>索引号：</td><td>2950798/2022-52505</td><td>文号：</td><td>示政办发〔2022〕8号</td></tr>"
            "<tr><td>发布机构：</td><td>示例县人民政府办公室</td><td>有效</td><td></td></tr></table>")
    # the jcms block sits under the title there
    html = page("", under=f'<div class="xxgk">{meta}</div>')
    assert extract_detail(html, "http://www.example.gov.cn/art/2022/6/10/art_1_2.html",
                          fetched_at=FETCHED)["fields"]["validity"] == "有效"


@pytest.mark.parametrize("title,under,mark", [
    ("示例县城市管理办法", '<div class="tag">现行有效</div>', "有效"),
    ("示例县城市管理办法", '<p class="yxx">【已废止】</p>', "废止"),
    ("示例县城市管理办法（已废止）", "", "废止"),
    ("示例县城市管理办法（2021年修订）", "", None),
    ("关于公布示例县现行有效行政规范性文件目录的决定", "", None),   # the words inside a title are no mark
    ("示例县城市管理办法", "", None),
])
def test_validity_beside_the_title(title, under, mark):
    html = page("", title=title, under=under)
    assert extract_detail(html, "http://www.example.gov.cn/b.html", fetched_at=FETCHED)["fields"]["validity"] == mark


def test_heading_with_an_inline_badge():
    html = page("", under="").replace('<h1 class="art-title">示例县城市管理办法</h1>',
                                      '<h1 class="art-title">示例县城市管理办法 <span class="badge">已失效</span></h1>')
    out = extract_detail(html, "http://www.example.gov.cn/c.html", fetched_at=FETCHED)
    assert out["fields"]["validity"] == "失效"
    assert out["fields"]["title"] == "示例县城市管理办法"   # the badge is not part of the title


def test_body_sentence_is_not_a_mark():
    html = page("", body="本办法自2024年1月1日起施行，有效期5年。现行有效的规定与本办法不一致的，以本办法为准。")
    assert extract_detail(html, "http://www.example.gov.cn/d.html", fetched_at=FETCHED)["fields"]["validity"] is None


# -- repeals ------------------------------------------------------------------------------------

def test_repeal_sentence_on_a_detail_page():
    html = page(TABLE_ROWS.format(label="有效性：", value="有效"),
                body="本办法自2024年5月1日起施行，《示例县城市管理暂行办法》（示政发〔2019〕12号）同时废止。")
    fields = extract_detail(html, "http://www.example.gov.cn/e.html", fetched_at=FETCHED)["fields"]
    assert fields["repeals"] == [{"doc_number": "示政发〔2019〕12号", "title": "示例县城市管理暂行办法", "action": "废止"}]


@pytest.mark.parametrize("text,want", [
    ("本办法自2025年1月1日起施行，《示例县物业管理办法》（示政发〔2019〕12号）同时废止。",
     [("示政发〔2019〕12号", "示例县物业管理办法", "废止")]),
    ("本通知自印发之日起施行，原示政办发[2018]第3号文件同时废止。", [("示政办发〔2018〕3号", None, "废止")]),
    ("根据《国务院办公厅关于加强行政规范性文件制定和监督管理工作的通知》（国办发〔2018〕37号）精神，"
     "决定废止《示例县殡葬管理办法》（示政发〔2016〕5号）。", [("示政发〔2016〕5号", "示例县殡葬管理办法", "废止")]),
    ("经研究，决定废止下列文件：\n1.《关于加强城市养犬管理的通知》（示政发〔2018〕7号）；\n"
     "2.《关于进一步规范出租车管理的意见》（示政办发〔2020〕11号）。\n特此决定。",
     [("示政发〔2018〕7号", "关于加强城市养犬管理的通知", "废止"),
      ("示政办发〔2020〕11号", "关于进一步规范出租车管理的意见", "废止")]),
    ("《示例县公园管理办法》（示政发〔2019〕1号），《示例县路灯管理办法》（示政发〔2019〕2号）同时废止。",
     [("示政发〔2019〕1号", "示例县公园管理办法", "废止"), ("示政发〔2019〕2号", "示例县路灯管理办法", "废止")]),
    ("现对《示例县城市供水管理办法》（示政发〔2021〕9号）作如下修改：", [("示政发〔2021〕9号", "示例县城市供水管理办法", "修改")]),
    ("依据《关于废止部分规范性文件的决定》（示政发〔2020〕3号），现通知如下。", []),   # 废止 in a title only
    ("本意见自印发之日起施行，有效期5年。", []),
    ("本办法自发布之日起施行，示政发〔2025〕1号同时废止。", []),                      # its own number
])
def test_repealed_documents(text, want):
    got = [(r["doc_number"], r["title"], r["action"]) for r in repealed(text, "示政发〔2025〕1号")]
    assert got == want


def test_doc_number_key_and_normalize():
    assert doc_number_key("示政发 [2019] 第12号") == doc_number_key("示政发〔2019〕12号") == "示政发〔2019〕12号"
    assert doc_number_key("无") is None
    assert normalize("（已失效）") == "失效" and normalize("部分失效") == "部分失效" and normalize("是") is None
