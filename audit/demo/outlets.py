"""Built-in demo outlets on 127.0.0.x: one configured well, one badly, one offline.

`DemoFleet` starts real servers (TLS with certificates made on the fly, plain HTTP, a stand-in
database port) and yields the matching outlets, so `l3audit demo` can audit them like any inventory.
What each outlet gets wrong is written down here, so the demo's mix of pass and fail can be checked
against how the servers are configured.
"""

from __future__ import annotations

import contextlib
import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml

from audit.demo.certs import make_ca, make_leaf
from audit.demo.servers import BannerListener, SiteConfig, WebServer, security_txt_files, server_tls_context
from audit.models import Contact, Outlet, Target

GOOD_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; object-src 'none'",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


@dataclass(frozen=True)
class DemoAddresses:
    """Where the demo outlets listen; tests pass other addresses to run beside a demo."""

    good: str = "127.0.0.11"
    bad: str = "127.0.0.12"
    offline: str = "127.0.0.13"
    https_port: int = 8443
    http_port: int = 8080


GOOD_NAME = "an-toan.bao-mau.test"
BAD_NAME = "chua-dat.tap-chi-mau.test"
OFFLINE_NAME = "ngung.bao-mau.test"


@contextlib.contextmanager
def demo_fleet(folder: Path | None = None, addresses: DemoAddresses = DemoAddresses()) -> Iterator[tuple[list[Outlet], Path]]:
    """Start the demo servers; yield the outlets and the demo CA file; stop everything on exit.

    Good outlet: TLS 1.2/1.3 only, certificate from the demo CA, HTTP -> HTTPS redirect, HSTS and
    security headers, no risky port. Bad outlet: self-signed expired certificate with TLS 1.0 and
    1.1 accepted, content over plain HTTP, no security headers, versions in Server/X-Powered-By, and
    a Redis-like service on 6379. Offline outlet: nothing listens (its probes must end in `error`).
    """
    a = addresses
    with contextlib.ExitStack() as stack:
        work = Path(folder) if folder else Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="l3audit-demo-")))
        ca = make_ca()
        ca_file = work / "demo-ca.pem"
        ca_file.parent.mkdir(parents=True, exist_ok=True)
        ca_file.write_bytes(ca.cert_pem())
        good_cert, good_key = make_leaf([GOOD_NAME], ca).write(work / "certs", "good")
        bad_cert, bad_key = make_leaf([BAD_NAME], None, expired=True, kind="rsa").write(work / "certs", "bad")

        good_tls = server_tls_context(good_cert, good_key)
        stack.enter_context(WebServer(a.good, a.https_port, SiteConfig(headers=GOOD_HEADERS, files=security_txt_files()), good_tls))
        stack.enter_context(WebServer(a.good, a.http_port, SiteConfig(
            redirect_to=f"https://{GOOD_NAME}:{a.https_port}/")))

        bad_tls = server_tls_context(bad_cert, bad_key, min_version=ssl.TLSVersion.TLSv1)
        bad_site = SiteConfig(server_header="Apache/2.4.29 (Ubuntu)", headers={"X-Powered-By": "PHP/7.2.24"})
        stack.enter_context(WebServer(a.bad, a.https_port, bad_site, bad_tls))
        stack.enter_context(WebServer(a.bad, a.http_port, bad_site))
        stack.enter_context(BannerListener(a.bad, 6379, b"-NOAUTH Authentication required.\r\n"))

        def site(name: str, address: str) -> Target:
            return Target(host=name, port=a.https_port, http_port=a.http_port, address=address)

        outlets = [
            Outlet("bao-mau-an-toan", "Báo Điện tử Mẫu An Toàn", (site(GOOD_NAME, a.good),),
                   Contact("Phòng Kỹ thuật", "kythuat@bao-mau.test"), ("demo",)),
            Outlet("tap-chi-mau-chua-dat", "Tạp chí Mẫu Chưa Đạt", (site(BAD_NAME, a.bad),),
                   Contact("Ban Biên tập", "bbt@tap-chi-mau.test"), ("demo",)),
            Outlet("bao-mau-ngung-hoat-dong", "Báo Mẫu Ngừng Hoạt Động", (site(OFFLINE_NAME, a.offline),),
                   Contact("Văn phòng", "vp@bao-mau.test"), ("demo",)),
        ]
        yield outlets, ca_file


def inventory_yaml(outlets: list[Outlet]) -> str:
    """The inventory file that describes `outlets` (written next to the demo reports)."""
    data = {"schema": "l3audit/inventory/v1", "outlets": [{
        "id": o.id,
        "name": o.name,
        "contact": {"name": o.contact.name, "email": o.contact.email},
        "tags": list(o.tags),
        "sites": [{"url": s.url, "address": s.address, "http_port": s.http_port} for s in o.sites],
    } for o in outlets]}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
