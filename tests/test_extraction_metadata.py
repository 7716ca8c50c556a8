"""extract_metadata_table: the 信息公开 block in every layout, label variants normalised."""
import pytest
from parsel import Selector

from crawler.extraction.metadata import extract_metadata_table

TABLE_TWO_PAIRS = """<table class="xxgk_table"><tbody>
<tr><th>索&nbsp;引&nbsp;号：</th><td>11440100/2023-00123</td><th>分　　类：</th><td>综合政务\\通知</td></tr>
<tr><th>发文机关：</th><td>广州市人民政府</td><th>成文日期：</th><td>2023年05月10日</td></tr>
<tr><th>标　　题：</th><td colspan="3">关于印发某某办法的通知</td></tr>
<tr><th>文　　号：</th><td>穗府〔2023〕5号</td><th>发布日期：</th><td>2023-05-16</td></tr>
<tr><th>有 效 性：</th><td>有效</td><th>主题词：</th><td></td></tr>
</tbody></table>"""

DL = """<div class="meta-data"><dl class="clearfix">
<dd><label><font>索 引 号：</font></label><div class="display-block">014742224A/2023-0043406</div></dd>
<dd><label><font>生成日期：</font></label><div class="display-block">2023-05-11</div></dd>
<dd><label><font>公开方式：</font></label><div class="display-block">主动公开</div></dd>
<dd><label><font>责任部门：</font></label><div class="display-block">万载县统计局</div></dd>
</dl></div>"""

DT_DD = """<dl><dt>信息索引号</dt><dd>000014349/2023-00045</dd><dt>信息分类</dt><dd>财政</dd>
<dt>发布机构</dt><dd></dd><dt>发文字号</dt><dd>财预〔2023〕8号</dd></dl>"""

SPANS = """<div class="xxgk-info">
<div class="info-row"><span class="lab">信息索引号：</span><span class="val">ABC-2023-01</span><span class="lab">主题分类：</span><span class="val">城乡建设</span></div>
<div class="info-row"><span class="lab">发布机构：</span><span class="val">示例县住建局</span><span class="lab">生成日期：</span><span class="val">2023-05-10</span></div>
<div class="info-row"><span class="lab">文号：</span><span class="val"></span><span class="lab">有效性：</span><span class="val">有效</span></div>
</div><div class="art-info"><span>发布日期：2023-05-16</span><span>信息来源：示例县住建局</span></div>"""

LIS = """<ul class="meta"><li>索引号：<span>xyz/2022-1</span></li><li>主题词：<span></span></li>
<li>公开主体：<span>某某镇人民政府</span></li><li>发布时间：<span>2022年3月4日</span></li></ul>"""

ONE_LINE = ("<div class='info'>发布时间：2023年5月16日&nbsp;&nbsp;&nbsp;来源：示例县财政局&nbsp;&nbsp;&nbsp;"
            "文号：示财发〔2023〕15号&nbsp;&nbsp;&nbsp;浏览次数：120</div>")


def test_table_with_two_pairs_per_row():
    assert extract_metadata_table(TABLE_TWO_PAIRS) == {
        "index_number": "11440100/2023-00123", "category": "综合政务\\通知", "publisher": "广州市人民政府",
        "doc_number": "穗府〔2023〕5号", "validity": "有效", "keywords": None, "title": "关于印发某某办法的通知",
        "published": "2023-05-16", "written": "2023年05月10日",
    }


def test_dl_with_label_elements_and_generated_date_as_only_date():
    assert extract_metadata_table(DL) == {
        "index_number": "014742224A/2023-0043406", "publisher": "万载县统计局", "published": "2023-05-11",
    }


def test_dt_dd_without_colons_and_empty_value():
    assert extract_metadata_table(DT_DD) == {
        "index_number": "000014349/2023-00045", "category": "财政", "publisher": None, "doc_number": "财预〔2023〕8号",
    }


def test_span_pairs_generated_date_is_written_when_a_published_label_exists():
    md = extract_metadata_table(SPANS)
    assert md == {"index_number": "ABC-2023-01", "category": "城乡建设", "publisher": "示例县住建局",
                  "doc_number": None, "validity": "有效", "published": "2023-05-16", "written": "2023-05-10"}


def test_li_items():
    assert extract_metadata_table(LIS) == {"index_number": "xyz/2022-1", "keywords": None,
                                          "publisher": "某某镇人民政府", "published": "2022年3月4日"}


def test_one_line_of_text_with_several_pairs():
    assert extract_metadata_table(ONE_LINE) == {"source": "示例县财政局", "doc_number": "示财发〔2023〕15号",
                                               "published": "2023年5月16日"}


def test_issued_date_is_published_when_alone():
    assert extract_metadata_table("<p>发文日期：2023-04-18</p>") == {"published": "2023-04-18"}
    assert extract_metadata_table("<p>发文日期：2023-04-18</p><p>成文日期：2023-04-10</p>") == {
        "published": "2023-04-18", "written": "2023-04-10"}


@pytest.mark.parametrize("label, key", [
    ("索引号", "index_number"), ("索 引 号", "index_number"), ("信息索引号", "index_number"),
    ("主题分类", "category"), ("信息分类", "category"), ("分类", "category"),
    ("发布机构", "publisher"), ("发文机关", "publisher"), ("发布单位", "publisher"), ("信息来源", "publisher"),
    ("公开主体", "publisher"), ("责任部门", "publisher"),
    ("成文日期", "written"), ("印发日期", "written"),
    ("发布日期", "published"), ("公开日期", "published"), ("发布时间", "published"),
    ("文号", "doc_number"), ("发文字号", "doc_number"), ("文　　号", "doc_number"),
    ("有效性", "validity"), ("时效", "validity"), ("主题词", "keywords"),
])
def test_label_variants(label, key):
    assert extract_metadata_table(f"<table><tr><td>{label}：</td><td>值1</td></tr></table>") == {key: "值1"}


def test_half_width_colon_and_full_width_spaces():
    assert extract_metadata_table("<p>索　引　号: A-1 </p>") == {"index_number": "A-1"}


def test_glued_labels_are_not_ours():
    # 体裁分类 is not 分类; 资料来源 inside a sentence is not a label.
    assert extract_metadata_table("<p>体裁分类：通知</p><p>据资料来源：统计局</p>") == {}


def test_placeholder_values_are_none():
    assert extract_metadata_table("<p>文号：无</p><p>索引号：——</p>") == {"doc_number": None, "index_number": None}


def test_footer_and_related_boxes_are_ignored():
    html = ("<div class='related'><li>发布日期：2020-01-01</li></div>"
            "<div class='footer'>发布机构：网站管理中心</div><p>发布日期：2023-05-16</p>")
    assert extract_metadata_table(html) == {"published": "2023-05-16"}


def test_accepts_a_selector():
    assert extract_metadata_table(Selector(text=LIS))["index_number"] == "xyz/2022-1"


def test_unknown_label_ends_a_value():
    assert extract_metadata_table("<p><span>发布机构：</span><span>某局</span><span>联系电话：</span><span>123</span></p>") \
        == {"publisher": "某局"}
