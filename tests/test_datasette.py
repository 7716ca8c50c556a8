"""`datasette zwgk.db` opens the store usefully: tables, foreign-key labels and Chinese full-text search."""
import asyncio

from datasette.app import Datasette


def test_datasette_browses_and_searches_the_store(demo_run):
    async def fetch():
        ds = Datasette([str(demo_run.db_path)])
        name = demo_run.db_path.stem
        tables = await ds.client.get(f"/{name}.json")
        search = await ds.client.get(f"/{name}/documents.json", params={"_search": "最低生活保障", "_shape": "objects"})
        findings = await ds.client.get(f"/{name}/findings.json", params={"_shape": "objects", "_labels": "on"})
        return tables.json(), search.json(), findings.json()

    tables, search, findings = asyncio.run(fetch())
    names = {t["name"] for t in tables["tables"]}
    assert {"runs", "sites", "columns", "documents", "column_entries", "fetch_errors", "findings"} <= names
    assert search["rows"] and all("最低生活保障" in (r["title"] + (r["body"] or "")) for r in search["rows"])
    assert {r["rule"] for r in findings["rows"]} >= {"column-missing", "column-empty"}


def test_shipped_metadata_labels_facets_and_canned_queries(demo_run):
    """``datasette zwgk.db -m reports/datasette/metadata.yml``: Chinese descriptions, facets on the
    findings, and canned queries that answer what inspectors ask (empty columns of a region)."""
    import shutil
    from pathlib import Path

    import yaml

    from crawler import store

    metadata = yaml.safe_load((Path(__file__).parent.parent / "reports" / "datasette" / "metadata.yml").read_text("utf-8"))
    path = demo_run.work / "copy" / "zwgk.db"  # the database name the metadata describes
    path.parent.mkdir(exist_ok=True)
    shutil.copyfile(demo_run.db_path, path)
    db = store.connect(path)
    region = db.execute("select region from sites where id in (select site_id from findings where rule = 'column-empty') "
                        "limit 1").fetchone()[0]
    expected = db.execute("select count(*) from findings f join sites s on s.id = f.site_id where f.rule = 'column-empty' "
                          "and f.run_id = ? and s.region like ?", [demo_run.run_id, region.split("/")[0] + "%"]).fetchone()[0]
    db.conn.close()

    async def fetch():
        ds = Datasette([str(path)], metadata=metadata)
        table = await ds.client.get("/zwgk/findings.json", params={"_extra": "facet_results"})
        meta = await ds.client.get("/-/metadata.json")
        canned = await ds.client.get("/zwgk/empty_columns_in_region.json",
                                     params={"region": region.split("/")[0], "_shape": "objects"})
        page = await ds.client.get("/zwgk/empty_columns_in_region", params={"region": region.split("/")[0]})
        return table.json(), meta.json(), canned.json(), page.text

    table, meta, canned, page = asyncio.run(fetch())
    facets = table.get("facet_results", {})
    facets = facets.get("results", facets)
    assert {"rule", "site_id", "severity"} <= set(facets)
    assert {f["value"] for f in facets["rule"]["results"]} >= {"column-missing", "column-empty"}
    assert meta["databases"]["zwgk"]["tables"]["findings"]["description"].startswith("检查发现的问题")
    assert expected > 0 and len(canned["rows"]) == expected
    assert all(r["栏目地址"].startswith("http") for r in canned["rows"])
    assert "某地区的全部空白栏目" in page
