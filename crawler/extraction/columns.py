"""A disclosure entry page -> the columns of its 信息公开目录.

Kept: links of the column tree (left navigation ``ul`` trees, tables of links, the four parts of the
专栏 and the sub-columns under 法定主动公开内容). Left out: the site's own navigation (a block that
links to the site's home page), header/footer/breadcrumb chrome, the 依申请公开 form, service and
utility links (网站地图, 登录 …), other sites, ``javascript:`` links, files, and articles (a link
with a date beside it or an article-shaped URL is a document, not a column).
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from . import dom, gkmlpt
from .dates import parse_date

_UTILITY = re.compile(
    r"^(?:(?:网站|返回|回到)?首页|主页|网站地图|站点地图|联系我们|关于我们|互动交流|政民互动|互动回应|政务服务|"
    r"网上办事|办事服务|在线服务|无障碍(?:浏览|阅读)?|关怀版|长者(?:模式|版)|适老化|繁體|繁体(?:版)?|简体(?:版)?|"
    r"english|手机版|移动版|登录|注册|用户登录|搜索|高级搜索|全文检索|站内搜索|更多|更多>+|more|网站声明|"
    r"法律声明|隐私(?:声明|政策)|使用帮助|帮助|我要纠错|纠错|设为首页|加入收藏|收藏本站|rss|智能问答|"
    r"新闻中心|新闻动态|走进.{1,8}|魅力.{1,6}|投资.{1,6}|旅游.{1,6}|数据开放|专题专栏|政务微博|政务微信|"
    r"打印|关闭|返回顶部|上一页|下一页|尾页|末页)$",
    re.I,
)
_HOME_WORDS = ("首页", "网站首页", "返回首页", "主页")
_APPLICATION = re.compile(r"依申请|申请表|在线申请|申请公开")
_CHROME = re.compile(
    r"(?:^|[\s_-])(?:foot(?:er)?|copy(?:right)?|banquan|bottom|crumbs?|breadcrumbs?|location|position|dqwz|"
    r"header|topbar|top-?nav|main-?nav|site-?nav|navbar)(?=$|[\s_-]|\d)",
    re.I,
)
_CHROME_EXACT = {"head", "top", "nav", "menu", "header"}
_DOC_URL = re.compile(r"(?:/t\d{8}_\d+|/art/\d{4}/|/content/(?:post|mpost)_\d+|/\d{6}/[0-9a-f]{16,}|"
                      r"content_\d+|/\d{6}/t\d+|\.(?:pdf|docx?|xlsx?|wps|zip|rar|ofd|jpg|png|gif)$)", re.I)
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "dt", "th", "strong", "b", "label", "caption", "legend"}
_HEADING_HINT = re.compile(r"(?:^|[\s_-])(?:title|tit|hd|head|bt|name|lm|lmmc|caption)(?=$|[\s_-]|\d)", re.I)
_GENERIC = re.compile(r"^(?:政府)?(?:信息|政务)公开(?:目录|专栏|平台)?$|目录$|导航$|^栏目|^专栏$|^公开目录$")
_ITEM_TAGS = ("li", "tr", "dd", "p")
MAX_LABELS = 3


def discover_columns(html, url: str) -> list[dict]:
    """``[{"name", "url", "path"}]`` of the 信息公开目录 tree, in page order, one per URL."""
    shell = gkmlpt.find(html, url) if isinstance(html, str) else None
    if shell is not None and (found := gkmlpt.columns(shell)):
        return found  # the tree is in the shell's script, each column at its JSON API
    root = dom.parse(html)
    base = dom.base_url(root, url)
    site = dom.site_of(url)
    own = _strip_index(url)
    chrome: dict = {}
    out, seen = [], set()
    for a in root.iter("a"):
        target = dom.absolute(base, a.get("href"))
        if not target or dom.site_of(target) != site or _strip_index(target) == own:
            continue
        name = dom.close_cjk(dom.squash(dom.inline_text(a) or a.get("title")))
        if not name or len(name) > 30 or _UTILITY.match(name) or _APPLICATION.search(name):
            continue
        if _DOC_URL.search(urlsplit(target).path) or _is_home(target):
            continue
        if _in_chrome(a, chrome) or _in_site_nav(a, base) or _dated(a, name):
            continue
        if target in seen:
            continue
        seen.add(target)
        labels = [dom.close_cjk(l) for l in _ancestor_labels(a)]
        labels = [l for l in labels if l != name and not _GENERIC.search(l)
                  and not _UTILITY.match(l) and not _APPLICATION.search(l)]
        path = "/".join(list(dict.fromkeys(labels[-MAX_LABELS:])) + [name])
        out.append({"name": name, "url": target, "path": path})
    return out


def _strip_index(url: str) -> str:
    return dom.index_as_directory(url.split("#", 1)[0])


def _is_home(url: str) -> bool:
    return urlsplit(_strip_index(url)).path in ("", "/")


def _in_chrome(el, memo: dict) -> bool:
    return dom.any_ancestor(el, _chrome, memo)


def _chrome(el) -> bool:
    return el.tag in ("header", "footer") or bool(_CHROME.search(dom.classes(el))) \
        or any(t in _CHROME_EXACT for t in dom.classes(el).lower().split())


def _in_site_nav(a, base: str) -> bool:
    """The site's navigation bar: the nearest block of several links also links to the home page."""
    block = a.getparent()
    for _ in range(6):
        if block is None or block.tag in ("body", "html"):
            return False
        links = [x for x in block.iter("a") if x.get("href")]
        if len(links) >= 3:
            return any(_is_home(u) or dom.inline_text(x) in _HOME_WORDS
                       for x in links if (u := dom.absolute(base, x.get("href"))))
        block = block.getparent()
    return False


