"""The bundled demo portal: synthetic government portals served over local HTTP.

Used by ``zwgk demo``, the test-suite (which asserts extracted values against the ground truth kept
here) and the benchmarks. Six portals share one server, each under its own URL prefix:

- ``demo-trs``    ``/trs/``    TRS WCM style, UTF-8, municipal (``/trs/xxgk/`` entry page);
- ``demo-hanweb`` ``/hanweb/`` Hanweb jcms style, UTF-8, county (``/hanweb/col/col1/index.html``);
- ``demo-plain``  ``/plain/``  home-grown JSP CMS, GBK declared as gb2312, county (``/plain/zwgk/index.jsp``);
- ``demo-fj``     ``/fj/``     TRS 集约化 "动静结合" (Fujian), county (``/fj/xxgk/``): ``dongjing.py``;
- ``demo-js``     ``/qx/``     pager only in a jQuery plugin script, county (``/qx/zwgk/``): ``jspager.py``;
- ``demo-gd``     ``/gd/``     gkmlpt (Guangdong), district (``/gd/gkmlpt/index`` shell): ``gkmlpt.py``.

Public API::

    DEMO_AS_OF                      # date(2026, 6, 30): every content date is on or before it
    portal = DemoPortal(scale=1, seed=7)
    portal.sites                    # list[SiteTruth]
    portal.documents()              # list[DocTruth]: every detail page currently listed in a column
    portal.planted                  # list[Planted]: the planted gaps
    portal.sites_yaml(base_url)     # a sites config for all demo sites (no columns: discover them)
    portal.add_documents(n, column_path=None, sites=None) / edit_document(url) / remove_document(url) / fail_document(url)
    with serve(portal) as base_url: ...   # "http://127.0.0.1:43123"

Everything is deterministic for a given (scale, seed) and generated in memory.

What a crawler meets (on purpose, as on real portals):

- TRS: column URLs are directories (``/trs/xxgk/czyjs/``, same page as ``index.html``); later pages
  ``index_1.html`` .. exist only through ``createPageHTML(pages, current, "index", "html")`` in a script;
  detail links ``./YYYYMM/tYYYYMMDD_id.html``, whose URL date can be a few days before the listed date
  (the list date and the page's 发布日期 are authoritative); the meta PubDate is right on this site.
- Hanweb: list records sit inside ``<script type="text/xml"><datastore>``; the first 45 on the column
  page, the rest from ``/hanweb/module/web/jpage/dataproxy.jsp`` (POST startrecord/endrecord/perpage
  with the ``param_<unitid>`` form, or GET ``?page=N&...&columnid=``); 生成日期 is the written date,
  发布日期 is only in the line under the title; no PubDate/ColumnName meta.
- plain: GBK bytes declared gb2312 with GBK-only characters; ``Content-Type: text/html`` without
  charset on list pages and some detail pages; query URLs (``list.jsp?colid=N&page=P``,
  ``content.jsp?id=N``); meta PubDate is the page generation time on every page; no written date,
  index number or category on this site (truth None).
- 动静结合 (demo-fj): a column is one ``index.htm`` holding its first 20 entries as hidden
  ``$showStatic(N)`` groups of five; the rest only from a POST to ``/fj/fjdzapp/search`` (JSON); no
  ``index_1.htm``. Its planted dead link is the oldest 通知公告 entry, listed only by the search service.
- script pager (demo-js): ``index.html``, ``index_1.html`` … reachable only through
  ``$(".pagination").pagination({totalPage: N, … 'index_' + i + '.html'})``; a late publication on the
  last page of 重大建设项目; 义务教育 is empty (暂无信息, 共0条) under the header bar of nav links and a
  dated 热点 link that every page carries.
- gkmlpt (demo-gd): the shell's ``window._CONFIG`` (``SID``, ``TREE``) is the only column tree;
  columns are read at ``/gd/gkmlpt/api/all/{id}?page=N&sid=…`` (100 a page; 政策文件 has two pages);
  卫生健康 is stale since 2021.
- Every page carries other dates: footer 更新时间, copyright 2019-2026, hot-news and related boxes.
"""
from .model import DEMO_AS_OF, ColumnTruth, DocTruth, Planted, SiteTruth
from .portal import DemoPortal
from .server import serve

__all__ = ["DEMO_AS_OF", "ColumnTruth", "DemoPortal", "DocTruth", "Planted", "SiteTruth", "serve"]
