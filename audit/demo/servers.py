"""Small real servers on loopback for the demo outlets and the tests: HTTPS, HTTP and bare listeners.

Each server runs in a daemon thread and is a context manager, so a test or the demo starts it,
audits it, and stops it. They speak real TLS (Python's `ssl`) and real HTTP (`http.server`).
"""

from __future__ import annotations

import datetime as dt
import http.server
import selectors
import socket
import socketserver
import ssl
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Mapping


@dataclass
class SiteConfig:
    """How a demo HTTP(S) server answers: status, headers, body, or a redirect."""

    headers: Mapping[str, str] = field(default_factory=dict)
    body: str = "<!DOCTYPE html><html><head><title>Tin tức</title></head><body><h1>Tin tức</h1></body></html>"
    redirect_to: str | None = None
    server_header: str = "nginx"
    files: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    """Paths answered with their own (content type, body) instead of `body`, e.g. a security.txt."""


def security_txt_files(contact: str = "mailto:atttt@bao-mau.test", days: int = 180) -> dict[str, tuple[str, str]]:
    """A valid RFC 9116 security.txt (Contact, an Expires `days` ahead) at its well-known path."""
    expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = f"Contact: {contact}\nExpires: {expires}\nPreferred-Languages: vi, en\n"
    return {"/.well-known/security.txt": ("text/plain; charset=utf-8", text)}


def _handler(config: SiteConfig) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        server_version = config.server_header
        sys_version = ""
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self.server.arrivals.append(time.monotonic())  # type: ignore[attr-defined]
            if config.redirect_to is not None:
                self.send_response(301)
                self.send_header("Location", config.redirect_to + self.path.lstrip("/"))
                self.send_header("Content-Length", "0")
                self._common_headers()
                self.end_headers()
                return
            content_type, text = config.files.get(self.path.split("?")[0], ("text/html; charset=utf-8", config.body))
            body = text.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self._common_headers()
            self.end_headers()
            self.wfile.write(body)

        def _common_headers(self) -> None:
            for name, value in config.headers.items():
                self.send_header(name, value)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet servers
            return

    return Handler


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type, tls: ssl.SSLContext | None) -> None:
        self._tls = tls
        self.arrivals: list[float] = []
        """When each GET arrived (time.monotonic()), for benchmarks that check the per-host rate."""
        super().__init__(address, handler)

    def get_request(self) -> tuple[socket.socket, object]:
        sock, addr = self.socket.accept()
        sock.settimeout(10)
        return sock, addr

    def finish_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        # The TLS handshake happens in the worker thread, so a stalled client blocks nobody.
        if self._tls is not None:
            try:
                request = self._tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)

    def handle_error(self, request: object, client_address: object) -> None:
        return  # scanners close connections abruptly; that is not an error worth printing


def server_tls_context(
    cert_file: Path, key_file: Path, min_version: ssl.TLSVersion = ssl.TLSVersion.TLSv1_2
) -> ssl.SSLContext:
    """A server context; versions below TLS 1.2 are enabled with `@SECLEVEL=0`, as old servers do."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = min_version
    if min_version < ssl.TLSVersion.TLSv1_2:
        ctx.set_ciphers("ALL:@SECLEVEL=0")
    ctx.load_cert_chain(str(cert_file), str(key_file))
    return ctx


class WebServer:
    """An HTTP or HTTPS server on `address:port` in a background thread (context manager)."""

    def __init__(self, address: str, port: int, config: SiteConfig, tls: ssl.SSLContext | None = None) -> None:
        self.server = _Server((address, port), _handler(config), tls)
        self.address, self.port = self.server.server_address[:2]
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)

    def start(self) -> "WebServer":
        """Start serving; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> "WebServer":
        return self.start()

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


class ServerGroup:
    """Many `WebServer`s served by one thread, a selector over their sockets (context manager).

    A thread per server polls its socket ten times a second: harmless for the demo's few servers, a
    CPU of its own for a benchmark fleet of 2,000. The group's servers must not be started on their own.
    """

    def __init__(self, servers: list[WebServer]) -> None:
        self.servers = servers
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        with selectors.DefaultSelector() as selector:
            for web in self.servers:
                selector.register(web.server, selectors.EVENT_READ, web.server)
            while not self._stopping.is_set():
                for key, _ in selector.select(0.2):
                    key.data._handle_request_noblock()  # accept, then a thread per request

    def start(self) -> "ServerGroup":
        """Start serving every server; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every socket."""
        self._stopping.set()
        self._thread.join()
        for web in self.servers:
            web.server.server_close()

    def __enter__(self) -> "ServerGroup":
        return self.start()

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


class BannerListener:
    """A TCP listener that sends `banner` (if any) to each client and closes: a stand-in service."""

    def __init__(self, address: str, port: int, banner: bytes = b"", stall: bool = False) -> None:
        self.sock = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((address, port))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.address, self.port = self.sock.getsockname()[:2]
        self.banner = banner
        self.stall = stall
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            if self.stall:
                self._held.append(conn)  # accept and never answer
                continue
            self._handle(conn)

    def _handle(self, conn: socket.socket) -> None:
        """Serve one accepted connection: send the banner and close. Subclasses speak more."""
        try:
            if self.banner:
                conn.sendall(self.banner)
        except OSError:
            pass
        finally:
            conn.close()

    def start(self) -> "BannerListener":
        """Start accepting; returns self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting and close every socket."""
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self._held:
            conn.close()
        self.sock.close()

    def __enter__(self) -> "BannerListener":
        return self.start()

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def free_port(address: str = "127.0.0.1") -> int:
    """A TCP port that is free on `address` right now."""
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])
