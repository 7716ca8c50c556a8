"""demo-trs: a TRS WCM style municipal portal (UTF-8, static-looking URLs, createPageHTML pager)."""
from __future__ import annotations

import posixpath
import random
import re

from . import texts
from .common import Response, asset, esc, not_found_html, truncate
from .model import COPYRIGHT_YEARS, SITE_UPDATED, ColumnSpec, Doc, LEGAL_PARENT, SiteBase

# The pager function as TRS templates inline it: 首页/上一页/下一页/尾页 exist only inside this script.
CREATE_PAGE_HTML = r"""<script type="text/javascript">
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
	if(_nPageCount == null || _nPageCount<=1){
		return;
	}
	var nCurrIndex = _nCurrIndex || 0;
	// 1 首页和上一页
	if(nCurrIndex == 0){
		document.write("<span class=\"disabled\">首页</span>&nbsp;<span class=\"disabled\">上一页</span>&nbsp;");
	}else{
		var nPreIndex = nCurrIndex - 1;
		var sPreFileExt = nPreIndex == 0 ? "" : ("_" + nPreIndex);
		document.write("<a href=\"" + _sPageName + "." + _sPageExt + "\">首页</a>&nbsp;");
		document.write("<a href=\"" + _sPageName + sPreFileExt + "." + _sPageExt + "\">上一页</a>&nbsp;");
	}
	// 2 中间页码
	for(var i = 0; i < _nPageCount; i++){
		var sPageFileExt = (i == 0) ? "" : ("_" + i);
		if(nCurrIndex == i){
			document.write("<span class=\"current\">" + (i + 1) + "</span>&nbsp;");
		}else if(Math.abs(nCurrIndex - i) < 5 || i == 0 || i == _nPageCount - 1){
			document.write("<a href=\"" + _sPageName + sPageFileExt + "." + _sPageExt + "\">" + (i + 1) + "</a>&nbsp;");
		}
	}
	// 3 下一页和尾页
	if(nCurrIndex == (_nPageCount - 1)){
		document.write("<span class=\"disabled\">下一页</span>&nbsp;<span class=\"disabled\">尾页</span>");
	}else{
		var nNextIndex = nCurrIndex + 1;
		document.write("<a href=\"" + _sPageName + "_" + nNextIndex + "." + _sPageExt + "\">下一页</a>&nbsp;");
		document.write("<a href=\"" + _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt + "\">尾页</a>");
	}
	document.write("&nbsp;共" + _nPageCount + "页");
}
</script>"""

STATIC_PAGES = {
    "zwdt/": ("政务动态", "政务动态栏目发布本市政务要闻、部门动态和基层动态。"),
    "zwfw/": ("政务服务", "请登录省政务服务网办理相关事项。"),
    "hdjl/": ("互动交流", "市长信箱、网上调查、在线访谈。"),
    "zjsl/": ("走进示例", "示例市位于省境中部，辖6个县（区）。"),
    "hdjl/ysqgk/": ("依申请公开", "请填写政府信息公开申请表，带*号为必填项。"),
    "wzdt/": ("网站地图", "首页 | 政务动态 | 政府信息公开 | 政务服务 | 互动交流"),
    "lxwm/": ("联系我们", "通讯地址：示例市人民大街1号 邮编：150000"),
    "search/": ("站内搜索", "未找到相关结果，请更换关键词后重试。"),
}



def rel(from_dir: str, to: str) -> str:
    r = posixpath.relpath(to, from_dir)
    if to.endswith("/") and not r.endswith("/"):
        r += "/"
    return r if r.startswith(".") else "./" + r


