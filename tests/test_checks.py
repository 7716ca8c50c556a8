"""The rules on small stores built by hand: each rule's edges, determinism and the site scores."""
from __future__ import annotations

import json
from datetime import date

import pytest

from checks.catalog import CatalogError
from checks.context import load_context
from checks.run import run_checks
from checks.score import site_scores
from crawler import store
from crawler.sites import Site

AS_OF = date(2026, 6, 30)
BASE = "http://t.example.gov.cn"


class Portal:
    """A tiny store: sites, columns, listings and documents written by the store's own writers."""

    def __init__(self, target):
        self.db = store.connect(target)
        self.n = 0

    def run(self) -> int:
        return store.record_run(self.db, started_at="2026-06-30")

    def site(self, run, site_id="s1", level="county", region="浙江省/样本市/测试县", status="ok", catalog_areas=None):
        site = Site(site_id, "测试县人民政府", level, region, f"{BASE}/{site_id}/",
                    catalog_areas=tuple(catalog_areas) if catalog_areas is not None else None)
        store.Writer(self.db, run).sites({**site.as_row(), "status": status})
        return site_id

    def column(self, run, site, name, path=None, key=None, catalog=None):
        url = f"{BASE}/{site}/{key or name}/"
        store.Writer(self.db, run).columns({"site_id": site, "url": url, "name": name,
                                            "path": path or f"法定主动公开内容/{name}", "catalog": catalog})
        return url

    def doc(self, run, site, column_url, title, published=None, written=None, list_date="same", status=200,
            doc_number=None, body=None, url=None):
        self.n += 1
        url = url or f"{column_url}t{self.n}.html"
        writer = store.Writer(self.db, run)
        col = writer.column_id(site, column_url)
        list_date = published if list_date == "same" else list_date
        writer.entries({"column_id": col, "url": url, "site_id": site, "title": title, "list_date": list_date})
        writer.documents({"url": url, "site_id": site, "column_id": col, "title": title, "list_date": list_date,
                          "published": published, "written": written, "doc_number": doc_number, "body": body,
                          "http_status": status})
        return url

    def finish(self, run, pages=1):
        writer = store.Writer(self.db, run)
        for row in self.db.query("select id, site_id from columns where last_run = ?", [run]):
            writer.conclude_column(row["site_id"], row["id"], walk="complete", pages=pages,
                                   empty_evidence="暂无信息")
        writer.commit()

    def check(self, run, as_of=AS_OF, **kw):
        return run_checks(self.db, run, as_of, **kw)


def by_rule(findings, rule):
    return [f for f in findings if f.rule == rule]


@pytest.fixture
def portal(db_target):
    return Portal(db_target)


SECTIONS = ["政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"]


def test_column_missing_empty_and_stale(portal):
    run = portal.run()
    site = portal.site(run, catalog_areas=["社会救助", "生态环境", "卫生健康", "义务教育"])
    social = portal.column(run, site, "低保")                         # alias of 社会救助
    env = portal.column(run, site, "环境保护")                         # 2017 name of 生态环境
    health = portal.column(run, site, "卫生健康")
    portal.doc(run, site, social, "2026年5月城乡低保金发放情况", "2026-06-10", "2026-06-05")
    portal.doc(run, site, health, "关于2025年医疗机构校验的公告", "2025-12-01", "2025-11-28")
    portal.doc(run, site, health, "2026年卫生健康工作要点", None, None, list_date=None)  # undated: does not refresh
    portal.finish(run)
    findings = portal.check(run)
    assert [(f.rule, f.catalog_area) for f in findings if f.rule.startswith("column-")] == [
        ("column-missing", "义务教育"), ("column-empty", "生态环境"), ("column-stale", "卫生健康")]
    stale = by_rule(findings, "column-stale")[0]
    assert stale.evidence["newest_date"] == "2025-12-01" and stale.evidence["update_rule"] == "6个月"
    assert stale.basis.startswith("《政府网站与政务新媒体检查指标》")
    missing = by_rule(findings, "column-missing")[0]
    assert missing.url == f"{BASE}/s1/" and "《中华人民共和国政府信息公开条例》" in missing.basis
    assert by_rule(findings, "column-empty")[0].url == env
    # the next day the same store, as of a later date, makes the health column older still; as of
    # 2026-05-31 (six months after its last entry) it is not stale yet
    assert not by_rule(portal.check(run, date(2026, 5, 31)), "column-stale")


