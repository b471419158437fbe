"""A real SMTP server for tests, listening on a loopback port that is bound once."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


class Inbox:
    """Messages received by the test SMTP server, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """aiosmtpd hook: parse and keep each message."""
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


class BoundController(Controller):
    """aiosmtpd's threaded Controller serving on a socket the caller has already bound.

    aiosmtpd 1.4 cannot listen on port 0 (its start-up probe connects to the port it was
    given), and choosing a free port, closing it and binding again lets something else take
    the port in between. Handing asyncio the bound socket leaves no gap.
    """

    def __init__(self, handler: Any, sock: socket.socket) -> None:
        host, port = sock.getsockname()[:2]
        super().__init__(handler, hostname=host, port=port)
        self.sock = sock

    def _create_server(self) -> Any:
        return self.loop.create_server(self._factory_invoker, sock=self.sock)


@contextmanager
def serve() -> Iterator[tuple[Inbox, int]]:
    """Run an SMTP server on 127.0.0.1 at a port the kernel picks; yield its inbox and port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", 0))
        inbox = Inbox()
        controller = BoundController(inbox, sock)
        controller.start()
        try:
            yield inbox, controller.port
        finally:
            controller.stop()
    finally:
        sock.close()


# A password that passes every rule, for tests that set a new one.
NEW_PASSWORD = "rhubarb and custard forever"


def link_in(message: object) -> str:
    """The path of the link in a received e-mail (the host is PUBLIC_BASE_URL's)."""
    body = message.get_body(  # type: ignore[attr-defined]
        ("plain",)).get_content()
    url = re.search(r"https?://\S+", body).group(0)
    return "/" + url.split("/", 3)[3]
