"""Shared fixtures: the demo portal on loopback and one crawl of it, done once per test session.

Tests that change the portal (recrawl tests) must build their own ``DemoPortal``: the session
portal is shared and must stay as planted.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest



def pytest_collection_modifyitems(items):
    """A test that reads the session's demo crawl (``demo_run``: a crawl in a subprocess) is slow."""
    for item in items:
        if "demo_run" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def demo_portal():
    from zwgk.demoportal import DemoPortal, serve

    portal = DemoPortal()
    with serve(portal) as base_url:
        yield SimpleNamespace(portal=portal, base_url=base_url)


@pytest.fixture(scope="session")
def demo_run(demo_portal, tmp_path_factory):
    """The demo portal crawled and checked as of DEMO_AS_OF: (portal, base_url, db_path, run_id, sites_file)."""
    from checks.run import run_checks
    from crawler import store
    from crawler.runner import crawl
    from zwgk.demo import DEMO_SETTINGS
    from zwgk.demoportal import DEMO_AS_OF

    work = tmp_path_factory.mktemp("demo-run")
    sites_file = work / "sites.yaml"
    sites_file.write_text(demo_portal.portal.sites_yaml(demo_portal.base_url), encoding="utf-8")
    db_path = work / "zwgk.db"
    run_id, code = crawl(sites_file, db_path, settings=DEMO_SETTINGS)
    assert code == 0, (work / "zwgk-logs" / f"run-{run_id}.log").read_text()
    db = store.connect(db_path)
    run_checks(db, run_id, DEMO_AS_OF)
    db.conn.close()
    return SimpleNamespace(portal=demo_portal.portal, base_url=demo_portal.base_url, db_path=db_path,
                           run_id=run_id, sites_file=sites_file, work=work)


@pytest.fixture
def unreachable_site() -> str:
    """A sites config of one valid site nobody answers for (port 9, discard): for tests of the config,
    the command line and the store that must never reach a network."""
    return """
sites:
  - id: demo-county
    name: 示例县人民政府
    level: county
    region: 黑龙江省/示例市/示例县
    url: http://127.0.0.1:9/xxgk/
"""