class TrsSite(SiteBase):
    prefix = "/trs/"
    page_size = 20
    ext = "html"

    def __init__(self, spec, seed):
        super().__init__(spec, seed)
        entry, ext = re.escape(self.entry_path()), re.escape(self.ext)
        self.detail_re = re.compile(rf"^{entry}([a-z]+)/(\d{{6}})/t(\d{{8}})_(\d+)\.{ext}$")
        self.list_re = re.compile(rf"^{entry}([a-z]+)/(?:index(?:_(\d+))?\.{ext})?$")

    # -- URL scheme -------------------------------------------------------------------------------
    def entry_path(self) -> str:
        return f"{self.prefix}xxgk/"

    def column_url(self, spec: ColumnSpec) -> str:
        return f"{self.entry_path()}{spec.key}/"

    def doc_url(self, doc: Doc) -> str:
        c = doc.created
        return f"{self.entry_path()}{doc.column.key}/{c:%Y%m}/t{c:%Y%m%d}_{doc.art_id}.{self.ext}"

    def attachment_url(self, doc: Doc, index: int, ext: str, rng: random.Random) -> str:
        c = doc.created
        return f"{self.entry_path()}{doc.column.key}/{c:%Y%m}/P0{c:%Y%m%d}{rng.randrange(10**11, 10**12)}.{ext}"

    # -- routing ----------------------------------------------------------------------------------
    def route(self, method, path, query, form):
        if path in (self.prefix, f"{self.prefix}index.html"):
            return Response(200, self.home().encode())
        if path in (self.entry_path(), f"{self.entry_path()}index.html"):
            return Response(200, self.entry().encode())
        if path[len(self.prefix):] in STATIC_PAGES:
            return Response(200, self.simple(path, *STATIC_PAGES[path[len(self.prefix):]]).encode())
        if self.detail_re.match(path):
            return self.document_response(path)
        if path in self.attachments:
            return self.attachment_response(path)
        m = self.list_re.match(path)
        if m:
            col = self.column_by_key(m.group(1))
            if col is not None:
                page = int(m.group(2) or 0)
                if (m.group(2) is not None and page == 0) or page >= self.page_count(col):
                    return self.not_found()
                return Response(200, self.list_page(col, page).encode())
        static = asset(path)
        if static and path.startswith(tuple(self.prefix + d for d in ("css/", "js/", "images/"))):
            return static
        return self.not_found()

    def not_found(self) -> Response:
        return Response(404, not_found_html(self.spec.name, self.prefix).encode())

    # -- page parts -------------------------------------------------------------------------------
    def head(self, title: str, metas: list[tuple[str, str]], extra: str = "") -> str:
        meta = "\n".join(f'<meta name="{k}" content="{esc(v)}">' for k, v in metas)
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(title)}</title>
<meta name="SiteName" content="{esc(self.spec.name)}">
<meta name="SiteDomain" content="{self.spec.domain}">
<meta name="SiteIDCode" content="{self.spec.site_code}">
{meta}
<link rel="stylesheet" type="text/css" href="{self.prefix}css/common.css">
<link rel="stylesheet" type="text/css" href="{self.prefix}css/xxgk.css">
<script type="text/javascript" src="{self.prefix}js/jquery-1.11.3.min.js"></script>
<script type="text/javascript" src="{self.prefix}js/common.js"></script>
{extra}
</head>
<body>
<div class="topbar"><div class="w1200">
  <span class="fl">欢迎访问{esc(self.spec.name)}门户网站</span>
  <span class="fr"><a href="{self.prefix}">首页</a> | <a href="javascript:void(0);" id="wza">无障碍浏览</a> | <a href="javascript:void(0);">长者模式</a> | <a href="{self.prefix}wzdt/">网站地图</a></span>
</div></div>
<div class="header"><div class="w1200">
  <a class="logo" href="{self.prefix}"><img src="{self.prefix}images/logo.png" alt="{esc(self.spec.name)}"></a>
  <div class="search"><form name="searchform" action="{self.prefix}search/" method="get" target="_blank">
    <input type="text" name="searchword" placeholder="请输入关键词"><input type="submit" value="搜索"></form></div>
</div></div>
<div class="nav"><ul class="w1200">
  <li><a href="{self.prefix}">首页</a></li>
  <li><a href="{self.prefix}zwdt/">政务动态</a></li>
  <li class="on"><a href="{self.entry_path()}">政府信息公开</a></li>
  <li><a href="{self.prefix}zwfw/">政务服务</a></li>
  <li><a href="{self.prefix}hdjl/">互动交流</a></li>
  <li><a href="{self.prefix}zjsl/">走进示例</a></li>
