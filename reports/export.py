"""Findings as the tables inspectors paste into notices (通报): an XLSX workbook or a CSV file.

XLSX sheets:

- ``汇总``: one row per site, worst first with its 排名 (failing sites, then by score and findings),
  header on row 1, frozen, filterable, percentages as percentages, landscape and fit to the page width;
- ``全部问题``: one flat row per finding of the run — region, level, site, 网站标识码, column, catalog
  area, rule in Chinese, severity, the evidence in the words of a notice (``checks.wording``), the
  page as a link, dates as dates, since when it stands, 整改时限 and an empty 整改情况 for the
  inspector, and the rule id as a machine column — filterable and frozen;
- ``说明``: what was checked, when, and how to read and extend the sheets.

The CSV (UTF-8 with BOM, so Excel opens it as Chinese) holds the same columns as ``全部问题``.

Stored text is written as text: a message that starts with ``=`` stays a string in XLSX, CSV cells
that a spreadsheet would run as a formula are prefixed with ``'`` (``reports.common.spreadsheet_cell``)
and bidi controls are dropped from XLSX text (``reports.common.xlsx_text``).
"""
from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from checks import wording
from checks.score import ESTIMATE_NOTE
from checks.zh import as_date, beijing_time, zh_date
from reports.common import LEVEL_NAMES, ReportError, finding_date, is_http_url, spreadsheet_row, xlsx_text
from reports.model import load_report

FORMATS = ("xlsx", "csv")
# The flat findings table (sheet 全部问题 and the CSV), in order, with column widths.
FINDING_COLUMNS = ("编号", "地区", "层级", "站点", "网站标识码", "栏目", "标准目录事项", "问题类型", "严重程度", "问题",
                   "证据", "链接", "日期", "首次发现", "连续发现次数", "存档页面", "抓取时间", "依据", "整改时限",
                   "整改情况", "规则")
WIDTHS = {"编号": 7, "地区": 24, "层级": 6, "站点": 22, "网站标识码": 12, "栏目": 16, "标准目录事项": 18,
          "问题类型": 14, "严重程度": 6, "问题": 44, "证据": 44, "链接": 36, "日期": 13, "首次发现": 13,
          "连续发现次数": 8, "存档页面": 30, "抓取时间": 20, "依据": 40, "整改时限": 13, "整改情况": 24, "规则": 16}
WRAPPED = {"问题", "证据", "依据", "标准目录事项"}
DATE_COLUMNS = {"日期", "首次发现", "整改时限"}
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
PERCENT_FORMAT = "0.0%"


def site_code(site) -> str:
    return site.config.code or ""


def run_dates(db) -> dict[int, date]:
    """The day each run was crawled (its start), for "first found"."""
    return {r[0]: as_date(r[1]) for r in db.execute("select id, started_at from runs")}


def finding_row(site, f: dict, runs: dict[int, date], deadline: date | None = None) -> dict:
    """One finding as the flat table's row: values (dates as ``date``), keyed by column."""
    area = f.get("catalog_area") or ""
    if f.get("catalog_item"):
        area = f"{area} / {f['catalog_item']}" if area else f["catalog_item"]
    return {
        "编号": f["id"], "地区": site.region or "", "层级": LEVEL_NAMES.get(site.level, site.level or ""),
        "站点": site.name, "网站标识码": site_code(site), "栏目": f.get("column_name") or "", "标准目录事项": area,
        "问题类型": wording.rule_name(f["rule"]), "严重程度": wording.SEVERITY_NAMES.get(f.get("severity"), ""),
        "问题": wording.message(f), "证据": wording.describe(f, urls=True),
        "链接": f.get("url") or f.get("column_url") or "", "日期": as_date(finding_date(f)),
        "首次发现": runs.get(f.get("first_run")) or runs.get(f.get("run_id")),
        "连续发现次数": f.get("streak") or 1,
        "存档页面": f.get("page_url") if f.get("record_id") else "",
        "抓取时间": beijing_time(f.get("page_fetched_at")) if f.get("record_id") else "",
        "依据": wording.basis(f), "整改时限": deadline, "整改情况": "", "规则": f["rule"],
    }


def findings_rows(db, report, deadline: date | None = None) -> list[dict]:
    """Every finding of the report's run as a flat row, sites worst first, findings in rule order."""
    runs = run_dates(db)
    return [finding_row(site, f, runs, deadline) for site in report.sites for f in site.findings]


def export_findings(db, run_id: int, fmt: str, out_path, *, deadline: date | None = None) -> Path:
    """Write the findings of ``run_id`` to ``out_path`` as ``fmt`` ("xlsx" or "csv"); returns the path.
    ``deadline``: the 整改时限 to fill in (empty when not given)."""
    if fmt not in FORMATS:
        raise ReportError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if not db.execute("select 1 from runs where id = ?", [run_id]).fetchone():
        raise ReportError(f"no run {run_id} in the database")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    report = load_report(db, run_id, diff=False, trend_runs=0)
    rows = findings_rows(db, report, deadline)
    if fmt == "csv":
        _write_csv(rows, out_path)
    else:
        _write_xlsx(report, rows, out_path, deadline)
    return out_path


