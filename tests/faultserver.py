"""Loopback portals that fail the way real ones do, one site per fault, for tests/test_faults.py.

Every site is its own host (127.0.0.N: Linux answers the whole 127/8 on loopback), so that a
redirect to another site is a redirect to another host and per-host limits stay per site. Each
site has an entry page naming two columns: 财政预决算 (``/xxgk/czyjs/``, where the site's fault is,
unless the fault is on the entry page) and 社会救助 (``/xxgk/shjz/``, a healthy column), each
with list pages of five dated entries and their detail pages.

    with FaultPortal() as portal:
        portal.sites_yaml()          # the sites config naming every site
        portal.base("captcha")       # http://127.0.0.3:PORT
"""
from __future__ import annotations

import gzip
import random
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

FAULTY, HEALTHY = "财政预决算", "社会救助"
COLUMNS = {"czyjs": FAULTY, "shjz": HEALTHY}
PAGES = 2           # list pages of a healthy column
PER_PAGE = 5
TITLE = {"czyjs": "关于{site}2026年财政预算执行情况的报告（第{n}号）",
         "shjz": "{site}2026年城乡最低生活保障资金发放公示（第{n}号）"}

# site id -> what is wrong with it (the fault lives in the 财政预决算 column unless said otherwise)
SITES = {
    "healthy": "nothing",
    "foreign": "another government's portal: the target of off-site redirects",
    "captcha": "the list page answers a 200 verification page (安全验证, 请输入验证码, form + image)",
    "offsite-list": "the list page redirects to another host",
    "offsite-entry": "the entry page redirects to another host",
    "offsite-detail": "one detail page redirects to another host",
    "gbk-as-utf8": "every page is GBK bytes declared UTF-8 in the header",
    "utf8-as-gbk": "every page is UTF-8 bytes declared GBK in the header and the meta tag",
    "garbage": "the list page is 200 KB of binary garbage served as text/html",
    "binary": "the list page is a binary file (application/octet-stream)",
    "deep": "the list is nested 10,000 elements deep",
    "selector": "the site's extract: selector matches nothing on the list page",
    "endless": "the pager never ends (more pages than ZWGK_MAX_PAGES_PER_COLUMN)",
    "storm": "the list page answers 503 every time",
    "reset": "the list page resets the connection",
    "drip": "every page of the site drips one byte at a time (timeouts)",
    "gzipbomb": "the list page is a gzip bomb (a few KB that inflate past DOWNLOAD_MAXSIZE)",
    "robots": "robots.txt disallows the disclosure pages",
}


def entry_page(site: str) -> str:
    links = "".join(f'<li><a href="/xxgk/{slug}/">{name}</a></li>' for slug, name in COLUMNS.items())
    return (f"<html><head><meta charset=\"utf-8\"><title>{site}县人民政府信息公开</title></head><body>"
            f"<div class=\"xxgkml\"><h3>信息公开目录</h3><ul>{links}</ul></div></body></html>")


def doc_title(site: str, slug: str, n: int) -> str:
    return TITLE[slug].format(site=SITE_NAMES.get(site, site), n=n)


SITE_NAMES = {"gbk-as-utf8": "甲县", "utf8-as-gbk": "乙县"}


def list_page(site: str, slug: str, page: int, pages: int = PAGES, next_href: str | None = None,
              newer: int = 0) -> str:
    """Page ``page`` of a column; ``newer`` entries published since push the others down the pages."""
    first = (page - 1) * PER_PAGE + 1 - newer
    items = "".join(
        f'<li><a href="/xxgk/{slug}/doc{n}.html" title="{doc_title(site, slug, n)}">{doc_title(site, slug, n)}</a>'
        f'<span>2026-05-{1 + n % 27:02d}</span></li>'
        for n in range(first, first + PER_PAGE))
    if next_href is None and page < pages:
        next_href = f"/xxgk/{slug}/index_{page}.html"
    pager = f'<div class="page"><a href="{next_href}">下一页</a></div>' if next_href else ""
    return (f"<html><head><meta charset=\"utf-8\"><title>{COLUMNS[slug]}</title></head><body>"
            f"<div class=\"list\"><ul>{items}</ul></div>{pager}</body></html>")


def detail_page(site: str, slug: str, n: int) -> str:
    title = doc_title(site, slug, n)
    return (f"<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>"
            f"<h1>{title}</h1><p>发布日期：2026-05-{1 + n % 27:02d}</p>"
            f"<div class=\"content\"><p>{title}。根据有关规定，现将有关情况公布如下，接受社会监督。</p></div>"
            f"</body></html>")


CAPTCHA = ("<html><head><meta charset=\"utf-8\"><title>安全验证</title></head><body>"
           "<div class=\"box\"><h2>安全验证</h2><p>您的访问过于异常，请输入验证码后继续访问。</p>"
           "<form method=\"post\" action=\"/verify\"><img src=\"/captcha.jpg?r=1\" alt=\"验证码\">"
           "<input type=\"text\" name=\"code\" placeholder=\"请输入验证码\"><button type=\"submit\">提交</button>"
           "</form></div></body></html>")


def deep_page(depth: int = 10_000) -> str:
    items = "".join(f'<li><a href="/xxgk/czyjs/doc{n}.html">{doc_title("deep", "czyjs", n)}</a>'
                    f'<span>2026-05-0{n}</span></li>' for n in range(1, 6))
    return ("<html><head><meta charset=\"utf-8\"><title>财政预决算</title></head><body>"
            + "<div>" * depth + f"<ul>{items}</ul>" + "</div>" * depth + "</body></html>")


