"""The config is checked whole before anything is fetched: selectors compiled, catalog names and the
province known, -s values of the right type; one line naming file, site and field, exit code 2.
The sites file is parsed once (libyaml when PyYAML has it)."""
from __future__ import annotations

import pytest
import yaml
from click.testing import CliRunner

from crawler import sites as sites_module
from crawler import store
from crawler.runner import crawl
from crawler.sites import load_sites
from zwgk.cli import main
from zwgk.demo import DEMO_SETTINGS


def run_cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("extra, line", [
    ('    extract:\n      entry: "ul[[[li"\n',
     "{path}: site 'demo-county': field 'extract.entry': not a valid CSS or XPath selector 'ul[[[li': "),
    ('    extract:\n      next_page: "//a[text()="\n',
     "{path}: site 'demo-county': field 'extract.next_page': not a valid CSS or XPath selector '//a[text()=': "),
    ("    catalog_areas: [财政预决算, 不存在]\n",
     "{path}: site 'demo-county': field 'catalog_areas': unknown area '不存在' (see: zwgk catalog --level county)"),
    ("    province: heilongjang\n",
     "{path}: site 'demo-county': field 'province': unknown province 'heilongjang' (known overlays: "),
])
@pytest.mark.parametrize("command", ["crawl", "run"])
def test_config_mistakes_exit_2_before_anything_is_fetched(unreachable_site, tmp_path, extra, line, command):
    path = tmp_path / "sites.yaml"
    path.write_text(unreachable_site + extra, encoding="utf-8")
    db = tmp_path / "zwgk.db"
    result = run_cli(command, "--sites", path, "--db", db, "--out", tmp_path / "r") if command == "run" \
        else run_cli(command, "--sites", path, "--db", db)
    assert result.exit_code == 2, result.output
    [printed] = result.output.strip().splitlines()
    assert printed.startswith("错误：" + line.format(path=path)), printed
    assert not db.exists()   # nothing crawled, no run recorded


def test_a_known_province_and_catalog_areas_pass(unreachable_site, tmp_path):
    from zwgk.common import load_config

    path = tmp_path / "sites.yaml"
    path.write_text(unreachable_site + "    province: 黑龙江省\n    catalog_areas: [财政预决算, 政府信息公开年报]\n", encoding="utf-8")
    [site] = load_config(path)
    assert site.catalog_areas == ("财政预决算", "政府信息公开年报")


def test_unknown_only_id_exits_2(unreachable_site, tmp_path):
    path = tmp_path / "sites.yaml"
    path.write_text(unreachable_site, encoding="utf-8")
    result = run_cli("crawl", "--sites", path, "--db", tmp_path / "z.db", "--only", "nope")
    assert result.exit_code == 2
    assert result.output.strip() == f"错误：{path}: no site with id 'nope' (--only)"


@pytest.mark.parametrize("setting, line", [
    ("DOWNLOAD_TIMEOUT=abc", "-s DOWNLOAD_TIMEOUT=abc: DOWNLOAD_TIMEOUT must be a number (default 30)"),
    ("CONCURRENT_REQUESTS=2.5", "-s CONCURRENT_REQUESTS=2.5: CONCURRENT_REQUESTS must be a whole number (default 16)"),
    ("ROBOTSTXT_OBEY=maybe", "-s ROBOTSTXT_OBEY=maybe: ROBOTSTXT_OBEY must be true or false (default True)"),
    ("ZWGK_INCREMENTAL=yes", "-s ZWGK_INCREMENTAL=yes: ZWGK_INCREMENTAL must be true or false (default True)"),
    ("ZWGK_MAX_PAGES_PER_COLUMN=many", "-s ZWGK_MAX_PAGES_PER_COLUMN=many: ZWGK_MAX_PAGES_PER_COLUMN must be a whole number (default 500)"),
    ("DEFAULT_REQUEST_HEADERS={x", "-s DEFAULT_REQUEST_HEADERS={x: DEFAULT_REQUEST_HEADERS must be a JSON object"),
])
@pytest.mark.parametrize("command", ["crawl", "run"])
def test_setting_of_the_wrong_type_is_one_line_exit_2(unreachable_site, tmp_path, setting, line, command):
    path = tmp_path / "sites.yaml"
    path.write_text(unreachable_site, encoding="utf-8")
    db = tmp_path / "zwgk.db"
    result = run_cli(command, "--sites", path, "--db", db, "-s", setting)
    assert result.exit_code == 2, result.output
    [printed] = result.output.strip().splitlines()
    assert printed.startswith("错误：" + line), printed
    assert not db.exists()


