"""demo-plain: a home-grown JSP CMS of a county (GBK bytes declared gb2312, table layout, query URLs).

Traps on purpose: the page declares gb2312 but holds GBK-only characters (昇, 堃, 珺 ...); some answers
carry `Content-Type: text/html` without a charset; `<meta name="PubDate">` is the page generation time
on every page; the only publication date is the labelled 发布时间 line.
"""
from __future__ import annotations

import random

from .common import Response, asset, esc, truncate
from .model import COPYRIGHT_YEARS, PAGE_GENERATED, SITE_UPDATED, ColumnSpec, Doc, LEGAL_PARENT, SiteBase

CT_GBK = "text/html;charset=GBK"
CT_GB2312 = "text/html;charset=gb2312"
CT_BARE = "text/html"

STATIC_PAGES = {
    "/plain/zwdt/index.jsp": ("政务动态", "本栏目发布全县政务要闻。"),
    "/plain/hdjl/index.jsp": ("互动交流", "县长信箱 网上咨询 意见征集"),
    "/plain/zwgk/ysqgk.jsp": ("依申请公开", "申请人可通过当面、信函、网络等方式提出政府信息公开申请。"),
    "/plain/about.jsp": ("走进昇平", "昇平县地处省境北部，辖4镇2乡。"),
    "/plain/search.jsp": ("站内搜索", "没有找到符合条件的信息。"),
}


def gbk(text: str) -> bytes:
    return text.encode("gbk", "xmlcharrefreplace")


class PlainSite(SiteBase):
    prefix = "/plain/"
    page_size = 18
    shows_written = False
    shows_index = False
    shows_category = False

    # -- URL scheme -------------------------------------------------------------------------------
    def entry_path(self) -> str:
        return "/plain/zwgk/index.jsp"

    def column_url(self, spec: ColumnSpec) -> str:
        return f"/plain/zwgk/list.jsp?colid={spec.key}"

    def doc_url(self, doc: Doc) -> str:
        return f"/plain/zwgk/content.jsp?id={doc.art_id}"

    def attachment_url(self, doc: Doc, index: int, ext: str, rng: random.Random) -> str:
        return f"/plain/upload/{doc.created:%Y%m}/{doc.art_id}_{index + 1}.{ext}"

    # -- routing ----------------------------------------------------------------------------------
    def route(self, method, path, query, form):
        if path in ("/plain/", "/plain/index.jsp"):
            return Response(200, gbk(self.home()), CT_GBK)
        if path in ("/plain/zwgk/", "/plain/zwgk/index.jsp"):
            return Response(200, gbk(self.entry()), CT_GBK)
        if path in STATIC_PAGES:
            return Response(200, gbk(self.simple(*STATIC_PAGES[path])), CT_GBK)
        if path == "/plain/zwgk/list.jsp":
            col = self.column_by_key(query.get("colid", ""))
            if col is None:
                return self.not_found()
            try:
                page = max(1, int(query.get("page", "1") or 1))
            except ValueError:
                page = 1
            return Response(200, gbk(self.list_page(col, page)), CT_BARE)
        if path == "/plain/zwgk/content.jsp":
            return self.document_response(f"{path}?id={query.get('id', '')}")
        if path in self.attachments:
            return self.attachment_response(path)
        static = asset(path)
        if static and path.startswith(("/plain/css/", "/plain/images/", "/plain/js/")):
            return static
        return self.not_found()

    def detail_response(self, doc) -> Response:
        # Odd ids declare gb2312 in the header, even ids send no charset at all.
        return Response(200, gbk(self.detail(doc)), CT_GB2312 if doc.art_id % 2 else CT_BARE)

    def attachment_headers(self, path: str) -> list[tuple[str, str]]:
        return [("Content-Disposition", f'attachment; filename="{path.rsplit("/", 1)[-1]}"')]

    def not_found(self) -> Response:
        page = self.head("页面不存在") + """
<table width="980" border="0" align="center" cellpadding="20"><tr><td align="center">
<font color="#ff0000">对不起，您访问的信息不存在或已删除！</font><br><a href="/plain/index.jsp">返回首页</a>
</td></tr></table>
</body></html>"""
        return Response(404, gbk(page), CT_GBK)

    # -- page parts -------------------------------------------------------------------------------
    def head(self, title: str) -> str:
        return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{esc(title)}</title>
