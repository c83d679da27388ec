"""Unit tests of the wire layer: suite table, ClientHello builder, reply parser (and its fuzz test).

The fuzz test feeds mutated replies from the kept corpus (tests/probes/corpus_tls/) to the parser in
random chunks: whatever arrives, the parser either parses it or raises TlsProtocolError.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from probes.tls.grade import mozilla_profiles
from probes.tls.wire.hello import (
    HelloOptions,
    client_hello,
    client_hello_record,
    sslv2_client_hello,
)
from probes.tls.wire.records import (
    HRR_RANDOM,
    FlightParser,
    TlsProtocolError,
    parse_certificate_list,
    parse_key_exchange,
    parse_server_hello,
    sniff,
)
from probes.tls.wire.suites import all_suites, suite, suites_for

CORPUS = {p.stem: p.read_bytes() for p in sorted((Path(__file__).parent / "corpus_tls").glob("*.bin"))}


def parse(data: bytes, sslv2: bool = False) -> FlightParser:
    """Feed `data` in one go."""
    parser = FlightParser(sslv2=sslv2)
    parser.feed(data)
    return parser


# --- suite table -------------------------------------------------------------------------------

def test_table_has_unique_codes_and_names():
    suites = all_suites()
    assert len(suites) > 300
    assert len({s.name for s in suites.values()}) == len(suites)


@pytest.mark.parametrize("code, kex, cipher, bits, aead, fs, weak", [
    (0x000A, "RSA", "3DES", 112, False, False, {"64-bit block", "static key exchange"}),
    (0x0005, "RSA", "RC4", 128, False, False, {"RC4", "static key exchange"}),
    (0x0003, "RSA", "RC4", 40, False, False, {"EXPORT", "RC4", "static key exchange"}),
    (0xC02F, "ECDHE", "AES", 128, True, True, set()),
    (0x1302, "ANY", "AES", 256, True, True, set()),
    (0x0018, "DHE", "RC4", 128, False, True, {"anonymous", "RC4"}),
    (0x0001, "RSA", "NULL", 0, False, False, {"NULL", "<112-bit", "static key exchange"} - {"<112-bit"}),
    (0xCCA8, "ECDHE", "CHACHA20", 256, True, True, set()),
    (0xC0A0, "RSA", "AES", 128, True, False, {"static key exchange"}),
])
def test_attributes_derived_from_iana_names(code, kex, cipher, bits, aead, fs, weak):
    s = suite(code)
    assert (s.kex, s.cipher, s.cipher_bits, s.aead, s.forward_secrecy) == (kex, cipher, bits, aead, fs)
    assert set(s.weaknesses()) == weak


def test_every_mozilla_suite_is_in_the_table():
    names = {s.name for s in all_suites().values()}
    for version in mozilla_profiles().values():
        for profile in version.values():
            assert set(profile["ciphers"]) | set(profile["ciphersuites"]) <= names


def test_offers_per_protocol():
    assert {s.code for s in suites_for("TLSv1.3")} == {0x1301, 0x1302, 0x1303, 0x1304, 0x1305}
    assert all(not s.tls12_only for s in suites_for("TLSv1.0"))
    assert any(s.tls12_only for s in suites_for("TLSv1.2"))


# --- ClientHello -------------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_client_hello_parses_with_tlslite():
    """Given our TLS 1.3 hello, tlslite-ng's own parser reads the same suites and extensions."""
    tlslite = pytest.importorskip("tlslite.messages")
    from tlslite.utils.codec import Parser  # type: ignore[import-untyped]

    opts = HelloOptions("TLSv1.3", [0x1301, 0x1302], host="www.l3audit.test", key_shares={29: b"\x01" * 32})
    message = client_hello(opts)
    hello = tlslite.ClientHello().parse(Parser(message[1:]))  # after the type byte
    assert hello.cipher_suites == [0x1301, 0x1302]
    assert hello.server_name == b"www.l3audit.test"
    assert hello.getExtension(43) is not None and hello.getExtension(51) is not None
    assert len(message) >= 512  # RFC 7685 padding past the 256-511 byte range


def test_sslv3_hello_has_no_extensions_but_the_renegotiation_scsv():
    record, message = client_hello_record(HelloOptions("SSLv3", [0x002F]))
    assert record[:3] == b"\x16\x03\x00"
    assert message[4:6] == b"\x03\x00"
    assert b"\x00\x2f\x00\xff" in message
    assert message.endswith(b"\x01\x00")  # compression methods: NULL only, then nothing


def test_fallback_scsv_and_compression_flags():
    message = client_hello(HelloOptions("TLSv1.1", [0x002F], fallback_scsv=True, compression=True))
    assert b"\x00\x2f\x56\x00" in message and b"\x02\x01\x00" in message


