"""One orchestration (zwgk.run.run_once) for `zwgk run`, `zwgk demo` and the scheduler, one error base."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

import zwgk.run
from checks.catalog import CatalogError
from crawler import store
from crawler.exceptions import ZwgkError
from crawler.runner import RunLocked
from crawler.sites import ConfigError
from reports.common import ReportError
from zwgk.cli import main
from zwgk.run import CrawlNotFinished, run_once
from zwgk.scheduler import scheduled_run

SITES = "sites:\n  - {id: a, name: 甲县, level: county, region: 浙江省/甲市/甲县, url: 'http://127.0.0.1:9/xxgk/'}\n"


@pytest.fixture
def interrupted(tmp_path, monkeypatch):
    """A crawl that ends 'interrupted' (as after SIGTERM to the crawl process), without crawling."""
    def crawl(sites_file, db_path, **kwargs):
        db = store.connect(db_path)
        run_id = store.start_run(db, "crawl", sites_file=str(sites_file))
        store.finish_run(db, run_id, "interrupted")
        db.conn.close()
        return run_id, 0

    monkeypatch.setattr(zwgk.run, "crawl", crawl)
    sites = tmp_path / "sites.yaml"
    sites.write_text(SITES, encoding="utf-8")
    return sites, tmp_path / "z.db", tmp_path / "report"


def _checked(db_path) -> list:
    db = store.connect(db_path)
    try:
        return [r for (r,) in db.execute("select id from runs where checked_at is not null")]
    finally:
        db.conn.close()


def test_an_interrupted_crawl_is_neither_checked_nor_reported_by_run_once(interrupted):
    sites, db_path, out = interrupted
    lines = []
    with pytest.raises(CrawlNotFinished, match="已中断.*未做检查，报告未更新"):
        run_once(sites, db_path, out, say=lines.append)
    assert not out.exists() and _checked(db_path) == []
    assert lines and "第 1 次采集已中断" in lines[-1]


def test_zwgk_run_and_the_scheduler_follow_the_same_policy(interrupted):
    sites, db_path, out = interrupted
    result = CliRunner().invoke(main, ["run", "--sites", str(sites), "--db", str(db_path), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert result.output.strip().splitlines()[-1] == "错误：第 1 次采集已中断：未做检查，报告未更新（仍为上次的报告）"
    assert scheduled_run("weekly", str(sites), str(db_path), str(out)) is None
    assert not out.exists() and _checked(db_path) == []


@pytest.mark.parametrize("error, code", [
    (ConfigError, 2), (CatalogError, 2), (store.StoreError, 1), (RunLocked, 75), (ReportError, 1), (CrawlNotFinished, 1)])
def test_every_error_for_the_user_is_a_zwgk_error_with_its_exit_code(error, code):
    assert issubclass(error, ZwgkError) and error("x").exit_code == code


def test_an_error_becomes_one_line_and_its_exit_code_at_the_cli_edge(tmp_path):
    sites = tmp_path / "sites.yaml"
    sites.write_text(SITES.replace("level: county", "level: village"), encoding="utf-8")
    result = CliRunner().invoke(main, ["crawl", "--sites", str(sites), "--db", str(tmp_path / "z.db")])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert result.output.startswith(f"错误：{sites}") and "level" in result.output
    assert not (tmp_path / "z.db").exists()
