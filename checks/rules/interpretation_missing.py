"""interpretation-missing: the share of a site's policy documents with a linked 解读 is below the
province's required ratio (四川 2023 第（七）项: 多元化解读 for ≥ 50 % of documents issued by the
government or its office). No national ratio exists, so the rule runs only where a province overlay
sets ``interpretation_ratio``.

Policy documents: documents of columns mapped to 行政法规、规章和规范性文件 (政策文件 …) that carry a
文号. A 解读 is linked when a document of the site whose title contains 解读 names the policy's 文号
or its title (the part in 《》 or the title itself), or the policy lists an attachment titled 解读.
"""
import json
import re

from checks.context import LIBRARY_ITEM
from checks.findings import Finding
from checks.rules._common import column_fields
from checks.zh import titled

RULE = "interpretation-missing"
NAME = "政策解读缺失"  # the rule as a notice names it
SEVERITY = "medium"
BASIS = ("《国务院办公厅关于印发〈关于全面推进政务公开工作的意见〉实施细则的通知》（国办发〔2016〕80号）：政策解读与政策文件"
         "同步组织、同步审签、同步部署；《政府网站发展指引》（国办发〔2017〕47号）：发布重要政策文件时同步发布解读材料")
POLICY_ITEM = "fdzd-gzgfxwj"
POLICY_ITEMS = (POLICY_ITEM, LIBRARY_ITEM)   # 政策文件 columns and the normative-document library
CORE = re.compile(r"《([^》]{4,})》")
TRIM = re.compile(r"^(.*?关于)?(印发|转发|公布)?|的(通知|决定|意见|公告|通告|批复)$")

# The site's policies and 解读 of the run, in one pass over its documents (by the site index). A policy:
# answered, in a policy column, with a 文号, no 解读 in its title; a 解读: any document with one (its body
# is read only for those).
DOCUMENTS = """
select d.url, d.title, d.doc_number, d.attachments,
       case when instr(d.title, '解读') > 0 then 1 else 0 end as reading,
       case when instr(d.title, '解读') > 0 then d.body end as body
from documents d
left join temp.ck_columns x on x.column_id = d.column_id and x.item in (:item, :library)
where :run between d.first_run and d.last_run and d.site_id = :site
  and (instr(d.title, '解读') > 0
       or (x.column_id is not null and coalesce(d.http_status, 200) < 400
           and d.doc_number is not null and trim(d.doc_number) not in ('', '无')
           and instr(coalesce(d.title, ''), '解读') = 0))
order by d.url
"""


def core_title(title: str) -> str:
    m = CORE.search(title or "")
    return m.group(1) if m else TRIM.sub("", title or "")


def check(ctx):
    ctx.column_table()
    for site in ctx.reached_sites():
        ratio = site.settings.get("interpretation_ratio")
        if ratio is None:
            continue
        policies, texts = [], []
        for row in ctx.db.query(DOCUMENTS, {"run": ctx.run_id, "site": site.id, "item": POLICY_ITEMS[0],
                                            "library": POLICY_ITEMS[1]}):
            if row["reading"]:
                texts.append((row["title"] or "") + "\n" + (row["body"] or ""))
            else:
                policies.append(row)
        if len(policies) < int(site.settings["interpretation_min_documents"]):
            continue
        missing = []
        for p in policies:
            attachments = json.loads(p["attachments"]) if p["attachments"] else []
            linked = any("解读" in (a.get("title") or "") for a in attachments if isinstance(a, dict))
            if not linked and texts:
                core = core_title(p["title"])
                linked = any(p["doc_number"] in t or (len(core) >= 6 and core in t) for t in texts)
            if not linked:
                missing.append(p)
        share = 1 - len(missing) / len(policies)
        if share >= ratio:
            continue
        col = next((c for c in site.columns if c.mapping and c.mapping.item in POLICY_ITEMS), None)
        yield Finding(
            site.id, RULE, SEVERITY,
            f"政策文件解读比例为{share:.0%}（{len(policies) - len(missing)}/{len(policies)}），低于{ratio:.0%}",
            f"{BASIS}；{site.catalog.province_source}（{site.catalog.province_name}：解读比例不低于{ratio:.0%}）",
            **column_fields(col, catalog_item=POLICY_ITEM), url=col.url if col else site.url,
            evidence={"policies": len(policies), "interpreted": len(policies) - len(missing),
                      "ratio": round(share, 3), "required": ratio,
                      "without_interpretation": [{"url": p["url"], "title": p["title"], "doc_number": p["doc_number"]}
                                                 for p in missing[:50]]},
        )


def describe(ev: dict, finding: dict) -> list:
    lines = [[(f"带文号的政策文件{ev.get('policies')}件，有解读{ev.get('interpreted')}件，"
               f"解读比例{(ev.get('ratio') or 0):.0%}，要求不低于{(ev.get('required') or 0):.0%}", None)]]
    missing = ev.get("without_interpretation") or []
    if missing:
        lines.append([(f"未见解读的文件（{len(missing)}件）：", None)])
    for p in missing[:20]:
        lines.append(titled(p.get("title"), p.get("url")) + ([(f"（{p['doc_number']}）", None)] if p.get("doc_number") else []))
    return lines