</ul></div>
"""

    def footer(self) -> str:
        s = self.spec
        return f"""<div class="footer"><div class="w1200">
  <div class="footer-links"><a href="{self.prefix}wzdt/">网站地图</a> | <a href="{self.prefix}lxwm/">联系我们</a> | <a href="{self.prefix}hdjl/">意见建议</a></div>
  <p>主办单位：{esc(s.name)}办公室&nbsp;&nbsp;承办单位：{esc(self.loc.gov)}政务服务和数据管理局</p>
  <p>版权所有 &copy; {COPYRIGHT_YEARS} {esc(s.name)}&nbsp;&nbsp;网站标识码：{s.site_code}&nbsp;&nbsp;
     <a href="https://beian.miit.gov.cn/" target="_blank">{esc(s.icp)}</a>&nbsp;&nbsp;
     <a href="http://www.beian.gov.cn/portal/registerSystemInfo" target="_blank">{esc(s.police)}</a></p>
  <p>联系电话：{s.tel_area}-86012345&nbsp;&nbsp;建议使用1366*768以上分辨率浏览本站&nbsp;&nbsp;网站更新时间：{SITE_UPDATED}</p>
  <div class="conac"><script type="text/javascript">document.write(unescape("%3Cspan id='_ideConac' %3E%3C/span%3E"));</script><span id="_ideConac"></span></div>
</div></div>
</body>
</html>
"""

    def tree(self, from_dir: str, current=None) -> str:
        """The 信息公开目录 left navigation: a nested ul tree."""
        def li(col, level: str, indent: str) -> str:
            cls = level + (" on" if col is current else "")
            return (f'{indent}<li class="{cls}"><a href="{rel(from_dir, col.truth.url_path)}" '
                    f'title="{esc(col.truth.name)}">{esc(col.truth.name)}</a></li>')

        legal = [li(c, "level2-item", "      ") for c in self.columns if c.spec.parent == LEGAL_PARENT]
        out = []
        for col in self.columns:
            if col.spec.parent:
                continue
            if col.kind == "annual":
                out.append(self._legal_node(legal))
                legal = []
            out.append(li(col, "level1", "    "))
        if legal:
            out.append(self._legal_node(legal))
        nav = "\n".join(out)
        return f"""<div class="xxgk-left">
  <div class="xxgk-left-title"><h3>政府信息公开目录</h3></div>
  <ul class="xxgk-tree" id="xxgkTree">
{nav}
  </ul>
  <div class="ysq-box"><a href="{rel(from_dir, self.prefix + 'hdjl/ysqgk/')}" class="ysq-btn">依申请公开</a></div>
</div>"""

    @staticmethod
    def _legal_node(legal: list[str]) -> str:
        inner = "\n".join(legal)
        return f"""    <li class="level1 has-child open"><a href="javascript:;" class="tree-toggle">{LEGAL_PARENT}</a><i class="arrow"></i>
      <ul class="level2">
{inner}
      </ul>
    </li>"""

    def breadcrumb(self, from_dir: str, col=None, extra: str = "") -> str:
        parts = [f'<a href="{rel(from_dir, self.prefix)}">首页</a>', f'<a href="{rel(from_dir, self.entry_path())}">政府信息公开</a>']
        if col is not None:
            if col.spec.parent:
                parts.append(f"<span>{esc(col.spec.parent)}</span>")
            parts.append(f'<a href="{rel(from_dir, col.truth.url_path)}">{esc(col.truth.name)}</a>')
        if extra:
            parts.append(extra)
        return '<div class="position w1200">当前位置：' + " &gt; ".join(parts) + "</div>"

    # -- pages ------------------------------------------------------------------------------------
    def home(self) -> str:
        hot = "".join(
            f'<li><a href="{rel(self.prefix, d.url_path)}" target="_blank">{esc(truncate(d.title, 26, "..."))}</a>'
            f'<span>{d.truth.list_date:%m-%d}</span></li>' for d in self.hot_docs(8))
        return self.head(self.spec.name, [("ColumnName", "首页"), ("ColumnType", "首页")]) + f"""
<div class="main w1200">
  <div class="banner"><img src="{self.prefix}images/banner.jpg" alt=""></div>
  <div class="home-block"><div class="hd"><h3>政务要闻</h3><a href="{self.prefix}zwdt/" class="more">更多&gt;&gt;</a></div>
    <ul class="list">{hot}</ul></div>
  <div class="home-block"><a href="{self.entry_path()}" class="xxgk-entry">政府信息公开</a></div>