<meta name="PubDate" content="{PAGE_GENERATED}">
<meta name="keywords" content="{esc(self.loc.gov)},政务公开,政府信息公开">
<link href="/plain/css/style.css" rel="stylesheet" type="text/css">
<script language="javascript" src="/plain/js/menu.js"></script>
</head>
<body leftmargin="0" topmargin="0" marginwidth="0" marginheight="0">
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td><img src="/plain/images/top.jpg" width="980" height="140" alt="{esc(self.spec.name)}"></td></tr>
</table>
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0" class="nav">
  <tr>
    <td align="center"><a href="/plain/index.jsp">首页</a></td>
    <td align="center"><a href="/plain/zwdt/index.jsp">政务动态</a></td>
    <td align="center"><a href="/plain/zwgk/index.jsp">政务公开</a></td>
    <td align="center"><a href="/plain/hdjl/index.jsp">互动交流</a></td>
    <td align="center"><a href="/plain/about.jsp">走进昇平</a></td>
    <td align="right"><form action="/plain/search.jsp" method="post" style="margin:0">
      <input type="text" name="keyword" size="16"><input type="submit" value="搜索"></form></td>
  </tr>
</table>
"""

    def footer(self) -> str:
        s = self.spec
        return f"""<table width="980" border="0" align="center" cellpadding="6" cellspacing="0" class="foot">
  <tr><td align="center">
    主办单位：{esc(s.name)}办公室&nbsp;&nbsp;技术支持：{esc(self.loc.gov)}信息中心<br>
    版权所有 {COPYRIGHT_YEARS}&nbsp;&nbsp;网站标识码：{s.site_code}&nbsp;&nbsp;{esc(s.icp)}&nbsp;&nbsp;{esc(s.police)}<br>
    页面更新时间：{SITE_UPDATED}&nbsp;&nbsp;建议使用1024*768分辨率浏览
  </td></tr>
</table>
</body>
</html>
"""

    def side_menu(self, current=None) -> str:
        rows = []
        for col in self.columns:
            mark = ' class="on"' if col is current else ""
            rows.append(f'<tr><td{mark} height="28">&nbsp;&nbsp;<a href="list.jsp?colid={col.key}">{esc(col.truth.name)}</a></td></tr>')
        return ('<table width="100%" border="0" cellpadding="0" cellspacing="0" class="leftmenu">\n'
                '<tr><td class="lefttitle" height="32">&nbsp;政务公开</td></tr>\n' + "\n".join(rows) + "\n</table>")

    # -- pages ------------------------------------------------------------------------------------
    def home(self) -> str:
        rows = "".join(
            f'<tr><td>·<a href="zwgk/content.jsp?id={d.art_id}" target="_blank">{esc(truncate(d.title, 24, ".."))}</a></td>'
            f'<td width="80">{d.truth.list_date:%m-%d}</td></tr>' for d in self.hot_docs(8))
        return self.head(self.spec.name) + f"""
<table width="980" border="0" align="center" cellpadding="0" cellspacing="8">
  <tr><td valign="top"><table width="100%" class="box"><tr><td class="boxtitle" colspan="2">政务要闻</td></tr>{rows}</table></td>
      <td width="300" valign="top"><a href="zwgk/index.jsp"><img src="/plain/images/zwgk.gif" alt="政务公开" border="0"></a></td></tr>