def test_level_default_requires_every_verified_area(portal):
    run = portal.run()
    portal.site(run, level="county")
    portal.finish(run)
    missing = {f.catalog_area for f in by_rule(portal.check(run), "column-missing")}
    assert len(missing) == 29 and "公共体育" not in missing


def test_a_bad_catalog_areas_entry_is_a_catalog_error(portal):
    run = portal.run()
    portal.site(run, catalog_areas=["没有这个领域"])
    portal.finish(run)
    with pytest.raises(CatalogError, match="unknown area '没有这个领域'"):
        portal.check(run)


def test_unreachable_site_is_not_26_missing_columns(portal):
    run = portal.run()
    portal.site(run, status="error")
    portal.finish(run)
    assert portal.check(run) == []


def test_late_publication_uses_the_area_limit_and_workdays(portal):
    run = portal.run()
    site = portal.site(run, catalog_areas=["社会救助", "重大建设项目", "财政预决算"])
    social = portal.column(run, site, "社会救助")
    project = portal.column(run, site, "重大建设项目")
    budget = portal.column(run, site, "财政预决算")
    news = portal.column(run, site, "通知公告")
    # 社会救助: 10 working days. Formed Fri 2024-09-27 -> 09-29 (调休 Sunday), 09-30, 10-08..10-11,
    # 10-12 (调休 Saturday), 10-14, 10-15, 10-16: the 10th working day is 2024-10-16.
    on_time = portal.doc(run, site, social, "临时救助情况公示", "2024-10-16", "2024-09-27")
    late = portal.doc(run, site, social, "低保对象名单公示", "2024-10-17", "2024-09-27")
    # 重大建设项目: 20 working days (条例第二十六条): 2024-02-02 + 20 WD = 2024-03-06 (春节 + 调休)
    portal.doc(run, site, project, "项目批复A", "2024-03-06", "2024-02-02")
    late_project = portal.doc(run, site, project, "项目批复B", "2024-03-07", "2024-02-02")
    # budgets run from 人大 approval, which the page does not show: not measured
    portal.doc(run, site, budget, "2024年部门预算公开", "2024-06-30", "2024-01-02")
    # unmapped columns still fall under 条例第二十六条
    late_news = portal.doc(run, site, news, "关于施工期间交通管制的通告", "2024-06-30", "2024-05-06")
    portal.doc(run, site, news, "未来发布的信息", "2026-07-15", "2026-01-02")  # after as_of: ignored
    portal.finish(run)
    found = {f.url: f for f in by_rule(portal.check(run), "late-publication")}
    assert set(found) == {late, late_project, late_news}
    assert on_time not in found
    f = found[late]
    assert f.catalog_area == "社会救助" and f.evidence["deadline"] == "2024-10-16"
    assert f.evidence["limit"] == "10 workdays" and f.evidence["calendar"] == ["chinesecalendar"]
    assert "民办函〔2019〕52号" in f.basis and "第二十六条" in f.basis
    assert found[late_project].evidence["deadline"] == "2024-03-06"
    assert found[late_news].catalog_area is None


def test_province_limit_and_weekends_only_years(portal):
    run = portal.run()
    site = portal.site(run, region="上海市/黄浦区", catalog_areas=["政府信息公开指南"])
    news = portal.column(run, site, "通知公告")
    # Shanghai: 10 working days. Formed Mon 2026-06-01 -> 10th working day 2026-06-15 (端午 06-19 later)
    ok = portal.doc(run, site, news, "甲", "2026-06-15", "2026-06-01")
    late = portal.doc(run, site, news, "乙", "2026-06-16", "2026-06-01")
    portal.finish(run)
    found = {f.url: f for f in by_rule(portal.check(run), "late-publication")}
    assert set(found) == {late} and ok not in found
    assert "上海市" in found[late].basis and "10个工作日" in found[late].basis
    # a year chinesecalendar lacks: counted Monday-Friday and said so
    run2 = portal.run()
    portal.site(run2, site_id="s2", catalog_areas=["政府信息公开指南"])
    news2 = portal.column(run2, "s2", "通知公告")
    late27 = portal.doc(run2, "s2", news2, "丙", "2027-02-01", "2027-01-01")  # 21 weekdays later
    portal.finish(run2)
    f = by_rule(portal.check(run2, date(2027, 3, 1)), "late-publication")
    assert [x.url for x in f] == [late27] and f[0].evidence["calendar"] == ["weekends-only"]


