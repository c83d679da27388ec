"""The CLI end to end: scan, run (with resume), probe, checklist, demo, and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.demo.outlets import GOOD_HEADERS, DemoAddresses
from audit.demo.servers import SiteConfig, security_txt_files
from audit.exitcodes import FINDINGS, INCOMPLETE, OK, USAGE


def invoke(*args: str) -> "CliRunner.invoke":
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def resolve(target) -> str:
    return f"{target.host}:{target.port}:{target.address}"


def test_scan_of_a_good_site_exits_0_and_writes_json_and_html(sites, ca_file, tmp_path: Path) -> None:
    target = sites.https("tot.test", SiteConfig(headers=GOOD_HEADERS, files=security_txt_files()), http_redirect=True)
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    result = invoke("scan", f"tot.test:{target.port}", "--resolve", resolve(target), "--http-port",
                    str(target.http_port), "--ca-file", ca_file, "--no-nmap", "--timeout", "3",
                    "--json", str(out_json), "--html", str(out_html), "--lang", "en")
    assert result.exit_code == OK, result.output
    data = json.loads(out_json.read_text())
    assert data["summary"]["verdict"] == "compliant"
    assert data["outlet"]["sites"][0]["address"] == target.address
    assert "Meets level 3" in out_html.read_text()


def test_scan_of_a_bad_site_exits_1(sites, ca_file) -> None:
    target = sites.https("xau.test", SiteConfig())
    result = invoke("scan", f"xau.test:{target.port}", "--resolve", resolve(target), "--ca-file", ca_file,
                    "--no-nmap", "--timeout", "3", "--lang", "vi")
    assert result.exit_code == FINDINGS
    assert "Không đạt  L3-WEB-02: " in result.output  # the status and the reason in the command's language


def test_scan_of_a_dead_site_exits_3(tmp_path: Path) -> None:
    result = invoke("scan", "chet.test:1", "--resolve", "chet.test:1:127.0.0.254", "--no-nmap", "--timeout", "2",
                    "--checklist", str(tmp_path / "../../../nonexistent.yaml"))
    assert result.exit_code == USAGE and "không tìm thấy tệp" in result.output
    tls_only = tmp_path / "tls-only.yaml"
    from audit.catalogue.loader import resolve_checklist

    text = resolve_checklist("l3-starter").read_text(encoding="utf-8")
    tls_only.write_text(text, encoding="utf-8")
    result = invoke("scan", "chet.test:1", "--resolve", "chet.test:1:127.0.0.254", "--http-port", "2",
                    "--no-nmap", "--timeout", "2", "--checklist", str(tls_only))
    # ports pass (nothing open there), tls and http cannot measure: incomplete, not fail.
    assert result.exit_code == INCOMPLETE, result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "10.0.0.0/24"], "dải địa chỉ"),
        (["scan", "example.test", "--resolve", "other.test:443:127.0.0.1"], "không phải mục tiêu"),
        (["scan", "example.test", "--checklist", "l3-startr"], "có phải ý bạn là 'l3-starter'"),
        (["scan", "ftp://example.test"], "giao thức 'ftp'"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args, message) -> None:
    result = invoke(*args)
    assert result.exit_code == USAGE
    assert message in result.output
    assert "Traceback" not in result.output


def test_bad_inventory_exits_2_before_scanning(tmp_path: Path) -> None:
    inv = tmp_path / "inv.yaml"
    inv.write_text("outlets:\n  - id: a\n    name: A\n    sites: ['https://a b']\n", encoding="utf-8")
    result = invoke("run", str(inv), "--out", str(tmp_path / "out"))
    assert result.exit_code == USAGE
    assert "inv.yaml:4: cơ quan a:" in result.output
    assert not (tmp_path / "out").exists()


def write_inventory(path: Path, targets: dict) -> None:
    lines = ["outlets:"]
    for oid, t in targets.items():
        lines += [f"  - id: {oid}", f"    name: \"Báo {oid}\"", "    sites:",
                  f"      - {{url: 'https://{t.host}:{t.port}', address: {t.address}, http_port: {t.http_port or 'null'}}}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_run_writes_each_outlet_and_resume_skips_done_ones(sites, ca_file, tmp_path: Path) -> None:
    good = sites.https("tot.test", SiteConfig(headers=GOOD_HEADERS, files=security_txt_files()), http_redirect=True)
    bad = sites.https("xau.test", SiteConfig())
    inv, out = tmp_path / "inv.yaml", tmp_path / "out"
    write_inventory(inv, {"tot": good, "xau": bad})
    result = invoke("run", str(inv), "--out", str(out), "--ca-file", ca_file, "--no-nmap", "--timeout", "3")
    assert result.exit_code == FINDINGS, result.output
    assert sorted(p.name for p in out.iterdir()) == ["summary.json", "tot.json", "tot.vi.html", "xau.json", "xau.vi.html"]
    summary = json.loads((out / "summary.json").read_text())
    assert {o["outlet"]: o["verdict"] for o in summary["outlets"]} == {"tot": "compliant", "xau": "not_compliant"}

    # Interrupted run: one result gone; --resume audits only that one and keeps the other untouched.
    (out / "xau.json").unlink()
    before = (out / "tot.json").stat().st_mtime_ns
    result = invoke("run", str(inv), "--out", str(out), "--ca-file", ca_file, "--no-nmap", "--timeout", "3", "--resume")
    assert "1 cơ quan đã xong, còn 1 cần đánh giá" in result.output
    assert (out / "tot.json").stat().st_mtime_ns == before
    assert (out / "xau.json").exists()
    assert result.exit_code == FINDINGS


def test_probe_command_prints_facts_as_json(sites) -> None:
    target = sites.https("tot.test")
    result = invoke("probe", "tls", f"tot.test:{target.port}", "--resolve", resolve(target), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["facts"]["tls.offered"] is True
    assert data["facts"]["tls.certificate.hostname_matches"] is True


def test_probe_facts_lists_declared_facts() -> None:
    result = invoke("probe", "facts", "tls")
    assert "tls.certificate.days_until_expiry" in result.output


def test_checklist_commands() -> None:
    assert "l3-starter" in invoke("checklist", "list").output
    shown = invoke("checklist", "show", "l3-starter", "--lang", "en")
    assert "L3-TLS-02" in shown.output and "TLS 1.0 and TLS 1.1 are refused" in shown.output
    assert invoke("checklist", "lint", "l3-starter").exit_code == 0


def test_checklist_lint_reports_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: l3audit/checklist/v1\nid: bad\n", encoding="utf-8")
    result = invoke("checklist", "lint", str(bad), "--lang", "en")
    assert result.exit_code == USAGE and "bad.yaml" in result.output and "required property" in result.output


def test_ports_without_nmap_use_the_builtin_scanner(sites, monkeypatch) -> None:
    listener = sites.listener(port=0)
    monkeypatch.setenv("PATH", "/nonexistent")  # no nmap on PATH: a missing binary is not an error
    from audit.cli.options import handle_errors  # noqa: F401 - ensures the CLI imports without nmap
    result = invoke("probe", "ports", f"{listener.address}:{listener.port}", "--json")
    data = json.loads(result.output)
    assert data["facts"]["ports.method"] == "connect"


@pytest.mark.skipif(shutil.which("nmap") is None, reason="nmap is not installed")
def test_ports_with_nmap_finds_a_risky_listener(sites) -> None:
    from audit.cli.options import handle_errors  # noqa: F401

    address = "127.0.3.77"
    sites.listener(address=address, port=6379, banner=b"-NOAUTH Authentication required.\r\n")
    result = invoke("probe", "ports", f"{address}:443", "--json")
    data = json.loads(result.output)
    assert data["facts"]["ports.method"] == "nmap"
    assert 6379 in data["facts"]["ports.open_ports"]
    assert data["facts"]["ports.risky_open_count"] >= 1


def test_demo_audits_the_demo_outlets_true_to_their_configuration(tmp_path: Path, monkeypatch) -> None:
    from audit.cli import demo_cmd

    # Run beside any real demo: other addresses and ports.
    monkeypatch.setattr(demo_cmd, "demo_fleet", _fleet_elsewhere())
    out = tmp_path / "demo"
    result = invoke("demo", "--out", str(out), "--no-nmap", "--no-pdf", "--lang", "en")
    assert result.exit_code == 0, result.output
    verdicts = {o["outlet"]: o["verdict"] for o in json.loads((out / "summary.json").read_text())["outlets"]}
    assert verdicts == {"bao-mau-an-toan": "compliant", "tap-chi-mau-chua-dat": "not_compliant",
                        "bao-mau-ngung-hoat-dong": "incomplete"}
    for stem in verdicts:
        assert (out / f"{stem}.vi.html").exists() and (out / f"{stem}.en.html").exists()
    bad = json.loads((out / "tap-chi-mau-chua-dat.json").read_text())
    failed = {r["requirement_id"] for r in bad["requirements"] if r["status"] == "fail"}
    assert {"L3-TLS-02", "L3-CERT-01", "L3-WEB-01", "L3-WEB-02", "L3-WEB-03", "L3-WEB-04", "L3-NET-01"} <= failed
    assert "Demo reports are in" in result.output


def _fleet_elsewhere():
    from audit.demo import outlets as demo

    addresses = DemoAddresses(good="127.0.2.11", bad="127.0.2.12", offline="127.0.2.13", https_port=18443, http_port=18080)

    def fleet(folder):
        return demo.demo_fleet(folder, addresses)

    return fleet


def test_version_option() -> None:
    from audit import __version__

    assert __version__ in invoke("--version").output


def test_cli_module_is_thin() -> None:
    folder = Path(__file__).resolve().parents[1] / "audit" / "cli"
    for path in folder.glob("*.py"):
        assert len(path.read_text().splitlines()) < 200, f"{path.name} grew too big for a thin CLI"

