"""validity-stale: a document still listed as in force although a later published document of the same
site says it repeals it (…《…》（…〔2019〕12号）同时废止). Listed as in force: its page marks it 有效, or it
is listed in the library of normative documents in force without a mark saying otherwise.

The repealed document is found by its 文号 (brackets, spaces and 第 normalised), among the site's
documents of the run published before the repealing one. Both documents are named.
"""
import json

from checks.findings import Finding
from checks.rules._common import VALIDITY_BASIS, column_fields
from checks.zh import titled, zh_date
from crawler.extraction.validity import IN_FORCE, doc_number_key, doc_number_parts

RULE = "validity-stale"
NAME = "废止文件仍标注有效"  # the rule as a notice names it
SEVERITY = "medium"
BASIS = VALIDITY_BASIS

# Documents of the run that say they repeal others (few), from the run's one pass over documents.
REPEALERS = """
select d.site_id, d.url, d.title, d.doc_number, d.published, d.repeals from temp.ck_docs d
where d.f_repealer = 1
order by d.site_id, d.published, d.url
"""
# Numbered documents listed as in force that may bear a number a later document of their site repeals:
# marked 有效 (from the one pass), or unmarked and listed in the library (with its first library column
# that lists them, on the sites with repealers). temp.ck_repealed holds the site, year and serial of every
# number repealed: a 文号 without that year and serial in it cannot be that number (the key decides).
MAY_BE_REPEALED = """exists (select 1 from temp.ck_repealed r where r.site_id = {site}
                      and instr({number}, r.year) > 0 and instr({number}, r.serial) > 0)"""
CANDIDATES = f"""
select d.site_id, d.url, d.title, d.doc_number, d.published, d.validity, d.column_id, null as library_column
from temp.ck_docs d
where d.f_marked = 1 and d.validity = :in_force and d.doc_number is not null
  and {MAY_BE_REPEALED.format(site="d.site_id", number="d.doc_number")}
union all
select l.doc_site_id, l.url, l.title, l.doc_number, l.published, l.validity, l.doc_column_id, min(l.column_id)
from temp.ck_library l
where l.site_id in (select site_id from temp.ck_repealed) and l.doc_number is not null and l.validity is null
  and {MAY_BE_REPEALED.format(site="l.doc_site_id", number="l.doc_number")}
group by l.url, l.doc_site_id, l.title, l.doc_number, l.published, l.validity, l.doc_column_id
"""
# The first library column that lists a document in the run (for the few documents a repeal names).
LIBRARY_OF = "select min(l.column_id) from temp.ck_library l where l.url = :url"


def repealed_numbers(ctx, repealers: dict[str, list]) -> None:
    """temp.ck_repealed: (site, year, serial) of each 文号 a repealer of the site repeals."""
    rows = set()
    for site_id, reps in repealers.items():
        for rep in reps:
            for act in json.loads(rep["repeals"] or "[]"):
                parts = doc_number_parts(act.get("doc_number")) if act.get("action") == "废止" else None
                if parts:
                    rows.add((site_id, parts[1], str(parts[2])))
    ctx.db.execute("drop table if exists temp.ck_repealed")
    ctx.db.execute("create temp table ck_repealed (site_id text, year text, serial text, "
                   "primary key (site_id, year, serial))")
    ctx.db.conn.executemany("insert into temp.ck_repealed values (?, ?, ?)", sorted(rows))


def check(ctx):
    ctx.document_table()
    repealers: dict[str, list] = {}
    for row in ctx.db.query(REPEALERS):
        if row["site_id"] in ctx.sites_by_id:
            repealers.setdefault(row["site_id"], []).append(row)
    numbered: dict[str, dict[str, list]] = {}
    if repealers:
        ctx.library_table()
        repealed_numbers(ctx, repealers)
        cursor = ctx.db.execute(CANDIDATES, {"in_force": IN_FORCE})
        names = [c[0] for c in cursor.description]
        for values in cursor:
            key = doc_number_key(values[3])
            if key:
                numbered.setdefault(values[0], {}).setdefault(key, []).append(dict(zip(names, values)))
    for site_id, rows in repealers.items():
        site = ctx.sites_by_id[site_id]
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
                        listed_in = ctx.db.execute(LIBRARY_OF, {"url": doc["url"]}).fetchone()[0]
                    if doc["validity"] != IN_FORCE and listed_in is None:
                        continue   # neither marked in force nor listed in the library of documents in force
                    col = ctx.columns.get(listed_in or doc["column_id"])
                    shown = "标注为“有效”" if doc["validity"] == IN_FORCE else "仍列在现行有效规范性文件栏目中"
                    yield Finding(
                        site.id, RULE, SEVERITY,
                        f"“{doc['title']}”（{doc['doc_number']}）{shown}，但“{rep['title']}”"
                        f"（{rep['doc_number'] or '无文号'}，{zh_date(rep['published'])}发布）已宣布将其废止",
                        BASIS, **column_fields(col), url=doc["url"],
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
