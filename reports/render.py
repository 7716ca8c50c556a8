"""Render one run of the store as a static HTML site (jinja2, autoescaped), readable offline.

Pages: ``index.html`` (every site: score, coverage, findings per rule, trend), ``changes.html``
(what changed since each site's previous run), ``matrix.html`` (sites x catalog areas), one
``site-<id>.html`` per site (coverage matrix, findings by rule, changes, column freshness, fetch
errors) and, for lists longer than a page preview, ``site-<id>_<list>_<n>.html`` pages of at most
``PAGE_ROWS`` rows. ``style.css`` and ``report.js`` (sort and filter, no dependency) sit beside them.
"""
from __future__ import annotations

import multiprocessing
import queue
import re
import shutil
import threading
import time
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from markupsafe import escape as markup_escape

from checks import wording
from checks.zh import beijing_time, zh_date
from crawler import store
from crawler.errors import KIND_NAMES, TARGET_NAMES
from reports import i18n
from reports.common import (BIDI_CONTROLS, LEVEL_NAMES, RULE_NAMES, SEVERITY_NAMES, STATUS_NAMES, escape,
                            is_http_url, rule_order, slug, without_gc_pauses)
from checks.catalog import catalog_order
from checks.score import ESTIMATE_NOTE, VETO_INDICATORS
from reports.evidence import (archive_lines, db_path_of, index_rows, read_views, remove_stale_views,
                              run_index_rows, view_links, write_view_files)
from reports.model import AREA_STATUSES, load_aggregates, load_report, region_of
from reports.svg import bar_chart, histogram, new_fixed_chart, sparkline, stacked_runs, trend_chart

__all__ = ["render_report", "RULE_NAMES", "LEVEL_NAMES", "STATUS_NAMES", "PAGE_ROWS", "PREVIEW_ROWS"]

PAGE_ROWS = 500       # rows per list page: bounds every page's size whatever the run's size
PREVIEW_ROWS = 20     # rows of each list shown on a site page before "all N" (the site page has a dozen lists)
FINDINGS_PAGE_ROWS = PAGE_ROWS  # the cross-site findings list: one page up to this many rows (findings_plan)
ASSETS = ("style.css", "report.js")
TEMPLATES = Path(__file__).parent / "templates"
STATUS_MARKS = {"missing": "✗", "empty": "○", "stale": "◔", "mismatch": "≠", "problem": "!", "unread": "?",
                "has": "✓", "na": "–"}


def site_page(site_id: str) -> str:
    return f"site-{slug(site_id)}.html"


def list_page(site_id: str, kind: str, number: int) -> str:
    # "_" never occurs in a slug or a rule id, so these names cannot collide with a site page.
    return f"site-{slug(site_id)}_{slug(kind)}_{number}.html"


_PLAIN = re.compile("[^&<>\"'" + BIDI_CONTROLS.pattern[1:] + "*")


def _text_html(value) -> str:
    """Escaped text; text carrying bidi controls (U+202E ...) is isolated in ``<bdi>`` so that it cannot
    reverse or reorder what the page prints around it."""
    text = str(value)
    if _PLAIN.fullmatch(text):   # most text: nothing to escape, nothing to isolate
        return text
    text = escape(text)
    return f"<bdi>{text}</bdi>" if BIDI_CONTROLS.search(text) else text


def _isolate_bidi(value):
    """jinja2 ``finalize``: every ``{{ value }}`` that prints stored text with bidi controls goes in
    ``<bdi>``; markup built by the report's own helpers (links, evidence) isolates its text itself."""
    if isinstance(value, str) and not isinstance(value, Markup) and BIDI_CONTROLS.search(value):
        return Markup(_text_html(value))
    return value


def _expr_html(value) -> str:
    """``value`` as ``{{ value }}`` prints it in the templates: finalize (``_isolate_bidi``), then autoescape."""
    return str(markup_escape(_isolate_bidi(value)))


def _link_html(url, text=None, cls=None) -> str:
    label = _text_html(url if text is None else text)
    if not is_http_url(url):
        # Not a web address (javascript:, data:, a relative path): shown as text beside its label.
        return label if not url or text is None or str(url) == str(text) else f'{label} <code>{_text_html(url)}</code>'
    attr = f' class="{escape(cls)}"' if cls else ""
    return f'<a href="{escape(url.strip())}" rel="noreferrer noopener"{attr}>{label}</a>'


def link(url, text=None, cls=None) -> Markup:
    """An escaped link when ``url`` is http(s); anything else (javascript:, data:...) is shown as text."""
    return Markup(_link_html(url, text, cls))


