"""The crawl's evidence archive: every page read (entry, list and detail pages) as WARC records.

A finding is cited in a notice weeks after the crawl, when the portal may have fixed the page. The
archive keeps the page as it was fetched, in the standard format Heritrix, pywb and ReplayWeb.page
read (WARC 1.0, one gzip member per record), one file per run beside the store:
``zwgk-warc/run-N.warc.gz`` next to ``zwgk.db``. Each exchange is a request record and a response
record (WARC-Concurrent-To links them).

``WarcArchive`` is a Scrapy extension (EXTENSIONS in crawler/settings.py, off with
``-s ZWGK_WARC=False``): it listens to ``response_received``, so it sees the final answer after
redirects, retries and decompression, without touching the spider. Attachments are only probed
(HEAD, or the first bytes) and files (PDF, DOC) are not pages: only text answers of full GET/POST
requests are archived. After writing a record it sends ``record_archived`` with the index row; the
store pipeline, the crawl's one writer, stores it in ``warc_records``.

Bodies are archived as Scrapy holds them: transfer and content encodings already removed, so those
headers are dropped and Content-Length is the archived body's. Records are compressed at
``ZWGK_WARC_GZIP_LEVEL`` (6: warcio's default of 9 costs CPU for a few per cent of size).

The file's warcinfo record is built by warcio. The request and response records of each exchange
are laid out here, byte for byte as warcio's WARCWriter lays them out (the same headers in the same
order, its SHA-1 block and payload digests, its percent-encoding of a non-ASCII HTTP header value):
warcio's general record builder, with its header objects, streams and digesters, cost about a third
of a millisecond per exchange besides the compression, on every page of every crawl.
"""
from __future__ import annotations

import hashlib
import io
import logging
import os
import uuid
import zlib
from datetime import datetime, timezone
from http.client import responses as REASONS
from pathlib import Path
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, TextResponse

from crawler import store

logger = logging.getLogger(__name__)

# Sent after each archived response: record_archived(rows=[index row per URL of the exchange]).
record_archived = object()

DROPPED_HEADERS = {b"content-encoding", b"transfer-encoding", b"content-length"}


def warc_dir(db_path: str | os.PathLike) -> Path:
    """``<stem>-warc`` beside the store (``store.files_base``: the SQLite file, or ``./<database>``)."""
    base = store.files_base(db_path)
    return base.parent / f"{base.stem}-warc"


def warc_path(db_path: str | os.PathLike, run_id: int, task: str = "") -> Path:
    """A run's WARC file; a task of a distributed run (ZWGK_RUN_TASK) has its own, since workers write
    side by side and each file is appended to by one process."""
    return warc_dir(db_path) / (f"run-{run_id}-{task}.warc.gz" if task else f"run-{run_id}.warc.gz")


def record_file(db_path: str | os.PathLike, relative: str) -> Path:
    """The WARC file of an index row (``warc_records.file`` is relative to the store's folder)."""
    return store.files_base(db_path).parent / relative


def wanted(request, response) -> bool:
    """A page worth keeping: a text answer to a full GET or POST (not an attachment probe, not robots.txt)."""
    if request.method not in ("GET", "POST") or b"Range" in request.headers:
        return False
    if not isinstance(response, TextResponse):
        return False
    return not (request.meta.get("dont_obey_robotstxt") and urlsplit(request.url).path == "/robots.txt")


