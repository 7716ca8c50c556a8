"""The demo portal's data model: the public truth records and the internal state behind the pages."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from . import texts
from .common import SERVER_ERROR_HTML, Response, attachment_bytes

DEMO_AS_OF: date = date(2026, 6, 30)
"""All content dates are on or before this day; checks over the demo run "as of" it."""

FIRST_DAY = date(2019, 1, 21)  # earliest generated publication date (written dates stay in 2019)
PAGE_GENERATED = "2026-06-29 03:00:00"  # what the GBK site puts in <meta name="PubDate"> on every page
SITE_UPDATED = "2026-06-29"             # the 更新时间 in page footers (never a publication date)
COPYRIGHT_YEARS = "2019-2026"

LEGAL_PARENT = "法定主动公开内容"


# ------------------------------------------------------------------------------------- public truth

@dataclass
class ColumnTruth:
    name: str                  # as shown in the column tree (an area name or one of its aliases)
    path: str                  # "法定主动公开内容/财政预决算"; top-level parts are just their name
    url_path: str              # absolute from the server root (query included for the GBK site)
    catalog_area: str | None   # the catalog area the column serves, None for non-catalog columns


@dataclass
class SiteTruth:
    id: str
    name: str
    level: str
    region: str
    entry_path: str
    encoding: str
    columns: list[ColumnTruth] = field(default_factory=list)


@dataclass
class DocTruth:
    """What a correct crawler + extractor must report for one detail page (None = the page shows none)."""
    site_id: str
    column_path: str
    url_path: str
    title: str
    list_date: date | None
    published: date | None
    written: date | None
    doc_number: str | None
    index_number: str | None
    publisher: str | None
    category: str | None
    attachments: list[str] = field(default_factory=list)
    status: int = 200
    validity: str | None = None   # the validity mark the page shows (有效, 废止 …)


@dataclass
class Planted:
    kind: str                # column-missing|column-empty|column-stale|content-mismatch|late-publication|
                             # missing-date|dead-link|annual-report-missing|normative-library-missing|
                             # validity-unmarked|validity-stale
    site_id: str
    column_path: str | None  # None for column-missing
    catalog_area: str
    url_path: str | None     # the column's or the document's URL path; None for column-missing
    note: str


# ------------------------------------------------------------------------------------- specs

@dataclass(frozen=True)
class ColumnSpec:
    parent: str          # "" or LEGAL_PARENT
    name: str
    kind: str            # content kind (texts.TITLES key, or guide/rules/annual)
    area: str | None
    key: str             # TRS directory, Hanweb column id or plain colid
    count: int = 0       # documents at scale 1
    scaled: bool = True

    @property
    def path(self) -> str:
        return f"{self.parent}/{self.name}" if self.parent else self.name


@dataclass(frozen=True)
class SiteSpec:
    id: str
    name: str
    level: str
    region: str
    encoding: str
    cms: str             # trs | hanweb | plain
    locale: texts.Locale
    abbr: str            # doc-number prefix, 示 in 示财发〔2023〕15号
    domain: str          # the production domain the pages pretend to be on (meta Url, footer)
    site_code: str       # 网站标识码
    region_code: str     # 6 digits inside the 统一社会信用代码 of the bodies
    icp: str
    police: str
    tel_area: str
    columns: tuple[ColumnSpec, ...]


# ------------------------------------------------------------------------------------- internal state

@dataclass(eq=False)
class Column:
    spec: ColumnSpec
    truth: ColumnTruth
    docs: list["Doc"] = field(default_factory=list)  # list order, newest first
    unitid: int = 0                                   # Hanweb list unit id

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def key(self) -> str:
        return self.spec.key


@dataclass(eq=False)
class Doc:
    column: Column
    title: str
    kind: str
    doctype: str
    publisher_key: str
    publisher: str
    published: date | None
    written: date | None
    created: date          # the date the CMS stamps into the URL
    pub_time: str          # "10:30"
    ctx: dict
    seed: str
    attachment_labels: list[tuple[str, str]] = field(default_factory=list)  # (label, ext)
    no_dates: bool = False  # body must carry no date at all (the planted missing-date page)
    art_id: int = 0
    version: int = 0
    served: int = 200       # 200 | 404 (planted dead link) | 500 (fail_document)
    doc_number: str | None = None
    index_number: str | None = None
    truth: DocTruth | None = None
    validity: str | None = None   # the validity mark the page prints (the library of normative documents)
    extra_paragraphs: list[str] = field(default_factory=list)  # text a plant adds at the end of the body

    @property
    def url_path(self) -> str:
        return self.truth.url_path


class SiteBase:
    """One synthetic portal: its columns and documents plus the renderer (subclasses)."""

    prefix = "/"
    page_size = 20
    shows_written = True
    shows_index = True
    shows_category = True

    def __init__(self, spec: SiteSpec, seed: int):
        self.spec = spec
        self.seed = seed
        self.loc = spec.locale
        self.columns: list[Column] = []
        self.truth = SiteTruth(spec.id, spec.name, spec.level, spec.region, self.entry_path(), spec.encoding)
        self.docs: dict[str, Doc] = {}           # url_path -> doc
        self.attachments: dict[str, tuple[Doc, str]] = {}  # url_path -> (doc, label)

    # -- URL scheme (subclasses) ------------------------------------------------------------------
    def entry_path(self) -> str:
        raise NotImplementedError

    def column_url(self, spec: ColumnSpec) -> str:
        raise NotImplementedError

    def doc_url(self, doc: Doc) -> str:
        raise NotImplementedError

    def attachment_url(self, doc: Doc, index: int, ext: str, rng: random.Random) -> str:
        raise NotImplementedError

    def route(self, method: str, path: str, query: dict[str, str], form: dict[str, str]) -> Response | None:
        raise NotImplementedError

    def not_found(self) -> Response:
        raise NotImplementedError

    # -- shared responses -------------------------------------------------------------------------
    def document_response(self, key: str) -> Response:
        """A detail page as the portal answers it: 404 once removed, its planted status while failing."""
        doc = self.docs.get(key)
        if doc is None or doc.served == 404:
            return self.not_found()
        if doc.served >= 500:
            return Response(doc.served, SERVER_ERROR_HTML.encode())
        return self.detail_response(doc)

    def detail_response(self, doc: Doc) -> Response:
        return Response(200, self.detail(doc).encode())

    def attachment_response(self, path: str) -> Response:
        doc, label = self.attachments[path]
        body, ctype = attachment_bytes(path, label)
        return Response(200, body, ctype, self.attachment_headers(path))

    def attachment_headers(self, path: str) -> list[tuple[str, str]]:
        return []

    # -- shared helpers ---------------------------------------------------------------------------
    def column_by_key(self, key: str) -> Column | None:
        for col in self.columns:
            if col.key == key:
                return col
        return None

    def paragraphs(self, doc: Doc) -> list[str]:
        rng = random.Random(f"{doc.seed}:body:v{doc.version}")
        ctx = dict(doc.ctx)
        ctx.setdefault("tel", texts.tel(rng, self.spec.tel_area))
        ctx.setdefault("name2", texts.person(rng, self.loc.gbk_names))
        paras = texts.body_paragraphs(doc.kind, rng, ctx, self.loc.level_word, no_dates=doc.no_dates)
        paras += doc.extra_paragraphs
        if doc.version:
            paras.append(rng.choice(texts.REVISION_NOTES).format(n=doc.version))
        return paras

    def hot_docs(self, n: int = 6) -> list[Doc]:
        """The newest documents of the site, for the 热点/最新 box of the entry page."""
        pool = [d for col in self.columns for d in col.docs[:n] if d.truth.list_date and d.served == 200]
        pool.sort(key=lambda d: (d.truth.list_date, d.art_id), reverse=True)
        return pool[:n]

    def related_docs(self, doc: Doc, n: int = 5) -> list[Doc]:
        """Other documents of the same column (the 相关信息 box)."""
        docs = [d for d in doc.column.docs if d is not doc and d.served == 200]
        if not docs:
            return []
        try:
            start = doc.column.docs.index(doc)
        except ValueError:
            start = 0
        start %= len(docs)
        return [docs[(start + i) % len(docs)] for i in range(min(n, len(docs)))]

    def page_count(self, col: Column, per_page: int | None = None) -> int:
        per = per_page or self.page_size
        return max(1, -(-len(col.docs) // per))

    def page_docs(self, col: Column, page: int, per_page: int | None = None) -> list[Doc]:
        """Documents of 0-based list page `page`."""
        per = per_page or self.page_size
        return col.docs[page * per:(page + 1) * per]
