"""Offline views of archived evidence pages: a finding's page as the crawl fetched it, out of the run's
WARC file (crawler/archive.py), readable with no network and no risk.

The view is one self-contained HTML file: a header naming the URL, the fetch time (Beijing time),
the HTTP status and the WARC record (file and offset), and the archived page itself in an
``<iframe sandbox srcdoc=…>``: a sandbox without ``allow-scripts`` never runs the portal's scripts,
and a Content-Security-Policy (in the view and inside the page) loads nothing from the network, so
opening it neither executes nor phones home. Links and styles the page fetched separately are not
in the archive: the page shows as its HTML text, which is what a finding cites.
"""
from __future__ import annotations

import html
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from crawler.archive import read_record, record_file
from crawler.extraction.encoding import decode_html
from reports.common import ReportError

BEIJING = timezone(timedelta(hours=8))
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
EVIDENCE_DIR = "evidence"
RECORD_SQL = """
select w.id, w.run_id, w.url, w.target_uri, w.file, w.offset, w.length, w.request_offset, w.status,
       w.content_type, w.fetched_at
from warc_records w where w.id = ?
"""


def db_path_of(db) -> Path:
    """The file of an open store (warc_records.file is relative to its folder)."""
    return Path(db.execute("PRAGMA database_list").fetchone()[2])


def beijing_time(value: str | None) -> str:
    """An ISO timestamp as '2026年6月30日 10:15（北京时间）'."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    moment = moment.astimezone(BEIJING)
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}（北京时间）"


def record_row(db, record_id: int) -> dict | None:
    row = db.execute(RECORD_SQL, [record_id]).fetchone()
    if row is None:
        return None
    keys = ("id", "run_id", "url", "target_uri", "file", "offset", "length", "request_offset", "status",
            "content_type", "fetched_at")
    return dict(zip(keys, row))


def load_record(db, record_id: int, db_path: str | os.PathLike | None = None) -> tuple[dict, dict]:
    """(index row, archived record) of ``warc_records.id``; ReportError when it cannot be read."""
    row = record_row(db, record_id)
    if row is None:
        raise ReportError(f"no archived page {record_id} in the database")
    path = record_file(db_path or db_path_of(db), row["file"])
    try:
        record = read_record(path, row["offset"], row["length"])
    except FileNotFoundError:
        raise ReportError(f"{path}: WARC file not found (it is kept beside the database)") from None
    except Exception as exc:  # a damaged or truncated file: say which record could not be read
        raise ReportError(f"{path}: cannot read the record at offset {row['offset']}: {exc}") from None
    return row, record


def page_text(row: dict, record: dict) -> str:
    content_type = row.get("content_type") or next(
        (v for k, v in record["headers"] if k.lower() == "content-type"), None)
    return decode_html(record["body"], content_type)


def offline_view(row: dict, record: dict, *, title: str | None = None) -> str:
    """The self-contained, sandboxed HTML view of one archived page."""
    text = page_text(row, record)
    inner = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n{text}'
    esc = html.escape
    redirected = row["target_uri"] and row["target_uri"] != row["url"]
    lines = [
        ("页面地址", esc(row["url"])),
        *([("跳转后地址", esc(row["target_uri"]))] if redirected else []),
        ("抓取时间", esc(beijing_time(row["fetched_at"]))),
        ("HTTP 状态", esc(str(row["status"] or ""))),
        ("存档记录", f"{esc(row['file'])}，偏移 {row['offset']}（第 {row['run_id']} 次采集，WARC 格式）"),
    ]
    meta = "\n".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in lines)
    heading = esc(title or "存档页面")
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading}</title>
<style>
body {{ margin: 0; font: 14px/1.5 "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #1f2328; }}
header {{ padding: 10px 16px; background: #f6f8fa; border-bottom: 1px solid #d0d7de; }}
h1 {{ font-size: 16px; margin: 0 0 6px; }}
table {{ border-collapse: collapse; }}
th {{ text-align: left; padding: 1px 12px 1px 0; font-weight: normal; color: #59636e; white-space: nowrap; }}
td {{ word-break: break-all; }}
p.note {{ margin: 6px 0 0; color: #59636e; font-size: 12px; }}
iframe {{ display: block; width: 100%; height: calc(100vh - 170px); min-height: 480px; border: 0; }}
@media print {{ iframe {{ height: auto; min-height: 1200px; }} }}
</style>
</head>
<body>
<header>
<h1>{heading}</h1>
<table>
{meta}
</table>
<p class="note">以下为采集时保存的页面原文（离线存档副本，页面脚本未运行，外部图片和样式未加载）。</p>
</header>
<iframe sandbox title="存档页面" srcdoc="{esc(inner, quote=True)}"></iframe>
</body>
</html>
"""


def view_name(record_id: int) -> str:
    return f"{EVIDENCE_DIR}/{int(record_id)}.html"


def write_views(db, record_ids, out_dir: str | os.PathLike) -> dict[int, str]:
    """Write the offline view of each archived record into ``out_dir/evidence/``; returns
    {record_id: relative path} of the views written (records that cannot be read are left out)."""
    out = Path(out_dir) / EVIDENCE_DIR
    ids = sorted({int(r) for r in record_ids if r is not None})
    written = {}
    if not ids:
        return written
    out.mkdir(parents=True, exist_ok=True)
    db_path = db_path_of(db)
    for record_id in ids:
        try:
            row, record = load_record(db, record_id, db_path)
        except ReportError:
            continue
        name = view_name(record_id)
        (Path(out_dir) / name).write_text(offline_view(row, record), encoding="utf-8")
        written[record_id] = name
    return written


def finding_evidence(db, finding_id: int, fmt: str = "view") -> tuple[dict, bytes]:
    """(index row, bytes) of the archived page finding ``finding_id`` rests on: ``view`` (the offline
    HTML view), ``page`` (the body as fetched) or ``warc`` (its request and response records)."""
    row = db.execute("select id, rule, message, page_url, record_id from findings where id = ?", [finding_id]).fetchone()
    if row is None:
        raise ReportError(f"no finding {finding_id} in the database (see 'zwgk findings')")
    if row[4] is None:
        page = f"（{row[3]}）" if row[3] else ""
        raise ReportError(f"finding {finding_id}: no archived copy of its page{page} in the database "
                          "(crawled without the WARC archive, or the page was not fetched)")
    index, record = load_record(db, row[4])
    if fmt == "page":
        return index, record["body"]
    if fmt == "warc":
        return index, warc_bytes(db, index)
    return index, offline_view(index, record, title=row[2]).encode("utf-8")


def warc_bytes(db, index: dict) -> bytes:
    """The request and response records, copied as they lie in the run's file (gzip members, so the
    bytes are a valid .warc.gz on their own)."""
    path = record_file(db_path_of(db), index["file"])
    start = index["request_offset"] if index["request_offset"] is not None else index["offset"]
    with open(path, "rb") as fh:
        fh.seek(start)
        return fh.read(index["offset"] + index["length"] - start)
