"""Findings as the tables inspectors paste into notices (通报): XLSX (a summary sheet and one sheet per
site) or CSV (one table, UTF-8 with BOM so Excel opens it as Chinese).

Stored text is written as text: a message that starts with ``=`` stays a string in XLSX, CSV cells
that a spreadsheet would run as a formula are prefixed with ``'`` (``reports.common.spreadsheet_cell``)
and bidi controls are dropped from XLSX text (``reports.common.xlsx_text``).
"""
from __future__ import annotations

import csv
import re
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill

from reports.common import LEVEL_NAMES, RULE_NAMES, ReportError, evidence_urls, spreadsheet_row, xlsx_text
from reports.model import load_report

# The columns of a notice's findings table, in order.
FINDING_COLUMNS = ("序号", "站点", "栏目", "标准目录事项", "问题类型", "问题", "证据链接", "日期", "依据")
WIDTHS = {"序号": 6, "站点": 22, "栏目": 18, "标准目录事项": 18, "问题类型": 14, "问题": 48, "证据链接": 48,
          "日期": 12, "依据": 48}
FORMATS = ("xlsx", "csv")
SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


def finding_row(number: int, site_name: str, f: dict) -> dict:
    area = f.get("catalog_area") or ""
    if f.get("catalog_item"):
        area = f"{area} / {f['catalog_item']}" if area else f["catalog_item"]
    return {
        "序号": number, "站点": site_name, "栏目": f.get("column_name") or "", "标准目录事项": area,
        "问题类型": RULE_NAMES.get(f["rule"], f["rule"]), "问题": f.get("message") or "",
        "证据链接": "\n".join(evidence_urls(f)), "日期": f.get("date") or "", "依据": f.get("basis") or "",
    }


def _sheet_title(name: str, taken: set) -> str:
    base = SHEET_BAD.sub("", name or "").strip().strip("'") or "站点"
    base = base[:31]
    title, n = base, 1
    while title.lower() in taken or title.lower() == "history":
        n += 1
        suffix = f"({n})"
        title = base[:31 - len(suffix)] + suffix
    taken.add(title.lower())
    return title


def export_findings(db, run_id: int, fmt: str, out_path) -> Path:
    """Write the findings of ``run_id`` to ``out_path`` as ``fmt`` ("xlsx" or "csv"); returns the path."""
    if fmt not in FORMATS:
        raise ReportError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if not db.execute("select 1 from runs where id = ?", [run_id]).fetchone():
        raise ReportError(f"no run {run_id} in the database")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    report = load_report(db, run_id, diff=False, trend_runs=0)
    if fmt == "csv":
        _write_csv(report, out_path)
    else:
        _write_xlsx(report, out_path)
    return out_path


def _write_csv(report, out_path: Path) -> None:
    with open(out_path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, FINDING_COLUMNS)
        writer.writeheader()
        number = 0
        for site in report.sites:
            for f in site.findings:
                number += 1
                writer.writerow(spreadsheet_row(finding_row(number, site.name, f)))


def _write_xlsx(report, out_path: Path) -> None:
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="F0F2F4")
    wrap = Alignment(wrap_text=True, vertical="top")

    def cell(ws, value, *, style=None, link=None, header=False, wrapped=False):
        value = xlsx_text(value)
        if not (style or link or header or wrapped) and not (isinstance(value, str) and value.startswith("=")):
            return value  # a plain value: no cell object, no style to register (fast for big runs)
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # never a formula, whatever the text starts with
        if header:
            c.font, c.fill = bold, head_fill
        if link:
            c.hyperlink = link
            c.style = "Hyperlink"
        if style:
            c.style = style
        if wrapped:
            c.alignment = wrap
        return c

    rules = report.rules_seen
    summary = wb.create_sheet("汇总")
    taken = {"汇总"}
    sheet_names = {site.id: _sheet_title(site.name, taken) for site in report.sites}
    run = report.run
    head = ["站点", "站点标识", "层级", "地区"]
    if report.has_scores:
        head += ["得分", "结论", "单项否决", "目录覆盖率", "及时率"]
    else:
        head += ["目录覆盖率"]
    head += ["信息", "问题合计", *[RULE_NAMES.get(r, r) for r in rules], "抓取错误", "工作表"]
    widths = [24, 14, 8, 28] + [10] * (len(head) - 4)
    for i, width in enumerate(widths):
        summary.column_dimensions[_col(i)].width = width
    summary.append([cell(summary, f"政务公开检查问题汇总（第 {run['id']} 次采集，检查基准日 {report.as_of}）", header=True)])
    summary.append([cell(summary, f"生成时间：{datetime.now().astimezone():%Y-%m-%d %H:%M}；网站 {len(report.sites)} 个，"
                                  f"问题 {report.totals['findings']} 个")])
    summary.append([])
    summary.append([cell(summary, h, header=True) for h in head])
    for site in report.sites:
        counts = site.by_rule
        row = [site.name, site.id, LEVEL_NAMES.get(site.level, site.level), site.region]
        coverage = round(site.coverage * 100, 1) if site.coverage is not None else None
        if report.has_scores:
            score = site.score or {}
            passed = score.get("passed")
            row += [score.get("score"), "" if passed is None else ("合格" if passed else "不合格"),
                    "；".join(f"{v['indicator']}：{v['reason']}" for v in score.get("vetoes") or []),
                    round(score["coverage"], 1) if score.get("coverage") is not None else coverage,
                    round(score["timeliness"], 1) if score.get("timeliness") is not None else None]
        else:
            row += [coverage]
        row += [site.documents, len(site.findings), *[counts.get(r, 0) for r in rules], len(site.errors)]
        cells = [cell(summary, v) for v in row]
        sheet = sheet_names[site.id]
        cells.append(cell(summary, sheet, link=f"#'{sheet}'!A1"))
        summary.append(cells)
    summary.freeze_panes = "A5"

    for site in report.sites:
        ws = wb.create_sheet(sheet_names[site.id])
        for i, name in enumerate(FINDING_COLUMNS):
            ws.column_dimensions[_col(i)].width = WIDTHS[name]
        ws.freeze_panes = "A2"
        ws.append([cell(ws, h, header=True) for h in FINDING_COLUMNS])
        for number, f in enumerate(site.findings, start=1):
            values = finding_row(number, site.name, f)
            urls = evidence_urls(f)
            ws.append([cell(ws, values[name], link=urls[0] if name == "证据链接" and urls else None,
                            wrapped=name in ("问题", "证据链接", "依据", "标准目录事项"))
                       for name in FINDING_COLUMNS])
    wb.save(out_path)


def _col(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
