"""The suite's expensive shared fixtures are built once under pytest-xdist (`--dist loadgroup`,
pyproject.toml): conftest.py puts the tests sharing one into an xdist group, which xdist reads from
the test's node id. Both ways this broke silently (every worker then built the session's demo crawl
and each module's crawl again) are caught here: conftest's hook running after xdist's, and a pytest
whose node ids drop the group xdist appends (pytest-dev/pytest-xdist#1386)."""
import pytest


@pytest.fixture(scope="module")
def shared():
    return object()


def test_tests_sharing_a_module_fixture_run_in_one_xdist_group(shared, request):
    if not getattr(request.config.option, "loadgroup", False):
        return   # not a worker of `--dist loadgroup` (e.g. `-n 0`): there are no groups to keep
    module = request.node.nodeid.split("::")[0]
    assert request.node.get_closest_marker("xdist_group").args == (module,)
    assert request.node.nodeid.endswith(f"@{module}"), request.node.nodeid
