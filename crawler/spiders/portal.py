"""The one generic spider: a portal's disclosure entry page -> its columns -> list pages -> detail pages.

No per-site code: what differs between portals is handled by the extraction functions, and what
they miss by the optional ``extract:`` selectors of a site in the sites config.

    scrapy crawl portal -a sites=sites.yaml [-a only=site-id,other-id] [-s ZWGK_DB=zwgk.db]

Recrawls are incremental (see ``crawler.recrawl``): a column already read is paged one list page at
a time until a page holds only known entries, known detail pages are fetched again only when due
(ZWGK_REVISIT_DAYS), and answers that are block pages (``crawler.blocking``) are recorded as fetch
errors of kind ``blocked``, never as content. ``-s ZWGK_INCREMENTAL=False`` reads everything.

A column's walk is concluded (complete, incremental) only when its list was read: a list page that
is blocked, not a page (``not-html``), too deeply nested or too costly (``too-complex``), that the
site's ``extract:`` selector finds nothing on (``selector-matched-nothing``), that redirects off the
site (``offsite-redirect``) or that fails, and a pager cut at ZWGK_MAX_PAGES_PER_COLUMN
(``truncated``), each record a fetch error and leave the walk ``partial``: nothing is concluded
from it (no emptiness, staleness or removal). Every page is decoded by the project's decoder
(``crawler.pages.page_text``), as ``zwgk extract`` decodes it.
"""
from __future__ import annotations

from datetime import datetime
from urllib.parse import urldefrag

import scrapy
from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import TextResponse

from crawler import blocking
from crawler.errors import classify
from crawler.extraction import selectors
from crawler.extraction.columns import discover_columns
from crawler.extraction.detail import extract_detail
from crawler.extraction import template as site_template
from crawler.extraction.dom import PageTooComplex, site_of
from crawler.extraction.listing import ListReading, list_total, read_list
from crawler.extraction.pagination import next_pages
from crawler import store
from crawler.items import (ColumnItem, ColumnWalkItem, DocumentItem, FetchErrorItem, ListEntry, ListingItem, SiteItem,
                           TemplateItem, UnchangedItem, open_walks)
from crawler.middlewares import BlockedHost
from crawler.pages import cpu_budget, not_html, page_text
from crawler.recrawl import ColumnPrior, Known, PriorState, due
from crawler.sites import ConfigError, Site, load_sites, load_sites_json
from crawler.walk import ColumnWalk, SiteLearning, detail_fetch

LIST_PRIORITY = 10  # list pages first: an incremental walk waits for each page before the next


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _text(response) -> str | None:
    """Decoded text of an HTML/XML/JSON answer (the project's decoder, not ``response.text``);
    None for a PDF or other binary document, or bytes that are no text at all."""
    if not isinstance(response, TextResponse):
        return None
    return page_text(response)


TOO_COMPLEX = "页面结构过于复杂（{}），无法在限定时间内解析，本次不据此作任何判断"
LIST_SELECTORS = ("list_container", "entry")


