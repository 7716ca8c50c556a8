"""Imports follow the layers: zwgk (cli, scheduler) -> reports -> checks -> crawler. Walks every import,
those inside functions included."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["crawler", "checks", "reports", "zwgk"]          # each may import only those before it
# What reports/ may use of the crawler: the store API (the store, its errors, the evidence archive's
# records, the names of fault kinds, and the configured site as the store keeps it: crawler.sites);
# nothing of the spider, the pipeline or the extraction.
STORE_API = {"crawler.store", "crawler.exceptions", "crawler.archive", "crawler.errors", "crawler.sites"}
# What reports/ may use of checks/: how the checks word what they decided, and reads of what they
# stored. Nothing that decides (a rule, the context, the mapper, the catalog in force for a site, the
# thresholds, the working days, the check run): every verdict, mapping and coverage cell is read from
# the store. None: the whole module (it only words findings); else the names listed.
CHECKS_READ_API = {
    "checks.wording": None, "checks.zh": None,
    "checks.score": {"ESTIMATE_NOTE", "VETO_INDICATORS", "site_scores"},   # the score of the stored findings
    "checks.catalog": {"LEVEL_NAMES", "catalog_order", "default_catalog"},  # names and reading order
    "checks.mapping": {"explain"},                                          # a stored mapping in words
    "checks.persistence": {"finding_key"},                                  # a finding's identity across runs
}
# reports/synthetic.py builds synthetic stores for tests and benchmarks: the crawl's tables, then the real
# checks run on them as after a crawl. It lays out no report.
BUILDER = {("checks.run", "run_checks"), ("checks.evidence", "archived_records"), ("checks.catalog", "areas_for_level")}


def imported(path: Path, package: str | None = None) -> list[tuple[str, str | None]]:
    """(module, name) of every import in ``path``: name None for ``import a.b``; relative imports resolved
    against ``package`` (by default the module's own, under ROOT); a module named to
    ``importlib.import_module`` or ``__import__`` as a literal counts as ``import``."""
    if package is None:
        package = ".".join(path.resolve().relative_to(ROOT).parts[:-1]) if path.resolve().is_relative_to(ROOT) else ""
    parts = package.split(".") if package else []
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = parts[:len(parts) - node.level + 1] if node.level else []
            module = ".".join(base + (node.module.split(".") if node.module else []))
            found += [(module, alias.name) for alias in node.names]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and (getattr(node.func, "attr", None) == "import_module" or getattr(node.func, "id", None) == "__import__")):
            found.append((node.args[0].value, None))
    return found


def imports(path: Path, package: str | None = None) -> list[str]:
    """Every module ``path`` imports (``from a.b import c`` gives a.b and a.b.c)."""
    found = []
    for module, name in imported(path, package):
        found += [module] if name is None else [module, f"{module}.{name}"]
    return found


def modules(package: str):
    return sorted((ROOT / package).rglob("*.py"))


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


@pytest.mark.parametrize("layer", LAYERS)
def test_no_module_imports_a_layer_above_its_own(layer):
    above = LAYERS[LAYERS.index(layer) + 1:]
    for path in modules(layer):
        if layer == "zwgk" and "demoportal" in path.parts:
            continue
        bad = [name for name in imports(path) if any(within(name, a) for a in above)]
        assert not bad, (str(path.relative_to(ROOT)), bad)


def test_reports_use_the_store_api_and_no_rule_internals():
    for path in modules("reports"):
        for name in imports(path):
            assert not within(name, "checks.rules"), (path.name, name)
            if within(name, "crawler"):
                # "from crawler import store" names crawler.store; the package itself gives nothing
                assert name == "crawler" or any(within(name, api) for api in STORE_API), (path.name, name)


def reads_only(module: str, name: str | None) -> bool:
    """Is ``from module import name`` (``import module`` when name is None) within CHECKS_READ_API?"""
    if module == "checks" and name is not None:   # "from checks import wording": the module whole
        module, name = f"checks.{name}", None
    if module not in CHECKS_READ_API:
        return False
    allowed = CHECKS_READ_API[module]
    return allowed is None or (name is not None and name in allowed)


def test_no_report_module_decides_what_the_checks_decide():
    """reports/ reads the checks' results: of checks/ it imports the wording and the reads of
    CHECKS_READ_API, never a rule, the mapper or the catalog resolver the checks decide with."""
    for path in modules("reports"):
        for module, name in imported(path):
            if not within(module, "checks") or (path.name == "synthetic.py" and (module, name) in BUILDER):
                continue
            assert reads_only(module, name), (path.name, module, name)


def test_the_checker_sees_relative_and_dynamic_imports_and_refuses_deciding_code(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("from ..checks.mapping import map_column\nfrom . import common\nimport importlib\n"
                      "rules = importlib.import_module('checks.rules.dead_link')\n", encoding="utf-8")
    found = imported(sample, "reports")
    assert {("checks.mapping", "map_column"), ("reports", "common"), ("checks.rules.dead_link", None)} <= set(found)
    assert not reads_only("checks.mapping", "map_column") and reads_only("checks.mapping", "explain")
    assert not reads_only("checks.catalog", "site_catalog") and not reads_only("checks.catalog", None)
    assert not reads_only("checks", "context") and not reads_only("checks.rules.dead_link", None)
    assert reads_only("checks", "wording") and reads_only("checks.zh", None)


def test_click_only_in_the_cli_package():
    """Every command is in zwgk/cli/; domain code (the scheduler, the run) raises ZwgkError instead."""
    for package in LAYERS:
        for path in modules(package):
            if path.is_relative_to(ROOT / "zwgk" / "cli"):
                continue
            assert not [n for n in imports(path) if within(n, "click")], str(path.relative_to(ROOT))


def test_the_checker_sees_imports_inside_functions(tmp_path):
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from checks.rules import dead_link\n    import click\n", encoding="utf-8")
    assert {"checks.rules", "checks.rules.dead_link", "click"} <= set(imports(sample))
