"""Local receivers for alert tests: an aiosmtpd server that requires STARTTLS, and an HTTP server
that checks each webhook's HMAC. Both on this issue's loopback range."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import http.server
import json
import ssl
import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from audit.demo.certs import KeyPair, make_leaf
from audit.demo.servers import free_port


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.tls_seen: list[bool] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.tls_seen.append(session.ssl is not None)
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 OK"


class SmtpServer:
    """aiosmtpd on `address`, offering and requiring STARTTLS with a certificate from `ca`."""

    def __init__(self, address: str, ca: KeyPair, folder: Path) -> None:
        cert, key = make_leaf([address], ca).write(folder, "smtp")
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(cert), str(key))
        self.inbox = _Inbox()
        self.address, self.port = address, free_port(address)
        self.controller = Controller(self.inbox, hostname=address, port=self.port, tls_context=context,
                                     require_starttls=True, server_hostname=address)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class WebhookServer:
    """Records each POST whose `X-L3audit-Signature` is the HMAC-SHA256 of its body under `secret`."""

    def __init__(self, address: str, secret: str) -> None:
        self.received: list[dict[str, Any]] = []
        self.rejected = 0
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
                if hmac.compare_digest(expected, self.headers.get("X-L3audit-Signature", "")):
                    outer.received.append(json.loads(body))
                    self.send_response(204)
                else:
                    outer.rejected += 1
                    self.send_response(401)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer((address, 0), Handler)
        self.url = f"http://{address}:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def __enter__(self) -> WebhookServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
