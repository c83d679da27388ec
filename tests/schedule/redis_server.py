"""A real redis-server for the queue tests: our own process on loopback, in a temporary folder.

Never the system service. Append-only persistence is on (as docs/scheduling.md asks in production),
so stopping and starting it again on the same folder keeps the queued messages.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

ADDRESS = "127.17.0.1"  # this loopback range (127.17.0.0/16)


def _port(address: str = ADDRESS) -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """Start with `start()`, stop with `stop()` (SIGTERM, which writes the append-only file)."""

    def __init__(self, folder: Path, address: str = ADDRESS) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            raise RuntimeError("redis-server is missing (hint: apt-get install redis-server; .ci/run does)")
        self.binary = binary
        self.folder = folder
        self.address = address
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = _port(address)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The redis:// URL of this server."""
        return f"redis://{self.address}:{self.port}/0"

    def start(self) -> RedisServer:
        """Start and wait until it answers PING."""
        self.process = subprocess.Popen(
            [self.binary, "--bind", self.address, "--port", str(self.port), "--dir", str(self.folder),
             "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "no",
             "--logfile", str(self.folder / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                with socket.create_connection((self.address, self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(64).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start: {(self.folder / 'redis.log').read_text()[-500:]}")

    def stop(self) -> None:
        """Stop it and wait for it to exit."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None
