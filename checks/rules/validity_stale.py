"""validity-stale: a document still listed as in force although a later published document of the same
site says it repeals it (…《…》（…〔2019〕12号）同时废止). Listed as in force: its page marks it 有效, or it
is listed in the library of normative documents in force without a mark saying otherwise.

The repealed document is found by its 文号 (brackets, spaces and 第 normalised), among the site's
documents of the run published before the repealing one. Both documents are named.
"""
import json

from checks.findings import Finding
from checks.rules._common import column_fields
from checks.zh import titled, zh_date
from crawler.extraction.validity import IN_FORCE, doc_number_key

RULE = "validity-stale"
NAME = "废止文件仍标注有效"  # the rule as a notice names it
SEVERITY = "medium"
BASIS = ("《政府网站发展指引》（国办发〔2017〕47号）：文件资料修改、废止、失效的，应予公开并在原文上醒目标注；"
         "《中华人民共和国政府信息公开条例》第二十条第（一）项")
LIBRARY_ITEM = "fdzd-gfxwjk"

# Documents of the run that say they repeal others (few), from the run's one pass over documents.
REPEALERS = """
select d.site_id, d.url, d.title, d.doc_number, d.published, d.repeals from temp.ck_docs d
where d.f_repealer = 1
order by d.site_id, d.published, d.url
"""
# Numbered documents listed as in force, on the sites that have repealers: marked 有效 (from the one pass),
# or unmarked and listed in the library (its listings, by their key, with the first library column).
REPEALING_SITES = "(select distinct site_id from temp.ck_docs where f_repealer = 1)"
LIBRARY_COLUMNS = "(select column_id from temp.ck_columns where item = :item and site_id in {sites})"
CANDIDATES = f"""
select d.site_id, d.url, d.title, d.doc_number, d.published, d.validity, d.column_id, null as library_column
from temp.ck_docs d where d.f_inforce = 1 and d.site_id in {REPEALING_SITES}
union all
select d.site_id, d.url, d.title, d.doc_number, d.published, d.validity, d.column_id, lib.column_id
from (select e.url, min(e.column_id) as column_id from column_entries e
      where e.column_id in {LIBRARY_COLUMNS.format(sites=REPEALING_SITES)} and :run between e.first_run and e.last_run
      group by e.url) lib
join documents d on d.url = lib.url
where :run between d.first_run and d.last_run and coalesce(d.http_status, 200) < 400
  and d.doc_number is not null and d.validity is null
"""
# The first library column that lists a document in the run (for the few documents a repeal names).
LIBRARY_OF = """
select min(e.column_id) from column_entries e join temp.ck_columns x on x.column_id = e.column_id
where e.url = :url and x.item = :item and :run between e.first_run and e.last_run
"""


def check(ctx):
    ctx.document_table()
    sites = {s.id: s for s in ctx.sites}
    columns = {col.id: col for s in ctx.sites for col in s.columns}
    repealers: dict[str, list] = {}
    for row in ctx.db.query(REPEALERS):
        if row["site_id"] in sites:
            repealers.setdefault(row["site_id"], []).append(row)
    numbered: dict[str, dict[str, list]] = {}
    if repealers:
        cursor = ctx.db.execute(CANDIDATES, {"run": ctx.run_id, "item": LIBRARY_ITEM})
        names = [c[0] for c in cursor.description]
        for values in cursor:
            key = doc_number_key(values[3])
            if key:
                numbered.setdefault(values[0], {}).setdefault(key, []).append(dict(zip(names, values)))
    for site_id, rows in repealers.items():
        site = sites[site_id]
        by_number = numbered.get(site_id, {})
        for rep in rows:
            for act in json.loads(rep["repeals"] or "[]"):
                if act.get("action") != "废止":
                    continue
                for doc in by_number.get(doc_number_key(act.get("doc_number")), []):
                    if doc["url"] == rep["url"] or not doc["published"] or doc["published"] >= rep["published"]:
                        continue
                    listed_in = doc["library_column"]
                    if listed_in is None:   # marked 有效: is it also listed in the library?
                        listed_in = ctx.db.execute(LIBRARY_OF, {"url": doc["url"], "item": LIBRARY_ITEM,
                                                                "run": ctx.run_id}).fetchone()[0]
                    if doc["validity"] != IN_FORCE and listed_in is None:
                        continue   # neither marked in force nor listed in the library of documents in force
                    col = columns.get(listed_in or doc["column_id"])
                    shown = "标注为“有效”" if doc["validity"] == IN_FORCE else "仍列在现行有效规范性文件栏目中"
                    yield Finding(
                        site.id, RULE, SEVERITY,
                        f"“{doc['title']}”（{doc['doc_number']}）{shown}，但“{rep['title']}”"
                        f"（{rep['doc_number'] or '无文号'}，{zh_date(rep['published'])}发布）已宣布将其废止",
                        BASIS, **(column_fields(col) if col else {}), url=doc["url"],
                        evidence={"title": doc["title"], "doc_number": doc["doc_number"], "validity": doc["validity"],
                                  "published": doc["published"], "listed_in_library": listed_in is not None,
                                  "repealed_by": {"url": rep["url"], "title": rep["title"],
                                                  "doc_number": rep["doc_number"], "published": rep["published"]}},
                    )


def describe(ev: dict, finding: dict) -> list:
    by = ev.get("repealed_by") or {}
    shown = "页面标注为“有效”" if ev.get("validity") == IN_FORCE else "仍列在现行有效规范性文件栏目中"
    line = titled(ev.get("title"), finding.get("url"), ev.get("published"))
    if ev.get("doc_number"):
        line.append((f"（{ev['doc_number']}）", None))
    later = [("废止该文件的文件：", None)] + titled(by.get("title"), by.get("url"), by.get("published"))
    if by.get("doc_number"):
        later.append((f"（{by['doc_number']}）", None))
    return [line + [(f"：{shown}", None)], later + [("，正文宣布该文件同时废止", None)]]
