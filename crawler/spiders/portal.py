"""The one generic spider: a portal's disclosure entry page -> its columns -> list pages -> detail pages.

No per-site code: what differs between portals is handled by the extraction functions, and what
they miss by the optional ``extract:`` selectors of a site in the sites config.

    scrapy crawl portal -a sites=sites.yaml [-a only=site-id,other-id] [-s ZWGK_DB=zwgk.db]
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urldefrag, urlparse

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import TextResponse

from crawler.errors import classify
from crawler.extraction.columns import discover_columns
from crawler.extraction.detail import extract_detail
from crawler.extraction.listing import extract_entries
from crawler.extraction.pagination import next_pages
from crawler.items import ColumnItem, DocumentItem, FetchErrorItem, ListingItem, SiteItem
from crawler.sites import ConfigError, Site, load_sites


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _text(response) -> str | None:
    """Decoded text of an HTML/XML/JSON answer; None for a PDF or other binary document."""
    if not isinstance(response, TextResponse):
        return None
    return response.text


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, sites: str | None = None, run_id: str | None = None, only: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sites_file = sites
        self.run_id = int(run_id) if run_id else None
        self.config_error = None
        try:
            if not sites:
                raise ConfigError("no sites config given (scrapy crawl portal -a sites=FILE)")
            self.sites = load_sites(sites)
            if only:
                wanted = {s.strip() for s in only.split(",") if s.strip()}
                unknown = wanted - {s.id for s in self.sites}
                if unknown:
                    raise ConfigError(f"{sites}: no site with id '{sorted(unknown)[0]}'")
                self.sites = [s for s in self.sites if s.id in wanted]
        except ConfigError as exc:
            self.config_error = str(exc)
            self.sites = []
        self.allowed_domains = sorted({d for s in self.sites for d in s.domains})
        # Per (site, column URL): list-page requests already sent, entry URLs seen, pages parsed.
        self.column_requests: dict[tuple[str, str], set] = {}
        self.column_seen: dict[tuple[str, str], set] = {}
        self.column_pages: dict[tuple[str, str], int] = {}
        self.today = datetime.now().date()

    async def start(self):
        if self.config_error:
            self.logger.error(self.config_error)
            raise CloseSpider("config-error")
        for site in self.sites:
            yield scrapy.Request(
                site.url, callback=self.parse_entry, errback=self.entry_failed,
                cb_kwargs={"site": site}, dont_filter=True,
            )

    # -- entry page -> columns -----------------------------------------------------------------

    def _site_item(self, site: Site, status="ok", error=None) -> SiteItem:
        return SiteItem(site.id, site.name, site.level, site.region, site.url, site.as_config(), status, error)

    def parse_entry(self, response, site: Site):
        if site.columns:
            columns = [{"name": c.name, "url": c.url, "path": c.name, "catalog": c.catalog, "source": "config"}
                       for c in site.columns]
        else:
            text = _text(response) or ""
            columns = [c for c in discover_columns(text, response.url) if self._on_site(site, c["url"])]
        if not columns:
            message = "信息公开入口页上未发现栏目"
            yield self._site_item(site, "error", message)
            yield FetchErrorItem(site.id, response.url, "entry", "no-columns", message, response.status)
            return
        yield self._site_item(site)
        yield from self._crawl_columns(site, columns)

    def entry_failed(self, failure):
        site: Site = failure.request.cb_kwargs["site"]
        kind, status, message = classify(failure)
        self.logger.warning("site %s unreachable: %s (%s)", site.id, message, site.url)
        yield self._site_item(site, "error", f"信息公开入口页无法访问：{message}")
        yield FetchErrorItem(site.id, site.url, "entry", kind, message, status)
        # Configured columns may still answer when only the entry page is broken.
        if site.columns:
            yield from self._crawl_columns(site, [
                {"name": c.name, "url": c.url, "path": c.name, "catalog": c.catalog, "source": "config"}
                for c in site.columns
            ])

    def _crawl_columns(self, site: Site, columns: list[dict]):
        for col in columns:
            url = urldefrag(col["url"])[0]
            yield ColumnItem(site.id, url, col["name"], col.get("path") or col["name"],
                             col.get("catalog"), col.get("source", "discovered"))
            key = (site.id, url)
            self.column_requests.setdefault(key, set())
            self.column_seen.setdefault(key, set())
            self.column_pages.setdefault(key, 0)
            yield from self._list_request(site, url, scrapy.Request(url))

    # -- list pages ----------------------------------------------------------------------------

    def _on_site(self, site: Site, url: str) -> bool:
        return urlparse(url).scheme in ("http", "https") and urlparse(url).hostname in site.domains

    def _list_request(self, site: Site, column_url: str, request: scrapy.Request):
        key = (site.id, column_url)
        fingerprint = (request.method, request.url, request.body)
        if fingerprint in self.column_requests[key] or not self._on_site(site, request.url):
            return
        if len(self.column_requests[key]) >= self.settings.getint("ZWGK_MAX_PAGES_PER_COLUMN"):
            self.logger.warning("column %s: stopped at %d pages", column_url, len(self.column_requests[key]))
            return
        self.column_requests[key].add(fingerprint)
        yield request.replace(
            callback=self.parse_list, errback=self.list_failed, dont_filter=True,
            cb_kwargs={"site": site, "column_url": column_url},
        )

    def parse_list(self, response, site: Site, column_url: str):
        key = (site.id, column_url)
        self.column_pages[key] += 1
        text = _text(response) or ""
        seen = self.column_seen[key]
        new = 0
        for entry in extract_entries(text, response.url, overrides=site.extract or None):
            url = urldefrag(entry["url"])[0]
            if url in seen:
                continue
            seen.add(url)
            new += 1
            yield ListingItem(site.id, column_url, url, entry.get("title"), _iso(entry.get("date")))
            if self._on_site(site, url):
                yield scrapy.Request(
                    url, callback=self.parse_detail, errback=self.detail_failed,
                    cb_kwargs={"site": site, "column_url": column_url, "entry": {**entry, "url": url}},
                )
        # A page with nothing new is a pager looping back (or a "page 999" that repeats the last
        # page): following its links again could only repeat.
        if not new:
            return
        for page in next_pages(text, response.url, overrides=site.extract or None):
            if page.method == "POST":
                request = scrapy.FormRequest(page.url, formdata=list(page.formdata or ()))
            else:
                request = scrapy.Request(page.url)
            yield from self._list_request(site, column_url, request)

    def list_failed(self, failure):
        kwargs = failure.request.cb_kwargs
        kind, status, message = classify(failure)
        yield FetchErrorItem(kwargs["site"].id, failure.request.url, "list", kind, message, status, kwargs["column_url"])

    # -- detail pages --------------------------------------------------------------------------

    def parse_detail(self, response, site: Site, column_url: str, entry: dict):
        fetched_at = datetime.now().astimezone().isoformat(timespec="seconds")
        list_date = _iso(entry.get("date"))
        text = _text(response)
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        if text is None:
            # The list links straight to a file (PDF, DOC): the list is all we know of it.
            yield DocumentItem(
                site.id, column_url, entry["url"], entry.get("title"), list_title=entry.get("title"),
                list_date=list_date, published=list_date, date_source="list" if list_date else None,
                http_status=response.status, content_type=content_type, fetched_at=fetched_at,
            )
            return
        data = extract_detail(text, response.url, fetched_at=self.today, overrides=site.extract or None)
        fields = data["fields"]
        published, date_source = _iso(fields.get("published")), data.get("date_source")
        if not published and list_date:
            published, date_source = list_date, "list"
        yield DocumentItem(
            site.id, column_url, entry["url"], fields.get("title") or entry.get("title"),
            list_title=entry.get("title"), list_date=list_date, published=published,
            written=_iso(fields.get("written")), doc_number=fields.get("doc_number"),
            index_number=fields.get("index_number"), publisher=fields.get("publisher"),
            category=fields.get("category"), column_meta=data.get("column_name"), date_source=date_source,
            body=data.get("body"), attachments=data.get("attachments") or [], http_status=response.status,
            content_type=content_type, fetched_at=fetched_at,
        )
        for attachment in data.get("attachments") or []:
            if self._on_site(site, attachment["url"]):
                yield scrapy.Request(
                    attachment["url"], method="HEAD", callback=self.attachment_ok, errback=self.attachment_failed,
                    cb_kwargs={"site": site, "column_url": column_url},
                )

    def attachment_ok(self, response, site: Site, column_url: str):
        return ()

    def attachment_failed(self, failure):
        kwargs = failure.request.cb_kwargs
        kind, status, message = classify(failure)
        if status in (405, 501) and failure.request.method == "HEAD":
            # Some servers refuse HEAD: ask for the first bytes instead.
            yield failure.request.replace(method="GET", headers={"Range": "bytes=0-1023"}, dont_filter=True)
            return
        if kind == "too-large":
            return  # it answered with content: the link works
        yield FetchErrorItem(kwargs["site"].id, failure.request.url, "attachment", kind, message, status,
                             kwargs["column_url"])

    def detail_failed(self, failure):
        kwargs = failure.request.cb_kwargs
        site, entry = kwargs["site"], kwargs["entry"]
        kind, status, message = classify(failure)
        yield FetchErrorItem(site.id, entry["url"], "detail", kind, message, status, kwargs["column_url"])
        if status:
            yield DocumentItem(
                site.id, kwargs["column_url"], entry["url"], entry.get("title"), list_title=entry.get("title"),
                list_date=_iso(entry.get("date")), http_status=status,
                fetched_at=datetime.now().astimezone().isoformat(timespec="seconds"),
            )