def _write_csv(rows: list[dict], out_path: Path) -> None:
    with open(out_path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, FINDING_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow(spreadsheet_row({k: v.isoformat() if isinstance(v, date) else v for k, v in row.items()}))


def summary_rows(report) -> tuple[list[str], list[list]]:
    """(header, rows) of the 汇总 sheet: sites worst first with their rank."""
    rules = report.rules_seen
    head = ["排名", "站点", "网站标识码", "层级", "地区"]
    if report.has_scores:
        head += ["得分", "结论", "单项否决", "目录覆盖率", "及时率"]
    else:
        head += ["目录覆盖率"]
    head += ["信息", "问题合计", *[wording.rule_name(r) for r in rules], "抓取错误"]
    rows = []
    for site in report.sites:   # ranked worst first by reports.model.rank
        counts = site.by_rule
        row = [site.rank, site.name, site_code(site), LEVEL_NAMES.get(site.level, site.level), site.region]
        coverage = site.coverage
        if report.has_scores:
            score = site.score or {}
            passed = score.get("passed")
            row += [score.get("score"), "" if passed is None else ("合格" if passed else "不合格"),
                    "；".join(f"{v['indicator']}：{v['reason']}" for v in score.get("vetoes") or []),
                    score["coverage"] / 100 if score.get("coverage") is not None else coverage,
                    score["timeliness"] / 100 if score.get("timeliness") is not None else None]
        else:
            row += [coverage]
        row += [site.documents, len(site.findings), *[counts.get(r, 0) for r in rules], len(site.errors)]
        rows.append(row)
    return head, rows


def _print_setup(ws) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True


def _write_xlsx(report, rows: list[dict], out_path: Path, deadline: date | None) -> None:
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F0F2F4")
    head_align = Alignment(wrap_text=True, vertical="center")
    wrap = Alignment(wrap_text=True, vertical="top")

    def cell(ws, value, *, link=None, header=False, wrapped=False, number_format=None):
        value = xlsx_text(value)
        if not (link or header or wrapped or number_format) and not (isinstance(value, str) and value.startswith("=")):
            return value  # a plain value: no cell object, no style to register (fast for big runs)
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # never a formula, whatever the text starts with
        if header:
            c.font, c.fill, c.alignment = bold, head_fill, head_align
        if link:
            c.hyperlink = link
            c.style = "Hyperlink"
        if wrapped:
            c.alignment = wrap
        if number_format:
            c.number_format = number_format
        return c

    # 汇总
    head, body = summary_rows(report)
    summary = wb.create_sheet("汇总")
    percent = {head.index(h) for h in ("目录覆盖率", "及时率") if h in head}
    widths = {"排名": 6, "站点": 24, "网站标识码": 12, "层级": 6, "地区": 26, "单项否决": 30}
    for i, name in enumerate(head):
        summary.column_dimensions[get_column_letter(i + 1)].width = widths.get(name, 9)
    summary.freeze_panes = "C2"
    summary.auto_filter.ref = f"A1:{get_column_letter(len(head))}{len(body) + 1}"
    _print_setup(summary)
    summary.append([cell(summary, h, header=True) for h in head])
    for row in body:
        summary.append([cell(summary, v, number_format=PERCENT_FORMAT if i in percent and v is not None else None)
                        for i, v in enumerate(row)])

    # 全部问题
    ws = wb.create_sheet("全部问题")
    for i, name in enumerate(FINDING_COLUMNS):
        ws.column_dimensions[get_column_letter(i + 1)].width = WIDTHS[name]
    ws.freeze_panes = "E2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_COLUMNS))}{len(rows) + 1}"
    _print_setup(ws)
    ws.append([cell(ws, h, header=True) for h in FINDING_COLUMNS])
    for row in rows:
        ws.append([cell(ws, row[name], link=row[name] if name == "链接" and is_http_url(row[name]) else None,
                        wrapped=name in WRAPPED, number_format=DATE_FORMAT if name in DATE_COLUMNS and row[name] else None)
                   for name in FINDING_COLUMNS])

    # 说明
    about = wb.create_sheet("说明")
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 14, 100
    run = report.run
    passed = [s for s in report.sites if (s.score or {}).get("passed") is True]
    lines = [
        ("标题", f"政务公开检查问题汇总（第 {run['id']} 次采集）"),
        ("检查基准日", zh_date(report.as_of)),
        ("采集时间", f"{beijing_time(run.get('started_at'))} 至 {beijing_time(run.get('finished_at'))}"),
        ("生成时间", beijing_time(datetime.now().astimezone())),
        ("检查网站", f"{len(report.sites)} 个" + (f"，合格 {len(passed)} 个，合格率 {len(passed) / len(report.sites):.1%}"
                                           if report.has_scores and report.sites else "")),
        ("发现问题", f"{len(rows)} 个"),
        ("整改时限", zh_date(deadline) if deadline else "（由检查单位填写）"),
        ("汇总", "每个网站一行，按问题严重程度排序（不合格在前，再按得分、问题数）；" + (ESTIMATE_NOTE if report.has_scores else "")),
        ("全部问题", "每个问题一行，可按地区、层级、网站、问题类型、严重程度筛选；“编号”可用 zwgk evidence 编号 "
                     "导出该问题所依据页面的存档副本；“整改情况”一列留给检查单位填写。"),
    ]
    for key, value in lines:
        about.append([cell(about, key, header=True), cell(about, value, wrapped=True)])
    wb.save(out_path)