def garbage(size: int = 200_000) -> bytes:
    return random.Random(10).randbytes(size)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "SiteServer"

    def log_message(self, *args):
        pass

    # -- answers ---------------------------------------------------------------------------------

    def send(self, body: bytes | str, content_type: str = "text/html; charset=utf-8", status: int = 200,
             headers: dict | None = None):
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def redirect(self, location: str, status: int = 302):
        self.send(b"", status=status, headers={"Location": location})

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        portal, site = self.server.portal, self.server.site
        path = urlsplit(self.path).path
        query = parse_qs(urlsplit(self.path).query)
        portal.hits[site] = portal.hits.get(site, 0) + 1
        if path == "/robots.txt":
            if site == "robots":
                return self.send("User-agent: *\nDisallow: /xxgk/\n", "text/plain")
            return self.send("User-agent: *\nAllow: /\n", "text/plain")
        if site == "drip":
            return self.drip()
        if site == "offsite-entry" and path == "/xxgk/":
            return self.redirect(portal.base("foreign") + "/xxgk/")
        if path in ("/xxgk/", "/xxgk/index.html"):
            return self.send(entry_page(site))
        parts = path.strip("/").split("/")
        if len(parts) < 2 or parts[0] != "xxgk" or parts[1] not in COLUMNS:
            return self.send("<html><body>404</body></html>", status=404)
        slug, leaf = parts[1], parts[2] if len(parts) > 2 else ""
        if leaf.startswith("doc"):
            n = int(leaf[3:].split(".")[0])
            if site == "offsite-detail" and slug == "czyjs" and n == 3:
                return self.redirect(portal.base("foreign") + f"/xxgk/{slug}/doc{n}.html")
            return self.page(detail_page(site, slug, n))
        page = int(leaf[len("index_"):].split(".")[0]) + 1 if leaf.startswith("index_") else 1
        if slug == "czyjs" and self.list_fault(page, query):
            return
        return self.page(list_page(site, slug, page))

    def page(self, html: str):
        site = self.server.site
        if site == "gbk-as-utf8":
            return self.send(html.replace('charset="utf-8"', "").encode("gbk"), "text/html; charset=utf-8")
        if site == "utf8-as-gbk":
            return self.send(html.replace('charset="utf-8"', 'charset="gbk"'), "text/html; charset=gbk")
        return self.send(html)

    def list_fault(self, page: int, query) -> bool:
        """Answer the faulty column's list page the faulty way; False when this site's fault is elsewhere."""
        site, portal = self.server.site, self.server.portal
        if site == "captcha":
            self.send(CAPTCHA)
        elif site == "offsite-list":
            self.redirect(portal.base("foreign") + "/xxgk/czyjs/")
        elif site == "garbage":
            self.send(garbage(), "text/html")
        elif site == "binary":
            self.send(garbage(20_000), "application/octet-stream")
        elif site == "deep":
            self.send(deep_page())
        elif site == "endless":
            self.page(list_page(site, "czyjs", page, pages=10_000, newer=portal.shift.get(site, 0)))
        elif site == "storm":
            self.send("<html><body><h1>503 Service Unavailable</h1></body></html>", status=503)
        elif site == "reset":
            # RST instead of an answer: SO_LINGER 0 then close.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
            self.close_connection = True
        elif site == "gzipbomb":
            self.send(portal.bomb, headers={"Content-Encoding": "gzip"})
        else:
            return False
        return True

    def drip(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "100000")
        self.end_headers()
        try:
            for _ in range(60):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.5)
                if self.server.portal.stopping.is_set():
                    break
        except OSError:
            pass
        self.close_connection = True


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, host: str, site: str, portal: "FaultPortal"):
        self.site, self.portal = site, portal
        super().__init__((host, 0), Handler)


class FaultPortal:
    def __init__(self, sites=tuple(SITES)):
        self.sites = list(sites)
        self.servers: dict[str, SiteServer] = {}
        self.hits: dict[str, int] = {}
        self.shift: dict[str, int] = {}   # site -> entries published since the first crawl
        self.stopping = threading.Event()
        self.bomb = gzip.compress(b"<html><body>" + b"\0" * (60 * 1024 * 1024), 9)

    def __enter__(self):
        for i, site in enumerate(self.sites):
            server = SiteServer(f"127.0.0.{i + 1}", site, self)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers[site] = server
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for server in self.servers.values():
            server.shutdown()
            server.server_close()

    def base(self, site: str) -> str:
        host, port = self.servers[site].server_address[:2]
        return f"http://{host}:{port}"

    def column_url(self, site: str, slug: str = "czyjs") -> str:
        return f"{self.base(site)}/xxgk/{slug}/"

    def sites_yaml(self, sites=None) -> str:
        out = ["sites:"]
        for site in sites or self.sites:
            if site == "foreign":
                continue  # not crawled itself: only the target of other sites' redirects
            out += [f"  - id: {site}", f"    name: {SITE_NAMES.get(site, site + '县')}人民政府", "    level: county",
                    f"    region: 黑龙江省/示例市/{site}县", f"    url: {self.base(site)}/xxgk/",
                    f"    catalog_areas: [{FAULTY}, {HEALTHY}]"]
            if site == "drip":
                # Configured columns, so that the site has more to ask than its entry page: after
                # ZWGK_HOST_TIMEOUTS timeouts in a row the rest is not asked at all.
                out += ["    columns:"] + [f"      - {{name: 栏目{i}, url: '{self.base(site)}/xxgk/c{i}/'}}"
                                           for i in range(1, 7)]
            if site == "selector":
                out += ["    extract:", '      entry: "ul.no-such-list li"']
        return "\n".join(out) + "\n"
