"""DemoPortal: builds the synthetic portals, keeps the ground truth and answers HTTP requests.

Everything is derived from ``seed`` through ``random.Random`` instances seeded with strings, so the
same (scale, seed) gives byte-identical pages in every process. Nothing is written to disk.
"""
from __future__ import annotations

import dataclasses
import random
import threading
from collections.abc import Iterable
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

from . import texts
from .common import GIF_1PX, Response, esc
from .hanweb import HanwebSite
from .model import (
    DEMO_AS_OF, FIRST_DAY, LEGAL_PARENT, Column, ColumnSpec, ColumnTruth, Doc, DocTruth, Planted,
    SiteBase, SiteSpec, SiteTruth,
)
from .dongjing import DongjingSite
from .gkmlpt import GkmlptSite
from .jspager import JsPagerSite
from .plain import PlainSite
from .texts import Locale, T
from .trs import TrsSite
from .workdays import add_workdays, workday_on_or_before, workdays_between

P = LEGAL_PARENT


def C(parent, name, kind, area, key, count=0, scaled=True):
    return ColumnSpec(parent, name, kind, area, key, count, scaled and count > 0)


SITE_SPECS: tuple[SiteSpec, ...] = (
    SiteSpec(
        id="demo-trs", name="示例市人民政府", level="municipal", region="黑龙江省/示例市", encoding="utf-8",
        cms="trs", abbr="示", domain="www.shili.gov.cn", site_code="2399000001", region_code="239900",
        icp="黑ICP备05001234号-1", police="黑公网安备 23990002000123号", tel_area="0451",
        locale=Locale("示例市", "市", ("城东区", "城西区", "北山区", "南河县", "清河县", "长宁县"),
                      ("市长张明远", "常务副市长陈海涛", "副市长刘国栋", "副市长周丽华")),
        columns=(
            C("", "政府信息公开指南", "guide", "政府信息公开指南", "xxgkzn"),
            C("", "政府信息公开制度", "rules", "政府信息公开制度", "xxgkzd"),
            C(P, "机构职能", "functions", None, "jgzn", 8, scaled=False),
            C(P, "政策文件", "policy", None, "zcwj", 70),
            C(P, "财政预决算", "budget", "财政预决算", "czyjs", 60),
            C(P, "重大建设项目", "project", "重大建设项目", "zdjsxm", 45),
            C(P, "义务教育", "education", "义务教育", "ywjy", 40),
            C(P, "卫生健康", "health", "卫生健康", "wsjk", 45),
            C(P, "生态环境", "meeting_news", "生态环境", "sthj", 40),   # planted: content-mismatch
            C(P, "防灾减灾", "disaster", "救灾", "fzjz", 30),
            C(P, "人事信息", "personnel", None, "rsxx", 35),
            C(P, "通知公告", "notice", None, "tzgg", 60),
            C("", "政府信息公开年报", "annual", "政府信息公开年报", "xxgknb"),
        ),  # planted: no 社会救助 column at all (column-missing), no 规范性文件库 (normative-library-missing)
    ),
    SiteSpec(
        id="demo-hanweb", name="演示县人民政府", level="county", region="浙江省/样本市/演示县", encoding="utf-8",
        cms="hanweb", abbr="演", domain="www.yanshi.gov.cn", site_code="3399010002", region_code="339901",
        icp="浙ICP备13012345号-1", police="浙公网安备 33990102000456号", tel_area="0571",
        locale=Locale("演示县", "县", ("城关镇", "青山镇", "白沙镇", "石桥乡", "桃源乡", "双溪镇"),
                      ("县长吴晓东", "常务副县长郑卫东", "副县长孙立新", "副县长林春燕")),
        columns=(
            C("", "信息公开指南", "guide", "政府信息公开指南", "1524561"),
            C("", "信息公开制度", "rules", "政府信息公开制度", "1524562"),
            C(P, "机构职能", "functions", None, "1524571", 8, scaled=False),
            C(P, "政策文件", "policy", None, "1524572", 70),
            C(P, "财政预算决算", "budget", "财政预决算", "1524573", 60),
            C(P, "重大建设项目", "project", "重大建设项目", "1524574", 60),   # planted: 3 late publications
            C(P, "社会救助", "assistance", "社会救助", "1524575", 50),
            C(P, "教育", "education", "义务教育", "1524576", 40),             # planted: empty
            C(P, "基本医疗卫生", "health", "卫生健康", "1524577", 45),
            C(P, "环境保护", "environment", "生态环境", "1524578", 40),
            C(P, "救灾", "disaster", "救灾", "1524579", 30),
            C(P, "人事信息", "personnel", None, "1524580", 35),
            C(P, "通知公告", "notice", None, "1524581", 60),
            C("", "信息公开年报", "annual", "政府信息公开年报", "1524563"),    # planted: no 2025 report
        ),
    ),
    SiteSpec(
        id="demo-plain", name="昇平县人民政府", level="county", region="黑龙江省/示例市/昇平县", encoding="gbk",
        cms="plain", abbr="昇", domain="www.shengping.gov.cn", site_code="2399030003", region_code="239903",
        icp="黑ICP备06005678号", police="黑公网安备 23990302000789号", tel_area="0452",
        locale=Locale("昇平县", "县", ("昇平镇", "堃山镇", "珺河乡", "喆阳镇", "镕溪乡", "新华镇"),
                      ("县长李堃", "常务副县长王文珺", "副县长赵国镕", "副县长陈志喆"), gbk_names=True),
        columns=(
            C("", "政府信息公开指南", "guide", "政府信息公开指南", "1"),
            C("", "政府信息公开制度", "rules", "政府信息公开制度", "2"),
            C(P, "机构职能", "functions", None, "3", 8, scaled=False),
            C(P, "政策文件", "policy", None, "4", 70),
            C(P, "现行有效规范性文件", "normative", None, "14", 10, scaled=False),  # planted: validity-unmarked, -stale
            C(P, "预决算公开", "budget", "财政预决算", "5", 60),
            C(P, "重点项目", "project", "重大建设项目", "6", 45),
            C(P, "社会救助和社会福利", "assistance", "社会救助", "7", 50),       # planted: 1 undated entry
            C(P, "义务教育", "education", "义务教育", "8", 40),
            C(P, "医疗卫生", "health", "卫生健康", "9", 45),                    # planted: stale since 2021
            C(P, "生态环境", "environment", "生态环境", "10", 40),
            C(P, "灾害事故救援", "disaster", "救灾", "11", 30),
            C(P, "人事信息", "personnel", None, "12", 35),
            C(P, "通知公告", "notice", None, "13", 60),
            C("", "政府信息公开工作年度报告", "annual", "政府信息公开年报", "20"),
        ),
    ),
    SiteSpec(
        id="demo-fj", name="榕溪县人民政府", level="county", region="福建省/示例市/榕溪县", encoding="utf-8",
        cms="dongjing", abbr="榕", domain="www.rongxi.gov.cn", site_code="3501990004", region_code="350199",
        icp="闽ICP备05012345号-1", police="闽公网安备 35019902000123号", tel_area="0591",
        locale=Locale("榕溪县", "县", ("城关镇", "梅溪镇", "白樟镇", "桔林乡", "雄江镇", "省璜镇"),
                      ("县长黄志坚", "常务副县长林海峰", "副县长陈秀英", "副县长郑建华")),
        columns=(
            C("", "政府信息公开指南", "guide", "政府信息公开指南", "xxgkzn"),
            C("", "政府信息公开制度", "rules", "政府信息公开制度", "xxgkzd"),
            C(P, "机构职能", "functions", None, "jgzn", 8, scaled=False),
            C(P, "政策文件", "policy", None, "zcwj", 14),
            C(P, "财政预决算", "budget", "财政预决算", "czyjs", 12),
            C(P, "重大建设项目", "project", "重大建设项目", "zdjsxm", 10),
            C(P, "社会救助", "assistance", "社会救助", "shjz", 10),
            C(P, "义务教育", "education", "义务教育", "ywjy", 10),           # planted: empty (暂无信息)
            C(P, "卫生健康", "health", "卫生健康", "wsjk", 10),
            C(P, "生态环境", "environment", "生态环境", "sthj", 10),
            C(P, "应急救灾", "disaster", "救灾", "yjjz", 8),
            C(P, "人事信息", "personnel", None, "rsxx", 8),
            C(P, "通知公告", "notice", None, "tzgg", 36),   # planted: the oldest entry, only in the search API, is dead
            C("", "政府信息公开年报", "annual", "政府信息公开年报", "xxgknb"),
        ),
    ),
    SiteSpec(
        id="demo-js", name="清溪县人民政府", level="county", region="湖南省/示例市/清溪县", encoding="utf-8",
        cms="jspager", abbr="清", domain="www.qingxi.gov.cn", site_code="4399050005", region_code="439905",
        icp="湘ICP备08004321号-2", police="湘公网安备 43990502000321号", tel_area="0731",
        locale=Locale("清溪县", "县", ("清溪镇", "白沙镇", "龙潭镇", "桃花乡", "石门镇", "新塘乡"),
                      ("县长刘卫民", "常务副县长谭志强", "副县长彭丽娟", "副县长曾国平")),
        columns=(
            C("", "政府信息公开指南", "guide", "政府信息公开指南", "xxgkzn"),
            C("", "政府信息公开制度", "rules", "政府信息公开制度", "xxgkzd"),
            C(P, "机构职能", "functions", None, "jgzn", 8, scaled=False),
            C(P, "政策文件", "policy", None, "zcwj", 16),
            C(P, "财政预决算", "budget", "财政预决算", "czyjs", 12),
            C(P, "重大建设项目", "project", "重大建设项目", "zdjsxm", 40),   # planted: late, on the last list page
            C(P, "社会救助", "assistance", "社会救助", "shjz", 10),
            C(P, "义务教育", "education", "义务教育", "ywjy", 10),           # planted: empty (暂无信息)
            C(P, "卫生健康", "health", "卫生健康", "wsjk", 10),
            C(P, "生态环境", "environment", "生态环境", "sthj", 10),
            C(P, "防灾减灾", "disaster", "救灾", "fzjz", 8),
            C(P, "人事信息", "personnel", None, "rsxx", 8),
            C(P, "通知公告", "notice", None, "tzgg", 14),
            C("", "政府信息公开年报", "annual", "政府信息公开年报", "xxgknb"),
        ),
    ),
    SiteSpec(
        id="demo-gd", name="示例区人民政府", level="county", region="广东省/示例市/示例区", encoding="utf-8",
        cms="gkmlpt", abbr="示区", domain="www.shiliqu.gov.cn", site_code="4499060006", region_code="449906",
        icp="粤ICP备12034567号-1", police="粤公网安备 44990602000654号", tel_area="020",
        locale=Locale("示例区", "区", ("东城街道", "西城街道", "南岗街道", "北江镇", "石湖镇", "新港镇"),
                      ("区长何家明", "常务副区长梁志伟", "副区长冯雅琴", "副区长邓国强")),
        columns=(
            C("", "政府信息公开指南", "guide", "政府信息公开指南", "2001"),
            C("", "政府信息公开制度", "rules", "政府信息公开制度", "2002"),
            C(P, "机构职能", "functions", None, "2101", 8, scaled=False),
            C(P, "政策文件", "policy", None, "2102", 100),                  # more than one API page (100 a page)
            C(P, "财政预决算", "budget", "财政预决算", "2103", 12),
            C(P, "重大建设项目", "project", "重大建设项目", "2104", 10),
            C(P, "社会救助", "assistance", "社会救助", "2105", 10),
            C(P, "义务教育", "education", "义务教育", "2106", 10),
            C(P, "卫生健康", "health", "卫生健康", "2107", 10),               # planted: stale since 2021
            C(P, "生态环境", "environment", "生态环境", "2108", 10),
            C(P, "救灾", "disaster", "救灾", "2109", 8),
            C(P, "人事信息", "personnel", None, "2110", 8),
            C(P, "通知公告", "notice", None, "2111", 12),
            C("", "政府信息公开年报", "annual", "政府信息公开年报", "2004"),
        ),
    ),
)

