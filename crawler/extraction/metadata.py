"""The 信息公开 label/value block of a detail page, whatever its layout.

The page is read as lines of visible text (see ``dom.lines``): a table cell, a <dd>, a <div> each
make a line, inline pieces (<span>, <b>, <font>) join. Labels are then found by their wording,
so table cells with two pairs per row, <dl> lists, span pairs, <li> items and one line holding
several ``label：value`` pairs all read the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import dom

# Label wordings per key; longest first within the regex so 信息分类 wins over 分类.
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "index_number": ("索引号", "信息索引号", "内容索引号", "索取号"),
    "category": ("主题分类", "信息分类", "分类", "所属主题", "主题类别", "信息类别"),
    "publisher": ("发布机构", "发文机关", "发布单位", "信息来源", "公开主体", "责任部门", "发文单位",
                  "发布主体", "公开单位", "制发机关", "发文机构", "发布部门", "责任单位", "公开责任部门"),
    "written": ("成文日期", "印发日期", "成文时间", "形成日期", "制发日期", "签发日期"),
    # 发文日期/生成日期 mean "published" when they are the page's only date (labels.jsonl, 003).
    "issued": ("发文日期", "生成日期", "发文时间"),
    "published": ("发布日期", "公开日期", "发布时间", "公布日期", "公开时间", "信息发布日期", "上网日期",
                  "发稿时间", "发布于"),
    "published_weak": ("日期", "时间"),
    "doc_number": ("文号", "发文字号", "发文文号", "文件编号", "文件字号", "发文编号"),
    "validity": ("有效性", "时效", "是否有效", "效力状态", "时效性", "有效状态"),
    "keywords": ("主题词", "关键词", "关键字"),
    "title": ("标题", "名称", "信息名称", "文件名称", "文件标题"),
    "source": ("来源", "文章来源", "稿件来源", "信息出处"),
}
# Labels we do not keep but must recognise, so they end the value before them.
OTHER_LABELS = (
    "公开方式", "公开范围", "公开时限", "公开形式", "公开程序", "公开类别", "公开属性", "体裁分类",
    "组配分类", "服务对象分类", "服务对象", "访问量", "浏览次数", "浏览量", "点击数", "点击量", "阅读次数",
    "阅读量", "作者", "编辑", "责任编辑", "审核", "字体", "字号", "打印", "关闭", "分享", "分享到",
    "内容概述", "摘要", "失效日期", "废止日期", "有效期", "施行日期", "实施日期", "登记号", "统一编号",
    "登记日期", "更新时间", "更新日期", "修改日期", "所属机构", "发布人", "录入", "撰稿", "供稿",
    "所属栏目", "栏目", "语种", "载体类型", "备注", "浏览", "访问次数", "收藏",
)
# Wordings that may stand alone in a cell without a colon (<th>索引号</th><td>…</td>); short,
# ambiguous ones (日期, 来源, 标题 …) need a colon, or every table header would match.
_STRONG_MIN = 3

_MEDIA = re.compile(r"(新华社|新华网|人民网|人民日报|央视|中新社|中新网|新闻|日报|晚报|早报|都市报|时报|"
                    r"报社|电视台|广播|电台|融媒|客户端|公众号|微信|微博|杂志|在线|网易|腾讯|新浪|搜狐|头条|"
                    r"网$|报$|社$|台$)")
_GOV_BODY = re.compile(r"(政府|办公室|办公厅|委员会|管委会|人大|政协|法院|检察院|[局委办院厅部署府室所站队处科"
                       r"中心会馆]|街道|镇|乡|村委会|社区居委会)$")

_WORDS: dict[str, str] = {}
for _key, _words in FIELD_LABELS.items():
    for _w in _words:
        _WORDS.setdefault(_w, _key)
for _w in OTHER_LABELS:
    _WORDS.setdefault(_w, "_other")

_SP = r"[\s\u3000\xa0\x1f]*"


def _word_pattern(word: str) -> str:
    return _SP.join(re.escape(ch) for ch in word)


_BY_LENGTH = sorted(_WORDS, key=len, reverse=True)
_INDEX_WORD = {f"w{i}": w for i, w in enumerate(_BY_LENGTH)}


def _alternation() -> str:
    """Every label wording, one named group per wording (``_word`` reads which one matched), grouped
    by first character: the regex engine tries the rest of a wording only where its first
    character stands, not ~150 wordings at every position of every line. After a wording must come
    a colon, so at most one wording matches at a given place: the grouping changes no match."""
    by_first: dict[str, list[str]] = {}
    for i, w in enumerate(_BY_LENGTH):
        by_first.setdefault(w[0], []).append(f"(?P<w{i}>{_word_pattern(w[1:])})")
    return "|".join(f"{re.escape(first)}{_SP}(?:{'|'.join(rests)})" for first, rests in by_first.items())


_ALTERNATION = _alternation()
_FIRST = "".join(sorted({re.escape(w[0]) for w in _WORDS}))
# A label: not glued to a preceding CJK character (体裁分类 is not 分类), then an optional
# bracket, then a colon. (The lookahead only lets the engine skip the places no label starts at.)
_LABEL = re.compile(
    rf"(?=[【\[{_FIRST}])(?<![\u4e00-\u9fff])[【\[]?(?:{_ALTERNATION})[】\]]?{_SP}[:：]"
)
_LABEL_ALONE = re.compile(rf"^{_SP}[【\[]?(?:{_ALTERNATION})[】\]]?{_SP}[:：]?{_SP}$")
# Something that looks like an unknown label: a short CJK run and a colon, after a soft boundary.
_LABELISH = re.compile(r"^[\s\u3000\xa0\x1f]*[\u4e00-\u9fff][\u4e00-\u9fff\s\u3000]{0,8}[:：]")
_SPACED_LABEL = re.compile(r"[\s\u3000]{1,}[\u4e00-\u9fff]{2,8}[:：]")
_EMPTY = {"", "无", "-", "--", "—", "——", "/", "暂无", "null", "none", "空", "未知", "…", "..."}


@dataclass
class Hit:
    key: str
    word: str
    value: str | None
    line: int
    el: object
    noise: bool


def _clean_value(raw: str) -> str | None:
    value = dom.squash(raw.replace(dom.SOFT, " "))
    value = value.strip(" :：;；,，|")
    if value.lower() in _EMPTY:
        return None
    return value or None


def _cut(rest: str) -> str:
    """The value part of ``rest``: up to a soft boundary followed by an unknown label."""
    pieces = rest.split(dom.SOFT)
    kept = [pieces[0]]
    for piece in pieces[1:]:
        if _LABELISH.match(piece):
            break
        kept.append(piece)
    value = dom.SOFT.join(kept)
    # "分类：统计公报  公开方式：主动公开" without tags between them: cut at a spaced unknown label.
    m = _SPACED_LABEL.search(value)
    if m:
        value = value[:m.start()]
    return value


def scan(root, lines: list | None = None) -> list[Hit]:
    """Every labelled value on the page, in reading order (``lines``: ``dom.lines(root)`` if known)."""
    hits: list[Hit] = []
    lines = dom.lines(root) if lines is None else lines
    for i, line in enumerate(lines):
        text = line.text
        if "：" not in text and ":" not in text:
            m = _LABEL_ALONE.match(text)
            if m:
                word = _word(m)
                if len(word) >= _STRONG_MIN:
                    hits.append(Hit(_WORDS[word], word, _next_value(lines, i), i, line.el, line.noise))
            continue
        matches = list(_LABEL.finditer(text))
        if not matches:
            continue
        for j, m in enumerate(matches):
            word = _word(m)
            end = matches[j + 1].start() if j + 1 < len(matches) else len(text)
            rest = text[m.end():end]
            value = _clean_value(_cut(rest))
            if value is None and j + 1 == len(matches) and not dom.squash(rest.replace(dom.SOFT, "")):
                value = _next_value(lines, i)
            hits.append(Hit(_WORDS[word], word, value, i, line.el, line.noise))
    return hits


def label_runs(text: str) -> list[tuple[str, int, int]]:
    """(key, start, end) of every ``label：value`` run in one line of text; a run ends where the
    next label starts. Keys as in FIELD_LABELS, or "_other" for known labels we do not keep."""
    matches = list(_LABEL.finditer(text))
    return [(_WORDS[_word(m)], m.start(), matches[j + 1].start() if j + 1 < len(matches) else len(text))
            for j, m in enumerate(matches)]


def _word(match) -> str:
    # The patterns' only groups are the wordings' and exactly one of them takes part in a match.
    return _INDEX_WORD.get(match.lastgroup, "")


def _next_value(lines, i: int) -> str | None:
    """A label alone in its cell takes the next line as its value, unless that is a label too."""
    if i + 1 >= len(lines):
        return None
    text = lines[i + 1].text
    if _LABEL_ALONE.match(text) or _LABEL.match(text.lstrip(dom.SOFT + " \u3000")) or _LABELISH.match(text):
        return None
    if len(text) > 120:  # body text, not a cell value
        return None
    return _clean_value(_cut(text))


def resolve(hits: list[Hit]) -> dict[str, str | None]:
    """Normalised key -> first non-empty value, with the date-label rules applied."""
    first: dict[str, str | None] = {}
    for hit in hits:
        if hit.key == "_other":
            continue
        if hit.key not in first or (first[hit.key] is None and hit.value is not None):
            first[hit.key] = hit.value
    out: dict[str, str | None] = {}
    for key in ("index_number", "category", "publisher", "doc_number", "validity", "keywords", "title", "source"):
        if key in first:
            out[key] = first[key]
    published = first.get("published")
    written = first.get("written")
    issued = first.get("issued")
    if published is None and issued is not None:
        published, issued = issued, None
    if published is None and first.get("published_weak") is not None:
        published = first["published_weak"]
    if written is None and issued is not None:
        written = issued
    if "published" in first or "issued" in first or published is not None:
        out["published"] = published
    if "written" in first or written is not None:
        out["written"] = written
    return out


def extract_metadata_table(html_or_selector) -> dict[str, str | None]:
    """Normalised label -> value of the page's 信息公开 block.

    Keys: ``index_number``, ``category``, ``publisher``, ``written``, ``published``,
    ``doc_number``, ``validity``, ``keywords`` and, when labelled, ``title`` and ``source``
    (来源: a content source, not necessarily the publisher). A label present with an empty value
    maps to None. Dates stay text; ``detail`` parses them. Labels in the page footer, related
    or hot-news boxes are ignored.
    """
    try:
        root = dom.parse(html_or_selector)
        hits = [h for h in scan(root) if not h.noise]
    except (ValueError, TypeError, RecursionError):
        return {}
    return resolve(hits)


def is_media_outlet(name: str | None) -> bool:
    return bool(name) and bool(_MEDIA.search(name))


def looks_like_government_body(name: str | None) -> bool:
    """True for 宜春市统计局-like names; used to accept 来源 as the publisher."""
    if not name or is_media_outlet(name) or len(name) > 40:
        return False
    return bool(_GOV_BODY.search(name.split()[-1] if " " in name else name))