</table>
""" + self.footer()

    def entry(self) -> str:
        top_desc = {"guide": "本机关政府信息公开的方式、程序和受理机构", "rules": "政府信息公开工作制度和规范",
                    "annual": "本机关历年政府信息公开工作年度报告"}
        rows = []
        legal_links = " | ".join(f'<a href="list.jsp?colid={c.key}">{esc(c.truth.name)}</a>'
                                for c in self.columns if c.spec.parent == LEGAL_PARENT)
        for col in self.columns:
            if col.spec.parent:
                continue
            if col.kind == "annual":
                rows.append(f'  <tr><td class="lb" width="170" bgcolor="#f3f7fb">{LEGAL_PARENT}</td>'
                            f'<td class="links">{legal_links}</td></tr>')
            rows.append(f'  <tr><td class="lb" width="170" bgcolor="#f3f7fb"><a href="list.jsp?colid={col.key}">'
                        f'{esc(col.truth.name)}</a></td><td>{top_desc.get(col.kind, "")}</td></tr>')
        table = "\n".join(rows)
        hot = "\n".join(
            f'    <tr><td>·<a href="content.jsp?id={d.art_id}" target="_blank" title="{esc(d.title)}">{esc(truncate(d.title, 16, ".."))}</a></td>'
            f'<td class="date" nowrap>{d.truth.list_date:%Y-%m-%d}</td></tr>' for d in self.hot_docs(8))
        return self.head(f"政务公开-{self.spec.name}") + f"""
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td class="weizhi" height="30">您的位置：<a href="/plain/index.jsp">首页</a> &gt; 政务公开</td></tr>
</table>
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr>
  <td width="260" valign="top">
    <table width="100%" border="0" cellpadding="3" cellspacing="0" class="box">
    <tr><td class="boxtitle" colspan="2">最新公开信息</td></tr>
{hot}
    </table>
    <p><a href="ysqgk.jsp"><img src="/plain/images/ysqgk.gif" alt="依申请公开" border="0"></a></p>
  </td>
  <td width="20">&nbsp;</td>
  <td valign="top">
  <table width="100%" border="1" bordercolor="#c5d7ea" cellpadding="6" cellspacing="0" class="gkml" style="border-collapse:collapse">
  <tr><td colspan="2" class="gkmltitle" align="center"><b>{esc(self.spec.name)}政府信息公开目录</b></td></tr>
{table}
  </table>
  </td>
</tr>
</table>
""" + self.footer()

    def pager(self, col, page: int, pages: int) -> str:
        def link(p: int, text: str) -> str:
            return f'<a href="list.jsp?colid={col.key}&amp;page={p}">{text}</a>'

        parts = [f"共{len(col.docs)}条记录&nbsp;&nbsp;第{page}/{pages}页&nbsp;&nbsp;"]
        parts.append("首页" if page == 1 else link(1, "首页"))
        parts.append("上一页" if page == 1 else link(page - 1, "上一页"))
        shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
        prev = 0
        for p in shown:
            if p - prev > 1:
                parts.append("…")
            parts.append(f'<font color="red"><b>{p}</b></font>' if p == page else link(p, str(p)))
            prev = p
        parts.append("下一页" if page >= pages else link(page + 1, "下一页"))
        parts.append("尾页" if page >= pages else link(pages, "尾页"))
        return '<div class="pager" align="center">' + "&nbsp;".join(parts) + "</div>"

    def list_page(self, col, page: int) -> str:
        pages = self.page_count(col)
        rows = []
        for d in self.page_docs(col, page - 1):
            shown = truncate(d.title, 24, "..")
            title_attr = f' title="{esc(d.title)}"' if shown != d.title else ""
            date = f"{d.truth.list_date:%Y-%m-%d}" if d.truth.list_date else ""
            rows.append(f'    <tr><td width="16" class="dot">·</td><td height="28"><a href="content.jsp?id={d.art_id}" '
                        f'target="_blank"{title_attr}>{esc(shown)}</a></td><td width="100" class="date">{date}</td></tr>')
        body = "\n".join(rows) or '    <tr><td colspan="3" align="center">暂无信息</td></tr>'
        parent = f"{esc(col.spec.parent)} &gt; " if col.spec.parent else ""
        return self.head(f"{col.truth.name}-{self.spec.name}") + f"""
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
<tr>
  <td width="200" valign="top">
{self.side_menu(col)}
  </td>
  <td width="15">&nbsp;</td>
  <td valign="top">
    <table width="100%" border="0" cellpadding="0" cellspacing="0">
      <tr><td class="weizhi" height="30">您的位置：<a href="/plain/index.jsp">首页</a> &gt; <a href="index.jsp">政务公开</a> &gt; {parent}<a href="list.jsp?colid={col.key}">{esc(col.truth.name)}</a></td></tr>
    </table>
    <table width="100%" border="0" cellpadding="0" cellspacing="0" class="newslist">
{body}
    </table>
    {self.pager(col, page, pages)}
  </td>