RENDERERS = {"trs": TrsSite, "hanweb": HanwebSite, "plain": PlainSite, "dongjing": DongjingSite,
             "jspager": JsPagerSite, "gkmlpt": GkmlptSite}
ID_START = {"trs": (3_100_000, 60), "hanweb": (57_000_000, 400), "plain": (10_000, 6), "dongjing": (7_218_000, 40),
            "jspager": (913_000, 30), "gkmlpt": (3_874_000, 200)}

# The planted gaps, by (site id, column key) -> what the column shows.
MISSING_AREA = ("demo-trs", "社会救助")
EMPTY = {
    ("demo-hanweb", "1524576"): "the column exists (named 教育) and lists no entries: totalRecord 0, an empty datastore, 暂无信息",
    ("demo-js", "ywjy"): "the column lists no entries: 暂无信息 in its list table, 共0条 and totalPage 0 in its script "
                         "pager, beside the page's header bar (nav links and a dated hot-news link)",
}
STALE = (("demo-plain", "9"), ("demo-gd", "2107"))
MISMATCH = ("demo-trs", "sthj")
LATE = {                           # list positions (0-based) of the late publications
    ("demo-hanweb", "1524574"): (2, 17, 50),
    ("demo-js", "zdjsxm"): (38,),  # on the third and last list page, reached only through the script pager
}
MISSING_DATE = ("demo-plain", "7")
MISSING_DATE_POSITION = 3
DEAD = {                           # list position (0-based; -1: the oldest entry) of the dead link
    ("demo-trs", "czyjs"): (4, "list entry 5 on the first list page answers 404"),
    ("demo-fj", "tzgg"): (-1, "the oldest entry, listed only by the POST search service past the static pages, "
                              "answers 404"),
}
ANNUAL_MISSING = ("demo-hanweb", "1524563")
# The library of normative documents in force (黑龙江 requires one: checks/catalog/provinces/heilongjiang.yaml).
# demo-trs, also in 黑龙江, has none; demo-plain's marks every document 效力状态：有效 but one, and still
# marks its oldest document 有效 although its newest says that one is repealed (同时废止).
LIBRARY_MISSING = "demo-trs"
LIBRARY = ("demo-plain", "14")
UNMARKED_POSITION = 4

