"""Score our extractors against the hand-labelled real pages, beside htmldate and trafilatura.

    .venv/bin/python bench/extract_accuracy.py [--repeat N]

Real pages: the steering repo's shared/realpages and the project's tests/fixtures/realpages (read
through tests/test_realpages.py, the one loader of both). Prints, per field, how many labelled
detail pages we get right; the publication date of htmldate (fast and extensive) and of
trafilatura on the same pages; per platform family, detail fields, list-entry precision/recall,
entry-date accuracy and whether the next page(s) a list page prints or derives are found; every
page/field we get wrong; CPU time per detail page (process time, repeated) of our
``extract_detail`` against ``trafilatura.extract(html, with_metadata=True)``; then the demo portal.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
import warnings
from collections import defaultdict
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "tests"))

from crawler.extraction.detail import extract_detail  # noqa: E402
from crawler.extraction.encoding import decode_html  # noqa: E402
from crawler.extraction.listing import extract_entries  # noqa: E402
from crawler.extraction.pagination import next_pages  # noqa: E402
from test_realpages import LABELS, page_text, page_url  # noqa: E402  (the corpus loader)

DEMO_HOST = "http://demo.local"
FIELDS = ("title", "published", "written", "doc_number", "index_number", "publisher", "category")
TARGETS = {"published": 0.99, "other fields": 0.97, "list precision": 0.99, "list recall": 0.99}


def iso(value) -> str | None:
    return value.isoformat() if isinstance(value, date) else value


def platform(label: dict) -> str:
    """The label's platform family; shared/realpages labels only carry a free-text cms_guess."""
    if label.get("platform"):
        return label["platform"]
    guess = label.get("cms_guess", "unknown")
    if "Jiangxi 集约化" in guess:  # same family as the fixtures' 江西集约化 pages
        return "江西集约化 (开普云)"
    return guess.split(" (")[0]


def htmldate_date(html: str, extensive: bool) -> str | None:
    from htmldate import find_date
    try:
        return find_date(html, extensive_search=extensive, original_date=True)
    except Exception:  # a competitor's failure is a miss, not a crash of the benchmark
        return None


def trafilatura_date(html: str) -> str | None:
    import trafilatura
    try:
        doc = trafilatura.bare_extraction(html, with_metadata=True)
    except Exception:  # same: counted as a miss
        return None
    if doc is None:
        return None
    return getattr(doc, "date", None) if not isinstance(doc, dict) else doc.get("date")


def cpu_ms(fn, repeat: int) -> float:
    fn()  # warm caches and lazy imports outside the measurement
    start = time.process_time()
    for _ in range(repeat):
        fn()
    return (time.process_time() - start) / repeat * 1000


def pct(a, b):
    return f"{100 * a / b:.1f} %" if b else "n/a"