def test_content_mismatch_and_misfiled(portal):
    run = portal.run()
    site = portal.site(run, catalog_areas=["社会救助", "生态环境", "义务教育"])
    env = portal.column(run, site, "生态环境")
    social = portal.column(run, site, "社会救助")
    edu = portal.column(run, site, "义务教育")
    for i in range(6):
        portal.doc(run, site, env, f"市长主持召开第{i}次常务会议", f"2026-06-{10 + i:02d}", None)
    for i in range(6):
        portal.doc(run, site, social, f"2026年{i + 1}月城乡低保金发放情况公示", f"2026-0{i + 1}-15", None)
    misfiled = portal.doc(run, site, social, "2026年城区义务教育学区划分公告", "2026-06-01", None)
    portal.doc(run, site, social, "关于做好困难群众入学资助的通知", "2026-06-02", None)  # names both: not clear
    for i in range(3):
        portal.doc(run, site, edu, f"2026年秋季学校招生简章{i}", f"2026-05-0{i + 1}", None)
    portal.finish(run)
    findings = portal.check(run)
    mismatch = by_rule(findings, "content-mismatch")
    assert [(f.column_url, f.catalog_area) for f in mismatch] == [(env, "生态环境")]
    assert len(mismatch[0].evidence["recent"]) == 5
    mis = by_rule(findings, "misfiled")
    assert [(f.url, f.catalog_area, f.evidence["belongs_to"]) for f in mis] == [(misfiled, "社会救助", "义务教育")]


def test_missing_date_and_dead_links(portal):
    run = portal.run()
    site = portal.site(run, catalog_areas=["社会救助"])
    social = portal.column(run, site, "社会救助")
    portal.doc(run, site, social, "有日期", "2026-06-01", None)
    undated = portal.doc(run, site, social, "无日期的办事指南", None, None, list_date=None)
    listed_only = portal.doc(run, site, social, "列表有日期", None, None, list_date="2026-06-02")
    dead = portal.doc(run, site, social, "已失效的页面", None, None, list_date="2026-06-03", status=404)
    col_id = portal.db.execute("select id from columns where url = ?", [social]).fetchone()[0]
    store.Writer(portal.db, run).errors([
        {"site_id": site, "column_id": col_id, "url": dead, "target": "detail", "kind": "http", "status": 404,
         "message": "Not Found"},
        {"site_id": site, "column_id": col_id, "url": f"{BASE}/att/1.pdf", "target": "attachment", "kind": "http",
         "status": 500, "message": "Server Error"}])
    portal.finish(run)
    findings = portal.check(run)
    assert [f.url for f in by_rule(findings, "missing-date")] == [undated]
    assert listed_only not in [f.url for f in findings]
    dead_links = {f.url: f for f in by_rule(findings, "dead-link")}
    assert set(dead_links) == {dead, f"{BASE}/att/1.pdf"}      # one finding per URL
    assert dead_links[dead].evidence["seen_in"] == ["detail"] and dead_links[dead].catalog_area == "社会救助"


