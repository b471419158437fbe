"""GOV.UK Notify: e-mail, texts and letters through `notifications-python-client`.

Switched on by NOTIFY_API_KEY. Each channel uses one Notify template whose body is the
placeholders this module fills: e-mail `((subject))` and `((body))`, SMS `((body))`, letter
`((subject))` and `((body))` under the address (address_line_1 .. address_line_7, the
postcode last, which Notify requires). The text itself is rendered here, so Notify holds
three small templates rather than one per message.
"""

from __future__ import annotations

from typing import Any

from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from casserole.models import ContactWay, OutboundEmail

DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"


class SendError(Exception):
    """A message that did not go: `permanent` ones (a bad number or address) are not retried."""

    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def _client(config: Any) -> NotificationsAPIClient:
    return NotificationsAPIClient(
        config["NOTIFY_API_KEY"],
        base_url=config.get("NOTIFY_BASE_URL") or DEFAULT_BASE_URL,
        timeout=float(config.get("NOTIFY_TIMEOUT", 10)),
    )


def letter_personalisation(row: OutboundEmail) -> dict[str, str]:
    """address_line_1..7 from the row's address (postcode last), with the subject and body."""
    lines = [line for line in row.postal_address.splitlines() if line.strip()][:7]
    fields = {f"address_line_{i}": line for i, line in enumerate(lines, start=1)}
    return {**fields, "subject": row.subject, "body": row.text_body}


def _reason(err: APIError) -> str:
    """Notify's own words: "ValidationError: phone_number Not a UK mobile number"."""
    message = err.message
    if isinstance(message, list):
        parts = [f"{e.get('error', 'Error')}: {e.get('message', '')}" for e in message]
        return "; ".join(parts)[:1000]
    return f"{err.status_code}: {message}"[:1000]


def send(row: OutboundEmail, config: Any) -> str:
    """Send one row through Notify; returns Notify's notification id or raises SendError.

    A 400 is the message's own fault (bad number, bad address): permanent. A 429, a 5xx,
    a timeout or a refused connection may pass: the caller retries with back-off.
    """
    template_key = f"NOTIFY_{row.channel.value.upper()}_TEMPLATE_ID"
    if not config.get(template_key):
        # A setting missing is the service's fault, not the message's: keep it and retry.
        raise SendError(f"{template_key} is not set", permanent=False)
    client = _client(config)
    reference = f"casserole-{row.id}"  # Notify asks for no personal data in references
    try:
        if row.channel == ContactWay.SMS:
            answer = client.send_sms_notification(
                row.to_phone,
                config[template_key],
                personalisation={"body": row.text_body},
                reference=reference,
            )
        elif row.channel == ContactWay.LETTER:
            answer = client.send_letter_notification(
                config[template_key],
                letter_personalisation(row),
                reference=reference,
            )
        else:
            answer = client.send_email_notification(
                row.to_address,
                config[template_key],
                personalisation={"subject": row.subject, "body": row.text_body},
                reference=reference,
            )
    except APIError as err:
        raise SendError(_reason(err), permanent=err.status_code == 400) from err
    return str((answer or {}).get("id", ""))[:64]