def described_next(label: dict, url: str) -> set | None:
    """The next page(s) a list label names; None when the label says the page has none."""
    described = label.get("pagination")
    if isinstance(described, str):  # shared corpus: free text
        return {urljoin(url, n) for n in re.findall(r"index_\d+\.s?html?", described)} or None
    return {urljoin(url, n) for n in described} if described else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="runs per page for the CPU timing")
    args = parser.parse_args()
    if not LABELS:
        print("no real-page corpus found", file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore")
    import trafilatura

    right = {f: 0 for f in FIELDS}
    others = {"htmldate fast": 0, "htmldate extensive": 0, "trafilatura": 0}
    wrong: list[str] = []
    per = defaultdict(lambda: defaultdict(int))  # platform -> counter
    detail_pages = [label for label in LABELS if label["kind"] == "detail"]
    ours_ms, traf_ms = [], []
    for label in detail_pages:
        html, url, fam = page_text(label), page_url(label), platform(label)
        fields = extract_detail(html, url)["fields"]
        per[fam]["detail pages"] += 1
        for f in FIELDS:
            got = iso(fields[f])
            ok = got == label[f]
            right[f] += ok
            per[fam]["published" if f == "published" else "other fields"] += ok
            if not ok:
                wrong.append(f"{label['_id']}  {f}: got {got!r}, want {label[f]!r}")
        for name, value in (("htmldate fast", htmldate_date(html, False)),
                            ("htmldate extensive", htmldate_date(html, True)),
                            ("trafilatura", trafilatura_date(html))):
            if value == label["published"]:
                others[name] += 1
            else:
                wrong.append(f"{label['_id']}  published by {name}: {value!r} (want {label['published']!r})")
        ours_ms.append(cpu_ms(lambda: extract_detail(html, url), args.repeat))
        traf_ms.append(cpu_ms(lambda: trafilatura.extract(html, with_metadata=True), args.repeat))

    list_pages = [label for label in LABELS if label["kind"] == "list"]
    for label in list_pages:
        html, url, fam = page_text(label), page_url(label), platform(label)
        c = per[fam]
        c["list pages"] += 1
        got = {(e["title"], e["url"]): iso(e["date"]) for e in extract_entries(html, url)}
        want = {(e["title"], urljoin(url, e["url"])): e["date"] for e in label["entries"]}
        c["tp"] += len(got.keys() & want.keys())
        c["fp"] += len(got.keys() - want.keys())
        c["fn"] += len(want.keys() - got.keys())
        wrong += [f"{label['_id']}  extra entry {key}" for key in got.keys() - want.keys()]
        wrong += [f"{label['_id']}  missed entry {key}" for key in want.keys() - got.keys()]
        for key in got.keys() & want.keys():
            c["dates"] += got[key] == want[key]
            if got[key] != want[key]:
                wrong.append(f"{label['_id']}  entry date {key[0]}: got {got[key]}, want {want[key]}")
        found = {p.url for p in next_pages(html, url)}
        expected = described_next(label, url)
        if expected:
            c["paginated"] += 1
            c["next found"] += expected <= found
            if not expected <= found:
                wrong.append(f"{label['_id']}  next page: got {sorted(found)}, want {sorted(expected)}")
        elif found:
            c["invented next"] += 1
            wrong.append(f"{label['_id']}  next page invented: {sorted(found)}")

    n = len(detail_pages)
    sites = {label.get("site", "?").split()[0] for label in LABELS}
    print(f"real pages: {n} detail, {len(list_pages)} list, {len(sites)} sites, "
          f"{len({platform(l) for l in LABELS})} platform families\n")
    print(f"{'field':<22}{'ours':>10}{'htmldate fast':>16}{'htmldate ext.':>16}{'trafilatura':>14}")
    for f in FIELDS:
        row = f"{f:<22}{right[f]:>5}/{n:<4}"
        if f == "published":
            row += f"{others['htmldate fast']:>11}/{n:<4}{others['htmldate extensive']:>11}/{n:<4}"
            row += f"{others['trafilatura']:>9}/{n:<4}"
        print(row)
    other_total = n * (len(FIELDS) - 1)
    other_right = sum(right[f] for f in FIELDS if f != "published")
    tot = defaultdict(int)
    for c in per.values():
        for k, v in c.items():
            tot[k] += v
    print()
    print(f"{'published':<22}{pct(right['published'], n):>10}   target {TARGETS['published']:.0%}")
    print(f"{'other fields':<22}{pct(other_right, other_total):>10}   target {TARGETS['other fields']:.0%}")
    print(f"{'list precision':<22}{pct(tot['tp'], tot['tp'] + tot['fp']):>10}   ({tot['tp']} of {tot['tp'] + tot['fp']} extracted entries are labelled)")
    print(f"{'list recall':<22}{pct(tot['tp'], tot['tp'] + tot['fn']):>10}   ({tot['tp']} of {tot['tp'] + tot['fn']} labelled entries found)")
    print(f"{'entry dates':<22}{pct(tot['dates'], tot['tp']):>10}   ({tot['dates']}/{tot['tp']})")
    print(f"{'next page found':<22}{pct(tot['next found'], tot['paginated']):>10}   ({tot['next found']}/{tot['paginated']} paginated list pages; "
          f"{tot['invented next']} unpaginated pages given a next page)")
    print()
    print("per platform family:")
    print(f"  {'platform':<40}{'detail':>7}{'publ.':>8}{'other':>8}{'lists':>7}{'prec.':>8}{'recall':>8}{'dates':>8}{'next':>7}")
    for fam in sorted(per):
        c = per[fam]
        d = c["detail pages"]
        print(f"  {fam:<40}{d:>7}{pct(c['published'], d):>8}{pct(c['other fields'], d * (len(FIELDS) - 1)):>8}"
              f"{c['list pages']:>7}{pct(c['tp'], c['tp'] + c['fp']):>8}{pct(c['tp'], c['tp'] + c['fn']):>8}"
              f"{pct(c['dates'], c['tp']):>8}{(str(c['next found']) + '/' + str(c['paginated'])) if c['paginated'] else '-':>7}")
    print()
    if ours_ms:
        ours, traf = sum(ours_ms) / len(ours_ms), sum(traf_ms) / len(traf_ms)
        print(f"CPU per detail page (process time, {args.repeat} runs each):")
        print(f"  ours extract_detail            {ours:8.1f} ms")
        print(f"  trafilatura.extract(metadata)  {traf:8.1f} ms")
        print(f"  ratio ours/trafilatura         {ours / traf:8.2f}")
    print()
    demo_wrong = demo_portal(args.repeat)
    print()
    print("wrong (real pages):" if wrong else "wrong (real pages): nothing")
    for line in wrong:
        print("  " + line)
    print("wrong (demo portal):" if demo_wrong else "wrong (demo portal): nothing")
    for line in demo_wrong[:200]:
        print("  " + line)
    return 0


def demo_portal(repeat: int) -> list[str]:
    """Every demo site walked like the spider walks it; every detail page scored against truth."""
    try:
        from zwgk.demoportal import DEMO_AS_OF, DemoPortal
    except ImportError:
        print("demo portal: not available")
        return []
    import trafilatura
    from urllib.parse import urlencode

    from crawler.extraction.columns import discover_columns

    portal = DemoPortal()

    def fetch(url, method="GET", formdata=None):
        body = urlencode(list(formdata)).encode() if formdata else b""
        answer = portal.handle(method, url[len(DEMO_HOST):], body,
                               {"content-type": "application/x-www-form-urlencoded", "host": "demo.local"})
        return answer.status, decode_html(answer.body, answer.content_type)

    wrong: list[str] = []
    truth_entries = {(d.site_id, DEMO_HOST + d.url_path): d for d in portal.documents()}
    got_entries: dict = {}
    columns_right = columns_total = 0
    for site in portal.sites:
        _, html = fetch(DEMO_HOST + site.entry_path)
        found = {c["path"]: c["url"] for c in discover_columns(html, DEMO_HOST + site.entry_path)}
        want = {c.path: DEMO_HOST + c.url_path for c in site.columns}
        columns_total += len(want)
        columns_right += sum(1 for k, v in want.items() if found.get(k) == v)
        wrong += [f"{site.id}  column {k}: got {found.get(k)}, want {v}" for k, v in want.items() if found.get(k) != v]
        wrong += [f"{site.id}  extra column {k} {v}" for k, v in found.items() if k not in want]
        for path, col_url in found.items():
            if not col_url.startswith(DEMO_HOST):
                continue
            queue, sent = [(col_url, "GET", None)], set()
            while queue and len(sent) < 500:
                request = queue.pop(0)
                if request in sent:
                    continue
                sent.add(request)
                status, text = fetch(*request)
                if status != 200:
                    continue
                new = [e for e in extract_entries(text, request[0]) if (site.id, e["url"]) not in got_entries]
                for e in new:
                    got_entries[(site.id, e["url"])] = e
                if new:
                    queue += [(p.url, p.method, p.formdata) for p in next_pages(text, request[0])]
    tp = [k for k in got_entries if k in truth_entries]
    fp = [k for k in got_entries if k not in truth_entries]
    fn = [k for k in truth_entries if k not in got_entries]
    wrong += [f"{k[0]}  extra entry {k[1]} {got_entries[k]['title']!r}" for k in fp]
    wrong += [f"{k[0]}  missed entry {k[1]}" for k in fn]
    titles = sum(1 for k in tp if got_entries[k]["title"] == truth_entries[k].title)
    dates = sum(1 for k in tp if got_entries[k]["date"] == truth_entries[k].list_date)
    wrong += [f"{k[0]}  entry {k[1]}: {got_entries[k]['title']!r}/{got_entries[k]['date']} want "
              f"{truth_entries[k].title!r}/{truth_entries[k].list_date}" for k in tp
              if (got_entries[k]["title"], got_entries[k]["date"]) != (truth_entries[k].title, truth_entries[k].list_date)]

    right = {f: 0 for f in FIELDS + ("attachments",)}
    details = [d for d in portal.documents() if d.status == 200]
    ours_ms, traf_ms = [], []
    others = {"htmldate fast": 0, "htmldate extensive": 0, "trafilatura": 0}
    sampled = 0
    for i, doc in enumerate(details):
        url = DEMO_HOST + doc.url_path
        _, html = fetch(url)
        out = extract_detail(html, url, fetched_at=DEMO_AS_OF)
        for f in FIELDS:
            if out["fields"][f] == getattr(doc, f):
                right[f] += 1
            else:
                wrong.append(f"{doc.site_id}  {doc.url_path} {f}: got {out['fields'][f]!r}, want {getattr(doc, f)!r}")
        if [a["url"] for a in out["attachments"]] == [DEMO_HOST + a for a in doc.attachments]:
            right["attachments"] += 1
        else:
            wrong.append(f"{doc.site_id}  {doc.url_path} attachments: got {out['attachments']}, want {doc.attachments}")
        if i % 25 == 0:  # a spread sample over all three sites for the timing and the other tools
            sampled += 1
            want = doc.published.isoformat() if doc.published else None
            for name, value in (("htmldate fast", htmldate_date(html, False)),
                                ("htmldate extensive", htmldate_date(html, True)),
                                ("trafilatura", trafilatura_date(html))):
                others[name] += value == want
            ours_ms.append(cpu_ms(lambda: extract_detail(html, url, fetched_at=DEMO_AS_OF), max(1, repeat // 2)))
            traf_ms.append(cpu_ms(lambda: trafilatura.extract(html, with_metadata=True), max(1, repeat // 2)))

    n = len(details)
    print(f"demo portal (zwgk.demoportal, {len(portal.sites)} sites): {n} detail pages, "
          f"{len(truth_entries)} listed documents, {columns_total} columns")
    for f in FIELDS + ("attachments",):
        print(f"{f:<22}{pct(right[f], n):>10}   ({right[f]}/{n})")
    print(f"{'columns':<22}{pct(columns_right, columns_total):>10}   ({columns_right}/{columns_total})")
    print(f"{'list precision':<22}{pct(len(tp), len(tp) + len(fp)):>10}")
    print(f"{'list recall':<22}{pct(len(tp), len(tp) + len(fn)):>10}")
    print(f"{'entry titles':<22}{pct(titles, len(tp)):>10}")
    print(f"{'entry dates':<22}{pct(dates, len(tp)):>10}")
    print(f"published on the {sampled}-page sample: " + ", ".join(
        f"{name} {pct(v, sampled)}" for name, v in others.items()))
    if ours_ms:
        ours, traf = sum(ours_ms) / len(ours_ms), sum(traf_ms) / len(traf_ms)
        print(f"CPU per demo detail page ({len(ours_ms)} pages): ours {ours:.1f} ms, "
              f"trafilatura(metadata) {traf:.1f} ms, ratio {ours / traf:.2f}")
    return wrong


if __name__ == "__main__":
    sys.exit(main())
