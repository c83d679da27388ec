"""A lab of real TLS servers on 127.0.2.x for the TLS probe's tests and benchmark.

- nginx (one process, one `server` per configuration, each on its own port): modern, TLS 1.3 only,
  legacy (`ALL:@SECLEVEL=0`, TLS 1.0-1.2, DH 1024), expired, self-signed, name mismatch, missing
  intermediate, no common cipher suite, and two certificates (RSA expiring in 9 days + ECDSA; TLS 1.2+1.3
  and TLS 1.3 only);
- `openssl s_server` limited to TLS 1.0/1.1;
- a tlslite-ng server (SSL 3.0 to TLS 1.2 with RC4 and 3DES, which Debian's OpenSSL cannot serve);
- hostile listeners in threads (tls_hostile.py): reset, stall, stall mid-handshake, garbage, a 16 MB
  handshake message, a record over the size limit, an SSH banner, an HTTP response, a silent close
  and a fake Heartbleed/CCS-injection-vulnerable server.

Certificates are made with `cryptography`. `TlsLab` is a context manager; servers stop on exit.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dh, ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tests.probes.tls.tls_hostile import HOSTILE_BEHAVIOURS, HostileServer

HOST = "www.l3audit.test"
# RFC 2409 section 6.2, Oakley group 2: a well-known 1024-bit MODP prime (for the legacy DH server).
_OAKLEY2 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16)


@dataclass
class Pki:
    """A root, an intermediate and the leaves the configurations serve, as PEM files."""

    folder: Path
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def ca_file(self) -> str:
        """The root certificate, to pass as --ca-file."""
        return str(self.files["root.pem"])


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject: str, key, issuer_name: str, issuer_key, *, ca: bool, sans: list[str] | None = None,
          days: tuple[int, int] = (-1, 90), issuer_cert: x509.Certificate | None = None) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now + dt.timedelta(days=days[0]))
        .not_valid_after(now + dt.timedelta(days=days[1]))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    aki_key = issuer_cert.public_key() if issuer_cert is not None else issuer_key.public_key()
    aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(aki_key)  # type: ignore[arg-type]
    builder = builder.add_extension(aki, critical=False)
    if ca:
        builder = builder.add_extension(
            x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                          encipher_only=False, decipher_only=False), critical=True)
    else:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans or []]), critical=False)
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption())


def make_pki(folder: Path) -> Pki:
    """Root -> intermediate -> leaves (RSA 2048, ECDSA P-256), plus expired, self-signed and other-name leaves."""
    pki = Pki(folder)
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _cert("l3audit TLS test root", root_key, "l3audit TLS test root", root_key, ca=True, days=(-1, 3650))
    inter_key = ec.generate_private_key(ec.SECP256R1())
    inter = _cert("l3audit TLS test intermediate", inter_key, "l3audit TLS test root", root_key,
                  ca=True, days=(-1, 3000), issuer_cert=root)
    rsa_key = rsa.generate_private_key(65537, 2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    inter_cn = "l3audit TLS test intermediate"

    def leaf(cn: str, key, days=(-1, 89), sans=None) -> x509.Certificate:
        return _cert(cn, key, inter_cn, inter_key, ca=False, sans=sans or [cn], days=days, issuer_cert=inter)

    leaves = {
        "rsa": (leaf(HOST, rsa_key), rsa_key),
        "rsa9": (leaf(HOST, rsa_key, days=(-80, 9)), rsa_key),  # expires in 9 days, beside a fresh ECDSA one
        "ec": (leaf(HOST, ec_key), ec_key),
        "expired": (leaf(HOST, rsa_key, days=(-400, -10)), rsa_key),
        "other": (leaf("other.example", rsa_key, sans=["other.example"]), rsa_key),
    }
    self_signed = _cert(HOST, rsa_key, HOST, rsa_key, ca=False, sans=[HOST])
    w = pki.files

    def write(name: str, data: bytes) -> None:
        path = folder / name
        path.write_bytes(data)
        w[name] = path

    write("root.pem", _pem(root))
    write("rsa.key", _key_pem(rsa_key))
    write("ec.key", _key_pem(ec_key))
    for name, (cert, _key) in leaves.items():
        write(f"{name}.chain.pem", _pem(cert) + _pem(inter))
        write(f"{name}.leaf.pem", _pem(cert))
    write("inter.pem", _pem(inter))
    write("ocsp.der", _ocsp_response(leaves["rsa"][0], inter, inter_key))
    write("selfsigned.pem", _pem(self_signed))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # cryptography deprecates FFDH; the lab needs a weak DH server
        params = dh.DHParameterNumbers(_OAKLEY2, 2).parameters()
    write("dh1024.pem", params.parameter_bytes(serialization.Encoding.PEM, serialization.ParameterFormat.PKCS3))
    return pki


def _ocsp_response(cert: x509.Certificate, issuer: x509.Certificate, issuer_key) -> bytes:
    """A 'good' OCSP response for `cert`, signed by its issuer, for nginx's ssl_stapling_file."""
    from cryptography.x509 import ocsp

    now = dt.datetime.now(dt.UTC)
    builder = ocsp.OCSPResponseBuilder().add_response(
        cert=cert, issuer=issuer, algorithm=hashes.SHA1(), cert_status=ocsp.OCSPCertStatus.GOOD,
        this_update=now - dt.timedelta(hours=1), next_update=now + dt.timedelta(days=3),
        revocation_time=None, revocation_reason=None,
    ).responder_id(ocsp.OCSPResponderEncoding.HASH, issuer)
    return builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _die_with_parent() -> None:
    """In a child before exec: get SIGTERM when the test process dies (Linux PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


def free_port(address: str) -> int:
    """A TCP port that is free on `address` right now."""
    with socket.socket() as s:
        s.bind((address, 0))
        return int(s.getsockname()[1])


def wait_listening(address: str, port: int, seconds: float = 15.0) -> None:
    """Wait until something accepts connections on address:port (bounded)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            with socket.create_connection((address, port), 0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {address}:{port} after {seconds:g} s")


MODERN_CIPHERS = ("ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
                  "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                  "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305")
"""Mozilla intermediate 5.7 TLS 1.2 suites (probe-rules.md 4.3)."""

NGINX_SITES: dict[str, dict[str, str]] = {
    "modern": {"cert": "rsa.chain.pem", "key": "rsa.key", "protocols": "TLSv1.2 TLSv1.3",
               "ciphers": MODERN_CIPHERS, "prefer": "off", "curves": "X25519:prime256v1:secp384r1",
               "ocsp": "ocsp.der"},
    "tls13": {"cert": "ec.chain.pem", "key": "ec.key", "protocols": "TLSv1.3", "ciphers": "HIGH", "prefer": "off",
              "curves": "X25519:prime256v1:secp384r1"},
    "legacy": {"cert": "rsa.chain.pem", "key": "rsa.key", "protocols": "TLSv1 TLSv1.1 TLSv1.2",
               "ciphers": "ALL:@SECLEVEL=0", "prefer": "on", "dh": "dh1024.pem"},
    "expired": {"cert": "expired.chain.pem", "key": "rsa.key", "protocols": "TLSv1.2 TLSv1.3",
                "ciphers": MODERN_CIPHERS, "prefer": "off"},
    "selfsigned": {"cert": "selfsigned.pem", "key": "rsa.key", "protocols": "TLSv1.2 TLSv1.3",
                   "ciphers": MODERN_CIPHERS, "prefer": "off"},
    "mismatch": {"cert": "other.chain.pem", "key": "rsa.key", "protocols": "TLSv1.2 TLSv1.3",
                 "ciphers": MODERN_CIPHERS, "prefer": "off"},
    "nointermediate": {"cert": "rsa.leaf.pem", "key": "rsa.key", "protocols": "TLSv1.2",
                       "ciphers": MODERN_CIPHERS, "prefer": "on"},
    # Two certificates, as many CDNs serve: RSA (expiring in 9 days) and ECDSA; TLS 1.2+1.3 and TLS 1.3 only.
    "dual": {"cert": "rsa9.chain.pem", "key": "rsa.key", "cert2": "ec.chain.pem", "key2": "ec.key",
             "protocols": "TLSv1.2 TLSv1.3", "ciphers": MODERN_CIPHERS, "prefer": "off"},
    "dual13": {"cert": "rsa9.chain.pem", "key": "rsa.key", "cert2": "ec.chain.pem", "key2": "ec.key",
               "protocols": "TLSv1.3", "ciphers": "HIGH", "prefer": "off"},
    # An ECDSA certificate with only RSA-authenticated TLS 1.2 suites: no suite can be agreed on.
    "nocommon": {"cert": "ec.chain.pem", "key": "ec.key", "protocols": "TLSv1.2",
                 "ciphers": "ECDHE-RSA-AES128-GCM-SHA256", "prefer": "on"},
}


def nginx_conf(folder: Path, pki: Pki, ports: dict[str, int], address: str) -> str:
    """An nginx.conf with one server per configuration, all state under `folder`."""
    user = "user root root;" if os.geteuid() == 0 else ""  # workers keep root so they read the temp dir
    servers = []
    for name, site in NGINX_SITES.items():
        dh_line = f"ssl_dhparam {pki.files[site['dh']]};" if "dh" in site else ""
        if "curves" in site:
            dh_line += f" ssl_ecdh_curve {site['curves']};"
        if "cert2" in site:
            dh_line += f" ssl_certificate {pki.files[site['cert2']]}; ssl_certificate_key {pki.files[site['key2']]};"
        if "ocsp" in site:
            dh_line += f" ssl_stapling on; ssl_stapling_file {pki.files[site['ocsp']]};"
        servers.append(f"""
    server {{
        listen {address}:{ports[name]} ssl;
        server_name {HOST};
        ssl_certificate {pki.files[site['cert']]};
        ssl_certificate_key {pki.files[site['key']]};
        ssl_protocols {site['protocols']};
        ssl_ciphers '{site['ciphers']}';
        ssl_prefer_server_ciphers {site['prefer']};
        {dh_line}
        location / {{ return 200 "ok\\n"; }}
    }}""")
    temp = " ".join(f"{d}_temp_path {folder}/{d};" for d in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
    {temp}
{''.join(servers)}
}}
"""


@dataclass
class Server:
    """Where one lab server listens."""

    name: str
    address: str
    port: int


_LAB: TlsLab | None = None


def get_lab() -> TlsLab:
    """The lab shared by every TLS test module of a session, started on first use, stopped at exit."""
    global _LAB
    if _LAB is None:
        import atexit

        _LAB = TlsLab().__enter__()
        atexit.register(_LAB.close)
    return _LAB


class TlsLab:
    """Starts every lab server that its tools allow; `skipped` says what could not start and why."""

    ADDRESS = "127.0.2.10"

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="l3audit-tlslab-"))
        self.servers: dict[str, Server] = {}
        self.skipped: dict[str, str] = {}
        self._procs: list[subprocess.Popen[bytes]] = []
        self._hostile: list[HostileServer] = []
        self.pki = make_pki(self.folder)

    def __enter__(self) -> TlsLab:  # noqa: PYI034 - typing.Self needs Python 3.11
        try:
            self._start_nginx()
            self._start_s_server()
            self._start_tlslite()
            self._start_hostile()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop every server this lab started, and remove its folder."""
        for proc in self._procs:
            proc.terminate()
        for proc in self._procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
        for hostile in self._hostile:
            hostile.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _add(self, name: str, port: int, address: str | None = None) -> None:
        self.servers[name] = Server(name, address or self.ADDRESS, port)

    def _start_nginx(self) -> None:
        if shutil.which("nginx") is None:
            for name in NGINX_SITES:
                self.skipped[name] = "nginx is not installed (apt-get install nginx)"
            return
        ports = {name: free_port(self.ADDRESS) for name in NGINX_SITES}
        conf = self.folder / "nginx.conf"
        conf.write_text(nginx_conf(self.folder, self.pki, ports, self.ADDRESS))
        proc = subprocess.Popen(["nginx", "-p", str(self.folder), "-c", str(conf)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)  # noqa: PLW1509 - before the lab's threads start
        self._procs.append(proc)
        for name, port in ports.items():
            wait_listening(self.ADDRESS, port)
            self._add(name, port)

    def _start_s_server(self) -> None:
        if shutil.which("openssl") is None:
            self.skipped["s_server"] = "openssl is not installed"
            return
        port = free_port(self.ADDRESS)
        f = self.pki.files
        proc = subprocess.Popen(
            ["openssl", "s_server", "-accept", f"{self.ADDRESS}:{port}", "-cert", str(f["rsa.leaf.pem"]),
             "-key", str(f["rsa.key"]), "-cert_chain", str(f["inter.pem"]), "-min_protocol", "TLSv1",
             "-max_protocol", "TLSv1.1", "-cipher", "ALL:@SECLEVEL=0", "-quiet", "-www"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=_die_with_parent)  # noqa: PLW1509 - before the lab's threads start
        self._procs.append(proc)
        wait_listening(self.ADDRESS, port)
        self._add("s_server", port)

    def _start_tlslite(self) -> None:
        if importlib.util.find_spec("tlslite") is None:
            self.skipped["tlslite"] = "tlslite-ng is not installed (pip install tlslite-ng)"
            return
        port = free_port(self.ADDRESS)
        f = self.pki.files
        script = Path(__file__).with_name("tls_tlslite_server.py")
        proc = subprocess.Popen([sys.executable, str(script), self.ADDRESS, str(port), str(f["rsa.chain.pem"]),
                                 str(f["rsa.key"])], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                preexec_fn=_die_with_parent)  # noqa: PLW1509 - before the lab's threads start
        self._procs.append(proc)
        wait_listening(self.ADDRESS, port)
        self._add("tlslite", port)

    def _start_hostile(self) -> None:
        HostileServer.certificate_pem = self.pki.files["rsa.leaf.pem"].read_bytes()
        for behaviour in HOSTILE_BEHAVIOURS:
            server = HostileServer(self.ADDRESS, behaviour)
            server.start()
            self._hostile.append(server)
            self._add(f"hostile-{behaviour}", server.port)
