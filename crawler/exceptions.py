"""The one base of zwgk's errors for the user: a one-line message and the exit code it ends with.

Every layer raises its own kind (``ConfigError``, ``StoreError``, ``RunLocked``, ``CatalogError``,
``ReportError`` …); the command line catches ``ZwgkError`` once, prints the message and exits with
the code, never a traceback. Code that is not a command (the scheduler) logs the message instead.
"""
from __future__ import annotations


class ZwgkError(Exception):
    """A mistake in the input or a state zwgk cannot work in; ``str()`` is one line for the user."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self)
