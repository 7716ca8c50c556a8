"""The notice draft: a .docx in the usual shape whose annex lists exactly the run's findings."""
from __future__ import annotations

import docx
from click.testing import CliRunner

from checks import wording
from checks.score import site_scores
from crawler import store
from crawler.sites import load_sites
from reports.notice import ANNEX_FAILING, ANNEX_FINDINGS, write_notice
from reports.synthetic import build_store
from zwgk.cli import main


def _tables(path):
    document = docx.Document(str(path))
    tables = {}
    for table in document.tables:
        header = tuple(c.text for c in table.rows[0].cells)
        tables[header] = [[c.text for c in row.cells] for row in table.rows[1:]]
    return document, tables


def test_zwgk_notice_writes_a_draft_whose_annex_is_the_runs_findings(demo_run, tmp_path):
    out = tmp_path / "通报.docx"
    result = CliRunner().invoke(main, ["notice", "--db", str(demo_run.db_path), "--run", "latest", "--out", str(out),
                                       "--deadline", "2026-07-31"])
    assert result.exit_code == 0, result.output
    document, tables = _tables(out)
    text = "\n".join(p.text for p in document.paragraphs)
    assert document.paragraphs[0].text == "关于2026年政府网站政务公开检查情况的通报"
    for heading in ("一、检查范围和方法", "二、总体情况", "三、存在的主要问题", "四、整改要求"):
        assert heading in [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert "于2026年7月31日前完成整改" in text and "合格率为" in text and "检查基准日为2026年6月30日" in text

    db = store.connect(demo_run.db_path)
    names = dict(db.execute("select id, name from sites").fetchall())
    expected = sorted((names[f["site_id"]], wording.rule_name(f["rule"]), f["message"])
                      for f in db.query("select * from findings where run_id = ?", [demo_run.run_id]))
    annex = tables[ANNEX_FINDINGS]
    assert [int(r[0]) for r in annex] == list(range(1, len(annex) + 1))
    assert sorted((r[1], r[4], r[5]) for r in annex) == expected
    # 网站标识码 from the sites config, on every row
    by_name = {site.name: site.code for site in load_sites(demo_run.sites_file)}
    assert all(by_name.values()) and all(r[2] == by_name[r[1]] for r in annex)
    # typical problems name examples: each problem type found is a section naming a site
    for rule in {f["rule"] for f in db.query("select rule from findings where run_id = ?", [demo_run.run_id])}:
        assert any(p.text.endswith(wording.rule_name(rule)) for p in document.paragraphs if p.style.name == "Heading 2")
    failing = [s for s in site_scores(db, demo_run.run_id) if not s["passed"]]
    assert len(tables[ANNEX_FAILING]) == len(failing)


def test_notice_of_a_large_run_lists_every_finding_and_the_failing_sites(db_target, tmp_path):
    info = build_store(db_target, sites=6, documents=3000, runs=2)
    db = store.connect(db_target)
    write_notice(db, info["run_id"], tmp_path / "n.docx")
    document, tables = _tables(tmp_path / "n.docx")
    count = db.execute("select count(*) from findings where run_id = ?", [info["run_id"]]).fetchone()[0]
    assert len(tables[ANNEX_FINDINGS]) == count > 100
    text = "\n".join(p.text for p in document.paragraphs)
    assert "于____年__月__日前完成整改" in text and "得分为估算" in text
    failing = {s["name"] for s in site_scores(db, info["run_id"]) if not s["passed"]}
    assert {r[1] for r in tables[ANNEX_FAILING]} == failing


def test_zwgk_report_with_notice_writes_the_draft_zwgk_notice_writes(demo_run, tmp_path):
    """``zwgk report --notice``: the site and the draft from one reading of the store; the draft is
    the one ``zwgk notice`` writes (entry by entry: the zip's own timestamps are the time of writing)."""
    import zipfile

    runner = CliRunner()
    result = runner.invoke(main, ["report", "--db", str(demo_run.db_path), "--out", str(tmp_path / "r"),
                                  "--notice", str(tmp_path / "a.docx")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "index.html").is_file() and "通报草稿已生成" in result.output
    result = runner.invoke(main, ["notice", "--db", str(demo_run.db_path), "--out", str(tmp_path / "b.docx")])
    assert result.exit_code == 0, result.output

    def parts(path):
        with zipfile.ZipFile(path) as z:
            return {name: z.read(name) for name in z.namelist()}

    assert parts(tmp_path / "a.docx") == parts(tmp_path / "b.docx")
