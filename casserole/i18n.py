"""Languages: which one a page or a message is in (English, Welsh, Bengali) and the switch."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask_babel import Babel, force_locale, get_locale, gettext
from flask_babel import lazy_gettext as N_
from flask_login import current_user

# The languages people can choose, each named in its own language for the switch.
LANGUAGES: dict[str, str] = {"en": "English", "cy": "Cymraeg", "bn": "বাংলা"}
DEFAULT_LOCALE = "en"
# Anonymous visitors' choice lives in this cookie (a year); people's in User.locale.
COOKIE_NAME = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600
# The <html lang> of each language's pages and e-mails.
HTML_LANG: dict[str, str] = {"en": "en-GB", "cy": "cy", "bn": "bn"}
# Babel locale used for formatting each language (British English dates and money).
FORMAT_LOCALES: dict[str, str] = {"en": "en_GB", "cy": "cy_GB", "bn": "bn_BD"}

babel = Babel()

__all__ = [
    "HTML_LANG",
    "COOKIE_MAX_AGE",
    "COOKIE_NAME",
    "DEFAULT_LOCALE",
    "LANGUAGES",
    "babel",
    "current_language",
    "diet_label",
    "format_locale",
    "html_lang",
    "init_app",
    "known",
    "locale_of",
    "role_name",
    "status_name",
    "select_locale",
    "with_locale",
]


def known(code: object) -> str | None:
    """The language code if it is one we offer, else None."""
    return code if isinstance(code, str) and code in LANGUAGES else None


def select_locale() -> str:
    """The page's language: the person's choice, else the visitor's cookie, else the browser's."""
    if not has_request_context():
        # A command or a background job: English unless a message forces its reader's.
        return DEFAULT_LOCALE
    if current_user and current_user.is_authenticated:
        chosen = known(getattr(current_user, "locale", None))
        if chosen:
            return chosen
    chosen = known(request.cookies.get(COOKIE_NAME))
    if chosen:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT_LOCALE


def current_language() -> str:
    """The language code in force now (a request's, or one forced for a message)."""
    locale = get_locale()
    return known(locale.language if locale is not None else None) or DEFAULT_LOCALE


def html_lang() -> str:
    """The `lang` attribute for the page or message being rendered."""
    return HTML_LANG[current_language()]


def format_locale(code: str | None = None) -> str:
    """The Babel locale for formatting dates, numbers and money in a language."""
    return FORMAT_LOCALES[known(code) or current_language()]


def locale_of(person: object) -> str:
    """The language a person reads their messages in (English when they have not chosen)."""
    return known(getattr(person, "locale", None)) or DEFAULT_LOCALE


def with_locale(code: str | None) -> force_locale:
    """Render something (a message) in another person's language: `with with_locale(x): ...`."""
    return force_locale(known(code) or DEFAULT_LOCALE)


def init_app(app: Flask) -> None:
    """Bind Flask-Babel, and give templates the language list and the page's language."""
    babel.init_app(app, locale_selector=select_locale, default_locale=DEFAULT_LOCALE)
    # Marked for extraction here; Flask-Login translates it through localize_callback.
    N_("Please log in to see that page.")
    # {% trans %} blocks collapse their whitespace, so msgids are the sentences themselves.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.globals["languages"] = LANGUAGES
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["html_lang"] = html_lang


def role_name(role: object) -> str:
    """A role ("cook", "carer"...) in the page's language, for "Logged in as ..."."""
    value = getattr(role, "value", role)
    names = {
        "cook": gettext("cook"),
        "diner": gettext("diner"),
        "carer": gettext("carer"),
        "coordinator": gettext("coordinator"),
        "admin": gettext("admin"),
    }
    return names.get(str(value), str(value))


def diet_label(tag: str) -> str:
    """A dietary tag's label ("Vegetarian", "Halal"...) in the page's language."""
    labels = {
        "vegetarian": gettext("Vegetarian"),
        "vegan": gettext("Vegan"),
        "halal": gettext("Halal"),
        "kosher": gettext("Kosher"),
        "gluten-free": gettext("Gluten-free"),
        "nut-free": gettext("Nut-free"),
        "dairy-free": gettext("Dairy-free"),
        "diabetic-friendly": gettext("Diabetic-friendly"),
        "soft-pureed": gettext("Soft / pureed"),
    }
    return labels.get(tag, tag)


def status_name(status: object) -> str:
    """A pairing's status ("active", "paused"...) in the page's language."""
    value = str(getattr(status, "value", status))
    names = {
        "proposed": gettext("proposed"),
        "approved": gettext("approved"),
        "cook_accepted": gettext("cook accepted"),
        "active": gettext("active"),
        "paused": gettext("paused"),
        "ended": gettext("ended"),
        "declined": gettext("declined"),
    }
    return names.get(value, value.replace("_", " "))
