"""Misbehaving TLS peers and a counting relay for the TLS probe's tests and benchmark.

`HostileServer` misbehaves in one way per instance: reset, stall, stall mid-handshake, garbage,
a 16 MB handshake message, a record over the size limit, an SSH banner, an HTTP response, a silent
close, or a fake TLS 1.2 server vulnerable to Heartbleed and CCS injection (answers by hand, no
real crypto). `Relay` forwards to a server and counts connections (total and simultaneous).
"""

from __future__ import annotations

import os
import socket
import struct
import threading

from cryptography import x509
from cryptography.hazmat.primitives import serialization


class Relay:
    """A counting TCP relay: listens on its own port, forwards to the server, counts connections.

    `count` is the number of connections accepted, `max_open` the most open at the same time (to
    check the probe's per-host cap and to count a tool's handshakes in the benchmark).
    """

    def __init__(self, address: str, port: int) -> None:
        self.target = (address, port)
        self.count = 0
        self.open = 0
        self.max_open = 0
        self._lock = threading.Lock()
        self._sock = socket.socket()
        self._sock.bind((address, 0))
        self._sock.listen(128)
        self._sock.settimeout(0.2)
        self.port = int(self._sock.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop relaying."""
        self._stop.set()
        self._thread.join(2)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except OSError:
                continue
            with self._lock:
                self.count += 1
                self.open += 1
                self.max_open = max(self.max_open, self.open)
            threading.Thread(target=self._pipe_pair, args=(client,), daemon=True).start()

    def _pipe_pair(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.target, 5)
        except OSError:
            client.close()
            self._closed()
            return
        back = threading.Thread(target=self._pipe, args=(upstream, client), daemon=True)
        back.start()
        self._pipe(client, upstream)
        back.join(10)
        self._closed()

    def _closed(self) -> None:
        with self._lock:
            self.open -= 1

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


HOSTILE_BEHAVIOURS = ("reset", "stall", "midstall", "garbage", "huge", "bigrecord", "ssh", "http", "closed",
                      "heartbleed")


def _offered_suites(hello: bytes) -> tuple[int, list[int]]:
    """Client version and offered suites of a TLS ClientHello record (empty for anything else)."""
    if len(hello) < 48 or hello[0] != 0x16 or hello[5] != 1:
        return 0, []
    version = int.from_bytes(hello[9:11], "big")
    pos = 43
    pos += 1 + hello[pos]
    count = int.from_bytes(hello[pos : pos + 2], "big")
    suites = [int.from_bytes(hello[pos + 2 + i : pos + 4 + i], "big") for i in range(0, count, 2)]
    return version, suites


def heartbleed_flight(suite: int, certificate: bytes) -> bytes:
    """ServerHello (echoing heartbeat, RFC 6520), Certificate and ServerHelloDone, as TLS 1.2 records."""
    exts = b"\x00\x0f\x00\x01\x01" + b"\xff\x01\x00\x01\x00"
    body = b"\x03\x03" + os.urandom(32) + b"\x00" + suite.to_bytes(2, "big") + b"\x00" + len(exts).to_bytes(2, "big") + exts
    hello = b"\x02" + len(body).to_bytes(3, "big") + body
    certs = len(certificate).to_bytes(3, "big") + certificate
    cert_msg = b"\x0b" + (len(certs) + 3).to_bytes(3, "big") + len(certs).to_bytes(3, "big") + certs
    messages = hello + cert_msg + b"\x0e\x00\x00\x00"
    return b"\x16\x03\x03" + len(messages).to_bytes(2, "big") + messages


def _is_tls13(hello: bytes) -> bool:
    """Whether a ClientHello offers TLS 1.3 (a supported_versions extension listing 0x0304)."""
    return b"\x00\x2b\x00\x03\x02\x03\x04" in hello


class HostileServer:
    """A listener that misbehaves in one way on every connection, in daemon threads."""

    certificate_pem = b""
    """The certificate the fake Heartbleed server sends (set by the lab)."""

    def __init__(self, address: str, behaviour: str) -> None:
        self.behaviour = behaviour
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((address, 0))
        self._sock.listen(64)
        self._sock.settimeout(0.2)
        self.port = int(self._sock.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> None:
        """Start accepting."""
        self._thread.start()

    def stop(self) -> None:
        """Stop accepting and close the listener."""
        self._stop.set()
        self._thread.join(2)
        self._sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(2)
        try:
            if self.behaviour == "ssh":
                conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")
            first = conn.recv(65536)
            b = self.behaviour
            if b == "reset":
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            elif b in ("stall", "midstall"):
                if b == "midstall":  # the first 9 bytes of a ServerHello, then silence
                    conn.sendall(bytes.fromhex("160303004a0200004603"))
                self._stop.wait(5)
            elif b == "garbage":
                conn.sendall(bytes(range(256)) * 4)
            elif b == "huge":  # a handshake message that claims 16 MB, sent in maximal records
                message = b"\x02" + (2**24 - 1).to_bytes(3, "big")  # 16 MB, the 24-bit maximum
                conn.sendall(b"\x16\x03\x03\x40\x00" + message + b"\x00" * (2**14 - 4))
                for _ in range(64):
                    conn.sendall(b"\x16\x03\x03\x40\x00" + b"\x00" * 2**14)
            elif b == "bigrecord":
                conn.sendall(b"\x16\x03\x03\xff\xff" + b"\x00" * 65535)
            elif b == "heartbleed":
                self._heartbleed(conn, first)
            elif b == "http":
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        except OSError:
            pass
        finally:
            conn.close()

    def _heartbleed(self, conn: socket.socket, hello: bytes) -> None:
        """Act as a Heartbleed- and CCS-injection-vulnerable TLS 1.2 server with AES-CBC suites only."""
        version, suites = _offered_suites(hello)
        chosen = next((c for c in suites if c in (0x002F, 0x0035)), None)
        if version != 0x0303 or chosen is None or _is_tls13(hello):
            conn.sendall(b"\x15\x03\x03\x00\x02\x02\x28")  # fatal handshake_failure
            return
        der = x509.load_pem_x509_certificate(self.certificate_pem).public_bytes(serialization.Encoding.DER)
        conn.sendall(heartbleed_flight(chosen, der))
        request = conn.recv(65536)
        if request[:1] == b"\x14":  # an early CCS accepted, then the next record fails its MAC
            conn.sendall(b"\x15\x03\x03\x00\x02\x02\x14")
        elif request[:1] == b"\x18" and len(request) >= 8:
            claimed = int.from_bytes(request[6:8], "big")
            # Answer with `claimed` bytes although fewer were sent: what CVE-2014-0160 servers did.
            message = b"\x02" + claimed.to_bytes(2, "big") + b"\x42" + b"\xAA" * (claimed - 1) + b"\x00" * 16
            conn.sendall(b"\x18\x03\x03" + len(message).to_bytes(2, "big") + message)
