"""Real HTTP and HTTPS test servers on 127.0.0.x for the `http` probe's tests.

Each site is a pair of listeners (plain and TLS) on one loopback address, answering from a table
of canned replies, so that a test states exactly which headers a site sends. Replies are written
byte for byte, which lets a site repeat headers, send invalid bytes, 5 MB of headers, a body that
never ends or never starts. Certificates come from a throwaway CA made with `cryptography`; the
same CA file is given to our probe (`ca_file`) and to Node (`NODE_EXTRA_CA_CERTS`), so both see a
valid certificate unless a site asks for a self-signed one.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HTML = "text/html; charset=utf-8"
MAX_STREAM_SECONDS = 20.0
"""Hostile replies (endless body, silent body) stop by themselves after this long."""


@dataclass(frozen=True)
class Reply:
    """A canned reply. Header values may use {http}, {https} (this site's roots) and {other}."""

    status: int = 200
    headers: tuple[tuple[str, str], ...] = (("Content-Type", HTML),)
    body: bytes = b"<!doctype html><title>t</title><p>ok</p>"
    mode: str = "normal"
    """'normal', 'endless' (body never ends), 'silent' (headers, then no body), or 'raw'."""
    raw: bytes = b""
    """For mode 'raw': the whole response, sent as is."""
    first: tuple["Reply", ...] = ()
    """Replies given, in order, to the first requests for this path, before this one (a throttle that lifts)."""


@dataclass
class Site:
    """A test site: replies per path for each scheme (None: no listener; path "*": every other path), and for OPTIONS."""

    name: str
    https: dict[str, Reply] | None = None
    http: dict[str, Reply] | None = None
    options: Reply = field(default_factory=lambda: Reply(status=204, headers=(), body=b""))
    self_signed: bool = False
    http2: bool = False
    """Offer HTTP/2 by ALPN on the TLS listener (answered with the `h2` library)."""
    links: dict[str, str] = field(default_factory=dict)
    """Extra placeholders, such as {other} for another site's root."""


@dataclass
class Running:
    """Where a started site listens."""

    host: str
    http_port: int | None
    https_port: int | None
    hits: list[tuple[str, str, str]] = field(default_factory=list)
    """(scheme, method, path) of every request received, to check the scope guard."""

    @property
    def http_root(self) -> str:
        return f"http://{self.host}:{self.http_port}"

    @property
    def https_root(self) -> str:
        return f"https://{self.host}:{self.https_port}"


@dataclass(frozen=True)
class Certificates:
    """Files of a throwaway PKI: CA, a leaf for every 127.0.0.x and localhost, a self-signed leaf."""

    ca: Path
    cert: Path
    key: Path
    self_signed_cert: Path
    self_signed_key: Path


def make_certificates(directory: Path) -> Certificates:
    """Create the CA and leaf certificates (EC P-256, fast to make) in `directory`."""
    now = datetime.datetime.now(datetime.UTC)
    names = [x509.DNSName("localhost")] + [x509.IPAddress(ipaddress.ip_address(f"127.0.0.{i}")) for i in range(1, 255)]

    def build(subject: str, issuer_key: ec.EllipticCurvePrivateKey | None, issuer: x509.Name | None,
              ca: bool) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer or name)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if ca:
            builder = builder.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), True)
        else:
            builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
            builder = builder.add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), False)
        return builder.sign(issuer_key or key, hashes.SHA256()), key

    ca_cert, ca_key = build("l3audit test CA", None, None, True)
    leaf, leaf_key = build("l3audit test server", ca_key, ca_cert.subject, False)
    lone, lone_key = build("l3audit self-signed", None, None, False)

    def write(path: Path, cert: x509.Certificate | None = None, key: ec.EllipticCurvePrivateKey | None = None) -> Path:
        if cert is not None:
            path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        if key is not None:
            path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                               serialization.NoEncryption()))
        return path

    return Certificates(write(directory / "ca.pem", ca_cert), write(directory / "leaf.pem", leaf),
                        write(directory / "leaf.key", key=leaf_key), write(directory / "lone.pem", lone),
                        write(directory / "lone.key", key=lone_key))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def handle(self) -> None:
        sock = self.connection
        if isinstance(sock, ssl.SSLSocket) and sock.selected_alpn_protocol() == "h2":
            self._handle_h2(sock)
        else:
            super().handle()

    def _handle_h2(self, sock: ssl.SSLSocket) -> None:
        """A minimal HTTP/2 server (RFC 9113) for small canned replies, via the h2 library."""
        import h2.config
        import h2.connection
        import h2.events

        conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        conn.initiate_connection()
        try:
            sock.sendall(conn.data_to_send())
            while True:
                data = sock.recv(65535)
                if not data:
                    return
                for event in conn.receive_data(data):
                    if isinstance(event, h2.events.RequestReceived):
                        fields = {str(k): str(v) for k, v in event.headers or []}
                        method, path = fields[":method"], fields[":path"]
                        self.server.hits.append(("https", method, path))
                        reply = self.server.options_reply if method == "OPTIONS" else self.server.replies.get(
                            path.split("?")[0], Reply(status=404, headers=(), body=b""))
                        head = [(":status", str(reply.status))]
                        head += [(n.lower(), self.server.fill(v)) for n, v in reply.headers]
                        head.append(("content-length", str(len(reply.body))))
                        conn.send_headers(event.stream_id, head, end_stream=not reply.body)
                        if reply.body:
                            conn.send_data(event.stream_id, reply.body, end_stream=True)
                sock.sendall(conn.data_to_send())
        except (OSError, ssl.SSLError):
            return

    def do_GET(self) -> None:
        self.server.hits.append(("https" if self.server.context else "http", "GET", self.path))
        path = self.path.split("?")[0]
        table = self.server.replies
        reply = table.get(path) or table.get("*") or Reply(status=404, headers=(("Content-Type", "text/plain"),), body=b"not found")
        seen = sum(1 for hit in self.server.hits if hit[2].split("?")[0] == path and hit[:2] == self.server.hits[-1][:2]) - 1
        self._send(reply.first[seen] if seen < len(reply.first) else reply)

    def do_OPTIONS(self) -> None:
        self.server.hits.append(("https" if self.server.context else "http", "OPTIONS", self.path))
        self._send(self.server.options_reply)

    def _send(self, reply: Reply) -> None:
        self.close_connection = True
        try:
            if reply.mode == "raw":
                self.wfile.write(reply.raw)
                return
            lines = [f"HTTP/1.1 {reply.status} X\r\n"]
            for name, value in reply.headers:
                lines.append(f"{name}: {self.server.fill(value)}\r\n")
            if reply.mode == "normal":
                lines.append(f"Content-Length: {len(reply.body)}\r\n")
            elif reply.mode == "silent":
                lines.append("Content-Length: 1000\r\n")
            lines.append("Connection: close\r\n\r\n")
            self.wfile.write("".join(lines).encode("latin-1"))
            if reply.mode == "normal":
                self.wfile.write(reply.body)
            elif reply.mode == "endless":
                deadline = time.monotonic() + MAX_STREAM_SECONDS
                chunk = b"<p>" + b"x" * 16381 + b"\n"
                while time.monotonic() < deadline and not self.server.stopping.is_set():
                    self.wfile.write(chunk)
            elif reply.mode == "silent":
                self.wfile.flush()
                self.server.stopping.wait(MAX_STREAM_SECONDS)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, host: str, replies: dict[str, Reply], options_reply: Reply,
                 context: ssl.SSLContext | None) -> None:
        super().__init__((host, 0), _Handler)
        self.replies = replies
        self.options_reply = options_reply
        self.context = context
        self.placeholders: dict[str, str] = {}
        self.stopping = threading.Event()
        self.hits: list[tuple[str, str, str]] = []

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(), a reverse DNS lookup that can take a
        # tenth of a second per server; the name is never used here.
        import socketserver

        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = str(self.server_address[0]), int(self.server_address[1])

    def fill(self, value: str) -> str:
        for key, replacement in self.placeholders.items():
            value = value.replace("{" + key + "}", replacement)
        return value

    def get_request(self) -> tuple[socket.socket, object]:
        sock, address = super().get_request()
        if self.context is not None:
            sock.settimeout(10)
            try:
                sock = self.context.wrap_socket(sock, server_side=True)
            except (ssl.SSLError, OSError):
                sock.close()
                raise
        return sock, address