def _header(response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _blocked(response) -> str | None:
    """The block reason BlockDetector put on this answer (or, without the middleware, found now)."""
    reason = response.meta.get("zwgk_blocked")
    if reason is None and "zwgk_block_checked" not in response.meta:
        reason = blocking.is_block_page(response.status, response.headers, _text(response) or "", response.url)
    return reason


class PortalSpider(scrapy.Spider):
    name = "portal"

    @classmethod
    def update_settings(cls, settings):
        # zwgk's settings (crawler/settings.py, the one place of their defaults) are this spider's
        # defaults, at the priority of an add-on's: under another Scrapy project's settings, or none,
        # every ZWGK_* setting has its value and the store pipeline runs, while what a project,
        # the spider or -s sets still wins (Scrapy's own defaults, re-applied later, do not).
        settings.setmodule("crawler.settings", priority="addon")
        super().update_settings(settings)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._open_walks, signal=open_walks)
        return spider

    def __init__(self, sites: str | None = None, run_id: str | None = None, only: str | None = None,
                 sites_json: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sites_file = sites
        self.run_id = int(run_id) if run_id else None
        self.config_error = None
        try:
            if not sites:
                raise ConfigError("no sites config given (scrapy crawl portal -a sites=FILE)")
            # sites_json: the config as crawler.runner's parent already parsed and validated it.
            self.sites = load_sites_json(sites_json, sites) if sites_json else load_sites(sites)
            if only:
                wanted = {s.strip() for s in only.split(",") if s.strip()}
                unknown = wanted - {s.id for s in self.sites}
                if unknown:
                    raise ConfigError(f"{sites}: no site with id '{sorted(unknown)[0]}'")
                self.sites = [s for s in self.sites if s.id in wanted]
        except ConfigError as exc:
            self.config_error = str(exc)
            self.sites = []
        # Scrapy's off-site filter: the sites' hosts and registrable domains (subdomains included).
        self.allowed_domains = sorted({d for s in self.sites for d in (*s.domains, site_of(s.url)) if d})
        # Per (site id, column URL): the walk of its list pages; each ends as a ColumnWalkItem.
        self.walks: dict[tuple[str, str], ColumnWalk] = {}
        self.learning: dict[str, SiteLearning] = {}
        self.today = datetime.now().date()
        self.now = datetime.now().astimezone()
        self.prior: PriorState | None = None

    @property
    def incremental(self) -> bool:
        return self.settings.getbool("ZWGK_INCREMENTAL")

    @property
    def revisit_days(self) -> float:
        return self.settings.getfloat("ZWGK_REVISIT_DAYS")

    def _prior(self) -> PriorState:
        if self.prior is None:
            self.prior = PriorState(self.settings["ZWGK_DB"])
        return self.prior

    def closed(self, reason):
        if self.prior is not None:
            self.prior.close()

    async def start(self):
        if self.run_id is None:
            # A direct `scrapy crawl`: the crawl starts its own run (crawler.runner starts it otherwise).
            self.run_id = store.start_crawl_run(self.settings["ZWGK_DB"], self.sites_file)
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
        return SiteItem(site, status, error)

    def parse_entry(self, response, site: Site):
        reason = _blocked(response)
        if reason:
            message = blocking.message(reason)
            yield self._site_item(site, "error", f"信息公开入口页无法访问：{message}")
            yield FetchErrorItem(site.id, response.url, "entry", "blocked", message, response.status)
            if site.columns:
                yield from self._crawl_columns(site, self._configured(site))
            return
        if site.columns:
            columns = [{"name": c.name, "url": c.url, "path": c.name, "catalog": c.catalog, "source": "config"}
                       for c in site.columns]
        else:
            fault = None
            if (message := not_html(response)) is not None:
                fault = ("not-html", message)
            else:
                try:
                    with cpu_budget(self.page_budget):
                        found = discover_columns(_text(response) or "", response.url)
                except PageTooComplex as exc:
                    fault = ("too-complex", TOO_COMPLEX.format(exc))
            if fault:
                yield self._site_item(site, "error", f"信息公开入口页无法读取：{fault[1]}")
                yield FetchErrorItem(site.id, response.url, "entry", fault[0], fault[1], response.status)
                return
            columns = [c for c in found if self._on_site(site, c["url"])]
        if not columns:
            message = "信息公开入口页上未发现栏目"
            yield self._site_item(site, "error", message)
            yield FetchErrorItem(site.id, response.url, "entry", "no-columns", message, response.status)
            return
        yield self._site_item(site)
        yield from self._crawl_columns(site, columns)

    @property
    def page_budget(self) -> float:
        return self.settings.getfloat("ZWGK_PAGE_CPU_SECONDS")

    @staticmethod
    def _configured(site: Site) -> list[dict]:
        return [{"name": c.name, "url": c.url, "path": c.name, "catalog": c.catalog, "source": "config"}
                for c in site.columns]

    def _failure(self, failure) -> tuple[str, int | None, str]:
        """classify(), with block pages and hosts dropped for blocking as kind 'blocked'."""
        if failure.check(BlockedHost):
            return "blocked", None, "该网站在本次采集中多次返回拦截页，其余请求已停止发送"
        kind, status, message = classify(failure)
        response = getattr(failure.value, "response", None)
        if kind == "http" and response is not None:
            reason = _blocked(response)
            if reason:
                return "blocked", status, blocking.message(reason)
        return kind, status, message

    def entry_failed(self, failure):
        site: Site = failure.request.cb_kwargs["site"]
        kind, status, message = self._failure(failure)
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
        learning = self.learning.setdefault(site.id, SiteLearning())
        learning.expected += len({u for c in columns if (u := urldefrag(c["url"])[0]) and (site.id, u) not in self.walks
                                  and self._on_site(site, u)})
        for col in columns:
            url = urldefrag(col["url"])[0]
            key = (site.id, url)
            if key in self.walks:
                continue  # the same column reached twice (tree and configured, or two tree entries)
            yield ColumnItem(site.id, url, col["name"], col.get("path") or col["name"],
                             col.get("catalog"), col.get("source", "discovered"))
            walk = self.walks[key] = self._new_walk(site, url)
            request = scrapy.Request(url)
            if walk.mode == "incremental":
                request = self._conditional(request, *walk.prior.validators.get(url, (None, None)))
            yield from self._list_requests(walk, walk.start(request, url))

    def _new_walk(self, site: Site, url: str) -> ColumnWalk:
        prior = self._prior().column(site.id, url) if self.incremental else ColumnPrior(None)
        mode = "full"
        if (prior.prev_run is not None and prior.prev_walk in (None, "complete", "incremental")
                and not due(prior.last_complete_at, url, self.revisit_days, self.now)):
            mode = "incremental"
        return ColumnWalk(site, url, prior, mode, max_pages=self.settings.getint("ZWGK_MAX_PAGES_PER_COLUMN"))

    # -- list pages ----------------------------------------------------------------------------

    def _on_site(self, site: Site, url: str) -> bool:
        return site.allows(url)

    def _list_requests(self, walk: ColumnWalk, requests: list):
        """The list requests the walk says to send, as this spider's list callbacks."""
        for request in requests:
            yield request.replace(
                callback=self.parse_list, errback=self.list_failed, dont_filter=True, priority=LIST_PRIORITY,
                cb_kwargs={"site": walk.site, "column_url": walk.url},
            )

    def parse_list(self, response, site: Site, column_url: str):
        walk = self.walks[(site.id, column_url)]
        walk.answers += 1
        learning = self.learning.get(site.id)
        if learning is not None and learning.holds(walk):
            learning.held.append((walk, response, self._profiled(walk, response)))
            yield from self._maybe_learn(site, learning)
            return
        yield from self._list_answered(walk, response)

    def _list_answered(self, walk: ColumnWalk, response, reading: ListReading | None = None):
        yield from self._read_list_page(walk, response, reading)
        yield from self._answered(walk)

    # -- the site's template: learned from its column pages, then used on every list page ---------

    def _profiled(self, walk: ColumnWalk, response) -> ListReading | None:
        if response.status == 304 or _blocked(response):
            return None
        text = _text(response)
        if text is None:
            return None
        try:
            with cpu_budget(self.page_budget):
                return read_list(text, response.url, overrides=walk.site.extract or None, profile=True)
        except PageTooComplex:
            return None   # _read_list_page records it when the page is read

    def _maybe_learn(self, site: Site, learning: SiteLearning, force: bool = False):
        if learning.ready(site_template.SAMPLE, force):
            learning.done = True
            learning.template = site_template.learn([r.profile for _, _, r in learning.held if r is not None])
            if learning.template is not None:
                yield TemplateItem(site.id, **learning.template.as_dict())
            held, learning.held = learning.held, []
            for walk, response, reading in held:
                # Read again with the template (its boilerplate is never an entry), or as profiled.
                yield from self._list_answered(walk, response, None if learning.template else reading)

    def _idle(self):
        """Pages still held when nothing else is left (a column page that never answered): read them."""
        if any(learning.held for learning in self.learning.values()):
            self.crawler.engine.crawl(scrapy.Request("data:,", callback=self._release_held, dont_filter=True,
                                                     meta={"allow_offsite": True}))
            raise DontCloseSpider

    def _release_held(self, response):
        for site in self.sites:
            learning = self.learning.get(site.id)
            if learning is not None and learning.held:
                yield from self._maybe_learn(site, learning, force=True)

    def _read(self, walk: ColumnWalk, text: str, url: str) -> ListReading:
        learning = self.learning.get(walk.site.id)
        return read_list(text, url, overrides=walk.site.extract or None,
                         template=learning.template if learning is not None else None)

    def _list_not_found(self, walk: ColumnWalk, response, text: str):
        """A page showing no list: a shell whose list comes from the pages it leads to (a script's
        API), or else a recorded error of its own kind — never an empty or stale column."""
        send = walk.shell(self._page_requests(walk.site, text, response.url))
        if send is not None:
            yield from self._list_requests(walk, send)
            return
        before = f"（上次有 {len(walk.known)} 条）" if walk.known else ""
        yield FetchErrorItem(walk.site.id, response.url, "list", "list-not-found",
                             f"栏目页面上未找到信息列表{before}：既无条目，也无“暂无信息”等空列表标志，"
                             "本次不据此判断栏目为空、未更新或信息被删除", response.status, walk.url)

    def _read_list_page(self, walk: ColumnWalk, response, reading: ListReading | None = None):
        site = walk.site
        if response.status == 304:
            send, why = walk.unchanged(response.url)
            yield from self._continue(walk, send, why)
            return
        reason = _blocked(response)
        if reason:
            yield from self._not_read(walk, response, "blocked", blocking.message(reason))
            return
        message = not_html(response)
        if message is not None:
            yield from self._not_read(walk, response, "not-html", message)
            return
        text = _text(response) or ""
        try:
            with cpu_budget(self.page_budget):
                reading = reading or self._read(walk, text, response.url)
                total = list_total(text) if walk.total is None else walk.total
                pages = list(self._page_requests(site, text, response.url))
        except PageTooComplex as exc:
            yield from self._not_read(walk, response, "too-complex", TOO_COMPLEX.format(exc))
            return
        entries = reading.entries
        if not entries and (expr := self._list_selector(site)) and not selectors.matches(text, expr):
            broken = selectors.selector_problem(expr)
            yield from self._not_read(walk, response, "selector-matched-nothing", (
                f"网站配置的列表选择器 {expr} 无效（{broken}）" if broken else
                f"网站配置的列表选择器 {expr} 在该页上没有匹配到任何元素") + "，本次不据此判断栏目为空")
            return
        if walk.no_list(entries, reading.found, reading.evidence):
            yield from self._list_not_found(walk, response, text)
            return
        validators = None
        if response.request.method == "GET" and not response.request.body:
            validators = (_header(response, "ETag"), _header(response, "Last-Modified"))
        listed = walk.read(entries, total=total, empty=reading.empty, validators=validators, page_url=response.url)
        if listed:
            yield ListingItem(site.id, walk.url, [ListEntry(item.url, item.entry.get("title"), _iso(item.entry.get("date")))
                                                  for item in listed])
        for item in listed:
            if item.on_site:
                yield from self._detail_request(walk, item.url, {**item.entry, "url": item.url}, item.known)
        send, why = walk.follow(entries, listed, pages)
        yield from self._continue(walk, send, why)

    def _continue(self, walk: ColumnWalk, send: list, why: str | None):
        if why:
            self.logger.info("column %s: reading every page (%s)", walk.url, why)
        yield from self._list_requests(walk, send)

    def _not_read(self, walk: ColumnWalk, response, kind: str, message: str):
        """This list page is not a list: record why; the walk concludes nothing."""
        walk.not_read()
        yield FetchErrorItem(walk.site.id, response.url, "list", kind, message, response.status, walk.url)

    @staticmethod
    def _list_selector(site: Site) -> str | None:
        """The site's own selector for its lists' container or entries, when its config gives one."""
        extract = site.extract or {}
        return next((extract[k] for k in LIST_SELECTORS if extract.get(k)), None)

    def _page_requests(self, site: Site, text: str, url: str):
        """The other list pages this page leads to, as ``(request, method, url, body)`` for the walk."""
        for page in next_pages(text, url, overrides=site.extract or None):
            if page.method == "POST":
                request = scrapy.FormRequest(page.url, formdata=list(page.formdata or ()))
            else:
                request = scrapy.Request(page.url)
            yield request, request.method, request.url, request.body

    def list_failed(self, failure):
        kwargs = failure.request.cb_kwargs
        walk = self.walks[(kwargs["site"].id, kwargs["column_url"])]
        walk.answers += 1
        learning = self.learning.get(walk.site.id)
        if learning is not None and learning.holds(walk):
            yield from self._maybe_learn(walk.site, learning)
        walk.not_read()
        kind, status, message = self._failure(failure)
        yield FetchErrorItem(kwargs["site"].id, failure.request.url, "list", kind, message, status, kwargs["column_url"])
        yield from self._answered(walk)

    def _answered(self, walk: ColumnWalk):
        """A list request is done with; after the column's last one, fetch what the walk did not reach but must be seen."""
        conclusion = walk.answered()
        if conclusion is None:
            return
        yield self._walk_item(walk)
        if conclusion.truncated:
            self.logger.warning("column %s: stopped at %d pages", walk.url, walk.max_pages)
            yield FetchErrorItem(walk.site.id, walk.url, "list", "truncated",
                                 f"栏目列表超过 {walk.max_pages} 页的上限（ZWGK_MAX_PAGES_PER_COLUMN），只读取了 {walk.pages} 页，"
                                 "本次不据此判断栏目为空、未更新或信息被撤下", None, walk.url)
        for url, known, force in conclusion.revisit:
            # complete: no longer listed, ask the URL itself, so the history says whether it is gone too;
            # otherwise not reached by this walk and still listed: stored? due for a revisit?
            yield from self._detail_request(walk, url, {"url": url, "title": None, "date": None}, known, force=force)

    @staticmethod
    def _walk_item(walk: ColumnWalk) -> ColumnWalkItem:
        # Emptiness needs evidence the page showed; a walk that saw entries has none to give.
        return ColumnWalkItem(walk.site.id, walk.url, walk.outcome, walk.pages, walk.total,
                              None if walk.listed else walk.empty, walk.validators)

    def _open_walks(self) -> list[ColumnWalkItem]:
        """The crawl closes with these walks still open (interrupted, or a list request dropped before
        its callback): each is partial when it read a page, unread otherwise."""
        items = []
        for walk in self.walks.values():
            if not walk.done:
                walk.done, walk.outcome = True, "partial" if walk.pages else None
                items.append(self._walk_item(walk))
        return items

    # -- detail requests: which known pages to fetch again -------------------------------------

    @staticmethod
    def _conditional(request, etag: str | None, modified: str | None):
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        if not headers:
            return request
        meta = {**request.meta, "handle_httpstatus_list": [304]}
        return request.replace(headers={**request.headers.to_unicode_dict(), **headers}, meta=meta)

    def _detail_request(self, walk: ColumnWalk, url: str, entry: dict, known: Known | None, force: bool = False):
        if known is None or not known.stored:
            known = self._prior().document(url) if self.incremental else None
        fetch = detail_fetch(known, url, run_id=getattr(self, "run_id", None), days=self.revisit_days,
                             now=self.now, force=force)
        if fetch is None:
            return
        request = scrapy.Request(
            url, callback=self.parse_detail, errback=self.detail_failed,
            cb_kwargs={"site": walk.site, "column_url": walk.url, "entry": entry},
        )
        if fetch == "conditional":
            request = self._conditional(request, known.etag, known.last_modified)
        yield request

    # -- detail pages --------------------------------------------------------------------------

    def parse_detail(self, response, site: Site, column_url: str, entry: dict):
        fetched_at = datetime.now().astimezone().isoformat(timespec="seconds")
        if response.status == 304:
            yield UnchangedItem(site.id, column_url, entry["url"], fetched_at)
            return
        reason = _blocked(response)
        if reason:
            yield FetchErrorItem(site.id, entry["url"], "detail", "blocked", blocking.message(reason),
                                 response.status, column_url)
            return
        list_date = _iso(entry.get("date"))
        text = _text(response)
        if isinstance(response, TextResponse) and (message := not_html(response)) is not None:
            yield FetchErrorItem(site.id, entry["url"], "detail", "not-html", message, response.status, column_url)
            return
        content_type = response.headers.get("Content-Type", b"").decode("latin-1") or None
        validators = {"etag": _header(response, "ETag"), "last_modified": _header(response, "Last-Modified")}
        if text is None:
            # The list links straight to a file (PDF, DOC): the list is all we know of it.
            yield DocumentItem(
                site.id, column_url, entry["url"], entry.get("title"), list_title=entry.get("title"),
                list_date=list_date, published=list_date, date_source="list" if list_date else None,
                http_status=response.status, content_type=content_type, fetched_at=fetched_at, **validators,
            )
            return
        try:
            with cpu_budget(self.page_budget):
                data = extract_detail(text, response.url, fetched_at=self.today, overrides=site.extract or None)
        except PageTooComplex as exc:
            yield FetchErrorItem(site.id, entry["url"], "detail", "too-complex", TOO_COMPLEX.format(exc),
                                 response.status, column_url)
            return
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
            body=data.get("body"), attachments=data.get("attachments") or [], validity=fields.get("validity"),
            repeals=fields.get("repeals") or [], http_status=response.status,
            content_type=content_type, fetched_at=fetched_at, **validators,
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
        kind, status, message = self._failure(failure)
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
        kind, status, message = self._failure(failure)
        yield FetchErrorItem(site.id, entry["url"], "detail", kind, message, status, kwargs["column_url"])
        if status and kind == "http":   # it answered with an error status (not a block page, not a redirect away)
            yield DocumentItem(
                site.id, kwargs["column_url"], entry["url"], entry.get("title"), list_title=entry.get("title"),
                list_date=_iso(entry.get("date")), http_status=status,
                fetched_at=datetime.now().astimezone().isoformat(timespec="seconds"),
            )
