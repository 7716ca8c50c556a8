"""The report's words: a small message catalogue, Chinese first, English for ``lang="en"``.

Data (site names, finding messages, legal bases, catalog area names) stays as stored; only the
report's own labels are translated. A key missing from a language falls back to Chinese.
"""
from __future__ import annotations

LANGS = ("zh", "en")

RULE_NAMES_EN = {
    "column-missing": "Column missing",
    "column-empty": "Empty column",
    "column-stale": "Column not updated",
    "content-mismatch": "Content does not match catalog",
    "misfiled": "Filed in the wrong column",
    "late-publication": "Published late",
    "missing-date": "No publication date",
    "dead-link": "Broken link",
    "annual-report-missing": "Annual report missing",
    "item-removed": "Item taken down",
    "interpretation-missing": "No policy interpretation",
}
LEVEL_NAMES_EN = {"province": "Province", "municipal": "Municipal", "county": "County", "township": "Township",
                  "department": "Department"}
STATUS_NAMES_EN = {"running": "running", "finished": "finished", "interrupted": "interrupted", "failed": "failed"}

MESSAGES: dict[str, dict[str, str]] = {
    "zh": {
        "html_lang": "zh-CN",
        "brand": "zwgk 政务公开监测",
        "report_title": "政务公开监测报告",
        "run_line": "第 {id} 次采集 · {started} · {status}",
        "as_of_line": "检查基准日 {as_of}",
        "footer": "由 zwgk 生成。每条问题均附证据链接与依据，供核查与通报引用。",
        "overview": "总览",
        "changes": "变化",
        "matrix": "目录覆盖总表",
        "lead": "本次共采集 {sites} 个网站、{pages} 个页面、{documents} 条信息；发现问题 {findings} 个，抓取错误 {errors} 个。",
        "site": "网站", "level": "层级", "region": "地区", "status": "状态", "columns": "栏目",
        "mapped": "对应目录", "documents": "信息", "new_documents": "新增信息", "score": "得分",
        "coverage": "目录覆盖率", "timeliness": "及时率", "verdict": "结论", "pass": "合格", "fail": "不合格",
        "veto": "单项否决", "findings_total": "问题合计", "fetch_errors": "抓取错误", "trend": "趋势",
        "ok": "正常", "filter": "筛选…", "rows_shown": "显示 {shown} / {total} 行",
        "trend_title": "历次采集问题数", "trend_title_score": "历次采集问题数（柱，左轴）与得分（蓝线，右轴）", "trend_point": "第 {run} 次：{findings} 个问题{score}",
        "trend_score": "，得分 {score}",
        "no_trend": "暂无往次数据",
        "entry_page": "信息公开入口",
        "findings": "发现的问题", "no_findings": "未发现问题。",
        "column": "栏目", "catalog": "标准目录", "catalog_item": "标准目录事项", "problem": "问题",
        "evidence": "证据", "evidence_link": "证据链接", "date": "日期", "basis": "依据", "rule": "问题类型",
        "severity": "严重程度",
        "show_all": "查看全部 {n} 条", "shown_first": "此处列出前 {shown} 条，共 {total} 条。",
        "page_n": "第 {page} / {pages} 页", "prev_page": "上一页", "next_page": "下一页",
        "coverage_matrix": "标准目录覆盖情况",
        "coverage_lead": "本级应公开标准目录 {required} 项，有对应栏目 {mapped} 项（{pct}）。",
        "area": "目录事项", "section": "分类",
        "st_has": "有栏目", "st_empty": "空白", "st_stale": "长期未更新", "st_mismatch": "内容不符",
        "st_unread": "未能读取", "st_missing": "缺失", "other_findings": "其他问题",
        "entries": "信息条数", "newest": "最新信息日期", "days_since": "距今天数", "pages": "列表页",
        "path": "路径", "freshness": "栏目更新情况", "unread": "未读取", "new_entries": "本次新增",
        "unmapped": "未对应目录", "not_required": "本级非必设",
        "changes_title": "与上次采集相比", "prev_run_col": "上次采集", "previous_run": "对比：第 {prev} 次采集",
        "no_previous": "没有可对比的上次采集（首次采集）。",
        "new_findings": "新增问题", "resolved_findings": "已整改问题", "removed_entries": "撤下信息",
        "title": "标题", "list_date": "列表日期", "published": "发布日期", "written": "成文日期",
        "url": "地址", "kind": "类型", "message": "说明", "time": "时间", "none": "无",
        "back_to_site": "返回 {site}",
        "changes_lead": "与各网站上一次已完成的采集相比：新增问题 {new} 个，已整改 {resolved} 个；新增信息 {docs} 条，撤下信息 {removed} 条。",
        "no_sites": "本次采集没有网站数据。",
        "site_error": "网站无法访问",
        "matrix_lead": "每格为该网站在该目录事项上的状态；点击进入网站页面。",
        "legend": "图例",
        "print": "打印",
        "headline": "总体情况", "sites_checked": "检查网站", "pass_rate": "合格率", "pass_fail": "合格 {passed} 个，不合格 {failed} 个",
        "all_findings": "问题清单", "all_findings_link": "查看全部问题清单",
        "by_rule_title": "问题类型统计", "sites_with": "涉及网站",
        "charts_title": "图表", "chart_runs_by_rule": "历次检查问题数（按问题类型）", "chart_new_fixed": "历次检查新增与已整改问题",
        "chart_scores": "得分分布（网站数）", "chart_regions": "各地区合格率", "sites_unit": "网站数",
        "regions_title": "各地区情况", "sev_high": "高", "sev_medium": "中", "sev_low": "低",
        "failing_title": "不合格网站", "rank": "排名", "found": "发现", "not_found": "未发现", "reason": "原因",
        "below_pass": "扣分后得分{score}分，低于合格分", "estimated": "得分为估算", "estimated_short": "（估算）",
        "ranking_title": "网站排名", "ranking_lead": "按结论与得分排序，问题最多、得分最低的网站在前；点击表头可改变排序。",
        "ranking_lead_unscored": "本次采集未经检查，按问题数排序；点击表头可改变排序。",
        "findings_lead": "本次检查发现的全部问题共 {n} 条，可按问题类型、地区、层级、严重程度和栏目筛选，点击表头排序。",
        "findings_parts": "按问题类型分页", "any": "全部", "column_filter": "栏目或目录事项", "filter_text": "关键词",
        "st_problem": "有其他问题", "st_na": "不适用", "total_of": "{what}合计", "days_since_asof": "距检查基准日天数",
    },
    "en": {
        "html_lang": "en",
        "brand": "zwgk disclosure monitor",
        "report_title": "Government disclosure report",
        "run_line": "Run {id} · {started} · {status}",
        "as_of_line": "checked as of {as_of}",
        "footer": "Generated by zwgk. Every finding carries its evidence links and legal basis.",
        "overview": "Overview",
        "changes": "Changes",
        "matrix": "Catalog coverage",
        "lead": "This run crawled {sites} sites, {pages} pages and {documents} documents; {findings} findings, {errors} fetch errors.",
        "site": "Site", "level": "Level", "region": "Region", "status": "Status", "columns": "Columns",
        "mapped": "Mapped", "documents": "Documents", "new_documents": "New documents", "score": "Score",
        "coverage": "Coverage", "timeliness": "Timeliness", "verdict": "Verdict", "pass": "pass", "fail": "fail",
        "veto": "Veto", "findings_total": "Findings", "fetch_errors": "Fetch errors", "trend": "Trend",
        "ok": "ok", "filter": "Filter…", "rows_shown": "{shown} / {total} rows",
        "trend_title": "Findings per run", "trend_title_score": "Findings per run (bars, left) and score (blue line, right)", "trend_point": "Run {run}: {findings} findings{score}",
        "trend_score": ", score {score}",
        "no_trend": "no earlier runs",
        "entry_page": "Disclosure entry page",
        "findings": "Findings", "no_findings": "No findings.",
        "column": "Column", "catalog": "Catalog", "catalog_item": "Catalog item", "problem": "Problem",
        "evidence": "Evidence", "evidence_link": "Evidence link", "date": "Date", "basis": "Basis", "rule": "Rule",
        "severity": "Severity",
        "show_all": "all {n}", "shown_first": "First {shown} of {total} shown.",
        "page_n": "page {page} / {pages}", "prev_page": "previous", "next_page": "next",
        "coverage_matrix": "Catalog coverage",
        "coverage_lead": "{required} catalog areas apply at this level; {mapped} have a column ({pct}).",
        "area": "Catalog area", "section": "Section",
        "st_has": "has column", "st_empty": "empty", "st_stale": "stale", "st_mismatch": "mismatch",
        "st_unread": "unread", "st_missing": "missing", "other_findings": "other findings",
        "entries": "Entries", "newest": "Newest entry", "days_since": "Days since", "pages": "List pages",
        "path": "Path", "freshness": "Column freshness", "unread": "not read", "new_entries": "New",
        "unmapped": "not in catalog", "not_required": "not required at this level",
        "changes_title": "Since the previous run", "prev_run_col": "Previous run", "previous_run": "compared with run {prev}",
        "no_previous": "No previous run to compare with (first crawl).",
        "new_findings": "New findings", "resolved_findings": "Resolved findings", "removed_entries": "Removed entries",
        "title": "Title", "list_date": "Listed date", "published": "Published", "written": "Written",
        "url": "URL", "kind": "Kind", "message": "Message", "time": "Time", "none": "none",
        "back_to_site": "back to {site}",
        "changes_lead": "Against each site's previous finished run: {new} new findings, {resolved} resolved; {docs} new documents, {removed} removed entries.",
        "no_sites": "No site data in this run.",
        "site_error": "site unreachable",
        "matrix_lead": "Each cell is the site's status for that catalog area; click through to the site page.",
        "legend": "Legend",
        "print": "Print",
        "headline": "Summary", "sites_checked": "Sites checked", "pass_rate": "Pass rate", "pass_fail": "{passed} passed, {failed} failed",
        "all_findings": "All findings", "all_findings_link": "all findings",
        "by_rule_title": "Findings by rule", "sites_with": "Sites",
        "charts_title": "Charts", "chart_runs_by_rule": "Findings per run, by rule", "chart_new_fixed": "New and fixed findings per run",
        "chart_scores": "Score distribution (sites)", "chart_regions": "Pass rate by region", "sites_unit": "sites",
        "regions_title": "By region", "sev_high": "high", "sev_medium": "medium", "sev_low": "low",
        "failing_title": "Failing sites", "rank": "Rank", "found": "found", "not_found": "not found", "reason": "Reason",
        "below_pass": "score {score} below the pass mark", "estimated": "estimated score", "estimated_short": " (est.)",
        "ranking_title": "Ranking", "ranking_lead": "Worst first: failed sites, then lowest score; click a header to re-sort.",
        "ranking_lead_unscored": "This run was not checked: sorted by findings; click a header to re-sort.",
        "findings_lead": "All {n} findings of this run; filter by rule, region, level, severity and column, sort by any header.",
        "findings_parts": "Pages by rule", "any": "any", "column_filter": "column or catalog area", "filter_text": "Text",
        "st_problem": "other findings", "st_na": "not applicable", "total_of": "{what} total", "days_since_asof": "Days before check date",
    },
}

def messages(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return {**MESSAGES["zh"], **MESSAGES[lang]}


def translator(lang: str):
    table = messages(lang)

    def t(key: str, **values) -> str:
        text = table.get(key, key)
        return text.format(**values) if values else text

    return t