@contextlib.contextmanager
def serve(site: Site, host: str, certs: Certificates) -> Iterator[Running]:
    """Start `site` on `host` (a 127.0.0.x address) in threads; stop it on exit."""
    servers: list[_Server] = []
    ports: dict[str, int | None] = {"http": None, "https": None}
    try:
        for scheme in ("http", "https"):
            replies = getattr(site, scheme)
            if replies is None:
                continue
            context = None
            if scheme == "https":
                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                if site.self_signed:
                    context.load_cert_chain(certs.self_signed_cert, certs.self_signed_key)
                else:
                    context.load_cert_chain(certs.cert, certs.key)
                context.set_alpn_protocols(["h2", "http/1.1"] if site.http2 else ["http/1.1"])
            server = _Server(host, replies, site.options, context)
            ports[scheme] = server.server_address[1]
            servers.append(server)
        running = Running(host, ports["http"], ports["https"])
        for server in servers:
            server.placeholders = {"http": running.http_root, "https": running.https_root, **site.links}
            server.hits = running.hits
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        yield running
    finally:
        for server in servers:
            server.stopping.set()
            # Shut down in the background: shutdown() waits for the serve loop's next poll, and
            # the catalogue stops ~150 servers; every reply was already sent and recorded.
            threading.Thread(target=_stop, args=(server,), daemon=True).start()


def _stop(server: _Server) -> None:
    server.shutdown()
    server.server_close()


def probe_facts(site: Site, address: str, certs: Certificates) -> dict[str, Any]:
    """The http probe's facts for `site` served on `address` (HTTPS and plain HTTP)."""
    from audit.models import Target
    from probes.http.probe import HttpProbe
    from probes.interface import ProbeOptions

    with serve(site, address, certs) as running:
        target = Target(host=running.host, port=running.https_port, http_port=running.http_port)
        return dict(asyncio.run(HttpProbe().measure(target, ProbeOptions(timeout_seconds=5, ca_file=str(certs.ca)))).facts)