def evidence_html(finding: dict) -> Markup:
    """The evidence cell of a finding: its page, then the link to its archived copy
    (``reports.evidence.archive_lines``), then its rule's wording (``checks.wording``) with each URL it
    names linked. Built with ``escape`` rather than in a macro: it is one cell of every row of every
    findings table."""
    head, tail = _evidence_parts(finding)
    return Markup("\n".join([*head, *archive_lines(finding), *tail]))


def _evidence_parts(finding: dict) -> tuple[list[str], list[str]]:
    """The lines of ``evidence_html`` before and after the archive lines: all of the cell that does not
    depend on which archived pages the report could read."""
    head, tail = [], []
    main = finding.get("url") or finding.get("column_url")
    if main:
        head.append(f'<div class="page">{_link_html(main)}</div>')
    for line in wording.evidence_lines(finding):
        if len(line) == 2 and line[1][1] == main and line[1][0] == main:
            continue  # "页面：<the finding's page>" is the link above
        tail.append('<div class="sub">' + "".join(_link_html(url, text) if url else _text_html(text)
                                                  for text, url in line) + "</div>")
    return head, tail


class _Rows:
    """The rows of the report's long tables (findings, documents, fetch errors; each site's coverage
    and column tables) as HTML built in Python: a run of a province has tens of thousands of
    findings, each shown in its site's lists, among the new findings and on the cross-site list, and
    a jinja2 macro per row and a filter per cell cost most of the render. Each finding's cells are built once (kept in the finding under
    ``_html_<lang>``) and joined into every table that lists it. Text is escaped as the templates
    escape it (``_text_html``: bidi controls isolated); attribute values with ``escape``."""

    def __init__(self, lang: str, t, rules: dict, day, when, target_names: dict, kind_names: dict):
        self.lang, self.t, self.rules = lang, t, rules
        self.day = lru_cache(maxsize=None)(lambda value: _text_html(day(value)))
        self.when = lru_cache(maxsize=None)(lambda value: _text_html(when(value)))
        self.basis = lru_cache(maxsize=None)(lambda text: _text_html(wording.dedupe_basis(text)))
        self.target_names, self.kind_names = target_names, kind_names
        # Names, areas and column links recur on thousands of rows: each escaped once.
        self.text = lru_cache(maxsize=65536)(_text_html)
        self.link = lru_cache(maxsize=65536)(_link_html)
        # The site tables' values (areas, statuses, dates, counts) recur too; typed: 1 and True differ.
        self.expr = lru_cache(maxsize=65536, typed=True)(_expr_html)
        self.day_text = day
        # The fixed words of the site tables, escaped as the templates escaped them.
        self.static = {"not_required": f'<div class="sub">{_expr_html(t("not_required"))}</div>',
                       "unmapped": f'<span class="sub">{_expr_html(t("unmapped"))}</span>',
                       "shown_empty": _expr_html(t("shown_empty")), "unread_text": _expr_html(t("unread"))}
        self.key = f"_html_{lang}"
        self.label = {k: escape(t(k), quote=True) for k in (
            "rule", "column", "catalog", "problem", "evidence", "date", "basis", "site", "region", "severity")}

    def _rule_cell(self, rule) -> str:
        name = self.text(self.rules.get(rule, rule))
        return name if self.lang == "zh" else f'{name}<div class="sub"><code>{self.text(rule)}</code></div>'

    def cells(self, f: dict) -> dict:
        """The cells of one finding, built on first use."""
        cells = f.get(self.key)
        if cells is None:
            label = self.label
            column = self.link(f.get("column_url"), f["column_name"]) if f.get("column_name") else "—"
            area = f.get("catalog_area")
            date = f.get("date")
            esc_date = escape(date or "", quote=True)
            sev = f.get("severity") or ""
            cells = f[self.key] = {
                "sev": escape(sev, quote=True),
                "rule": self._rule_cell(f["rule"]),
                "column": column,
                "area": self.text(area) if area else "",
                "message": _text_html(f.get("message") or ""),
                "evidence": None,   # on first use: the archive line needs the views read (evidence)
                "parts": _evidence_parts(f),
                "date": f'<td class="date" data-label="{label["date"]}" data-sort="{esc_date}">'
                        f'{self.day(date)}</td>',
            }
        return cells

    def evidence(self, f: dict, cells: dict) -> str:
        """The evidence cell (``evidence_html``) of a finding, its archive link as ``f`` holds it now."""
        text = cells["evidence"]
        if text is None:
            head, tail = cells["parts"]
            text = cells["evidence"] = "\n".join([*head, *archive_lines(f), *tail])
        return text

    def shared_basis(self, rows) -> Markup | None:
        """The legal basis of a findings table whose rows all rest on the same one (a rule's list,
        usually): printed once above the table instead of in every row. None when they differ."""
        bases = {f.get("basis") or "" for f in rows}
        if len(bases) != 1:
            return None
        text = self.basis(bases.pop())
        return Markup(text) if text else None

    def findings(self, rows, show_rule=False, offset=0, basis=True) -> Markup:
        """``<tr>`` rows of a site's findings table (_macros.html findings_table); ``basis``: with the
        column of legal bases (without it when the table prints its shared basis above)."""
        label, out = self.label, []
        for n, f in enumerate(rows, start=offset + 1):
            c = self.cells(f)
            rule = f'<td data-label="{label["rule"]}">{c["rule"]}</td>\n' if show_rule else ""
            basis_cell = (f'<td class="basis" data-label="{label["basis"]}">{self.basis(f.get("basis"))}</td>\n'
                          if basis else "")
            out.append(
                f'<tr class="sev-{c["sev"]}">\n<td class="num" data-label="#">{n}</td>\n{rule}'
                f'<td data-label="{label["column"]}">{c["column"]}</td>\n'
                f'<td data-label="{label["catalog"]}">{c["area"] or "—"}</td>\n'
                f'<td data-label="{label["problem"]}">{c["message"]}</td>\n'
                f'<td class="evidence" data-label="{label["evidence"]}">{self.evidence(f, c)}</td>\n'
                f'{c["date"]}\n{basis_cell}</tr>\n')
        return Markup("".join(out))

    def all_findings(self, rows, offset=0) -> Markup:
        """``<tr>`` rows of the cross-site findings list (findings.html): ``rows`` of (site, finding)."""
        label, out, sites = self.label, [], {}
        esc = escape
        for n, (s, f) in enumerate(rows, start=offset + 1):
            site = sites.get(s.id)
            if site is None:
                region = region_of(s)
                site = sites[s.id] = (esc(region, quote=True), esc(s.level or "", quote=True),
                                      esc(site_page(s.id), quote=True), _text_html(s.name), _text_html(region))
            region_attr, level_attr, page, name, region = site
            c = self.cells(f)
            sev = f.get("severity")
            columns = esc(f"{f.get('column_name') or ''} {f.get('catalog_area') or ''}", quote=True)
            area = f'<div class="sub">{c["area"]}</div>' if c["area"] else ""
            out.append(
                f'<tr class="sev-{c["sev"]}" data-rule="{esc(f["rule"], quote=True)}" data-region="{region_attr}" '
                f'data-level="{level_attr}" data-severity="{c["sev"]}" data-column="{columns}">\n'
                f'<td class="num" data-label="#">{n}</td>\n'
                f'<td data-label="{label["site"]}"><a href="{page}#rule-{esc(f["rule"], quote=True)}">{name}</a></td>\n'
                f'<td data-label="{label["region"]}">{region}</td>\n'
                f'<td data-label="{label["rule"]}">{self.text(self.rules.get(f["rule"], f["rule"]))}</td>\n'
                f'<td data-label="{label["severity"]}" data-sort="{SEVERITY_SORT.get(sev, 3)}">'
                f'{self.text(SEVERITY_NAMES.get(sev, sev or ""))}</td>\n'
                f'<td data-label="{label["column"]}">{c["column"]}{area}</td>\n'
                f'<td data-label="{label["problem"]}" class="evidence">{c["message"]}{self.evidence(f, c)}</td>\n'
                f'{c["date"]}\n</tr>\n')
        return Markup("".join(out))

    def areas(self, site) -> Markup:
        """``<tr>`` rows of a site's coverage table (site.html), as the template printed them."""
        t, e, out = self.t, self.expr, []
        for a in site.areas:
            status = a.status
            mark = self.link(a.link, STATUS_MARKS[status], "mark") if status != "na" else e(STATUS_MARKS[status])
            columns = "<br>".join(self.link(c.url, c.name) for c in a.columns) or "—"
            tags = "".join(f'<a class="tag" href="#rule-{e(f["rule"])}">{e(self.rules.get(f["rule"], f["rule"]))}</a>'
                           for f in a.findings)
            days = a.days_since
            out.append(
                f'<tr>\n<td>{e(a.section)}</td><td>{e(a.name)}'
                f'{"" if a.required else self.static["not_required"]}</td>\n'
                f'<td class="st st-{e(status)}" data-sort="{AREA_STATUSES.index(status)}">{mark} {e(t("st_" + status))}</td>\n'
                f'<td>{columns}</td>\n<td class="num">{e(_num(a.entries))}</td>\n'
                f'<td class="date" data-sort="{e(a.newest or "")}">{e(self.day_text(a.newest))}</td>\n'
                f'<td class="num" data-sort="{e(days if days is not None else "")}">{e(_num(days))}</td>\n'
                f'<td>{tags}</td>\n</tr>\n')
        return Markup("".join(out))

    def columns(self, site) -> Markup:
        """``<tr>`` rows of a site's column freshness table (site.html), as the template printed them."""
        e, out = self.expr, []
        for c in site.columns:
            if c.area:
                area = f'{e(c.area)}<div class="sub">{e(c.mapping_reason or "")}</div>'
            else:
                area = self.static["unmapped"]
            entries = c.entries
            shown = f'<div class="sub">{self.static["shown_empty"]}：{e(c.empty_evidence)}</div>' if c.empty_evidence else ""
            days = c.days_since
            bad = " bad" if days is not None and days > 365 else ""
            tags = "".join(f'<span class="tag">{e(self.rules.get(r, r))}</span>' for r in c.rules)
            flagged = ' class="flagged"' if c.rules else ""
            out.append(
                f'<tr{flagged}>\n<td>{self.link(c.url, c.name)}</td>\n'
                f'<td class="sub">{e(c.path or "")}</td>\n<td>{area}</td>\n'
                f'<td class="num" data-sort="{e(entries if entries is not None else "")}">'
                f'{self.static["unread_text"] if entries is None else e(entries)}{shown}</td>\n'
                f'<td class="num">{e(c.new_entries if c.new_entries is not None else "")}</td>\n'
                f'<td class="num">{e(c.pages)}</td>\n'
                f'<td class="date" data-sort="{e(c.newest_date or "")}">{e(self.day_text(c.newest_date))}</td>\n'
                f'<td class="num{bad}" data-sort="{e(days if days is not None else "")}">{e(_num(days))}</td>\n'
                f'<td>{tags}</td>\n</tr>\n')
        return Markup("".join(out))

    def docs(self, rows, offset=0) -> Markup:
        """``<tr>`` rows of a documents table (new documents, listings taken down)."""
        out, day, esc = [], self.day, escape
        for n, d in enumerate(rows, start=offset + 1):
            column = self.link(d.get("column_url"), d["column_name"]) if d.get("column_name") else "—"
            title = _link_html(d.get("url"), d.get("title") or d.get("list_title") or d.get("url"))
            dates = "".join(f'<td class="date" data-sort="{esc(d.get(k) or "", quote=True)}">{day(d.get(k))}</td>\n'
                            for k in ("published", "written", "list_date"))
            out.append(f'<tr>\n<td class="num">{n}</td>\n<td>{column}</td>\n<td class="evidence">{title}</td>\n'
                       f'{dates}</tr>\n')
        return Markup("".join(out))

    def errors(self, rows, offset=0) -> Markup:
        """``<tr>`` rows of a fetch-errors table."""
        out, esc = [], escape
        for n, e in enumerate(rows, start=offset + 1):
            target, kind = e.get("target"), e.get("kind")
            what = (_text_html(self.target_names.get(target, target or "")) + "："
                    + _text_html(self.kind_names.get(kind, kind or ""))
                    + (f'（HTTP {_text_html(e["status"])}）' if e.get("status") else ""))
            out.append(f'<tr><td class="num">{n}</td><td class="evidence">{_link_html(e.get("url"))}</td>'
                       f'<td>{what}</td><td>{_text_html(e.get("message") or "")}</td>'
                       f'<td class="date" data-sort="{esc(e.get("at") or "", quote=True)}">{self.when(e.get("at"))}</td></tr>\n')
        return Markup("".join(out))


