"""What the command line and the scheduler share: the one-line user error and -s NAME=VALUE parsing."""
from __future__ import annotations

import click


class UserError(click.ClickException):
    """A mistake of the user's or a broken input: one line on stderr, no traceback."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None):
        click.echo(f"错误：{self.message}", err=True)


def parse_settings(pairs) -> dict[str, str]:
    """Scrapy setting overrides given as ``-s NAME=VALUE`` (repeatable)."""
    settings = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UserError(f"-s expects NAME=VALUE, got {pair!r}", 2)
        settings[name.strip()] = value
    return settings