def _dated(a, name: str) -> bool:
    """A link with a date in its list item is an article of a news box, not a column."""
    item = a.getparent()
    for _ in range(3):
        if item is None:
            return False
        if item.tag in _ITEM_TAGS:
            text = dom.inline_text(item).replace(name, " ")
            return parse_date(text) is not None
        item = item.getparent()
    return False


def _own_label(li, inside) -> str:
    """Text of a tree node (<li>) itself, not of the nested list holding ``inside``."""
    for child in li:
        if not isinstance(child.tag, str) or child is inside or inside in child.iterdescendants():
            break
        if child.tag in ("ul", "ol", "dl", "div") and len(list(child.iter("a"))) > 1:
            break
        text = dom.inline_text(child)
        if text:
            return text
    return dom.squash(li.text)


def _heading_before(node) -> str:
    prev = node.getprevious()
    while prev is not None and (not isinstance(prev.tag, str) or not dom.inline_text(prev)):
        prev = prev.getprevious()
    if prev is None:
        return ""
    text = dom.inline_text(prev)
    links = list(prev.iter("a"))
    text = dom.squash(re.sub(r"(?:更多|more)\s*[>»]*", "", text, flags=re.I))
    if not (2 <= len(text) <= 16) or re.search(r"\d{4}|[:：|]", text) or not re.search(r"[\u4e00-\u9fff]{2}", text):
        return ""
    if next(prev.iter("input", "select", "iframe", "form", "textarea"), None) is not None:
        return ""
    heading = prev.tag in _HEADING_TAGS or bool(_HEADING_HINT.search(dom.classes(prev)))
    if links and not heading:
        return ""
    if len([l for l in links if dom.inline_text(l) and not re.match(r"(?:更多|more)", dom.inline_text(l), re.I)]) > 1:
        return ""
    return text


def _ancestor_labels(a) -> list[str]:
    """Names of the tree nodes above a link, outermost first."""
    labels: list[str] = []
    child, node = a, a.getparent()
    own_item = None
    while node is not None and node.tag not in ("body", "html"):
        if node.tag in ("li", "dd") and own_item is None:
            own_item = node
        elif node.tag == "li" and own_item is not None and node is not own_item:
            label = _own_label(node, child)
            if label:
                labels.append(label)
        heading = _heading_before(node) if node.tag not in ("li",) else ""
        if heading and (not labels or labels[-1] != heading):
            labels.append(heading)
        child, node = node, node.getparent()
    return list(reversed(labels))
