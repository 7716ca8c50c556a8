"""The HTML report in a real headless Chromium, driven over the DevTools protocol.

No browser package from PyPI: Debian's /usr/bin/chromium is started with ``--remote-debugging-pipe``
and spoken to as Playwright does, NUL-terminated JSON on file descriptors 3 and 4, so the test
needs nothing but the standard library. It opens the report from disk (file://), fails on any
console error or uncaught exception, filters and sorts a table with real key and mouse input,
follows a link to a site page, prints a site page to PDF (A4) and screenshots it, and shows that
markup stored in site names, column names and titles renders as text with no script run.
"""
from __future__ import annotations

import base64
import fcntl
import io
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from checks.wording import RULE_NAMES
from crawler import store
from reports import render
from reports.render import render_report
from reports.synthetic import HOSTILE, build_store

CHROMIUM = next((p for p in (os.environ.get("ZWGK_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                             shutil.which("chromium-browser"), shutil.which("google-chrome")) if p and os.path.exists(p)),
                None)
if CHROMIUM is None and os.environ.get("CI") == "true":
    # .ci/run installs Chromium: its absence there is a broken CI step, not a reason to skip.
    pytestmark = pytest.mark.usefixtures("_chromium_required")
else:
    pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine: `apt-get install -y chromium` "
                                                             "(CI installs it in .ci/run)")


@pytest.fixture()
def _chromium_required():
    pytest.fail("CI=true but no Chromium at /usr/bin/chromium: the install step of .ci/run failed")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--remote-debugging-pipe")
SCREENSHOTS = Path(os.environ.get("ZWGK_SCREENSHOTS", tempfile.gettempdir())) / "zwgk-report-screens"


class CDPError(RuntimeError):
    pass


def _above_nine(fd: int) -> int:
    high = fcntl.fcntl(fd, fcntl.F_DUPFD, 10)
    os.close(fd)
    return high


class Browser:
    """A headless Chromium and one page of it at a time, over --remote-debugging-pipe (flattened
    sessions). One Chromium serves a module's tests (its start costs about a second); each test gets
    a page of its own (``open_page``): its own emulation settings and events."""

    def __init__(self, executable: str, timeout: float = 60.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="zwgk-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        # Move the child's ends above 9 so that putting them on 3 and 4 never clobbers one of them.
        to_child_r, from_child_w = (_above_nine(fd) for fd in (to_child_r, from_child_w))
        # bash puts the pipe ends on fds 3 and 4 in the child: no preexec_fn, safe with threads
        # (dash cannot: it only redirects single-digit descriptors).
        script = f'exec "$0" "$@" 3<&{to_child_r} 4>&{from_child_w} {to_child_r}<&- {from_child_w}>&-'
        self.proc = subprocess.Popen(
            [shutil.which("bash") or "/bin/bash", "-c", script, executable, *FLAGS, f"--user-data-dir={self.profile}", "about:blank"],
            pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE)
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.target = self.session = None

    def open_page(self) -> None:
        """A new page (a target of its own): what the tests before did to theirs is not seen."""
        self.target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=self.target, flatten=True)["sessionId"]
        self.events = []
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.page(domain)

    def close_page(self) -> None:
        self.call("Target.closeTarget", targetId=self.target)
        self.target = self.session = None

    def _event(self, msg: dict) -> None:
        """Keep an event of the current page (a closed page's late events are not this test's)."""
        if msg.get("sessionId") in (None, self.session):
            self.events.append(msg)

    # -- protocol ---------------------------------------------------------------------------------

    def _send(self, message: dict) -> int:
        self._next_id += 1
        message["id"] = self._next_id
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_child, data):]
        return self._next_id

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_child], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise CDPError(f"Chromium exited: {self.proc.stderr.read().decode(errors='replace')[-2000:]}")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, session: str | None = None, **params):
        message = {"method": method, "params": params}
        if session:
            message["sessionId"] = session
        wanted = self._send(message)
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._read(deadline)
            if msg.get("id") == wanted:
                if "error" in msg:
                    raise CDPError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self._event(msg)

    def page(self, method: str, **params):
        return self.call(method, self.session, **params)

    def wait_event(self, method: str, since: int = 0, timeout: float | None = None) -> dict:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for event in self.events[since:]:
                if event["method"] == method:
                    return event
            since = len(self.events)
            msg = self._read(deadline)
            if "method" in msg:
                self._event(msg)

    # -- what a test does -------------------------------------------------------------------------

    def goto(self, url: str) -> None:
        mark = len(self.events)
        self.page("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired", mark)

    def eval(self, expression: str):
        result = self.page("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise CDPError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element (scrolled into view first)."""
        box = self.eval(f"""(() => {{ const e = document.querySelector({json.dumps(selector)});
            if (!e) return null; e.scrollIntoView({{block: "center"}}); const r = e.getBoundingClientRect();
            return [r.left + r.width / 2, r.top + r.height / 2]; }})()""")
        assert box, f"no element {selector}"
        for kind in ("mousePressed", "mouseReleased"):
            self.page("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)

    def type(self, selector: str, text: str) -> None:
        self.click(selector)
        self.page("Input.insertText", text=text)

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads seen so far."""
        out = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.exceptionThrown":
                out.append(f"exception: {params['exceptionDetails'].get('exception', {}).get('description') or params['exceptionDetails'].get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                out.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                out.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
        return out

    def dialogs(self) -> list[dict]:
        return [e for e in self.events if e["method"] == "Page.javascriptDialogOpening"]

    def screenshot(self, path: Path, width: int = 1280, height: int = 900) -> Path:
        self.page("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        self.eval("window.scrollTo(0, 0)")
        data = self.page("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.call("Browser.close")
        except (CDPError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self.proc.stderr.close()
        shutil.rmtree(self.profile, ignore_errors=True)


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    """A synthetic store of three runs (with markup in names and titles), rendered."""
    work = tmp_path_factory.mktemp("browser-report")
    info = build_store(work / "z.db", sites=8, documents=20000, runs=3, hostile=True)
    db = store.connect(work / "z.db")
    index = render_report(db, info["run_id"], work / "report")
    db.conn.close()
    return index.parent


@pytest.fixture(scope="module")
def chromium():
    if CHROMIUM is None:   # only under CI=true: elsewhere the module is skipped
        pytest.fail("CI=true but no Chromium at /usr/bin/chromium: the install step of .ci/run failed")
    b = Browser(CHROMIUM)
    yield b
    b.close()


@pytest.fixture()
def browser(chromium):
    chromium.open_page()
    yield chromium
    chromium.close_page()


def rows_text(browser, table: str) -> list[str]:
    """The text of each shown row of a table."""
    return browser.eval(f"""Array.from(document.querySelectorAll("#{table} tbody tr"))
        .filter(r => !r.hidden).map(r => r.textContent.trim())""")


def test_overview_filters_sorts_and_links_to_a_site_page(browser, report_dir):
    browser.goto((report_dir / "index.html").as_uri())
    assert browser.eval("document.querySelectorAll('#sites tbody tr').length") == 8
    assert browser.eval("document.querySelector('.count[data-count-for=sites]').textContent") == "显示 8 / 8 行"

    browser.type("input.filter[data-table=sites]", "示例007")
    shown = rows_text(browser, "sites")
    assert len(shown) == 1 and "示例007" in shown[0]
    assert browser.eval("document.querySelector('.count[data-count-for=sites]').textContent") == "显示 1 / 8 行"
    browser.eval("(() => { const i = document.querySelector('input.filter[data-table=sites]'); i.select(); })()")
    browser.page("Input.dispatchKeyEvent", type="keyDown", key="Backspace", code="Backspace", windowsVirtualKeyCode=8)
    browser.page("Input.dispatchKeyEvent", type="keyUp", key="Backspace", code="Backspace", windowsVirtualKeyCode=8)
    assert len(rows_text(browser, "sites")) == 8

    # Sort by the findings total, ascending then descending: numbers, not text.
    total_col = browser.eval("""Array.from(document.querySelectorAll('#sites thead th'))
        .findIndex(th => th.textContent.trim().startsWith('问题合计'))""")
    assert total_col > 0
    selector = f"#sites thead th:nth-child({total_col + 1}) button.sort"
    totals = lambda: browser.eval(f"""Array.from(document.querySelectorAll('#sites tbody tr'))
        .map(r => Number(r.cells[{total_col}].textContent))""")
    browser.click(selector)
    assert totals() == sorted(totals())
    assert browser.eval(f"document.querySelector('#sites thead th:nth-child({total_col + 1})').getAttribute('aria-sort')") == "ascending"
    browser.click(selector)
    assert totals() == sorted(totals(), reverse=True)
    biggest = rows_text(browser, "sites")[0]
    assert HOSTILE in biggest  # site-000, the site with a tenth of the documents, has the most findings

    shot = browser.screenshot(SCREENSHOTS / "index.png")
    assert shot.stat().st_size > 10_000

    mark = len(browser.events)
    browser.click("#sites tbody tr:nth-child(2) td a")
    browser.wait_event("Page.loadEventFired", mark)
    url = browser.eval("location.href")
    assert url.startswith((report_dir / "site-").as_uri()) and url.endswith(".html")
    assert browser.eval("document.querySelector('#coverage-table tbody tr') !== null")
    assert browser.eval("document.querySelectorAll('table.sortable button.sort').length") > 10
    browser.screenshot(SCREENSHOTS / "site.png")   # its first screen: the whole page (~20,000 px) cost ~4 CPU-s
    assert browser.errors() == []


def test_list_pages_paginate_and_link_back(browser, report_dir):
    first = sorted(report_dir.glob("site-site-000_late-publication_1.html"))
    assert first, sorted(p.name for p in report_dir.glob("site-site-000*"))
    browser.goto(first[0].as_uri())
    assert browser.eval("document.querySelectorAll('#list tbody tr').length") <= 500
    mark = len(browser.events)
    browser.click("a[href='site-site-000.html']")
    browser.wait_event("Page.loadEventFired", mark)
    assert browser.eval("location.pathname").endswith("/site-site-000.html")
    assert browser.errors() == []


def test_markup_in_stored_text_renders_as_text_and_runs_nothing(browser, report_dir):
    for name in ("index.html", "site-site-000.html", "matrix.html", "changes.html"):
        browser.goto((report_dir / name).as_uri())
        assert browser.eval("window.__zwgk_pwned === undefined"), name
        assert browser.eval("document.querySelectorAll('main script, main img').length") == 0, name
        assert browser.eval(f"document.body.textContent.includes({json.dumps(HOSTILE)})"), name
    # The javascript: column URL is shown as text, never as a link; every link is http(s) or the report's own.
    browser.goto((report_dir / "site-site-000.html").as_uri())
    assert browser.eval("document.body.textContent.includes('javascript:window.__zwgk_pwned=2')")
    assert browser.eval("Array.from(document.links).every(a => ['http:', 'https:', 'file:'].includes(a.protocol))")
    assert browser.eval("document.querySelector('h1').textContent").startswith(HOSTILE)
    # Sorting and filtering move the hostile rows around as text, still running nothing.
    browser.type("input.filter[data-table=columns]", "alert")
    assert len(rows_text(browser, "columns")) == 1
    browser.click("#columns thead th:nth-child(1) button.sort")
    assert browser.eval("window.__zwgk_pwned === undefined")
    assert browser.dialogs() == []
    assert browser.errors() == []
    browser.screenshot(SCREENSHOTS / "hostile.png")


def test_site_page_prints_on_a4(browser, report_dir):
    browser.goto((report_dir / "site-site-001.html").as_uri())
    pdf = base64.b64decode(browser.page("Page.printToPDF", preferCSSPageSize=True, printBackground=False)["data"])
    assert pdf.startswith(b"%PDF")
    # A4 is 595 x 842 points; Chromium writes each page's MediaBox.
    boxes = {tuple(round(float(v)) for v in box.split())
             for box in re.findall(rb"/MediaBox\s*\[\s*([\d.\s]+?)\s*\]", pdf)}
    assert boxes == {(0, 0, 595, 842)}, boxes
    browser.page("Emulation.setEmulatedMedia", media="print")
    assert browser.eval("getComputedStyle(document.querySelector('.tablebar')).display") == "none"
    assert browser.eval("getComputedStyle(document.querySelector('header nav')).display") == "none"
    browser.screenshot(SCREENSHOTS / "site-print.png", width=794, height=1123)
    assert browser.errors() == []


# --- issue 12: a report an inspector can put into a notice -------------------------------------------

# What must never reach a reader of a zh page: evidence keys, raw values, English rule ids.
INTERNAL = re.compile(r"kind：|target：|required_by|confidence|recent：|limit：|calendar：|searched：|"
                      r"chinesecalendar|titles of every|\b(" + "|".join(map(re.escape, RULE_NAMES)) + r")\b")


@pytest.fixture(scope="module")
def report_db(report_dir):
    db = store.connect(report_dir.parent / "z.db")
    yield db
    db.conn.close()


def test_overview_is_ranked_worst_first_with_headline_regions_and_failing_sites(browser, report_dir, report_db):
    browser.goto((report_dir / "index.html").as_uri())
    header = browser.eval("Array.from(document.querySelectorAll('#sites thead th')).map(th => th.textContent.trim())")
    assert header[0] == "排名" and header[1] == "网站"
    rows = browser.eval("""Array.from(document.querySelectorAll('#sites tbody tr')).map(r => [
        Number(r.cells[0].textContent), r.cells[1].textContent.trim(), Number(r.cells[4].textContent),
        r.cells[5].textContent.includes('不合格')])""")
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    # Failed sites first, then the lowest score: the order the scores stored by the checks give.
    from checks.score import site_scores
    scores = {s["name"]: s for s in site_scores(report_db, 3)}
    expected = sorted(scores.values(), key=lambda s: (s["passed"], s["score"], -sum(s["counts"].values()), s["site"]))
    assert [r[1] for r in rows] == [s["name"] for s in expected]
    assert [r[3] for r in rows] == [not s["passed"] for s in expected]
    failing = [s for s in expected if not s["passed"]]
    assert failing and all(s["vetoes"] for s in failing)  # the synthetic store's failures are vetoes
    # Headline, the table by region and the failing list with each veto indicator 发现/未发现.
    cards = browser.eval("document.querySelector('section.cards').textContent")
    assert "检查网站" in cards and "合格率" in cards and f"{100 * (len(rows) - len(failing)) / len(rows):.0f}%" in cards
    assert browser.eval("document.querySelectorAll('#region-table tbody tr').length") == 4
    veto_cells = browser.eval("Array.from(document.querySelectorAll('#failing-table tbody tr')[0].cells).map(c => c.textContent.trim())")
    assert veto_cells.count("发现") >= 1 and "未发现" in veto_cells
    # A verdict resting on our own deduction values says so.
    assert "得分为估算" in browser.eval("document.querySelector('p.note').textContent")
    assert browser.eval("Array.from(document.querySelectorAll('#sites td.verdict')).filter(td => "
                        "td.textContent.includes('合格') && !td.textContent.includes('不合格')).every(td => td.textContent.includes('估算'))")
    assert browser.eval("document.querySelectorAll('svg.chart').length") >= 4
    assert browser.errors() == []


def choose(browser, facet: str, value: str) -> None:
    browser.eval(f"""(() => {{ const s = document.querySelector('select[data-facet={facet}]');
        s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change')); }})()""")


def choose_page(browser, chooser: str, value: str) -> None:
    """Pick the option of a page chooser (select[data-goto]) whose data-value is ``value``; waits for the page it opens."""
    mark = len(browser.events)
    browser.eval(f"""(() => {{ const s = document.querySelector('select[data-goto={chooser}]');
        s.selectedIndex = Array.from(s.options).findIndex(o => o.dataset.value === {json.dumps(value)});
        s.dispatchEvent(new Event('change')); }})()""")
    browser.wait_event("Page.loadEventFired", mark)


def shown_findings(browser) -> list:
    return browser.eval("Array.from(document.querySelectorAll('#all-findings tbody tr')).filter(r => !r.hidden)"
                        ".map(r => [r.dataset.rule, r.dataset.region, r.cells[1].textContent.trim()])")


def test_findings_page_filters_by_rule_and_region(browser, report_dir, report_db):
    # 868 findings: more than a page holds (render.FINDINGS_PAGE_ROWS), so one page per rule.
    total = report_db.execute("select count(*) from findings where run_id = 3").fetchone()[0]
    assert total > render.FINDINGS_PAGE_ROWS
    browser.goto((report_dir / "findings.html").as_uri())
    assert f"共 {total} 条" in browser.eval("document.querySelector('p.lead').textContent")
    # Every finding is on exactly one page: the rule chooser names them all.
    pages = browser.eval("Array.from(document.querySelectorAll('select[data-goto=rule] option')).map(o => [o.dataset.value, o.value])")
    seen = 0
    for rule, page in pages:
        browser.goto((report_dir / page).as_uri())
        rules = browser.eval("Array.from(document.querySelectorAll('#all-findings tbody tr')).map(r => r.dataset.rule)")
        assert set(rules) == {rule} and 0 < len(rules) <= render.FINDINGS_PAGE_ROWS
        seen += len(rules)
    assert seen == total
    # A region chosen on one rule's page stays chosen on the next rule's page.
    browser.goto((report_dir / "findings.html").as_uri())
    choose(browser, "region", "示例省/示例甲市")
    assert {r[1] for r in shown_findings(browser)} == {"示例省/示例甲市"}
    choose_page(browser, "rule", "late-publication")
    rows = shown_findings(browser)
    n = report_db.execute("select count(*) from findings where run_id = 3 and rule = 'late-publication'").fetchone()[0]
    expected = report_db.execute("select count(*) from findings f join sites s on s.id = f.site_id where f.run_id = 3 "
                                 "and f.rule = 'late-publication' and s.region like '示例省/示例甲市/%'").fetchone()[0]
    assert 0 < len(rows) == expected < n and {tuple(r[:2]) for r in rows} == {("late-publication", "示例省/示例甲市")}
    assert browser.eval("document.querySelector('[data-count-for=all-findings]').textContent") == f"显示 {expected} / {n} 行"
    # Every row links its site's page.
    mark = len(browser.events)
    browser.click("#all-findings tbody tr:not([hidden]) td:nth-child(2) a")
    browser.wait_event("Page.loadEventFired", mark)
    assert re.search(r"/site-site-\d+\.html#rule-late-publication$", browser.eval("location.href"))
    assert browser.errors() == []


def wait_for(browser, expression: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not browser.eval(f"document.readyState === 'complete' && !!({expression})"):
        assert time.monotonic() < deadline, expression
        time.sleep(0.1)


def test_a_long_rule_has_a_page_per_region_chosen_from_the_address(browser, report_db, tmp_path, monkeypatch):
    monkeypatch.setattr(render, "FINDINGS_PAGE_ROWS", 100)
    render_report(report_db, 3, tmp_path / "r")
    # The overview links each rule's first page (here late-publication, 367 findings, split by region).
    first = re.search(r'<a href="(findings-late-publication-r\d+-1\.html)">发布超期</a>',
                      (tmp_path / "r" / "index.html").read_text(encoding="utf-8"))
    assert first, "no link to the rule's first page"
    # An address naming a region opens that region's page of the rule.
    browser.goto((tmp_path / "r" / first[1]).as_uri() + "#region=" + "示例省/示例乙市")
    wait_for(browser, "document.querySelector('select[data-goto=region]').selectedOptions[0].dataset.value === '示例省/示例乙市'")
    rows = shown_findings(browser)
    expected = report_db.execute("select count(*) from findings f join sites s on s.id = f.site_id where f.run_id = 3 "
                                 "and f.rule = 'late-publication' and s.region like '示例省/示例乙市/%'").fetchone()[0]
    assert 0 < len(rows) == expected <= 100 and {tuple(r[:2]) for r in rows} == {("late-publication", "示例省/示例乙市")}
    # A region with more findings than a page holds continues on numbered pages.
    choose_page(browser, "region", "示例省/示例甲市")
    assert browser.eval("document.querySelectorAll('nav.pager a').length") >= 1
    assert len(shown_findings(browser)) == 100
    assert browser.errors() == []


def test_every_page_loads_without_console_errors_no_internal_key_no_duplicate_id_and_right_aligned_numbers(
        browser, report_dir):
    """One visit per page (a page of the synthetic report takes a while to lay out) for all of these."""
    pages = sorted(report_dir.glob("*.html"))
    assert len(pages) > 10
    assert {"index.html", "findings.html", "matrix.html", "changes.html"} <= {p.name for p in pages}
    for page in pages:
        browser.goto(page.as_uri())
        assert browser.eval("document.querySelector('main') !== null"), page.name
        text = browser.eval("document.body.innerText")
        found = INTERNAL.search(text)
        assert found is None, (page.name, found and text[max(0, found.start() - 80):found.end() + 80])
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text.replace(report_dir.as_uri(), "")), page.name
        dupes = browser.eval("""(() => { const seen = {}, out = [];
            document.querySelectorAll('[id]').forEach(e => { if (seen[e.id]) out.push(e.id); seen[e.id] = 1; });
            return out; })()""")
        assert dupes == [], (page.name, dupes)
        aligned = browser.eval("Array.from(document.querySelectorAll('td.num, th.num')).map(c => getComputedStyle(c).textAlign)")
        assert set(aligned) <= {"right"}, (page.name, set(aligned))
    assert browser.errors() == []


def test_a4_print_of_the_overview_keeps_every_column(browser, report_dir):
    from pypdf import PdfReader

    browser.goto((report_dir / "index.html").as_uri())
    headers = browser.eval("Array.from(document.querySelectorAll('#sites thead th:not(.noprint)')).map(th => th.textContent.trim())")
    assert len(headers) >= 20
    pdf = base64.b64decode(browser.page("Page.printToPDF", preferCSSPageSize=True, printBackground=False)["data"])
    (SCREENSHOTS / "index.pdf").parent.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "index.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    boxes = {tuple(round(float(v)) for v in page.mediabox) for page in reader.pages}
    assert boxes == {(0, 0, 842, 595)}, boxes  # A4 landscape
    text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
    for header in headers:
        assert re.sub(r"\s+", "", header) in text, header
    # On paper the table is not in a scroller: its last column ends inside the page.
    browser.page("Emulation.setEmulatedMedia", media="print")
    browser.page("Emulation.setDeviceMetricsOverride", width=1077, height=760, deviceScaleFactor=1, mobile=False)
    assert browser.eval("getComputedStyle(document.querySelector('.scroll')).overflowX") == "visible"
    right = browser.eval("document.querySelector('#sites').getBoundingClientRect().right")
    assert right <= browser.eval("document.documentElement.clientWidth") + 1
    browser.screenshot(SCREENSHOTS / "index-print.png", width=1077, height=760)
    assert browser.errors() == []


def test_findings_are_cards_on_a_390px_phone(browser, report_dir):
    browser.goto((report_dir / "findings.html").as_uri())
    browser.page("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=1, mobile=True)
    assert browser.eval("getComputedStyle(document.querySelector('#all-findings thead')).display") == "none"
    cards = browser.eval("""Array.from(document.querySelectorAll('#all-findings tbody tr')).slice(0, 5).map(r => {
        const b = r.getBoundingClientRect(); return [getComputedStyle(r).display, b.left, b.right,
        getComputedStyle(r.cells[1], '::before').content]; })""")
    assert all(c[0] == "block" and c[1] >= 0 and c[2] <= 390 for c in cards), cards
    assert all("网站" in c[3] for c in cards)  # each value carries its label
    assert browser.eval("document.documentElement.scrollWidth") <= 390
    shot = browser.screenshot(SCREENSHOTS / "findings-390.png", width=390, height=844)
    assert shot.stat().st_size > 10_000
    # No page scrolls sideways on the phone: wide tables scroll inside themselves.
    for name in ("index.html", "site-site-001.html", "matrix.html"):
        browser.goto((report_dir / name).as_uri())
        assert browser.eval("document.documentElement.scrollWidth") <= 390, name
    assert browser.errors() == []
