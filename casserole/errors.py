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


# What a person sees for each HTTP error: a heading and, when the code that stopped the request
# gave no reason of its own, a plain sentence instead of Werkzeug's ("If you entered the URL
# manually please check your spelling...").
_ERROR_WORDING: dict[int, tuple[str, str]] = {
    400: ("We could not do that", "Something in what was sent did not make sense to us."),
    401: ("Please log in", "You need to log in to see that page."),
    403: ("That page is not yours to see", "Your account cannot open that page."),
    404: (
        "We could not find that page",
        "The page may have moved, or the link may be mistyped or out of date.",
    ),
    405: ("We could not do that", "That page cannot be used in that way."),
    409: ("That has already changed", "Someone changed this while you were looking at it."),
    410: ("That page has gone", "The page is no longer here."),
    413: ("That is too big to send", "The file or text you sent is too large."),
    415: ("We could not read that", "We cannot read that kind of file or form."),
    422: ("We could not do that", "Something in what was sent did not make sense to us."),
    429: (
        "Too many tries",
        "You have tried that too many times in a short while. Please wait a few minutes, "
        "then try again.",
    ),
    503: (
        "We are having trouble right now",
        "Please try again in a few minutes. Nothing you typed has been half-saved.",
    ),
}
_SERVER_FAULT = (
    "Something went wrong on our side",
    "Please try again in a few minutes. Nothing you typed has been half-saved.",
)


def error_wording(code: int, description: str | None, default: str | None) -> tuple[str, str]:
    """The heading and sentence for an error page.

    `description` is the reason given where the request was stopped, `default` the
    framework's stock text for the code: a stock text is replaced by our own plain one, a
    reason written for people is kept. Server faults never show internal detail.
    """
    if code >= 500 and code != 503:
        return _SERVER_FAULT
    heading, plain = _ERROR_WORDING.get(code, _ERROR_WORDING[400])
    # A rate limit's own description is its limit ("10 per 1 minute"), not words for people.
    if code in (429, 503):
        return heading, plain
    if description and description != default:
        return heading, description
    return heading, plain
