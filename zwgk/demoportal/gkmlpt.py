"""demo-gd: a Guangdong district on gkmlpt, the province's 政府信息公开目录管理平台.

``/gd/gkmlpt/index`` is a script shell: ``window._CONFIG`` holds the site id ``SID`` and the column
tree ``TREE``; nothing else on it links anywhere. Each column is read from the JSON API
``/gd/gkmlpt/api/all/{id}?page=N&sid=SID`` (100 articles a page; ``classify``, ``total``, ``offset``,
``articles[{id, title, url, type, classify_main, identifier, document_number, publisher, date (成文日期),
create_time, first_publish_time}]``, times as Unix seconds). Detail pages
``/gd/gkmlpt/content/{id // 10**6}/{id // 10**3}/post_{id}.html`` share the TRS detail template.
"""
from __future__ import annotations

import json
import random
import re
from datetime import datetime, timedelta, timezone

from .common import Response, esc
from .model import LEGAL_PARENT, ColumnSpec, Doc
from .trs import TrsSite, rel

PER_PAGE = 100
CHINA = timezone(timedelta(hours=8))
API_RE = re.compile(r"^/gd/gkmlpt/api/all/(\d+)$")


def _stamp(day, hhmm: str = "00:00") -> int:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return int(datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA).timestamp())


class GkmlptSite(TrsSite):
    prefix = "/gd/"

    @property
    def sid(self) -> str:
        return self.spec.region_code

    # -- URL scheme -------------------------------------------------------------------------------
    def entry_path(self) -> str:
        return f"{self.prefix}gkmlpt/index"

    def column_url(self, spec: ColumnSpec) -> str:
        return f"{self.prefix}gkmlpt/api/all/{spec.key}?page=1&sid={self.sid}"

    def doc_url(self, doc: Doc) -> str:
        i = doc.art_id
        return f"{self.prefix}gkmlpt/content/{i // 10**6}/{i // 10**3}/post_{i}.html"

    def attachment_url(self, doc: Doc, index: int, ext: str, rng: random.Random) -> str:
        i = doc.art_id
        return f"{self.prefix}attachment/{i // 10**6}/{i // 10**3}/{i}/{rng.randrange(10**7, 10**8)}.{ext}"

    # -- routing ----------------------------------------------------------------------------------
    def route(self, method, path, query, form):
        m = API_RE.match(path)
        if m:
            return self.api(m.group(1), query)
        if path in self.docs:
            return self.document_response(path)
        return super().route(method, path, query, form)

    def api(self, column_id: str, query: dict[str, str]) -> Response:
        col = self.column_by_key(column_id)
        if col is None or query.get("sid") != self.sid:
            body = {"classify": None, "total": 0, "offset": 0, "articles": []}
            return Response(200, json.dumps(body).encode(), "application/json")
        try:
            page = max(1, int(query.get("page", "1")))
        except ValueError:
            page = 1
        offset = (page - 1) * PER_PAGE
        articles = []
        for d in col.docs[offset:offset + PER_PAGE]:
            t = d.truth
            published = _stamp(t.list_date, d.pub_time) if t.list_date else 0
            articles.append({
                "id": d.art_id, "title": d.title, "url": d.url_path, "type": "normal",
                "classify_main": int(col.key), "identifier": t.index_number or "",
                "document_number": t.doc_number or "", "publisher": t.publisher or "",
                "date": _stamp(t.written) if t.written else 0, "create_time": published,
                "first_publish_time": published,
            })
        body = {"classify": {"id": int(col.key), "name": col.truth.name, "post_count": len(col.docs), "jump_url": ""},
                "total": len(col.docs), "offset": offset, "articles": articles}
        return Response(200, json.dumps(body, ensure_ascii=False).encode(), "application/json")

    # -- pages ------------------------------------------------------------------------------------
    def tree_config(self) -> list[dict]:
        def node(col):
            return {"id": int(col.key), "name": col.truth.name, "post_count": len(col.docs), "children": []}

        legal = [node(c) for c in self.columns if c.spec.parent == LEGAL_PARENT]
        out = []
        for col in self.columns:
            if col.spec.parent:
                continue
            if col.kind == "annual":
                out.append({"id": 2003, "name": LEGAL_PARENT, "children": legal})
            out.append(node(col))
        return out

    def entry(self) -> str:
        tree = json.dumps(self.tree_config(), ensure_ascii=False)
        p = self.prefix
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>政府信息公开目录_{esc(self.spec.name)}</title>
<meta name="SiteName" content="{esc(self.spec.name)}">
<meta name="SiteIDCode" content="{self.spec.site_code}">
<link rel="stylesheet" href="{p}gkmlpt/static/css/app.css">
<script>
  window._CONFIG = {{
    SID: '{self.sid}',
    SITE_NAME: '{esc(self.spec.name)}',
    TREE: {tree}
  }};
</script>
</head>
<body>
<div id="app"></div>
<script src="{p}gkmlpt/static/js/manifest.js"></script><script src="{p}gkmlpt/static/js/app.js"></script>
</body>
</html>
"""

    def breadcrumb(self, from_dir: str, col=None, extra: str = "") -> str:
        parts = [f'<a href="{rel(from_dir, self.prefix)}">首页</a>',
                 f'<a href="{rel(from_dir, self.entry_path())}">政府信息公开目录</a>']
        if col is not None:
            parts.append(f'<a href="{rel(from_dir, self.entry_path())}#{col.key}">{esc(col.truth.name)}</a>')
        if extra:
            parts.append(extra)
        return '<div class="position w1200">当前位置：' + " &gt; ".join(parts) + "</div>"