SEVERITY_SORT = {"high": 0, "medium": 1, "low": 2}


@lru_cache(maxsize=None)
def environment(lang: str = "zh") -> Environment:
    t = i18n.translator(lang)
    rules = RULE_NAMES if lang == "zh" else {**RULE_NAMES, **i18n.RULE_NAMES_EN}
    levels = LEVEL_NAMES if lang == "zh" else {**LEVEL_NAMES, **i18n.LEVEL_NAMES_EN}
    statuses = STATUS_NAMES if lang == "zh" else {**STATUS_NAMES, **i18n.STATUS_NAMES_EN}
    # auto_reload off: the templates ship with the package, and a render of a province's run asks for
    # them for each of its thousand pages (each ask would stat the template files again).
    env = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(["html"]), auto_reload=False,
                      trim_blocks=True, lstrip_blocks=True, finalize=_isolate_bidi)

    def pct(value, digits=0):
        return "—" if value is None else f"{value:.{digits}f}%"

    def trend_label(run, value, score):
        extra = t("trend_score", score=_num(score)) if score is not None else ""
        return t("trend_point", run=run, findings=value, score=extra)

    env.globals.update(
        t=t, lang=lang, rule_names=rules, level_names=levels, status_names=statuses, severity_names=SEVERITY_NAMES,
        rule_name=lambda r: rules.get(r, r), link=link, site_page=site_page, list_page=list_page,
        evidence_html=evidence_html, basis=wording.basis, kind_names=KIND_NAMES if lang == "zh" else {}, target_names=TARGET_NAMES if lang == "zh" else {},
        statuses=AREA_STATUSES, status_marks=STATUS_MARKS,
        spark=lambda pts: sparkline(pts, label=trend_label),
        chart=lambda pts: trend_chart(pts, label=trend_label),
        has_score=lambda pts: any(p[2] is not None for p in pts),
        preview_rows=PREVIEW_ROWS, page_rows=PAGE_ROWS, estimate_note=ESTIMATE_NOTE,
        veto_indicators=VETO_INDICATORS, region_of=region_of,
    )
    # <title> holds text only, no <bdi>: bidi controls are dropped there.
    def day(value):
        if not value:
            return "—"
        return zh_date(value) if lang == "zh" else str(value)[:10]

    def when(value):
        if not value:
            return "—"
        return beijing_time(value) if lang == "zh" else str(value)[:19].replace("T", " ")

    env.filters.update(pct=pct, num=_num, day=day, when=when, title_text=lambda v: BIDI_CONTROLS.sub("", str(v)))
    # Rows of the long tables, for the macros of _macros.html (which see the globals, not a page's context).
    env.globals["table_rows"] = _Rows(lang, t, rules, day, when, env.globals["target_names"], env.globals["kind_names"])
    return env


