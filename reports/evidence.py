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

import mmap
import os
from functools import lru_cache
from pathlib import Path

from checks.zh import beijing_time
from crawler import store
from crawler.archive import read_record, record_file, record_text
from reports.common import ReportError, escape

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
EVIDENCE_DIR = "evidence"
RECORD_SQL = """
select w.id, w.run_id, w.url, w.target_uri, w.file, w."offset", w.length, w.request_offset, w.status,
       w.content_type, w.fetched_at
from warc_records w where w.id = ?
"""


def db_path_of(db) -> Path:
    """What an open store's files are named after (warc_records.file is relative to its folder)."""
    return store.files_base_of(db)


RECORD_KEYS = ("id", "run_id", "url", "target_uri", "file", "offset", "length", "request_offset", "status",
               "content_type", "fetched_at")


def record_row(db, record_id: int) -> dict | None:
    row = db.execute(RECORD_SQL, [record_id]).fetchone()
    return dict(zip(RECORD_KEYS, row)) if row else None


def load_record(db, record_id: int, db_path: str | os.PathLike | None = None) -> tuple[dict, dict]:
    """(index row, archived record) of ``warc_records.id``; ReportError when it cannot be read."""
    row = record_row(db, record_id)
    if row is None:
        raise ReportError(f"数据库中没有编号为 {record_id} 的存档记录")
    path = record_file(db_path or db_path_of(db), row["file"])
    try:
        record = read_record(path, row["offset"], row["length"])
    except FileNotFoundError:
        raise ReportError(f"{path}：找不到 WARC 存档文件（应与数据库放在同一目录下）") from None
    except Exception as exc:  # a damaged or truncated file: say which record could not be read
        raise ReportError(f"{path}：偏移 {row['offset']} 处的存档记录无法读取：{exc}") from None
    return row, record


def page_text(row: dict, record: dict) -> str:
    return record_text(record, row.get("content_type"))


STYLE = """
body { margin: 0; font: 14px/1.5 "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; color: #1f2328; }
section { border-bottom: 4px solid #d0d7de; }
header { padding: 10px 16px; background: #f6f8fa; border-bottom: 1px solid #d0d7de; }
h1 { font-size: 16px; margin: 0 0 6px; }
table { border-collapse: collapse; }
th { text-align: left; padding: 1px 12px 1px 0; font-weight: normal; color: #59636e; white-space: nowrap; }
td { word-break: break-all; }
p.note { margin: 6px 0 0; color: #59636e; font-size: 12px; }
iframe { display: block; width: 100%; height: calc(100vh - 170px); min-height: 480px; border: 0; }
@media print { iframe { height: auto; min-height: 1200px; } section { break-after: page; } }
"""


@lru_cache(maxsize=4096)
def _fetch_time(value: str) -> str:
    return beijing_time(value)   # one per archived page, and pages of a run share their few seconds


def _section(row: dict, record: dict, title: str | None = None) -> str:
    """One archived page: its fetch details and the page itself in a script-less sandbox."""
    text = page_text(row, record)
    inner = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n{text}'
    esc = escape
    redirected = row["target_uri"] and row["target_uri"] != row["url"]
    lines = [
        ("页面地址", esc(row["url"])),
        *([("跳转后地址", esc(row["target_uri"]))] if redirected else []),
        ("抓取时间", esc(_fetch_time(row["fetched_at"] or ""))),
        ("HTTP 状态", esc(str(row["status"] or ""))),
        ("存档记录", f"{esc(row['file'])}，偏移 {row['offset']}（第 {row['run_id']} 次采集，WARC 格式）"),
    ]
    meta = "\n".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in lines)
    return f"""<section id="r{int(row['id'])}">
<header>
<h1>{esc(title or "存档页面")}</h1>
<table>
{meta}
</table>
<p class="note">以下为采集时保存的页面原文（离线存档副本，页面脚本未运行，外部图片和样式未加载）。</p>
</header>
<iframe sandbox title="存档页面" srcdoc="{esc(inner, quote=True)}"></iframe>
</section>
"""


