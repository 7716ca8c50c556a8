"""Site scores after the inspection indicators (国办秘函〔2019〕19号): coverage of the catalog,
timeliness, findings per rule, and pass/fail with the single-veto (单项否决) items explained in
Chinese. Thresholds and per-finding deductions come from ``checks/thresholds.yaml`` (province
overlays may change them); the official per-item deduction values are UNVERIFIED, so the score is
this project's estimate, while the vetoes follow the published thresholds.

Reads only the store (findings, site_checks, sites) of a checked run.
"""
from __future__ import annotations

import json
from collections import Counter

from checks.rules import RULE_NAMES
from checks.thresholds import default_thresholds

VETO_BASIS = "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）单项否决指标"
# The single-veto indicators this tool can see, in the order a notice lists them; every site is
# reported against each (发现/未发现). The others (安全泄密, 严重错误, 互动回应差 …) need a person.
VETO_INDICATORS = ("站点无法访问", "栏目不更新", "栏目不更新（空白栏目）")
# Said beside every verdict that rests on the deduction values rather than on a veto.
ESTIMATE_NOTE = ("得分为估算：各项扣分值为本项目默认值（官方逐项扣分值未核实），扣分标准见 checks/thresholds.yaml；"
                 "单项否决按国办秘函〔2019〕19号公布的标准判定")


def _vetoes(site: dict, counts: Counter, settings: dict) -> list[dict]:
    vetoes = []
    if site["status"] != "ok":
        vetoes.append({"indicator": "站点无法访问",
                       "reason": f"本次采集无法访问信息公开入口页（{site['error'] or '无法连接'}）；"
                                 "正式认定需连续一周、每天不少于20次监测", "basis": VETO_BASIS})
    stale, empty = counts["column-stale"], counts["column-empty"]
    if stale >= settings["veto_stale_columns"]:
        vetoes.append({"indicator": "栏目不更新",
                       "reason": f"{stale}个栏目超过更新期限未更新（达到{settings['veto_stale_columns']}个即单项否决）",
                       "basis": VETO_BASIS})
    elif stale + counts["content-mismatch"] >= settings["veto_should_update_columns"]:
        vetoes.append({"indicator": "栏目不更新",
                       "reason": f"{stale + counts['content-mismatch']}个应更新栏目长期未更新或内容不符"
                                 f"（达到{settings['veto_should_update_columns']}个即单项否决）", "basis": VETO_BASIS})
    if empty >= settings["veto_empty_columns"]:
        vetoes.append({"indicator": "栏目不更新（空白栏目）",
                       "reason": f"{empty}个空白栏目（达到{settings['veto_empty_columns']}个即单项否决）",
                       "basis": VETO_BASIS})
    return vetoes


def site_scores(db, run_id: int) -> list[dict]:
    """One dict per site of a checked run, for the report:

    site, name, level, province, coverage (0..100 or None), timeliness (0..100 or None), counts
    (rule -> n), deductions (rule -> points), score (0..100), vetoes ([{indicator, reason, basis}]),
    passed (bool), verdict ("合格"/"不合格"), explanation (Chinese sentence), estimated (the verdict rests
    on the deduction values, see ESTIMATE_NOTE), veto_checks ([{indicator, found}] for VETO_INDICATORS).
    """
    counts: dict[str, Counter] = {}
    for row in db.query("select site_id, rule, count(*) as n from findings where run_id = ? group by site_id, rule",
                        [run_id]):
        counts.setdefault(row["site_id"], Counter())[row["rule"]] = row["n"]
    checks = {r["site_id"]: r for r in db.query("select * from site_checks where run_id = ?", [run_id])}
    out = []
    # A run checked earlier keeps its site_checks rows, so its scores stay readable after later crawls.
    for site in db.query("select * from sites where :run between first_run and last_run or id in "
                         "(select site_id from site_checks where run_id = :run) order by id", {"run": run_id}):
        check = checks.get(site["id"])
        stats = json.loads(check["stats"]) if check and check["stats"] else {}
        settings = {**default_thresholds(), **stats.get("settings", {})}
        c = counts.get(site["id"], Counter())
        coverage = timeliness = None
        if check and check["required_areas"]:
            coverage = round(100 * check["covered_areas"] / check["required_areas"], 1)
        if check and check["timed_documents"]:
            timeliness = round(100 * (1 - check["late_documents"] / check["timed_documents"]), 1)
        deductions = {}
        for rule, n in sorted(c.items()):
            rule_cost = settings["deductions"].get(rule)
            if rule_cost:
                deductions[rule] = round(min(rule_cost["cap"], n * rule_cost["each"]), 2)
        score = round(max(0.0, 100 - sum(deductions.values())), 1)
        vetoes = _vetoes(site, c, settings)
        passed = not vetoes and score >= settings["pass_score"]
        if vetoes:
            explanation = "不合格：触发单项否决——" + "；".join(f"{v['indicator']}：{v['reason']}" for v in vetoes)
        elif not passed:
            explanation = f"不合格：扣分后得分{score}分，低于{settings['pass_score']}分"
        else:
            explanation = f"合格：未触发单项否决，扣分后得分{score}分"
        if deductions:
            explanation += "。扣分项：" + "，".join(f"{RULE_NAMES.get(r, r)}{c[r]}处扣{p}分" for r, p in deductions.items())
        out.append({
            "site": site["id"], "name": site["name"], "level": site["level"],
            "province": check["province"] if check else None,
            "coverage": coverage, "timeliness": timeliness,
            "required_areas": check["required_areas"] if check else 0,
            "covered_areas": check["covered_areas"] if check else 0,
            "timed_documents": check["timed_documents"] if check else 0,
            "late_documents": check["late_documents"] if check else 0,
            "counts": dict(sorted(c.items())), "deductions": deductions, "score": score,
            "vetoes": vetoes, "passed": passed, "verdict": "合格" if passed else "不合格",
            "explanation": explanation,
            # A verdict without a veto rests on the estimated deduction values (ESTIMATE_NOTE).
            "estimated": not vetoes,
            "veto_checks": [{"indicator": name, "found": any(v["indicator"] == name for v in vetoes)}
                            for name in VETO_INDICATORS],
        })
    return out
