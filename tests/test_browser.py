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

from crawler import store
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
    """A headless Chromium and one page of it, over --remote-debugging-pipe (flattened sessions)."""

    def __init__(self, executable: str, timeout: float = 30.0):
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
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
            self.page(domain)

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
                self.events.append(msg)

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
                self.events.append(msg)

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

    def screenshot(self, path: Path, width: int = 1280, height: int = 900, full: bool = False) -> Path:
        self.page("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        self.eval("window.scrollTo(0, 0)")
        params = {"format": "png"}
        if full:
            params["captureBeyondViewport"] = True
        data = self.page("Page.captureScreenshot", **params)["data"]
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


@pytest.fixture()
def browser():
    b = Browser(CHROMIUM)
    yield b
    b.close()


def rows_text(browser, table: str) -> list[str]:
    return browser.eval(f"""Array.from(document.querySelectorAll("#{table} tbody tr"))
        .filter(r => !r.hidden).map(r => r.cells[0].textContent.trim())""")


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
    assert "site-000" in biggest  # the site with a tenth of the documents has the most findings

    shot = browser.screenshot(SCREENSHOTS / "index.png")
    assert shot.stat().st_size > 10_000

    mark = len(browser.events)
    browser.click("#sites tbody tr:nth-child(2) td a")
    browser.wait_event("Page.loadEventFired", mark)
    url = browser.eval("location.href")
    assert url.startswith((report_dir / "site-").as_uri()) and url.endswith(".html")
    assert browser.eval("document.querySelector('#coverage-table tbody tr') !== null")
    assert browser.eval("document.querySelectorAll('table.sortable button.sort').length") > 10
    browser.screenshot(SCREENSHOTS / "site.png", full=True)
    assert browser.errors() == []


def test_every_page_loads_without_console_errors(browser, report_dir):
    pages = sorted(report_dir.glob("*.html"))
    assert len(pages) > 10
    for page in pages:
        browser.goto(page.as_uri())
        assert browser.eval("document.querySelector('main') !== null"), page.name
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
