"""Rules for what people type: names, free text, phone numbers, passwords and e-mail case.

Each rule answers with the reason a value cannot be accepted (shown next to the field), or
None. Forms (casserole.auth.validators) and services use the same rules.
"""

from __future__ import annotations

import unicodedata

import phonenumbers
from flask_babel import gettext


def normalise_email(email: str) -> str:
    """Trim and lower-case an e-mail address for storage and lookup."""
    return email.strip().lower()


PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
# Passwords of ten or more characters that appear near the top of public breach lists;
# shorter ones already fail the length rule.
COMMON_PASSWORDS = frozenset(
    {
        "1234567890",
        "0987654321",
        "12345678910",
        "123456789a",
        "1234567890a",
        "123456789012",
        "1111111111",
        "0000000000",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qwertyuiop",
        "qwerty1234",
        "qwerty12345",
        "qwerty123456",
        "asdfghjkl1",
        "abcdefghij",
        "abcd123456",
        "password12",
        "password123",
        "password1234",
        "password12345",
        "passw0rd123",
        "iloveyou12",
        "iloveyou123",
        "letmein123",
        "welcome123",
        "welcome1234",
        "football123",
        "sunshine12",
        "sunshine123",
        "princess123",
        "monkey12345",
        "dragon12345",
        "superman123",
        "starwars123",
        "administrator",
        "changeme123",
        "trustno1234",
        "liverpool123",
        "chelsea123",
        "arsenal123",
        "casserole123",
        "correcthorsebatterystaple",
    }
)
_NAME_PUNCTUATION = frozenset(" '’-.")
_TEXT_CONTROLS_ALLOWED = frozenset("\n\r\t")
# U+202A-U+202E (embeddings and overrides) and U+2066-U+2069 (isolates).
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_PHONE_CHARS = frozenset("0123456789 +()-")


def tidy_text(value: str | None) -> str:
    """Trim surrounding space and normalise to NFC, so "Zoë" is stored one way whoever typed it."""
    return unicodedata.normalize("NFC", (value or "").strip())


def name_problem(name: str) -> str | None:
    """Why a person's name cannot be accepted, or None: letters in any script, spaces, ' - ."""
    if not name:
        return gettext("Enter a name.")
    for char in name:
        if unicodedata.category(char)[0] in "LM" or char in _NAME_PUNCTUATION:
            continue
        if unicodedata.category(char)[0] == "C":
            return gettext("Names cannot contain control characters.")
        return gettext("Names can contain letters, spaces, hyphens and apostrophes only.")
    if not any(unicodedata.category(char)[0] == "L" for char in name):
        return gettext("Enter a name with at least one letter.")
    return None


def text_problem(text: str) -> str | None:
    """Why free text cannot be accepted (control or direction-override characters), or None.

    Emoji and every script are welcome, and so are the ordinary right-to-left marks; the
    embedding, override and isolate controls can make a note display in a different order
    from the one it was written in (a "Trojan Source" trick), so they are refused.
    """
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in _TEXT_CONTROLS_ALLOWED:
            return gettext("This contains a control character; please retype it.")
        if char in _BIDI_CONTROLS:
            return gettext(
                "This contains an invisible character that changes the direction of the "
                "text; please retype it without pasting."
            )
    return None


# Ofcom keeps these ranges for drama and examples (07700 900000-900999, 01632 960000-960999):
# real in format, never a person's. phonenumbers calls them invalid; training and test data
# use them, so they are let through (Notify refuses them as it would any unused number).
_OFCOM_EXAMPLE_PREFIXES = ("7700900", "1632960")
PHONE_EXAMPLE = "020 7946 0000 or 07700 900123"


def _parse_phone(phone: str) -> phonenumbers.PhoneNumber | None:
    """The number as phonenumbers reads it (UK unless it starts with +), if it is a real one."""
    try:
        number = phonenumbers.parse(phone, "GB")
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.is_valid_number(number):
        return number
    national = str(number.national_number)
    if (
        number.country_code == 44
        and national.startswith(_OFCOM_EXAMPLE_PREFIXES)
        and phonenumbers.is_possible_number(number)
    ):
        return number
    return None


def phone_problem(phone: str) -> str | None:
    """Why a phone number cannot be accepted, or None: a real UK number (or +country code)."""
    phone = (phone or "").strip()
    if not phone:
        return None
    if any(char not in _PHONE_CHARS for char in phone):
        return gettext(
            "Enter a phone number using digits, spaces and + only, like %(example)s.",
            example=PHONE_EXAMPLE,
        )
    digits = sum(char.isdigit() for char in phone)
    if not 7 <= digits <= 15:
        return gettext(
            "Enter a phone number of 7 to 15 digits, like %(example)s.", example=PHONE_EXAMPLE
        )
    if _parse_phone(phone) is None:
        return gettext(
            "That is not a UK phone number we can use: check the digits, like %(example)s"
            " (numbers abroad start with + and the country code).",
            example=PHONE_EXAMPLE,
        )
    return None


def is_mobile(phone: str) -> bool:
    """True for a UK mobile number (07...), the only kind a text message can reach."""
    number = _parse_phone((phone or "").strip()) if phone else None
    if number is None or number.country_code != 44:
        return False
    kind = phonenumbers.number_type(number)
    return kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ) or str(number.national_number).startswith("7700900")


def normalise_phone(phone: str | None) -> str:
    """A phone number in one written form: "020 7946 0000" in the UK, "+33 1 42 68 53 00" abroad.

    Call only after `phone_problem` passed; an empty or unreadable value comes back trimmed.
    """
    phone = (phone or "").strip()
    number = _parse_phone(phone) if phone else None
    if number is None:
        return phone
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def password_problem(password: str, email: str = "") -> str | None:
    """Why a new password is too weak, or None: at least 10 characters and not a common one."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return gettext(
            "Use at least %(count)s characters: a few words together work well.",
            count=PASSWORD_MIN_LENGTH,
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        return gettext("Use at most %(count)s characters.", count=PASSWORD_MAX_LENGTH)
    folded = password.casefold()
    squashed = "".join(folded.split())
    if folded in COMMON_PASSWORDS or squashed in COMMON_PASSWORDS or len(set(folded)) == 1:
        return gettext("That password is too common and easy to guess; choose another.")
    if email and folded == normalise_email(email):
        return gettext("Do not use your e-mail address as your password.")
    return None
