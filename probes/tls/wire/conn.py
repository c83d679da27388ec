"""One TCP connection that sends our bytes and feeds the reply to a `FlightParser`, with deadlines.

Every failure becomes a short reason string rather than an exception, so that one hostile answer
(a reset, a stall, garbage, a 16 MB record, an SSH banner) ends one check and never the scan.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from audit.phrases import said
from probes.tls.wire.records import FlightParser, TlsProtocolError

READ_CHUNK = 65536

Preamble = Callable[[asyncio.StreamReader, asyncio.StreamWriter, float], Awaitable[None]]
"""A plaintext exchange before the TLS bytes (SMTP's EHLO and STARTTLS, RFC 3207); raises PreambleError."""


class PreambleError(Exception):
    """The plaintext exchange before TLS failed (the server refused STARTTLS, or does not speak SMTP)."""


@dataclass
class Exchange:
    """How one attempt ended: the parser (with what the server sent) and, on failure, why."""

    parser: FlightParser
    error: str | None = None
    """A reason when the attempt proves nothing: timeout, reset, malformed reply."""
    closed: bool = False
    """The server closed the connection before `until` held (a refusal without an alert)."""


class Connection:
    """An open connection to the server; use `async with`."""

    def __init__(self, host: str, port: int, timeout: float, preamble: Preamble | None = None) -> None:
        self.host, self.port, self.timeout, self.preamble = host, port, timeout, preamble
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> Connection:  # noqa: PYI034 - typing.Self needs Python 3.11
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(self.host, self.port, limit=READ_CHUNK), self.timeout
        )
        self._reader, self._writer = reader, writer
        if self.preamble is not None:
            try:
                await self.preamble(reader, writer, self.timeout)
            except BaseException:
                writer.transport.abort()
                raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._writer is not None:
            self._writer.transport.abort()  # no close_notify dance: we never finish handshakes

    async def send(self, data: bytes) -> None:
        """Write and flush `data`."""
        assert self._writer is not None
        self._writer.write(data)
        await asyncio.wait_for(self._writer.drain(), self.timeout)

    async def read_until(self, parser: FlightParser, until: Callable[[FlightParser], bool],
                         timeout: float | None = None) -> Exchange:
        """Feed the reply into `parser` until `until(parser)` holds, the peer closes, or time is up."""
        assert self._reader is not None
        deadline = time.monotonic() + (timeout if timeout is not None else self.timeout)
        while not until(parser):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return Exchange(parser, said("probe.tls.wire.no_reply_within", seconds=f"{self.timeout:g}"))
            try:
                data = await asyncio.wait_for(self._reader.read(READ_CHUNK), remaining)
            except TimeoutError:
                return Exchange(parser, said("probe.tls.wire.stalled", seconds=f"{self.timeout:g}"))
            except ConnectionResetError:
                return Exchange(parser, said("probe.tls.wire.reset"))
            except OSError as exc:
                return Exchange(parser, said("probe.tls.wire.failed", error=str(exc.strerror or exc)))
            if not data:
                return Exchange(parser, closed=True)
            try:
                parser.feed(data)
            except TlsProtocolError as exc:
                return Exchange(parser, str(exc))
        return Exchange(parser)


async def exchange(host: str, port: int, payload: bytes, timeout: float, *, sslv2: bool = False,
                   until: Callable[[FlightParser], bool] | None = None, preamble: Preamble | None = None) -> Exchange:
    """Connect (and run `preamble`), send `payload` and read the reply until the parser is done (or `until` holds)."""
    parser = FlightParser(sslv2=sslv2)
    try:
        async with Connection(host, port, timeout, preamble) as conn:
            await conn.send(payload)
            return await conn.read_until(parser, until or (lambda p: p.done))
    except PreambleError as exc:
        return Exchange(parser, said("probe.tls.wire.before_tls", error=str(exc)))
    except TimeoutError:
        return Exchange(parser, said("probe.tls.wire.connect_within", seconds=f"{timeout:g}"))
    except ConnectionRefusedError:
        return Exchange(parser, said("probe.tls.wire.refused"))
    except ConnectionResetError:
        return Exchange(parser, said("probe.tls.wire.reset"))
    except OSError as exc:
        return Exchange(parser, said("probe.tls.wire.cannot_connect", error=str(exc.strerror or exc)))
