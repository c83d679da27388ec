"""The `ports` probe against real loopback services, with a real nmap and with the built-in scanner."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from audit.errors import ProbeError
from audit.models import Target
from probes.interface import ProbeOptions
from probes.ports.probe import PortsProbe
from probes.ports.catalogue import load_catalogue, ports_to_scan
from probes.ports.nmap_scan import extra_port_states, parse_nmap_xml, states_from_xml
from probes.ports.results import PortState, check_answered, identify_banner
from tests.probes.exposure.exposure_servers import DroppingPort, TcpService, closed_port, loopback_address

needs_nmap = pytest.mark.skipif(shutil.which("nmap") is None, reason="nmap is not installed (.ci/run installs it)")
SSH_BANNER = b"SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6\r\n"


class Lab:
    """A host with a fake Redis on 6379, an SSH-like banner on a high port, and a closed port."""

    def __init__(self) -> None:
        self.address = loopback_address()
        self.redis = TcpService(self.address, 6379, mode="redis")
        self.ssh = TcpService(self.address, 0, mode="banner", banner=SSH_BANNER)
        self.closed = closed_port(self.address)

    def target(self) -> Target:
        # The site's own port is closed here: version detection skips a site's own web ports
        # (the tls and http probes measure them), so the services under test sit elsewhere.
        return Target(host="baochi.test", port=self.closed, http_port=None, address=self.address)

    def settings(self, **extra: Any) -> dict[str, Any]:
        return {"ports": [self.closed, self.ssh.port], "max_rate": 0, **extra}


@pytest.fixture()
def lab() -> Iterator[Lab]:
    lab = Lab()
    with lab.redis, lab.ssh:
        yield lab


def measure(target: Target, use_nmap: bool, settings: dict[str, Any]) -> dict[str, Any]:
    options = ProbeOptions(timeout_seconds=3, use_nmap=use_nmap, settings=settings)
    measurement = asyncio.run(PortsProbe().measure(target, options))
    assert PortsProbe.check_declared(measurement.facts) == []
    return dict(measurement.facts)


@needs_nmap
def test_given_redis_and_ssh_when_nmap_scans_with_detection_then_both_risky_and_versions_disclosed(lab: Lab) -> None:
    facts = measure(lab.target(), True, lab.settings())
    assert facts["ports.method"] == "nmap"
    assert facts["ports.open_ports"] == sorted([6379, lab.ssh.port])
    assert lab.closed in facts["ports.scanned"] and lab.closed not in facts["ports.open_ports"]
    assert facts["ports.filtered_ports"] == []
    risky = {r["service"]: r for r in facts["ports.risky_open"]}
    assert set(risky) == {"redis", "ssh"}  # ssh on a high port counts because -sV identified it
    assert risky["redis"]["severity"] == "critical" and risky["redis"]["why"]["vi"]
    disclosed = {(d["product"], d["version"]) for d in facts["ports.version_disclosures"]}
    assert ("OpenSSH", "8.9p1 Ubuntu 3ubuntu0.6") in disclosed
    assert ("Redis key-value store", "6.0.16") in disclosed
    assert facts["ports.unexpected_open"] == sorted([6379, lab.ssh.port])


@needs_nmap
def test_given_same_hosts_when_plain_nmap_runs_then_probe_agrees_on_open_ports_and_services(lab: Lab) -> None:
    facts = measure(lab.target(), True, lab.settings())
    ports = ",".join(str(p) for p in facts["ports.scanned"])
    xml = subprocess.run(["nmap", "-sT", "-Pn", "-n", "-sV", "-p", ports, "-oX", "-", lab.address],
                         capture_output=True, text=True, timeout=120).stdout
    states, _ = states_from_xml(xml, lab.address, facts["ports.scanned"])
    assert {s.port: s.service for s in states if s.state == "open"} == {o["port"]: o["service"] for o in facts["ports.open"]}


def test_given_nmap_disabled_when_connect_scanner_runs_then_same_open_ports_and_ssh_banner(lab: Lab) -> None:
    facts = measure(lab.target(), False, lab.settings())
    assert facts["ports.method"] == "connect"
    assert facts["ports.open_ports"] == sorted([6379, lab.ssh.port])
    assert {r["service"] for r in facts["ports.risky_open"]} == {"redis", "ssh"}
    assert facts["ports.version_disclosures"] == [
        {"port": lab.ssh.port, "service": "ssh", "product": "OpenSSH", "version": "8.9p1", "source": "banner"}
    ]


def test_given_service_that_never_answers_when_connect_scanned_then_open_without_error() -> None:
    address = loopback_address()
    with TcpService(address, mode="silent") as silent:
        target = Target(host="baochi.test", port=silent.port, http_port=None, address=address)
        facts = measure(target, False, {"max_rate": 0})
    assert facts["ports.open_ports"] == [silent.port]
    assert facts["ports.version_disclosures"] == []


@needs_nmap
def test_given_service_that_never_answers_when_nmap_detects_then_bounded_and_states_kept() -> None:
    address = loopback_address()
    with TcpService(address, mode="silent") as silent:
        site_port = closed_port(address)
        target = Target(host="baochi.test", port=site_port, http_port=None, address=address)
        facts = measure(target, True, {"ports": [silent.port], "max_rate": 0, "version_timeout_seconds": 2})
    assert facts["ports.open_ports"] == [silent.port]
    assert facts["ports.service_detection_complete"] is False


@pytest.mark.parametrize("use_nmap", [pytest.param(True, marks=needs_nmap), False])
def test_given_a_port_that_drops_packets_when_scanned_then_reported_filtered_not_closed(use_nmap: bool) -> None:
    address = loopback_address()
    with TcpService(address, mode="banner", banner=SSH_BANNER) as ssh, DroppingPort(address) as dropping:
        target = Target(host="baochi.test", port=ssh.port, http_port=None, address=address)
        facts = measure(target, use_nmap, {"ports": [dropping.port], "max_rate": 0, "service_detection": False})
    assert facts["ports.filtered_ports"] == [dropping.port]
    assert facts["ports.open_ports"] == [ssh.port]
    assert facts["ports.filtered_count"] == 1


def test_given_nothing_answers_when_checked_then_probe_error_not_a_clean_result() -> None:
    with pytest.raises(ProbeError, match="all filtered"):
        check_answered([PortState(22, "filtered"), PortState(443, "filtered")], "192.0.2.1")
    check_answered([PortState(22, "filtered"), PortState(443, "closed")], "192.0.2.1")


def _fake_nmap(folder: Path, script: str) -> str:
    path = folder / "nmap"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"


def test_given_nmap_failing_when_scanning_then_probe_error_with_its_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _fake_nmap(tmp_path, "echo 'Failed to open device' >&2; exit 1\n"))
    target = Target(host="baochi.test", port=443, address="127.0.0.1")
    with pytest.raises(ProbeError, match=r"nmap failed \(exit 1\): Failed to open device"):
        asyncio.run(PortsProbe().measure(target, ProbeOptions(settings={"max_rate": 0})))


def test_given_nmap_writing_truncated_xml_when_scanning_then_probe_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", _fake_nmap(tmp_path, "printf '<?xml version=\"1.0\"?>\\n<nmaprun scanner=\"nmap\">\\n<host>'\n"))
    target = Target(host="baochi.test", port=443, address="127.0.0.1")
    with pytest.raises(ProbeError, match="truncated"):
        asyncio.run(PortsProbe().measure(target, ProbeOptions(settings={"max_rate": 0})))


def test_given_truncated_or_garbage_xml_when_parsed_then_probe_error_without_the_xml() -> None:
    with pytest.raises(ProbeError, match="truncated"):
        parse_nmap_xml('<?xml version="1.0"?><nmaprun><host><ports>')
    with pytest.raises(ProbeError, match="cannot be parsed") as info:
        parse_nmap_xml("<nmaprun><host></nmaprun>")
    assert "<nmaprun>" not in str(info.value)


XML = """<?xml version="1.0"?><nmaprun scanner="nmap" args="nmap" start="1" version="7.93">
<host><status state="up" reason="user-set"/><address addr="127.0.0.5" addrtype="ipv4"/><hostnames></hostnames>
<ports><extraports state="closed" count="3"><extrareasons reason="conn-refused" count="3" proto="tcp" ports="21-22,23"/></extraports>
<extraports state="filtered" count="1"><extrareasons reason="no-response" count="1" proto="tcp" ports="445"/></extraports>
<port protocol="tcp" portid="80"><state state="open" reason="syn-ack"/><service name="http" method="table" conf="3"/></port>
</ports></host><runstats><finished time="2" elapsed="1.0" exit="success"/><hosts up="1" down="0" total="1"/></runstats></nmaprun>"""


def test_given_folded_extraports_when_parsed_then_every_scanned_port_has_a_state() -> None:
    assert extra_port_states(XML) == {21: "closed", 22: "closed", 23: "closed", 445: "filtered"}
    states, timed_out = states_from_xml(XML, "127.0.0.5", [21, 22, 23, 80, 445, 3306])
    assert not timed_out
    assert {s.port: s.state for s in states} == {21: "closed", 22: "closed", 23: "closed", 80: "open",
                                                 445: "filtered", 3306: "filtered"}
    assert [s.detected for s in states if s.port == 80] == [False]  # a table guess, not detection


def test_catalogue_is_bilingual_and_curated_list_covers_web_and_risky_ports() -> None:
    catalogue = load_catalogue()
    for entry in catalogue.risky:
        assert entry.why_vi and entry.why_en and entry.remediation_vi and entry.remediation_en
    ports = ports_to_scan(catalogue, [8443, 70000])
    assert {80, 443, 22, 3306, 6379, 27017} <= set(ports) and 70000 not in ports
    assert catalogue.match(2222, "ssh", detected=True) == (catalogue.risky[1], "service")
    assert catalogue.match(2222, "ssh", detected=False) == (None, "")


@pytest.mark.parametrize(("port", "service", "detected", "product", "expected"), [
    (2083, "http", True, "nginx", None),  # a CDN edge on a cPanel port: what answers is nginx
    (2083, "http", True, "cPanel httpd", ("cpanel-ssl", "service")),
    (8443, "http", True, "cPanel httpd", ("cpanel", "service")),  # cPanel moved: still cPanel
    (2083, "", False, "", ("cpanel-ssl", "port")),  # nothing identified: the port number, said so
    (2083, "tcpwrapped", True, "", ("cpanel-ssl", "port")),
    (3306, "mysql", True, "MySQL", ("mysql", "service")),
    (3306, "http", True, "nginx", None),
    (6443, "http", True, "", ("kubernetes-api", "port")),  # nothing to recognise it by: the port decides
])
def test_what_answers_decides_not_the_port_number(port: int, service: str, detected: bool, product: str,
                                                  expected: tuple[str, str] | None) -> None:
    entry, basis = load_catalogue().match(port, service, detected, product)
    assert ((entry.service, basis) if entry else None) == expected


@pytest.mark.parametrize(("banner", "expected"), [
    ("SSH-2.0-OpenSSH_9.6\r\n", ("ssh", "OpenSSH", "9.6")),
    ("HTTP/1.1 400 Bad Request\r\nServer: nginx/1.18.0\r\n\r\n", ("http", "nginx", "1.18.0")),
    ("220 (vsFTPd 3.0.3)\r\n", ("ftp", "vsftpd", "3.0.3")),
    ("J\x00\x00\x00\x0a8.0.36\x00rest", ("mysql", "MySQL", "8.0.36")),
    ("hello", ("", "", "")),
])
def test_banners_name_service_product_and_version(banner: str, expected: tuple[str, str, str]) -> None:
    assert identify_banner(banner) == expected


@pytest.mark.parametrize("address", ["10.0.0.0/24", "10.0.0.1-20", "*.baochi.vn", "-iL/etc/passwd", "a.vn b.vn"])
def test_given_a_range_or_option_as_address_when_scanning_then_refused_before_nmap(address: str) -> None:
    target = Target(host="baochi.test", port=443, address=address)
    with pytest.raises(ProbeError, match="refusing to scan"):
        asyncio.run(PortsProbe().measure(target, ProbeOptions()))


@needs_nmap
def test_given_the_sites_own_port_when_nmap_detects_then_it_is_left_to_the_tls_and_http_probes(lab: Lab) -> None:
    own = Target(host="baochi.test", port=lab.ssh.port, http_port=None, address=lab.address)
    facts = measure(own, True, lab.settings())
    by_port = {o["port"]: o for o in facts["ports.open"]}
    assert by_port[lab.ssh.port]["version"] == ""  # no -sV on the site's own port
    assert by_port[6379]["product"] == "Redis key-value store"  # -sV still runs on the others