def _num(value):
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)


class _Writer:
    """Writes pages and remembers the largest, so tests and the benchmark can bound page size."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.largest = (0, "")
        self.pages = 0
        self.written: set[str] = set()

    def write(self, name: str, text: str) -> None:
        data = text.encode("utf-8")
        (self.out_dir / name).write_bytes(data)
        self.written.add(name)
        self.pages += 1
        if len(data) > self.largest[0]:
            self.largest = (len(data), name)

    def add(self, other: "_Writer") -> None:
        """Count the pages another writer (a helper process's) wrote."""
        self.written |= other.written
        self.pages += other.pages
        self.largest = max(self.largest, other.largest)


def _pages(rows: list, size: int) -> list[list]:
    return [rows[i:i + size] for i in range(0, len(rows), size)] or [[]]


def findings_plan(report, size: int) -> list[dict]:
    """The pages of the cross-site findings list (问题清单). Up to ``size`` findings: one page,
    findings.html, filtered in the page by rule, region, level, severity and column. Above: one page
    per rule, and a rule with more than ``size`` findings one page per region (市) of its sites, cut
    into pages of ``size``; findings.html is the first. An inspector asks "this problem in this
    city" ("all empty columns in 甲市"): each such question is one page, or a few in a row, and the
    rule and region choosers open it, carrying the other filters along (report.js)."""
    rows = [(s, f) for s in report.sites for f in s.findings]
    if len(rows) <= size:
        return [{"rule": None, "region": None, "page": 1, "pages": 1, "name": "findings.html", "rows": rows,
                 "offset": 0}]
    by_rule: dict[str, list] = {}
    for s, f in rows:
        by_rule.setdefault(f["rule"], []).append((s, f))
    region = {s.id: region_of(s) for s in report.sites}
    regions = sorted(set(region.values()))
    plan = []
    for rule in sorted(by_rule, key=rule_order):
        chunk = by_rule[rule]
        groups = [(None, chunk)]
        if len(chunk) > size:
            by_region: dict[str, list] = {}
            for s, f in chunk:
                by_region.setdefault(region[s.id], []).append((s, f))
            groups = [(r, by_region[r]) for r in regions if r in by_region]
        for name, group in groups:
            where = f"-r{regions.index(name) + 1}" if name is not None else ""
            pages = _pages(group, size)
            for n, page in enumerate(pages, start=1):
                plan.append({"rule": rule, "region": name, "page": n, "pages": len(pages), "rows": page,
                             "name": f"findings-{slug(rule)}{where}-{n}.html", "offset": (n - 1) * size,
                             "count": len(group)})
    plan[0]["name"] = "findings.html"
    return plan


def _write_findings(env, writer, common, report, plan) -> None:
    """Write the pages of ``findings_plan``."""
    facets = {
        "facet_rules": [r for r in report.rules_seen if report.by_rule.get(r)],
        "facet_regions": sorted({region_of(s) for s in report.sites}),
        "facet_levels": sorted({s.level for s in report.sites if s.level}),
    }
    total = sum(len(p["rows"]) for p in plan)
    split = len(plan) > 1
    # For the choosers of a split list: the first page of each rule, and of each region of a rule.
    rule_pages, region_pages = {}, {}
    for p in plan:
        rule_pages.setdefault(p["rule"], p["name"])
        if p["region"] is not None:
            region_pages.setdefault(p["rule"], {}).setdefault(p["region"], (p["name"], p["count"]))
    template = env.get_template("findings.html")
    for p in plan:
        pages = [q["name"] for q in plan if q["rule"] == p["rule"] and q["region"] == p["region"]] if split else []
        writer.write(p["name"], template.render(
            **common, **facets, rows=p["rows"], total=total, part=p, split=split, offset=p["offset"],
            rule_pages=[(r, rule_pages[r], report.by_rule[r]) for r in facets["facet_rules"]] if split else [],
            region_pages=region_pages.get(p["rule"], {}), page_names=pages))


def render_report(db, run_id: int, out_dir: str | Path, *, lang: str = "zh", notice: str | Path | None = None,
                  parallel: bool = True) -> Path:
    """Write the static report of ``run_id`` into ``out_dir``; returns the path of ``index.html``.
    ``notice``: also write the notice draft (reports.notice) there, from the same reading of the store."""
    return render_report_stats(db, run_id, out_dir, lang=lang, notice=notice, parallel=parallel)["index"]


def render_report_stats(db, run_id: int, out_dir: str | Path, *, lang: str = "zh", notice: str | Path | None = None,
                        parallel: bool = True) -> dict:
    """``render_report`` plus what it wrote and how long its parts took: {index, pages, largest_bytes,
    largest_page, views, load_seconds (reading the store), helper_seconds (the first helper's work,
    see ``_Helper``: counting the aggregates, reading the archived pages and writing their views),
    waited_seconds (this process waiting for the archived pages' links), waited_end_seconds (waiting
    for the helpers to finish after its own pages)}. ``parallel`` False: the helpers are threads."""
    with without_gc_pauses():
        return _render(db, run_id, Path(out_dir), lang, notice, parallel)


class HelperFailed(RuntimeError):
    """The helper process of a report ended without its result (killed, out of memory)."""


def _run_helper(work, conn, inbox) -> None:
    """The helper: ``work(tell, ask)``, each message and the result (or the exception) sent up;
    ``ask()`` waits for the value the report ``send``s."""
    def tell(value):
        conn.send(("told", value))

    try:
        result = ("ok", work(tell, inbox.recv))
    except BaseException as exc:  # handed to the parent, which raises it
        result = ("error", exc)
    try:
        conn.send(result)
    except Exception as exc:  # an exception that does not pickle: its text
        conn.send(("error", HelperFailed(f"{type(result[1]).__name__}: {result[1]} ({exc})")))
    conn.close()


class _Channel:
    """Both ends of a one-way pipe between threads: a helper thread's messages."""

    def __init__(self):
        self.queue = queue.SimpleQueue()
        self.send, self.recv = self.queue.put, self.queue.get

    def close(self) -> None:
        pass


class _Helper:
    """Part of a report made in a second process while this one makes the rest: the machine's second
    core. ``work(tell, ask)`` runs in a child forked from this process, so it starts with everything
    loaded here (the report's model, when forked after it) without reading the store again; it must
    not use this process's database connection (a connection survives neither a fork nor a move to
    another thread: it opens its own, ``crawler.store.location_of``), and its result comes back
    pickled. ``tell(value)`` hands a value to this process before the work ends (``told``); ``ask()``
    waits for a value this process hands down (``send``). Where fork is not available, in a daemonic
    process (which may not start one), or with ``parallel`` False, the work runs in a thread of this
    process instead (one core then, but for what releases the GIL), its messages passed as they come."""

    def __init__(self, work, parallel: bool = True):
        self.child = self.thread = None
        if (not parallel or "fork" not in multiprocessing.get_all_start_methods()
                or multiprocessing.current_process().daemon):
            self.conn, self.outbox = _Channel(), _Channel()
            self.thread = threading.Thread(target=_run_helper, args=(work, self.conn, self.outbox), daemon=True)
            self.thread.start()
            return
        context = multiprocessing.get_context("fork")
        self.conn, send = context.Pipe(duplex=False)
        inbox, self.outbox = context.Pipe(duplex=False)
        self.child = context.Process(target=_run_helper, args=(work, send, inbox), daemon=True)
        self.child.start()
        send.close()
        inbox.close()

    def send(self, value) -> None:
        """Hand ``value`` to the work's ``ask()``."""
        self.outbox.send(value)

    def _next(self):
        try:
            return self.conn.recv()
        except EOFError:
            self.child.join()
            raise HelperFailed(f"the report's helper process ended without a result "
                               f"(exit code {self.child.exitcode})") from None

    def _expect(self, kind: str):
        got, value = self._next()
        if got == "error":
            raise value
        if got != kind:
            raise HelperFailed(f"the report's helper process sent {got!r} where {kind!r} was due")
        return value

    def told(self):
        return self._expect("told")

    def result(self):
        return self._expect("ok")

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        if self.thread is not None:
            if exc[0] is not None:   # the report failed: a work waiting in ask() gets None and ends
                self.outbox.send(None)
            else:
                self.thread.join()
        if self.child is not None:
            self.conn.close()
            self.outbox.close()
            if exc[0] is not None and self.child.is_alive():   # the report failed: its other half is of no use
                self.child.kill()
            self.child.join()


def _render(db, run_id: int, out_dir: Path, lang: str, notice, parallel: bool) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    env = environment(lang)
    started = time.perf_counter()
    # The helpers' connections to the store (of their own: see _Helper) and what its files are named after.
    location, base = store.location_of(db), db_path_of(db)

    def helper(tell, ask):
        """On a connection of its own, while this process reads the rest of the store: counts the
        report's aggregates (``load_aggregates``) and tells them, then reads the archived pages the
        run's findings rest on; once told which records the report shows, reads those of findings
        fixed since the previous run (their own run's pages), tells the views' links (which records
        can be read decides each finding's link), then writes the views: once per archived record
        whatever the number of findings citing it (evidence/p<n>.html, reports.evidence.VIEWS_PER_FILE
        a file). Returns the files written and the seconds it worked (not counting the wait for the
        report's records)."""
        started = time.perf_counter()
        own = store.connect(location, create=False)
        try:
            tell(load_aggregates(own, run_id))
            archived = run_index_rows(own, run_id)
            views = read_views(base, archived)
            asked = time.perf_counter()
            shown_ids = ask()
            worked = asked - started
            started = time.perf_counter()
            more = index_rows(own, shown_ids - {row["id"] for row in archived})
        finally:
            own.conn.close()
        views = sorted([v for v in views if v[0]["id"] in shown_ids] + read_views(base, more),
                       key=lambda view: view[0]["id"])
        tell(view_links(views))
        return write_view_files(views, out_dir), worked + time.perf_counter() - started

    with _Helper(helper, parallel) as helping:
        report = load_report(db, run_id, aggregates=helping.told)
        shown = [f for site in report.sites for f in (*site.findings, *site.resolved_findings)]
        helping.send({f["record_id"] for f in shown if f.get("record_id") is not None})
        load_seconds = time.perf_counter() - started
        writer = _Writer(out_dir)
        common = {"run": report.run, "report": report, "as_of": report.as_of}
        # Meanwhile, each finding's cells but its archive link: the costliest part of the pages.
        rows = env.globals["table_rows"]
        for f in shown:
            rows.cells(f)
        started = time.perf_counter()
        links = helping.told()
        waited = time.perf_counter() - started
        for f in shown:
            f["archive_href"] = links.get(f.get("record_id"))
        plan = findings_plan(report, FINDINGS_PAGE_ROWS)

        queue = _Queue(len(report.sites))

        def pages(tell, ask):
            """The cross-site findings list, the notice draft, then sites from the queue: a second
            helper that starts with every cell built."""
            own = _Writer(out_dir)
            _write_findings(env, own, common, report, plan)
            if notice:
                from reports.notice import notice_data, write_notice_of   # python-docx: only for a draft

                conn = store.connect(location, create=False)   # the draft names the runs' dates
                try:
                    draft = notice_data(conn, run_id, report)
                finally:
                    conn.conn.close()
                write_notice_of(draft, notice)
            _write_sites(env, own, common, report, queue)
            return own

        with _Helper(pages, parallel) as listing:
            _write_overview(env, writer, common, report, plan)
            _write_sites(env, writer, common, report, queue)
            started = time.perf_counter()
            writer.add(listing.result())
        view_files, helper_seconds = helping.result()
        waited_end = time.perf_counter() - started
    remove_stale_views(out_dir, view_files)
    for asset in ASSETS:
        shutil.copyfile(TEMPLATES / asset, out_dir / asset)
    # Pages of an earlier report into the same folder (a site or list page this run no longer has).
    for stale in [*out_dir.glob("site-*.html"), *out_dir.glob("findings-*.html")]:
        if stale.name not in writer.written:
            stale.unlink()
    return {"index": out_dir / "index.html", "pages": writer.pages, "largest_bytes": writer.largest[0],
            "largest_page": writer.largest[1], "load_seconds": load_seconds, "helper_seconds": helper_seconds,
            "waited_seconds": waited, "waited_end_seconds": waited_end, "views": len(links)}


class _Queue:
    """The next site to write, shared by the processes writing them (a counter in shared memory that a
    fork inherits): each takes a site when it is free, so the two cores end together."""

    def __init__(self, count: int):
        self.count = count
        self.next = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                                else None).Value("q", 0)

    def take(self) -> int | None:
        with self.next.get_lock():
            number = self.next.value
            self.next.value += 1
        return number if number < self.count else None


