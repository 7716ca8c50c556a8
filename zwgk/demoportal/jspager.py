"""demo-js: a county portal whose list pager exists only in a script (a jQuery pager plugin).

Column pages are static ``index.html``, ``index_1.html`` … (15 rows a page, in a ``<table>``); no
``<a>`` leads to page 2: the page bar is drawn by
``$(".pagination").pagination({totalPage: N, currentPage: k, callBack: … location.href = 'index_' + i + '.html'})``.
Every page carries the header bar real county portals print above the content — nav links and a
hot-news link with its date (``首页 · 政府信息公开 · 互动交流 · 热点：… 2025-11-03``) — and an empty
column prints 暂无信息 in its table and 共0条 beside a pager of 0 pages. Detail pages share the
TRS template.
"""
from __future__ import annotations

from .common import esc, truncate
from .model import Doc
from .trs import TrsSite, rel

PAGER_SCRIPT = """<script type="text/javascript">
  $(".pagination").pagination({{
    totalPage: {pages},
    currentPage: {current},
    isShow: true,
    count: 7,
    homePageText: "首页",
    endPageText: "尾页",
    prevPageText: "上一页",
    nextPageText: "下一页",
    callBack: function (currPage) {{
      var i = currPage - 1;
      location.href = i > 0 ? 'index_' + i + '.html' : 'index.html';
    }}
  }});
</script>"""


class JsPagerSite(TrsSite):
    prefix = "/qx/"
    page_size = 15

    def entry_path(self) -> str:
        return f"{self.prefix}zwgk/"

    def hot_pick(self) -> Doc | None:
        """The 热点 of the header bar: a pinned, older item of the 机构职能 column."""
        pool = [d for c in self.columns if c.kind == "functions" for d in c.docs if d.truth.list_date]
        return min(pool, key=lambda d: (d.truth.list_date, d.art_id)) if pool else None

    def head(self, title: str, metas: list[tuple[str, str]], extra: str = "") -> str:
        meta = "\n".join(f'<meta name="{k}" content="{esc(v)}">' for k, v in metas)
        hot = self.hot_pick()
        hot_link = (f' · 热点：<a href="{hot.url_path}" target="_blank">{esc(truncate(hot.title, 20, "…"))}</a> '
                    f'<span class="hot-date">{hot.truth.list_date:%Y-%m-%d}</span>') if hot else ""
        p = self.prefix
        return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(title)}</title>
<meta name="SiteName" content="{esc(self.spec.name)}">
{meta}
<link rel="stylesheet" type="text/css" href="{p}css/style.css">
<script type="text/javascript" src="{p}js/jquery-1.12.4.min.js"></script>
<script type="text/javascript" src="{p}js/jquery.pagination.js"></script>
{extra}
</head>
<body>
<div class="top"><div class="w1200"><a href="{p}">首页</a> · <a href="{self.entry_path()}">政府信息公开</a> · <a href="{p}hdjl/">互动交流</a>{hot_link}</div></div>
<div class="banner"><img src="{p}images/banner.jpg" alt="{esc(self.spec.name)}"></div>
"""

    def list_page(self, col, page: int) -> str:
        base = col.truth.url_path
        pages = -(-len(col.docs) // self.page_size)
        rows = "\n".join(
            f'    <tr><td class="bt"><a href="{rel(base, d.url_path)}" target="_blank" title="{esc(d.title)}">'
            f'{esc(truncate(d.title, 32, "..."))}</a></td><td class="date">{d.truth.list_date:%Y-%m-%d}</td></tr>'
            for d in self.page_docs(col, page))
        rows = rows or '    <tr><td colspan="2" class="nodata">暂无信息</td></tr>'
        metas = [("ColumnName", col.truth.name), ("ColumnType", "信息公开")]
        return self.head(f"{col.truth.name}-{self.spec.name}", metas) + self.breadcrumb(base, col) + f"""
<div class="main w1200 clearfix">
{self.tree(base, col)}
<div class="xxgk-right">
  <div class="column-title"><h2>{esc(col.truth.name)}</h2></div>
  <table class="list" width="100%" cellspacing="0" cellpadding="0">
{rows}
  </table>
  <div class="page-info">共{len(col.docs)}条</div>
  <div class="pagination" id="pagination"></div>
  {PAGER_SCRIPT.format(pages=pages, current=page + 1)}
</div>
</div>
""" + self.footer()