def _gzip_member(data: bytes, level: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(data) + compressor.flush()


def _header_pairs(headers, drop=()) -> list[tuple[str, str]]:
    pairs = []
    # Scrapy's Headers is a dict of each name (normalised) to its list of values, which its own
    # items() looks up again name by name.
    for name, values in (dict.items(headers) if isinstance(headers, Headers) else headers.items()):
        if name.lower() in drop:
            continue
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _sha1(digest) -> str:
    """A digest as warcio writes it: ``sha1:`` and the base32 of the hash (RFC 4648; 160 bits are 32
    characters, no padding). Not ``base64.b32encode``: pure Python before 3.13, about 25 us a call."""
    n = int.from_bytes(digest.digest(), "big")
    return "sha1:" + "".join([_BASE32[(n >> shift) & 31] for shift in range(155, -1, -5)])


def _record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _http_head(start_line: str, headers: list[tuple[str, str]]) -> bytes:
    """The HTTP start line and headers of a record's block, as warcio's StatusAndHeaders writes them:
    ASCII, a header value that is not ASCII percent-encoded by warcio itself (RFC 8187)."""
    text = start_line + "\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
    try:
        return text.encode("ascii")
    except UnicodeEncodeError:
        from warcio.statusandheaders import StatusAndHeaders

        return StatusAndHeaders(start_line, list(headers)).to_ascii_bytes()


class WarcFile:
    """One run's WARC file, appended to record by record; each record is its own gzip member, so any
    record can be read alone from its offset."""

    def __init__(self, path: Path, *, gzip_level: int = 6, software: str = "zwgk"):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.level = gzip_level
        from warcio.warcwriter import WARCWriter

        self.file = path.open("ab")
        self.buffer = io.BytesIO()
        self.builder = WARCWriter(self.buffer, gzip=False)   # builds records; we compress them
        if self.file.tell() == 0:
            info = self.builder.create_warcinfo_record(path.name, {
                "software": software, "format": "WARC File Format 1.0",
                "description": "zwgk: pages of government information-disclosure portals as fetched by the crawl",
            })
            self._write(info)

    def _write(self, record) -> tuple[int, int]:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.builder.write_record(record)
        return self._append(_gzip_member(self.buffer.getvalue(), self.level))

    def _append(self, member: bytes) -> tuple[int, int]:
        offset = self.file.tell()
        self.file.write(member)
        return offset, len(member)

    def _exchange_record(self, warc_type: str, target_uri: str, warc_date: str, record_id: str, http_head: bytes,
                         payload: bytes, concurrent_to: str | None = None) -> tuple[int, int]:
        """A request or response record, as warcio's WARCWriter writes it, as one gzip member."""
        block = hashlib.sha1(http_head)
        block.update(payload)
        lines = ["WARC/1.0", f"WARC-Date: {warc_date}", f"WARC-Type: {warc_type}", f"WARC-Record-ID: {record_id}",
                 f"WARC-Target-URI: {target_uri}", f"WARC-Payload-Digest: {_sha1(hashlib.sha1(payload))}"]
        if concurrent_to:
            lines.append(f"WARC-Concurrent-To: {concurrent_to}")
        lines += [f"WARC-Block-Digest: {_sha1(block)}", f"Content-Type: application/http; msgtype={warc_type}",
                  f"Content-Length: {len(http_head) + len(payload)}", "", ""]
        compressor = zlib.compressobj(self.level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        member = b"".join((compressor.compress("\r\n".join(lines).encode("utf-8")), compressor.compress(http_head),
                           compressor.compress(payload), compressor.compress(b"\r\n\r\n"), compressor.flush()))
        return self._append(member)

    def write_exchange(self, request, response, when: datetime) -> tuple[int, int, int]:
        """Write the request and response records of a Scrapy exchange; returns the request record's
        offset and the response record's offset and length."""
        return self.write_pair(
            request.method, request.url, _header_pairs(request.headers), request.body or b"",
            response.status, _header_pairs(response.headers, DROPPED_HEADERS), response.body, when,
            target_uri=response.url, protocol=getattr(response, "protocol", None) or "HTTP/1.1")

    def write_pair(self, method: str, url: str, request_headers: list, request_body: bytes, status: int,
                   response_headers: list, body: bytes, when: datetime, *, target_uri: str | None = None,
                   protocol: str = "HTTP/1.1") -> tuple[int, int, int]:
        """Write a request record and its response record (``body`` as the page's bytes)."""
        target_uri = target_uri or url
        status_line = f"{status} {REASONS.get(status, '')}".strip()
        warc_date = when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        parts = urlsplit(url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if not any(k.lower() == "host" for k, _ in request_headers):
            request_headers = [("Host", parts.netloc), *request_headers]
        response_id, request_id = _record_id(), _record_id()
        request_offset, _ = self._exchange_record(
            "request", target_uri, warc_date, request_id,
            _http_head(f"{method} {path} HTTP/1.1", request_headers), request_body, concurrent_to=response_id)
        offset, length = self._exchange_record(
            "response", target_uri, warc_date, response_id,
            _http_head(f"{protocol} {status_line}", [*response_headers, ("Content-Length", str(len(body)))]), body)
        # The index row is sent next: the bytes must be in the file (not only in our buffer) by then.
        self.file.flush()
        return request_offset, offset, length

    def close(self) -> None:
        self.file.close()


class WarcArchive:
    """The Scrapy extension: archives every page the crawl reads into the run's WARC file."""

    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.db_path = settings["ZWGK_DB"]
        self.level = settings.getint("ZWGK_WARC_GZIP_LEVEL")
        self.warc: WarcFile | None = None
        self.relative = None

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("ZWGK_WARC"):
            raise NotConfigured
        try:
            import warcio  # noqa: F401
        except ImportError:
            # An install from before the archive existed: crawl, and say plainly that nothing is archived.
            logger.error("evidence archive off: warcio is not installed (pip install -e . installs it); "
                         "findings of this run will name no archived page")
            raise NotConfigured("warcio is not installed") from None
        ext = cls(crawler)
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _open(self, spider) -> WarcFile | None:
        run_id = getattr(spider, "run_id", None)
        if not run_id:
            return None  # no run to file it under (the store pipeline is not in this crawl)
        path = warc_path(self.db_path, run_id, self.crawler.settings.get("ZWGK_RUN_TASK") or "")
        self.relative = f"{path.parent.name}/{path.name}"   # warc_records.file: relative to the store's folder
        self.warc = WarcFile(path, gzip_level=self.level, software=f"zwgk (Scrapy {scrapy.__version__})")
        return self.warc

    def response_received(self, response, request, spider):
        if not wanted(request, response):
            return
        warc = self.warc or self._open(spider)
        if warc is None:
            return
        when = datetime.now().astimezone()
        request_offset, offset, length = warc.write_exchange(request, response, when)
        base = {"run_id": spider.run_id, "target_uri": response.url, "file": self.relative, "offset": offset,
                "length": length, "request_offset": request_offset, "status": response.status,
                "content_type": (response.headers.get("Content-Type") or b"").decode("latin-1") or None,
                "fetched_at": when.isoformat(timespec="seconds")}
        urls = dict.fromkeys([*request.meta.get("redirect_urls", ()), request.url, response.url])
        self.crawler.signals.send_catch_log(signal=record_archived, rows=[{**base, "url": u} for u in urls])
        if self.crawler.stats:
            self.crawler.stats.inc_value("zwgk/warc_records")

    def spider_closed(self, spider):
        if self.warc is not None:
            self.warc.close()


# -- reading ------------------------------------------------------------------------------------

def parse_member(member: bytes) -> dict | None:
    """A response record as this archive writes it (one gzip member: WARC headers, HTTP status and
    headers, body), read without warcio's general parser: a report reads tens of thousands of them,
    and warcio's pure-Python header parsing costs about a millisecond each. None when the member is
    not such a record (another writer's layout): ``read_record`` then reads it with warcio."""
    try:
        data = zlib.decompress(member, zlib.MAX_WBITS | 16)
        head, _, block = data.partition(b"\r\n\r\n")
        lines = head.decode("utf-8").split("\r\n")
        if not lines[0].startswith("WARC/"):
            return None
        warc = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            warc[name.strip().lower()] = value.strip()
        block = block[:int(warc["content-length"])]
        if not warc.get("content-type", "").startswith("application/http"):
            return None
        http_head, _, body = block.partition(b"\r\n\r\n")
        http_lines = http_head.decode("latin-1").split("\r\n")
        headers = [tuple(part.strip() for part in line.split(":", 1)) for line in http_lines[1:] if ":" in line]
        return {"url": warc.get("warc-target-uri"), "date": warc.get("warc-date"), "type": warc.get("warc-type"),
                "status": int(http_lines[0].split()[1]), "headers": headers, "body": body}
    except (zlib.error, UnicodeDecodeError, KeyError, ValueError, IndexError):
        return None


def read_record(path: str | os.PathLike, offset: int, length: int | None = None, *, fh=None) -> dict:
    """The archived response at ``offset`` of a WARC file: {url, date, type, status, headers, body (bytes)}.
    ``fh``: the file already open (reading many records of one file)."""
    from warcio.archiveiterator import ArchiveIterator

    own = fh is None
    fh = open(path, "rb") if own else fh
    try:
        fh.seek(offset)
        data = fh.read(length) if length else None
        if data is not None:
            record = parse_member(data)
            if record is not None:
                return record
            fh.seek(offset)
        stream = io.BytesIO(data) if data is not None else fh
        for record in ArchiveIterator(stream):
            http = record.http_headers
            return {
                "url": record.rec_headers.get_header("WARC-Target-URI"),
                "date": record.rec_headers.get_header("WARC-Date"),
                "type": record.rec_type,
                "status": int(http.get_statuscode()) if http else None,
                "headers": list(http.headers) if http else [],
                "body": record.content_stream().read(),
            }
    finally:
        if own:
            fh.close()
    raise ValueError(f"{path}: no WARC record at offset {offset}")


def record_text(record: dict, content_type: str | None = None) -> str:
    """An archived page's text, decoded as the crawl decoded it (the project's one decoder):
    ``content_type`` as indexed, else the record's own Content-Type header."""
    from crawler.extraction.encoding import decode_html

    content_type = content_type or next((v for k, v in record["headers"] if k.lower() == "content-type"), None)
    return decode_html(record["body"], content_type)