def _write_sites(env, writer, common, report, queue: _Queue) -> None:
    """The page and the list pages of each site ``queue`` hands out, until none is left."""
    t = env.globals["t"]
    list_template, site_template = env.get_template("list.html"), env.get_template("site.html")
    while (number := queue.take()) is not None:
        site = report.sites[number]
        lists = {}

        def paged(kind: str, rows: list, template: str, **extra):
            """Write the full list as pages when longer than the preview; return the preview info."""
            if len(rows) <= PREVIEW_ROWS:
                return {"rows": rows, "total": len(rows), "more": None}
            chunks = _pages(rows, PAGE_ROWS)
            for number, chunk in enumerate(chunks, start=1):
                writer.write(list_page(site.id, kind, number), list_template.render(
                    **common, site=site, kind=kind, template=template, rows=chunk, page=number,
                    pages=len(chunks), total=len(rows), offset=(number - 1) * PAGE_ROWS, **extra))
            return {"rows": rows[:PREVIEW_ROWS], "total": len(rows), "more": list_page(site.id, kind, 1)}

        by_rule = {}
        for f in site.findings:
            by_rule.setdefault(f["rule"], []).append(f)
        for rule in sorted(by_rule, key=rule_order):
            lists[("rule", rule)] = paged(rule, by_rule[rule], "findings", heading=env.globals["rule_name"](rule))
        lists["new_findings"] = paged("newf", site.new_findings, "findings", heading=t("new_findings"), show_rule=True)
        lists["resolved_findings"] = paged("resolved", site.resolved_findings, "findings",
                                           heading=t("resolved_findings"), show_rule=True)
        lists["new_docs"] = paged("newdocs", site.new_docs, "docs", heading=t("new_documents"))
        lists["removed"] = paged("removed", site.removed_entries, "docs", heading=t("removed_entries"))
        lists["errors"] = paged("errors", site.errors, "errors", heading=t("fetch_errors"))
        writer.write(site_page(site.id), site_template.render(**common, site=site, lists=lists))


