"""Stored text is hostile input for every output: no CSV cell a spreadsheet runs as a formula, no bidi
control that reorders a report page or an XLSX cell."""
from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from crawler import store
from reports.export import export_findings
from reports.render import render_report
from reports.sample import sample_documents, write_sample_xlsx
from reports.synthetic import build_store
from zwgk.cli import main

FORMULA = "=cmd|' /C calc'!A0"
REVERSED = "财政\u202e预决算"   # U+202E RIGHT-TO-LEFT OVERRIDE


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    work = tmp_path_factory.mktemp("output-safety")
    info = build_store(work / "z.db", sites=2, documents=300, runs=1)
    db = store.connect(work / "z.db")
    run_id = info["run_id"]
    with db.conn:
        first, second = [r[0] for r in db.execute(
            "select id from findings where run_id = ? and site_id = 'site-000' order by id limit 2", [run_id])]
        db.execute("update findings set column_name = ?, message = ? where id = ?", [FORMULA, "+SUM(A1:A9)", first])
        db.execute("update findings set column_name = ?, message = ? where id = ?",
                   [REVERSED, f"栏目「{REVERSED}」无信息", second])
        db.execute("update documents set title = ? where url = (select min(url) from documents where site_id = 'site-000')",
                   [f"关于{REVERSED}的通知"])
    yield work, db, run_id
    db.conn.close()


def test_findings_csv_neutralises_formula_cells(hostile):
    work, db, run_id = hostile
    result = CliRunner().invoke(main, ["findings", "--db", str(work / "z.db"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    columns = [r["column"] for r in rows]
    assert "'" + FORMULA in columns and FORMULA not in columns
    assert "'+SUM(A1:A9)" in [r["message"] for r in rows]
    assert not any(v.startswith(("=", "+", "@")) for r in rows for v in r.values() if v)


def test_export_csv_and_xlsx_neutralise_formulas_and_drop_bidi_controls(hostile, tmp_path):
    work, db, run_id = hostile
    with open(export_findings(db, run_id, "csv", tmp_path / "f.csv"), encoding="utf-8-sig", newline="") as fh:
        cells = [v for row in csv.reader(fh) for v in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
    wb = load_workbook(export_findings(db, run_id, "xlsx", tmp_path / "f.xlsx"))
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "财政预决算" in texts and "栏目「财政预决算」无信息" in texts
    assert not any("\u202e" in t for t in texts)


def test_sample_checklist_drops_bidi_controls(hostile, tmp_path):
    work, db, run_id = hostile
    rows = sample_documents(db, "site-000", 300, seed=1)
    assert any("\u202e" in (r.get("title") or "") for r in rows)
    wb = load_workbook(write_sample_xlsx(rows, tmp_path / "s.xlsx"))
    titles = [c.value for c in wb["抽查清单"]["C"] if isinstance(c.value, str)]
    assert "关于财政预决算的通知" in titles
    assert not any("\u202e" in t for t in titles)


def test_report_isolates_bidi_controls_in_bdi(hostile, tmp_path):
    work, db, run_id = hostile
    render_report(db, run_id, tmp_path / "r")
    page = (tmp_path / "r" / "site-site-000.html").read_text(encoding="utf-8")
    assert REVERSED in page
    # every occurrence is inside <bdi>…</bdi>, so the override ends with the stored value
    assert page.count(REVERSED) == page.count(f"<bdi>{REVERSED}</bdi>") + page.count(f"<bdi>栏目「{REVERSED}」无信息</bdi>")
    assert "unicode-bidi: isolate" in (tmp_path / "r" / "style.css").read_text(encoding="utf-8")
