"""Spot-check sampling: a reproducible sample of one site's documents and its XLSX checklist.

The candidates are the documents listed in the newest run that includes the site (listed on or
before ``as_of`` when given), each once, in the column it is filed under. They are sorted by URL
and drawn with ``random.Random(seed)``, stratified by column: each non-empty column gets one
while ``n`` allows, the rest is shared in proportion to the columns' sizes. The same store, site,
``n``, ``seed`` and ``as_of`` always give the same sample.
"""
from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation


from reports.common import ReportError, is_http_url, xlsx_text
from reports.model import stored_mappings

CHECK_COLUMNS = ("内容与栏目相符", "日期正确", "附件可打开")
SHEET_COLUMNS = ("序号", "URL", "标题", "栏目", "标准目录事项", "发布日期", "成文日期", *CHECK_COLUMNS, "备注")
WIDTHS = (6, 50, 44, 18, 18, 12, 12, 14, 10, 12, 24)


def latest_run_with_site(db, site_id: str) -> int:
    row = db.execute(
        "select max(cr.run_id) from column_runs cr join columns c on c.id = cr.column_id where c.site_id = ?",
        [site_id]).fetchone()
    run_id = row[0] if row else None
    if run_id is None:
        site = db.execute("select last_run from sites where id = ?", [site_id]).fetchone()
        run_id = site[0] if site else None
    if run_id is None:
        raise ReportError(f"no site {site_id!r} in the database")
    return run_id


def allocate(sizes: list[int], n: int, rng: random.Random) -> list[int]:
    """How many to draw from each stratum: one each while n allows, the rest in proportion to size."""
    total, strata = sum(sizes), [i for i, size in enumerate(sizes) if size]
    alloc = [0] * len(sizes)
    if n >= total:
        return list(sizes)
    if n <= len(strata):
        for i in rng.sample(strata, n):
            alloc[i] = 1
        return alloc
    for i in strata:
        alloc[i] = 1
    rest, spare = n - len(strata), total - len(strata)
    # Largest remainder over the sizes beyond the first document of each column.
    quotas = [(rest * (sizes[i] - 1) / spare, i) for i in strata]
    for quota, i in quotas:
        alloc[i] += int(quota)
    left = n - sum(alloc)
    for _, i in sorted(((q - int(q), i) for q, i in quotas), key=lambda x: (-x[0], x[1]))[:left]:
        alloc[i] += 1
    return alloc


def sample_documents(db, site_id: str, n: int, seed: int, as_of: date | str | None = None) -> list[dict]:
    """A stratified, reproducible sample of ``n`` documents of ``site_id`` (fewer if it has fewer)."""
    if n < 1:
        raise ReportError(f"--n must be at least 1, got {n}")
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of)
        except ValueError:
            raise ReportError(f"--as-of expects a date YYYY-MM-DD, got {as_of!r}") from None
    run_id = latest_run_with_site(db, site_id)
    site = db.execute("select name from sites where id = ?", [site_id]).fetchone()
    site_name = site[0] if site else site_id
    # The catalog areas as the check of the run mapped the columns (none for an unchecked run).
    mapped = stored_mappings(db, run_id)

    params = {"site": site_id, "run": run_id}
    date_filter = ""
    if as_of is not None:
        # Undated listings stay in: they were listed, and a missing date is what a spot check finds.
        date_filter = "and (coalesce(d.published, e.list_date) is null or substr(coalesce(d.published, e.list_date), 1, 10) <= :as_of)"
        params["as_of"] = as_of.isoformat()
    rows = db.execute(
        "select e.url, e.column_id, e.title, e.list_date, d.title, d.published, d.written, d.column_id, "
        "c.name, c.url, c.catalog, c.path from column_entries e join columns c on c.id = e.column_id "
        "left join documents d on d.url = e.url "
        f"where e.site_id = :site and e.first_run <= :run and e.last_run >= :run {date_filter} "
        "order by e.url, c.url", params).fetchall()
    chosen = {}
    for (url, column_id, list_title, list_date, title, published, written, doc_column, col_name, col_url,
         col_catalog, col_path) in rows:
        # A document listed in several columns counts once, in the column it is filed under.
        if url in chosen and column_id != doc_column:
            continue
        area = mapped.get(column_id, (None, None))[0]
        chosen[url] = {
            "url": url, "title": title or list_title or "", "column": col_name or "", "column_url": col_url,
            "column_id": column_id, "catalog_area": area or "",
            "published": published or "", "written": written or "", "list_date": list_date or "",
            "site_id": site_id, "site_name": site_name, "run_id": run_id,
        }
    by_column: dict[str, list[dict]] = {}
    for doc in sorted(chosen.values(), key=lambda d: d["url"]):
        by_column.setdefault(doc["column_url"] or "", []).append(doc)
    columns = sorted(by_column)
    rng = random.Random(seed)
    alloc = allocate([len(by_column[c]) for c in columns], n, rng)
    sample = []
    for column, count in zip(columns, alloc):
        if count:
            sample.extend(sorted(rng.sample(by_column[column], count), key=lambda d: d["url"]))
    return sample


