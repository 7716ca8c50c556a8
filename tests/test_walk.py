"""The column walk as pure state (crawler/walk.py): what it asks, when it stops, what it concludes.

No Scrapy, no server: requests are plain strings to the walk, so each test runs in milliseconds.
The same walks over HTTP: tests/test_recrawl.py, tests/test_pagination_termination.py, tests/test_faults.py.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from crawler.recrawl import ColumnPrior, Known
from crawler.sites import Site
from crawler.walk import ColumnWalk, SiteLearning, detail_fetch, page_key

BASE = "http://www.example.gov.cn/xxgk/czyjs/"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=timezone.utc)


def site() -> Site:
    return Site("demo", "示例县人民政府", "county", "黑龙江省/示例市/示例县", "http://www.example.gov.cn/xxgk/")


def pages(*names: str) -> list[tuple]:
    """List pages as the spider hands them to the walk: (payload, method, url, body)."""
    return [(name, "GET", BASE + name, None) for name in names]


def entries(*numbers: int, day: str = "2026-05-01") -> list[dict]:
    return [{"title": f"通知{n}", "url": f"{BASE}t{n}.html", "date": date.fromisoformat(day)} for n in numbers]


def known(*numbers: int, day: str = "2026-05-01", stored: bool = True) -> dict[str, Known]:
    return {f"{BASE}t{n}.html": Known(day, stored, "2026-05-20T00:00:00+00:00", 200) for n in numbers}


def incremental(total: int | None = None, **prior) -> ColumnWalk:
    return ColumnWalk(site(), BASE, ColumnPrior(7, prev_run=3, prev_walk="complete", prev_total=total, **prior),
                      "incremental")


# -- full walks -----------------------------------------------------------------------------------

def test_a_full_walk_asks_every_page_at_once_and_concludes_complete():
    walk = ColumnWalk(site(), BASE, ColumnPrior(None), "full")
    assert walk.start("p1", BASE) == ["p1"] and walk.pending == 1
    listed = walk.read(entries(1, 2), total=4, empty=None)
    assert [item.url for item in listed] == [BASE + "t1.html", BASE + "t2.html"]
    assert walk.follow(entries(1, 2), listed, pages("index.html", "index_1.html")) == (["index_1.html"], None)
    assert walk.answered() is None and walk.pending == 1                 # page 2 still in flight
    walk.follow(entries(3, 4), walk.read(entries(3, 4), total=4, empty=None), pages("index.html"))
    conclusion = walk.answered()
    assert (conclusion.outcome, conclusion.truncated, walk.pages, walk.listed) == ("complete", False, 2, 4)


def test_a_directory_and_its_index_page_are_one_list_page():
    assert page_key("GET", BASE + "index.html") == page_key("get", BASE) != page_key("GET", BASE + "index_1.html")
    assert page_key("POST", BASE, b"page=2") != page_key("POST", BASE, b"page=3")
    walk = ColumnWalk(site(), BASE, ColumnPrior(None), "full")
    walk.start("p1", BASE)
    assert walk.found(pages("index.html", "default.htm")) == []


def test_list_pages_off_the_site_are_never_asked():
    walk = ColumnWalk(site(), BASE, ColumnPrior(None), "full")
    assert walk.found([("x", "GET", "http://www.other.gov.cn/xxgk/index_1.html", None)]) == []
    assert walk.found([("y", "GET", "https://example.gov.cn/xxgk/czyjs/index_1.html", None)]) == ["y"]


def test_a_page_repeating_entries_already_seen_does_not_lead_on():
    # A pager looping back (page 2 -> /loop?page=1) or a "page 999" repeating the last page.
    walk = ColumnWalk(site(), BASE, ColumnPrior(None), "full")
    walk.start("p1", BASE)
    walk.follow(entries(1, 2), walk.read(entries(1, 2), total=None, empty=None), pages("p2"))
    again = walk.read(entries(1, 2), total=None, empty=None)
    assert again == [] and walk.follow(entries(1, 2), again, pages("p3")) == ([], None)
    walk.answered()
    assert walk.answered().outcome == "complete" and walk.listed == 2


def test_the_page_cap_truncates_the_walk_which_concludes_nothing():
    walk = ColumnWalk(site(), BASE, ColumnPrior(None), "full", max_pages=2)
    walk.start("p1", BASE)
    assert walk.found(pages("p2", "p3", "p4")) == ["p2"] and walk.capped
    walk.read(entries(1), total=None, empty=None)
    walk.answered()
    walk.read(entries(2), total=None, empty=None)
    conclusion = walk.answered()
    assert (conclusion.outcome, conclusion.truncated) == ("partial", True)


def test_a_list_page_not_read_leaves_the_walk_partial_and_none_read_leaves_it_unread():
    walk = ColumnWalk(site(), BASE, ColumnPrior(None), "full")
    walk.start("p1", BASE)
    walk.found(pages("p2"))
    walk.read(entries(1), total=None, empty=None)
    walk.answered()
    walk.not_read()                                                      # page 2: blocked, not-html ...
    assert walk.answered().outcome == "partial"
    unread = ColumnWalk(site(), BASE, ColumnPrior(None), "full")
    unread.start("p1", BASE)
    unread.not_read()
    assert unread.answered().outcome is None


def test_empty_evidence_is_the_first_empty_page_s():
    walk = ColumnWalk(site(), BASE, ColumnPrior(None), "full")
    walk.start("p1", BASE)
    assert walk.read([], total=0, empty="暂无信息") == [] and walk.empty == "暂无信息"
    walk.read([], total=0, empty="共0条")
    assert walk.empty == "暂无信息" and walk.answered().outcome == "complete"


def test_a_walk_that_saw_entries_keeps_no_empty_evidence():
    # an empty last page (暂无信息 after the last entries) does not make the column empty
    walk = ColumnWalk(site(), BASE, ColumnPrior(None), "full")
    walk.start("p1", BASE)
    walk.found(pages("p2"))
    walk.read(entries(1), total=None, empty=None)
    walk.answered()
    walk.read([], total=None, empty="暂无信息")
    assert walk.answered().outcome == "complete" and walk.empty is None and walk.listed == 1


def test_a_page_without_a_list_leads_to_its_pages_or_is_list_not_found():
    walk = ColumnWalk(site(), BASE, ColumnPrior(None), "full")
    walk.start("shell", BASE)
    assert walk.shell(pages("api?page=1")) == ["api?page=1"] and not walk.failed
    assert walk.shell(pages("api?page=1")) is None and walk.failed       # leads nowhere new


def test_the_template_s_empty_region_is_not_trusted_where_the_column_listed_entries():
    walk = ColumnWalk(site(), BASE, ColumnPrior(None), "full")
    assert walk.no_list([], found=False, evidence=None)
    assert not walk.no_list([], found=True, evidence="template")
    walk.prior.known = known(1, 2, 3)
    assert walk.no_list([], found=True, evidence="template") and not walk.no_list([], found=True, evidence="page")


# -- incremental walks ----------------------------------------------------------------------------

def test_an_incremental_walk_goes_one_page_at_a_time_in_page_order_and_stops_at_known_entries():
    walk = incremental(total=5)
    walk.prior.known = known(1, 2, 3, 4)
    walk.start("p1", BASE)
    listed = walk.read(entries(5, 1), total=6, empty=None)              # one new entry, the total one more
    # page 10 is queued after page 2 (page order, not text order); only the next one is sent
    assert walk.follow(entries(5, 1), listed, pages("index_10.html", "index_2.html")) == (["index_2.html"], None)
    assert walk.unknown == 1 and walk.pending == 2
    walk.answered()
    assert walk.follow(entries(2, 3), walk.read(entries(2, 3), total=6, empty=None), []) == ([], None)
    assert walk.stopped
    conclusion = walk.answered()
    assert (conclusion.outcome, conclusion.truncated) == ("incremental", False)
    # not reached and still listed: asked only when due (force False)
    assert conclusion.revisit == [(BASE + "t4.html", Known("2026-05-01", True, "2026-05-20T00:00:00+00:00", 200), False)]


def test_an_incremental_walk_whose_total_does_not_add_up_reads_every_page():
    walk = incremental(total=4)
    walk.prior.known = known(1, 2, 3, 4)
    walk.start("p1", BASE)
    listed = walk.read(entries(1, 2), total=6, empty=None)                 # all known, but the total grew by 2
    send, why = walk.follow(entries(1, 2), listed, pages("index_3.html", "index_2.html"))
    assert send == ["index_2.html", "index_3.html"] and why == "total 4 -> 6, 0 new entries seen"
    assert walk.mode == "full" and walk.escalated == why and walk.pending == 3


def test_a_newer_entry_or_one_never_stored_keeps_an_incremental_walk_going():
    walk = incremental()
    walk.prior.known = {**known(1), **known(2, stored=False)}
    walk.start("p1", BASE)
    assert walk.follow(entries(2), walk.read(entries(2), total=None, empty=None), pages("p2")) == (["p2"], None)
    walk.answered()
    newer = entries(1, day="2026-05-09")
    assert walk.follow(newer, walk.read(newer, total=None, empty=None), pages("p3")) == (["p3"], None)


def test_an_unchanged_list_page_stops_an_incremental_walk_and_keeps_its_validators():
    walk = incremental(total=7, prev_empty=None, validators={BASE: ("W/1", None)})
    walk.prior.known = known(1)
    walk.start("p1", BASE)
    assert walk.unchanged(BASE) == ([], None)
    assert (walk.pages, walk.total, walk.validators, walk.stopped) == (1, 7, {BASE: ("W/1", None)}, True)
    assert walk.answered().outcome == "incremental"


def test_a_capped_incremental_walk_that_stopped_is_not_truncated():
    walk = ColumnWalk(site(), BASE, ColumnPrior(None), "full", pages=6, capped=True)
    assert walk.truncated and walk.finish() == "partial"
    stopped = ColumnWalk(site(), BASE, ColumnPrior(None), "incremental", pages=1, capped=True, stopped=True)
    assert not stopped.truncated and stopped.finish() == "incremental"


# -- the end of a walk ----------------------------------------------------------------------------

def test_a_complete_walk_asks_again_every_known_entry_it_no_longer_lists():
    prior = ColumnPrior(7, prev_run=3, prev_walk="partial")
    prior.known = {**known(1, 2), "http://www.other.gov.cn/t9.html": Known()}
    walk = ColumnWalk(site(), BASE, prior, "full")
    walk.start("p1", BASE)
    walk.read(entries(1), total=None, empty=None)
    conclusion = walk.answered()
    assert conclusion.outcome == "complete"
    assert [(url, force) for url, _, force in conclusion.revisit] == [(BASE + "t2.html", True)]


def test_a_concluded_walk_drops_what_grows_with_the_column():
    walk = ColumnWalk(site(), BASE, ColumnPrior(None), "full")
    walk.prior.known = known(*range(50))
    walk.start("p1", BASE)
    walk.found(pages(*[f"index_{i}.html" for i in range(1, 40)]))
    walk.read(entries(*range(100)), total=100, empty=None)
    for _ in range(40):
        walk.answered()
    assert walk.done and walk.outcome == "complete"
    assert (len(walk.seen), len(walk.requested), walk.queue, walk.known) == (0, 0, [], {})
    assert (walk.listed, walk.pages, walk.total) == (100, 1, 100)       # what the store reads at close
    assert walk.answered() is None                                      # concluded once


def test_which_detail_pages_are_asked():
    url = BASE + "t1.html"
    fresh = Known(None, True, (NOW - timedelta(days=1)).isoformat(), 200, etag="e1", first_run=2)
    old = Known(None, True, (NOW - timedelta(days=400)).isoformat(), 200, etag="e1", first_run=2)
    failing = Known(None, True, (NOW - timedelta(days=1)).isoformat(), 404, first_run=2)
    ask = lambda k, **kw: detail_fetch(k, url, run_id=5, days=28, now=NOW, **kw)  # noqa: E731
    assert ask(None) == "fetch" and ask(Known(stored=False)) == "fetch"
    assert ask(fresh) is None and ask(fresh, force=True) == "fetch"
    assert ask(old) == "conditional" and ask(failing) == "fetch"
    assert ask(Known(None, True, None, 200, first_run=5)) is None         # stored earlier in this run
    assert detail_fetch(fresh, url, run_id=5, days=0, now=NOW) == "conditional"


def test_a_site_holds_only_the_first_answer_of_each_column_until_it_is_ready():
    learning = SiteLearning(expected=2)
    first, second = (ColumnWalk(site(), BASE + c, ColumnPrior(None), "full", answers=1) for c in "ab")
    assert learning.holds(first) and not learning.ready(sample=6)
    first.answers = 2
    assert not learning.holds(first)                                    # a later page of the same column
    assert learning.holds(second) and learning.ready(sample=6)          # every column has answered
    assert SiteLearning(expected=9, held=[1, 2]).ready(sample=2)        # or the sample is full
    assert SiteLearning(expected=9).ready(sample=6, force=True)
    assert not SiteLearning(expected=1, answered=1, done=True).ready(sample=6)


@pytest.mark.parametrize("name", ["index.html", "index.shtml", "default.htm", "index.jsp", "default.aspx", "index.php"])
def test_an_index_page_is_its_directory_for_every_kind_of_portal(name):
    from crawler.extraction.columns import _strip_index

    url = f"http://www.example.gov.cn/xxgk/tzgg/{name}"
    assert page_key("GET", url) == page_key("GET", "http://www.example.gov.cn/xxgk/tzgg/")
    assert page_key("GET", url + "?page=2")[1] == "http://www.example.gov.cn/xxgk/tzgg/?page=2"
    assert _strip_index(url + "#top") == "http://www.example.gov.cn/xxgk/tzgg/"
    assert page_key("GET", "http://www.example.gov.cn/xxgk/tzgg/list.jsp")[1].endswith("/list.jsp")