</tr>
</table>
""" + self.footer()

    def detail(self, doc: Doc) -> str:
        t = doc.truth
        info = []
        if t.published:
            info.append(f"发布时间：{t.published.year}年{t.published.month}月{t.published.day}日")
        info.append(f"来源：{esc(t.publisher)}")
        if t.doc_number:
            info.append(f"文号：{esc(t.doc_number)}")
        if doc.validity:
            info.append(f"效力状态：{esc(doc.validity)}")
        info.append(f"浏览次数：{37 + doc.art_id % 500}")
        paras = "\n".join(f"<p>&nbsp;&nbsp;&nbsp;&nbsp;{esc(p)}</p>" for p in self.paragraphs(doc))
        fj = ""
        if t.attachments:
            links = "<br>".join(f'<a href="{url}">{esc(label)}.{ext}</a>'
                                for url, (label, ext) in zip(t.attachments, doc.attachment_labels))
            fj = f'<tr><td class="fujian">附件：<br>{links}</td></tr>'
        related = "\n".join(
            f'      <tr><td>·<a href="content.jsp?id={d.art_id}">{esc(truncate(d.title, 30, ".."))}</a></td>'
            f'<td width="90">{d.truth.list_date:%Y-%m-%d}</td></tr>' for d in self.related_docs(doc) if d.truth.list_date)
        col = doc.column
        parent = f"{esc(col.spec.parent)} &gt; " if col.spec.parent else ""
        return self.head(f"{t.title}-{self.spec.name}") + f"""
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td class="weizhi" height="30">您的位置：<a href="/plain/index.jsp">首页</a> &gt; <a href="index.jsp">政务公开</a> &gt; {parent}<a href="list.jsp?colid={col.key}">{esc(col.truth.name)}</a></td></tr>
</table>
<table width="980" border="0" align="center" cellpadding="10" cellspacing="0" class="content">
  <tr><td align="center" class="title"><b>{esc(t.title)}</b></td></tr>
  <tr><td align="center" class="info" bgcolor="#f5f5f5">{"&nbsp;&nbsp;&nbsp;".join(info)}</td></tr>
  <tr><td class="zw" id="zoom">
{paras}
  </td></tr>
  {fj}
  <tr><td align="right"><a href="javascript:window.print()">【打印】</a>&nbsp;<a href="javascript:window.close()">【关闭】</a></td></tr>
</table>
<table width="980" border="0" align="center" cellpadding="4" cellspacing="0" class="related">
  <tr><td colspan="2" class="boxtitle">相关信息</td></tr>
{related}
</table>
""" + self.footer()

    def simple(self, title: str, text: str) -> str:
        return self.head(f"{title}-{self.spec.name}") + f"""
<table width="980" border="0" align="center" cellpadding="10" cellspacing="0">
  <tr><td class="weizhi">您的位置：<a href="/plain/index.jsp">首页</a> &gt; {esc(title)}</td></tr>
  <tr><td><b>{esc(title)}</b><p>{esc(text)}</p></td></tr>
</table>
""" + self.footer()
