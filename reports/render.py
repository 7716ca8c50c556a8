"""Render one run of the store as a static HTML site (jinja2, autoescaped), readable offline."""
from __future__ import annotations

import json
import shutil
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from checks.catalog import default_catalog
from checks.context import load_context

RULE_NAMES = {
    "column-missing": "栏目缺失",
    "column-empty": "空白栏目",
    "column-stale": "栏目长期未更新",
    "content-mismatch": "栏目内容与目录不符",
    "misfiled": "信息发布错栏",
    "late-publication": "发布超期",
    "missing-date": "缺少发布日期",
    "dead-link": "链接不可用",
    "annual-report-missing": "年度报告未按时公开",
    "item-removed": "信息被撤下",
    "interpretation-missing": "政策解读缺失",
}
LEVEL_NAMES = {"province": "省级", "municipal": "市级", "county": "县级", "township": "乡镇", "department": "部门"}
STATUS_NAMES = {"running": "进行中", "finished": "已完成", "interrupted": "已中断", "failed": "失败"}


def environment() -> Environment:
    env = Environment(loader=PackageLoader("reports", "templates"), autoescape=select_autoescape(["html"]))
    env.globals.update(rule_names=RULE_NAMES, level_names=LEVEL_NAMES, status_names=STATUS_NAMES)
    return env


def site_page(site_id: str) -> str:
    return f"site-{site_id}.html"


def render_report(db, run_id: int, out_dir: str | Path) -> Path:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    run = db["runs"].get(run_id)
    as_of = date.fromisoformat(run["as_of"]) if run.get("as_of") else date.today()
    ctx = load_context(db, run_id, as_of, default_catalog())
    findings = defaultdict(list)
    for row in db.query("select * from findings where run_id = ? order by site_id, rule, id", [run_id]):
        row["evidence"] = json.loads(row["evidence"] or "{}")
        findings[row["site_id"]].append(row)
    errors = defaultdict(list)
    for row in db.query("select * from fetch_errors where run_id = ? order by site_id, id", [run_id]):
        errors[row["site_id"]].append(row)
    documents = dict(db.execute(
        "select site_id, count(*) from documents where last_run = ? group by site_id", [run_id]).fetchall())

    env = environment()
    summaries = []
    for site in ctx.sites:
        site_findings = findings.get(site.id, [])
        summary = {
            "site": site, "page": site_page(site.id), "documents": documents.get(site.id, 0),
            "columns": len(site.columns), "mapped": sum(1 for c in site.columns if c.mapping),
            "findings": len(site_findings), "by_rule": Counter(f["rule"] for f in site_findings),
            "errors": len(errors.get(site.id, [])),
        }
        summaries.append(summary)
        by_rule = defaultdict(list)
        for f in site_findings:
            by_rule[f["rule"]].append(f)
        (out_dir / summary["page"]).write_text(env.get_template("site.html").render(
            run=run, summary=summary, site=site, by_rule=dict(by_rule), errors=errors.get(site.id, []),
        ), encoding="utf-8")
    rules_seen = sorted({r for s in summaries for r in s["by_rule"]}, key=list(RULE_NAMES).index)
    (out_dir / "index.html").write_text(env.get_template("index.html").render(
        run=run, summaries=summaries, rules_seen=rules_seen,
    ), encoding="utf-8")
    shutil.copyfile(Path(__file__).parent / "templates" / "style.css", out_dir / "style.css")
    return out_dir / "index.html"
