"""demo-hanweb: a Hanweb 大汉 jcms style county portal (UTF-8, datastore lists, dataproxy.jsp)."""
from __future__ import annotations

import random
import re
from urllib.parse import quote

from . import texts
from .common import Response, asset, esc, not_found_html, truncate
from .model import COPYRIGHT_YEARS, SITE_UPDATED, ColumnSpec, Doc, LEGAL_PARENT, SiteBase

WEBID = 3421
GROUP = 45          # records embedded in the column page (3 pages of 15), like real jcms
PER_PAGE = 15
PROXY = "/hanweb/module/web/jpage/dataproxy.jsp"

STATIC_PAGES = {
    "2": ("政务动态", "本栏目发布县政府常务会议、领导活动和部门动态。"),
    "3": ("互动交流", "县长信箱 | 在线访谈 | 意见征集"),
    "4": ("依申请公开", "请在线填写政府信息公开申请表，或下载申请表后寄送至县政务公开办公室。"),
    "5": ("网站地图", "首页 | 政务动态 | 政府信息公开 | 互动交流 | 政务服务"),
    "6": ("联系我们", "地址：演示县城关镇人民路88号 电话：0571-86001234"),
}

ART_RE = re.compile(r"^/hanweb/art/(\d{4})/(\d{1,2})/(\d{1,2})/art_(\d+)_(\d+)\.html$")
COL_RE = re.compile(r"^/hanweb/col/col(\d+)/(?:index\.html)?$")


class HanwebSite(SiteBase):
    prefix = "/hanweb/"
    page_size = PER_PAGE

    # -- URL scheme -------------------------------------------------------------------------------
    def entry_path(self) -> str:
        return "/hanweb/col/col1/index.html"

    def column_url(self, spec: ColumnSpec) -> str:
        return f"/hanweb/col/col{spec.key}/index.html"

    def doc_url(self, doc: Doc) -> str:
        c = doc.created
        return f"/hanweb/art/{c.year}/{c.month}/{c.day}/art_{doc.column.key}_{doc.art_id}.html"

    def attachment_url(self, doc: Doc, index: int, ext: str, rng: random.Random) -> str:
        return f"/hanweb/attach/0/{rng.getrandbits(128):032x}.{ext}"

    # -- routing ----------------------------------------------------------------------------------
    def route(self, method, path, query, form):
        if path in ("/hanweb/", "/hanweb/index.html"):
            return Response(200, self.home().encode())
        if path == PROXY:
            return self.dataproxy(method, {**query, **form})
        if path == "/hanweb/module/visitcount/articlehits.jsp":
            hits = 100 + int(query.get("artid", "0") or 0) % 900 if query.get("artid", "").isdigit() else 100
            return Response(200, f'document.write("{hits}");'.encode(), "application/javascript; charset=utf-8")
        m = COL_RE.match(path)
        if m:
            key = m.group(1)
            if key == "1":
                return Response(200, self.entry().encode())
            if key in STATIC_PAGES:
                return Response(200, self.simple(*STATIC_PAGES[key]).encode())
            col = self.column_by_key(key)
            if col is not None:
                return Response(200, self.list_page(col).encode())
            return self.not_found()
        if ART_RE.match(path):
            return self.document_response(path)
        if path in self.attachments:
            return self.attachment_response(path)
        if path == "/hanweb/jrobot/search.do":
            return Response(200, self.simple("站内搜索", "没有找到相关信息。").encode())
        static = asset(path)
        if static and path.startswith(("/hanweb/images/", "/hanweb/module/", "/hanweb/script/")):
            return static
        return self.not_found()

    def not_found(self) -> Response:
        return Response(404, not_found_html(self.spec.name, "/hanweb/").encode())

    # -- the jpage data proxy -----------------------------------------------------------------------
    def dataproxy(self, method: str, params: dict[str, str]) -> Response:
        """dataproxy.jsp: POST startrecord/endrecord/perpage (+ form) or GET page=N, answering XML."""
        def num(name: str, default: int) -> int:
            try:
                return max(0, int(params.get(name, "") or default))
            except ValueError:
                return default

        col = self.column_by_key(params.get("columnid", ""))
        docs = col.docs if col is not None else []
        total = len(docs)
        perpage = num("perpage", PER_PAGE) or PER_PAGE
        if "startrecord" in params:
            start = max(1, num("startrecord", 1))
            end = num("endrecord", start + GROUP - 1)
        elif "page" in params:
            page = max(1, num("page", 1))
            start, end = (page - 1) * perpage + 1, page * perpage
        else:
            start, end = 1, GROUP
        chosen = docs[start - 1:end] if end >= start else []
        records = "".join(self.record(d) + "\n" for d in chosen)
        total_pages = -(-total // perpage)
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n<datastore>\n<totalrecord>{total}</totalrecord>\n'
               f"<totalpage>{total_pages}</totalpage>\n<recordset>\n{records}</recordset>\n</datastore>\n")
        return Response(200, xml.encode("utf-8"), "text/xml;charset=UTF-8")

    @staticmethod
    def record(d: Doc) -> str:
        date = f"<span>{d.truth.list_date:%Y-%m-%d}</span>" if d.truth.list_date else ""
        return (f'<record><![CDATA[\n<li><a href="{d.url_path}" title="{esc(d.title)}" target="_blank">'
                f'{esc(truncate(d.title, 25, "…"))}</a>{date}</li>]]></record>')

    def proxy_query(self, col) -> str:
        return (f"appid=1&webid={WEBID}&path=/&columnid={col.key}&unitid={col.unitid}"
                f"&webname={quote(self.spec.name)}&permissiontype=0")

    # -- page parts -------------------------------------------------------------------------------
    def head(self, title: str, keywords: str = "", extra: str = "") -> str:
        return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<title>{esc(title)}</title>