def write_sample_xlsx(rows: list[dict], out_path, *, info: dict | None = None) -> Path:
    """The sample as a checklist: one row per document, empty columns to tick, and a sheet saying how
    it was drawn (``info``: e.g. {"站点": ..., "种子": ..., "截止日期": ...})."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = "抽查清单"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="F0F2F4")
    tick_fill = PatternFill("solid", fgColor="FFF8E1")
    ws.append(list(SHEET_COLUMNS))
    for c in ws[1]:
        c.font, c.fill = bold, fill
        c.alignment = Alignment(wrap_text=True, vertical="center")
    for i, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    for number, row in enumerate(rows, start=1):
        values = [number, row["url"], row.get("title", ""), row.get("column", ""), row.get("catalog_area", ""),
                  row.get("published", ""), row.get("written", ""), None, None, None, None]
        ws.append([xlsx_text(v) for v in values])
        r = ws.max_row
        for c in ws[r]:
            if isinstance(c.value, str):
                c.data_type = "s"  # a title starting with "=" is text, not a formula
            c.alignment = Alignment(vertical="top", wrap_text=c.column in (2, 3))
        if is_http_url(row["url"]):
            ws.cell(row=r, column=2).hyperlink = row["url"]
            ws.cell(row=r, column=2).style = "Hyperlink"
            ws.cell(row=r, column=2).alignment = Alignment(vertical="top", wrap_text=True)
        for col in range(8, 8 + len(CHECK_COLUMNS)):
            ws.cell(row=r, column=col).fill = tick_fill
    if rows:
        check = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
        check.error, check.prompt = "请填写“是”或“否”", "是 / 否"
        ws.add_data_validation(check)
        check.add(f"H2:J{len(rows) + 1}")
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{ws.cell(row=1, column=len(SHEET_COLUMNS)).column_letter}{len(rows) + 1}"
    ws.print_options.gridLines = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"

    about = wb.create_sheet("说明")
    first = rows[0] if rows else {}
    lines = [("站点", f"{first.get('site_name', '')}（{first.get('site_id', '')}）" if rows else ""),
             ("采集批次", first.get("run_id", "")), ("样本量", len(rows))]
    lines += [(str(k), v) for k, v in (info or {}).items()]
    lines += [("生成时间", f"{datetime.now().astimezone():%Y-%m-%d %H:%M}"),
              ("抽样方法", "按栏目分层：每个有信息的栏目至少抽 1 条（样本量允许时），其余按栏目信息量比例分配；"
                       "候选按 URL 排序后用给定种子随机抽取，同一数据库、站点、样本量、种子和截止日期得到相同样本。"),
              ("填写说明", "在“内容与栏目相符”“日期正确”“附件可打开”三列填写“是”或“否”，问题写在“备注”。")]
    for key, value in lines:
        about.append([key, xlsx_text(value)])
        about.cell(row=about.max_row, column=1).font = bold
        about.cell(row=about.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 12, 90
    wb.save(out_path)
    return out_path
