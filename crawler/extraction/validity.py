"""A document's validity mark (有效性) and the documents it says it repeals or amends.

Normative documents (行政规范性文件) carry a validity mark: in the 信息公开 block (``有效性：有效``,
``效力状态：有效``, ``是否有效：是``, ``时效：已废止``) or beside the title (``现行有效`` under the
heading, ``（已废止）`` after it). The 《政府网站发展指引》 asks that a document that was amended,
repealed or lapsed say so on the original; a later document announces it in its own text
(``…自2025年1月1日起施行，《…办法》（…〔2019〕12号）同时废止``). Both are read here, as plain data.
"""
from __future__ import annotations

import re

# A mark as printed -> its canonical value. Canonical values: 有效, 失效, 废止, 已修改, 部分失效.
MARKS = {
    "现行有效": "有效", "长期有效": "有效", "有效": "有效", "继续有效": "有效",
    "已失效": "失效", "失效": "失效", "无效": "失效", "已过期": "失效", "过期": "失效",
    "已废止": "废止", "废止": "废止", "已废除": "废止",
    "已修改": "已修改", "修改": "已修改", "已修订": "已修改", "已被修改": "已修改", "部分修改": "已修改",
    "部分失效": "部分失效", "部分废止": "部分失效",
}
IN_FORCE = "有效"
# 是否有效：是/否 — only under that label.
YES_NO = {"是": "有效", "否": "失效"}

_WORDS = "|".join(sorted(map(re.escape, MARKS), key=len, reverse=True))
# A value that starts with a mark and stops there (有效期至2025年… is a period, not a mark).
_VALUE = re.compile(rf"^[【\[（(]?({_WORDS})[】\]）)]?(?=$|[\s（(【\[，,；;：:。])")
# Beside a title: the mark bracketed at the end of the title, or alone on a line near it.
_TITLE_SUFFIX = re.compile(rf"[【\[（(]({_WORDS})[】\]）)]\s*$")
_ALONE = re.compile(rf"^[【\[（(]?({_WORDS})[】\]）)]?$")
_SPACE = re.compile(r"[\s\u3000\xa0]+")
# A badge inside the heading, set off by a space: <h1>…办法 <span>已失效</span></h1>.
_BADGE = re.compile(rf"[\s\u3000\xa0\x1f]+[【\[（(]?({_WORDS})[】\]）)]?$")


def normalize(value: str | None, label: str | None = None) -> str | None:
    """The canonical mark of a labelled value (``现行有效`` -> 有效), None for anything else
    (an empty cell, a date, 有效期5年)."""
    if not value:
        return None
    text = _SPACE.sub("", value)
    if label and "是否" in label and text in YES_NO:
        return YES_NO[text]
    m = _VALUE.match(text)
    return MARKS[m.group(1)] if m else None


def split_title(title: str | None) -> tuple[str | None, str | None]:
    """(title, mark): a badge the heading carries after a space is the mark, not part of the title."""
    if not title:
        return title, None
    m = _BADGE.search(title)
    if not m or not title[:m.start()].strip():
        return title, None
    return title[:m.start()].rstrip(), MARKS[m.group(1)]


def beside_title(title: str | None, lines: list[str]) -> str | None:
    """A mark printed with the title: bracketed at its end (``…办法（已废止）``) or alone on one of
    the few lines under it (``lines``: the visible lines after the title, before the body)."""
    if title:
        m = _TITLE_SUFFIX.search(_SPACE.sub("", title))
        if m:
            return MARKS[m.group(1)]
    for line in lines:
        m = _ALONE.match(_SPACE.sub("", line))
        if m:
            return MARKS[m.group(1)]
    return None


# -- repeals and amendments -------------------------------------------------------------------

_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕",
                           "(": "〔", ")": "〕", "（": "〔", "）": "〕", "﹝": "〔", "﹞": "〕"})
# issuer abbreviation, bracketed year, serial + 号: 示政发〔2019〕12号, 昇政办发[2020]第3号
_NUMBER = re.compile(r"([\u4e00-\u9fffA-Za-z]{1,16})\s*[〔\[［【(（﹝]\s*((?:19|20)\d{2})\s*[〕\]］】)）﹞]"
                     r"\s*第?\s*(\d{1,5})\s*号")
