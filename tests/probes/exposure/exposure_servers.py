"""Real loopback servers for the `ports` and `exposure` probe tests (context managers, daemon threads).

- `WebSite`: an HTTP(S) server answering from a route table (path -> status, headers, body), with a
  404 page or a soft-404 mode (200 for everything), recording the Host headers it saw.
- `TcpService`: a TCP service that sends a banner (SSH-like), speaks a little Redis, or accepts and
  never answers.
Addresses come from 127.0.9.x so they never collide with the shared fixtures' 127.0.1.x onwards.
"""

from __future__ import annotations

import http.server
import itertools
import socket
import socketserver
import ssl
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from audit.demo.certs import make_ca, make_leaf
from audit.demo.servers import BannerListener, server_tls_context

_counter = itertools.count(10)


def loopback_address() -> str:
    """A fresh 127.0.9.x address for one test."""
    n = next(_counter)
    return f"127.0.{9 + n // 240}.{n % 240 + 10}"


def closed_port(address: str) -> int:
    """A port with nothing listening on `address` (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


@dataclass
class Route:
    """One canned answer."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    delay_seconds: float = 0.0
    """Wait this long before answering (a path that hangs)."""


HOME = b"<!DOCTYPE html><html><head><title>Tin t\xe1\xbb\xa9c</title></head><body><h1>Tin t\xe1\xbb\xa9c</h1></body></html>"
NOT_FOUND = b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>"


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type, tls: ssl.SSLContext | None) -> None:
        self._tls = tls
        super().__init__(address, handler)

    def finish_request(self, request: socket.socket, client_address: object) -> None:  # type: ignore[override]
        request.settimeout(10)
        if self._tls is not None:
            try:
                request = self._tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)

    def handle_error(self, request: object, client_address: object) -> None:
        return


class WebSite:
    """An HTTP(S) site on `address` answering from `routes`.

    Unknown paths get a 404; with `soft_404=True` the home page with status 200; with
    `soft_404="redirect"` a 302 to the home page (both common on news sites).
    """

    def __init__(self, address: str, routes: dict[str, Route], *, soft_404: bool | str = False,
                 not_found: bytes = NOT_FOUND, tls_folder: Path | None = None, host: str = "baochi.test") -> None:
        self.routes = routes
        self.hosts_seen: list[str] = []
        self.paths_seen: list[str] = []
        site = self
        tls = None
        if tls_folder is not None:
            cert, key = make_leaf([host], make_ca("exposure test CA")).write(tls_folder, f"{host}-{address}")
            tls = server_tls_context(cert, key)

        class Handler(http.server.BaseHTTPRequestHandler):
            server_version = "nginx"
            sys_version = ""
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                site.hosts_seen.append(self.headers.get("Host", ""))
                site.paths_seen.append(self.path)
                route = site.routes.get(self.path)
                if route is None and soft_404 == "redirect":
                    route = Route(302, b"", {"Location": "/"})
                if route is None:
                    echo = self.path.encode("utf-8", "replace")
                    route = Route(200, HOME.replace(b"</body>", b"<p>" + echo + b"</p></body>")) if soft_404 \
                        else Route(404, not_found)
                if route.delay_seconds:
                    time.sleep(route.delay_seconds)
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                return

        self.server = _Server((address, 0), Handler, tls)
        self.address, self.port = str(self.server.server_address[0]), int(self.server.server_address[1])
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> WebSite:
        self._thread.start()
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()


class TcpService(BannerListener):
    """A TCP service on (address, port): mode 'banner' (send and close), 'redis', or 'silent'."""

    def __init__(self, address: str, port: int = 0, mode: str = "banner", banner: bytes = b"",
                 redis_version: str = "6.0.16") -> None:
        super().__init__(address, port, banner, stall=mode == "silent")
        self.mode, self.redis_version = mode, redis_version

    def _handle(self, conn: socket.socket) -> None:
        threading.Thread(target=self._talk, args=(conn,), daemon=True).start()

    def _talk(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            if self.mode == "banner":
                conn.sendall(self.banner)
                conn.recv(256)  # wait for the client to go, as a real SSH server would
                return
            while True:  # 'redis': answer inline and RESP commands like Redis does
                data = conn.recv(1024)
                if not data:
                    return
                words = [w for w in data.decode("latin-1").replace("\r", "").split("\n") if w and w[0] not in "*$"]
                words = words if data.startswith(b"*") else data.decode("latin-1").split()
                command = words[0].lower() if words else ""
                if command == "info":
                    text = f"# Server\r\nredis_version:{self.redis_version}\r\nredis_mode:standalone\r\n"
                    conn.sendall(f"${len(text)}\r\n{text}\r\n".encode())
                elif command == "ping":
                    conn.sendall(b"+PONG\r\n")
                elif command == "get":
                    conn.sendall(b"-ERR wrong number of arguments for 'get' command\r\n")
                else:
                    conn.sendall(f"-ERR unknown command '{command}'\r\n".encode())
        except OSError:
            return
        finally:
            conn.close()

class DroppingPort:
    """A port that drops connection attempts (a firewalled port): a listen(0) queue kept full.

    Linux drops SYNs to a listener whose accept queue is full, so connects time out as they do
    against a DROP firewall rule, without touching the system's firewall.
    """

    def __init__(self, address: str) -> None:
        self.sock = socket.socket()
        self.sock.bind((address, 0))
        self.sock.listen(0)
        self.address, self.port = self.sock.getsockname()[:2]
        self._filler = socket.socket()

    def __enter__(self) -> DroppingPort:
        self._filler.settimeout(2)
        self._filler.connect((self.address, self.port))  # fills the queue; nothing ever accepts
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self._filler.close()
        self.sock.close()