LATE_TEMPLATE = T("关于{project}可行性研究报告的批复", "file", "fgj")
UNDATED_TEMPLATE = T("{gov}最低生活保障审核确认办事指南", "info", "mzj")

GUIDE_DOCS = (  # (year, month, template)
    (2019, 6, T("{govfull}政府信息公开指南", "info", "office")),
    (2019, 6, T("{govfull}政府信息公开申请表", "info", "office")),
    (2021, 3, T("{govfull}政府信息公开指南（2021年修订）", "info", "office")),
    (2023, 4, T("{govfull}政府信息公开指南（2023年修订）", "info", "office")),
    (2026, 2, T("{govfull}政府信息公开指南（2026年修订）", "info", "office")),
)
RULES_DOCS = (
    (2019, 8, T("{govoffice}关于印发{govfull}政府信息公开工作制度的通知", "file", "office")),
    (2020, 5, T("{govoffice}关于印发政府信息公开保密审查制度的通知", "file", "office")),
    (2021, 7, T("{govoffice}关于印发依申请公开政府信息工作规程的通知", "file", "office")),
    (2022, 9, T("{govfull}政府信息主动公开基本目录编制规范", "info", "office")),
    (2024, 3, T("{govoffice}关于印发{gov}政务公开工作考核办法的通知", "file", "office")),
    (2025, 4, T("{govoffice}关于印发{gov}2025年政务公开工作要点的通知", "file", "office")),
    (2026, 4, T("{govoffice}关于印发{gov}2026年政务公开工作要点的通知", "file", "office")),
)
ANNUAL_TEMPLATE = T("{govfull}{RY}年政府信息公开工作年度报告", "info", "office")

