"""The command line as inspectors meet it: one-line errors, exit codes, and the read-only commands."""
import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from zwgk.cli import main

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "realpages" / "pages"


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.skipif(not (CORPUS / "003.html").exists(), reason="real-page corpus not beside the project")
def test_extract_prints_the_spiders_view_of_a_saved_page():
    result = invoke("extract", CORPUS / "003.html", "--url",
                    "https://www.yichun.gov.cn/ycsrmzf/tjgb/202305/36796cdc82d04268913f2884cf2fe579.shtml",
                    "--kind", "detail")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "detail"
    assert data["fields"]["published"] == "2023-04-18"   # not the page-generation PubDate meta
    assert data["fields"]["index_number"] == "014717475N/2023-0040295"
    assert data["fields"]["publisher"] == "宜春市统计局"


def test_extract_on_bytes_that_are_not_a_page(tmp_path):
    junk = tmp_path / "junk.html"
    junk.write_bytes(bytes(range(256)) * 40)
    result = invoke("extract", junk, "--url", "http://www.example.gov.cn/a.html", "--kind", "list")
    assert result.exit_code == 0
    assert json.loads(result.output) == {"kind": "list", "entries": [], "list_found": False, "empty": None, "total": None,
                                         "next_pages": []}


def test_catalog_for_a_level_and_a_missing_site(tmp_path):
    result = invoke("catalog", "--level", "county", "--region", "黑龙江省/示例市", "--format", "json")
    assert result.exit_code == 0
    areas = {row["area"] for row in json.loads(result.output)}
    assert {"财政预决算", "社会救助", "政府信息公开年报"} <= areas
    sites = tmp_path / "s.yaml"
    sites.write_text("sites:\n  - {id: a, name: 甲, level: county, region: 黑龙江省, url: 'http://a.gov.cn/xxgk/'}\n",
                     encoding="utf-8")
    result = invoke("catalog", "--sites", sites, "--site", "b")
    assert (result.exit_code, result.output.strip()) == (2, f"错误：{sites}: no site with id 'b'")


def test_findings_formats(demo_run):
    as_json = json.loads(invoke("findings", "--db", demo_run.db_path, "--format", "json").output)
    as_csv = list(csv.DictReader(io.StringIO(invoke("findings", "--db", demo_run.db_path, "--format", "csv").output)))
    assert len(as_json) == len(as_csv) > 0
    assert [(r["site"], r["rule"], r["url"]) for r in as_json] == [(r["site"], r["rule"], r["url"]) for r in as_csv]
    table = invoke("findings", "--db", demo_run.db_path).output
    assert "column-missing" in table and "社会救助" in table


@pytest.mark.parametrize("args, message", [
    (("check", "--db", "{tmp}/none.db"), "错误：{tmp}/none.db: no such database (run 'zwgk crawl' first, or pass --db)"),
    (("check", "--db", "{db}", "--as-of", "2026-13-01"), "错误：--as-of expects a date YYYY-MM-DD, got '2026-13-01'"),
    (("findings", "--db", "{db}", "--run", "x"), "错误：--run must be a run number or 'latest', got 'x'"),
    (("crawl", "--sites", "{tmp}/none.yaml", "--db", "{tmp}/z.db"), "错误：{tmp}/none.yaml: no such file"),
    (("crawl", "--sites", "{tmp}/none.yaml", "-s", "DOWNLOAD_DELAY"), "错误：-s expects NAME=VALUE, got 'DOWNLOAD_DELAY'"),
    (("crawl", "--sites", "{sites}", "--db", "{tmp}/bad.db"),
     "错误：{tmp}/bad.db: cannot open as a zwgk database: file is not a database"),
])
def test_user_mistakes_are_one_line(tmp_path, demo_run, args, message):
    fill = {"tmp": tmp_path, "db": demo_run.db_path, "sites": demo_run.sites_file}
    (tmp_path / "bad.db").write_bytes(b"not a database" * 100)
    result = invoke(*[a.format(**fill) for a in args])
    assert result.exit_code in (1, 2)
    assert result.output.strip() == message.format(**fill)
    assert (tmp_path / "bad.db").read_bytes() == b"not a database" * 100  # nothing overwritten


def test_an_output_path_that_cannot_be_written(demo_run, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = invoke("report", "--db", demo_run.db_path, "--out", blocker / "report")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"错误：{blocker / 'report'}: Not a directory"]
    assert "Traceback" not in result.output