<meta name="SiteName" content="{esc(self.spec.name)}" />
<meta name="SiteDomain" content="{self.spec.domain}" />
<meta name="SiteIDCode" content="{self.spec.site_code}" />
<meta name="keywords" content="{esc(keywords or self.spec.name)}" />
<link href="/hanweb/images/common.css" rel="stylesheet" type="text/css" />
<link href="/hanweb/images/xxgk.css" rel="stylesheet" type="text/css" />
<script type="text/javascript" src="/hanweb/module/jslib/jquery/jquery.js"></script>
<script type="text/javascript" src="/hanweb/script/common.js"></script>
{extra}
</head>
<body>
<div class="top"><div class="w1200">
  <div class="top-l">今天是：<script type="text/javascript">var d=new Date();document.write(d.getFullYear()+"年"+(d.getMonth()+1)+"月"+d.getDate()+"日");</script></div>
  <div class="top-r"><a href="/hanweb/">首页</a> | <a href="javascript:;">无障碍</a> | <a href="/hanweb/col/col5/index.html">网站地图</a></div>
</div></div>
<div class="head"><div class="w1200">
  <a href="/hanweb/" class="logo"><img src="/hanweb/images/logo.png" alt="{esc(self.spec.name)}" /></a>
  <form action="/hanweb/jrobot/search.do" method="get" class="search" target="_blank">
    <input type="hidden" name="webid" value="{WEBID}" /><input type="text" name="q" /><input type="submit" value="搜索" />
  </form>
</div></div>
<div class="menu"><ul class="w1200">
  <li><a href="/hanweb/">首页</a></li>
  <li><a href="/hanweb/col/col2/index.html">政务动态</a></li>
  <li class="cur"><a href="/hanweb/col/col1/index.html">政府信息公开</a></li>
  <li><a href="/hanweb/col/col3/index.html">互动交流</a></li>
  <li><a href="http://www.zjzwfw.gov.cn/" target="_blank">政务服务</a></li>
</ul></div>
"""

    def footer(self) -> str:
        s = self.spec
        return f"""<div class="foot"><div class="w1200">
  <p><a href="/hanweb/col/col5/index.html">网站地图</a> | <a href="/hanweb/col/col6/index.html">联系我们</a></p>
  <p>主办单位：{esc(s.name)}办公室　承办单位：{esc(self.loc.gov)}大数据发展中心　联系电话：{s.tel_area}-86001234</p>
  <p>Copyright &copy; {COPYRIGHT_YEARS} All Rights Reserved　网站标识码：{s.site_code}　<a href="https://beian.miit.gov.cn/" target="_blank">{esc(s.icp)}</a>　{esc(s.police)}</p>
  <p>本站更新时间：{SITE_UPDATED}</p>
