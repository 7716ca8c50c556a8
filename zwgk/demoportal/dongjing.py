"""demo-fj: a TRS 集约化 "动静结合" county portal, as every county of the Fujian provincial platform.

A column page is one ``index.htm``: its first ``MAX_STATIC`` pages of ``PREPAGE`` entries sit in the
static HTML as hidden groups of ``GROUP`` (``<div ms-visible="$showStatic(1)">``, ``$showStatic(6)`` …,
the argument being the group's first record), beside the avalon template the script fills; the page
bar is drawn by script from ``listModel({maxStaticIndex, pagebar: {prepage, recordCount}})``. There is
no ``index_1.htm``: the records past the static ones come only from the platform's search service,
a form POST to ``/fjdzapp/search`` (channelid, classsql=chnlid=…, page, prepage) answering JSON
(``data[].doctitle/docpuburl/chnldocurl/docreltime``, ``pageCount``). Detail pages and the rest of the
site are TRS pages (``.htm``).
"""
from __future__ import annotations

import json

from .common import Response, esc, truncate
from .model import Column
from .trs import TrsSite, rel

GROUP = 5           # entries in one hidden group
PREPAGE = 10        # entries in one page of the page bar
MAX_STATIC = 2      # pages present in the static HTML
CHANNEL_ID = "229105"
SEARCH = "fjdzapp/search"


class DongjingSite(TrsSite):
    prefix = "/fj/"
    ext = "htm"

    def chnlid(self, col: Column) -> int:
        return 4901 + self.columns.index(col)

    def page_count(self, col, per_page=None) -> int:
        return 1  # one static page per column; the rest is the search service's

    def route(self, method, path, query, form):
        if path == self.prefix + SEARCH:
            return self.search({**query, **form}) if method == "POST" else Response(
                405, b"Method Not Allowed", "text/plain", [("Allow", "POST")])
        return super().route(method, path, query, form)

    def search(self, params: dict[str, str]) -> Response:
        """The search service: the column's records ``(page-1)*prepage`` … as JSON, newest first."""
        chnl = params.get("classsql", "").removeprefix("chnlid=")
        col = next((c for c in self.columns if str(self.chnlid(c)) == chnl), None)
        if col is None or params.get("channelid") != CHANNEL_ID:
            return Response(200, json.dumps({"data": [], "pageCount": 0, "page": 1, "total": 0}).encode(),
                            "application/json;charset=UTF-8")
        try:
            page, prepage = max(1, int(params.get("page", "1"))), max(1, min(int(params.get("prepage", "15")), 500))
        except ValueError:
            page, prepage = 1, 15
        docs = col.docs[(page - 1) * prepage: page * prepage]
        data = [{"doctitle": d.title, "docpuburl": d.url_path, "chnldocurl": d.url_path,
                 "docreltime": f"{d.truth.list_date:%Y-%m-%d} {d.pub_time}:00" if d.truth.list_date else "",
                 "chnlname": col.truth.name, "docid": d.art_id} for d in docs]
        body = {"data": data, "pageCount": -(-len(col.docs) // prepage), "page": page, "pagesize": prepage,
                "total": len(col.docs)}
        return Response(200, json.dumps(body, ensure_ascii=False).encode(), "application/json;charset=UTF-8")

    def list_page(self, col, page: int) -> str:
        base = col.truth.url_path
        static = col.docs[:MAX_STATIC * PREPAGE]
        groups = []
        for start in range(0, len(static), GROUP):
            items = "\n".join(
                f'        <li><a href="{rel(base, d.url_path)}" target="_blank" title="{esc(d.title)}">'
                f'{esc(truncate(d.title, 30, "..."))}</a><span class="bf-pass">{d.truth.list_date:%Y-%m-%d}</span></li>'
                for d in static[start:start + GROUP])
            groups.append(f'      <div class="list_base_date_01" ms-visible="$showStatic({start + 1})">\n'
                          f'      <ul>\n{items}\n      </ul>\n      </div>')
        body = "\n".join(groups) or '      <div class="nodata">暂无信息</div>'
        metas = [("ColumnName", col.truth.name), ("ColumnDescription", f"{col.truth.name}栏目"),
                 ("ColumnKeywords", col.truth.name), ("ColumnType", "信息公开")]
        config = (f"searchUrl: '{self.prefix}{SEARCH}', maxStaticIndex: {MAX_STATIC}, channelid: '{CHANNEL_ID}', "
                  f"classsql: 'chnlid={self.chnlid(col)}', "
                  f"pagebar: {{prepage: {PREPAGE}, recordCount: '{len(col.docs)}'}}")
        extra = f'<script type="text/javascript" src="{self.prefix}js/require.js"></script>'
        return self.head(f"{col.truth.name}_{self.spec.name}", metas, extra) + self.breadcrumb(base, col) + f"""
<div class="main w1200 clearfix">
{self.tree(base, col)}
<div class="xxgk-right">
  <div class="column-title"><h2>{esc(col.truth.name)}</h2></div>
  <div class="gl_list" ms-controller="list" role="viewlist">
    <div ms-visible="showStatic">
{body}
    </div>
    <div ms-visible="!showStatic" style="display:none">
      <ul><li ms-repeat="list"><a ms-attr-href="el.url" ms-attr-title="el.title" target="_blank">{{{{el.title}}}}</a><span>{{{{el.time}}}}</span></li></ul>
    </div>
    <div class="pagebar" id="pagebar"></div>
  </div>
</div>
</div>
<script type="text/javascript">
require(['list2.trsapi'], function () {{
  listModel({{{config}}});
}});
</script>
""" + self.footer()
