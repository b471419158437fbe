"""Errors the app reports to people in one clear line."""

from __future__ import annotations


class ConfigError(SystemExit):
    """A configuration problem that stops start-up with a one-line message, not a traceback.

    It derives from SystemExit so that `flask`, gunicorn and scripts print the message
    and exit with status 1 instead of dumping a stack trace on an operator.
    """

    def __init__(self, message: str) -> None:
        super().__init__(f"casserole: configuration error: {message}")
        self.message = message


class PostcodeError(ValueError):
    """A postcode that is malformed or cannot be placed on the map."""

    def __init__(self, postcode: str, reason: str) -> None:
        super().__init__(f"{postcode!r}: {reason}")
        self.postcode = postcode
        self.reason = reason
