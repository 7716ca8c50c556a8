"""The validity mark and the repealed documents reach the store, per document and per version."""
import json
from types import SimpleNamespace

from crawler import store
from crawler.items import ColumnItem, DocumentItem, SiteItem
from crawler.pipelines import StorePipeline
from crawler.sites import Site

URL = "http://www.example.gov.cn/gfxwj/t20250301_1.html"
COLUMN = "http://www.example.gov.cn/gfxwj/"


def _crawl(path, item):
    db = store.connect(path)
    run_id = store.start_run(db, "crawl")   # the run a crawl's spider holds
    db.conn.close()
    pipe = StorePipeline(str(path))
    pipe.open_spider(SimpleNamespace(run_id=run_id))
    pipe.process_item(SiteItem(Site("s", "示例县人民政府", "county", "黑龙江省/示例市/示例县", "http://www.example.gov.cn/")))
    pipe.process_item(ColumnItem("s", COLUMN, "现行有效规范性文件", "法定主动公开内容/现行有效规范性文件"))
    pipe.process_item(item)
    pipe.flush()
    return pipe


def test_validity_and_repeals_per_version(db_target, tmp_path):
    path = db_target
    repeals = [{"doc_number": "示政发〔2019〕12号", "title": "示例县物业管理办法", "action": "废止"}]
    _crawl(path, DocumentItem("s", COLUMN, URL, "示例县物业管理办法（2025年修订）", published="2025-03-01",
                              doc_number="示政发〔2025〕2号", body="第一条 …《示例县物业管理办法》（示政发〔2019〕12号）同时废止。",
                              validity="有效", repeals=repeals))
    _crawl(path, DocumentItem("s", COLUMN, URL, "示例县物业管理办法（2025年修订）", published="2025-03-01",
                              doc_number="示政发〔2025〕2号", body="第一条 本办法已被示政发〔2026〕1号废止。",
                              validity="废止"))
    db = store.connect(path)
    row = db.execute("select validity, repeals from documents where url = ?", [URL]).fetchone()
    assert row[0] == "废止" and row[1] is None          # the current version: repealed, repeals nothing
    versions = db.execute("select version, validity from document_versions where url = ? order by version", [URL]).fetchall()
    assert versions == [(1, "有效"), (2, "废止")]
    first = _crawl(tmp_path / "other.db" if db.dialect == "sqlite" else path, DocumentItem("s", COLUMN, URL, "x", body="y", validity="有效", repeals=repeals))
    assert json.loads(first.db.execute("select repeals from documents").fetchone()[0]) == repeals
