"""A hostile DNS server on 127.16.2.1 for the bad-input tests: SERVFAIL, silence, truncation, garbage.

Modes: `servfail` answers every question with SERVFAIL; `silent` never answers; `truncate` answers
over UDP with the TC bit and no records, and over TCP with the real answer (a client must fall back,
RFC 7766 section 5); `garbage` answers UDP with TC and then, over TCP, announces a 65535-byte message
and streams 10 MB of junk (a reader must stop at the announced length and report an unreadable answer).
"""

from __future__ import annotations

import socket
import threading
from typing import Iterator

import dns.flags
import dns.message
import dns.rcode
import dns.rrset

from audit.demo.servers import free_port

ADDRESS = "127.16.2.1"


def _answer(query: dns.message.Message) -> dns.message.Message:
    """A plausible answer for the zone `hostile.test.` (SOA at the apex, an address for every name)."""
    response = dns.message.make_response(query)
    question = query.question[0]
    kind = dns.rdatatype.to_text(question.rdtype)
    if kind == "SOA" and question.name.to_text() == "hostile.test.":
        response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "SOA",
                                                   "ns.hostile.test. h.hostile.test. 1 60 60 60 60"))
    elif kind == "A":
        response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", "127.16.2.9"))
    elif kind == "NS" and question.name.to_text() == "hostile.test.":
        response.answer.append(dns.rrset.from_text(question.name, 60, "IN", "NS", "ns.hostile.test."))
    elif question.name.to_text() != "hostile.test.":
        response.authority.append(dns.rrset.from_text("hostile.test.", 60, "IN", "SOA",
                                                      "ns.hostile.test. h.hostile.test. 1 60 60 60 60"))
    return response


def _udp(sock: socket.socket, mode: str, stop: threading.Event) -> None:
    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            data, peer = sock.recvfrom(4096)
        except (TimeoutError, OSError):
            continue
        query = dns.message.from_wire(data)
        if mode == "silent":
            continue
        response = dns.message.make_response(query)
        if mode == "servfail":
            response.set_rcode(dns.rcode.SERVFAIL)
        else:
            response.flags |= dns.flags.TC
        sock.sendto(response.to_wire(), peer)


def _tcp(sock: socket.socket, mode: str, stop: threading.Event) -> None:
    sock.settimeout(0.2)
    while not stop.is_set():
        try:
            conn, _ = sock.accept()
        except (TimeoutError, OSError):
            continue
        with conn:
            try:
                conn.settimeout(2)
                length = int.from_bytes(conn.recv(2), "big")
                query = dns.message.from_wire(conn.recv(length))
                if mode == "silent":
                    stop.wait(5)
                    continue
                if mode == "garbage":
                    conn.sendall(b"\xff\xff")
                    junk = b"\x07" * 65536
                    for _ in range(160):  # 10 MB
                        conn.sendall(junk)
                    continue
                response = _answer(query)
                if mode == "servfail":
                    response.set_rcode(dns.rcode.SERVFAIL)
                wire = response.to_wire()
                conn.sendall(len(wire).to_bytes(2, "big") + wire)
            except OSError:
                continue


def hostile_server(mode: str) -> Iterator[str]:
    """Run the server in `mode`; yield its ADDR:PORT."""
    port = free_port(ADDRESS)
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind((ADDRESS, port))
    tcp = socket.socket()
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((ADDRESS, port))
    tcp.listen(8)
    stop = threading.Event()
    threads = [threading.Thread(target=f, args=(s, mode, stop), daemon=True) for f, s in ((_udp, udp), (_tcp, tcp))]
    for thread in threads:
        thread.start()
    try:
        yield f"{ADDRESS}:{port}"
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=6)
        udp.close()
        tcp.close()
