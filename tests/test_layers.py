"""Imports follow the layers: zwgk (cli, scheduler) -> reports -> checks -> crawler. Walks every import,
those inside functions included."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["crawler", "checks", "reports", "zwgk"]          # each may import only those before it
# What reports/ may use of the crawler: the store API (the store, its errors, the evidence archive's
# records and the names of fault kinds); nothing of the spider, the pipeline or the extraction.
STORE_API = {"crawler.store", "crawler.exceptions", "crawler.archive", "crawler.errors"}


def imports(path: Path) -> list[str]:
    """Every module ``path`` imports (``from a.b import c`` gives a.b and a.b.c)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
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