def test_sslv2_hello_header():
    hello = sslv2_client_hello([0x010080])
    assert hello[0] & 0x80 and hello[2] == 1 and hello[3:5] == b"\x00\x02"


# --- reply parser on the corpus ----------------------------------------------------------------

def test_tls12_flight_from_nginx():
    p = parse(CORPUS["modern_tls12_flight"])
    f = p.flight
    assert p.done and f.hello_done and f.server_hello.version == 0x0303
    assert len(f.certificates) == 2 and f.key_exchange is not None
    kind, bits, group = parse_key_exchange(f.key_exchange, "ECDHE")
    assert (kind, bits) == ("ECDH", 253) and group == 29
    assert 0xFF01 in f.server_hello.extensions and f.ocsp_response


def test_tls13_hello_and_hrr():
    hello = parse(CORPUS["modern_tls13_hello"]).flight.server_hello
    assert hello.version == 0x0304 and not hello.is_hello_retry and hello.key_share_group == 29
    hrr = parse(CORPUS["modern_tls13_hrr"]).flight.server_hello
    assert hrr.is_hello_retry and hrr.random == HRR_RANDOM and hrr.key_share_group is not None


def test_dhe_prime_size():
    f = parse(CORPUS["legacy_dhe_flight"]).flight
    assert parse_key_exchange(f.key_exchange, "DHE")[:2] == ("DH", 1024)


def test_alert_and_sslv2():
    assert parse(CORPUS["modern_alert_protocol_version"]).flight.alert == (2, 70)
    v2 = parse(CORPUS["sslv2_server_hello"], sslv2=True).flight.sslv2_hello
    assert v2 is not None and v2.cipher_kinds == [0x010080, 0x0700C0]


@pytest.mark.parametrize("name, message", [
    ("ssh_banner", "speaks SSH"), ("http_response", "speaks HTTP"), ("record_too_long", r"2\^14\+2048"),
    ("handshake_16mb", "16777215"),
])
def test_hostile_replies_are_protocol_errors(name, message):
    with pytest.raises(TlsProtocolError, match=message):
        parse(CORPUS[name])


def test_sniff_and_truncated_structures():
    assert sniff(b"SSH-2.0-x") == "SSH" and sniff(b"\x16\x03\x03") is None
    with pytest.raises(TlsProtocolError):
        parse_server_hello(b"\x03\x03" + b"\x00" * 10)
    with pytest.raises(TlsProtocolError):
        parse_certificate_list(b"\x00\x00\x09\x00\x00\x05ab")


def test_byte_by_byte_feeding_gives_the_same_result():
    whole = parse(CORPUS["modern_tls12_flight"]).flight
    parser = FlightParser()
    for i in range(len(CORPUS["modern_tls12_flight"])):
        parser.feed(CORPUS["modern_tls12_flight"][i : i + 1])
    assert parser.flight.certificates == whole.certificates
    assert parser.flight.server_hello.cipher_suite == whole.server_hello.cipher_suite


# --- fuzz ----------------------------------------------------------------------------------------

@st.composite
def mutated_reply(draw: st.DrawFn) -> tuple[bytes, list[int], bool]:
    """A corpus reply with random byte edits, truncation or insertion, and a random chunking."""
    data = bytearray(draw(st.sampled_from(sorted(CORPUS.values()))))
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "length"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op == "cut":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(max_size=40))
        elif op == "length" and len(data) > pos + 2:
            data[pos : pos + 2] = struct.pack("!H", draw(st.integers(0, 0xFFFF)))
    cuts = draw(st.lists(st.integers(1, 400), max_size=8))
    return bytes(data), cuts, draw(st.booleans())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_reply())
def test_fuzz_parser_only_raises_protocol_errors(case):
    data, cuts, sslv2 = case
    parser = FlightParser(sslv2=sslv2)
    pos = 0
    try:
        for size in cuts + [len(data)]:
            parser.feed(data[pos : pos + size])
            pos += size
        hello = parser.flight.server_hello
        if hello is not None:
            _ = (hello.version, hello.is_hello_retry, hello.key_share_group, hello.key_share)
        if parser.flight.key_exchange is not None:
            for kex in ("ECDHE", "DHE", "RSA"):
                try:
                    parse_key_exchange(parser.flight.key_exchange, kex)
                except TlsProtocolError:
                    pass
    except TlsProtocolError:
        pass


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_fuzz_random_bytes(data):
    try:
        parse(data)
        parse_server_hello(data)
    except TlsProtocolError:
        pass
