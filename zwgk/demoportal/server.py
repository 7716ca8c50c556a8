"""The demo portal's HTTP server: a quiet ThreadingHTTPServer in a daemon thread."""
from __future__ import annotations

import threading
import traceback
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

from .common import SERVER_ERROR_HTML, Response
from .portal import DemoPortal


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # The headers and the body go out in two writes: with Nagle's algorithm on, the body waits for the
    # client's delayed ACK of the headers (~40 ms on Linux), so each answer on a kept-alive connection
    # took ~45 ms whatever its size and a crawl of the demo portal mostly waited on it.
    disable_nagle_algorithm = True
    server_version = "nginx"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - quiet: no request logging to stderr
        pass

    def _respond(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        try:
            resp = self.server.portal.handle(method, self.path, body, dict(self.headers.items()))
        except Exception:  # a bug in the demo portal: answer 500 and say why on stderr
            traceback.print_exc()
            resp = Response(500, SERVER_ERROR_HTML.encode())
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.content_type)
        self.send_header("Content-Length", str(len(resp.body)))
        for name, value in resp.headers:
            self.send_header(name, value)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(resp.body)

    def do_GET(self):
        self._respond("GET")

    def do_HEAD(self):
        self._respond("HEAD")

    def do_POST(self):
        self._respond("POST")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    portal: DemoPortal


@contextmanager
def serve(portal: DemoPortal | None = None, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve `portal` (a fresh ``DemoPortal()`` if None) and yield its base URL, e.g. http://127.0.0.1:43123.

    The server runs in a daemon thread and is shut down when the block exits.
    """
    server = _Server((host, port), _Handler)
    server.portal = portal if portal is not None else DemoPortal()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="zwgk-demoportal", daemon=True)
    thread.start()
    shown_host = "127.0.0.1" if host in ("", "0.0.0.0") else host
    try:
        yield f"http://{shown_host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
