"""The `exposure` probe against real loopback sites: an exposed one, a clean one, a soft-404 one."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from audit.errors import ProbeError
from audit.models import Target
from probes.exposure.probe import ExposureProbe
from probes.exposure.catalogue import load_paths
from probes.interface import ProbeOptions
from tests.probes.exposure.exposure_servers import HOME, Route, TcpService, WebSite, loopback_address

HOST = "baochi.test"
FAST = {"exposure_rate_per_second": 200}
TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def security_txt(days: int = 200) -> Route:
    expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return Route(200, f"Contact: mailto:security@{HOST}\nExpires: {expires}\n".encode(), TEXT)


def listing(path: str) -> bytes:
    return (f"<html><head><title>Index of {path}</title></head><body><h1>Index of {path}</h1>"
            f'<a href="../">../</a><a href="HEAD">HEAD</a></body></html>').encode()


LOGIN_FORM = (b'<html><title>Log In</title><form id="loginform" action="wp-login.php"><input id="user_login">'
              b'<input type="password" name="pwd"></form></html>')
EXPOSED = {
    "/": Route(200, HOME),
    "/.git/HEAD": Route(200, b"ref: refs/heads/main\n", TEXT),
    "/.git/config": Route(200, b"[core]\n\trepositoryformatversion = 0\n\tbare = false\n", TEXT),
    "/.git/": Route(200, listing("/.git/")),
    "/uploads/": Route(200, listing("/uploads/")),
    "/.env": Route(200, b"APP_ENV=production\nDB_PASSWORD=hunter2\n", TEXT),
    "/server-status": Route(200, b"<html><title>Apache Status</title><h1>Apache Server Status for baochi.test</h1>"
                                 b"Server Version: Apache/2.4.41 Total accesses: 10</html>"),
    "/backup.zip": Route(200, b"PK\x03\x04" + b"\x00" * 64, {"Content-Type": "application/zip"}),
    "/db.sql": Route(200, b"-- MySQL dump 10.13\nCREATE TABLE `users` (id int);\n", TEXT),
    "/wp-login.php": Route(200, LOGIN_FORM),
    "/phpmyadmin/": Route(302, b"", {"Location": "/phpmyadmin/index.php"}),
    "/phpmyadmin/index.php": Route(200, b"<html><title>phpMyAdmin</title><input type=password name=pma_password></html>"),
    "/admin/": Route(401, b"", {"WWW-Authenticate": 'Basic realm="CMS"'}),
    "/quantri/": Route(403, b"<html>Forbidden</html>"),
    "/info.php": Route(500, b"<br />\n<b>Fatal error</b>:  Uncaught Error: Call to undefined function in /var/www/info.php:3\n"
                            b"Stack trace:\n#0 {main}"),
    "/.well-known/security.txt": security_txt(),
}
NGINX_404 = (b"<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center>"
             b"<hr><center>nginx/1.18.0</center></body></html>")


def run(site: WebSite, scheme: str = "https", **settings: Any) -> dict[str, Any]:
    target = Target(host=HOST, port=site.port, scheme=scheme, http_port=None, address=site.address)
    measurement = asyncio.run(ExposureProbe().measure(target, ProbeOptions(timeout_seconds=3, settings={**FAST, **settings})))
    assert ExposureProbe.check_declared(measurement.facts) == []
    return dict(measurement.facts)


def test_given_exposed_site_when_probed_then_every_exposure_is_found(tmp_path: Path) -> None:
    with WebSite(loopback_address(), EXPOSED, not_found=NGINX_404, tls_folder=tmp_path) as site:
        facts = run(site)
    ids = {f["id"] for f in facts["exposure.findings"]}
    assert {"git-head", "git-config", "listing-git", "listing-uploads", "env", "server-status", "backup-zip",
            "db-sql", "wordpress-admin", "phpmyadmin", "admin", "verbose-error"} == ids
    assert facts["exposure.git_exposed"] and facts["exposure.env_exposed"] and facts["exposure.secrets_exposed"]
    assert facts["exposure.backup_exposed"]
    assert facts["exposure.directory_listing"] and facts["exposure.listing_paths"] == ["/.git/", "/uploads/"]
    assert sorted(facts["exposure.admin_paths"]) == ["/admin/", "/phpmyadmin/", "/wp-login.php"]  # 403 is not exposure
    assert facts["exposure.verbose_errors"] == [{"path": "/info.php", "kind": "php"}]
    assert facts["exposure.error_page_version"] == "nginx/1.18.0"
    assert facts["exposure.soft_404"] is False
    env = next(f for f in facts["exposure.findings"] if f["id"] == "env")
    assert "DB_PASSWORD" in env["evidence"] and "hunter2" not in env["evidence"]  # names, never secret values
    assert env["title"]["vi"] and env["remediation"]["en"]
    assert facts["exposure.security_txt.valid"] is True and facts["exposure.security_txt.https"] is True
    assert facts["exposure.requests"] <= 50
    assert set(site.hosts_seen) == {f"{HOST}:{site.port}"}  # --resolve: the audited name in Host


def test_given_clean_site_when_probed_then_nothing_is_found(tmp_path: Path) -> None:
    routes = {"/": Route(200, HOME), "/admin/": Route(403, b"Forbidden"), "/.well-known/security.txt": security_txt()}
    with WebSite(loopback_address(), routes, tls_folder=tmp_path) as site:
        facts = run(site)
    assert facts["exposure.findings"] == [] and facts["exposure.finding_count"] == 0
    assert not any(facts[k] for k in ("exposure.git_exposed", "exposure.env_exposed", "exposure.admin_exposed",
                                      "exposure.directory_listing", "exposure.backup_exposed", "exposure.verbose_error"))
    assert "exposure.error_page_version" not in facts
    assert facts["exposure.security_txt.present"] and facts["exposure.security_txt.valid"]
    # Every catalogue path was requested once, plus the root, two random paths and security.txt.
    assert facts["exposure.requests"] == len(load_paths()) + 4
    assert facts["exposure.rate_limit.observed"] is False and facts["exposure.rate_limit.first_at_request"] is None


def test_given_soft_404_site_when_probed_then_no_false_findings(tmp_path: Path) -> None:
    home = HOME.replace(b"</body>", b'<form><input type="password" name="reader"></form></body>')
    with WebSite(loopback_address(), {"/": Route(200, home)}, soft_404=True, tls_folder=tmp_path) as site:
        facts = run(site)
    assert facts["exposure.soft_404"] is True
    assert facts["exposure.findings"] == []
    assert facts["exposure.security_txt.present"] is False


def test_given_site_redirecting_unknown_paths_home_when_probed_then_no_false_findings(tmp_path: Path) -> None:
    home = HOME.replace(b"</body>", b'<form><input type="password" name="reader"></form></body>')
    with WebSite(loopback_address(), {"/": Route(200, home)}, soft_404="redirect", tls_folder=tmp_path) as site:
        facts = run(site)
    assert facts["exposure.findings"] == [] and facts["exposure.soft_404"] is False
    assert facts["exposure.security_txt.present"] is False


def test_given_security_txt_over_plain_http_when_probed_then_present_but_invalid() -> None:
    routes = {"/": Route(200, HOME), "/.well-known/security.txt": security_txt()}
    with WebSite(loopback_address(), routes) as site:
        facts = run(site, scheme="http")
    assert facts["exposure.security_txt.present"] is True
    assert facts["exposure.security_txt.valid"] is False
    assert facts["exposure.security_txt.problems"] == ["not-https"]


def test_given_expired_security_txt_when_probed_then_expired_and_invalid(tmp_path: Path) -> None:
    routes = {"/": Route(200, HOME), "/.well-known/security.txt": security_txt(days=-3)}
    with WebSite(loopback_address(), routes, tls_folder=tmp_path) as site:
        facts = run(site)
    assert facts["exposure.security_txt.expired"] is True and facts["exposure.security_txt.valid"] is False
    assert facts["exposure.security_txt.days_until_expiry"] < 0


def test_given_small_budget_when_probed_then_unchecked_facts_are_errors_not_clean(tmp_path: Path) -> None:
    """Given a budget of 5 requests, then 5 are sent and no "not exposed" is published without evidence."""
    with WebSite(loopback_address(), {"/": Route(200, HOME)}, tls_folder=tmp_path) as site:
        facts = run(site, exposure_max_requests=5)
    assert len(site.paths_seen) == 5
    assert "exposure.secrets_exposed" not in facts and "exposure.admin_exposed" not in facts
    assert "budget" in facts["exposure.errors"]["exposure.secrets_exposed"]


def test_given_too_small_a_budget_for_the_baseline_then_probe_error(tmp_path: Path) -> None:
    with WebSite(loopback_address(), {"/": Route(200, HOME)}, tls_folder=tmp_path) as site, \
            pytest.raises(ProbeError, match="exposure_max_requests"):
        run(site, exposure_max_requests=2)


def test_given_server_that_accepts_and_never_answers_when_probed_then_probe_error() -> None:
    address = loopback_address()
    with TcpService(address, mode="silent") as silent:
        target = Target(host=HOST, port=silent.port, scheme="http", http_port=None, address=address)
        with pytest.raises(ProbeError, match="did not answer"):
            asyncio.run(ExposureProbe().measure(target, ProbeOptions(timeout_seconds=1, settings=FAST)))


def test_given_rate_limited_path_when_retried_and_still_429_then_its_facts_are_errors(tmp_path: Path) -> None:
    """Given /.env answering 429 twice, then it is asked twice, and env/secrets are unmeasured, not false."""
    routes = {"/": Route(200, HOME), "/.env": Route(429, b"slow down", {"Retry-After": "0"})}
    with WebSite(loopback_address(), routes, tls_folder=tmp_path) as site:
        facts = run(site)
    assert site.paths_seen.count("/.env") == 2
    assert "exposure.env_exposed" not in facts and "exposure.secrets_exposed" not in facts
    assert "rate limited" in facts["exposure.unmeasured_paths"]["/.env"]


def test_given_a_path_that_hangs_when_probed_then_retried_once_then_unmeasured(tmp_path: Path) -> None:
    routes = {"/": Route(200, HOME), "/.git/HEAD": Route(200, b"ref: refs/heads/main\n", TEXT, delay_seconds=2.5)}
    with WebSite(loopback_address(), routes, tls_folder=tmp_path) as site:
        target = Target(host=HOST, port=site.port, http_port=None, address=site.address)
        facts = asyncio.run(ExposureProbe().measure(target, ProbeOptions(timeout_seconds=1, settings=FAST))).facts
    assert site.paths_seen.count("/.git/HEAD") == 2  # retried once, then given up
    assert "timed out" in facts["exposure.unmeasured_paths"]["/.git/HEAD"]
    assert "exposure.git_exposed" not in facts and "exposure.git_exposed" in facts["exposure.errors"]


def test_given_a_sites_own_access_denied_page_for_a_path_then_it_is_an_answer_not_a_block(tmp_path: Path) -> None:
    """Given /.git/HEAD answering 403 "Access denied" (a careful site), then no throttle: every path is measured."""
    routes = {"/": Route(200, HOME), "/.git/HEAD": Route(403, b"<html><h1>Access denied</h1></html>")}
    with WebSite(loopback_address(), routes, tls_folder=tmp_path) as site:
        facts = run(site)
    assert "exposure.unmeasured_paths" not in facts and facts["exposure.git_exposed"] is False


def test_given_a_login_page_also_served_over_plain_http_then_admin_over_plain_http(tmp_path: Path) -> None:
    """Given wp-login.php answered on the plain-HTTP port too (other admin paths redirect), then only it is named."""
    address = loopback_address()
    to_https = {"Location": f"https://{HOST}/"}
    plain_routes = {"/wp-login.php": Route(200, LOGIN_FORM), "/admin/": Route(301, b"", to_https),
                    "/phpmyadmin/": Route(301, b"", to_https)}
    with WebSite(address, EXPOSED, tls_folder=tmp_path) as site, WebSite(address, plain_routes) as plain:
        target = Target(host=HOST, port=site.port, http_port=plain.port, address=address)
        options = ProbeOptions(timeout_seconds=3, settings=FAST)
        facts = asyncio.run(ExposureProbe().measure(target, options)).facts
    assert facts["exposure.admin_over_plain_http"] is True
    assert facts["exposure.admin_plain_http"] == [f"http://{HOST}:{plain.port}/wp-login.php"]
    assert sorted(plain.paths_seen) == ["/admin/", "/phpmyadmin/", "/wp-login.php"]  # one request each


def test_given_plain_http_that_redirects_every_admin_page_then_not_over_plain_http(tmp_path: Path) -> None:
    """Given the plain-HTTP port redirecting everything to HTTPS, then no admin page is over plain HTTP."""
    address = loopback_address()
    with WebSite(address, EXPOSED, tls_folder=tmp_path) as site, \
            WebSite(address, {}, soft_404="redirect") as plain:
        target = Target(host=HOST, port=site.port, http_port=plain.port, address=address)
        facts = asyncio.run(ExposureProbe().measure(target, ProbeOptions(timeout_seconds=3, settings=FAST))).facts
    assert facts["exposure.admin_over_plain_http"] is False and facts["exposure.admin_plain_http"] == []
