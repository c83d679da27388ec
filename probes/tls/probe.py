"""The `tls` probe: protocols, cipher suites, certificate chain, session features and grades.

It writes its own ClientHellos (`probes.tls.wire`), so SSL 2.0/3.0, RC4, 3DES and export suites are
seen whatever the local OpenSSL can do. The scan runs handshakes concurrently under a per-host cap;
each is bounded by the timeout. A check that could not be made is listed under `tls.errors` and its
fact is left out (never reported as False); when no protocol could be tested at all the probe
raises `ProbeError`. Grades come from `probes.tls.grade` (SSL Labs guide, Mozilla 6.0 or 5.7).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from audit.domains import is_ip
from audit.errors import ProbeError
from audit.models import Target
from audit.phrases import joined, said
from probes.netreason import said_if_known
from probes.tls.certificate import certificate_facts, certificate_key_type, chain_facts, load_trust_store
from probes.interface import Measurement, Probe, ProbeOptions
from probes.tls.grade import mozilla_facts, ssllabs_grade
from probes.tls.wire import checks
from probes.tls.wire.hello import ECDSA_SCHEMES, RSA_SCHEMES
from probes.tls.wire.records import TlsProtocolError
from probes.tls.wire.scan import PROTOCOLS, Scanner, ScanResult
from probes.tls.wire.suites import suite
from probes.tls.wire.tls13 import fetch_certificates


class TlsProbe(Probe):
    """Deep TLS scan with our own ClientHellos; see the module docstring."""

    name = "tls"
    tool = "l3audit-tls (own ClientHello)"
    measuring_settings = ("timeout_seconds", "mozilla_guidelines")
    max_concurrency = 8
    """Per-host cap on simultaneous handshakes."""

    async def measure(self, target: Target, options: ProbeOptions) -> Measurement:
        """Scan protocols and suites, then the chain, features, vulnerabilities and grades."""
        if target.scheme != "https":
            return Measurement({"tls.offered": False}, said("probe.tls.method_plain"))
        sni = None if is_ip(target.host) else target.host
        cap = int(options.settings.get("tls_max_concurrency", self.max_concurrency))
        scanner = Scanner(target.connect_host, target.port, sni, options.timeout_seconds, cap)
        scan = await scanner.scan()
        facts, errors = self._protocol_facts(scan, target)
        if facts["tls.offered"]:
            fallback, heart, ccs, chain = await asyncio.gather(
                checks.fallback_scsv(scanner, scan), checks.heartbleed(scanner, scan),
                checks.ccs_injection(scanner, scan), self._chain(scan, scanner, target, options, errors))
            facts.update(chain)
            self._put(facts, errors, "tls.fallback_scsv", fallback)
            self._put(facts, errors, "tls.vulnerabilities.heartbleed", heart)
            self._put(facts, errors, "tls.vulnerabilities.ccs_injection", ccs)
            for name, check in checks.session_features(scan).items():
                self._put(facts, errors, f"tls.{name}", check)
            facts.update(_vulnerabilities(facts))
            facts.update(ssllabs_grade(facts))
            facts.update(mozilla_facts(facts, str(options.settings.get("mozilla_guidelines", "6.0"))))
        if errors:
            facts["tls.errors"] = errors
        return Measurement(facts, said("probe.tls.method", n=scanner.handshakes, cap=cap))

    @staticmethod
    def _put(facts: dict[str, Any], errors: dict[str, str], name: str, check: checks.Check) -> None:
        if check.error:
            errors[name] = check.error
        elif check.value is not None:
            facts[name] = check.value

    def _protocol_facts(self, scan: ScanResult, target: Target) -> tuple[dict[str, Any], dict[str, str]]:
        facts: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for proto, result in scan.protocols.items():
            if result.status == "error":
                errors[f"tls.protocols.{proto}"] = result.detail
                continue
            facts[f"tls.protocols.{proto}"] = result.status == "accepted"
            if result.status != "accepted":
                continue
            facts[f"tls.cipher_suites.{proto}"] = [s.name for s in result.suites]
            facts[f"tls.cipher_suite_details.{proto}"] = [_detail(proto, s) for s in result.suites]
            if result.server_order is not None:
                facts[f"tls.server_cipher_order.{proto}"] = result.server_order
            if not result.complete:
                errors[f"tls.cipher_suites.{proto}"] = result.detail
        accepted = [p for p in PROTOCOLS if facts.get(f"tls.protocols.{p}")]
        if not accepted and errors:
            # Nothing accepted and some attempts failed: "not offered" would be a guess.
            reasons = sorted(set(errors.values()))
            where = f"{target.connect_host}:{target.port}"
            if all(r.startswith("cannot connect") for r in reasons):
                parts = [said_if_known(r.removeprefix("cannot connect").lstrip(": ")) for r in reasons]
                detail = joined(parts)
                raise ProbeError(said("probe.tls.cannot_connect", where=where, detail=detail))
            raise ProbeError(said("probe.tls.no_handshake", where=where, reasons=joined(reasons)))
        facts["tls.offered"] = bool(accepted)
        facts["tls.protocols_accepted"] = accepted
        if not accepted:
            facts["tls.not_offered_reason"] = joined(sorted({r.detail for r in scan.protocols.values() if r.detail}))
            return facts, errors
        best = scan.protocols[accepted[-1]]
        facts["tls.negotiated_protocol"] = accepted[-1]
        facts["tls.negotiated_cipher"] = best.suites[0].name
        details = [d for p in accepted for d in facts[f"tls.cipher_suite_details.{p}"]]
        facts["tls.weak_cipher_suites"] = [f"{d['protocol']} {d['name']}: {', '.join(d['weaknesses'])}"
                                           for d in details if d["weaknesses"]]
        facts["tls.weak_cipher_classes"] = sorted({w for d in details for w in d["weaknesses"]})
        modern = [d for d in details if d["protocol"] in ("TLSv1.2", "TLSv1.3")]
        facts["tls.forward_secrecy"] = any(d["forward_secrecy"] and "anonymous" not in d["weaknesses"] for d in modern)
        facts["tls.forward_secrecy_all"] = all(d["forward_secrecy"] and "anonymous" not in d["weaknesses"] for d in details)
        facts["tls.aead"] = any(d["aead"] for d in details)
        for kind, fact in (("DH", "tls.key_exchange.dh_min_bits"), ("ECDH", "tls.key_exchange.ecdh_min_bits")):
            sizes = [d["kex_bits"] for d in details if d["kex_type"] == kind and d["kex_bits"]]
            if sizes:
                facts[fact] = min(sizes)
        if scan.groups is not None:
            facts["tls.groups"] = scan.groups
        if scan.groups_error:
            errors["tls.groups"] = scan.groups_error
        return facts, errors

    async def _chain(self, scan: ScanResult, scanner: Scanner, target: Target, options: ProbeOptions,
                     errors: dict[str, str]) -> dict[str, Any]:
        """Facts of every chain the server presents; `tls.certificate.*` are the worst chain's.

        A server may hold an RSA and an ECDSA certificate and send each to the clients that ask for
        it. Rows are judged on the worst (an RSA certificate expiring in 9 days beside a fresh ECDSA
        one is a finding); `tls.certificates` lists each chain in brief.
        """
        chains = await self._chains(scan, scanner, errors)
        if not chains:
            errors.setdefault("tls.certificate", said("probe.tls.no_certificate"))
            return {}
        try:
            store = load_trust_store(options.ca_file)
        except (OSError, ValueError) as exc:
            raise ProbeError(f"cannot load CA file {options.ca_file or 'system bundle'}: {exc} "
                             "(hint: pass a PEM file with --ca-file)") from exc
        per_chain: list[dict[str, Any]] = []
        for ders, stapled in chains:
            try:
                one = certificate_facts(ders[0], target.host)
            except ValueError as exc:
                errors["tls.certificate"] = f"unreadable certificate: {exc}"
                continue
            try:
                one.update(chain_facts(ders, store))
            except ValueError as exc:
                errors["tls.certificate.trusted"] = f"unreadable certificate in the chain: {exc}"
            if stapled is not None:
                one["tls.ocsp_stapling"] = stapled
            per_chain.append(one)
        if not per_chain:
            return {}
        worst: dict[str, Any] = min(per_chain, key=_soundness)
        facts = dict(worst)
        if any(one.get("tls.ocsp_stapling") is False for one in per_chain):
            facts["tls.ocsp_stapling"] = False
        facts["tls.certificate.count"] = len(per_chain)
        facts["tls.certificates"] = [{k.removeprefix("tls.certificate."): one[k] for k in _SUMMARY if k in one}
                                     for one in per_chain]
        return facts

    @staticmethod
    async def _chains(scan: ScanResult, scanner: Scanner, errors: dict[str, str]) -> list[tuple[list[bytes], bool | None]]:
        """(certificates, OCSP stapled) of each distinct chain: from the suite scan of the best pre-1.3
        protocol (one handshake per authentication already made), else from TLS 1.3 handshakes."""
        older = [p for p in reversed(checks.accepted(scan)) if p.protocol != "TLSv1.3" and p.cert_flights]
        found: dict[bytes, tuple[list[bytes], bool | None]] = {}
        if older:
            for flight in older[0].cert_flights.values():
                found.setdefault(flight.certificates[0], (flight.certificates, bool(flight.ocsp_response)))
        elif scan.protocols["TLSv1.3"].status == "accepted":
            # All signature schemes first (what a browser sends); then only the other key family,
            # which a server with two certificates answers with the second one.
            for attempt in ("all", "other"):
                schemes: list[int] | None = None
                if attempt == "other":
                    leaf_type = certificate_key_type(next(iter(found))) if found else None
                    schemes = RSA_SCHEMES if leaf_type == "EC" else ECDSA_SCHEMES if leaf_type == "RSA" else None
                    if schemes is None:
                        break
                try:
                    scanner.handshakes += 1
                    async with scanner.slot():
                        got = await fetch_certificates(scanner.host, scanner.port, scanner.sni, scanner.timeout, schemes)
                except TlsProtocolError as exc:
                    if not found:
                        errors["tls.certificate"] = str(exc)
                        return []
                    break  # no certificate of the other family: one chain
                if got.certificates:
                    found.setdefault(got.certificates[0], (got.certificates, got.ocsp_stapled))
        elif scan.protocols["SSLv2"].first is not None and scan.protocols["SSLv2"].first.sslv2_hello:
            der = scan.protocols["SSLv2"].first.sslv2_hello.certificate
            found[der] = ([der], None)
        return list(found.values())


_SUMMARY = ("tls.certificate.key_type", "tls.certificate.key_bits", "tls.certificate.subject", "tls.certificate.issuer",
            "tls.certificate.serial", "tls.certificate.not_after", "tls.certificate.days_until_expiry",
            "tls.certificate.expired", "tls.certificate.trusted", "tls.certificate.hostname_matches",
            "tls.certificate.signature_algorithm", "tls.certificate.chain_length")
"""The facts `tls.certificates` gives for each chain."""


def _soundness(facts: Mapping[str, Any]) -> tuple[int, int, int]:
    """Orders chains from worst to best: problems, then days left, then key strength (RSA-equivalent bits)."""
    problems = [facts.get("tls.certificate.expired") is True, facts.get("tls.certificate.not_yet_valid") is True,
                facts.get("tls.certificate.trusted") is False, facts.get("tls.certificate.hostname_matches") is False,
                facts.get("tls.certificate.self_signed") is True,
                facts.get("tls.certificate.signature_hash") in ("md2", "md5", "sha1")]
    bits = int(facts.get("tls.certificate.key_bits") or 0)
    strength = bits if facts.get("tls.certificate.key_type") in ("RSA", "DSA") else bits * 12
    return (-sum(problems), int(facts.get("tls.certificate.days_until_expiry", 0)), strength)


def _detail(proto: str, accepted: Any) -> dict[str, Any]:
    entry = suite(accepted.code)
    weak = entry.weaknesses() if entry else ["unknown suite"]
    if entry and proto in ("SSLv3", "TLSv1.0") and entry.mode == "CBC":
        weak.append("CBC in SSLv3/TLS 1.0")
    if proto == "SSLv2":
        weak = ["SSLv2"]
    return {
        "protocol": proto, "name": accepted.name, "kex_type": accepted.kex_type, "kex_bits": accepted.kex_bits,
        "group": accepted.group, "bits": entry.cipher_bits if entry else 0,
        "aead": bool(entry and entry.aead), "forward_secrecy": bool(entry and entry.forward_secrecy),
        "weaknesses": weak,
    }


def _vulnerabilities(facts: dict[str, Any]) -> dict[str, bool]:
    """Verdicts that follow from accepted protocols and suites (the testssl.sh definitions)."""
    classes = set(facts.get("tls.weak_cipher_classes", []))
    names = [n for p in PROTOCOLS for n in facts.get(f"tls.cipher_suites.{p}", [])]
    dh_bits = facts.get("tls.key_exchange.dh_min_bits")
    return {
        "tls.vulnerabilities.poodle": any("CBC" in n for n in facts.get("tls.cipher_suites.SSLv3", [])),
        "tls.vulnerabilities.sweet32": "64-bit block" in classes,
        "tls.vulnerabilities.rc4": "RC4" in classes,
        "tls.vulnerabilities.beast": any("CBC" in n for p in ("SSLv3", "TLSv1.0") for n in facts.get(f"tls.cipher_suites.{p}", [])),
        "tls.vulnerabilities.crime": facts.get("tls.compression") is True,
        "tls.vulnerabilities.freak": any("RSA_EXPORT" in n for n in names),
        "tls.vulnerabilities.logjam": any("DH" in n and "EXPORT" in n for n in names) or (isinstance(dh_bits, int) and dh_bits < 1024),
        "tls.vulnerabilities.drown": facts.get("tls.protocols.SSLv2") is True,
    }
