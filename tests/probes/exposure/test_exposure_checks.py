"""Pure tests of the exposure checks, the soft-404 baseline and the security.txt parser (RFC 9116)."""

from __future__ import annotations

import datetime as dt

import pytest

from probes.exposure.checks import Baseline, Page, check_env, check_git_head, check_listing, login_evidence, stack_trace
from probes.exposure.securitytxt import parse_security_txt

NOW = dt.datetime(2026, 11, 26, tzinfo=dt.timezone.utc)


def page(body: bytes, status: int = 200, path: str = "/x", content_type: str = "text/plain") -> Page:
    return Page(path, status, {"content-type": content_type}, body)


def test_git_head_needs_a_ref_or_commit_id() -> None:
    assert check_git_head(page(b"ref: refs/heads/main\n"), None) == "ref: refs/heads/main"
    assert check_git_head(page(b"a" * 40), None) == "a" * 40
    assert check_git_head(page(b"<html>home</html>", content_type="text/html"), None) is None
    assert check_git_head(page(b"ref: refs/heads/main", status=404), None) is None


def test_env_reports_variable_names_only_and_ignores_html() -> None:
    assert check_env(page(b"DB_PASSWORD=x\nexport API_KEY=y\n"), None) == "variables: API_KEY, DB_PASSWORD"
    assert check_env(page(b"<html>A_B=1</html>", content_type="text/html"), None) is None


def test_listing_recognises_apache_nginx_and_python_pages() -> None:
    assert check_listing(page(b'<title>Index of /up/</title><a href="a">a</a>'), None)
    assert check_listing(page(b'<title>Directory listing for /</title><a href="a">a</a>'), None)
    assert check_listing(page(b"<title>News: Index of /topics</title>"), None) is None


def test_soft_404_baseline_ignores_echoed_path_and_hides_login_box() -> None:
    body = b"<html><title>Home</title><input type='password'><p>{}</p></html>"
    baseline = Baseline.of(page(body.replace(b"{}", b"/l3audit-1"), path="/l3audit-1"))
    assert baseline.soft_404 and baseline.password_field
    admin = page(body.replace(b"{}", b"/admin/"), path="/admin/")
    assert baseline.resembles(admin)
    assert login_evidence(admin, baseline, ()) is None
    real_login = page(b"<html><title>Admin</title><input type=password></html>", path="/admin/")
    assert login_evidence(real_login, baseline, ("Admin",)) == "marker 'Admin'"
    assert login_evidence(page(b"", status=401), baseline, ()) == "HTTP 401"


@pytest.mark.parametrize(("body", "kind"), [
    (b"Traceback (most recent call last):\n  File", "python"),
    (b"<b>Fatal error</b>:  Uncaught", "php"),
    (b"\tat org.apache.catalina.core.StandardWrapper(StandardWrapper.java:123)", "java"),
    (b"SQLSTATE[42000]: Syntax error", "sql"),
    (b"<html>Not found</html>", None),
])
def test_stack_traces_are_recognised(body: bytes, kind: str | None) -> None:
    assert stack_trace(page(body, status=500)) == kind


def parse(text: str, https: bool = True, content_type: str = "text/plain") -> tuple[str, ...]:
    return parse_security_txt(text, https=https, content_type=content_type, now=NOW).problems


def test_security_txt_valid_file_including_pgp_signed() -> None:
    text = "Contact: mailto:sec@baochi.vn\nContact: https://baochi.vn/lienhe\nExpires: 2027-06-01T00:00:00.000Z\n"
    assert parse(text) == ()
    signed = ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n" + text
              + "-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n")
    assert parse(signed) == ()


@pytest.mark.parametrize(("text", "problem"), [
    ("Expires: 2027-01-01T00:00:00Z\n", "missing-contact"),
    ("Contact: http://baochi.vn/\nExpires: 2027-01-01T00:00:00Z\n", "bad-contact"),
    ("Contact: mailto:a@b.vn\n", "missing-expires"),
    ("Contact: mailto:a@b.vn\nExpires: 2027-01-01T00:00:00Z\nExpires: 2027-02-01T00:00:00Z\n", "multiple-expires"),
    ("Contact: mailto:a@b.vn\nExpires: 01/01/2027\n", "bad-expires"),
    ("Contact: mailto:a@b.vn\nExpires: 2026-01-01T00:00:00+07:00\n", "expired"),
])
def test_security_txt_problems(text: str, problem: str) -> None:
    assert parse(text) == (problem,)


def test_security_txt_must_be_https_and_text_plain() -> None:
    text = "Contact: mailto:a@b.vn\nExpires: 2027-01-01T00:00:00Z\n"
    assert parse(text, https=False, content_type="text/html") == ("not-https", "not-text-plain")
