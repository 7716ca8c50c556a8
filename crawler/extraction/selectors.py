"""Per-site override selectors from the sites config: CSS, or XPath when they start with / or (."""
from __future__ import annotations

import logging

from parsel import Selector

log = logging.getLogger(__name__)


def is_xpath(expr: str) -> bool:
    return expr.lstrip().startswith(("/", "("))


def selector_problem(expr: str) -> str | None:
    """Why ``expr`` is not a selector ``select`` can use (None: it is one), found by running it the
    way ``select`` does on an empty page, so that the sites config is refused before any fetch
    instead of the selector silently matching nothing on every page."""
    try:
        sel = Selector(text="<html><body></body></html>", type="html")
        sel.xpath(expr) if is_xpath(expr) else sel.css(expr)
    except Exception as exc:  # cssselect/lxml raise several unrelated types for bad expressions
        return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return None


def select(root, expr: str | None, *, within=None, xpath: bool | None = None) -> list:
    """Matches of ``expr`` under ``within`` (default the whole page): lxml elements or strings
    (for ``::text``, ``::attr()`` and XPath text/attribute results). A broken selector matches
    nothing rather than failing the page."""
    if not expr or not isinstance(expr, str):
        return []
    node = within if within is not None else root
    try:
        sel = Selector(root=node, type="html")
        use_xpath = is_xpath(expr) if xpath is None else xpath
        found = sel.xpath(expr) if use_xpath else sel.css(expr)
    except Exception as exc:  # cssselect/lxml raise several unrelated types for bad expressions
        log.warning("override selector %r does not work: %s", expr, exc)
        return []
    return [s.root for s in found]


def select_relative(item, expr: str | None) -> list:
    """Like ``select`` but relative to an entry element: ``//a`` and ``/a`` mean inside the entry."""
    if expr and is_xpath(expr):
        stripped = expr.lstrip()
        if stripped.startswith("/"):
            stripped = "." + stripped
        elif stripped.startswith("(") and stripped[1:].lstrip().startswith("/"):
            stripped = "(." + stripped[1:].lstrip()
        return select(item, stripped, within=item, xpath=True)
    return select(item, expr, within=item)


def matches(html, expr: str) -> bool:
    """Does ``expr`` select at least one node of the page (False for a broken selector)?"""
    from .dom import parse
    return bool(select(parse(html), expr))