@pytest.mark.parametrize("level, published, as_of, expect", [
    ("county", "2026-03-20", date(2026, 6, 30), None),                 # on time
    ("county", "2026-04-02", date(2026, 6, 30), "late"),               # after 3-31
    ("department", "2026-02-02", date(2026, 6, 30), "late"),           # departments: 1-31
    ("county", None, date(2026, 6, 30), "missing"),                    # no 2025 report
    ("county", None, date(2026, 3, 1), None),                          # 2025 not due yet; 2024 present
])
def test_annual_report(portal, level, published, as_of, expect):
    run = portal.run()
    site = portal.site(run, level=level, catalog_areas=SECTIONS)
    reports = portal.column(run, site, "政府信息公开年报", path="政府信息公开年报")
    portal.doc(run, site, reports, "测试县人民政府2024年政府信息公开工作年度报告", "2025-01-20", None)
    portal.doc(run, site, reports, "测试县2025年度部门决算公开", "2026-01-20", None)   # not a report
    if published:
        portal.doc(run, site, reports, "测试县人民政府2025年政府信息公开工作年度报告", published, None)
    portal.doc(run, site, portal.column(run, site, "政府信息公开指南", path="政府信息公开指南"), "指南", "2026-01-05", None)
    portal.doc(run, site, portal.column(run, site, "政府信息公开制度", path="政府信息公开制度"), "制度", "2026-01-05", None)
    portal.doc(run, site, portal.column(run, site, "政策文件"), "文件", "2026-06-01", None)
    portal.finish(run)
    found = by_rule(portal.check(run, as_of), "annual-report-missing")
    assert [f.message[:4] for f in found] == ([] if expect is None else [found[0].message[:4]])
    if expect == "missing":
        assert found[0].url == reports and found[0].evidence["deadline"] == "2026-03-31"
    if expect == "late":
        assert "才公开" in found[0].message
        assert found[0].evidence["deadline"] == ("2026-01-31" if level == "department" else "2026-03-31")


def test_item_removed_between_two_runs(portal):
    run1 = portal.run()
    site = portal.site(run1, catalog_areas=["社会救助"])
    social = portal.column(run1, site, "社会救助")
    keep = portal.doc(run1, site, social, "保留", "2026-05-01", None)
    gone = portal.doc(run1, site, social, "被撤下的名单", "2026-05-10", None)
    moved = portal.doc(run1, site, social, "换了栏目", "2026-05-11", None)
    broken = portal.doc(run1, site, social, "现在404", "2026-05-12", None)
    portal.finish(run1)
    assert not by_rule(portal.check(run1), "item-removed")
    run2 = portal.run()
    portal.site(run2, catalog_areas=["社会救助"])
    portal.column(run2, site, "社会救助")
    other = portal.column(run2, site, "通知公告")
    portal.doc(run2, site, social, "保留", "2026-05-01", None, url=keep)
    portal.doc(run2, site, other, "换了栏目", "2026-05-11", None, url=moved)
    portal.db.conn.execute("update documents set http_status = 404, last_run = ? where url = ?", [run2, broken])
    portal.finish(run2)
    removed = {f.url: f for f in by_rule(portal.check(run2), "item-removed")}
    assert set(removed) == {gone, broken}
    assert removed[broken].evidence["http_status_now"] == 404 and removed[gone].evidence["last_listed_run"] == run1


def test_interpretation_ratio_only_where_a_province_sets_it(portal):
    for region, expected in (("四川省/巴中市/平昌县", 1), ("黑龙江省/示例市", 0)):
        run = portal.run()
        site = portal.site(run, site_id=f"s{expected}", region=region, catalog_areas=["政府信息公开指南"])
        policy = portal.column(run, site, "政策文件")
        for i in range(4):
            portal.doc(run, site, policy, f"关于印发《测试县第{i}号管理办法》的通知", "2026-06-01", "2026-05-28",
                       doc_number=f"测政发〔2026〕{i + 1}号")
        portal.doc(run, site, policy, "《测试县第0号管理办法》政策解读", "2026-06-01", None)
        portal.finish(run)
        found = by_rule(portal.check(run), "interpretation-missing")
        assert len(found) == expected
        if found:
            assert found[0].evidence["ratio"] == 0.25 and len(found[0].evidence["without_interpretation"]) == 3
            assert "四川省" in found[0].basis


def test_checks_depend_only_on_store_and_as_of(portal):
    run = portal.run()
    site = portal.site(run, catalog_areas=["社会救助", "卫生健康"])
    social = portal.column(run, site, "社会救助")
    portal.doc(run, site, social, "低保名单", "2024-10-17", "2024-09-27")
    portal.finish(run)
    first = [(f.rule, f.url, f.message, json.dumps(f.evidence, ensure_ascii=False)) for f in portal.check(run)]
    second = [(f.rule, f.url, f.message, json.dumps(f.evidence, ensure_ascii=False)) for f in portal.check(run)]
    assert first == second and first
    stored = list(portal.db.query("select rule, url, message, as_of from findings where run_id = ?", [run]))
    assert [(r["rule"], r["url"], r["message"]) for r in stored] == [x[:3] for x in first]
    assert {r["as_of"] for r in stored} == {"2026-06-30"}
    mappings = list(portal.db.query("select area, reason from column_mappings where run_id = ?", [run]))
    assert mappings == [{"area": "社会救助", "reason": "name"}]


