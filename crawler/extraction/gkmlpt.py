"""gkmlpt, the Guangdong 政府信息公开目录管理平台 (every Guangdong county and city portal).

``…/gkmlpt/index`` is a script shell: ``window._CONFIG`` carries the site id ``SID`` and the column
tree ``TREE`` (``[{"id": 721, "name": "政策文件", "children": […]}, …]``); the browser then reads each
column from the JSON API ``…/gkmlpt/api/all/{id}?page=N&sid={SID}``::

    {"classify": {"id": 721, "name": "…", "post_count": 43}, "total": 43, "offset": 0,
     "articles": [{"id": 3874985, "title": "…", "url": "…/gkmlpt/content/3/3874/post_3874985.html",
                   "create_time": 1693440000, "date": 1692835200, "type": "normal", …}, …]}

100 articles a page; ``create_time`` is what the site's own table shows as 发布日期 (``date`` is the
成文日期). Detail pages ``…/gkmlpt/content/{id // 10**6}/{id // 10**3}/post_{id}.html`` are HTML.
(Request and answer as public crawlers of these portals send and read them.)

Here: the shell -> its columns, one per leaf of the tree, each at its API URL (a column of the tree
is a fragment ``index#721`` to the browser, which no server ever sees). The JSON answers themselves
are read by ``jsonlist`` like any JSON list.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

_SID = re.compile(r"""\bSID["']?\s*[:=]\s*["']?([\w-]+)""")
_TREE = re.compile(r"""\bTREE["']?\s*[:=]\s*\[""")
_KEY = re.compile(r"""([{,]\s*)([A-Za-z_$][\w$]*)\s*:""")
_NAME_KEYS = ("name", "title", "text", "label", "classify_name")
_CHILD_KEYS = ("children", "child", "childs", "sub", "nodes", "list")
MAX_COLUMNS = 2000


@dataclass(frozen=True)
class Shell:
    sid: str
    tree: list          # the TREE nodes as parsed
    base: str           # URL up to and including "/gkmlpt/"


def find(html: str, url: str) -> Shell | None:
    """The gkmlpt shell configuration of a page; None when the page is not a gkmlpt shell."""
    if not html or "_CONFIG" not in html or "/gkmlpt/" not in url:
        return None
    sid = _SID.search(html)
    if not sid:
        return None
    tree = []
    m = _TREE.search(html)
    if m:
        tree = _parse_js(_bracketed(html, m.end() - 1)) or []
    base = url[: url.index("/gkmlpt/") + len("/gkmlpt/")]
    return Shell(sid.group(1), tree if isinstance(tree, list) else [], base)


def api_url(shell: Shell, column_id, page: int = 1) -> str:
    return f"{shell.base}api/all/{column_id}?page={page}&sid={shell.sid}"


def columns(shell: Shell) -> list[dict]:
    """``[{"name", "url", "path"}]``: the leaves of the tree (a parent's API lists its children's posts again)."""
    out: list[dict] = []

    def walk(nodes, trail):
        for node in nodes if isinstance(nodes, list) else []:
            if not isinstance(node, dict) or len(out) >= MAX_COLUMNS:
                continue
            name = next((str(node[k]).strip() for k in _NAME_KEYS if node.get(k)), None)
            children = next((node[k] for k in _CHILD_KEYS if isinstance(node.get(k), list) and node[k]), None)
            if not name:
                continue
            if children:
                walk(children, trail + [name])
            elif node.get("id") is not None and not node.get("jump_url"):
                out.append({"name": name, "url": api_url(shell, node["id"]), "path": "/".join(trail + [name])})

    walk(shell.tree, [])
    return out


def _bracketed(text: str, start: int) -> str:
    """The JS array or object literal starting at ``text[start]``, brackets balanced outside strings."""
    depth, quote, escape = 0, None, False
    for i in range(start, min(len(text), start + 5_000_000)):
        c = text[i]
        if quote:
            if escape:
                escape = False
            elif c == "\\":
                escape = True
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
    return ""


def _parse_js(literal: str):
    """A JSON value, or a plain JS literal of the same shape (bare keys, single quotes)."""
    if not literal:
        return None
    try:
        return json.loads(literal)
    except ValueError:
        pass
    converted = _KEY.sub(r'\1"\2":', re.sub(r"'((?:[^'\\\"]|\\.)*)'", r'"\1"', literal))
    converted = re.sub(r",\s*([}\]])", r"\1", converted)
    try:
        return json.loads(converted)
    except ValueError:
        return None
