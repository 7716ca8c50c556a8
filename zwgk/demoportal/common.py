"""Shared pieces of the demo sites: the response type, HTML helpers and the small static assets."""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from html import escape

UTF8_HTML = "text/html; charset=utf-8"


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = UTF8_HTML
    headers: list[tuple[str, str]] = field(default_factory=list)


def esc(text) -> str:
    return escape("" if text is None else str(text), quote=True)


def truncate(title: str, limit: int, tail: str) -> str:
    """Link text as a CMS cuts it: the first `limit` characters plus an ellipsis."""
    return title if len(title) <= limit else title[:limit] + tail


def not_found_html(site_name: str, home: str) -> str:
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>404 页面不存在</title></head>
<body style="text-align:center;font-family:SimSun">
<div class="error-page"><h2>抱歉，您访问的页面不存在或已被删除！</h2>
<p>请检查您输入的网址是否正确，或 <a href="{home}">返回{esc(site_name)}首页</a>。</p></div>
</body></html>"""


SERVER_ERROR_HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>500 Internal Server Error</title></head>
<body><center><h1>500 Internal Server Error</h1></center><hr><center>nginx</center></body></html>"""

# --- assets: tiny but well-formed bytes, so browsers and link checkers get a 200 --------------------

GIF_1PX = bytes.fromhex("47494638396101000100800000ffffff00000021f90401000000002c00000000010001000002024401003b")

CSS = b"body{margin:0;font:14px/1.8 'Microsoft YaHei',SimSun,sans-serif}a{color:#333;text-decoration:none}" \
      b".w1200{width:1200px;margin:0 auto}.date,.list span{float:right;color:#999}"

JS_STUB = b"/* demo portal: script intentionally minimal */\n"

ASSET_TYPES = {
    ".css": ("text/css", CSS),
    ".js": ("application/javascript", JS_STUB),
    ".gif": ("image/gif", GIF_1PX),
    ".png": ("image/gif", GIF_1PX),
    ".jpg": ("image/gif", GIF_1PX),
    ".ico": ("image/x-icon", GIF_1PX),
}


def asset(path: str) -> Response | None:
    for ext, (ctype, body) in ASSET_TYPES.items():
        if path.endswith(ext):
            return Response(200, body, ctype)
    return None


ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "doc": "application/msword",
}


def attachment_bytes(url_path: str, label: str) -> tuple[bytes, str]:
    """Small deterministic bytes for an attachment: a one-page PDF or a zip container."""
    ext = url_path.rsplit(".", 1)[-1].lower()
    digest = hashlib.sha1(url_path.encode()).hexdigest()
    if ext == "pdf":
        text = f"demo attachment {digest[:12]}"
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
        objs = [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        out = io.BytesIO()
        out.write(b"%PDF-1.4\n")
        offsets = []
        for i, obj in enumerate(objs, 1):
            offsets.append(out.tell())
            out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1))
        for off in offsets:
            out.write(b"%010d 00000 n \n" % off)
        out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref))
        return out.getvalue(), ATTACHMENT_TYPES["pdf"]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        info = zipfile.ZipInfo("content.txt", date_time=(2026, 6, 30, 0, 0, 0))
        zf.writestr(info, f"{label}\n{digest}\n".encode("utf-8"))
    return buf.getvalue(), ATTACHMENT_TYPES.get(ext, "application/octet-stream")
