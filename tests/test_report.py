"""The static HTML report: pages, pagination, what changed since the previous run, escaping, i18n."""
from __future__ import annotations

import json
import re

import pytest

from checks.wording import RULE_NAMES
from conftest import DB_KINDS, new_target
from crawler import store
from reports import render
from reports.model import load_report, previous_runs
from reports.render import link, render_report, render_report_stats
from reports.synthetic import HOSTILE, build_store


@pytest.fixture(scope="module", params=DB_KINDS)
def synthetic(request, tmp_path_factory):
    work = tmp_path_factory.mktemp("report-synth")
    target = new_target(request, work)
    info = build_store(target, sites=5, documents=8000, runs=3, hostile=True)
    db = store.connect(target)
    yield db, info["run_id"], work
    db.conn.close()


def test_writes_overview_changes_matrix_site_pages_and_assets(synthetic, tmp_path):
    db, run_id, _ = synthetic
    index = render_report(db, run_id, tmp_path / "r")
    assert index == tmp_path / "r" / "index.html"
    names = {p.name for p in index.parent.iterdir()}
    assert {"index.html", "changes.html", "matrix.html", "style.css", "report.js"} <= names
    html = index.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html
    for site_id in [r[0] for r in db.execute("select id from sites")]:
        assert f'href="site-{site_id}.html"' in html
        assert f"site-{site_id}.html" in names
    # Offline: no resource is fetched from anywhere but the report's own folder.
    for page in index.parent.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', text), page.name
    assert "<svg" in html and "<polyline" in html  # the trend over the three runs


def test_site_page_shows_coverage_findings_by_rule_freshness_and_changes(synthetic, tmp_path):
    db, run_id, _ = synthetic
    render_report(db, run_id, tmp_path / "r")
    page = (tmp_path / "r" / "site-site-001.html").read_text(encoding="utf-8")
    for anchor in ('id="coverage"', 'id="findings"', 'id="changes"', 'id="freshness"', 'id="coverage-table"'):
        assert anchor in page
    counts = dict(db.execute("select rule, count(*) from findings where run_id = ? and site_id = 'site-001' "
                             "group by rule", [run_id]).fetchall())
    for rule, n in counts.items():
        assert f'<h3 id="rule-{rule}">{RULE_NAMES[rule]}（{n}）</h3>' in page and f"<code>{rule}</code>" not in page
    # Every matrix mark links to the column on the portal.
    column_urls = {r[0] for r in db.execute("select url from columns where site_id = 'site-001'")}
    marks = re.findall(r'<a href="([^"]+)" rel="noreferrer noopener" class="mark">', page)
    assert marks and set(marks) <= column_urls | {"http://www.site-001.example.gov.cn/xxgk/"}
    assert "对比：第 2 次采集" in page


