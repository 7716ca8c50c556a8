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


PACKAGES = ("crawler", "checks", "reports", "zwgk", "bench", "tests")
SOURCE = re.compile(r"^[\w./*<>-]+\.(?:py|ya?ml|html|js|css)$")


def named_files(doc: str):
    """(section package, path) of every source file a document names in backticks; the section is the
    package of the heading above (``## crawler/``, ``### extraction/`` …), for the bare names of its tables."""
    section = ""
    for line in (ROOT / doc).read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^(#{2,3}) ([\w/]+/)", line)
        if heading:
            section = heading.group(2) if heading.group(1) == "##" else section.split("/")[0] + "/" + heading.group(2)
        for quoted in re.findall(r"`([^`\s]+)`", line):
            yield from ((section, name) for name in re.split(r",\s*", quoted) if SOURCE.match(name))


def test_every_module_the_docs_name_exists():
    """ARCHITECTURE.md and the README describe the tree as it is: a path names a file (a glob at least one),
    a bare file name in a package's section a file somewhere in that package."""
    missing = []
    for doc in ("ARCHITECTURE.md", "README.md"):
        for section, name in named_files(doc):
            pattern = name.replace("<rule>", "*")
            if "/" in name and name.split("/")[0] in PACKAGES:
                found = list(ROOT.glob(pattern))
            elif section:
                found = list((ROOT / section).glob(pattern)) + list((ROOT / section).glob("**/" + pattern))
            else:
                continue   # an output file of the README (report/index.html, findings.html …)
            if not found:
                missing.append((doc, section, name))
    assert not missing
    assert len(list(named_files("ARCHITECTURE.md"))) > 60   # the tables were read
