"""The README's two commands are what CI runs: keep them the same."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_commands():
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)
    setup, tests = blocks[0].strip(), blocks[1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert setup in ci and tests in ci


def test_the_readme_sites_example_is_a_valid_config():
    from crawler.sites import parse_sites

    block = re.search(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    [site] = parse_sites(block, "README.md")
    assert site.columns[0].catalog == "财政预决算" and site.catalog_areas[-1] == "社会救助"
