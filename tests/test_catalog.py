"""The catalog as data: the 26 areas and the four sections load, validate, overlay and print."""
from pathlib import Path

import pytest

from checks.catalog import (CATALOG_COLUMNS, CATALOG_DIR, CatalogError, apply_overlay, catalog_for_site, default_catalog,
                            find_area, load_catalog, load_overlays, parse_overlay, province_key, site_catalog)
from crawler.sites import Site

AREAS_2019 = {"自然资源", "重大建设项目", "公共资源交易", "财政预决算", "安全生产", "税收管理", "国有土地上房屋征收与补偿",
              "生态环境", "公共文化服务", "公共体育", "乡村振兴", "救灾", "社会救助", "养老服务", "户籍管理", "涉农补贴",
              "就业", "社会保险", "卫生健康", "食品药品监管", "城市综合执法", "义务教育", "公共法律服务", "市政服务",
              "农村危房改造", "保障性住房"}
SECTIONS = {"政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报"}


def site(level="county", region="", **config) -> Site:
    """A configured site of that level and region, with ``config`` (province, catalog_areas …)."""
    return Site(config.pop("id", "x"), "示例政府", level, region, "http://www.example.gov.cn/", **config)


def test_the_26_areas_and_the_four_sections():
    areas = default_catalog()
    by_section = {}
    for a in areas:
        by_section.setdefault(a.section, set()).add(a.name)
    assert by_section["基层政务公开标准目录"] == AREAS_2019
    assert by_section["政府信息公开专栏"] == SECTIONS
    # unverified facts are marked, not invented: 公共体育 is not required anywhere
    sports = find_area(areas, "公共体育")
    assert sports.verified is False and not any(sports.is_required(lv) for lv in sports.levels)
    assert all(not i.verified for i in find_area(areas, "重大建设项目").items if i.l1 != "征收土地信息")


@pytest.mark.parametrize("old, new", [
    ("环境保护", "生态环境"), ("医疗卫生", "卫生健康"), ("卫生计生", "卫生健康"), ("扶贫", "乡村振兴"),
    ("城乡规划", "自然资源"), ("征地补偿", "自然资源"), ("公共文化体育", "公共文化服务"),
    # the seven Heilongjiang seed areas
    ("脱贫攻坚", "乡村振兴"), ("社会救助和社会福利", "社会救助"), ("教育", "义务教育"), ("基本医疗卫生", "卫生健康"),
    ("灾害事故救援", "救灾"),
])
def test_old_names_and_seed_areas_resolve(old, new):
    assert find_area(default_catalog(), old).name == new


def test_time_rules_from_the_reference():
    areas = {a.name: a for a in default_catalog()}
    assert areas["社会救助"].time_rule.within == (10, "workdays")
    assert areas["养老服务"].time_rule.within == (10, "workdays")
    assert areas["生态环境"].time_rule.within == (20, "workdays")
    budget = areas["财政预决算"].time_rule
    assert budget.within == (20, "days") and budget.start == "approval"
    report = {i.id: i for i in areas["政府信息公开年报"].items}
    assert report["gknb-government"].time_rule.annual_by == "03-31"
    assert report["gknb-department"].time_rule.annual_by == "01-31"
    assert report["gknb-department"].levels == ("department",)
    assert areas["社会救助"].item("shjz-dbsh").time_rule.keep == (7, "workdays")


