"""discover_columns: the 信息公开目录 tree, without site navigation, forms, articles or other sites."""
from crawler.extraction.columns import discover_columns

ENTRY = """<html><body>
<div class="topbar"><a href="/">首页</a> | <a href="javascript:void(0);">无障碍浏览</a> | <a href="/wzdt/">网站地图</a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwdt/">政务动态</a></li><li><a href="/xxgk/">政府信息公开</a></li>
<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li><li><a href="/zjsl/">走进示例</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a></div>
<div class="xxgk-left"><div class="xxgk-left-title"><h3>政府信息公开目录</h3></div>
<ul class="xxgk-tree">
  <li class="level1"><a href="./xxgkzn/" title="政府信息公开指南">政府信息公开指南</a></li>
  <li class="level1"><a href="./xxgkzd/">政府信息公开制度</a></li>
  <li class="level1 has-child"><a href="javascript:;" class="tree-toggle">法定主动公开内容</a>
    <ul class="level2">
      <li><a href="./jgzn/">机构职能</a></li>
      <li><a href="./czyjs/">财政预决算</a>
        <ul><li><a href="./czyjs/bmys/">部门预算</a></li></ul></li>
      <li><a href="http://www.other-province.gov.cn/zfcg/">政府采购</a></li>
    </ul></li>
  <li class="level1"><a href="./xxgknb/">政府信息公开年报</a></li>
</ul>
<div class="ysq-box"><a href="/hdjl/ysqgk/" class="ysq-btn">依申请公开</a></div></div>
<div class="xxgk-right"><div class="hot-news"><h3>热点信息</h3><ul>
  <li><a href="./tzgg/202305/t20230516_1.html">关于某事的通知</a><span>[05-16]</span></li></ul></div>
  <div class="box"><h3>最新公开</h3><ul><li><a href="./gzdt/">工作动态栏目</a><span>2023-05-16</span></li></ul></div></div>
<div class="footer"><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/about/">关于本站</a></div>
</body></html>"""


def test_tree_with_paths():
    assert discover_columns(ENTRY, "http://www.x.gov.cn/xxgk/") == [
        {"name": "政府信息公开指南", "url": "http://www.x.gov.cn/xxgk/xxgkzn/", "path": "政府信息公开指南"},
        {"name": "政府信息公开制度", "url": "http://www.x.gov.cn/xxgk/xxgkzd/", "path": "政府信息公开制度"},
        {"name": "机构职能", "url": "http://www.x.gov.cn/xxgk/jgzn/", "path": "法定主动公开内容/机构职能"},
        {"name": "财政预决算", "url": "http://www.x.gov.cn/xxgk/czyjs/", "path": "法定主动公开内容/财政预决算"},
        {"name": "部门预算", "url": "http://www.x.gov.cn/xxgk/czyjs/bmys/", "path": "法定主动公开内容/财政预决算/部门预算"},
        {"name": "政府信息公开年报", "url": "http://www.x.gov.cn/xxgk/xxgknb/", "path": "政府信息公开年报"},
    ]


def test_table_of_links_with_a_label_cell():
    html = """<table class="nav"><tr><td><a href="/index.jsp">首页</a></td><td><a href="/zwdt/index.jsp">政务动态</a></td>
    <td><a href="/hdjl/index.jsp">互动交流</a></td></tr></table>
    <table class="gkml"><tr><td colspan="2"><b>某县政府信息公开目录</b></td></tr>
    <tr><td class="lb"><a href="list.jsp?colid=guide">政府信息公开指南</a></td><td>公开的方式和程序</td></tr>
    <tr><td class="lb">法定主动公开内容</td><td class="links"><a href="list.jsp?colid=jgzn">机构职能</a> | <a href="list.jsp?colid=czyjs">财政预决算</a></td></tr>
    <tr><td class="lb"><a href="list.jsp?colid=annual">政府信息公开年报</a></td><td>历年年报</td></tr></table>
    <table class="box"><tr><td><a href="content.jsp?id=5" title="关于某事项的通知">关于某事..</a></td><td class="date">2023-05-16</td></tr></table>
    <p><a href="ysqgk.jsp"><img src="ysq.gif" alt="依申请公开"></a></p>"""
    got = [(c["path"], c["url"]) for c in discover_columns(html, "http://x.gov.cn/zwgk/index.jsp")]
    assert got == [
        ("政府信息公开指南", "http://x.gov.cn/zwgk/list.jsp?colid=guide"),
        ("法定主动公开内容/机构职能", "http://x.gov.cn/zwgk/list.jsp?colid=jgzn"),
        ("法定主动公开内容/财政预决算", "http://x.gov.cn/zwgk/list.jsp?colid=czyjs"),
        ("政府信息公开年报", "http://x.gov.cn/zwgk/list.jsp?colid=annual"),
    ]


def test_heading_then_list_and_names_broken_by_br():
    html = """<div class="sideMenu"><h3><a href="/fdgknr/">法定主动<br>公开内容</a></h3>
    <ul><li><span>·</span><a href="/zfwj/jgze/">机构职责</a></li><li><span>·</span><a href="/zfwj/ghjh/">规划计划</a></li></ul>
    <h3><a href="/zfxxgknb/">政府信息<br>公开年报</a></h3></div>"""
    got = [(c["name"], c["path"]) for c in discover_columns(html, "http://x.gov.cn/")]
    assert got == [("法定主动公开内容", "法定主动公开内容"), ("机构职责", "法定主动公开内容/机构职责"),
                   ("规划计划", "法定主动公开内容/规划计划"), ("政府信息公开年报", "政府信息公开年报")]


def test_subdomain_of_the_same_site_is_kept():
    html = '<ul class="tree"><li><a href="http://xxgk.x.gov.cn/czzj/">财政资金</a></li><li><a href="http://y.gov.cn/a/">外站栏目</a></li></ul>'
    assert [c["name"] for c in discover_columns(html, "http://www.x.gov.cn/zwgk/")] == ["财政资金"]


def test_empty_and_broken_pages():
    assert discover_columns("", "http://x.gov.cn/") == []
    assert discover_columns("<ul><li><a href='javascript:void(0)'>展开</a>", "http://x.gov.cn/") == []