</div>
""" + self.footer()

    def entry(self) -> str:
        base = self.entry_path()
        hot = "\n".join(
            f'    <li><a href="{rel(base, d.url_path)}" target="_blank" title="{esc(d.title)}">'
            f'{esc(truncate(d.title, 24, "..."))}</a><span class="date">[{d.truth.list_date:%m-%d}]</span></li>'
            for d in self.hot_docs(8))
        metas = [("ColumnName", "政府信息公开"), ("ColumnDescription", "政府信息公开专栏"),
                 ("ColumnKeywords", "政府信息公开,信息公开目录"), ("ColumnType", "政府信息公开")]
        return self.head(f"政府信息公开_{self.spec.name}", metas) + self.breadcrumb(base) + f"""
<div class="main w1200 clearfix">
{self.tree(base)}
<div class="xxgk-right">
  <div class="xxgk-intro">
    <h2>政府信息公开专栏</h2>
    <p>根据《中华人民共和国政府信息公开条例》规定，{esc(self.spec.name)}在本专栏集中发布政府信息公开指南、政府信息公开制度、法定主动公开内容和政府信息公开年报。</p>
  </div>
  <div class="hot-news">
    <div class="hd"><h3>热点信息</h3><a href="./tzgg/" class="more">更多&gt;&gt;</a></div>
    <ul class="hot-list">
{hot}
    </ul>
  </div>
  <div class="xxgk-search"><form action="{self.prefix}search/" method="get"><input type="text" name="searchword"><input type="submit" value="信息公开检索"></form></div>
</div>
</div>
""" + self.footer()

    def list_page(self, col, page: int) -> str:
        base = col.truth.url_path
        items = []
        for d in self.page_docs(col, page):
            date = f"{d.truth.list_date:%Y-%m-%d}" if d.truth.list_date else ""
            items.append(
                f'      <li><a href="{rel(base, d.url_path)}" target="_blank" title="{esc(d.title)}">'
                f'{esc(truncate(d.title, 30, "..."))}</a><span class="date">{date}</span></li>')
        body = "\n".join(items) or '      <li class="nodata">暂无信息</li>'
        metas = [("ColumnName", col.truth.name), ("ColumnDescription", f"{col.truth.name}栏目"),
                 ("ColumnKeywords", col.truth.name), ("ColumnType", "信息公开")]
        title = f"{col.truth.name}_{self.spec.name}"
        return self.head(title, metas, CREATE_PAGE_HTML) + self.breadcrumb(base, col) + f"""
<div class="main w1200 clearfix">
{self.tree(base, col)}
<div class="xxgk-right">
  <div class="column-title"><h2>{esc(col.truth.name)}</h2></div>
  <div class="column-list">
    <ul class="xxgk-list">
{body}
    </ul>
  </div>
  <div class="page" id="page_div">
    <script type="text/javascript">createPageHTML({self.page_count(col)}, {page}, "index", "html");</script>
  </div>
