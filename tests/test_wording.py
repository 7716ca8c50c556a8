"""Findings in the words of a notice: one Chinese wording per rule (checks/wording.py), no internal
keys, Chinese dates, real durations, Beijing time, legal bases quoted once."""
from __future__ import annotations

import json
import re

from checks import wording
from checks.catalog import LEVEL_NAMES
from checks.rules import RULES
from checks.zh import beijing_time, dedupe_basis, zh_date, zh_duration
from crawler import store

# Evidence keys and raw values the old report printed; none may reach a reader.
INTERNAL = re.compile(r"[a-z_]+：|required_by|confidence|chinesecalendar|workdays|catalog level|titles of|"
                      r"\d{4}-\d{2}-\d{2}|[a-z]+-[a-z]+")


def test_dates_durations_times_and_bases_read_as_a_notice_writes_them():
    assert zh_date("2026-06-30") == "2026年6月30日" and zh_date("2026-01-05T10:00:00+08:00") == "2026年1月5日"
    assert zh_duration("2021-12-20", "2026-06-30") == "4年6个月"
    assert zh_duration("2026-03-29", "2026-06-30") == "3个月"
    assert zh_duration("2026-06-05", "2026-06-30") == "25天"
    assert zh_duration("2024-06-30", "2026-06-30") == "2年"
    # UTC 20:05 is 04:05 the next day in Beijing; a naive timestamp is UTC.
    assert beijing_time("2026-06-30T20:05:00+00:00") == "2026年7月1日 04:05（北京时间）"
    assert beijing_time("2026-06-30T09:00:00+08:00") == "2026年6月30日 09:00（北京时间）"
    assert beijing_time("2026-06-30T01:00:00") == "2026年6月30日 09:00（北京时间）"
    law = "《中华人民共和国政府信息公开条例》"
    assert dedupe_basis(f"{law}第二十条、第二十一条；《指导意见》：按标准目录公开；{law}第二十一条；{law}第二十六条") == \
        f"{law}第二十条、第二十一条、第二十六条；《指导意见》：按标准目录公开"
    assert dedupe_basis("《A》：甲；《A》：甲") == "《A》：甲"


def test_rule_and_level_names_have_one_source():
    import checks.score
    import reports.common
    assert wording.RULE_NAMES == {rule: module.NAME for rule, module in RULES.items()}
    assert reports.common.RULE_NAMES is wording.RULE_NAMES and checks.score.RULE_NAMES is wording.RULE_NAMES
    assert reports.common.LEVEL_NAMES is LEVEL_NAMES and LEVEL_NAMES["township"] == "乡镇"
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+", name) for name in wording.RULE_NAMES.values())


def late_finding():
    return {"rule": "late-publication", "url": "http://x.gov.cn/a.html", "basis": "b",
            "evidence": json.dumps({"written": "2026-02-05", "published": "2026-03-20", "deadline": "2026-03-16",
                                    "limit": "20 workdays", "workdays_elapsed": 22,
                                    "calendar": ["chinesecalendar"], "column_url": "http://x.gov.cn/c/"})}


def test_each_rule_words_its_evidence_in_chinese():
    assert wording.describe(late_finding()) == \
        "成文日期：2026年2月5日；发布日期：2026年3月20日；期限：20个工作日；已用22个工作日（含调休）；应于2026年3月16日前公开"
    stale = {"rule": "column-stale", "url": "http://x.gov.cn/c/", "evidence": {
        "column_url": "http://x.gov.cn/c/", "newest_date": "2021-12-20", "update_rule": "6个月",
        "cutoff": "2025-12-30", "as_of": "2026-06-30", "entries": 12, "newest_entry": "http://x.gov.cn/c/t1.html"}}
    assert "最近一次更新：2021年12月20日；截至2026年6月30日已超过4年6个月未更新" in wording.describe(stale)
    lines = wording.evidence_lines(stale)
    assert ("2021年12月20日", "http://x.gov.cn/c/t1.html") in lines[1]  # the newest entry is linked
    missing = {"rule": "column-missing", "url": "http://x.gov.cn/", "evidence": {
        "entry_page": "http://x.gov.cn/", "columns_found": 14, "names_tried": ["社会救助", "低保"],
        "required_by": "catalog level county"}}
    assert wording.describe(missing) == ("信息公开入口页：http://x.gov.cn/；入口页共列出14个栏目，未见名为“社会救助”、“低保”的栏目；"
                                         "该目录事项为县级政府应设事项")
    empty = {"rule": "column-empty", "evidence": {"column_url": "http://x.gov.cn/c/", "pages_read": 1, "entries": 0,
                                                  "mapping": {"area": "社会救助", "reason": "alias", "matched": "低保",
                                                              "confidence": 0.9, "item": None}}}
    assert wording.describe(empty) == ("栏目地址：http://x.gov.cn/c/；已读取该栏目列表页1页，未列出任何信息；"
                                       "栏目名称“低保”为目录事项“社会救助”的常用名称")
    assert wording.describe(late_finding(), urls=True) == wording.describe(late_finding())
    assert "（http://x.gov.cn/c/t1.html）" in wording.describe(stale, urls=True)


def test_every_finding_of_the_demo_run_is_worded_without_internal_keys(demo_run):
    db = store.connect(demo_run.db_path)
    rows = list(db.query("select * from findings where run_id = ?", [demo_run.run_id]))
    db.conn.close()
    assert {r["rule"] for r in rows} >= {"column-missing", "column-empty", "column-stale", "late-publication",
                                         "missing-date", "dead-link", "annual-report-missing"}
    for row in rows:
        text = wording.describe(row)
        assert text and not INTERNAL.search(text), (row["rule"], text)
        assert not INTERNAL.search(row["message"].replace(row["url"] or "", "")), row["message"]
        assert wording.rule_name(row["rule"]) == RULES[row["rule"]].NAME
        for part in wording.basis(row).split("；"):
            assert wording.basis(row).count(part) == 1
