"""A pager that loops back, or that answers every page number with the last page again, must end."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from crawler import store
from crawler.runner import crawl
from zwgk.demo import DEMO_SETTINGS

pytestmark = pytest.mark.slow   # crawls in subprocesses

LAST = 3  # /endless has 3 real pages; every page number past it repeats page 3


def list_page(title: str, entries: list[str], next_url: str) -> bytes:
    items = "".join(f'<li><a href="/doc/{e}.html">{title}第{e}号通知公告</a><span>2026-05-0{1 + int(e.split("-")[-1])}</span></li>'
                    for e in entries)
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<div class="list"><ul>{items}</ul></div>'
            f'<div class="page"><a href="{next_url}">下一页</a></div></body></html>').encode()


class Pager(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        n = int(parse_qs(url.query).get("page", ["1"])[0])
        if url.path == "/endless":
            shown = min(n, LAST)
            body = list_page("通知公告", [f"e{shown}-{i}" for i in range(5)], f"/endless?page={n + 1}")
        elif url.path == "/loop":
            body = list_page("政策文件", [f"l{n}-{i}" for i in range(5)], f"/loop?page={2 if n == 1 else 1}")
        elif url.path.startswith("/doc/"):
            body = ('<html><head><meta charset="utf-8"><title>通知</title></head><body><h1>关于开展工作的通知</h1>'
                    '<p>发布日期：2026-05-02</p><div class="content"><p>正文内容。</p></div></body></html>').encode()
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def pager():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Pager)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_looping_and_repeating_pagers_terminate(pager, tmp_path):
    sites = tmp_path / "sites.yaml"
    sites.write_text(f"""sites:
  - id: pager
    name: 分页测试县人民政府
    level: county
    region: 黑龙江省/示例市/分页测试县
    url: {pager}/endless
    columns:
      - {{name: 通知公告, url: "{pager}/endless"}}
      - {{name: 政策文件, url: "{pager}/loop"}}
""", encoding="utf-8")
    db_path = tmp_path / "z.db"
    run_id, code = crawl(sites, db_path, settings={**DEMO_SETTINGS, "ZWGK_MAX_PAGES_PER_COLUMN": "50"})
    assert code == 0
    db = store.connect(db_path)
    assert db["runs"].get(run_id)["status"] == "finished"
    stats = {r["name"]: (r["entries"], r["pages"]) for r in db.query(
        "select c.name, r.entries, r.pages from column_runs r join columns c on c.id = r.column_id where r.run_id = ?",
        [run_id])}
    # /endless: pages 1..3 hold 15 entries; page 4 repeats page 3, so nothing past it is followed.
    assert stats["通知公告"] == (15, LAST + 1)
    # /loop: page 2 links back to page 1 under another URL (/loop?page=1); its entries were all seen,
    # so the walk ends there.
    assert stats["政策文件"] == (10, 3)
    assert db.execute("select count(*) from documents").fetchone()[0] == 25
