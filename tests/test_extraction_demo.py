"""The extractors against the bundled demo portal's ground truth, without HTTP.

Walks each demo site the way the spider does (entry page -> discovered columns -> list pages and
the pages ``next_pages`` proposes, stopping on pages with nothing new -> detail pages), answering
requests through ``DemoPortal.handle``, and compares every field with the portal's truth.
"""
from __future__ import annotations

from urllib.parse import urlencode

import pytest

from crawler.extraction.columns import discover_columns
from crawler.extraction.detail import extract_detail
from crawler.extraction.encoding import decode_html
from crawler.extraction.listing import extract_entries
from crawler.extraction.pagination import next_pages
from zwgk import demoportal

HOST = "http://demo.local"
FIELDS = ("title", "published", "written", "doc_number", "index_number", "publisher", "category")


def fetch(portal, url, method="GET", formdata=None):
    body = urlencode(list(formdata)).encode() if formdata else b""
    answer = portal.handle(method, url[len(HOST):], body,
                           {"content-type": "application/x-www-form-urlencoded", "host": "demo.local"})
    return answer.status, decode_html(answer.body, answer.content_type)


def walk(portal, site):
    """{column path: (column url, [entries])} as the spider would collect them."""
    _, html = fetch(portal, HOST + site.entry_path)
    out = {}
    for col in discover_columns(html, HOST + site.entry_path):
        if not col["url"].startswith(HOST):
            continue
        seen, entries, queue, sent = set(), [], [(col["url"], "GET", None)], set()
        while queue and len(sent) < 200:
            request = queue.pop(0)
            if request in sent:
                continue
            sent.add(request)
            status, text = fetch(portal, *request)
            if status != 200:
                continue
            new = [e for e in extract_entries(text, request[0]) if e["url"] not in seen]
            seen.update(e["url"] for e in new)
            entries += new
            if new:
                queue += [(p.url, p.method, p.formdata) for p in next_pages(text, request[0])]
        out[col["path"]] = (col["url"], entries)
    return out


@pytest.fixture(scope="module")
def portal():
    return demoportal.DemoPortal()


@pytest.fixture(scope="module")
def walked(portal):
    return {site.id: walk(portal, site) for site in portal.sites}


def _site_ids():
    return [s.id for s in demoportal.DemoPortal().sites]


@pytest.mark.parametrize("site_id", _site_ids())
def test_columns_are_discovered_with_their_paths(portal, walked, site_id):
    truth = {c.path: HOST + c.url_path for c in portal.site(site_id).columns}
    assert {path: url for path, (url, _) in walked[site_id].items()} == truth


@pytest.mark.parametrize("site_id", _site_ids())
def test_every_listed_document_is_found_with_title_and_date(portal, walked, site_id):
    truth: dict = {}
    for doc in portal.documents():
        if doc.site_id == site_id:
            truth.setdefault(doc.column_path, []).append((doc.title, HOST + doc.url_path, doc.list_date))
    got = {path: [(e["title"], e["url"], e["date"]) for e in entries]
           for path, (_, entries) in walked[site_id].items()}
    for path in truth:
        assert sorted(got.get(path, []), key=lambda e: e[1]) == sorted(truth[path], key=lambda e: e[1]), path


@pytest.mark.parametrize("site_id", _site_ids())
def test_detail_fields_and_attachments(portal, site_id):
    docs = [d for d in portal.documents() if d.site_id == site_id and d.status == 200]
    # every column's first three documents keep the run short and still cover every template path
    sample, per_column = [], {}
    for d in docs:
        if per_column.get(d.column_path, 0) < 3:
            per_column[d.column_path] = per_column.get(d.column_path, 0) + 1
            sample.append(d)
    mismatches = []
    for doc in sample:
        status, html = fetch(portal, HOST + doc.url_path)
        assert status == 200
        out = extract_detail(html, HOST + doc.url_path, fetched_at=demoportal.DEMO_AS_OF)
        for field in FIELDS:
            if out["fields"][field] != getattr(doc, field):
                mismatches.append((doc.url_path, field, out["fields"][field], getattr(doc, field)))
        if [a["url"] for a in out["attachments"]] != [HOST + a for a in doc.attachments]:
            mismatches.append((doc.url_path, "attachments", out["attachments"], doc.attachments))
    assert mismatches == []