def test_settings_of_the_right_type_and_unknown_names_pass():
    from zwgk.common import parse_settings

    pairs = ["DOWNLOAD_TIMEOUT=2.5", "DOWNLOAD_DELAY=0", "ROBOTSTXT_OBEY=False", "ZWGK_REVISIT_DAYS=0.5",
             "CONCURRENT_REQUESTS=4", "MY_OWN_SETTING=anything", "USER_AGENT=x", "LOG_FILE=/tmp/x"]
    assert len(parse_settings(pairs)) == len(pairs)
    assert parse_settings([f"{k}={v}" for k, v in DEMO_SETTINGS.items()]) == DEMO_SETTINGS


def test_schedule_config_with_a_bad_setting_is_refused(unreachable_site, tmp_path):
    sites = tmp_path / "sites.yaml"
    sites.write_text(unreachable_site, encoding="utf-8")
    config = tmp_path / "schedule.yaml"
    config.write_text(f"jobs:\n  - id: weekly\n    sites: {sites}\n    db: {tmp_path / 'z.db'}\n"
                      "    settings: {DOWNLOAD_TIMEOUT: abc}\n", encoding="utf-8")
    result = run_cli("schedule", "add", "--config", config)
    assert result.exit_code == 2, result.output
    assert "field 'settings': -s DOWNLOAD_TIMEOUT=abc: DOWNLOAD_TIMEOUT must be a number" in result.output
    result = run_cli("schedule", "add", "--sites", sites, "--db", tmp_path / "z.db", "-s", "ROBOTSTXT_OBEY=perhaps")
    assert result.exit_code == 2, result.output


def test_the_sites_file_is_parsed_with_libyaml_when_available():
    if getattr(yaml, "__with_libyaml__", False):
        assert sites_module.YAML_LOADER is yaml.CSafeLoader
    else:
        assert sites_module.YAML_LOADER is yaml.SafeLoader


@pytest.mark.slow
def test_the_crawl_process_gets_the_parsed_sites_and_does_not_parse_the_file_again(unreachable_site, tmp_path):
    """The parent loads and validates; the child crawls exactly those sites even when the file has
    changed meanwhile (here: no longer YAML at all)."""
    path = tmp_path / "sites.yaml"
    path.write_text(unreachable_site, encoding="utf-8")
    loaded = load_sites(path)
    path.write_text("sites: [\n  - not yaml", encoding="utf-8")
    db_path = tmp_path / "zwgk.db"
    settings = {**DEMO_SETTINGS, "RETRY_TIMES": "0", "DOWNLOAD_TIMEOUT": "5"}
    run_id, code = crawl(path, db_path, settings=settings, sites=loaded)
    assert code == 0
    db = store.connect(db_path)
    assert db["runs"].get(run_id)["status"] == "finished"
    assert [r["id"] for r in db.query("select id from sites")] == ["demo-county"]
    assert not list(tmp_path.glob("zwgk-logs/*.sites.json"))   # the hand-over file is removed


def test_demo_portal_builds_at_scale_10():
    """`zwgk demo --scale 10` (allowed 1-100) failed numbering the 100th copy of a title."""
    from zwgk.demoportal import DemoPortal
    from zwgk.demoportal.texts import cn_number

    assert [cn_number(n) for n in (9, 10, 15, 20, 99, 100, 105, 110, 1005, 1010, 20300)] == [
        "九", "十", "十五", "二十", "九十九", "一百", "一百零五", "一百一十", "一千零五", "一千零一十", "二万零三百"]
    docs = DemoPortal(scale=10).documents()
    assert len(docs) > 10_000
