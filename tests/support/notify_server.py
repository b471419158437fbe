"""A local stand-in for GOV.UK Notify's API, so the real client library is exercised offline.

It implements the three endpoints the app uses as Notify documents them
(POST /v2/notifications/email, /sms, /letter): the bearer JWT must be HS256-signed with the
key's secret, name the service as `iss`, and carry an `iat` within 30 seconds; payloads are
checked (a UK mobile for texts, at least 3 address lines ending in a UK postcode for
letters, the template's placeholders present); answers use Notify's success and error
shapes. Tests can make the next requests fail with a 429 or a 500.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

SERVICE_ID = "2b3c4d5e-6f70-4a81-92a3-b4c5d6e7f801"
SECRET = "9a8b7c6d-5e4f-4321-8fed-cba987654321"
API_KEY = f"casserole_test-{SERVICE_ID}-{SECRET}"
TEMPLATES = {
    "email": ("0e7d1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a51", ("subject", "body")),
    "sms": ("1f8e2b3c-4d5e-4f60-9b0c-1d2e3f4a5b62", ("body",)),
    "letter": ("2a9f3c4d-5e6f-4071-8c1d-2e3f4a5b6c73", ("subject", "body")),
}
# Notify: the iat claim must be within 30 seconds of its clock.
CLOCK_LEEWAY = 30
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")
_FAILURES = {
    429: {
        "error": "RateLimitError",
        "message": "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds",
    },
    500: {"error": "Exception", "message": "Internal server error"},
}


def config_for(base_url: str) -> dict[str, str]:
    """The app settings that point Notify at this server."""
    return {
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_BASE_URL": base_url,
        "NOTIFY_EMAIL_TEMPLATE_ID": TEMPLATES["email"][0],
        "NOTIFY_SMS_TEMPLATE_ID": TEMPLATES["sms"][0],
        "NOTIFY_LETTER_TEMPLATE_ID": TEMPLATES["letter"][0],
    }


class NotifyRefusal(Exception):
    """An answer in Notify's error shape."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(message)
        self.status, self.error, self.message = status, error, message


def uk_mobile(number: str) -> str | None:
    """Notify's rule for texts: a UK mobile, 07 and 9 more digits (+44 or 0044 allowed)."""
    digits = re.sub(r"[\s()\-.]", "", number)
    for prefix in ("+44", "0044", "44"):
        if digits.startswith(prefix):
            digits = "0" + digits[len(prefix) :].lstrip("0")
            break
    return digits if re.fullmatch(r"07\d{9}", digits) else None


@dataclass
class Received:
    """One notification the server accepted."""

    kind: str
    payload: dict[str, Any]
    id: str


@dataclass
class NotifyServer:
    """The running server: what it accepted, and failures queued for the next requests."""

    base_url: str = ""
    received: list[Received] = field(default_factory=list)
    requests: int = 0
    _failures: list[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, status: int, times: int = 1) -> None:
        """Answer the next `times` requests with a 429 or a 500 (after checking the token)."""
        with self._lock:
            self._failures.extend([status] * times)

    def of_kind(self, kind: str) -> list[Received]:
        """The accepted notifications of one kind: email, sms or letter."""
        return [r for r in self.received if r.kind == kind]

    def _take_failure(self) -> int | None:
        with self._lock:
            self.requests += 1
            return self._failures.pop(0) if self._failures else None

    def handle(self, path: str, headers: Any, body: bytes) -> tuple[int, dict[str, Any]]:
        """Check one request as Notify would and answer with its status and JSON."""
        try:
            kind = _kind(path)
            _check_token(headers.get("Authorization", ""))
            failure = self._take_failure()
            if failure is not None:
                raise NotifyRefusal(failure, **_FAILURES[failure])
            payload = _json(body)
            content = _check_payload(kind, payload)
        except NotifyRefusal as refusal:
            return refusal.status, {
                "status_code": refusal.status,
                "errors": [{"error": refusal.error, "message": refusal.message}],
            }
        notification_id = str(uuid.uuid4())
        with self._lock:
            self.received.append(Received(kind, payload, notification_id))
        template_id = payload["template_id"]
        return 201, {
            "id": notification_id,
            "reference": payload.get("reference"),
            "content": content,
            "uri": f"{self.base_url}/v2/notifications/{notification_id}",
            "template": {
                "id": template_id,
                "version": 1,
                "uri": f"{self.base_url}/v2/template/{template_id}/version/1",
            },
            "scheduled_for": None,
        }


