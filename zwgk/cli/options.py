"""The options several commands share, defined once."""
from __future__ import annotations

from datetime import date

import click

from crawler import store
from zwgk.common import UserError, parse_settings


def parse_date_option(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{option} expects a date YYYY-MM-DD, got {value!r}", 2) from None


db_option = click.option("--db", "db_path", default=store.DEFAULT_DB, show_default=True,
                         type=click.Path(dir_okay=False),
                         help="The store: a SQLite file (its logs, archive and schedule are kept beside it), or "
                              "postgresql+psycopg://user:password@host/db (logs and archive in the current folder).")
settings_option = click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
                               callback=lambda ctx, param, value: parse_settings(value),
                               help="Scrapy setting for the crawl, e.g. -s DOWNLOAD_DELAY=2 (repeatable).")
run_option = click.option("--run", default="latest", show_default=True, help="Run number, or 'latest'.")
as_of_option = click.option("--as-of", callback=lambda ctx, param, value: parse_date_option(value, "--as-of"),
                            help="Check as of this date (YYYY-MM-DD); default today. A re-run gives the same findings.")
lang_option = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                           help="Language of the report.")
init_option = click.option("--init", is_flag=True,
                           help="Allow --db to be an existing SQLite file of another application (zwgk adds its tables).")
sites_option = click.option("--sites", "sites_file", required=True, type=click.Path(dir_okay=False),
                            help="Sites config (YAML).")
engine_option = click.option("--engine", type=click.Choice(["local", "celery"]), default="local", show_default=True,
                             help="Who crawls: local (a crawl process here) or celery (the Celery workers of --broker, "
                                  "see `zwgk worker`; needs `pip install -e '.[distributed]'`).")
broker_option = click.option("--broker", envvar="ZWGK_BROKER", metavar="redis://HOST:PORT/0",
                             help="Celery broker (Redis) for --engine celery and `zwgk worker` [env ZWGK_BROKER].")
task_sites_option = click.option("--task-sites", type=click.IntRange(1), default=None, metavar="N",
                                 help="--engine celery: at most N sites a task (default: the sites one crawl process "
                                      "takes side by side at full politeness); sites sharing a host or its address "
                                      "always go in one task.")
