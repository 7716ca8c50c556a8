"""Extraction against hand-labelled pages captured from real portals (read in place, never copied).

The corpus lives in the steering repo's shared/realpages (labels.jsonl + pages/); the tests skip
cleanly when it is not beside the project.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest

from crawler.extraction.detail import extract_detail
from crawler.extraction.encoding import decode_html
from crawler.extraction.listing import extract_entries
from crawler.extraction.pagination import next_pages

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "realpages"
DETAIL_FIELDS = ("title", "published", "written", "doc_number", "index_number", "publisher", "category")


def _labels() -> list[dict]:
    path = CORPUS / "labels.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


LABELS = _labels()
pytestmark = pytest.mark.skipif(not LABELS, reason=f"real-page corpus not found at {CORPUS}")


def page_url(label: dict) -> str:
    """The page's own URL when the notes give it; otherwise a stand-in on the labelled host."""
    m = re.search(r"https?://[^\s'\"]+?\.s?html?\b", label.get("notes", ""))
    if m:
        return m.group(0)
    host = label.get("site", "example.gov.cn").split()[0]
    return f"http://{host}/column/index.html"


def page_text(label: dict) -> str:
    return decode_html((CORPUS / "pages" / label["file"]).read_bytes())


def _ids(kind):
    return [pytest.param(label, id=label["file"]) for label in LABELS if label["kind"] == kind]


@pytest.mark.parametrize("label", _ids("detail"))
@pytest.mark.parametrize("field", DETAIL_FIELDS)
def test_detail_field(label, field):
    fields = extract_detail(page_text(label), page_url(label))["fields"]
    got = fields[field]
    if field in ("published", "written") and got is not None:
        got = got.isoformat()
    assert got == label[field]


@pytest.mark.parametrize("label", _ids("list"))
def test_list_entries(label):
    url = page_url(label)
    got = [(e["title"], e["url"], e["date"].isoformat() if e["date"] else None)
           for e in extract_entries(page_text(label), url)]
    want = [(e["title"], urljoin(url, e["url"]), e["date"]) for e in label["entries"]]
    assert got == want


@pytest.mark.parametrize("label", _ids("list"))
def test_list_pagination(label):
    url = page_url(label)
    described = set(re.findall(r"index_\d+\.s?html?", label.get("pagination", "")))
    got = {p.url for p in next_pages(page_text(label), url)}
    assert got == {urljoin(url, name) for name in described}
    assert url not in got