def _page(sections: list[str], title: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
{"".join(sections)}</body>
</html>
"""


def offline_view(row: dict, record: dict, *, title: str | None = None) -> str:
    """The self-contained, sandboxed HTML view of one archived page."""
    return _page([_section(row, record, title)], title or "存档页面")


# Views per file in a report: one file per archived page would be tens of thousands of files for a
# province; a bundle of pages (each its own sandboxed frame) is opened at the page's anchor.
VIEWS_PER_FILE = 25


def view_href(number: int, record_id: int) -> str:
    return f"{EVIDENCE_DIR}/p{number // VIEWS_PER_FILE + 1}.html#r{int(record_id)}"


def index_rows(db, record_ids) -> list[dict]:
    """The index rows (``warc_records``) of ``record_ids``, in id order."""
    ids = sorted({int(r) for r in record_ids if r is not None})
    rows = []
    for chunk in range(0, len(ids), 500):
        part = ids[chunk:chunk + 500]
        rows += [dict(zip(RECORD_KEYS, r)) for r in db.execute(
            RECORD_SQL.replace("w.id = ?", f"w.id in ({','.join('?' * len(part))})"), part)]
    return sorted(rows, key=lambda row: row["id"])


def run_index_rows(db, run_id: int) -> list[dict]:
    """``index_rows`` of the records the findings of ``run_id`` cite, in one query: what a report of
    the run links, bar the few records of findings fixed since the previous run."""
    sql = RECORD_SQL.replace("w.id = ?", "w.id in (select record_id from findings where run_id = ?)")
    return sorted((dict(zip(RECORD_KEYS, r)) for r in db.execute(sql, [run_id])), key=lambda row: row["id"])


def read_views(base: str | os.PathLike, rows: list[dict]) -> list[tuple[dict, dict]]:
    """(index row, record) of each of ``index_rows``' records that can be read, in id order: the views
    a report links (a record that cannot be read gets no view, and its finding no link). ``base``: what
    the store's files are named after (``db_path_of``); each WARC file is read once, in offset order.
    Reads no database: a report's helper process reads the archive while the report goes on."""
    by_file, views = {}, []
    for row in rows:
        by_file.setdefault(row["file"], []).append(row)
    for name, group in by_file.items():
        path = record_file(base, name)
        try:
            fh = open(path, "rb")
        except OSError:
            continue  # the archive of that run is not beside the store: no view, the finding says so
        with fh:
            try:
                # Mapped: tens of thousands of records read without a seek and a read call each.
                source = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):   # an empty file cannot be mapped: read it as a file
                source = fh
            for row in sorted(group, key=lambda r: r["offset"]):
                try:
                    views.append((row, read_record(path, row["offset"], row["length"], fh=source)))
                except Exception:  # a damaged record: no view for it
                    continue
            if source is not fh:
                source.close()
    return sorted(views, key=lambda item: item[0]["id"])


def view_links(views: list[tuple[dict, dict]]) -> dict[int, str]:
    """{record_id: relative link} of ``read_views``' views as ``write_view_files`` writes them."""
    return {row["id"]: view_href(number, row["id"]) for number, (row, _) in enumerate(views)}


def write_view_files(views: list[tuple[dict, dict]], out_dir: str | os.PathLike) -> list[str]:
    """Write ``read_views``' views into ``out_dir/evidence/`` (bundles of ``VIEWS_PER_FILE``);
    returns the names written (relative to ``out_dir``)."""
    files = []
    if views:
        (Path(out_dir) / EVIDENCE_DIR).mkdir(parents=True, exist_ok=True)
    for start in range(0, len(views), VIEWS_PER_FILE):
        part = views[start:start + VIEWS_PER_FILE]
        name = view_href(start, part[0][0]["id"]).split("#")[0]
        (Path(out_dir) / name).write_text(_page([_section(row, record) for row, record in part], "存档页面"),
                                          encoding="utf-8")
        files.append(name)
    return files


def write_views(db, record_ids, out_dir: str | os.PathLike) -> dict[int, str]:
    """Write the offline views of the archived records into ``out_dir/evidence/`` and remove the
    views of an earlier report there; returns {record_id: relative link} of the views written."""
    views = read_views(db_path_of(db), index_rows(db, record_ids))
    remove_stale_views(out_dir, write_view_files(views, out_dir))
    return view_links(views)


def remove_stale_views(out_dir: str | os.PathLike, keep) -> None:
    """Views an earlier report wrote into the same folder that this one does not link."""
    keep = {Path(name).name for name in keep}
    folder = Path(out_dir) / EVIDENCE_DIR
    if folder.is_dir():
        for stale in folder.glob("*.html"):
            if stale.name not in keep:
                stale.unlink()


def finding_evidence(db, finding_id: int, fmt: str = "view") -> tuple[dict, bytes]:
    """(index row, bytes) of the archived page finding ``finding_id`` rests on: ``view`` (the offline
    HTML view), ``page`` (the body as fetched) or ``warc`` (its request and response records)."""
    row = db.execute("select id, rule, message, page_url, record_id from findings where id = ?", [finding_id]).fetchone()
    if row is None:
        raise ReportError(f"数据库中没有编号为 {finding_id} 的问题（编号见 zwgk findings 或导出表的“编号”列）")
    if row[4] is None:
        page = f"（{row[3]}）" if row[3] else ""
        raise ReportError(f"问题 {finding_id} 所依据的页面{page}没有存档（采集时未启用 WARC 存档，或该页面未被抓取）")
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


def archive_lines(finding: dict) -> list[str]:
    """HTML lines of a finding's evidence cell: the link to its archived page with the fetch time, and
    how long it has stood (first found, runs in a row, fixed)."""
    lines = []
    href, fetched = finding.get("archive_href"), finding.get("page_fetched_at")
    if href:
        when = f"（抓取于 {escape(_fetch_time(fetched))}）" if fetched else ""
        lines.append(f'<div class="sub archive"><a href="{escape(href)}">存档页面</a>{when}</div>')
    text = persistence_text(finding)
    if text:
        lines.append(f'<div class="sub persistence">{escape(text)}</div>')
    return lines


def persistence_text(finding: dict) -> str:
    """'首次发现于第 3 次采集，已连续 2 次检查发现' / '…，第 5 次采集时已整改'."""
    first, streak, fixed = finding.get("first_run"), finding.get("streak"), finding.get("fixed_run")
    if not first:
        return ""
    text = f"首次发现于第 {first} 次采集"
    if streak and streak > 1:
        text += f"，已连续 {streak} 次检查发现"
    if fixed:
        text += f"，第 {fixed} 次采集时已整改"
    return text