</div></div>
<script type="text/javascript" src="/hanweb/script/visit.js"></script>
</body>
</html>
"""

    def tree(self, current=None) -> str:
        def li(col, indent: str) -> str:
            cls = ' class="cur"' if col is current else ""
            return (f'{indent}<li{cls}><a href="{col.truth.url_path}" target="_self" '
                    f'title="{esc(col.truth.name)}">{esc(col.truth.name)}</a></li>')

        legal = [li(c, "        ") for c in self.columns if c.spec.parent == LEGAL_PARENT]
        out = []
        for col in self.columns:
            if col.spec.parent:
                continue
            if col.kind == "annual" and legal:
                sub = "\n".join(legal)
                out.append(f"""    <li class="has-sub open"><span class="folder">{LEGAL_PARENT}</span>
      <ul class="sub">
{sub}
      </ul>
    </li>""")
                legal = []
            out.append(li(col, "    "))
        nav = "\n".join(out)
        return f"""<div class="xxgk-left">
  <div class="left-title">信息公开目录</div>
  <ul class="tree" id="xxgk_tree">
{nav}
  </ul>
  <div class="left-links"><a href="/hanweb/col/col4/index.html" class="ysq">依申请公开</a></div>
</div>"""

    def position(self, col=None, extra: str = "") -> str:
        parts = ['<a href="/hanweb/">首页</a>', '<a href="/hanweb/col/col1/index.html">政府信息公开</a>']
        if col is not None:
            if col.spec.parent:
                parts.append(f"<span>{esc(col.spec.parent)}</span>")
            parts.append(f'<a href="{col.truth.url_path}">{esc(col.truth.name)}</a>')
        if extra:
            parts.append(extra)
        return '<div class="position w1200">您当前的位置：' + " &gt; ".join(parts) + "</div>"

    # -- pages ------------------------------------------------------------------------------------
    def home(self) -> str:
        hot = "".join(f'<li><a href="{d.url_path}" target="_blank">{esc(truncate(d.title, 24, "…"))}</a>'
                      f'<span>{d.truth.list_date:%Y-%m-%d}</span></li>' for d in self.hot_docs(8))
        return self.head(self.spec.name) + f"""
<div class="main w1200">
  <div class="banner"><img src="/hanweb/images/banner.jpg" alt="" /></div>
  <div class="box"><div class="box-title">最新信息</div><ul>{hot}</ul></div>
  <div class="box"><a href="/hanweb/col/col1/index.html">政府信息公开</a></div>
</div>
""" + self.footer()

    def entry(self) -> str:
        hot = "\n".join(
            f'      <li><a href="{d.url_path}" target="_blank" title="{esc(d.title)}">{esc(truncate(d.title, 22, "…"))}</a>'
            f'<span class="date">{d.truth.list_date:%Y-%m-%d}</span></li>' for d in self.hot_docs(6))
        return self.head(f"政府信息公开 {self.spec.name}", "政府信息公开") + self.position() + f"""
<div class="main w1200 clearfix">
{self.tree()}
<div class="xxgk-right">
  <div class="gk-intro"><div class="title">政府信息公开</div>
    <p>本专栏依据《中华人民共和国政府信息公开条例》设置，包括信息公开指南、信息公开制度、法定主动公开内容和信息公开年报。</p>
  </div>
  <div class="gk-hot">
    <div class="title">热点信息<a class="more" href="/hanweb/col/col2/index.html">更多&gt;&gt;</a></div>
    <ul>
{hot}
    </ul>
  </div>
</div>
</div>
""" + self.footer()

    def list_page(self, col) -> str:
        unit = col.unitid
        first = col.docs[:GROUP]
        records = "\n".join(self.record(d) for d in first)
        total = len(col.docs)
        nodata = '\n  <div class="nodata">暂无信息</div>' if total == 0 else ""
        lst = f"""<div id="{unit}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{PROXY}?page=1&{self.proxy_query(col)}"></a>]]></nextgroup>
<recordset>
{records}
</recordset>
</datastore>
</script></div>{nodata}"""
        script = f"""<script type="text/javascript">
var param_{unit} = {{col:1,appid:1,webid:{WEBID},path:'/',columnid:{col.key},sourceContentType:1,unitid:'{unit}',webname:'{self.spec.name}',permissiontype:0}};
</script>
<script type="text/javascript" src="/hanweb/module/web/jpage/jpage.js"></script>
<script type="text/javascript">
$(document).ready(function(){{
    $('#{unit}').jpage({{
        cache:false,
        openCookies:false,
        totalRecord:{total},
        perPage:{PER_PAGE},
        groupSize:3,
        barPosition:'bottom',
        proxyUrl:'{PROXY}',
        ajaxParam:param_{unit},
        dataBefore:'<ul class="gk-list">',
        dataAfter:'</ul>',
        pageSizeShow:false,
        showMode:'full'
    }});
}});
</script>"""
        return self.head(f"{col.truth.name} {self.spec.name}", col.truth.name) + self.position(col) + f"""