</div>
</div>
""" + self.footer()

    def detail(self, doc: Doc) -> str:
        t = doc.truth
        base = posixpath.dirname(doc.url_path) + "/"
        rng = random.Random(f"{doc.seed}:layout")
        fmt = rng.choice(("%Y-%m-%d", "%Y年%m月%d日"))
        lab_index = rng.choice(("索引号", "索 引 号", "索&nbsp;引&nbsp;号"))
        lab_num = rng.choice(("文号", "文　　号", "发文字号"))
        lab_cat = rng.choice(("主题分类", "分　　类"))
        written = t.written.strftime(fmt) if t.written else ""
        published = t.published.strftime(fmt)
        paras = self.paragraphs(doc)
        html_paras = []
        if doc.doctype == "file":
            if t.doc_number:
                html_paras.append(f'<p style="text-align: center;">{esc(t.doc_number)}</p>')
            who = "ADDRESSEE_GOV" if doc.publisher_key in ("gov", "office") else "ADDRESSEE_DEPT"
            html_paras.append(f"<p>{getattr(texts, who)[self.loc.level_word]}</p>")
        html_paras += [f'<p style="text-indent: 2em;">{esc(p)}</p>' for p in paras]
        if doc.doctype == "file":
            html_paras.append('<p style="text-indent: 2em;">特此通知。</p>')
            html_paras.append(f'<p style="text-align: right;">{esc(t.publisher)}</p>')
            w = t.written
            html_paras.append(f'<p style="text-align: right;">{w.year}年{w.month}月{w.day}日</p>')
            html_paras.append('<p style="text-align: right;">（此件公开发布）</p>')
        body = "\n".join(html_paras)
        fj = ""
        if t.attachments:
            links = "".join(
                f'<p><a href="{rel(base, url)}" target="_blank" oldsrc="{posixpath.basename(url)}">{i}.{esc(label)}.{ext}</a></p>'
                for i, (url, (label, ext)) in enumerate(zip(t.attachments, doc.attachment_labels), 1))
            fj = f'<div class="article-fj"><p class="fj-title">附件：</p>{links}</div>'
        related = "\n".join(
            f'    <li><a href="{rel(base, d.url_path)}" target="_blank" title="{esc(d.title)}">{esc(truncate(d.title, 28, "..."))}</a>'
            f'<span>{d.truth.list_date:%Y-%m-%d}</span></li>' if d.truth.list_date else
            f'    <li><a href="{rel(base, d.url_path)}" target="_blank">{esc(truncate(d.title, 28, "..."))}</a></li>'
            for d in self.related_docs(doc))
        col = doc.column
        desc = paras[0][:80] if paras else ""
        metas = [
            ("ColumnName", col.truth.name), ("ColumnDescription", f"{col.truth.name}栏目"),
            ("ColumnKeywords", col.truth.name), ("ColumnType", "信息公开"),
            ("ArticleTitle", t.title), ("PubDate", f"{t.published:%Y-%m-%d} {doc.pub_time}"),
            ("ContentSource", t.publisher), ("Keywords", col.truth.name), ("Author", t.publisher),
            ("Description", desc), ("Url", f"http://{self.spec.domain}{doc.url_path[len(self.prefix) - 1:]}"),
        ]
        title = f"{t.title}_{col.truth.name}_{self.spec.name}"
        return self.head(title, metas) + self.breadcrumb(base, col, "<span>正文</span>") + f"""
<div class="main w1200">
<div class="xxgk-detail">
  <div class="xxgk-table">
  <table class="xxgk_table" width="100%" border="0" cellspacing="0" cellpadding="0">
    <tbody>
    <tr><th width="13%">{lab_index}：</th><td width="37%">{esc(t.index_number or "")}</td><th width="13%">{lab_cat}：</th><td width="37%">{esc(t.category or "")}</td></tr>
    <tr><th>发布机构：</th><td>{esc(t.publisher)}</td><th>成文日期：</th><td>{written}</td></tr>
    <tr><th>标　　题：</th><td colspan="3">{esc(t.title)}</td></tr>
    <tr><th>{lab_num}：</th><td>{esc(t.doc_number or "")}</td><th>发布日期：</th><td>{published}</td></tr>
    </tbody>
  </table>
  </div>
  <div class="article">
    <h1 class="article-title">{esc(t.title)}</h1>
    <div class="article-info">
      <span>来源：{esc(t.publisher)}</span>
      <span>浏览次数：<script type="text/javascript" src="{self.prefix}js/count.js"></script></span>
      <span class="font-size">字号：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a></span>
    </div>
    <div class="article-content" id="zoom">
      <div class="TRS_Editor">
{body}
      </div>
    </div>
    {fj}
    <div class="article-tools"><a href="javascript:window.print();">【打印本页】</a> <a href="javascript:window.close();">【关闭窗口】</a></div>
  </div>
  <div class="related">
    <div class="hd"><h4>相关信息</h4></div>
    <ul>
{related}
    </ul>
  </div>
</div>
</div>
""" + self.footer()

    def simple(self, path: str, title: str, text: str) -> str:
        return self.head(f"{title}_{self.spec.name}", [("ColumnName", title), ("ColumnType", title)]) + f"""
<div class="position w1200">当前位置：<a href="{self.prefix}">首页</a> &gt; <span>{esc(title)}</span></div>
<div class="main w1200"><h2>{esc(title)}</h2><p>{esc(text)}</p></div>
""" + self.footer()
