"""docker-compose.yml (README "More than one machine": a hub and two workers on one Docker host) is a
valid Compose file, and its zwgk services run commands zwgk accepts. No Docker needed.

The schema is the Compose Specification's JSON schema as shipped by Debian's docker-compose 1.29.2-3
(bookworm; /usr/lib/python3/dist-packages/compose/config/compose_spec.json, Apache-2.0, sha256
0dc04bd346dcfee1b1419628fff79937bbf076925f298f272a2b490e2b112bac), vendored in
tests/fixtures/compose_spec.json; docker-compose validates with it the same way (jsonschema's
Draft4Validator). `docker-compose config` of that package accepted the file too.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from zwgk.cli import main

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads((ROOT / "tests" / "fixtures" / "compose_spec.json").read_text(encoding="utf-8"))


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def schema_errors(doc: dict) -> list[str]:
    return [error.message for error in jsonschema.Draft4Validator(SCHEMA).iter_errors(doc)]


def zwgk_services(doc: dict) -> dict:
    return {name: service for name, service in doc["services"].items() if service.get("image") == "zwgk"}


def parse(service: dict, monkeypatch):
    """Parse a service's command as the image's entry point (zwgk) would, with its environment."""
    for name, value in service.get("environment", {}).items():
        monkeypatch.setenv(name, value)
    args = list(service["command"])
    group = main.make_context("zwgk", list(args))
    command = main.get_command(group, args[0])
    return command.make_context(args[0], args[1:], parent=group).params


def test_the_compose_file_is_valid_and_a_broken_one_is_not():
    doc = compose()
    assert schema_errors(doc) == []
    misspelt = copy.deepcopy(doc)
    misspelt["services"]["worker1"]["comand"] = misspelt["services"]["worker1"].pop("command")
    bad_condition = copy.deepcopy(doc)
    bad_condition["services"]["worker2"]["depends_on"]["hub-redis"]["condition"] = "healthy"
    assert schema_errors(misspelt) and schema_errors(bad_condition)


def test_the_hub_two_workers_and_the_coordinator_run_commands_zwgk_accepts(tmp_path, monkeypatch):
    doc = compose()
    services = zwgk_services(doc)
    assert {"hub-redis", "hub-postgres"} <= set(doc["services"])
    assert sorted(s["command"][0] for s in services.values()) == ["run", "worker", "worker"]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sites.yaml").write_text("sites: []\n", encoding="utf-8")   # --sites must exist
    for service in services.values():
        params = parse(service, monkeypatch)
        assert params["broker"] == "redis://hub-redis:6379/0"
        assert params["db_path"].startswith("postgresql+psycopg://") and "@hub-postgres/" in params["db_path"]
    coordinator = parse(services["coordinator"], monkeypatch)
    assert coordinator["engine"] == "celery"
    with pytest.raises(Exception, match="--concurency"):
        parse({**services["worker1"], "command": services["worker1"]["command"] + ["--concurency", "2"]}, monkeypatch)