def test_mapping_reasons(portal):
    run = portal.run()
    site = portal.site(run, catalog_areas=["社会救助"])
    portal.column(run, site, "2024年财政预决算公开")                     # name-contains
    portal.column(run, site, "名单公示", path="法定主动公开内容/社会救助/名单公示")  # path
    portal.column(run, site, "栏目甲", key="shjzly")                       # URL slug
    portal.column(run, site, "自定义", catalog="养老服务")                  # config
    portal.column(run, site, "办事指南")                                   # no claim by 指南
    mixed = portal.column(run, site, "民生专题")
    for i in range(5):
        portal.doc(run, site, mixed, f"{i}月高龄津贴发放名单", f"2026-06-0{i + 1}", None)
    portal.finish(run)
    ctx = load_context(portal.db, run, AS_OF)
    got = {c.name: (c.mapping.area, c.mapping.reason) if c.mapping else None for c in ctx.sites[0].columns}
    assert got == {"2024年财政预决算公开": ("财政预决算", "name-contains"), "名单公示": ("社会救助", "path"),
                   "栏目甲": ("社会救助", "slug"), "自定义": ("养老服务", "config"), "办事指南": None,
                   "民生专题": ("养老服务", "content")}


def test_site_scores_and_single_veto(portal):
    run = portal.run()
    areas = ["社会救助", "生态环境", "卫生健康", "义务教育", "救灾", "就业", "社会保险"]
    site = portal.site(run, catalog_areas=areas)
    for name in areas[:6]:
        col = portal.column(run, site, name)
        portal.doc(run, site, col, f"{name}旧信息", "2024-01-05", "2024-01-02")
    fresh = portal.site(run, site_id="s2", catalog_areas=["社会救助"])
    col = portal.column(run, fresh, "社会救助")
    portal.doc(run, fresh, col, "低保名单", "2026-06-20", "2026-06-18")
    portal.finish(run)
    portal.check(run)
    scores = {s["site"]: s for s in site_scores(portal.db, run)}
    bad, good = scores["s1"], scores["s2"]
    assert bad["counts"]["column-stale"] == 6 and bad["counts"]["column-missing"] == 1
    assert bad["coverage"] == round(100 * 6 / 7, 1)
    assert bad["passed"] is False and bad["verdict"] == "不合格"
    assert bad["vetoes"][0]["indicator"] == "栏目不更新" and "6个栏目" in bad["explanation"]
    assert good["passed"] is True and good["score"] == 100 and good["coverage"] == 100.0
    assert good["timeliness"] == 100.0 and good["explanation"].startswith("合格")


def test_bench_store_builds_and_every_rule_runs(tmp_path):
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("bench_checks", Path(__file__).parents[1] / "bench" / "checks.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    info = bench.build(tmp_path / "b.db", 6000, 6)
    assert info["documents"] > 5000
    db = store.connect(tmp_path / "b.db")
    findings = run_checks(db, 2, bench.AS_OF)
    rules = {f.rule for f in findings}
    assert {"late-publication", "missing-date", "dead-link", "item-removed", "misfiled"} <= rules
    assert [s["site"] for s in site_scores(db, 2)] == [f"site-{i:03d}" for i in range(6)]


def test_scores_of_an_earlier_checked_run_survive_a_later_crawl(demo_run, tmp_path):
    import shutil

    from checks.score import site_scores
    from crawler import store as st

    path = tmp_path / "copy.db"
    shutil.copyfile(demo_run.db_path, path)
    db = st.connect(path)
    before = site_scores(db, demo_run.run_id)
    later = st.start_run(db, "crawl")
    st.finish_run(db, later)
    with db.conn:
        db.execute("update sites set last_run = ?", [later])  # every site seen again by the later crawl
    assert site_scores(db, demo_run.run_id) == before
    assert len(before) == len(demo_run.portal.sites)
