"""Test zones under `test.`, signed by dnspython, served by a real Knot DNS server on 127.16.0.1 and 127.16.1.1.

`test.` is the trust anchor (its DNSKEY is handed to the probe and to delv). Children:
`good.test.` (signed, DS at the parent, CAA, a dangling CNAME and a CNAME loop), `badsig.test.`
(signed, then an address changed so its signature no longer matches), `nods.test.` (signed, no DS
at the parent), `open.test.` (unsigned, zone transfer allowed to anyone), `nsec3.test.` (signed by
Knot itself with NSEC3, DS at the parent, no CAA) and `nodeny.test.` (signed, DS at the parent, its
NSEC records removed: negative answers come without a proof). Mail: `good.test.` has MX,
SPF with `-all`, DMARC `p=reject`, DKIM selectors, MTA-STS and TLS-RPT; `weak.test.` has SPF with 11
lookups, DMARC `p=none; pct=50` and an MTA-STS policy whose mx lines miss its MX.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import dns.dnssec
import dns.message
import dns.name
import dns.query
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from audit.demo.servers import free_port

NS_ADDRESSES = ("127.16.0.1", "127.16.1.1")
ALG = dns.dnssec.Algorithm.ECDSAP256SHA256

_HEAD = """$TTL 300
@ SOA ns1.test. hostmaster.{origin} 2026120201 3600 600 604800 300
@ NS ns1.test.
@ NS ns2.test.
"""

ZONES: dict[str, str] = {
    "test.": _HEAD + """ns1 A 127.16.0.1
ns2 A 127.16.1.1
good NS ns1.test.
badsig NS ns1.test.
nods NS ns1.test.
open NS ns1.test.
weak NS ns1.test.
nsec3 NS ns1.test.
nodeny NS ns1.test.
""",
    "good.test.": _HEAD + """@ A 127.16.0.10
@ AAAA fd16::10
@ CAA 0 issue "letsencrypt.org"
@ CAA 0 iodef "mailto:security@good.test"
www CNAME good.test.
old CNAME gone.good.test.
loop1 CNAME loop2.good.test.
loop2 CNAME loop1.good.test.
@ MX 10 mx.good.test.
mx A 127.16.0.20
@ TXT "v=spf1 ip4:127.16.0.0/16 include:spf.good.test -all"
spf TXT "v=spf1 a -all"
_dmarc TXT "v=DMARC1; p=reject; pct=100; rua=mailto:dmarc@good.test; ruf=mailto:forensic@good.test"
sel1._domainkey TXT "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
old._domainkey TXT "v=DKIM1; p="
_mta-sts TXT "v=STSv1; id=2026120201"
mta-sts A 127.16.0.21
_smtp._tls TXT "v=TLSRPTv1; rua=mailto:tls-reports@good.test"
""",
    "weak.test.": _HEAD + """@ MX 10 mx.weak.test.
