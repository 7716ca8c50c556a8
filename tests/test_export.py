"""Findings exports for notices: the XLSX (summary + one sheet per site) and the CSV hold exactly the run's findings."""
from __future__ import annotations

import csv

import pytest
from openpyxl import load_workbook

from crawler import store
from reports.common import RULE_NAMES, ReportError, evidence_urls, finding_date, load_evidence
from reports.export import FINDING_COLUMNS, export_findings
from reports.synthetic import build_store


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    work = tmp_path_factory.mktemp("export-synth")
    info = build_store(work / "z.db", sites=4, documents=5000, runs=2, hostile=True)
    db = store.connect(work / "z.db")
    with db.conn:  # a message a spreadsheet would run as a formula
        db.execute("update findings set message = '=HYPERLINK(\"http://evil.example/\",\"点我\")' "
                   "where id = (select min(id) from findings where run_id = ? and site_id = 'site-001')", [info["run_id"]])
    yield db, info["run_id"]
    db.conn.close()


def expected_rows(db, run_id):
    """{site name: [row tuple]} straight from the findings table, in the export's order."""
    names = dict(db.execute("select id, name from sites").fetchall())
    order = list(RULE_NAMES)
    rows = {}
    for f in db.query("select * from findings where run_id = ?", [run_id]):
        f["evidence"] = load_evidence(f["evidence"])
        area = f["catalog_area"] or ""
        if f["catalog_item"]:
            area = f"{area} / {f['catalog_item']}" if area else f["catalog_item"]
        rows.setdefault(f["site_id"], []).append((order.index(f["rule"]), f["id"], (
            names[f["site_id"]], f["column_name"] or "", area, RULE_NAMES[f["rule"]], f["message"],
            "\n".join(evidence_urls(f)), finding_date(f) or "", f["basis"])))
    return {names[site]: [r[2] for r in sorted(items)] for site, items in rows.items()}


def test_xlsx_has_a_summary_and_one_sheet_per_site_with_exactly_the_findings(synthetic, tmp_path):
    db, run_id = synthetic
    path = export_findings(db, run_id, "xlsx", tmp_path / "out" / "findings.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "汇总"
    assert len(wb.sheetnames) == 1 + db.execute("select count(*) from sites").fetchone()[0]
    expected = expected_rows(db, run_id)
    got, total = {}, 0
    for ws in wb.worksheets[1:]:
        header, *rows = [[c.value for c in row] for row in ws.iter_rows()]
        assert tuple(header) == FINDING_COLUMNS
        assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
        got[rows[0][1]] = [tuple("" if v is None else v for v in r[1:]) for r in rows]
        total += len(rows)
    assert got == expected
    assert total == db.execute("select count(*) from findings where run_id = ?", [run_id]).fetchone()[0]
    # The summary's per-site totals add up, and each row links to its sheet.
    summary = [[c.value for c in row] for row in wb["汇总"].iter_rows(min_row=4)]
    head, body = summary[0], summary[1:]
    assert sum(r[head.index("问题合计")] for r in body) == total
    assert all(r[head.index("工作表")] in wb.sheetnames for r in body)


def test_xlsx_keeps_text_as_text_and_links_the_evidence(synthetic, tmp_path):
    db, run_id = synthetic
    wb = load_workbook(export_findings(db, run_id, "xlsx", tmp_path / "f.xlsx"))
    cells = [c for ws in wb.worksheets[1:] for row in ws.iter_rows(min_row=2) for c in row]
    formula = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK")]
    assert len(formula) == 1 and formula[0].data_type == "s"
    assert all(c.data_type != "f" for c in cells)
    links = [c for c in cells if c.hyperlink is not None]
    assert links and all(c.hyperlink.target.startswith("http") for c in links)
    assert any('<script>alert("x")</script>' in (c.value or "") for c in cells if isinstance(c.value, str))


def test_csv_is_one_table_of_the_findings_excel_can_open(synthetic, tmp_path):
    db, run_id = synthetic
    path = export_findings(db, run_id, "csv", tmp_path / "f.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == FINDING_COLUMNS
    expected = [r for site_rows in expected_rows(db, run_id).values() for r in site_rows]
    got = [tuple(r[c] for c in FINDING_COLUMNS[1:]) for r in rows]
    fixed = [tuple(v[1:] if v.startswith("'=") else v for v in row) for row in got]
    assert sorted(fixed) == sorted(expected)
    assert any(r["问题"].startswith("'=HYPERLINK") for r in rows)  # neutralised for spreadsheets


def test_bad_requests_are_one_line_errors(synthetic, tmp_path):
    db, run_id = synthetic
    with pytest.raises(ReportError, match="format"):
        export_findings(db, run_id, "pdf", tmp_path / "f.pdf")
    with pytest.raises(ReportError, match="no run 99"):
        export_findings(db, 99, "xlsx", tmp_path / "f.xlsx")


def test_export_of_the_demo_run(demo_run, tmp_path):
    db = store.connect(demo_run.db_path)
    wb = load_workbook(export_findings(db, demo_run.run_id, "xlsx", tmp_path / "demo.xlsx"))
    rows = sum(ws.max_row - 1 for ws in wb.worksheets[1:])
    assert rows == db.execute("select count(*) from findings where run_id = ?", [demo_run.run_id]).fetchone()[0]
    db.conn.close()
