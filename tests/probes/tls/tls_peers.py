"""Run the peer tools (sslyze, sslscan) on lab servers and reduce their output to comparable views.

sslyze pins an older `cryptography` than l3audit, so it lives in its own virtualenv
(`.venv-peers`, made by `bench/tls.py --setup-peers` or by hand: `python3 -m venv .venv-peers &&
.venv-peers/bin/pip install sslyze`); `SSLYZE_PYTHON` may point at another interpreter.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
SSLYZE_KEYS = {"ssl_2_0_cipher_suites": "SSLv2", "ssl_3_0_cipher_suites": "SSLv3", "tls_1_0_cipher_suites": "TLSv1.0",
               "tls_1_1_cipher_suites": "TLSv1.1", "tls_1_2_cipher_suites": "TLSv1.2", "tls_1_3_cipher_suites": "TLSv1.3"}


def sslyze_python() -> str | None:
    """The interpreter that has sslyze, or None when it is not installed."""
    candidates = [os.environ.get("SSLYZE_PYTHON", ""), str(ROOT / ".venv-peers" / "bin" / "python")]
    for python in candidates:
        if python and Path(python).exists():
            probe = subprocess.run([python, "-c", "import sslyze"], capture_output=True, check=False)
            if probe.returncode == 0:
                return python
    return None


def run_sslyze(targets: list[tuple[str, str, int]], ca_file: str, timeout: float = 300) -> dict[str, dict[str, Any]]:
    """Scan (host, address, port) targets in one sslyze run; results keyed by 'host:port'."""
    python = sslyze_python()
    if python is None:
        raise RuntimeError("sslyze is not installed (python3 -m venv .venv-peers && .venv-peers/bin/pip install sslyze)")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "sslyze.json"
        args = [python, "-m", "sslyze", "--quiet", f"--json_out={out}", f"--certinfo_ca_file={ca_file}"]
        args += [f"{host}:{port}{{{address}}}" for host, address, port in targets]
        subprocess.run(args, capture_output=True, timeout=timeout, cwd=folder, check=False)
        data = json.loads(out.read_text())
    results = {}
    for entry in data["server_scan_results"]:
        loc = entry["server_location"]
        results[f"{loc['hostname']}:{loc['port']}"] = entry
    return results


def sslyze_view(entry: dict[str, Any]) -> dict[str, Any]:
    """Protocols, suites, curves, certificate and feature verdicts from one sslyze server result."""
    if entry.get("scan_result") is None:
        return {"connectivity_error": entry.get("connectivity_error_trace") or entry.get("connectivity_status")}
    sr = entry["scan_result"]
    view: dict[str, Any] = {"protocols": {}, "suites": {}}
    for key, proto in SSLYZE_KEYS.items():
        result = (sr.get(key) or {}).get("result")
        if result is None:
            continue
        view["protocols"][proto] = bool(result["is_tls_version_supported"])
        view["suites"][proto] = {s["cipher_suite"]["name"] for s in result["accepted_cipher_suites"]}
    cert = (sr.get("certificate_info") or {}).get("result")
    if cert:
        dep = cert["certificate_deployments"][0]
        supplied = [p for p in dep["path_validation_results"] if p["trust_store"]["name"] == "Supplied CA file"]
        view["trusted"] = bool(supplied and supplied[0]["was_validation_successful"])
        view["chain_in_order"] = dep["received_chain_has_valid_order"]
        view["ocsp_stapling"] = dep["ocsp_response"] is not None
        view["chain_length"] = len(dep["received_certificate_chain"])
        kinds = {"RSAPublicKey": "RSA", "ECPublicKey": "EC"}
        view["leaves"] = {(kinds.get(d["received_certificate_chain"][0]["public_key"]["algorithm"], "?"),
                           format(d["received_certificate_chain"][0]["serial_number"], "x"))
                          for d in cert["certificate_deployments"]}
    for key, field, name in (("tls_compression", "supports_compression", "compression"),
                             ("tls_fallback_scsv", "supports_fallback_scsv", "fallback_scsv"),
                             ("heartbleed", "is_vulnerable_to_heartbleed", "heartbleed"),
                             ("openssl_ccs_injection", "is_vulnerable_to_ccs_injection", "ccs_injection"),
                             ("session_renegotiation", "supports_secure_renegotiation", "secure_renegotiation"),
                             ("tls_extended_master_secret", "supports_ems_extension", "extended_master_secret")):
        result = (sr.get(key) or {}).get("result")
        if result is not None:
            view[name] = result[field]
    curves = (sr.get("elliptic_curves") or {}).get("result")
    if curves:
        view["curves"] = {c["name"] for c in curves.get("supported_curves") or []}
        view["curves_tested"] = view["curves"] | {c["name"] for c in curves.get("rejected_curves") or []}
    return view


def sslyze_known_suites() -> dict[str, set[str]]:
    """IANA names of the suites sslyze can test, per protocol (its OpenSSL builds' lists)."""
    python = sslyze_python()
    assert python is not None
    code = (
        "import json\n"
        "from sslyze.plugins.openssl_cipher_suites.cipher_suites import CipherSuitesRepository\n"
        "from sslyze.server_connectivity import TlsVersionEnum\n"
        "names = {'SSL_2_0': 'SSLv2', 'SSL_3_0': 'SSLv3', 'TLS_1_0': 'TLSv1.0', 'TLS_1_1': 'TLSv1.1',"
        " 'TLS_1_2': 'TLSv1.2', 'TLS_1_3': 'TLSv1.3'}\n"
        "print(json.dumps({names[v.name]: sorted(s.name for s in CipherSuitesRepository.get_all_cipher_suites(v))"
        " for v in TlsVersionEnum}))\n"
    )
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True).stdout
    return {k: set(v) for k, v in json.loads(out).items()}


def sslscan_path() -> str | None:
    """sslscan's path, or None."""
    return shutil.which("sslscan")