def test_long_lists_are_paginated_and_complete(synthetic, tmp_path, monkeypatch):
    db, run_id, _ = synthetic
    monkeypatch.setattr(render, "PAGE_ROWS", 20)
    monkeypatch.setattr(render, "PREVIEW_ROWS", 10)
    stats = render_report_stats(db, run_id, tmp_path / "r")
    out = tmp_path / "r"
    total = db.execute("select count(*) from findings where run_id = ? and site_id = 'site-000' "
                       "and rule = 'late-publication'", [run_id]).fetchone()[0]
    assert total > 40
    pages = sorted(out.glob("site-site-000_late-publication_*.html"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))
    assert len(pages) == -(-total // 20)
    seen = []
    for page in pages:
        rows = re.findall(r'<tr class="sev-[a-z]+">\s*<td class="num" data-label="#">(\d+)</td>', page.read_text(encoding="utf-8"))
        assert 0 < len(rows) <= 20
        seen += [int(r) for r in rows]
    assert seen == list(range(1, total + 1))
    site = (out / "site-site-000.html").read_text(encoding="utf-8")
    assert f"查看全部 {total} 条" in site and 'href="site-site-000_late-publication_1.html"' in site
    assert stats["pages"] == len(list(out.glob("*.html")))


def test_english_report(synthetic, tmp_path):
    db, run_id, _ = synthetic
    index = render_report(db, run_id, tmp_path / "en", lang="en")
    html = index.read_text(encoding="utf-8")
    assert '<html lang="en">' in html and "Overview" in html and "Late" not in "总览"
    assert "Published late" in html and "Findings" in html
    with pytest.raises(ValueError):
        render_report(db, run_id, tmp_path / "xx", lang="fr")


def test_stored_markup_is_escaped_and_javascript_urls_are_not_links(synthetic, tmp_path):
    db, run_id, _ = synthetic
    render_report(db, run_id, tmp_path / "r")
    escaped = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#39;&#34;"
    for page in (tmp_path / "r").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<img src=x" not in text, page.name
        assert 'href="javascript:' not in text.lower(), page.name
        assert len(re.findall(r"<script\b", text)) == 1, page.name  # only report.js
    site = (tmp_path / "r" / "site-site-000.html").read_text(encoding="utf-8")
    assert escaped in site
    assert "javascript:window.__zwgk_pwned=2" in site  # shown as text
    assert str(link("javascript:alert(1)", "x")) == "x <code>javascript:alert(1)</code>"  # text, not a link
    assert str(link("http://a.b/?q=<x>", '"t\'')) == '<a href="http://a.b/?q=&lt;x&gt;" rel="noreferrer noopener">&quot;t&#x27;</a>'
    assert HOSTILE not in site


# --- what changed since the previous run, on a store small enough to know every row --------------

def small_store(path):
    """Site s1 in runs 1 (finished), 2 (failed) and 3; site s2 only in runs 1 and 3; all checked."""
    db = store.connect(path)
    for run_id, status in ((1, "finished"), (2, "failed"), (3, "finished")):
        store.record_run(db, id=run_id, status=status, started_at=f"2026-06-0{run_id}T00:00:00", checked_at="x",
                         as_of=f"2026-06-0{run_id}")
    writer = store.Writer(db, 3)
    with db.conn:
        writer.sites({"id": site_id, "name": f"站点{site_id}", "level": "county", "url": f"http://{site_id}.gov.cn/",
                      "config": "{}", "first_run": 1} for site_id in ("s1", "s2"))
        cols = [(1, "s1", "http://s1.gov.cn/a/", "财政预决算"), (2, "s1", "http://s1.gov.cn/b/", "社会救助"),
                (3, "s2", "http://s2.gov.cn/a/", "财政预决算")]
        writer.columns({"id": cid, "site_id": site_id, "url": url, "name": name, "first_run": 1}
                       for cid, site_id, url, name in cols)
        column_runs = [(1, 1, 5), (1, 2, 3), (1, 3, 2), (2, 1, 5), (3, 1, 5), (3, 3, 2)]  # column 2 not read in run 3
        writer.column_runs({"run_id": run_id, "column_id": cid, "entries": entries, "pages": 1,
                            "newest_date": "2026-05-01"} for run_id, cid, entries in column_runs)
        docs = [("http://s1.gov.cn/a/old.html", "s1", 1, 1, 3), ("http://s1.gov.cn/a/new.html", "s1", 1, 3, 3),
                ("http://s1.gov.cn/a/gone.html", "s1", 1, 1, 1), ("http://s1.gov.cn/b/unread.html", "s1", 2, 1, 1),
                ("http://s2.gov.cn/a/new.html", "s2", 3, 3, 3)]
        writer.documents({"url": url, "site_id": site_id, "column_id": cid, "title": url.rsplit("/", 1)[1],
                          "published": "2026-05-01", "first_run": first, "last_run": last}
                         for url, site_id, cid, first, last in docs)
        writer.entries({"column_id": cid, "url": url, "site_id": site_id, "title": url.rsplit("/", 1)[1],
                        "list_date": "2026-05-01", "first_run": first, "last_run": last}
                       for url, site_id, cid, first, last in docs)

        def finding(run_id, site_id, rule, url, area=None, column_url=None):
            db["findings"].insert({"run_id": run_id, "site_id": site_id, "rule": rule, "severity": "high", "url": url,
                                   "catalog_area": area, "column_url": column_url, "message": f"{rule} {url}",
                                   "basis": "《条例》", "evidence": json.dumps({"published": "2026-05-01"})})
        finding(1, "s1", "column-missing", "http://s1.gov.cn/", area="社会救助")             # stays
        finding(3, "s1", "column-missing", "http://s1.gov.cn/", area="社会救助")
        finding(1, "s1", "late-publication", "http://s1.gov.cn/a/old.html", column_url="http://s1.gov.cn/a/")  # resolved
        finding(3, "s1", "dead-link", "http://s1.gov.cn/a/new.html", column_url="http://s1.gov.cn/a/")         # new
        finding(2, "s1", "dead-link", "http://s1.gov.cn/a/old.html")   # in the failed run: ignored
        finding(3, "s2", "missing-date", "http://s2.gov.cn/a/new.html")                      # new
    return db


def test_changes_against_each_sites_previous_finished_run(db_target, tmp_path):
    db = small_store(db_target)
    assert previous_runs(db, 3, ["s1", "s2"]) == {"s1": 1, "s2": 1}  # run 2 failed: not a comparison
    report = load_report(db, 3)
    s1, s2 = report.sites
    assert [f["rule"] for f in s1.new_findings] == ["dead-link"]
    assert [f["rule"] for f in s1.resolved_findings] == ["late-publication"]
    assert [d["url"] for d in s1.new_docs] == ["http://s1.gov.cn/a/new.html"]
    # gone.html was last listed in run 1 in a column read again in run 3; unread.html's column was not read.
    assert [e["url"] for e in s1.removed_entries] == ["http://s1.gov.cn/a/gone.html"]
    assert [f["rule"] for f in s2.new_findings] == ["missing-date"] and s2.resolved_findings == []
    assert report.totals["new_findings"] == 2 and report.totals["resolved_findings"] == 1
    index = render_report(db, 3, tmp_path / "r")
    changes = (index.parent / "changes.html").read_text(encoding="utf-8")
    assert "新增问题 2 个，已整改 1 个；新增信息 2 条，撤下信息 1 条" in changes
    page = (index.parent / "site-s1.html").read_text(encoding="utf-8")
    assert "gone.html" in page and "unread.html" not in page.split('id="changes"')[1].split('id="freshness"')[0]


def test_removals_recorded_by_the_crawler_win(db_target, tmp_path):
    db = small_store(db_target)
    with db.conn:
        store.Writer(db, 3).event("removed-from-column", "s1", "http://s1.gov.cn/a/old.html", column_id=1, title="旧文")
    s1 = load_report(db, 3).sites[0]
    assert [(e["url"], e["title"], e["column_name"]) for e in s1.removed_entries] == [
        ("http://s1.gov.cn/a/old.html", "旧文", "财政预决算")]


def test_first_run_has_no_comparison(db_target, tmp_path):
    db = small_store(db_target)
    report = load_report(db, 1)
    assert all(s.prev_run is None and not s.new_docs for s in report.sites)
    index = render_report(db, 1, tmp_path / "r")
    assert "没有可对比的上次采集" in (index.parent / "site-s1.html").read_text(encoding="utf-8")


def test_scores_are_the_checks_and_the_report_only_lays_them_out(db_target, tmp_path, monkeypatch):
    db = small_store(db_target)
    checks = [{"indicator": "站点无法访问", "found": False}, {"indicator": "栏目不更新", "found": True}]
    monkeypatch.setattr("reports.model.site_scores", lambda db, run_id: [
        {"site": "s1", "score": 61.5, "coverage": 50.0, "timeliness": 80.0, "passed": False, "estimated": False,
         "vetoes": [{"indicator": "栏目不更新", "reason": "3个栏目超过更新期限未更新"}], "veto_checks": checks,
         "explanation": "不合格：触发单项否决"},
        {"site": "s2", "score": 95, "coverage": 100.0, "timeliness": None, "passed": True, "vetoes": [],
         "estimated": True, "veto_checks": [{**c, "found": False} for c in checks], "explanation": "合格"}])
    report = load_report(db, 3)
    assert [(s.id, s.rank) for s in report.sites] == [("s1", 1), ("s2", 2)]  # the failed site first
    index = render_report(db, 3, tmp_path / "r")
    html = index.read_text(encoding="utf-8")
    assert "61.5" in html and "栏目不更新：3个栏目超过更新期限未更新" in html
    failing = html.split('id="failing-table"')[1].split("</table>")[0]
    assert failing.count(">发现<") == 1 and failing.count(">未发现<") == 1
    ranking = html.split('id="sites"')[1]
    assert '<span class="ok">合格</span><span class="sub">（估算）' in ranking and "不合格</span><div" in ranking
    page = (index.parent / "site-s1.html").read_text(encoding="utf-8")
    assert "不合格：触发单项否决" in page and "80%" in page


def test_an_unchecked_run_shows_no_score_and_no_mapping(db_target, tmp_path):
    db = small_store(db_target)
    with db.conn:
        db.execute("update runs set checked_at = null where id = 3")
    report = load_report(db, 3)
    assert not report.has_scores and all(c.area is None for s in report.sites for c in s.columns)
    html = render_report(db, 3, tmp_path / "r").read_text(encoding="utf-8")
    assert "得分" not in html and "估算" not in html


def test_matrix_is_the_checks_stored_results_in_catalog_order(synthetic, tmp_path):
    from checks.catalog import AREA_ORDER

    db, run_id, _ = synthetic
    report = load_report(db, run_id)
    mapped = {(r["site_id"], r["area"]) for r in db.query("select site_id, area from column_mappings where run_id = ?", [run_id])}
    found = {}
    for r in db.query("select site_id, catalog_area, rule from findings where run_id = ? and catalog_area is not null", [run_id]):
        found.setdefault((r["site_id"], r["catalog_area"]), set()).add(r["rule"])
    for site in report.sites:
        names = [a.name for a in site.areas]
        assert names == sorted(names, key=AREA_ORDER.index)
        for area in site.areas:
            rules = found.get((site.id, area.name), set())
            if "column-missing" in rules:
                assert area.status == "missing"
            elif "column-empty" in rules:
                assert area.status == "empty"
            elif rules & {"column-stale", "content-mismatch", "annual-report-missing", "interpretation-missing"}:
                assert area.status in ("stale", "mismatch", "problem"), (site.id, area.name, rules)
            elif (site.id, area.name) in mapped:
                assert area.status in ("has", "unread")
            else:
                assert area.status == "na" and not area.required
    render_report(db, run_id, tmp_path / "r")
    matrix = (tmp_path / "r" / "matrix.html").read_text(encoding="utf-8")
    for word in ("有栏目", "空白", "缺失", "不适用", "年报或解读问题", "长期未更新"):
        assert word in matrix.split('class="sub legend"')[1].split("</p>")[0]
    assert '<th colspan="4" class="section">政府信息公开专栏</th>' in matrix and "缺失合计" in matrix


def test_empty_run_renders(db_target, tmp_path):
    db = store.connect(db_target)
    run_id = store.start_run(db, "crawl")
    store.finish_run(db, run_id)
    html = render_report(db, run_id, tmp_path / "r").read_text(encoding="utf-8")
    assert "本次采集没有网站数据" in html


def test_report_of_the_demo_run(demo_run, tmp_path):
    db = store.connect(demo_run.db_path)
    stats = render_report_stats(db, demo_run.run_id, tmp_path / "r")
    for site in demo_run.portal.sites:
        page = (tmp_path / "r" / f"site-{site.id}.html").read_text(encoding="utf-8")
        n = db.execute("select count(*) from findings where run_id = ? and site_id = ?",
                       [demo_run.run_id, site.id]).fetchone()[0]
        assert f"发现的问题（{n}）" in page
    assert stats["largest_bytes"] < 2_000_000
    db.conn.close()


def test_findings_page_splits_by_rule_and_region_when_long_and_keeps_every_finding(synthetic, tmp_path, monkeypatch):
    db, run_id, _ = synthetic
    monkeypatch.setattr(render, "FINDINGS_PAGE_ROWS", 50)
    render_report(db, run_id, tmp_path / "r")
    pages = [tmp_path / "r" / "findings.html", *sorted((tmp_path / "r").glob("findings-*.html"))]
    counts = dict(db.execute("select rule, count(*) from findings where run_id = ? group by rule", [run_id]).fetchall())
    assert max(counts.values()) > 50
    seen = []
    for page in pages:
        text = page.read_text(encoding="utf-8")
        rows = re.findall(r'<tr class="sev-[a-z]+" data-rule="([a-z-]+)" data-region="([^"]*)"', text)
        assert 0 < len(rows) <= 50 and len({rule for rule, _ in rows}) == 1, page.name
        # A rule longer than a page: each of its pages holds one region (市).
        if counts[rows[0][0]] > 50:
            assert len({region for _, region in rows}) == 1, page.name
        seen += [rule for rule, _ in rows]
    assert {rule: seen.count(rule) for rule in set(seen)} == counts


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _docx_parts(path):
    import zipfile

    with zipfile.ZipFile(path) as z:   # the entries; the zip's own timestamps are the time of writing
        return {name: z.read(name) for name in z.namelist()}


def test_helper_processes_write_what_one_process_writes_and_the_notice_zwgk_notice_writes(tmp_path):
    """``render_report`` shares its work with forked helper processes (the views, the notice draft,
    the cross-site list): the same files as made in one process, byte for byte, and the same draft as
    ``zwgk notice``; an archived record that cannot be read gets no view and its findings no link
    in both."""
    from reports.notice import write_notice
    from reports.synthetic import archive_pages

    db_path = tmp_path / "z.db"
    info = build_store(db_path, sites=5, documents=3000, runs=2, hostile=True)
    archived = archive_pages(db_path, runs=[info["run_id"]])[info["run_id"]]
    db = store.connect(db_path)
    cited = db.execute("select count(distinct record_id) from findings where run_id = ?", [info["run_id"]]).fetchone()[0]
    damaged = db.execute("select id, \"offset\" from warc_records where id in (select record_id from findings "
                         "where run_id = ?) order by id limit 1 offset 3", [info["run_id"]]).fetchone()
    with open(archived["path"], "r+b") as fh:   # a record whose gzip member no longer inflates
        fh.seek(damaged[1] + 12)
        fh.write(b"\xff" * 16)
    together = render_report_stats(db, info["run_id"], tmp_path / "p", notice=tmp_path / "p.docx")
    alone = render_report_stats(db, info["run_id"], tmp_path / "s", notice=tmp_path / "s.docx", parallel=False)
    write_notice(db, info["run_id"], tmp_path / "n.docx")

    files = _files(tmp_path / "p")
    assert files == _files(tmp_path / "s") and len(files) > 10
    assert {k: together[k] for k in ("pages", "largest_bytes", "largest_page", "views")} == \
           {k: alone[k] for k in ("pages", "largest_bytes", "largest_page", "views")}
    assert together["views"] == cited - 1 and archived["records"] > cited > 10
    views = b"".join(v for name, v in files.items() if name.startswith("evidence/"))
    assert f'id="r{damaged[0]}"'.encode() not in views and f'#r{damaged[0]}"'.encode() not in b"".join(files.values())
    assert _docx_parts(tmp_path / "p.docx") == _docx_parts(tmp_path / "s.docx") == _docx_parts(tmp_path / "n.docx")


def test_a_failing_helper_fails_the_report(synthetic, tmp_path, monkeypatch):
    """An exception in a helper process is raised by the report, not lost with the process."""
    db, run_id, _ = synthetic

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(render, "write_view_files", broken)
    with pytest.raises(OSError, match="disk full"):
        render_report(db, run_id, tmp_path / "r")