<div class="main w1200 clearfix">
{self.tree(col)}
<div class="xxgk-right">
  <div class="lm-title"><span>{esc(col.truth.name)}</span></div>
  <div class="lm-list">
  {lst}
  </div>
  {script}
</div>
</div>
""" + self.footer()

    def detail(self, doc: Doc) -> str:
        t = doc.truth
        paras = self.paragraphs(doc)
        html_paras = []
        if doc.doctype == "file":
            who = texts.ADDRESSEE_GOV if doc.publisher_key in ("gov", "office") else texts.ADDRESSEE_DEPT
            html_paras.append(f"<p>{who[self.loc.level_word]}</p>")
        html_paras += [f'<p style="text-indent:2em;">{esc(p)}</p>' for p in paras]
        if doc.doctype == "file":
            html_paras.append('<p style="text-indent:2em;">特此通知。</p>')
            html_paras.append(f'<p style="text-align:right;">{esc(t.publisher)}</p>')
            html_paras.append(f'<p style="text-align:right;">{texts.cn_date(t.written)}</p>')
        body = "\n".join(html_paras)
        fj = ""
        if t.attachments:
            links = "".join(f'<p><a href="{url}" target="_blank">{esc(label)}.{ext}</a></p>'
                            for url, (label, ext) in zip(t.attachments, doc.attachment_labels))
            fj = f'<div class="fj"><span>附件：</span>{links}</div>'
        related = "\n".join(
            f'      <li><a href="{d.url_path}" target="_blank">{esc(truncate(d.title, 26, "…"))}</a>'
            f'<span>{d.truth.list_date:%Y-%m-%d}</span></li>' for d in self.related_docs(doc) if d.truth.list_date)
        validity = "有效" if doc.doctype == "file" else ""
        written = f"{t.written:%Y-%m-%d}" if t.written else ""
        col = doc.column
        return self.head(f"{t.title} {self.spec.name}", col.truth.name) + self.position(col, "<span>正文</span>") + f"""
<div class="main w1200">
<div class="xxgk-info">
  <div class="info-row"><span class="lab">信息索引号：</span><span class="val">{esc(t.index_number or "")}</span><span class="lab">主题分类：</span><span class="val">{esc(t.category or "")}</span></div>
  <div class="info-row"><span class="lab">发布机构：</span><span class="val">{esc(t.publisher)}</span><span class="lab">生成日期：</span><span class="val">{written}</span></div>
  <div class="info-row"><span class="lab">文号：</span><span class="val">{esc(t.doc_number or "")}</span><span class="lab">有效性：</span><span class="val">{validity}</span></div>
  <div class="info-row"><span class="lab">公开方式：</span><span class="val">主动公开</span><span class="lab">公开范围：</span><span class="val">面向社会</span></div>
</div>
<div class="article">
  <div class="art-title"><!--<$[标题名称]>begin-->{esc(t.title)}<!--<$[标题名称]>end--></div>
  <div class="art-info">
    <span>发布日期：{t.published:%Y-%m-%d}</span>
    <span>信息来源：{esc(t.publisher)}</span>
    <span>浏览次数：<script language="javascript" src="/hanweb/module/visitcount/articlehits.jsp?colid={col.key}&amp;artid={doc.art_id}"></script></span>
    <span>字体：[ <a href="javascript:doZoom(20)">大</a> <a href="javascript:doZoom(16)">中</a> <a href="javascript:doZoom(14)">小</a> ]</span>
  </div>
  <div id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">
{body}
<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div>
  {fj}
  <div class="art-tools"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
</div>
<div class="xgxx">
  <div class="title">相关链接</div>
  <ul>
{related}
  </ul>
</div>
</div>
""" + self.footer()

    def simple(self, title: str, text: str) -> str:
        return self.head(f"{title} {self.spec.name}") + f"""
<div class="position w1200">您当前的位置：<a href="/hanweb/">首页</a> &gt; <span>{esc(title)}</span></div>
<div class="main w1200"><div class="lm-title">{esc(title)}</div><p>{esc(text)}</p></div>
""" + self.footer()
