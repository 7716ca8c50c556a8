"""A notice draft (通报草稿) as a Word document, in the shape provincial notices take:

title; 一、检查范围和方法 (sites, dates, catalog, rules); 二、总体情况 (合格率, results by level and by
rule, the ranking); 三、存在的主要问题 (each problem type with named examples); 四、整改要求 (with a
deadline field); 附件1 不合格网站名单 (with 网站标识码 when the sites config gives it); 附件2 问题清单
(every finding of the run, one row each).

Everything comes from what the checks stored: findings in the words of ``checks.wording``, verdicts
from ``checks.score`` (the deduction values are this project's estimate, and the draft says so).
It is a draft for an inspector to edit, not a signed document: the issuer and the deadline are
fields left to fill in when not given.

The annex of all problems can hold tens of thousands of rows: its rows are written as
WordprocessingML text and spliced into the saved document (``_Bodies``); python-docx builds the rest.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

from checks import wording
from checks.zh import beijing_time, zh_date
from reports.common import LEVEL_NAMES, XLSX_DROPPED, ReportError, without_gc_pauses, xlsx_text
from checks.score import ESTIMATE_NOTE
from reports.export import run_dates, site_code
from reports.model import load_report

EXAMPLES = 3              # named examples per problem type
ANNEX_FAILING = ("序号", "网站名称", "网站标识码", "地区", "得分", "不合格原因")
ANNEX_FINDINGS = ("序号", "网站名称", "网站标识码", "栏目", "问题类型", "问题描述", "证据", "首次发现")
BLANK_DATE = "____年__月__日"
CN_NUMBERS = "一二三四五六七八九十"


def _text(value) -> str:
    """Stored text as Word can hold it (no XML-illegal or bidi control characters)."""
    if value is None:
        return ""
    return str(value) if isinstance(value, (int, float)) else xlsx_text(str(value))


def _set_fonts(doc) -> None:
    """The usual fonts of a government document: 仿宋 for text, 黑体 for headings."""
    for name, east, size, bold in (("Normal", "仿宋_GB2312", 14, False), ("Title", "方正小标宋简体", 20, False),
                                   ("Heading 1", "黑体", 15, False), ("Heading 2", "楷体_GB2312", 14, True)):
        style = doc.styles[name]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.name = "Times New Roman"
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), east)
        if name != "Normal":
            style.font.color.rgb = None


def _paragraph(doc, text: str, *, indent=True, align=None, bold=False):
    p = doc.add_paragraph()
    run = p.add_run(_text(text))
    run.bold = bold
    if indent:
        p.paragraph_format.first_line_indent = Pt(28)
    if align is not None:
        p.alignment = align
    return p


class _Bodies:
    """Table bodies spliced into document.xml when it is saved: python-docx builds every element as
    a Python object and lxml would parse the rows again, while the annex of a province's run holds
    tens of thousands of rows. Each table gets an XML comment as its place holder."""

    def __init__(self):
        self.parts: dict[bytes, bytes] = {}

    def add(self, table, xml: bytes) -> None:
        from lxml import etree

        mark = f"zwgk-rows-{len(self.parts)}"
        table._tbl.append(etree.Comment(mark))
        self.parts[f"<!--{mark}-->".encode()] = xml

    def save(self, doc, out_path: Path) -> None:
        buffer = io.BytesIO()
        doc.save(buffer)
        buffer.seek(0)
        with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out_path, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                if item.filename == "word/document.xml" and self.parts:
                    for mark, xml in self.parts.items():
                        data = data.replace(mark, xml, 1)
                dst.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)


# What _text drops, in the UTF-8 of a table body: the control characters XML cannot hold (deleted by
# one bytes.translate) and the bidi controls (searched for, then removed by a pattern). NUL is kept
# out of the first: _rows_xml separates the values with it.
_CONTROLS = bytes(c for c in range(1, 32) if XLSX_DROPPED.match(chr(c)))
_BIDI = [chr(c).encode() for c in range(0x80, 0x3000) if XLSX_DROPPED.match(chr(c))]
_BIDI_PATTERN = re.compile(b"|".join(re.escape(b) for b in _BIDI))


def _rows_xml(rows, widths: list[int], size: int) -> bytes:
    """The ``<w:tr>`` elements of ``rows`` as UTF-8 WordprocessingML, each value escaped and cleaned as
    ``_text`` cleans it. The values are escaped and cleaned in one pass over all of them, joined by NUL
    (which no cleaned value holds), and set into a row template: the annex of a province's run has
    hundreds of thousands of cells."""
    values = ["" if value is None else str(value) for row in rows for value in row]
    text = "\x00".join(values)
    if text.count("\x00") != max(len(values) - 1, 0):   # a value with a NUL of its own (dropped anyway)
        text = "\x00".join(value.replace("\x00", "") for value in values)
    p_open = (f'<w:p><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr><w:r><w:rPr><w:sz w:val="{size}"/>'
              f'<w:szCs w:val="{size}"/></w:rPr><w:t xml:space="preserve">')
    p_close = "</w:t></w:r></w:p>"
    data = escape(text).replace("\n", p_close + p_open).encode("utf-8").translate(None, _CONTROLS)
    if any(b in data for b in _BIDI):
        data = _BIDI_PATTERN.sub(b"", data)
    cells = data.split(b"\x00") if values else []
    templates, out, at = {}, [], 0
    for row in rows:
        n = len(row)
        template = templates.get(n)
        if template is None:
            template = templates[n] = ("<w:tr>" + "".join(
                (f'<w:tc><w:tcPr><w:tcW w:w="{widths[i]}" w:type="dxa"/></w:tcPr>' if i < len(widths) else "<w:tc>")
                + p_open + "%b" + p_close + "</w:tc>" for i in range(n)) + "</w:tr>").encode("utf-8")
        out.append(template % tuple(cells[at:at + n]))
        at += n
    return b"".join(out)


def _table(doc, header, rows, widths_cm=None, font_pt=10.5, bodies: _Bodies | None = None):
    """A bordered table: the header with python-docx, the body rows as WordprocessingML text."""
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(table.rows[0].cells, header):
        cell.text = ""
        run = cell.paragraphs[0].add_run(name)
        run.bold = True
        run.font.size = Pt(font_pt)
    # Repeat the header on every page of a long table.
    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(parse_xml(f'<w:tblHeader {nsdecls("w")} w:val="true"/>'))
    xml = _rows_xml(rows, [int(Cm(w).twips) for w in (widths_cm or [])], int(font_pt * 2))
    if bodies is not None:
        bodies.add(table, xml)
    elif xml:
        for tr in list(parse_xml(f'<w:tbl {nsdecls("w")}>'.encode() + xml + b"</w:tbl>")):
            table._tbl.append(tr)
    return table


def _landscape(doc):
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    if section.page_width < section.page_height:
        section.page_width, section.page_height = section.page_height, section.page_width
    return section


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "—"


def notice_data(db, run_id: int, report=None) -> dict:
    """What the draft says, from the store: the ranked sites, verdicts, findings by rule. ``report``:
    the run's ``load_report`` when the caller has it already (the HTML report writing the draft too);
    the draft reads only what every ``load_report`` of the run holds."""
    if not db.execute("select 1 from runs where id = ?", [run_id]).fetchone():
        raise ReportError(f"no run {run_id} in the database")
    if report is None:
        report = load_report(db, run_id, diff=False, trend_runs=0, documents=False)
    ranked = report.sites   # worst first (reports.model.rank)
    scored = report.has_scores
    failing = [s for s in ranked if scored and (s.score or {}).get("passed") is False]
    passed = [s for s in ranked if scored and (s.score or {}).get("passed") is True]
    by_rule = defaultdict(list)
    for site in ranked:
        for f in site.findings:
            by_rule[f["rule"]].append((site, f))
    return {"report": report, "ranked": ranked, "failing": failing, "passed": passed, "by_rule": by_rule,
            "findings": [(s, f) for s in ranked for f in s.findings], "runs": run_dates(db)}


def write_notice(db, run_id: int, out_path, *, deadline: date | None = None, issuer: str | None = None) -> Path:
    """Write the notice draft of ``run_id`` to ``out_path`` (.docx); returns the path."""
    with without_gc_pauses():
        return write_notice_of(notice_data(db, run_id), out_path, deadline=deadline, issuer=issuer)


def write_notice_of(data: dict, out_path, *, deadline: date | None = None, issuer: str | None = None) -> Path:
    """Write the notice draft of ``notice_data``'s run to ``out_path``: reads nothing from the store."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    report, ranked, failing = data["report"], data["ranked"], data["failing"]
    run = report.run
    n_sites = len(ranked)
    n_findings = len(data["findings"])
    deadline_text = zh_date(deadline) if deadline else BLANK_DATE

    doc = Document()
    _set_fonts(doc)
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    title = doc.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run(f"关于{report.as_of.year}年政府网站政务公开检查情况的通报")
    _paragraph(doc, "（草稿，供审核修改）", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(doc, "各有关单位：", indent=False)
    _paragraph(doc, f"为深入贯彻《中华人民共和国政府信息公开条例》，推进基层政务公开标准化规范化，"
                    f"{zh_date(report.as_of)}前对{n_sites}个政府网站的政府信息公开栏目开展了检查。现将有关情况通报如下。")

    # 一、检查范围和方法
    doc.add_heading("一、检查范围和方法", level=1)
    levels = Counter(LEVEL_NAMES.get(s.level, s.level or "其他") for s in ranked)
    scope = "、".join(f"{name}网站{n}个" for name, n in levels.most_common())
    _paragraph(doc, f"（一）检查范围。共检查政府网站{n_sites}个，其中{scope}。")
    _paragraph(doc, f"（二）检查时间。{beijing_time(run.get('started_at'))}至{beijing_time(run.get('finished_at'))}"
                    f"采集网站信息公开栏目（第{run['id']}次采集），检查基准日为{zh_date(report.as_of)}。")
    _paragraph(doc, "（三）检查依据。对照《基层政务公开标准目录》（国办发〔2019〕54号所附26个领域）及政府信息公开专栏、"
                    "省级补充目录和各网站自行编制的标准目录，依据《中华人民共和国政府信息公开条例》"
                    "《政府网站与政务新媒体检查指标》（国办秘函〔2019〕19号）等，逐栏目检查。")
    rule_names = "、".join(wording.rule_name(r) for r in wording.RULE_NAMES)
    _paragraph(doc, f"（四）检查方法。采用程序自动采集各网站信息公开栏目的列表页和信息页，逐项检查{rule_names}等问题；"
                    "每个问题所依据的页面均在采集时存档（WARC格式），可据问题编号调阅原页面。"
                    + (ESTIMATE_NOTE + "。" if report.has_scores else ""))

    # 二、总体情况
    doc.add_heading("二、总体情况", level=1)
    if report.has_scores:
        _paragraph(doc, f"本次检查合格网站{len(data['passed'])}个，不合格网站{len(failing)}个，"
                        f"合格率为{_pct(len(data['passed']), n_sites)}。共发现问题{n_findings}个。")
        by_level = defaultdict(lambda: [0, 0])
        for s in ranked:
            by_level[LEVEL_NAMES.get(s.level, s.level or "其他")][0] += 1
            by_level[LEVEL_NAMES.get(s.level, s.level or "其他")][1] += (s.score or {}).get("passed") is True
        _table(doc, ("层级", "检查网站数", "合格数", "合格率"),
               [(name, n, ok, _pct(ok, n)) for name, (n, ok) in by_level.items()], [3, 3, 3, 3])
    else:
        _paragraph(doc, f"共发现问题{n_findings}个（本次采集尚未评分）。")
    doc.add_paragraph()
    _paragraph(doc, "各类问题数量如下：")
    counts = sorted(data["by_rule"].items(), key=lambda kv: -len(kv[1]))
    _table(doc, ("问题类型", "问题数", "涉及网站数"),
           [(wording.rule_name(rule), len(items), len({s.id for s, _ in items})) for rule, items in counts], [5, 3, 3])
    doc.add_paragraph()
    _paragraph(doc, "各网站检查结果排名（按问题严重程度由重到轻）：")
    if report.has_scores:
        _table(doc, ("排名", "网站名称", "得分", "结论", "问题数"),
               [(s.rank, s.name, (s.score or {}).get("score", ""), "合格" if (s.score or {}).get("passed") else "不合格",
                 len(s.findings)) for s in ranked], [1.5, 7, 2, 2, 2])
    else:
        _table(doc, ("排名", "网站名称", "问题数"), [(s.rank, s.name, len(s.findings)) for s in ranked], [1.5, 9, 3])

    # 三、存在的主要问题
    doc.add_heading("三、存在的主要问题", level=1)
    if not counts:
        _paragraph(doc, "本次检查未发现问题。")
    for i, (rule, items) in enumerate(counts):
        head = doc.add_paragraph(style="Heading 2")
        head.add_run(f"（{CN_NUMBERS[i] if i < len(CN_NUMBERS) else i + 1}）{wording.rule_name(rule)}")
        sites = {s.id for s, _ in items}
        _paragraph(doc, f"共发现{len(items)}个，涉及{len(sites)}个网站。" + "如：")
        shown_sites = set()
        examples = []
        for site, f in items:  # the worst-ranked sites first, one example per site
            if site.id in shown_sites:
                continue
            shown_sites.add(site.id)
            examples.append((site, f))
            if len(examples) >= EXAMPLES:
                break
        for site, f in examples:
            column = f"“{f['column_name']}”栏目" if f.get("column_name") else ""
            url = f.get("url") or f.get("column_url") or ""
            _paragraph(doc, f"{site.name}{column}：{wording.message(f)}（{url}）。")
        basis = wording.basis(items[0][1])
        if basis:
            _paragraph(doc, f"依据：{basis}。")

    # 四、整改要求
    doc.add_heading("四、整改要求", level=1)
    _paragraph(doc, "（一）各单位要对照问题清单（附件2）逐项整改，于" + deadline_text
                    + "前完成整改，并将整改情况书面报送。")
    _paragraph(doc, "（二）不合格网站（附件1）的主办单位要认真分析原因，举一反三，建立健全信息发布和栏目维护机制，"
                    "杜绝标准目录与公开内容“两张皮”。")
    _paragraph(doc, "（三）对整改不到位、问题反复出现的，将在下次检查中重点复核并予以通报。")
    doc.add_paragraph()
    _paragraph(doc, "附件：1. 不合格网站名单", indent=True)
    _paragraph(doc, "      2. 问题清单", indent=True)
    doc.add_paragraph()
    _paragraph(doc, issuer or "（通报单位）", indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, zh_date(datetime.now().date()), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)

    # 附件1
    _landscape(doc)
    _paragraph(doc, "附件1", indent=False, bold=True)
    _paragraph(doc, "不合格网站名单", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    rows = []
    for i, s in enumerate(failing, start=1):
        score = s.score or {}
        reason = score.get("explanation") or "；".join(f"{v['indicator']}：{v['reason']}" for v in score.get("vetoes") or [])
        rows.append((i, s.name, site_code(s), s.region, score.get("score", ""), reason))
    if not rows:
        _paragraph(doc, "本次检查无不合格网站。" if report.has_scores else "本次采集尚未评分，无合格与否的结论。")
    _table(doc, ANNEX_FAILING, rows, [1.2, 5, 2.6, 5, 1.6, 10])

    # 附件2
    doc.add_page_break()
    _paragraph(doc, "附件2", indent=False, bold=True)
    _paragraph(doc, "问题清单", indent=False, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    runs = data["runs"]
    rows = []
    for i, (s, f) in enumerate(data["findings"], start=1):
        first = runs.get(f.get("first_run")) or runs.get(f.get("run_id"))
        evidence = wording.describe(f, urls=True)
        url = f.get("url") or f.get("column_url") or ""
        if url and url not in evidence:
            evidence = f"{url}\n{evidence}" if evidence else url
        rows.append((i, s.name, site_code(s), f.get("column_name") or f.get("catalog_area") or "",
                     wording.rule_name(f["rule"]), wording.message(f), evidence,
                     f"{zh_date(first)}（第{f.get('first_run') or f.get('run_id')}次）" if first else ""))
    bodies = _Bodies()
    _table(doc, ANNEX_FINDINGS, rows, [1.2, 3.4, 2.4, 2.8, 2.4, 6, 6, 2.6], font_pt=9, bodies=bodies)
    bodies.save(doc, out_path)
    return out_path
