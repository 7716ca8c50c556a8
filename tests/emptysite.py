"""A tiny county portal in a CMS style the project was not written for (issue 9): a header bar with a
dated hot-news link, a ``<ul>`` tree, table lists, a ``共N条`` pager, GB18030 pages declared gb2312.

Columns (ground truth):
- 财政预决算, 卫生健康, 社会保险, 生态环境: three recent entries each;
- 社会救助: empty, shown as ``暂无信息`` in the list table and ``共0条`` in the pager;
- 就业: empty, its list table holding only its header row (no marker: only the site's template,
  where the other columns fill that table, says it is empty);
- 义务教育: no list at all (a script fills a ``<div>`` we cannot read): list-not-found.

The header's nav (``/hdjl/``), its hot-news link and the side box of latest news (three dated links
on every page) answer 404, so taking them for entries would show as dead links and a stale column; the site's entry page (``/xxgk/``) has no date, so taking it for an entry would show
as a missing date.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

AS_OF = "2026-01-20"
COLUMNS = [  # (key, name, kind)
    ("czyjs", "财政预决算", "full"), ("wsjk", "卫生健康", "full"), ("shbx", "社会保险", "full"),
    ("sthj", "生态环境", "full"), ("shjz", "社会救助", "marker"), ("jy", "就业", "bare"),
    ("ywjy", "义务教育", "script"),
]
TITLES = {
    "czyjs": ["示例县2026年县级部门预算公开", "示例县2025年财政预算执行情况的报告", "示例县2024年县级部门决算公开"],
    "wsjk": ["关于开展冬季爱国卫生运动的通知", "示例县2025年卫生健康工作总结", "关于公布县级医疗机构名单的公告"],
    "shbx": ["关于2026年城乡居民基本养老保险缴费的通知", "示例县社会保险待遇调整公告", "关于做好失业保险稳岗返还工作的通知"],
    "sthj": ["示例县2025年12月环境空气质量状况", "关于开展生态环境保护专项检查的通知", "示例县饮用水水源地水质状况公告"],
}
DAYS = ["2026-01-12", "2025-12-26", "2025-12-10"]


def header(title: str, current: str) -> str:
    on = ' class="on"'
    tree = "".join(f'<li{on if key == current else ""}><a href="/xxgk/{key}/">{name}</a></li>'
                   for key, name, _ in COLUMNS)
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title}-示例县人民政府</title></head><body>
<div class="topbar"><ul><li><a href="/">首页</a></li><li><a href="/xxgk/">政府信息公开</a></li>
<li><a href="/hdjl/">互动交流</a></li><li>热点：<a href="/xwzx/202601/t20260105_77.html">某某会议</a> 2026-01-05</li></ul></div>
<div class="wrap"><div class="lm"><h3>信息公开目录</h3><ul class="tree">{tree}</ul>
<div class="zxxx"><h3>最新信息</h3><ul>
<li><a href="/xwzx/202601/t20260108_81.html">县政府召开第十二次常务会议研究部署近期工作</a><span>2026-01-08</span></li>
<li><a href="/xwzx/202601/t20260106_80.html">县领导调研冬春农田水利基本建设工作</a><span>2026-01-06</span></li>
<li><a href="/xwzx/202601/t20260102_79.html">示例县召开2026年度安全生产工作会议</a><span>2026-01-02</span></li></ul></div></div>
<div class="con"><div class="dqwz">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a> &gt; {title}</div>
"""


FOOTER = """</div></div>
<div class="dibu">主办：示例县人民政府 <a href="/wzdt/">网站地图</a> <a href="/lxwm/">联系我们</a></div>
</body></html>"""


def column_page(key: str, name: str, kind: str) -> str:
    head = header(name, key) + '<table class="lb" width="100%"><tr><th>标题</th><th>发布日期</th></tr>\n'
    if kind == "full":
        rows = "".join(f'<tr><td><a href="/xxgk/{key}/{day[:7].replace("-", "")}/t{day.replace("-", "")}_{i}.html">'
                       f'{title}</a></td><td>{day}</td></tr>\n'
                       for i, (title, day) in enumerate(zip(TITLES[key], DAYS), 1))
        return head + rows + '</table><div class="fy">共3条 第1/1页 首页 上一页 下一页 尾页</div>' + FOOTER
    if kind == "marker":
        return head + ('<tr><td colspan="2" align="center">暂无信息</td></tr></table>'
                       '<div class="fy">共0条 第1/1页 首页 上一页 下一页 尾页</div>' + FOOTER)
    if kind == "bare":
        return head + "</table>" + FOOTER
    return header(name, key) + '<div id="listbox"></div><script>loadList("/api/list?col=ywjy");</script>' + FOOTER


def detail_page(key: str, i: int) -> str:
    title, day = TITLES[key][i - 1], DAYS[i - 1]
    name = next(n for k, n, _ in COLUMNS if k == key)
    return header(name, key) + f"""<div class="article"><h1>{title}</h1>
<table class="xxgk"><tr><td>发布机构：</td><td>示例县人民政府办公室</td><td>发布日期：</td><td>{day}</td></tr></table>
<div class="TRS_Editor"><p>{title}。为做好相关工作，现将有关事项公布如下。</p><p>一、工作内容按照有关规定执行。</p></div></div>
""" + FOOTER


def pages() -> dict[str, str]:
    out = {"/xxgk/": header("政府信息公开", "") + "<p>政府信息公开</p>" + FOOTER}
    for key, name, kind in COLUMNS:
        out[f"/xxgk/{key}/"] = column_page(key, name, kind)
        if kind == "full":
            for i, day in enumerate(DAYS, 1):
                out[f"/xxgk/{key}/{day[:7].replace('-', '')}/t{day.replace('-', '')}_{i}.html"] = detail_page(key, i)
    return out


def sites_yaml(base: str) -> str:
    columns = "".join(f"      - {{name: {name}, url: \"{base}/xxgk/{key}/\"}}\n" for key, name, _ in COLUMNS)
    return f"""sites:
  - id: county
    name: 示例县人民政府
    level: county
    region: 黑龙江省/示例市/示例县
    url: {base}/xxgk/
    catalog_areas: [{", ".join(name for _, name, _ in COLUMNS)}]
    columns:
{columns}"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        page = self.server.pages.get(self.path.split("?", 1)[0])
        body = (page or "<html><body><h1>404 Not Found</h1></body></html>").encode("gb18030")
        self.send_response(200 if page else 404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self):
        self.do_GET()

    def log_message(self, *args):
        pass


@contextmanager
def serve():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.pages = pages()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
