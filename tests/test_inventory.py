"""Inventories and command-line targets: good ones parse, bad ones fail with file, line and outlet."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.errors import InventoryError, TargetError
from audit.inventory import load_inventory
from audit.targets import parse_resolve, parse_target

GOOD = """\
outlets:
  - id: bao-a
    name: "Báo A"
    contact: {name: "Phòng Kỹ thuật", email: "kt@bao-a.vn"}
    tags: [tinh-x]
    sites:
      - https://bao-a.vn
      - {url: "https://cms.bao-a.vn:8443", address: 127.0.0.5, http_port: 8080}
  - id: bao-b
    name: "Báo B"
    sites: ["bao-b.vn:443"]
"""


def test_a_good_inventory_loads(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(GOOD, encoding="utf-8")
    outlets = load_inventory(path)
    assert [o.id for o in outlets] == ["bao-a", "bao-b"]
    a = outlets[0]
    assert a.name == "Báo A" and a.contact.email == "kt@bao-a.vn" and a.tags == ("tinh-x",)
    assert a.sites[1].host == "cms.bao-a.vn" and a.sites[1].port == 8443
    assert a.sites[1].address == "127.0.0.5" and a.sites[1].http_port == 8080
    assert outlets[1].sites[0].url == "https://bao-b.vn/"


@pytest.mark.parametrize("value, kept", [("5.7", "5.7"), ('"6.0"', "6.0")])
def test_mozilla_guidelines_is_an_outlet_setting(tmp_path: Path, value: str, kept: str) -> None:
    """Given `mozilla_guidelines` unquoted (YAML reads a number) or quoted, then the tls probe gets that version."""
    path = tmp_path / "inv.yaml"
    path.write_text(GOOD.replace('    sites: ["bao-b.vn:443"]', f'    sites: ["bao-b.vn:443"]\n    settings: {{mozilla_guidelines: {value}}}'),
                    encoding="utf-8")
    assert str(load_inventory(path)[1].settings["mozilla_guidelines"]) == kept


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('    sites: ["bao-b.vn:443"]', '    sites: ["bao-b.vn:443"]\n    settings: {mozilla_guidelines: "4.0"}',
         r"outlet bao-b: .*'4.0' is not one of"),
        ("https://bao-a.vn\n", "ftp://bao-a.vn\n", r"inv.yaml:7: outlet bao-a: 'ftp://bao-a.vn': scheme 'ftp'"),
        ("https://bao-a.vn\n", "https://bao a.vn\n", r"inv.yaml:7: outlet bao-a: .*not a valid host"),
        ("https://bao-a.vn\n", "10.0.0.0/24\n", r"outlet bao-a: .*address range"),
        ("address: 127.0.0.5", "address: nowhere", r"outlet bao-a: 'nowhere' is not an IP address"),
        ("id: bao-b", "id: bao-a", r"inv.yaml:\d+: outlet bao-a: duplicate outlet id"),
        ("    name: \"Báo B\"\n", "", r"outlet bao-b: .*'name' is a required property"),
        ("tags: [tinh-x]", "tag: [tinh-x]", r"outlet bao-a: .*unknown key.*tag"),
    ],
)
def test_given_a_bad_inventory_then_the_error_is_located(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert old in GOOD
    path = tmp_path / "inv.yaml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InventoryError, match=expected):
        load_inventory(path)


@pytest.mark.parametrize(
    ("text", "url", "port", "http_port"),
    [
        ("example.vn", "https://example.vn/", 443, 80),
        ("example.vn:8443", "https://example.vn:8443/", 8443, 80),
        ("https://example.vn/tin-tuc", "https://example.vn/tin-tuc", 443, 80),
        ("http://example.vn:8080", "http://example.vn:8080/", 8080, 8080),
        ("127.0.0.1:4433", "https://127.0.0.1:4433/", 4433, 80),
        ("[::1]:4433", "https://[::1]:4433/", 4433, 80),
    ],
)
def test_targets_parse(text: str, url: str, port: int, http_port: int) -> None:
    target = parse_target(text)
    assert (target.url, target.port, target.http_port) == (url, port, http_port)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10.0.0.0/8", "address range"),
        ("192.168.1.1-20", "address range"),
        ("*.example.vn", "not a valid host"),
        ("example.vn:99999", "port must be a number"),
        ("999.1.1.1", "not a valid host"),
        ("", "empty target"),
        ("ssh://example.vn", "scheme 'ssh'"),
    ],
)
def test_bad_targets_are_refused(text: str, message: str) -> None:
    with pytest.raises(TargetError, match=message):
        parse_target(text)


def test_resolve_specs() -> None:
    assert parse_resolve("Example.vn:443:127.0.0.2") == ("example.vn", 443, "127.0.0.2")
    assert parse_resolve("example.vn:443:[::1]") == ("example.vn", 443, "::1")
    with pytest.raises(TargetError, match="expected host:port:address"):
        parse_resolve("example.vn:127.0.0.1")


def test_given_apex_and_www_then_both_share_the_registrable_domain_and_addresses(tmp_path) -> None:
    """Given two sites of one outlet with addresses, then each knows where the other one is."""
    path = tmp_path / "inv.yaml"
    path.write_text("outlets:\n  - id: a\n    name: A\n    sites:\n"
                    "      - {url: 'https://baomau.com.vn', address: 127.13.2.1}\n"
                    "      - {url: 'https://www.baomau.com.vn', address: 127.13.2.2}\n", encoding="utf-8")
    apex, www = load_inventory(path)[0].sites
    assert apex.domains == www.domains == ("baomau.com.vn",)  # com.vn is a public suffix (PSL)
    assert apex.address_for("www.baomau.com.vn", 443) == "127.13.2.2"
    assert www.address_for("baomau.com.vn", 80) == "127.13.2.1"


@pytest.mark.parametrize(("domains", "message"), [("[com.vn]", "public suffix"), ("[khac.vn]", "not within")])
def test_given_bad_domains_then_one_clear_error(tmp_path, domains: str, message: str) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(f"outlets:\n  - id: a\n    name: A\n    domains: {domains}\n    sites: ['https://baomau.com.vn']\n",
                    encoding="utf-8")
    with pytest.raises(InventoryError, match=message):
        load_inventory(path)
