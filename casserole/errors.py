"""Errors the app reports to people in one clear line."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l


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


# What a person sees for each HTTP error: a heading and, when the code that stopped the request
# gave no reason of its own, a plain sentence instead of Werkzeug's ("If you entered the URL
# manually please check your spelling...").
_ERROR_WORDING: dict[int, tuple[Any, Any]] = {
    400: (_l("We could not do that"), _l("Something in what was sent did not make sense to us.")),
    401: (_l("Please log in"), _l("You need to log in to see that page.")),
    403: (_l("That page is not yours to see"), _l("Your account cannot open that page.")),
    404: (
        _l("We could not find that page"),
        _l("The page may have moved, or the link may be mistyped or out of date."),
    ),
    405: (_l("We could not do that"), _l("That page cannot be used in that way.")),
    409: (_l("That has already changed"), _l("Someone changed this while you were looking at it.")),
    410: (_l("That page has gone"), _l("The page is no longer here.")),
    413: (_l("That is too big to send"), _l("The file or text you sent is too large.")),
    415: (_l("We could not read that"), _l("We cannot read that kind of file or form.")),
    422: (_l("We could not do that"), _l("Something in what was sent did not make sense to us.")),
    429: (
        _l("Too many tries"),
        _l(
            "You have tried that too many times in a short while. Please wait a few minutes, "
            "then try again."
        ),
    ),
    503: (
        _l("We are having trouble right now"),
        _l("Please try again in a few minutes. Nothing you typed has been half-saved."),
    ),
}
_SERVER_FAULT = (
    _l("Something went wrong on our side"),
    _l("Please try again in a few minutes. Nothing you typed has been half-saved."),
)


def error_wording(code: int, description: str | None, default: str | None) -> tuple[str, str]:
    """The heading and sentence for an error page.

    `description` is the reason given where the request was stopped, `default` the
    framework's stock text for the code: a stock text is replaced by our own plain one, a
    reason written for people is kept. Server faults never show internal detail.
    """
    if code >= 500 and code != 503:
        return str(_SERVER_FAULT[0]), str(_SERVER_FAULT[1])
    heading, plain = _ERROR_WORDING.get(code, _ERROR_WORDING[400])
    # The texts are lazy: they are read here, in the language of the page being drawn.
    heading, plain = str(heading), str(plain)
    # A rate limit's own description is its limit ("10 per 1 minute"), not words for people.
    if code in (429, 503):
        return heading, plain
    if description and description != default:
        return heading, description
    return heading, plain
