"""Spot-check samples: reproducible, stratified by column, and written as a checklist."""
from __future__ import annotations

import random
from collections import Counter

import pytest
from openpyxl import load_workbook

from crawler import store
from reports.common import ReportError
from reports.sample import CHECK_COLUMNS, SHEET_COLUMNS, allocate, sample_documents, write_sample_xlsx
from reports.synthetic import build_store

from conftest import DB_KINDS, new_target


@pytest.fixture(scope="module", params=DB_KINDS)
def db(request, tmp_path_factory):
    work = tmp_path_factory.mktemp("sample-synth")
    target = new_target(request, work)
    build_store(target, sites=3, documents=6000, runs=3)
    db = store.connect(target)
    yield db
    db.conn.close()


def test_same_seed_same_sample_other_seed_other_sample(db):
    first = sample_documents(db, "site-001", 20, seed=42)
    again = sample_documents(db, "site-001", 20, seed=42)
    assert first == again and len(first) == 20
    assert len({d["url"] for d in first}) == 20
    other = sample_documents(db, "site-001", 20, seed=43)
    assert [d["url"] for d in other] != [d["url"] for d in first]


def test_the_sample_does_not_depend_on_row_order_in_the_store(db, tmp_path):
    """Rebuilt store, same content: same sample (candidates are sorted by URL before drawing)."""
    build_store(tmp_path / "again.db", sites=3, documents=6000, runs=3)
    other = store.connect(tmp_path / "again.db")
    assert sample_documents(other, "site-002", 15, seed=7) == sample_documents(db, "site-002", 15, seed=7)


def test_stratified_by_column_one_each_then_proportional(db):
    sizes = Counter(r[0] for r in db.execute(
        "select c.url from column_entries e join columns c on c.id = e.column_id "
        "where e.site_id = 'site-001' and e.last_run = 3"))
    n = len(sizes) + 30
    sample = sample_documents(db, "site-001", n, seed=1)
    got = Counter(d["column_url"] for d in sample)
    assert len(sample) == n
    assert set(got) == set(sizes)  # every non-empty column at least once
    total = sum(sizes.values())
    for column, count in got.items():
        assert abs(count - n * sizes[column] / total) <= 2
    assert all(d["catalog_area"] or d["column"] in ("领导信息", "机构职能", "政策解读", "工作动态") for d in sample)


def test_fewer_than_columns_and_more_than_documents(db):
    assert len(sample_documents(db, "site-001", 3, seed=5)) == 3
    everything = db.execute("select count(distinct url) from column_entries where site_id = 'site-002' "
                            "and last_run = 3").fetchone()[0]
    assert len(sample_documents(db, "site-002", everything + 100, seed=5)) == everything


def test_as_of_keeps_only_documents_listed_by_then(db):
    sample = sample_documents(db, "site-001", 50, seed=3, as_of="2025-01-01")
    assert sample and all((d["published"] or d["list_date"]) <= "2025-01-01" for d in sample)
    with pytest.raises(ReportError, match="as-of"):
        sample_documents(db, "site-001", 5, seed=3, as_of="yesterday")


def test_unknown_site_and_bad_n(db):
    with pytest.raises(ReportError, match="no site"):
        sample_documents(db, "nowhere", 5, seed=1)
    with pytest.raises(ReportError):
        sample_documents(db, "site-001", 0, seed=1)


def test_uses_the_latest_run_that_contains_the_site(db_target):
    db = store.connect(db_target)
    for run_id in (1, 2):
        store.record_run(db, id=run_id)
    writer = store.Writer(db, 1)
    with db.conn:
        writer.sites({"id": "a", "name": "甲", "level": "county", "url": "http://a/", "config": "{}"})
        writer.columns({"id": 1, "site_id": "a", "url": "http://a/c/", "name": "财政预决算"})
        writer.column_runs({"column_id": 1, "entries": 2, "pages": 1})
        writer.entries({"column_id": 1, "url": url, "site_id": "a", "title": url, "list_date": "2026-01-01",
                        "first_run": min(last, 1) or 0, "last_run": last}
                       for url, last in (("http://a/c/1.html", 1), ("http://a/c/2.html", 1), ("http://a/c/0.html", 0)))
        writer.documents({"url": "http://a/c/1.html", "site_id": "a", "title": "一号", "published": "2026-01-02",
                          "written": "2025-12-30", "column_id": 1})
        # The check of run 1 mapped the column (the sample reads the mapping, it never maps).
        db["column_mappings"].insert({"run_id": 1, "column_id": 1, "site_id": "a", "area": "财政预决算",
                                      "reason": "name", "confidence": 0.95, "matched": "财政预决算"})
    sample = sample_documents(db, "a", 10, seed=0)  # run 2 did not crawl site a: run 1 is its latest
    assert [d["url"] for d in sample] == ["http://a/c/1.html", "http://a/c/2.html"]
    assert sample[0]["title"] == "一号" and sample[0]["published"] == "2026-01-02" and sample[0]["written"] == "2025-12-30"
    assert sample[0]["catalog_area"] == "财政预决算" and sample[0]["run_id"] == 1


def test_allocate():
    rng = random.Random(0)
    assert allocate([10, 0, 5], 100, rng) == [10, 0, 5]
    assert sum(allocate([10, 0, 5, 1], 2, rng)) == 2
    alloc = allocate([100, 10, 1, 0], 20, rng)
    assert sum(alloc) == 20 and alloc[3] == 0 and min(alloc[:3]) >= 1 and alloc[0] > alloc[1] >= alloc[2]


def test_checklist_xlsx(db, tmp_path):
    rows = sample_documents(db, "site-001", 12, seed=9)
    rows[0] = {**rows[0], "title": '=HYPERLINK("http://evil/") <script>alert("x")</script>'}
    path = write_sample_xlsx(rows, tmp_path / "sample.xlsx", info={"种子": 9})
    wb = load_workbook(path)
    ws = wb["抽查清单"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    assert tuple(values[0]) == SHEET_COLUMNS
    assert [r[1] for r in values[1:]] == [d["url"] for d in rows]
    assert values[1][2].startswith("=HYPERLINK") and ws.cell(row=2, column=3).data_type == "s"
    first = values[2]
    assert first[3] == rows[1]["column"] and first[5] == rows[1]["published"] and first[6] == rows[1]["written"]
    ticks = [SHEET_COLUMNS.index(c) for c in CHECK_COLUMNS]
    assert all(r[i] is None for r in values[1:] for i in ticks)  # empty, to be ticked
    assert ws.data_validations.dataValidation and "H2:J13" in str(ws.data_validations.dataValidation[0].sqref)
    assert ws.cell(row=2, column=2).hyperlink.target == rows[0]["url"]
    about = {r[0].value: r[1].value for r in wb["说明"].iter_rows()}
    assert about["种子"] == 9 and about["样本量"] == 12


def test_sample_of_the_demo_run(demo_run):
    db = store.connect(demo_run.db_path)
    site = demo_run.portal.sites[0].id
    a = sample_documents(db, site, 20, seed=2024)
    assert len(a) == 20 and a == sample_documents(db, site, 20, seed=2024)
    assert all(d["url"].startswith(demo_run.base_url) for d in a)
    db.conn.close()
