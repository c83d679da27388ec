"""DNS and mail probes vs their peers on the test zones: delv (DNSSEC verdict), kdig (AXFR), checkdmarc (SPF/DMARC).

Starts the tests' Knot server on 127.16.0.1/127.16.1.1, then alternates, for ROUNDS rounds, our
probe and the peer doing the comparable work, and prints median seconds and the ratio. Run from the
repository root: `python bench/dns_mail.py [ROUNDS]`. Needs knot, knot-dnsutils and bind9-dnsutils.
"""

from __future__ import annotations

import asyncio
import base64
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from audit.models import Target  # noqa: E402
from audit.runner import AuditOptions, ProbeRunner  # noqa: E402
from tests.probes.dns.dns_zones import NS_ADDRESSES, Knot, knot_server  # noqa: E402


def ours(probe: str, host: str, settings: dict) -> float:
    async def go() -> None:
        attempt = await ProbeRunner(AuditOptions(timeout_seconds=2)).attempt(probe, Target(host, 443), settings)
        assert attempt.status.value == "completed", attempt.error_reason

    start = time.perf_counter()
    asyncio.run(go())
    return time.perf_counter() - start


def delv_and_kdig(knot: Knot, zone: str, anchor: Path) -> float:
    start = time.perf_counter()
    for rdtype in ("A", "SOA", "NS", "CAA"):
        subprocess.run(["delv", f"@{NS_ADDRESSES[0]}", "-p", str(knot.port), "-a", str(anchor), "+root=test.",
                        zone, rdtype], capture_output=True, check=False)
    for address in NS_ADDRESSES:
        subprocess.run(["kdig", f"@{address}", "-p", str(knot.port), "AXFR", zone], capture_output=True, check=False)
    return time.perf_counter() - start


def checkdmarc_run(knot: Knot, domain: str) -> float:
    import checkdmarc.dmarc
    import checkdmarc.spf
    import dns.resolver

    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers, resolver.port = [NS_ADDRESSES[0]], knot.port
    start = time.perf_counter()
    checkdmarc.spf.check_spf(domain, resolver=resolver, timeout=2)
    checkdmarc.dmarc.check_dmarc(domain, resolver=resolver, timeout=2)
    return time.perf_counter() - start


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as folder:
        servers = knot_server(Path(folder))
        knot = next(servers)
        key = knot.anchor
        anchor = Path(folder) / "anchor.conf"
        anchor.write_text(f'trust-anchors {{ test. static-key {key.flags} {key.protocol} {key.algorithm} '
                          f'"{base64.b64encode(key.key).decode()}"; }};\n')
        rows = []
        for zone in ("good.test", "badsig.test", "open.test"):
            a, b = [], []
            for _ in range(rounds):
                a.append(ours("dns", zone, knot.settings()))
                b.append(delv_and_kdig(knot, zone, anchor))
            rows.append((f"dns {zone}", "delv x4 + kdig AXFR x2", statistics.median(a), statistics.median(b)))
        for domain in ("good.test", "weak.test"):
            a, b = [], []
            for _ in range(rounds):
                a.append(ours("mail", domain, knot.settings(mta_sts_port=1, smtp_port=1)))
                b.append(checkdmarc_run(knot, domain))
            rows.append((f"mail {domain}", "checkdmarc SPF+DMARC", statistics.median(a), statistics.median(b)))
        next(servers, None)
    print("| target | peer | l3audit s | peer s | ratio |\n|---|---|---:|---:|---:|")
    for name, peer, mine, theirs in rows:
        print(f"| {name} | {peer} | {mine:.3f} | {theirs:.3f} | {mine / theirs:.2f}x |")


if __name__ == "__main__":
    main()
