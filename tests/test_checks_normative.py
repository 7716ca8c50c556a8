"""normative-library-missing, validity-unmarked and validity-stale on small stores built by hand."""
from __future__ import annotations

import json

from test_checks import BASE, Portal, by_rule  # noqa: F401  (the hand-built store of the rule tests)

import pytest

HLJ = "黑龙江省/示例市/示例县"
AREAS = ["法定主动公开内容"]


@pytest.fixture
def portal(db_target):
    return Portal(db_target)


def mark(portal, url, validity=None, repeals=None):
    portal.db.conn.execute("update documents set validity = ?, repeals = ?, content_type = 'text/html' where url = ?",
                           [validity, json.dumps(repeals, ensure_ascii=False) if repeals else None, url])


def test_library_required_only_where_the_province_asks(portal):
    run = portal.run()
    portal.site(run, "hlj", region=HLJ, catalog_areas=AREAS)
    portal.site(run, "zj", region="浙江省/样本市/演示县", catalog_areas=AREAS)
    portal.site(run, "hlj-ok", region=HLJ, catalog_areas=AREAS)
    portal.column(run, "hlj-ok", "行政规范性文件")                          # an accepted name of the library
    portal.site(run, "hlj-town", level="township", region=HLJ, catalog_areas=AREAS)   # not at its level
    portal.site(run, "hlj-narrow", region=HLJ, catalog_areas=["财政预决算"])            # area not in its catalog
    portal.finish(run)
    found = by_rule(portal.check(run), "normative-library-missing")
    assert [(f.site_id, f.catalog_item, f.url) for f in found] == [("hlj", "fdzd-gfxwjk", f"{BASE}/hlj/")]
    assert found[0].severity == "medium" and found[0].basis.startswith("《中华人民共和国政府信息公开条例》第二十条第（一）项")


def _library(portal, run, site="s1", region="浙江省/样本市/测试县"):
    portal.site(run, site, region=region, catalog_areas=AREAS)
    return portal.column(run, site, "现行有效规范性文件")


def test_unmarked_only_where_the_site_marks_others(portal):
    run = portal.run()
    lib = _library(portal, run)
    a = portal.doc(run, "s1", lib, "关于印发测试县物业管理办法的通知", "2024-03-01", doc_number="测政发〔2024〕1号")
    b = portal.doc(run, "s1", lib, "关于印发测试县殡葬管理办法的通知", "2024-05-01", doc_number="测政发〔2024〕2号")
    mark(portal, a)
    mark(portal, b)
    portal.finish(run)
    assert not by_rule(portal.check(run), "validity-unmarked")      # no page of the site shows a mark
    mark(portal, a, "有效")
    portal.db.conn.commit()
    [f] = by_rule(portal.check(run), "validity-unmarked")
    assert f.url == b and f.evidence["marked_documents"] == 1 and f.evidence["marked_example"] == a
    assert f.catalog_item == "fdzd-gfxwjk" and f.column_url == lib


def test_stale_names_both_documents_and_needs_a_later_repeal(portal):
    run = portal.run()
    lib = _library(portal, run)
    old = portal.doc(run, "s1", lib, "关于印发测试县物业管理办法的通知", "2019-03-01", doc_number="测政发［2019］第12号")
    new = portal.doc(run, "s1", lib, "关于印发测试县物业管理办法（2025年修订）的通知", "2025-03-01",
                     doc_number="测政发〔2025〕3号")
    marked_off = portal.doc(run, "s1", lib, "关于印发测试县养犬管理规定的通知", "2018-01-01", doc_number="测政发〔2018〕4号")
    later = portal.doc(run, "s1", lib, "关于印发测试县燃气管理规定的通知", "2026-01-05", doc_number="测政发〔2026〕1号")
    mark(portal, old, "有效")
    mark(portal, marked_off, "废止")                                   # already marked: not stale
    mark(portal, later, "有效")
    mark(portal, new, "有效", [{"doc_number": "测政发〔2019〕12号", "title": "测试县物业管理办法", "action": "废止"},
                              {"doc_number": "测政发〔2018〕4号", "title": None, "action": "废止"},
                              {"doc_number": "测政发〔2026〕1号", "title": None, "action": "废止"},   # published later
                              {"doc_number": "测政发〔2024〕9号", "title": None, "action": "修改"}])
    portal.finish(run)
    [f] = by_rule(portal.check(run), "validity-stale")
    assert f.url == old and f.evidence["repealed_by"]["url"] == new and f.evidence["validity"] == "有效"
    assert f.message == ("“关于印发测试县物业管理办法的通知”（测政发［2019］第12号）标注为“有效”，但“关于印发测试县物业管理办法"
                         "（2025年修订）的通知”（测政发〔2025〕3号，2025年3月1日发布）已宣布将其废止")