ATTACH_P = {"budget": 0.6, "assistance": 0.5, "personnel": 0.4, "project": 0.35, "environment": 0.3,
            "disaster": 0.3, "policy": 0.3, "annual": 0.4, "guide": 0.4, "education": 0.25, "health": 0.25,
            "notice": 0.15, "rules": 0.1}
# Kinds that add_documents() writes into when no column is named (no gap column is touched).
CONTENT_KINDS = ("budget", "project", "assistance", "education", "health", "environment", "disaster",
                 "policy", "personnel", "notice")


def _random_workday(rng: random.Random, lo: date, hi: date) -> date:
    d = workday_on_or_before(lo + timedelta(days=rng.randint(0, max(0, (hi - lo).days))))
    return d if d >= lo else workday_on_or_before(hi)


# The catalog areas every demo site's own catalog lists: one column per area on each site, but for
# the planted column-missing gap.
CATALOG_AREAS = ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "财政预决算",
                 "重大建设项目", "社会救助", "义务教育", "卫生健康", "生态环境", "救灾")


class DemoPortal:
    """The mutable model behind the demo server; see the package docstring for the public API."""

    def __init__(self, scale: float = 1, seed: int = 7):
        # ``scale`` multiplies the documents of the scaled columns (`zwgk demo --scale`: 1-100). A test
        # may take a fraction of 1 for fewer pages to crawl: every planted case stays (its column keeps
        # the entries it needs) and no scaled column is left empty.
        if not scale > 0:
            raise ValueError("scale must be > 0")
        self.scale = scale
        self.seed = seed
        self._lock = threading.RLock()
        self._sites: list[SiteBase] = []
        self._serial: dict[tuple, int] = {}
        self._next_id: dict[str, int] = {}
        self._adds = 0
        self.planted: list[Planted] = []
        for spec in SITE_SPECS:
            site = RENDERERS[spec.cms](spec, seed)
            self._build_site(site)
            self._sites.append(site)
        self.sites: list[SiteTruth] = [s.truth for s in self._sites]
        self._record_planted()

    # ------------------------------------------------------------------------------- public API
    def documents(self) -> list[DocTruth]:
        """Every detail page currently listed in some column (copies; list order within columns)."""
        with self._lock:
            return [self._copy(d.truth) for s in self._sites for c in s.columns for d in c.docs]

    def document(self, url_path: str) -> DocTruth:
        with self._lock:
            return self._copy(self._doc(url_path).truth)

    def site(self, site_id: str) -> SiteTruth:
        for s in self.sites:
            if s.id == site_id:
                return s
        raise KeyError(site_id)

    def sites_yaml(self, base_url: str) -> str:
        base = base_url.rstrip("/")
        lines = ["# zwgk demo portal: synthetic government portals served locally (python -m zwgk.demoportal)",
                 "# Columns are not listed on purpose: the crawler discovers them from each entry page.",
                 "# catalog_areas: the areas each county's own compiled 标准目录 covers.",
                 "sites:"]
        for site in self._sites:
            s = site.truth
            lines += [f"  - id: {s.id}", f"    name: {s.name}", f"    level: {s.level}",
                      f"    region: {s.region}", f"    url: {base}{s.entry_path}", f"    code: '{site.spec.site_code}'",
                      f"    catalog_areas: [{', '.join(CATALOG_AREAS)}]"]
        return "\n".join(lines) + "\n"

    def add_documents(self, n: int, column_path: str | None = None, *,
                      sites: Iterable[str] | None = None) -> list[DocTruth]:
        """Publish n new documents (dated DEMO_AS_OF or a few working days before) at the top of columns.

        `column_path` selects the columns: a column path ("法定主动公开内容/财政预决算", matching every
        site having it), "site-id/path", a column name or a column URL path. Without it the documents
        go round-robin over the content columns that carry no planted gap. `sites` (site ids) keeps
        the columns to those sites (a crawl of only some sites sees every addition).
        """
        with self._lock:
            targets = self._columns_for(column_path)
            if sites is not None:
                wanted = set(sites)
                targets = [(s, c) for s, c in targets if s.spec.id in wanted]
                if not targets:
                    raise KeyError(f"no demo column matches {column_path!r} on the sites {sorted(wanted)}")
            out = []
            for i in range(n):
                site, col = targets[(self._adds if column_path is None else i) % len(targets)]
                rng = random.Random(f"{self.seed}:add:{self._adds}")
                self._adds += 1
                recent = [workday_on_or_before(DEMO_AS_OF)]
                while len(recent) < 3:
                    recent.append(workday_on_or_before(recent[-1] - timedelta(days=1)))
                pub = rng.choice(recent)
                kind = col.kind if col.kind in texts.TITLES else "notice"
                used = {d.title for d in col.docs}
                doc = self._draft(site, col, rng, pub, f"add{self._adds}", kind=kind, max_gap=5, used=used)
                site_next = self._next_id[site.spec.id] + rng.randint(1, ID_START[site.spec.cms][1])
                self._next_id[site.spec.id] = doc.art_id = site_next
                self._number(site, doc, rng)
                self._finish(site, doc)
                pos = next((k for k, d in enumerate(col.docs)
                            if d.truth.list_date is not None and d.truth.list_date <= pub), len(col.docs))
                col.docs.insert(pos, doc)
                out.append(self._copy(doc.truth))
            return out

    def edit_document(self, url_path: str) -> None:
        """Change the document's body text (its metadata stays)."""
        with self._lock:
            self._doc(url_path).version += 1

    def remove_document(self, url_path: str) -> None:
        """Take the document off its list; its URL (and its attachments) answer 404 from now on."""
        with self._lock:
            doc = self._doc(url_path)
            site = self._site_of(doc)
            doc.column.docs.remove(doc)
            del site.docs[url_path]
            for a in doc.truth.attachments:
                site.attachments.pop(a, None)
            self.planted = [p for p in self.planted if p.url_path != url_path]

    def fail_document(self, url_path: str) -> None:
        """The document's URL answers 500 from now on (it stays listed; its truth status becomes 500)."""
        with self._lock:
            doc = self._doc(url_path)
            doc.served = 500
            doc.truth.status = 500

    # ------------------------------------------------------------------------------- HTTP
    def handle(self, method: str, target: str, body: bytes = b"", headers: dict | None = None) -> Response:
        """Answer one request (used by the server; callable directly in tests)."""
        headers = {k.lower(): v for k, v in (headers or {}).items()}
        split = urlsplit(target)
        path = split.path or "/"
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        form: dict[str, str] = {}
        if method == "POST" and body:
            ctype = headers.get("content-type", "application/x-www-form-urlencoded")
            if "x-www-form-urlencoded" in ctype or not ctype:
                form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        with self._lock:
            if path in ("/", "/index.html"):
                return Response(200, self._index_page(headers.get("host")).encode())
            if path == "/robots.txt":
                return Response(200, b"User-agent: *\nDisallow:\n", "text/plain")
            if path == "/favicon.ico":
                return Response(200, GIF_1PX, "image/x-icon")
            if path == "/sites.yaml":
                base = f"http://{headers.get('host', '127.0.0.1')}"
                return Response(200, self.sites_yaml(base).encode(), "text/yaml; charset=utf-8")
            for site in self._sites:
                if path == site.prefix.rstrip("/"):
                    return Response(301, b"", "text/html", [("Location", site.prefix)])
                if path.startswith(site.prefix):
                    if method not in ("GET", "HEAD", "POST"):
                        return Response(405, b"Method Not Allowed", "text/plain", [("Allow", "GET, HEAD, POST")])
                    return site.route(method, path, query, form)
        return Response(404, b"<html><body><h1>404 Not Found</h1></body></html>", "text/html")

    # ------------------------------------------------------------------------------- building
    def _build_site(self, site: SiteBase) -> None:
        for i, cspec in enumerate(site.spec.columns):
            truth = ColumnTruth(cspec.name, cspec.path, site.column_url(cspec), cspec.area)
            col = Column(cspec, truth, unitid=6_325_000 + 17 * i + int(cspec.key) % 97 if cspec.key.isdigit() else 0)
            rng = random.Random(f"{self.seed}:{site.spec.id}:{cspec.key}")
            col.docs = self._generate(site, col, rng)
            site.columns.append(col)
            site.truth.columns.append(truth)
        self._assign_ids(site)
        for doc in sorted(self._all(site), key=lambda d: (d.written or d.published or d.created, d.art_id)):
            self._number(site, doc, random.Random(f"{self.seed}:{site.spec.id}:no:{doc.art_id}"))
        for doc in self._all(site):
            self._finish(site, doc)
        self._apply_post_plants(site)

    def _generate(self, site: SiteBase, col: Column, rng: random.Random) -> list[Doc]:
        where = (site.spec.id, col.key)
        kind = col.kind
        if kind in ("guide", "rules"):
            docs = []
            for i, (y, m, tpl) in enumerate(GUIDE_DOCS if kind == "guide" else RULES_DOCS):
                pub = _random_workday(rng, date(y, m, 3), date(y, m, 26))
                docs.append(self._draft(site, col, rng, pub, i, template=tpl))
            return sorted(docs, key=lambda d: d.published, reverse=True)
        if kind == "annual":
            last = 2024 if where == ANNUAL_MISSING else 2025
            docs = []
            for ry in range(2018, last + 1):
                pub = _random_workday(rng, date(ry + 1, 1, 15), date(ry + 1, 3, 25))
                docs.append(self._draft(site, col, rng, pub, ry, template=ANNUAL_TEMPLATE, extra={"RY": ry}))
            return sorted(docs, key=lambda d: d.published, reverse=True)

        n = col.spec.count
        if col.spec.scaled:
            n = max(1, round(n * self.scale * rng.uniform(0.85, 1.15)))
        if where in LATE:
            n = max(n, LATE[where][-1] + 6)
        if where in DEAD:
            n = max(n, DEAD[where][0] + 6)
        if where == MISSING_DATE:     # the undated entry goes in at its position, with entries around it
            n = max(n, MISSING_DATE_POSITION + 1)
        if where in EMPTY:
            return []
        if where in STALE:
            newest = _random_workday(rng, date(2021, 9, 1), date(2021, 12, 20))
        else:
            newest = workday_on_or_before(DEMO_AS_OF - timedelta(days=rng.randint(5, 40)))
        dates = [newest] + [_random_workday(rng, FIRST_DAY, newest) for _ in range(n - 1)]
        dates.sort(reverse=True)
        used: set[str] = set()
        special = {}
        if where in LATE:
            special = {pos: dict(template=LATE_TEMPLATE, gap=rng.randint(42, 58), tag=f"late{pos}")
                       for pos in LATE[where]}
        if where in DEAD:
            special = {DEAD[where][0] % n: dict(doctype="info", tag="dead")}
        docs = []
        for i, d in enumerate(dates):
            opts = dict(special.get(i, {}))
            tag = opts.pop("tag", i)
            docs.append(self._draft(site, col, rng, d, tag, used=used, **opts))
        if where == MISSING_DATE:
            hidden = dates[min(MISSING_DATE_POSITION, len(dates) - 1)]
            doc = self._draft(site, col, rng, hidden, "undated", template=UNDATED_TEMPLATE, used=used)
            doc.published = doc.written = None
            doc.no_dates = True
            doc.attachment_labels = []
            docs.insert(MISSING_DATE_POSITION, doc)
        return docs

    def _draft(self, site: SiteBase, col: Column, rng: random.Random, pub: date, tag, *, template=None,
               doctype=None, gap=None, extra=None, kind=None, max_gap=8, used: set | None = None) -> Doc:
        kind = kind or col.kind
        for _attempt in range(12):  # avoid the same title twice in one column
            tpl = template or texts.pick_template(kind, pub, rng, doctype)
            pkey = tpl.publisher or texts.DEFAULT_PUBLISHER[kind]
            if pkey == "anydept":
                pkey = rng.choice(texts.BUDGET_DEPTS)
            publisher = site.loc.dept_name(pkey)
            ctx = texts.context(site.loc, rng, pub, publisher)
            ctx.update(extra or {})
            title = tpl.text.format(**ctx)
            if used is None or title not in used:
                break
        if used is not None:
            k = 2
            base = title
            while title in used:  # a second notice on the same matter: "…的公告（二）"
                title = f"{base}（{texts.cn_number(k)}）"
                k += 1
            used.add(title)
        written = None
        if site.shows_written and tpl.doctype != "news" and (gap or tpl.doctype == "file" or rng.random() < 0.7):
            written = add_workdays(pub, -(gap or rng.randint(1, max_gap)))
        created = pub
        if site.spec.cms == "trs" and rng.random() < 0.1:
            created = pub - timedelta(days=rng.randint(1, 5))  # CMS record made before publication
        pub_time = f"{rng.randint(8, 17):02d}:{rng.randrange(0, 60, 5):02d}"
        labels = []
        if tpl.doctype != "news" and rng.random() < ATTACH_P.get(kind, 0.0):
            names, exts = texts.ATTACHMENT_NAMES.get(kind, (["有关材料"], ("pdf",)))
            for name in rng.sample(names, min(len(names), rng.choice((1, 1, 2)))):
                labels.append((name.format(**ctx), rng.choice(exts)))
        return Doc(column=col, title=title, kind=kind, doctype=tpl.doctype, publisher_key=pkey,
                   publisher=publisher, published=pub, written=written, created=created, pub_time=pub_time,
                   ctx=ctx, seed=f"{self.seed}:{site.spec.id}:{col.key}:{tag}", attachment_labels=labels)

    @staticmethod
    def _all(site: SiteBase) -> list[Doc]:
        return [d for c in site.columns for d in c.docs]

    def _assign_ids(self, site: SiteBase) -> None:
        start, step = ID_START[site.spec.cms]
        rng = random.Random(f"{self.seed}:{site.spec.id}:ids")
        order = sorted(((d.created, d.pub_time, ci, i), d) for ci, c in enumerate(site.columns)
                       for i, d in enumerate(c.docs))
        current = start
        for _, doc in order:
            current += rng.randint(1, step)
            doc.art_id = current
        self._next_id[site.spec.id] = current

    def _number(self, site: SiteBase, doc: Doc, rng: random.Random) -> None:
        """Doc number (文号) for files and index number (索引号), continuing per-body serials."""
        sid = site.spec.id
        if doc.doctype == "file":
            prefix = f"{site.spec.abbr}{texts.DEPTS[doc.publisher_key][1]}发"
            year = (doc.written or doc.published or doc.created).year
            key = (sid, "no", prefix, year)
            self._serial[key] = self._serial.get(key, rng.randint(0, 4)) + rng.randint(1, 6)
            doc.doc_number = f"{prefix}〔{year}〕{self._serial[key]}号"
        if site.shows_index and doc.published:
            year = doc.published.year
            key = (sid, "idx", doc.publisher_key, year)
            self._serial[key] = self._serial.get(key, rng.randint(0, 30)) + rng.randint(1, 9)
            doc.index_number = f"{self._credit_code(site, doc.publisher_key)}/{year}-{self._serial[key]:05d}"

    def _credit_code(self, site: SiteBase, pkey: str) -> str:
        rng = random.Random(f"{self.seed}:{site.spec.id}:credit:{pkey}")
        return f"11{site.spec.region_code}MB{rng.randrange(10**6, 10**7)}{rng.choice('0123456789X')}"

    def _finish(self, site: SiteBase, doc: Doc) -> None:
        """Build the URL, attachment URLs and the truth record of a numbered document."""
        tmp = DocTruth(site.spec.id, doc.column.truth.path, "", doc.title, doc.published, doc.published,
                       doc.written, doc.doc_number, doc.index_number if site.shows_index else None,
                       doc.publisher, texts.CATEGORY[doc.kind] if site.shows_category else None)
        doc.truth = tmp
        tmp.url_path = site.doc_url(doc)
        rng = random.Random(f"{doc.seed}:att")
        for i, (label, ext) in enumerate(doc.attachment_labels):
            url = site.attachment_url(doc, i, ext, rng)
            tmp.attachments.append(url)
            site.attachments[url] = (doc, label)
        site.docs[tmp.url_path] = doc

    def _apply_post_plants(self, site: SiteBase) -> None:
        for col in site.columns:
            if (site.spec.id, col.key) == LIBRARY:
                for i, doc in enumerate(col.docs):
                    doc.validity = doc.truth.validity = None if i == UNMARKED_POSITION else "有效"
                newest, oldest = col.docs[0], col.docs[-1]
                # the newest is the revision of the oldest, which it repeals
                rule = oldest.title.split("关于印发", 1)[1].removesuffix("的通知")
                newest.title = newest.truth.title = (f"{newest.publisher}关于印发{rule}（{newest.published.year}年修订）"
                                                     "的通知")
                newest.extra_paragraphs = [f"本办法自印发之日起施行，《{oldest.title}》（{oldest.doc_number}）同时废止。"]
            if (site.spec.id, col.key) in DEAD:
                doc = col.docs[DEAD[(site.spec.id, col.key)][0]]
                doc.served = 404
                t = doc.truth
                for a in t.attachments:
                    site.attachments.pop(a, None)
                t.published = t.written = t.doc_number = t.index_number = t.publisher = t.category = None
                t.attachments = []
                t.status = 404

    def _record_planted(self) -> None:
        by_key = {(s.spec.id, c.key): (s, c) for s in self._sites for c in s.columns}

        def col_of(key):
            return by_key[key][1]

        self.planted = [Planted(
            "column-missing", MISSING_AREA[0], None, MISSING_AREA[1], None,
            "示例市人民政府's 信息公开目录 has no column for 社会救助 under any accepted name "
            "(社会救助, 社会救助和社会福利, 低保)")]
        for key, note in EMPTY.items():
            c = col_of(key)
            self.planted.append(Planted("column-empty", key[0], c.truth.path, c.truth.catalog_area, c.truth.url_path, note))
        for key in STALE:
            c = col_of(key)
            newest = max(d.truth.list_date for d in c.docs if d.truth.list_date)
            self.planted.append(Planted(
                "column-stale", key[0], c.truth.path, c.truth.catalog_area, c.truth.url_path,
                f"newest entry dated {newest.isoformat()}; nothing since 2021"))
        c = col_of(MISMATCH)
        self.planted.append(Planted(
            "content-mismatch", MISMATCH[0], c.truth.path, c.truth.catalog_area, c.truth.url_path,
            "the 生态环境 column holds meeting and leadership news (常务会议, 调研, 会见), no environment content"))
        for key, positions in LATE.items():
            c = col_of(key)
            for pos in positions:
                d = c.docs[pos]
                days = workdays_between(d.written, d.published)
                self.planted.append(Planted(
                    "late-publication", key[0], c.truth.path, c.truth.catalog_area, d.url_path,
                    f"list position {pos + 1}: written {d.written.isoformat()}, published "
                    f"{d.published.isoformat()}: {days} working days later"))
        c = col_of(MISSING_DATE)
        d = c.docs[MISSING_DATE_POSITION]
        self.planted.append(Planted(
            "missing-date", MISSING_DATE[0], c.truth.path, c.truth.catalog_area, d.url_path,
            "no date beside the list entry and no 发布时间 on the page; <meta name=\"PubDate\"> there is "
            "the page generation time, not a publication date"))
        for key, (pos, note) in DEAD.items():
            c = col_of(key)
            self.planted.append(Planted("dead-link", key[0], c.truth.path, c.truth.catalog_area, c.docs[pos].url_path,
                                        note))
        self.planted.append(Planted(
            "normative-library-missing", LIBRARY_MISSING, None, LEGAL_PARENT, None,
            "黑龙江省 requires a library of the normative documents in force (2022 要点第（8）项); 示例市人民政府's "
            "信息公开目录 has no such column (现行有效规范性文件, 行政规范性文件, 规范性文件库 …)"))
        c = col_of(LIBRARY)
        unmarked, newest, oldest = c.docs[UNMARKED_POSITION], c.docs[0], c.docs[-1]
        self.planted.append(Planted(
            "validity-unmarked", LIBRARY[0], c.truth.path, LEGAL_PARENT, unmarked.url_path,
            f"list position {UNMARKED_POSITION + 1} ({unmarked.doc_number}) prints no 效力状态; every other document "
            "of the library prints 效力状态：有效"))
        self.planted.append(Planted(
            "validity-stale", LIBRARY[0], c.truth.path, LEGAL_PARENT, oldest.url_path,
            f"the oldest document ({oldest.doc_number}, {oldest.published}) still prints 效力状态：有效; the newest "
            f"({newest.doc_number}, {newest.published}) says 《…》（{oldest.doc_number}）同时废止"))
        c = col_of(ANNUAL_MISSING)
        self.planted.append(Planted(
            "annual-report-missing", ANNUAL_MISSING[0], c.truth.path, c.truth.catalog_area, c.truth.url_path,
            "the 2023 and 2024 reports are listed; the 2025 report (due 2026-03-31) is not"))

    # ------------------------------------------------------------------------------- helpers
    @staticmethod
    def _copy(t: DocTruth) -> DocTruth:
        return dataclasses.replace(t, attachments=list(t.attachments))

    def _doc(self, url_path: str) -> Doc:
        for s in self._sites:
            if url_path in s.docs:
                return s.docs[url_path]
        raise KeyError(f"no document at {url_path!r}")

    def _site_of(self, doc: Doc) -> SiteBase:
        for s in self._sites:
            if doc.column in s.columns:
                return s
        raise KeyError(doc.title)

    def _columns_for(self, selector: str | None) -> list[tuple[SiteBase, Column]]:
        gaps = {*EMPTY, *STALE, MISMATCH, *LATE, ANNUAL_MISSING, MISSING_DATE, *DEAD, LIBRARY}
        if selector is None:
            out = [(s, c) for s in self._sites for c in s.columns
                   if c.kind in CONTENT_KINDS and (s.spec.id, c.key) not in gaps]
        else:
            out = [(s, c) for s in self._sites for c in s.columns
                   if selector in (c.truth.path, c.truth.name, c.truth.url_path, f"{s.spec.id}/{c.truth.path}")]
        if not out:
            raise KeyError(f"no demo column matches {selector!r}")
        # interleave the sites so that consecutive additions land on different portals
        rank = {id(c): i for s in self._sites for i, c in enumerate(s.columns)}
        site_rank = {id(s): i for i, s in enumerate(self._sites)}
        seen: dict[int, int] = {}
        keyed = []
        for s, c in out:
            k = seen.get(id(s), 0)
            seen[id(s)] = k + 1
            keyed.append(((k, site_rank[id(s)], rank[id(c)]), (s, c)))
        return [sc for _, sc in sorted(keyed, key=lambda x: x[0])]

    def _index_page(self, host: str | None) -> str:
        rows = "".join(
            f'<li><a href="{s.entry_path}">{esc(s.name)}</a> — {esc(s.id)}, {esc(s.level)}, {esc(s.region)}, '
            f'{esc(s.encoding)}</li>' for s in self.sites)
        return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>zwgk demo portal</title></head>
<body><h1>zwgk demo portal</h1>
<p>Synthetic government portals for testing (scale {self.scale}, seed {self.seed}, as of {DEMO_AS_OF}).</p>
<ul>{rows}</ul>
<p>Sites config: <a href="/sites.yaml">/sites.yaml</a></p>
</body></html>"""
