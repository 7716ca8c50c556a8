"""Findings exports for notices: the XLSX (ranked summary + one flat sheet of all findings) and the CSV hold exactly the run's findings."""
from __future__ import annotations

import csv
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from crawler import store
from crawler.sites import load_sites
from reports.common import RULE_NAMES, ReportError
from reports.export import FINDING_COLUMNS, export_findings
from reports.synthetic import build_store

from conftest import DB_KINDS, new_target


@pytest.fixture(scope="module", params=DB_KINDS)
def synthetic(request, tmp_path_factory):
    work = tmp_path_factory.mktemp("export-synth")
    target = new_target(request, work)
    info = build_store(target, sites=4, documents=5000, runs=2, hostile=True)
    db = store.connect(target)
    with db.conn:  # a message a spreadsheet would run as a formula
        db.execute("update findings set message = '=HYPERLINK(\"http://evil.example/\",\"点我\")' "
                   "where id = (select min(id) from findings where run_id = ? and site_id = 'site-001')", [info["run_id"]])
    yield db, info["run_id"]
    db.conn.close()


def expected_rows(db, run_id):
    """(id, site name, rule name, message, url) of every finding of the run, straight from the table."""
    names = dict(db.execute("select id, name from sites").fetchall())
    return sorted((f["id"], names[f["site_id"]], RULE_NAMES[f["rule"]], f["message"], f["url"] or f["column_url"] or "")
                  for f in db.query("select * from findings where run_id = ?", [run_id]))


def sheet_rows(ws):
    header, *rows = [[c.value for c in row] for row in ws.iter_rows()]
    return header, [dict(zip(header, row)) for row in rows]


def test_xlsx_all_findings_sheet_has_one_row_per_finding_filterable_and_frozen(synthetic, tmp_path):
    db, run_id = synthetic
    path = export_findings(db, run_id, "xlsx", tmp_path / "out" / "findings.xlsx", deadline=date(2026, 7, 31))
    wb = load_workbook(path)
    assert wb.sheetnames == ["汇总", "全部问题", "说明"]
    ws = wb["全部问题"]
    header, rows = sheet_rows(ws)
    assert tuple(header) == FINDING_COLUMNS
    got = sorted((r["编号"], r["站点"], r["问题类型"], r["问题"], r["链接"] or "") for r in rows)
    assert got == expected_rows(db, run_id)
    assert ws.freeze_panes == "E2"
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(FINDING_COLUMNS))}{len(rows) + 1}"
    # dates are dates, the inspector's columns are there, the rule id is a machine column
    dated = [c for c in ws.iter_cols(min_col=FINDING_COLUMNS.index("日期") + 1, max_col=FINDING_COLUMNS.index("日期") + 1,
                                     min_row=2).__next__() if c.value is not None]
    assert len(dated) > len(rows) / 2
    assert all(isinstance(c.value, datetime) and "年" in c.number_format for c in dated)
    assert {r["整改时限"] for r in rows} == {datetime(2026, 7, 31)} and {r["整改情况"] for r in rows} == {None}
    assert {r["规则"] for r in rows} <= set(RULE_NAMES)
    assert all(r["地区"] and r["层级"] in ("县级", "市级") for r in rows)
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage


def test_xlsx_summary_is_ranked_worst_first_with_percentages(synthetic, tmp_path):
    db, run_id = synthetic
    wb = load_workbook(export_findings(db, run_id, "xlsx", tmp_path / "f.xlsx"))
    ws = wb["汇总"]
    header, rows = sheet_rows(ws)
    assert header[:3] == ["排名", "站点", "网站标识码"]
    assert [r["排名"] for r in rows] == list(range(1, len(rows) + 1))
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert sum(r["问题合计"] for r in rows) == db.execute(
        "select count(*) from findings where run_id = ?", [run_id]).fetchone()[0]
    # worst first: failing sites (checks/score.py) before passing ones, then by score, then by findings
    order = [(r["结论"] == "合格", r["得分"], -r["问题合计"]) for r in rows]
    assert order == sorted(order) and {r["结论"] for r in rows} <= {"合格", "不合格"}
    coverage = ws.cell(row=2, column=header.index("目录覆盖率") + 1)
    assert coverage.number_format == "0.0%" and 0 < coverage.value <= 1


def test_xlsx_keeps_text_as_text_and_links_the_evidence(synthetic, tmp_path):
    db, run_id = synthetic
    wb = load_workbook(export_findings(db, run_id, "xlsx", tmp_path / "f.xlsx"))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows(min_row=2) for c in row]
    formula = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert len(formula) == 1 and formula[0].data_type == "s"
    assert all(c.data_type != "f" for c in cells)
    links = [c for c in cells if c.hyperlink is not None]
    assert links and all(c.hyperlink.target.startswith("http") for c in links)
    assert any('<script>alert("x")</script>' in (c.value or "") for c in cells if isinstance(c.value, str))


def test_csv_has_the_same_columns_and_rows(synthetic, tmp_path):
    db, run_id = synthetic
    path = export_findings(db, run_id, "csv", tmp_path / "f.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == FINDING_COLUMNS
    got = sorted((int(r["编号"]), r["站点"], r["问题类型"], r["问题"][1:] if r["问题"].startswith("'=") else r["问题"],
                  r["链接"]) for r in rows)
    assert got == expected_rows(db, run_id)
    assert any(r["问题"].startswith("'=HYPERLINK") for r in rows)  # neutralised for spreadsheets
    assert all(date.fromisoformat(r["日期"]) for r in rows if r["日期"])


def test_bad_requests_are_one_line_errors(synthetic, tmp_path):
    db, run_id = synthetic
    with pytest.raises(ReportError, match="format"):
        export_findings(db, run_id, "pdf", tmp_path / "f.pdf")
    with pytest.raises(ReportError, match="no run 99"):
        export_findings(db, 99, "xlsx", tmp_path / "f.xlsx")


def test_export_of_the_demo_run(demo_run, tmp_path):
    db = store.connect(demo_run.db_path)
    wb = load_workbook(export_findings(db, demo_run.run_id, "xlsx", tmp_path / "demo.xlsx"))
    header, rows = sheet_rows(wb["全部问题"])
    assert len(rows) == db.execute("select count(*) from findings where run_id = ?", [demo_run.run_id]).fetchone()[0]
    # the demo's sites carry their 网站标识码, and every finding names its archived page and fetch time
    codes = {site.code for site in load_sites(demo_run.sites_file)}
    assert all(codes) and {r["网站标识码"] for r in rows} <= codes
    assert all(r["存档页面"] and "北京时间" in r["抓取时间"] for r in rows)
    summary_header, summary = sheet_rows(wb["汇总"])
    assert summary[0]["结论"] == "不合格" or all(r["结论"] == "合格" for r in summary)
    db.conn.close()
