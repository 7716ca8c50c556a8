"""Recognise the pages a portal answers instead of content: WAF challenges and login walls.

A block page must never count as content: not as an edit of a document, not as a column that lost
its entries, not as an empty column. The spider records it as a fetch error of kind ``blocked``.

    is_block_page(status, headers, text, url=None) -> str | None   # a short reason, or None

Markers come from the interstitials seen on government portals: 知道创宇 创宇云防御/创宇盾 and 加速乐
(521 + cookie script), 安全狗, 云锁, 360 网站卫士, 阿里云盾 (acw_sc__v2), 瑞数 (412 + $_ts),
长亭雷池, 百度云加速, 腾讯云 WAF, Cloudflare, login redirects (统一身份认证, CAS, SSO), and verification
pages of any origin (安全验证, 请输入验证码 with a form or a captcha image: generic words, no host names).

Headers alone never decide: a normal page served through a WAF carries the vendor's cookies and
server name too. A marker must appear in the body (or the status must be a challenge status with a
cookie-setting script), and a 200 page must also be small, as interstitials are.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from ahocorasick_rs import AhoCorasick

# (reason, pattern) — patterns are searched in the first 20,000 characters of the body.
VENDOR_MARKERS: tuple[tuple[str, re.Pattern], ...] = (
    ("创宇云防御", re.compile(r"创宇云防御|创宇盾|知道创宇|yunaq\.com|365cyd|jiasule\.com|"
                          r"加速乐|__jsl_clearance|jsl_(?:cookie|clearance)", re.I)),
    ("安全狗", re.compile(r"安全狗|safedog|网站防火墙.{0,40}(?:拦截|阻止)|您的访问请求可能对网站造成安全威胁", re.I | re.S)),
    ("云锁", re.compile(r"云锁|yunsuo_session_verify|security_verify_data|yunsuologo|yunsuo\.com", re.I)),
    ("360网站卫士", re.compile(r"360网站卫士|webscan\.360\.cn|wangzhan\.360\.cn|360wzb", re.I)),
    ("阿里云盾", re.compile(r"阿里云盾|acw_sc__v2|aliyun_waf|errors\.aliyun\.com|_waf_bd8ce2ce37", re.I)),
    ("瑞数", re.compile(r"\$_ts\s*=\s*window\[|\$_ts\.(?:cd|nsd)\b|FSSBBIl1UgzbN7N", re.I)),
    ("长亭雷池", re.compile(r"safeline|雷池", re.I)),
    ("百度云加速", re.compile(r"百度云加速|yunjiasu", re.I)),
    ("腾讯云WAF", re.compile(r"waf\.tencent-cloud\.com|腾讯云\s*Web\s*应用防火墙|tencent\s*cloud\s*waf", re.I)),
    ("Cloudflare", re.compile(r"cf-browser-verification|cf_chl_|challenge-platform|Attention Required! \| Cloudflare|"
                              r"Just a moment\.\.\.", re.I)),
    ("拦截页", re.compile(r"(?:访问|请求)(?:已被|被)?(?:拦截|阻断|禁止)|非法请求已被拦截|您的IP(?:地址)?已被(?:封|限制|禁)|"
                       r"访问过于频繁|请求过于频繁|疑似攻击|Web应用防火墙", re.I)),
)
# Cookies the WAFs set: they name the vendor of a challenge answer (never decide on their own).
VENDOR_COOKIES = (("创宇云防御", "__jsluid"), ("创宇云防御", "__jsl_clearance"), ("阿里云盾", "acw_sc__v2"),
                  ("阿里云盾", "acw_tc"), ("云锁", "yunsuo_session_verify"), ("安全狗", "safedog-flow-item"),
                  ("瑞数", "FSSBBIl1UgzbN7N"))
# A page that only sets a cookie and reloads itself: the shape of every JS challenge.
_COOKIE_SCRIPT = re.compile(r"document\.cookie\s*=", re.I)
_RELOAD = re.compile(r"location(?:\.href)?\s*=|location\.(?:reload|replace|assign)\s*\(|window\.onload|setTimeout\s*\(", re.I)
_EVAL = re.compile(r"\beval\s*\(|String\.fromCharCode|\\x[0-9a-f]{2}\\x[0-9a-f]{2}", re.I)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.I | re.S)
_PASSWORD = re.compile(r"<input[^>]+type\s*=\s*['\"]?password", re.I)
_LOGIN_TITLE = re.compile(r"登录|登陆|统一身份认证|身份认证|单点登录|用户认证|login|sign\s*in|\bcas\b", re.I)
_LOGIN_URL = re.compile(r"(?:/|\b)(?:login|logon|signin|sso|cas|passport|auth(?:server)?|uc/|oauth)[/._?-]|"
                        r"(?:login|signin)\.(?:jsp|do|aspx?|php|html?)", re.I)
# Verification (captcha) pages, whoever serves them: the words they say and the image they ask about.
_CAPTCHA_TEXT = re.compile(r"安全验证|人机验证|访问验证|请(?:先)?输入(?:图片|图形)?验证码|请完成(?:安全)?验证|"
                           r"滑动验证|拖动(?:下方)?滑块|点击(?:按钮)?(?:进行|开始)?验证|验证码错误|captcha", re.I)
_CAPTCHA_FORM = re.compile(r"<form\b|<img[^>]+(?:captcha|verify|yzm|checkcode|validate|vcode|kaptcha|验证码)|"
                           r"<input[^>]+(?:captcha|verify|yzm|checkcode|vcode|验证码)", re.I)
# Case-insensitive only where letters are: a pattern compiled with re.I as a whole searches for its
# leading "<" case-insensitively too, a quarter slower.
_TAGS = re.compile(r"<(?:(?i:script).*?</(?i:script)>|(?i:style).*?</(?i:style)>|[^>]+>)", re.S)

CHALLENGE_STATUSES = {412, 521, 520, 468, 493, 418}
BLOCK_STATUSES = {403, 405, 406, 429, 503, 512, 513, *CHALLENGE_STATUSES}
SMALL_PAGE = 15_000      # characters: interstitials are small, real article pages are not
MAX_SCAN = 20_000


def _header(headers, name: str) -> str:
    """One header from a dict, Scrapy ``Headers`` or a list of pairs, decoded; '' when absent."""
    if not headers:
        return ""
    value = None
    try:
        value = headers.get(name)
        if value is None:
            value = headers.get(name.lower())
    except AttributeError:
        for key, val in headers:
            if str(key).lower() == name.lower():
                value = val
                break
    if isinstance(value, (list, tuple)):
        value = value[0] if value else None
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value or ""


def visible_text_length(text: str) -> int:
    # str.split() drops the same (Unicode) whitespace as re's \s, at a third of the cost of re.sub;
    # tags go without a space in their place, which only split() would drop again.
    return len("".join(_TAGS.sub("", text or "").split()))


def _folded(pattern: re.Pattern) -> re.Pattern:
    """The same case-insensitive pattern, for text already lower-cased: a case-insensitive search of
    Chinese text is several times slower than a plain one (the patterns' letters are all ASCII)."""
    return re.compile(pattern.pattern.lower(), pattern.flags & ~re.I)


def _leading_literals(pattern: re.Pattern) -> tuple[str, ...] | None:
    """Strings one of which every match of ``pattern`` starts with (the literal run that begins each
    of its alternatives), or None when some alternative does not begin with a literal. A page that
    holds none of them cannot match: a substring test is far cheaper than the search."""
    try:
        from re import _parser as sre_parse   # Python >= 3.11
    except ImportError:   # pragma: no cover - older Pythons
        import sre_parse
    try:
        return _literals(sre_parse.parse(pattern.pattern, pattern.flags), sre_parse)
    except Exception:   # another Python's parser: no prefilter, the search alone decides
        return None


def _literals(items, sre) -> tuple[str, ...] | None:
    items = list(items)
    if not items:
        return None
    op, av = items[0]
    if op is sre.LITERAL:
        run = []
        for op2, av2 in items:
            if op2 is not sre.LITERAL:
                break
            run.append(chr(av2))
        return ("".join(run),)
    if op is sre.SUBPATTERN:
        return _literals(av[-1], sre)
    if op is sre.BRANCH:
        out: list[str] = []
        for branch in av[1]:
            found = _literals(branch, sre)
            if found is None:
                return None
            out += found
        return tuple(out)
    return None


_VENDOR_FOLDED = tuple((reason, _folded(pattern), _leading_literals(_folded(pattern)))
                       for reason, pattern in VENDOR_MARKERS)
_CAPTCHA_TEXT_FOLDED = _folded(_CAPTCHA_TEXT)
# The leading literals of every vendor pattern and of the verification wording, in one Aho-Corasick
# automaton: one pass over the page finds where any of them occurs (a find per literal, some sixty
# of them, cost several times more). A pattern is then tried only where one of its own occurs.
_LITERALS = sorted({start for _, pattern, starts in (*_VENDOR_FOLDED, ("", _CAPTCHA_TEXT_FOLDED,
                                                                      _leading_literals(_CAPTCHA_TEXT_FOLDED)))
                    for start in starts or () if start})
_AUTOMATON = AhoCorasick(_LITERALS)


def _literal_ids(starts: tuple[str, ...] | None) -> tuple[int, ...] | None:
    return None if starts is None or "" in starts else tuple(_LITERALS.index(start) for start in starts)


_VENDOR_SCAN = tuple((reason, pattern, _literal_ids(starts)) for reason, pattern, starts in _VENDOR_FOLDED)
_CAPTCHA_SCAN = (_CAPTCHA_TEXT_FOLDED, _literal_ids(_leading_literals(_CAPTCHA_TEXT_FOLDED)))


class _Markers:
    """Where the literals occur in a page's lower-cased head, and whether a pattern matches there.
    Every match of a pattern begins with one of its leading literals, so it is tried only where one
    of them occurs: on a page that says 访问 or 请求 a few times, a few anchored tries, no search."""

    def __init__(self, lower: str):
        self.lower = lower
        self.at: dict[int, list[int]] = {}
        for literal, start, _ in _AUTOMATON.find_matches_as_indexes(lower, overlapping=True):
            self.at.setdefault(literal, []).append(start)

    def found(self, pattern: re.Pattern, literals: tuple[int, ...] | None) -> bool:
        if literals is None:
            return pattern.search(self.lower) is not None
        return any(pattern.match(self.lower, start) for literal in literals for start in self.at.get(literal, ()))

    def vendor(self) -> str | None:
        """The first vendor (in VENDOR_MARKERS' order) whose pattern matches."""
        return next((reason for reason, pattern, literals in _VENDOR_SCAN if self.found(pattern, literals)), None)


def is_block_page(status: int, headers, text: str | None, url: str | None = None) -> str | None:
    """The reason this answer is a block/interstitial page rather than content, or None.

    ``status``: HTTP status; ``headers``: response headers (dict, Scrapy Headers or pairs);
    ``text``: the decoded body ('' or None for binary); ``url``: the final URL after redirects, if known.

    Every page of a crawl passes here: the cheap conditions (status, size) are tested first, the
    markers are found in one pass over the page in lower case, and how much visible text a page has
    (stripping its tags costs more than that pass) is counted only for a page a marker is found on.
    """
    status = int(status or 0)
    text = text or ""
    head = text[:MAX_SCAN]
    blocking_status = status in BLOCK_STATUSES or status >= 500
    visible: list[int] = []
    scanned: list[_Markers] = []

    def visible_below(limit: int) -> bool:
        if not visible:
            visible.append(visible_text_length(head))
        return visible[0] < limit

    def markers() -> _Markers:
        if not scanned:
            scanned.append(_Markers(head.lower()))
        return scanned[0]

    # A redirect (not followed) or a final URL on a login page.
    if 300 <= status < 400 and (location := _header(headers, "Location")) \
            and _LOGIN_URL.search(urlsplit(location).path + "?" + urlsplit(location).query):
        return "login"

    # A vendor's marker decides on a blocking status, or on a small 200 page with little to read.
    if blocking_status or (status < 300 and len(text) <= SMALL_PAGE):
        reason = markers().vendor()
        if reason is not None and (blocking_status or visible_below(1500)):
            return reason

    # 412/521 and friends with a cookie-setting script: 加速乐, 瑞数 and unnamed JS challenges.
    if status in CHALLENGE_STATUSES and (_COOKIE_SCRIPT.search(head) or _EVAL.search(head)
                                         or "set-cookie" in {k.lower() for k in _header_names(headers)}):
        cookies = _header(headers, "Set-Cookie")
        return next((vendor for vendor, name in VENDOR_COOKIES if name in cookies), "cookie-challenge")
    # A 200 page that is nothing but a script setting a cookie and reloading. (No character but the
    # ASCII pair of each letter of "document.coo" matches it under re.I: a page whose lower case
    # lacks it has no match of _COOKIE_SCRIPT, whose search costs about what the tag stripping does.)
    if status < 300 and len(text) <= 8_000 and "document.coo" in markers().lower and visible_below(200) \
            and _COOKIE_SCRIPT.search(head) and _RELOAD.search(head):
        return "cookie-challenge"

    # A verification page: it says so, asks for a code or a slider, and has little else to show.
    if status < 500 and (status in BLOCK_STATUSES or len(text) <= SMALL_PAGE) and markers().found(*_CAPTCHA_SCAN) \
            and (status in BLOCK_STATUSES or visible_below(600)) and _CAPTCHA_FORM.search(head):
        return "captcha"

    # A login wall: the page's own title says login and it asks for a password.
    title = _TITLE.search(head)
    if title and _LOGIN_TITLE.search(title.group(1)) and _PASSWORD.search(head) and status < 500:
        if url is None or _LOGIN_URL.search(urlsplit(url).path + "?" + urlsplit(url).query) \
                or visible_below(2000):
            return "login"
    return None


def _header_names(headers) -> list[str]:
    if not headers:
        return []
    try:
        keys = list(headers.keys())
    except AttributeError:
        keys = [k for k, _ in headers]
    return [k.decode("latin-1") if isinstance(k, bytes) else str(k) for k in keys]


MESSAGES = {
    "login": "跳转到登录页，需要登录才能访问",
    "cookie-challenge": "网站防护要求执行脚本验证（Cookie 挑战），无法自动访问",
    "captcha": "返回的是安全验证（验证码）页面而非内容，无法自动访问",
}


def message(reason: str) -> str:
    """A one-line Chinese message for a fetch error of kind ``blocked``."""
    return MESSAGES.get(reason) or f"被网站防护（{reason}）拦截，返回的是拦截页而非内容"
