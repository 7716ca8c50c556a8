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