def _write_overview(env, writer, common, report, plan) -> None:
    """The overview, the changes and the matrix."""
    t = env.globals["t"]
    charts = {
        "by_rule": bar_chart([(env.globals["rule_name"](r), n) for r, n in
                              sorted(report.by_rule.items(), key=lambda x: rule_order(x[0]))]),
        "runs_by_rule": stacked_runs(report.run_stats, [r for r in report.rules_seen],
                                     name=env.globals["rule_name"], day=env.filters["day"]),
        "new_fixed": new_fixed_chart(report.run_stats, day=env.filters["day"], labels=(t("new_findings"), t("resolved_findings"))),
        "scores": histogram([s.score["score"] for s in report.sites if s.score], unit=t("sites_unit")),
        "regions": bar_chart([(r["name"].rsplit("/", 1)[-1] or "—", r["rate"]) for r in report.regions
                              if r["rate"] is not None], percent=True),
    }
    # The overview links each rule's part of the findings list: its page, or the filter in the one page.
    findings_href = {p["rule"]: p["name"] for p in reversed(plan)} if len(plan) > 1 else {}
    writer.write("index.html", env.get_template("index.html").render(**common, charts=charts,
                                                                      findings_href=findings_href))
    writer.write("changes.html", env.get_template("changes.html").render(**common))
    # The matrix: every area any site shows, in catalog order, grouped by section; one status a cell.
    names = catalog_order({a.name for site in report.sites for a in site.areas})
    section_of = {a.name: a.section for site in report.sites for a in site.areas}
    sections = []
    for name in names:
        if sections and sections[-1][0] == section_of[name]:
            sections[-1][1] += 1
        else:
            sections.append([section_of[name], 1])
    cells, totals = {}, {}
    for site in report.sites:
        for area in site.areas:
            cells[(site.id, area.name)] = area.status
            totals[(area.name, area.status)] = totals.get((area.name, area.status), 0) + 1
    writer.write("matrix.html", env.get_template("matrix.html").render(
        **common, areas=names, cells=cells, sections=sections, totals=totals))
