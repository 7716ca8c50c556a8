"""The sites config: the smallest site is one URL; every mistake is one line naming file, site and field."""
import json

import pytest
from click.testing import CliRunner

from crawler.sites import ConfigError, load_sites, parse_sites, stored_site
from zwgk.cli import main


def test_minimal_site_is_one_url(unreachable_site):
    [site] = parse_sites(unreachable_site)
    assert (site.id, site.level, site.url, site.columns) == ("demo-county", "county", "http://127.0.0.1:9/xxgk/", ())
    assert site.domains == ("127.0.0.1",)


@pytest.mark.parametrize("value, code", [("1506000140", "1506000140"), ("'3609220011'", "3609220011"),
                                         ("bm06000004", "bm06000004"), (None, None)])
def test_site_code_is_the_10_character_identifier(unreachable_site, value, code):
    """网站标识码 as real portals print it (realpages: 3609220011, 1506000140, bm06000004)."""
    text = unreachable_site if value is None else unreachable_site + f"    code: {value}\n"
    [site] = parse_sites(text)
    assert site.code == code
    assert site.as_config().get("code") == code


def test_columns_and_overrides(unreachable_site):
    [site] = parse_sites(unreachable_site + """    columns:
      - name: 财政预决算
        url: http://127.0.0.1:9/xxgk/czyjs/
        catalog: 财政预决算
    extract:
      entry: "ul.list li"
""")
    assert site.columns[0].catalog == "财政预决算"
    assert site.extract == {"entry": "ul.list li"}


@pytest.mark.parametrize("change, message", [
    (("id: demo-county", "id: Demo_County"), "sites.yaml: sites[0]: field 'id' must match [a-z0-9-]+, got 'Demo_County'"),
    (("level: county", "level: city"), "sites.yaml: site 'demo-county': field 'level' must be one of province, municipal, county, township, department, got 'city'"),
    (("url: http://127.0.0.1:9/xxgk/", "url: 127.0.0.1/xxgk"), "sites.yaml: site 'demo-county': field 'url': not an http(s) URL: '127.0.0.1/xxgk'"),
    (("name: 示例县人民政府", "nam: 示例县人民政府"), "sites.yaml: site 'demo-county': unknown field 'nam'"),
    (("region: 黑龙江省/示例市/示例县", "region: ''"), "sites.yaml: site 'demo-county': field 'region' is required and must be text"),
    (("level: county", "level: county\n    code: '23010000'"),
     "sites.yaml: site 'demo-county': field 'code' (网站标识码) must be 10 digits, or 'bm' and 8 digits for a department site, got '23010000'"),
    (("level: county", "level: county\n    code: 2301ab0001"),
     "sites.yaml: site 'demo-county': field 'code' (网站标识码) must be 10 digits, or 'bm' and 8 digits for a department site, got '2301ab0001'"),
])
def test_mistakes_name_file_site_and_field(unreachable_site, tmp_path, change, message):
    path = tmp_path / "sites.yaml"
    path.write_text(unreachable_site.replace(*change), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_sites(path)
    assert str(err.value) == message.replace("sites.yaml", str(path))


def test_duplicate_ids_and_broken_yaml(unreachable_site, tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(unreachable_site + unreachable_site.replace("sites:\n", ""), encoding="utf-8")
    with pytest.raises(ConfigError, match="site 'demo-county': duplicate id"):
        load_sites(path)
    path.write_text("sites: [\n  - id: x", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"not valid YAML"):
        load_sites(path)
    with pytest.raises(ConfigError, match="no such file"):
        load_sites(tmp_path / "missing.yaml")


def test_broken_config_exits_2_with_one_line_and_crawls_nothing(unreachable_site, tmp_path):
    path = tmp_path / "sites.yaml"
    path.write_text(unreachable_site.replace("level: county", "level: city"), encoding="utf-8")
    db = tmp_path / "zwgk.db"
    result = CliRunner().invoke(main, ["crawl", "--sites", str(path), "--db", str(db)])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"错误：{path}: site 'demo-county': field 'level' must be one of province, municipal, county, township, department, got 'city'"
    ]
    assert "Traceback" not in result.output
    assert not db.exists()


def test_a_stored_site_reads_back_as_the_site_the_crawl_stored():
    """The sites row the pipeline writes (``Site.as_row``, config as JSON) reads back as the same typed
    Site (what the checks and the report hold); a builder's bare row still gives the identity."""
    [site] = parse_sites("""
sites:
  - id: demo-county
    name: 示例县人民政府
    level: county
    region: 黑龙江省/示例市/示例县
    url: http://www.example.gov.cn/xxgk/
    columns: [{name: 财政预决算, url: http://www.example.gov.cn/xxgk/czyjs/, catalog: 财政预决算}]
    extract: {entry: "ul.list li"}
    allowed_domains: [czj.example.gov.cn]
    province: heilongjiang
    catalog_areas: [社会救助]
    code: "2301000001"
""")
    row = site.as_row()
    assert stored_site({**row, "config": json.dumps(row["config"], ensure_ascii=False)}) == site
    bare = stored_site({"id": "s", "name": None, "level": "county", "region": None, "url": "http://s/", "config": "x"})
    assert (bare.id, bare.name, bare.region, bare.catalog_areas, bare.code) == ("s", "s", "", None, None)