_TITLED = re.compile(r"《([^《》]{2,120})》\s*[（(]([^（）()]{4,40}?号)[）)]")
_REPEAL = re.compile(r"废止|停止执行|不再执行|同时失效|予以失效|宣布失效")
_AMEND = re.compile(r"修改|修订")
# Words glued before a 文号 that are not part of it: 原示政发〔2019〕1号, 同时废止示政发…
_LEAD = re.compile(r"^(?:.*?(?:废止|停止执行|修改|修订|同时|以及|及|和|与|对|将|原|即))+")
_SENTENCE = re.compile(r"[。；;\n]")
_QUOTED_TITLE = re.compile(r"《[^《》]*》")


def doc_number_parts(number: str | None) -> tuple[str, str, int] | None:
    """The issuer, year and serial of a 文号 (示政发〔2019〕第12号 -> ('示政发', '2019', 12))."""
    m = _NUMBER.search(number) if number else None
    return (m.group(1), m.group(2), int(m.group(3))) if m else None


def doc_number_key(number: str | None) -> str | None:
    """A 文号 reduced to a comparable form: brackets unified, spaces and 第 dropped."""
    parts = doc_number_parts(number)
    return f"{parts[0]}〔{parts[1]}〕{parts[2]}号" if parts else None


def _numbers(text: str) -> list[tuple[str | None, str]]:
    """(title or None, 文号) of every document cited in a piece of text, in order."""
    out, spans = [], []
    for m in _TITLED.finditer(text):
        key = doc_number_key(m.group(2))
        if key:
            out.append((m.start(), m.group(1), key))
            spans.append((m.start(), m.end()))
    for m in _NUMBER.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        issuer = _LEAD.sub("", m.group(1))
        if not issuer:
            continue
        out.append((m.start(), None, f"{issuer}〔{m.group(2)}〕{int(m.group(3))}号"))
    return [(title, key) for _, title, key in sorted(out)]


def repealed(body: str | None, own_number: str | None = None) -> list[dict]:
    """The documents a text says it repeals (``废止``) or amends (``修改``), by 文号.

    A sentence counts when it carries a repeal or amendment verb outside the titles it quotes
    (《关于废止…的决定》 is a title, not an act); its cited 文号 are those documents. A sentence
    ending in a colon (``决定废止下列文件：``) passes its verb to the numbered lines after it.
    The document's own 文号 is never among them. Each: ``{"doc_number", "title", "action"}``."""
    if not body or "号" not in body or not (_REPEAL.search(body) or _AMEND.search(body)):
        return []   # every citation ends in 号, and a sentence counts only with a verb (most bodies)
    own = doc_number_key(own_number)
    found: dict[str, dict] = {}
    pending = None
    for sentence in _SENTENCE.split(body):
        sentence = sentence.strip()
        if not sentence:
            continue
        acted = _acted(sentence)
        if not acted and pending and _numbers(sentence):
            acted = [(pending, title, key) for title, key in _numbers(sentence)]
        elif not acted:
            verb = _verb(sentence)
            pending = verb if verb and sentence.endswith(("：", ":")) else None
            continue
        for action, title, key in acted:
            if key != own and key not in found:
                found[key] = {"doc_number": key, "title": title, "action": action}
    return list(found.values())


def _verb(text: str) -> str | None:
    plain = _QUOTED_TITLE.sub("", text)    # 《关于废止…的决定》 is a title, not an act
    return "废止" if _REPEAL.search(plain) else "修改" if _AMEND.search(plain) else None


_CLAUSE = re.compile(r"[，,]")
_ONLY_CITATIONS = re.compile(r"^[、和及与以及等件文号\s]*$")


def _acted(sentence: str) -> list[tuple[str, str | None, str]]:
    """(action, title, 文号) cited in the clauses of a sentence that carry a verb, with the clauses
    right before such a clause that hold nothing but citations (《A》（…），《B》（…）同时废止)."""
    out, waiting = [], []
    for clause in _CLAUSE.split(sentence):
        cited = _numbers(clause)
        verb = _verb(clause)
        if verb:
            out += [(verb, title, key) for title, key in waiting + cited]
            waiting = []
        elif cited and _ONLY_CITATIONS.match(_NUMBER.sub("", _TITLED.sub("", clause))):
            waiting += cited
        else:
            waiting = []
    return out
