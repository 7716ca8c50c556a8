"""Benchmark of the check layer: one command.

    .venv/bin/python bench/checks.py [--docs 1000000] [--sites 150] [--db PATH] [--keep]

Builds a store of synthetic documents across sites (the store's own writers, in one transaction; the
store's full-text index is dropped in this throw-away store since no rule reads it), then runs
every rule (``run_checks``, findings written) in a fresh process and prints its wall time, the time of
each rule, the findings per rule and the process's own peak memory (VmHWM: ``ru_maxrss`` survives exec
and would count the size of the process that built the store), next to a baseline
measured on the same store in the same run: a plain full scan of ``documents``
(``select count(*), sum(length(title)) from documents``; the median of three scans before and three
after the rules). Target: all rules <= 20 x that scan.

With ``--before REF`` (default: the commit before the check layer's speed work) the rules of that
commit run first on the same store (its tree is extracted with ``git archive``; its own code opens the
store without migrating it): both times are printed, and the two finding sets (site, rule, column,
catalog area/item, URL, severity, message, basis, evidence) must be identical — the run exits 1 if not.
``--before none`` skips it.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

AS_OF = date(2026, 6, 30)
# The check layer before its speed work (issue 14): the rules whose finding set the current ones must match.
BEFORE = "62cc2eb"
FINDING_FIELDS = ("site_id", "rule", "column_id", "catalog_area", "catalog_item", "url", "severity", "message",
                  "basis", "evidence")
# Run in a fresh process with PYTHONPATH at an older tree: its own run_checks on the store as it is.
BEFORE_SCRIPT = """
import json, resource, sys, time
from datetime import date
import sqlite_utils
from checks.run import run_checks
db = sqlite_utils.Database(sys.argv[1])
t, c = time.perf_counter(), time.process_time()
findings = run_checks(db, 2, date.fromisoformat(sys.argv[2]))
print(json.dumps({"rules_seconds": round(time.perf_counter() - t, 2), "rules_cpu_seconds": round(time.process_time() - c, 2),
                  "findings": len(findings),
                  "peak_rss_mb": next((round(int(l.split()[1]) / 1024, 1) for l in open("/proc/self/status")
                                       if l.startswith("VmHWM:")), None)
                                 or round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
"""
AREAS = {  # column name -> title templates (each carries the area's keywords)
    "财政预决算": ["{d}2026年部门预算公开", "{d}2025年度部门决算公开", "{d}{m}月份财政收支情况"],
    "重大建设项目": ["关于{d}道路改造工程项目可行性研究报告的批复", "{d}重大建设项目进展情况"],
    "社会救助": ["{m}月城乡低保金发放情况公示", "{d}特困人员救助供养金发放情况", "{d}临时救助情况公示"],
    "义务教育": ["{d}义务教育学校招生入学工作方案", "{d}中小学校放假安排"],
    "卫生健康": ["{d}医疗机构监督检查结果公示", "{m}月法定传染病疫情概况"],
    "生态环境": ["{m}月环境空气质量状况", "{d}建设项目环境影响报告表受理情况公示"],
    "救灾": ["关于做好{d}汛期防灾减灾工作的通知", "{m}月自然灾害情况通报"],
    "养老服务": ["{m}月高龄津贴发放名单", "{d}养老机构备案信息"],
    "就业": ["{d}公益性岗位招聘公告", "{d}职业技能培训补贴公示"],
    "涉农补贴": ["{d}耕地地力保护补贴发放公示", "{d}农机购置补贴结果公示"],
}
GENERAL = {"政策文件": ["{d}人民政府关于印发《{d}第{m}号管理办法》的通知"], "通知公告": ["关于{d}第{m}期停水的通告"],
           "人事信息": ["{d}公开遴选公务员公告"], "机构职能": ["{d}内设机构及职能"]}
# The library of normative documents in force, on every third site: documents with a 文号 and a validity
# mark (a few unmarked), the newest of some repealing an older one by its 文号.
LIBRARY = {"现行有效规范性文件": ["{d}人民政府关于印发{d}第{m}号管理规定的通知"]}
SECTIONS = {"政府信息公开指南": ["{d}政府信息公开指南"], "政府信息公开制度": ["{d}政府信息公开工作制度"],
            "政府信息公开年报": ["{d}人民政府{y}年政府信息公开工作年度报告"]}
NEWS = ["市长主持召开第{m}次常务会议", "领导到{d}调研工作"]
REGIONS = ["浙江省/样本市/{n}县", "黑龙江省/示例市/{n}县", "四川省/巴中市/{n}县", "上海市/{n}区"]
DAYS = [(date(2019, 1, 2) + timedelta(days=i)).isoformat() for i in range((AS_OF - date(2019, 1, 2)).days)]


def build(path: Path, n_docs: int, n_sites: int, seed: int = 1) -> dict:
    from crawler import store
    from crawler.sites import Site

    rng = random.Random(seed)
    db = store.connect(path)
    conn = db.conn
    store.without_search_index(db)
    names = list(SECTIONS) + list(AREAS) + list(GENERAL) + list(LIBRARY)
    per_site = n_docs // n_sites
    t0 = time.perf_counter()
    store.record_run(db, id=1, started_at="2026-05-30")
    store.record_run(db, id=2, started_at="2026-06-30")
    writer = store.Writer(db, 2)   # rows of runs 1..2 unless they say otherwise
    listed = {}   # (column id, last run) -> listings
    with conn:
        columns, docs, entries = [], [], []
        col_id = 0
        for s in range(n_sites):
            site = f"site-{s:03d}"
            config = Site(site, f"第{s}县人民政府", "county", REGIONS[s % 4].format(n=s), f"http://s{s}.example.gov.cn/",
                          catalog_areas=(*SECTIONS, "法定主动公开内容", *list(AREAS)[: 8 + s % 3]))
            writer.sites({**config.as_row(), "first_run": 1})
            site_cols = []
            for name in names:
                if name in AREAS and rng.random() < 0.03:
                    continue                                   # column-missing now and then
                if name in LIBRARY and s % 3:
                    continue                                   # a library on every third site
                col_id += 1
                path = name if name in SECTIONS else f"法定主动公开内容/{name}"
                columns.append({"id": col_id, "site_id": site, "url": f"http://s{s}.example.gov.cn/{col_id}/",
                                "name": name, "path": path, "first_run": 1})
                site_cols.append((col_id, name))
            weights = [1 if n in SECTIONS else 4 for _, n in site_cols]
            picks = rng.choices(site_cols, weights=weights, k=per_site)
            stale_col = site_cols[rng.randrange(len(site_cols))][0] if rng.random() < 0.3 else None
            mismatch_col = site_cols[rng.randrange(len(site_cols))][0] if rng.random() < 0.1 else None
            library = []
            issuer = "".join("零一二三四五六七八九"[int(c)] for c in str(s))   # 文号 issuers are words, not digits
            for i, (cid, name) in enumerate(picks):
                url = f"http://s{s}.example.gov.cn/{cid}/t{i}.html"
                templates = AREAS.get(name) or GENERAL.get(name) or LIBRARY.get(name) or SECTIONS[name]
                if cid == mismatch_col:
                    templates = NEWS
                elif name in AREAS and rng.random() < 0.005:     # misfiled
                    templates = AREAS[rng.choice([a for a in AREAS if a != name])]
                title = rng.choice(templates).format(d=f"第{s}县", m=i % 12 + 1, y=2018 + i % 8)
                day = DAYS[rng.randrange(len(DAYS))] if cid != stale_col else DAYS[rng.randrange(300)]
                written = None
                r = rng.random()
                if r < 0.6:
                    gap = rng.randint(1, 12) if rng.random() > 0.01 else rng.randint(40, 80)  # ~1 % late
                    written = (date.fromisoformat(day) - timedelta(days=gap)).isoformat()
                published, list_date = day, day
                if rng.random() < 0.003:
                    published = list_date = None                 # missing date
                status = 404 if rng.random() < 0.002 else 200
                doc_number = f"{issuer}政发〔{day[:4]}〕{i}号" if name in ("政策文件", *LIBRARY) else None
                last = 1 if rng.random() < 0.001 else 2          # removed since run 1
                validity = repeals = None
                if name in LIBRARY:
                    validity = None if rng.random() < 0.01 else "有效"   # ~1 % unmarked
                    if library and published and rng.random() < 0.02:    # repeals an earlier library document
                        old = library[rng.randrange(len(library))]
                        repeals = json.dumps([{"doc_number": old, "title": None, "action": "废止"}], ensure_ascii=False)
                    library.append(doc_number)
                docs.append({"url": url, "site_id": site, "column_id": cid, "title": title, "list_title": title,
                             "list_date": list_date, "published": published, "written": written,
                             "doc_number": doc_number, "http_status": status, "first_run": 1, "last_run": last,
                             "validity": validity, "repeals": repeals})
                entries.append({"column_id": cid, "url": url, "site_id": site, "title": title, "list_date": list_date,
                                "first_run": 1, "last_run": last})
                listed[(cid, last)] = listed.get((cid, last), 0) + 1
            if len(docs) >= 200_000:
                flush(writer, columns, docs, entries)
                columns, docs, entries = [], [], []
        flush(writer, columns, docs, entries)
        # What each column showed in each run: its listings still listed then.
        writer.column_runs({"run_id": r, "column_id": c, "entries": sum(listed.get((c, last), 0) for last in (1, 2)
                                                                        if last >= r), "pages": 1}
                           for r in (1, 2) for c in range(1, col_id + 1))
    conn.execute("analyze")
    count = conn.execute("select count(*) from documents").fetchone()[0]
    conn.close()
    return {"documents": count, "sites": n_sites, "columns": col_id, "build_seconds": round(time.perf_counter() - t0, 1)}


def flush(writer, columns, docs, entries):
    writer.columns(columns)
    writer.documents(docs)
    writer.entries(entries)


def baseline(path: Path, repeat: int = 3) -> list[tuple[float, float]]:
    """(wall, CPU) seconds of ``repeat`` plain full scans of documents, in a fresh connection."""
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("select count(*) from sites").fetchone()  # open the file before timing
    times = []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        conn.execute("select count(*), sum(length(title)) from documents").fetchone()
        times.append((time.perf_counter() - t, time.process_time() - c))
    conn.close()
    return times


def finding_set(path) -> dict[str, int]:
    """The run's stored findings as a multiset of their fields (digest -> count), and a sample of each."""
    import sqlite3

    conn = sqlite3.connect(path)
    out: dict[str, int] = {}
    for row in conn.execute(f"select {', '.join(FINDING_FIELDS)} from findings where run_id = 2"):
        key = hashlib.sha1(json.dumps(row, ensure_ascii=False).encode()).hexdigest()
        out[key] = out.get(key, 0) + 1
    conn.close()
    return out


def run_before(path: Path, ref: str) -> dict | None:
    """The rules of commit ``ref`` on the store: its time and peak memory; None when git cannot give the tree."""
    tree = Path(tempfile.mkdtemp(prefix="zwgk-before-"))
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "checks", "crawler", "reports", "zwgk"],
                                 capture_output=True)
        if archive.returncode:
            print(f"--before {ref}: {archive.stderr.decode().strip()} (comparison skipped)", file=sys.stderr)
            return None
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
        out = subprocess.run([sys.executable, "-c", BEFORE_SCRIPT, str(path), AS_OF.isoformat()], capture_output=True,
                             text=True, cwd=tree, env={**os.environ, "PYTHONPATH": str(tree)})
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            raise SystemExit(out.returncode)
        return json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run(["rm", "-rf", str(tree)], check=False)


def run_rules(path: str) -> None:
    """In a fresh process: run every rule on run 2 and report times and peak memory as JSON."""
    from collections import Counter

    from checks import rules as rules_pkg
    from checks.context import load_context
    from checks.run import run_checks
    from crawler import store

    db = store.connect(path)
    t, c = time.perf_counter(), time.process_time()
    findings = run_checks(db, 2, AS_OF)
    total, cpu = time.perf_counter() - t, time.process_time() - c
    # per-rule times on a fresh context (the run above already wrote the findings)
    per_rule = {}
    t = time.perf_counter()
    ctx = load_context(db, 2, AS_OF)
    per_rule["(context)"] = round(time.perf_counter() - t, 2)
    for rule_id, module in rules_pkg.RULES.items():
        t = time.perf_counter()
        list(module.check(ctx))
        per_rule[rule_id] = round(time.perf_counter() - t, 2)
    print(json.dumps({"rules_seconds": round(total, 2), "rules_cpu_seconds": round(cpu, 2), "per_rule_seconds": per_rule,
                      "findings": dict(Counter(f.rule for f in findings)),
                      "peak_rss_mb": own_peak_mb()}))


def own_peak_mb() -> float:
    """This process's peak RSS since its exec (VmHWM); ru_maxrss where /proc does not tell."""
    try:
        with open("/proc/self/status") as f:
            return next(round(int(line.split()[1]) / 1024, 1) for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--sites", type=int, default=150)
    parser.add_argument("--db", help="store to build (or reuse if it exists); default a temp file")
    parser.add_argument("--keep", action="store_true", help="keep the temp store")
    parser.add_argument("--before", default=BEFORE,
                        help=f"commit whose rules must give the same findings (default {BEFORE}; 'none' to skip)")
    parser.add_argument("--run-rules", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_rules:
        run_rules(args.run_rules)
        return 0
    tmp = None
    if args.db:
        path = Path(args.db)
    else:
        tmp = tempfile.mkdtemp(prefix="zwgk-bench-")
        path = Path(tmp) / "bench.db"
    if not path.exists():
        print(f"building {args.docs:,} documents across {args.sites} sites in {path} …", file=sys.stderr)
        info = build(path, args.docs, args.sites)
        print(f"built: {info}", file=sys.stderr)
    # The scan is timed three times before the rules run and three times after, and the median is
    # the baseline: one 0.2 s scan varies by half on this kind of shared machine, and its speed may
    # drift while the rules run.
    scans = baseline(path)
    before = run_before(path, args.before) if args.before != "none" else None
    before_set = finding_set(path) if before else None
    out = subprocess.run([sys.executable, __file__, "--run-rules", str(path)], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode:
        print(out.stderr, file=sys.stderr)
        return out.returncode
    result = json.loads(out.stdout.strip().splitlines()[-1])
    scans += baseline(path)
    base, base_cpu = statistics.median(w for w, _ in scans), statistics.median(c for _, c in scans)
    docs = __import__("sqlite3").connect(path).execute("select count(*) from documents").fetchone()[0]
    print(f"documents: {docs:,}")
    print(f"baseline (full scan of documents, median of {len(scans)}, before and after the rules): {base:.2f} s "
          f"(CPU {base_cpu:.2f} s; scans {', '.join(f'{w:.2f}' for w, _ in scans)} s)")
    print(f"all rules (run_checks, findings written): {result['rules_seconds']:.2f} s "
          f"= {result['rules_seconds'] / base:.1f} x baseline (CPU {result['rules_cpu_seconds']:.2f} s "
          f"= {result['rules_cpu_seconds'] / base_cpu:.1f} x the scan's CPU)")
    print(f"peak memory of the checking process (VmHWM): {result['peak_rss_mb']} MB")
    print("per rule (s): " + ", ".join(f"{k} {v}" for k, v in result["per_rule_seconds"].items()))
    print("findings: " + ", ".join(f"{k} {v}" for k, v in sorted(result["findings"].items())))
    status = 0
    if before:
        after_set = finding_set(path)
        print(f"before (the rules at {args.before}): {before['rules_seconds']:.2f} s "
              f"= {before['rules_seconds'] / base:.1f} x baseline (CPU {before['rules_cpu_seconds']:.2f} s "
              f"= {before['rules_cpu_seconds'] / base_cpu:.1f} x), peak memory {before['peak_rss_mb']} MB")
        same = before_set == after_set
        print(f"finding set before/after on the same store: {'identical' if same else 'DIFFERENT'} "
              f"({sum(before_set.values()):,} / {sum(after_set.values()):,} findings)")
        status = 0 if same else 1
    ratio, cpu_ratio = result["rules_seconds"] / base, result["rules_cpu_seconds"] / base_cpu
    # Wall time is the target's measure; on a shared, loaded machine the CPU-time ratio is the steadier one.
    print(f"ratio to the full scan: {ratio:.1f} x wall, {cpu_ratio:.1f} x CPU; target <= 20 x: "
          f"{'OK' if ratio <= 20 else 'MISSED'} (wall), {'OK' if cpu_ratio <= 20 else 'MISSED'} (CPU)")
    if tmp and not args.keep:
        for f in Path(tmp).iterdir():
            f.unlink()
        os.rmdir(tmp)
    return status


if __name__ == "__main__":
    sys.exit(main())