def _kind(path: str) -> str:
    match = re.fullmatch(r"/v2/notifications/(email|sms|letter)", path)
    if match is None:
        raise NotifyRefusal(404, "BadRequestError", "Not Found")
    return match.group(1)


def _check_token(header: str) -> None:
    if not header.startswith("Bearer "):
        raise NotifyRefusal(401, "AuthError", "Unauthorized: authentication token must be provided")
    token = header.removeprefix("Bearer ").strip()
    try:
        claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
    except jwt.InvalidSignatureError as err:
        raise NotifyRefusal(403, "AuthError", "Invalid token: API key not found") from err
    except jwt.PyJWTError as err:
        raise NotifyRefusal(
            403, "AuthError", "Invalid token: signature, api token is not valid"
        ) from err
    if claims.get("iss") != SERVICE_ID:
        raise NotifyRefusal(403, "AuthError", "Invalid token: service not found")
    iat = claims.get("iat")
    if not isinstance(iat, int) or abs(time.time() - iat) > CLOCK_LEEWAY:
        raise NotifyRefusal(
            403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds"
        )


def _json(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body or b"null")
    except ValueError as err:
        raise NotifyRefusal(400, "BadRequestError", "Invalid JSON supplied in POST data") from err
    if not isinstance(payload, dict):
        raise NotifyRefusal(400, "BadRequestError", "Invalid JSON supplied in POST data")
    return payload


def _validation(message: str) -> NotifyRefusal:
    return NotifyRefusal(400, "ValidationError", message)


def _check_payload(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Notify's checks of one request body; the content it would send."""
    template_id, placeholders = TEMPLATES[kind]
    if "template_id" not in payload:
        raise _validation("template_id is a required property")
    if payload["template_id"] != template_id:
        raise NotifyRefusal(400, "BadRequestError", "Template not found")
    personalisation = payload.get("personalisation") or {}
    if not isinstance(personalisation, dict):
        raise _validation("personalisation is not of type object")
    missing = [p for p in placeholders if not personalisation.get(p)]
    if missing:
        raise NotifyRefusal(
            400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}"
        )
    reference = payload.get("reference")
    if reference is not None and not isinstance(reference, str):
        raise _validation("reference is not of type string")
    if kind == "sms":
        if "phone_number" not in payload:
            raise _validation("phone_number is a required property")
        if uk_mobile(str(payload["phone_number"])) is None:
            raise _validation("phone_number Not a UK mobile number")
        return {"body": personalisation["body"], "from_number": "CASSEROLE"}
    if kind == "email":
        address = str(payload.get("email_address", ""))
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
            raise _validation("email_address Not a valid email address")
        return {
            "body": personalisation["body"],
            "subject": personalisation["subject"],
            "from_email": "casserole@notifications.service.gov.uk",
        }
    if not personalisation.get("address_line_1"):
        raise _validation("personalisation address_line_1 is a required property")
    lines = [
        str(personalisation[f"address_line_{i}"]).strip()
        for i in range(1, 8)
        if str(personalisation.get(f"address_line_{i}") or "").strip()
    ]
    if len(lines) < 3:
        raise _validation("Address must be at least 3 lines")
    if not _POSTCODE.match(lines[-1].upper()):
        raise _validation("Last line of address must be a real UK postcode or another country")
    return {"body": personalisation["body"], "subject": personalisation["subject"]}


class _Handler(BaseHTTPRequestHandler):
    server_state: NotifyServer

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        status, answer = self.server_state.handle(self.path, self.headers, self.rfile.read(length))
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        """Quiet: tests read `received`, not the log."""


def start() -> tuple[NotifyServer, ThreadingHTTPServer]:
    """Start a server on a free local port; stop it with `.shutdown()` on the second value."""
    state = NotifyServer()
    handler = type("Handler", (_Handler,), {"server_state": state})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return state, httpd


@contextmanager
def serve() -> Iterator[NotifyServer]:
    """Run the server for a block; it stops afterwards."""
    state, httpd = start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
