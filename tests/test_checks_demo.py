"""The check layer on the demo portal: every planted gap yields exactly its expected finding and
nothing else appears (precision and recall 1), the findings are identical on a re-run, and the
site scores come out of the store.

The demo sites declare which catalog areas their county catalogs carry (``catalog_areas:`` in the
sites config). Until the demo's sites config writes that field, this test adds it to the stored
site configs of a copy of the demo store — the same list the demo is asked to write.
"""
from __future__ import annotations

import json
import shutil

import pytest

from checks.run import run_checks
from checks.score import site_scores
from crawler import store
from zwgk.demoportal import DEMO_AS_OF

DEMO_CATALOG_AREAS = ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报", "财政预决算",
                      "重大建设项目", "社会救助", "义务教育", "卫生健康", "生态环境", "救灾"]


@pytest.fixture(scope="module")
def checked(demo_run, tmp_path_factory):
    path = tmp_path_factory.mktemp("checks-demo") / "zwgk.db"
    shutil.copyfile(demo_run.db_path, path)
    db = store.connect(path)
    for row in list(db.query("select id, config from sites")):
        config = json.loads(row["config"] or "{}")
        if "catalog_areas" not in config:
            config["catalog_areas"] = DEMO_CATALOG_AREAS
            with db.conn:
                db["sites"].update(row["id"], {"config": json.dumps(config, ensure_ascii=False)})
    findings = run_checks(db, demo_run.run_id, DEMO_AS_OF)
    yield db, findings
    db.conn.close()


def expected(demo_run) -> set:
    portal, base = demo_run.portal, demo_run.base_url
    out = set()
    for p in portal.planted:
        url = base + (p.url_path if p.url_path else portal.site(p.site_id).entry_path)
        out.add((p.site_id, p.kind, p.column_path, p.catalog_area, url))
    return out


def found(db, findings) -> set:
    paths = {r["id"]: r["path"] for r in db.query("select id, path from columns")}
    return {(f.site_id, f.rule, paths.get(f.column_id), f.catalog_area, f.url) for f in findings}


def test_every_planted_gap_and_nothing_else(demo_run, checked):
    db, findings = checked
    want, got = expected(demo_run), found(db, findings)
    assert got - want == set(), "findings the demo did not plant"
    assert want - got == set(), "planted gaps not found"
    assert len(findings) == len(want)  # one finding per gap
    kinds = {p.kind for p in demo_run.portal.planted}
    assert {"column-missing", "column-empty", "column-stale", "content-mismatch", "late-publication",
            "missing-date", "dead-link", "annual-report-missing", "normative-library-missing", "validity-unmarked",
            "validity-stale"} <= kinds


def test_findings_cite_basis_and_evidence(checked):
    db, findings = checked
    for f in findings:
        assert f.basis.startswith("《") and f.message and f.severity in ("high", "medium", "low")
        assert f.evidence
    late = [f for f in findings if f.rule == "late-publication"]
    assert all(f.evidence["written"] < f.evidence["deadline"] < f.evidence["published"] for f in late)


def test_normative_library_findings_exact(demo_run, checked):
    """The three normative-library findings with their exact evidence (issue 14)."""
    from checks import wording
    db, findings = checked
    portal, base = demo_run.portal, demo_run.base_url
    by_rule = {f.rule: [x for x in findings if x.rule == f.rule] for f in findings}
    lib = [d for d in portal.documents() if d.site_id == "demo-plain" and d.column_path.endswith("现行有效规范性文件")]
    newest, oldest = lib[0], lib[-1]
    unmarked = next(d for d in lib if d.validity is None)

    [missing] = by_rule["normative-library-missing"]
    assert (missing.site_id, missing.catalog_area, missing.catalog_item) == ("demo-trs", "法定主动公开内容", "fdzd-gfxwjk")
    assert missing.message == "未设置“现行有效行政规范性文件库”栏目（黑龙江省要求）"
    assert "黑龙江省2022年政务公开工作要点第（8）项" in missing.basis
    assert missing.evidence["required_by"] == "黑龙江省" and "现行有效规范性文件" in missing.evidence["names_tried"]

    [bare] = by_rule["validity-unmarked"]
    assert bare.url == base + unmarked.url_path and bare.column_name == "现行有效规范性文件"
    assert bare.evidence["doc_number"] == unmarked.doc_number and bare.evidence["marked_documents"] == 9
    assert bare.message == f"规范性文件“{unmarked.title}”未标注有效性（有效、失效、废止或已修改）"

    [stale] = by_rule["validity-stale"]
    assert stale.url == base + oldest.url_path
    assert stale.evidence["doc_number"] == oldest.doc_number and stale.evidence["validity"] == "有效"
    assert stale.evidence["repealed_by"] == {"url": base + newest.url_path, "title": newest.title,
                                             "doc_number": newest.doc_number, "published": newest.published.isoformat()}
    text = wording.describe(stale)
    assert oldest.title in text and newest.title in text and "同时废止" in text
    assert wording.rule_name("validity-stale") == "废止文件仍标注有效"


def test_rerun_gives_identical_findings(demo_run, checked):
    db, findings = checked
    before = [(f.site_id, f.rule, f.url, f.message, json.dumps(f.evidence, ensure_ascii=False)) for f in findings]
    again = run_checks(db, demo_run.run_id, DEMO_AS_OF)
    assert [(f.site_id, f.rule, f.url, f.message, json.dumps(f.evidence, ensure_ascii=False)) for f in again] == before


def test_site_scores_on_the_demo(checked, demo_run):
    db, _ = checked
    scores = {s["site"]: s for s in site_scores(db, demo_run.run_id)}
    assert set(scores) == {s.id for s in demo_run.portal.sites}
    trs = scores["demo-trs"]
    assert trs["coverage"] == round(100 * 10 / 11, 1) and trs["counts"]["column-missing"] == 1
    hanweb = scores["demo-hanweb"]
    assert hanweb["counts"] == {"annual-report-missing": 1, "column-empty": 1, "late-publication": 3}
    assert 0 < hanweb["timeliness"] < 100
    for s in scores.values():
        assert s["verdict"] in ("合格", "不合格") and s["explanation"]
        assert s["passed"] == (not s["vetoes"] and s["score"] >= 60)
