"""The Welsh and Bengali catalogs: complete, not fuzzy, placeholders intact, and not stale.

When this fails after new pages or messages: run `make translations`, translate the msgids
listed here in casserole/translations/<lang>/LC_MESSAGES/messages.po, run it again, commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from casserole.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "casserole" / "translations"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "_l": None,
    "lazy_gettext": None,
    "_ln": (1, 2),
    "lazy_ngettext": (1, 2),
}
TRANSLATED = sorted(code for code in LANGUAGES if code != "en")


def extracted() -> set[str]:
    """Every msgid in the code and templates now (what `make translations` would extract)."""
    with open(ROOT / "babel.cfg") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    catalog = Catalog()
    for _file, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        catalog.add(message, context=context)
    return {_key(m.id) for m in catalog if m.id}


def _key(msgid: str | tuple[str, ...] | list[str]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def _strings(string: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return (string,) if isinstance(string, str) else tuple(string)


def _po(code: str) -> Catalog:
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return read_po(fh, locale=code)


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated_and_not_fuzzy(code: str) -> None:
    """Each msgid has a translation in every plural form, none fuzzy, placeholders matching."""
    problems = []
    for message in _po(code):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {_key(message.id)!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {_key(message.id)!r}")
        else:
            for error in message.check():
                problems.append(f"{error}: {_key(message.id)!r}")
    assert not problems, f"{code} catalog needs work:\n" + "\n".join(problems)


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_is_not_stale_against_the_code_and_templates(code: str) -> None:
    """The catalog holds exactly the msgids the code and templates use today."""
    now = extracted()
    held = {_key(m.id) for m in _po(code) if m.id}
    missing = sorted(now - held)
    obsolete = sorted(held - now)
    assert not missing and not obsolete, (
        f"{code} catalog is stale; run `make translations` and translate.\n"
        + "".join(f"missing in {code}: {m!r}\n" for m in missing)
        + "".join(f"no longer used, remove from {code}: {m!r}\n" for m in obsolete)
    )


@pytest.mark.parametrize("code", TRANSLATED)
def test_compiled_catalog_matches_the_po_file(code: str) -> None:
    """The shipped .mo says what the .po says (a fresh clone needs no compile step)."""
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.mo", "rb") as fh:
        compiled = {_key(m.id): _strings(m.string) for m in read_mo(fh) if m.id}
    written = {_key(m.id): _strings(m.string) for m in _po(code) if m.id and not m.fuzzy}
    assert compiled == written, f"{code}: run `make translations` to compile messages.mo"


def test_a_page_and_a_message_come_out_in_each_language(app, client) -> None:
    """The switch works: the home page in Welsh, then Bengali; <html lang> follows."""
    client.set_cookie("lang", "cy")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="cy">' in page and "Prydau cartref" in page
    client.set_cookie("lang", "bn")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="bn">' in page and "ঘরে রান্না খাবার" in page


def test_each_person_gets_their_message_in_their_own_language(app, database) -> None:
    """A proposal goes out while an English page is in force: each reader gets their own."""
    from sqlalchemy import select

    from casserole.models import OutboundEmail, PairingStatus, Role
    from casserole.services import notifications
    from tests.support import factories as f

    area = f.area()
    welsh_cook = f.cook(area, user=f.user(Role.COOK, first_name="Gwen", locale="cy"))
    bengali_carer = f.user(Role.CARER, first_name="Rahima", locale="bn")
    diner = f.diner(area, carer=bengali_carer, first_name="Abdul")
    pairing = f.pairing(welsh_cook, diner, PairingStatus.ACTIVE)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        notifications.active_to_both(pairing)
        database.session.flush()
        sent = {
            m.to_address: m
            for m in database.session.scalars(
                select(OutboundEmail).where(OutboundEmail.pairing_id == pairing.id)
            )
        }
    to_cook = sent[welsh_cook.user.email]
    assert to_cook.subject == "Rydych chi bellach yn coginio i Abdul"
    assert "Helo Gwen," in to_cook.text_body and '<html lang="cy">' in to_cook.html_body
    to_carer = sent[bengali_carer.email]
    assert to_carer.subject == "Gwen এখন Abdul-এর রাঁধুনি"
    assert "প্রিয় Rahima," in to_carer.text_body and "Gwen এখন Abdul-এর রাঁধুনি" in to_carer.text_body


@pytest.mark.parametrize(
    ("code", "when", "days", "money", "distance"),
    [
        (
            "en",
            "Tuesday 3 December 2024",
            "Monday, Wednesday and Thursday",
            "£1,234.50",
            "1.0 mile",
        ),
        (
            "cy",
            "Dydd Mawrth 3 Rhagfyr 2024",
            "Dydd Llun, Dydd Mercher a Dydd Iau",
            "£1,234.50",
            "1.0 milltir",
        ),
        ("bn", "মঙ্গলবার 3 ডিসেম্বর 2024", "সোমবার, বুধবার এবং বৃহস্পতিবার", "1,234.50£", "1.0 মাইল"),
    ],
)
def test_dates_days_money_and_miles_are_written_the_language_s_way(
    app, code, when, days, money, distance
) -> None:
    """One formatter for each: the language in force decides how they are written."""
    from datetime import date

    from casserole import formatting
    from casserole.i18n import with_locale

    with app.test_request_context("/"), with_locale(code):
        assert formatting.long_date(date(2024, 12, 3)) == when
        assert formatting.day_list({0, 2, 3}) == days
        assert formatting.money(123450) == money
        assert formatting.miles(formatting.miles_to_km(1)) == distance


def test_the_switch_remembers_the_choice_and_goes_back_only_to_this_site(
    client, database, auth
) -> None:
    """Visitors keep it in a cookie, people on their account; odd input is a 400 or home."""
    from casserole.models import Role, User
    from tests.support import factories as f

    refused = client.post("/language", data={"lang": "fr", "next": "/join/"})
    assert refused.status_code == 400
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "/a\x00b"):
        answer = client.post("/language", data={"lang": "cy", "next": target})
        assert answer.status_code == 302 and answer.headers["Location"] == "/"
    answer = client.post("/language", data={"lang": "cy", "next": "/join/?x=1"})
    assert answer.headers["Location"] == "/join/?x=1"
    assert "lang=cy" in answer.headers["Set-Cookie"]

    cook = f.user(Role.COOK, first_name="Gwen")
    database.session.commit()
    auth.login(cook)
    client.post("/language", data={"lang": "bn", "next": "/"})
    database.session.expire_all()
    assert database.session.get(User, cook.id).locale == "bn"
    assert '<html lang="bn">' in client.get("/").get_data(as_text=True)


def test_texts_and_break_notices_are_drawn_in_the_reader_s_language(app, database) -> None:
    """A text message and a break notice, queued from an English page, reach a Welsh reader."""
    from datetime import date

    from flask_babel import lazy_gettext as _l
    from sqlalchemy import select

    from casserole.models import ContactWay, CookBreak, OutboundEmail, PairingStatus, Role
    from casserole.services import notifications
    from casserole.services.pairings.breaks import _span
    from tests.support import factories as f

    area = f.area()
    cook_user = f.user(
        Role.COOK,
        first_name="Gwen",
        locale="cy",
        phone="07700 900123",
        preferred_contact=ContactWay.SMS,
    )
    welsh_carer = f.user(Role.CARER, first_name="Siân", locale="cy")
    diner = f.diner(area, carer=welsh_carer, first_name="Ifor")
    pairing = f.pairing(f.cook(area, user=cook_user), diner, PairingStatus.APPROVED)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        notifications.proposal_to_cook(pairing)
        # The break's dates are lazy too: written out in Welsh for this reader.
        cook_break = CookBreak(first_day=date(2026, 12, 7), last_day=date(2026, 12, 11))
        notifications.break_notice(
            pairing,
            [welsh_carer],
            _l("%(name)s is taking a break from cooking", name="Gwen"),
            _l("from %(first)s to %(last)s", first="A", last="B"),
            _span(cook_break),
        )
        database.session.flush()
        rows = list(
            database.session.scalars(
                select(OutboundEmail)
                .where(OutboundEmail.pairing_id == pairing.id)
                .order_by(OutboundEmail.id)
            )
        )
    text, notice = rows
    assert text.channel != ContactWay.EMAIL
    assert "Hoffech chi goginio i Ifor?" in text.text_body
    assert notice.subject == "Mae Gwen yn cymryd seibiant o goginio"
    assert "o A i B" in notice.text_body
    assert "o Dydd Llun 7 Rhagfyr 2026 i Dydd Gwener 11 Rhagfyr 2026" in notice.text_body