mx A 127.16.0.23
@ TXT "v=spf1 include:s1.weak.test include:s2.weak.test include:s3.weak.test include:s4.weak.test " "include:s5.weak.test include:s6.weak.test include:s7.weak.test include:s8.weak.test include:s9.weak.test include:s10.weak.test include:s11.weak.test ~all"
s1 TXT "v=spf1 -all"
s2 TXT "v=spf1 -all"
s3 TXT "v=spf1 -all"
s4 TXT "v=spf1 -all"
s5 TXT "v=spf1 -all"
s6 TXT "v=spf1 -all"
s7 TXT "v=spf1 -all"
s8 TXT "v=spf1 -all"
s9 TXT "v=spf1 -all"
s10 TXT "v=spf1 -all"
s11 TXT "v=spf1 -all"
_dmarc TXT "v=DMARC1; p=none; pct=50"
_mta-sts TXT "v=STSv1; id=1"
mta-sts A 127.16.0.22
""",
    "badsig.test.": _HEAD + "@ A 127.16.0.11\n",
    "nods.test.": _HEAD + "@ A 127.16.0.12\n",
    "open.test.": _HEAD + "@ A 127.16.0.13\n@ A 127.16.0.14\n",
    "nsec3.test.": _HEAD + "@ A 127.16.0.15\nwww A 127.16.0.15\ndeep.er A 127.16.0.15\n",
    "nodeny.test.": _HEAD + "@ A 127.16.0.16\n",
}
SIGNED = ("test.", "good.test.", "badsig.test.", "nods.test.", "nodeny.test.")
WITH_DS = ("good.test.", "badsig.test.", "nsec3.test.", "nodeny.test.")
KNOT_SIGNED = "nsec3.test."
"""Signed by knotd (NSEC3, no salt, no extra iterations, RFC 9276) with a key made here and imported by keymgr."""


def _sign(zone: dns.zone.Zone) -> tuple[dns.rrset.RRset, object]:
    key = ec.generate_private_key(ec.SECP256R1())
    dnskey = dns.dnssec.make_dnskey(key.public_key(), ALG, flags=257)
    now = int(time.time())
    dns.dnssec.sign_zone(zone, keys=[(key, dnskey)], inception=now - 3600, expiration=now + 86400 * 30)
    return dnskey, key


def build_zones(folder: Path, extra: dict[str, str] | None = None) -> dns.rdata.Rdata:
    """Write the zone files to `folder` (with `extra` zone-file lines per zone); return the anchor (DNSKEY of `test.`)."""
    zones = {origin: dns.zone.from_text(text.format(origin=origin) + (extra or {}).get(origin, ""), origin=origin,
                                        relativize=False)
             for origin, text in ZONES.items()}
    keys = {}
    knot_key = ec.generate_private_key(ec.SECP256R1())
    (folder / "nsec3.pem").write_bytes(knot_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    keys[KNOT_SIGNED] = dns.dnssec.make_dnskey(knot_key.public_key(), ALG, flags=257)
    for origin in reversed(SIGNED):  # children first, so their DS can go into the parent before it is signed
        if origin == "test.":
            parent = zones["test."]
            with parent.writer() as txn:
                for child in WITH_DS:
                    ds = dns.dnssec.make_ds(child, keys[child], "SHA256")
                    txn.add(dns.name.from_text(child), 300, ds)
        keys[origin], _ = _sign(zones[origin])
    bad = zones["badsig.test."]
    with bad.writer() as txn:  # change the address after signing: the RRSIG no longer matches it
        txn.replace(dns.name.from_text("badsig.test."), 300,
                    dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.A, "127.16.0.99"))
    with zones["nodeny.test."].writer() as txn:  # signed, then every NSEC and its signature removed
        for name in list(txn.iterate_names()):
            txn.delete(name, dns.rdatatype.NSEC)
            txn.delete(name, dns.rdatatype.RRSIG, dns.rdatatype.NSEC)
    for origin, zone in zones.items():
        zone.to_file(str(folder / f"{origin}zone"), relativize=False)
    return keys["test."]


@dataclass
class Knot:
    """A running knotd serving the test zones; `port` is the same on both addresses."""

    port: int
    anchor: dns.rdata.Rdata
    folder: Path

    @property
    def resolver(self) -> str:
        return f"{NS_ADDRESSES[0]}:{self.port}"

    @property
    def anchor_line(self) -> str:
        return f"test. 300 IN DNSKEY {self.anchor.to_text()}"

    def settings(self, **extra: object) -> dict:
        return {"resolver": self.resolver, "nameserver_port": self.port,
                "dnssec_trust_anchors": [self.anchor_line], **extra}


def knot_server(folder: Path, extra: dict[str, str] | None = None) -> Iterator[Knot]:
    """Start knotd on the zones (plus `extra` lines per zone) in `folder`, wait until it answers, stop it afterwards."""
    knotd = shutil.which("knotd") or "/usr/sbin/knotd"
    anchor = build_zones(folder, extra)
    port = free_port(NS_ADDRESSES[0])
    zones = "\n".join(
        f"  - domain: {origin}\n    file: {folder}/{origin}zone"
        + ("\n    acl: open_transfer" if origin == "open.test." else "")
        + ("\n    dnssec-signing: on\n    dnssec-policy: nsec3" if origin == KNOT_SIGNED else "")
        for origin in ZONES)
    (folder / "knot.conf").write_text(f"""server:
  rundir: {folder}
  listen: [ {NS_ADDRESSES[0]}@{port}, {NS_ADDRESSES[1]}@{port} ]
control:
  listen: {folder}/knot.sock
database:
  storage: {folder}
log:
  - target: stderr
    any: warning
policy:
  - id: nsec3
    manual: on
    nsec3: on
    nsec3-iterations: 0
    nsec3-salt-length: 0
acl:
  - id: open_transfer
    address: 127.0.0.0/8
    action: transfer
template:
  - id: default
    storage: {folder}
    semantic-checks: off
    zonefile-sync: -1
    journal-content: none
zone:
{zones}
""")
    keymgr = shutil.which("keymgr") or "/usr/sbin/keymgr"
    subprocess.run([keymgr, "-c", str(folder / "knot.conf"), KNOT_SIGNED, "import-pem", str(folder / "nsec3.pem"),
                    f"algorithm={int(ALG)}", "ksk=yes", "zsk=yes"], check=True, capture_output=True, timeout=30)
    proc = subprocess.Popen([knotd, "-c", str(folder / "knot.conf")], stdout=subprocess.DEVNULL,
                            stderr=open(folder / "knot.log", "w"))
    try:
        query = dns.message.make_query("good.test.", "SOA")
        for _ in range(100):
            try:
                if dns.query.udp(query, NS_ADDRESSES[0], timeout=0.2, port=port).answer:
                    break
            except Exception:  # noqa: BLE001 - not up yet
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"knotd exited: {(folder / 'knot.log').read_text()[-2000:]}")
            time.sleep(0.1)
        else:
            raise RuntimeError(f"knotd did not answer: {(folder / 'knot.log').read_text()[-2000:]}")
        yield Knot(port, anchor, folder)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