def write_catalog(tmp_path: Path, *texts: str) -> Path:
    for i, text in enumerate(texts):
        (tmp_path / f"a{i}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


AREA = """area: 测试领域{n}
section: 基层政务公开标准目录
levels: [county]
basis: 《测试依据》
keywords: [词{n}]
"""


@pytest.mark.parametrize("extra, message", [
    ("time_rule: {within: 20 wd}\n", "a0.yaml: area '测试领域0': field 'time_rule.within': bad duration '20 wd'"),
    ("time_rule: {within: 20 workdays, from: tomorrow}\n", "field 'time_rule.from' must be one of"),
    ("time_rule: {annual: {by: '02-30'}}\n", "field 'time_rule.annual' must be {by: \"MM-DD\"}"),
    ("time_rule: {every: 6 months}\n", "field 'time_rule.every' is unknown"),
    ("time_rule: {update_every: 6 workdays}\n", "bad duration '6 workdays'"),
    ("colour: red\n", "a0.yaml: area '测试领域0': unknown field 'colour'"),
    ("levels: [county, 村级]\n", "field 'levels': unknown level '村级'"),
    ("items:\n  - {id: x-1, l1: 甲, time_rule: {within: soon}}\n", "a0.yaml: area '测试领域0': item 'x-1': field 'time_rule.within': bad duration"),
    ("items:\n  - {id: x-1, l1: 甲, weight: 3}\n", "item 'x-1': unknown field 'weight'"),
    ("items:\n  - {id: x-1, l1: 甲}\n  - {id: x-1, l1: 乙}\n", "item 'x-1': duplicate item id"),
    ("items:\n  - {id: X 1, l1: 甲}\n", "field 'id' must match"),
])
def test_a_bad_catalog_fails_with_one_line(tmp_path, extra, message):
    text = AREA.format(n=0)
    if extra.startswith("levels:"):
        text = text.replace("levels: [county]\n", "")
    write_catalog(tmp_path, text + extra)
    with pytest.raises(CatalogError) as err:
        load_catalog(tmp_path)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_duplicate_item_across_files_and_ambiguous_names(tmp_path):
    item = "items:\n  - {id: same-item, l1: 甲}\n"
    write_catalog(tmp_path, AREA.format(n=0) + item, AREA.format(n=1) + item)
    with pytest.raises(CatalogError, match=r"a1.yaml: item 'same-item': duplicate item id \(also in .*a0.yaml\)"):
        load_catalog(tmp_path)
    for f in tmp_path.glob("*.yaml"):
        f.unlink()
    write_catalog(tmp_path, AREA.format(n=0) + "aliases: [共同名称]\n", AREA.format(n=1) + "aliases: [共同名称]\n")
    with pytest.raises(CatalogError, match="'共同名称' also names area '测试领域0'"):
        load_catalog(tmp_path)
    for f in tmp_path.glob("*.yaml"):
        f.unlink()
    write_catalog(tmp_path, AREA.format(n=0), AREA.format(n=1).replace("词1", "词0"))
    with pytest.raises(CatalogError, match="'词0' is also a keyword of area '测试领域0'"):
        load_catalog(tmp_path)


def test_the_shipped_catalog_is_valid_yaml_per_area():
    files = sorted(p.name for p in CATALOG_DIR.glob("*.yaml"))
    assert len(files) == 30
    assert len(load_catalog()) == 30


def test_province_from_config_or_region():
    overlays = load_overlays()
    assert {"heilongjiang", "sichuan", "shanghai"} <= set(overlays)
    assert province_key(site(region="黑龙江省/哈尔滨市/道里区")) == "heilongjiang"
    assert province_key(site(region="黑龙江省哈尔滨市")) == "heilongjiang"
    assert province_key(site(region="四川省/巴中市/平昌县")) == "sichuan"
    assert province_key(site(region="浙江省/样本市")) is None
    assert province_key(site(province="sichuan", region="黑龙江省")) == "sichuan"
    assert province_key(site(province="四川")) == "sichuan"


def test_overlays_add_and_change():
    sichuan = site_catalog(site("county", region="四川省/巴中市/平昌县"))
    assert sichuan.settings["interpretation_ratio"] == 0.5
    assert sichuan.area("法定主动公开内容").item("sc-zcjd") is not None
    shanghai = site_catalog(site("county", region="上海市/黄浦区"))
    assert shanghai.settings["publish_within"] == "10 workdays"
    hlj = site_catalog(site("county", region="黑龙江省/示例市"))
    assert hlj.area("社会福利") is not None and hlj.area("社会福利") not in hlj.required
    national = site_catalog(site("county", region="浙江省"))
    assert national.area("社会福利") is None and national.settings["interpretation_ratio"] is None


def test_overlay_change_and_errors(tmp_path):
    path = tmp_path / "testprov.yaml"
    path.write_text("province: 测试省\nsource: 测试文件\nchange:\n  - item: shjz-lsjz\n    set: {time_rule: {within: 5 workdays}}\n"
                    "  - area: 救灾\n    set: {required: false}\n", encoding="utf-8")
    overlay = load_overlays(tmp_path)["testprov"]
    areas = apply_overlay(default_catalog(), overlay)
    assert find_area(areas, "社会救助").item("shjz-lsjz").time_rule.within == (5, "workdays")
    assert find_area(areas, "救灾").required is False
    path.write_text("province: 测试省\nsource: x\nchange:\n  - item: no-such\n    set: {note: x}\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="change\\[0\\]: field 'item': unknown item 'no-such'"):
        apply_overlay(default_catalog(), load_overlays(tmp_path)["testprov"])
    with pytest.raises(CatalogError, match="unknown setting 'speed'"):
        parse_overlay({"province": "测试省", "source": "x", "settings": {"speed": 1}}, path)
    with pytest.raises(CatalogError, match="setting 'publish_within': bad duration"):
        parse_overlay({"province": "测试省", "source": "x", "settings": {"publish_within": "soon"}}, path)


def test_required_at_level_and_site_narrowing():
    county = site_catalog(site("county", region="浙江省"))
    names = {a.name for a in county.required}
    assert len(names & AREAS_2019) == 25 and "公共体育" not in names  # unverified: never required
    assert SECTIONS <= names
    dept = site_catalog(site("department", region="浙江省"))
    assert {a.name for a in dept.required} == SECTIONS
    narrowed = site_catalog(site("municipal", region="浙江省", catalog_areas=("社会救助", "环境保护", "政府信息公开年报")))
    assert [a.name for a in narrowed.required] == ["政府信息公开年报", "社会救助", "生态环境"]
    assert narrowed.narrowed
    with pytest.raises(CatalogError, match="site 'x': field 'catalog_areas': unknown area '不存在领域'"):
        site_catalog(site("county", id="x", catalog_areas=("不存在领域",)))


def test_catalog_for_site_gives_printable_rows():
    rows = catalog_for_site(site("county", region="黑龙江省/示例市/昇平县", catalog_areas=("社会救助",)))
    keys = [k for k, _ in CATALOG_COLUMNS]
    assert all(list(r) == keys[:2] + [k for k in keys[2:] if k in r] or set(r) == set(keys) for r in rows)
    social = [r for r in rows if r["area"] == "社会救助"]
    assert social and all(r["required"] == "是" for r in social)
    dbsh = next(r for r in social if r["item"] == "shjz-dbsh")
    assert dbsh["time_limit"] == "制定或获取信息之日起10个工作日内，公示7个工作日"
    assert dbsh["time_rule"] == "信息形成或变更之日起10个工作日内；公示7个工作日"
    assert all(isinstance(v, str) for r in rows for v in r.values())
    assert {r["required"] for r in rows if r["area"] == "安全生产"} == {"否"}
