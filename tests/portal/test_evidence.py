"""Evidence upload on the questionnaire: content-addressed storage, type and size limits, downloads only as
attachments with nosniff, harmless browser file names, removal, and who may download what."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from audit.department.store.schema import portal_evidence
from audit.portal.app import create_app
from audit.portal.evidence import EvidenceTypeError, display_name, write_evidence
from tests.portal.conftest import CHECKLIST, csrf_of, login
from tests.portal.test_access import FIRST

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def data_dir(app: Flask) -> Path:
    return Path(app.extensions["l3audit_data"])


def upload(client: FlaskClient, content: bytes, name: str, outlet: str = "o1", requirement: str = FIRST) -> Any:
    token = csrf_of(client.get("/outlet/o1/questionnaire").text)
    return client.post(f"/outlet/{outlet}/evidence", content_type="multipart/form-data", data={
        "requirement_id": requirement, "csrf_token": token, "file": (io.BytesIO(content), name)})


def rows(app: Flask) -> list[dict[str, Any]]:
    with app.extensions["l3audit_store"].read("test") as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(portal_evidence).order_by(portal_evidence.c.id))]


def stored_files(app: Flask) -> list[Path]:
    return sorted(p for p in (data_dir(app) / "evidence").rglob("*") if p.is_file())


def test_upload_is_stored_by_sha256_and_listed_on_the_row(client: FlaskClient, app: Flask) -> None:
    """Given alice uploads a PDF to a row, then it is <data>/evidence/ab/abcd..., listed with its name, and downloads."""
    login(client, "alice")
    reply = upload(client, PDF, "Chính sách bảo mật.pdf")
    assert reply.status_code == 302 and reply.headers["Location"].endswith(f"#r-{FIRST}")
    sha = hashlib.sha256(PDF).hexdigest()
    path = data_dir(app) / "evidence" / sha[:2] / sha
    assert stored_files(app) == [path] and path.read_bytes() == PDF
    assert path.stat().st_mode & 0o077 == 0  # readable by the server only
    (row,) = rows(app)
    assert (row["outlet_id"], row["requirement_id"], row["sha256"], row["size"], row["content_type"], row["uploaded_by"]) \
        == ("o1", FIRST, sha, len(PDF), "application/pdf", "alice")
    page = client.get("/outlet/o1/questionnaire").text
    assert "Chính sách bảo mật.pdf" in page and f"/outlet/o1/evidence/{sha}" in page
    download = client.get(f"/outlet/o1/evidence/{sha}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("content, name", [(HTML, "page.html"), (SVG, "logo.svg"), (EXE, "setup.exe"),
                                           (HTML, "page.htm"), (EXE, "noextension"), (HTML, "fake.pdf"),
                                           (EXE, "fake.png"), (EXE, "binary.txt")])
def test_html_svg_executables_and_disguised_files_are_refused(client: FlaskClient, app: Flask, content: bytes,
                                                              name: str) -> None:
    """Given a type outside the allow-list, or content that is not what its extension says, then 415 and nothing kept."""
    login(client, "alice")
    reply = upload(client, content, name)
    assert reply.status_code == 415
    assert "không được nhận" in reply.text and "pdf" in reply.text  # the clear message lists what is accepted
    assert rows(app) == [] and stored_files(app) == []


@pytest.mark.parametrize("content, name", [(HTML, "notes.txt"), (SVG, "table.csv"), (b"PK\x03\x04" + HTML, "x.docx")])
def test_anything_stored_is_only_ever_served_as_a_download(client: FlaskClient, content: bytes, name: str) -> None:
    """Given markup that passes as text (or a zip), then the download is octet-stream, attachment, nosniff."""
    login(client, "alice")
    assert upload(client, content, name).status_code == 302
    reply = client.get(f"/outlet/o1/evidence/{hashlib.sha256(content).hexdigest()}")
    assert reply.status_code == 200 and reply.data == content
    assert reply.headers["Content-Type"] == "application/octet-stream"
    assert reply.headers["Content-Disposition"].startswith("attachment;")
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in reply.headers["Content-Security-Policy"]


@pytest.mark.parametrize("name, shown", [
    ("../../x.pdf", "x.pdf"), ("..\\..\\windows\\x.pdf", None), ("/etc/passwd.pdf", "passwd.pdf"),
    ("a\x00b.pdf", "ab.pdf"), ("evil\u202egpj.pdf", "evilgpj.pdf"), ("<img src=x onerror=alert(1)>.pdf", None),
    ("a" * 5000 + ".pdf", "a" * 196 + ".pdf"),
])  # (a backslash arrives already unescaped by the multipart parser: "..\\x" is received as "..x")
def test_browser_names_are_harmless(client: FlaskClient, app: Flask, tmp_path: Path, name: str, shown: str | None) -> None:
    """Given names that try to leave the folder, hide characters or inject markup, then the file is stored by
    hash only, the name is cleaned and shown escaped, and the download name is plain."""
    login(client, "alice")
    assert upload(client, PDF, name).status_code == 302
    sha = hashlib.sha256(PDF).hexdigest()
    assert stored_files(app) == [data_dir(app) / "evidence" / sha[:2] / sha]
    assert not list(tmp_path.rglob("x.pdf")) and not list(tmp_path.parent.rglob("passwd.pdf"))
    (row,) = rows(app)
    assert "/" not in row["filename"] and "\\" not in row["filename"] and "\x00" not in row["filename"]
    assert len(row["filename"]) <= 200
    if shown is not None:
        assert row["filename"] == shown
    page = client.get("/outlet/o1/questionnaire").text
    assert "<img src=x" not in page
    disposition = client.get(f"/outlet/o1/evidence/{sha}").headers["Content-Disposition"]
    assert "/" not in disposition and "\\" not in disposition and "<" not in disposition and "\n" not in disposition


def test_display_name_unit() -> None:
    assert display_name("") == "evidence" and display_name("..") == "evidence" and display_name("a/b\\c.txt") == "c.txt"


def test_size_limit_gives_a_clear_413(store_path: str) -> None:
    """Given a 1,000-byte limit, when a larger file is sent (or a body far over the limit), then 413, no file, no row."""
    app = create_app(store_path, checklist=CHECKLIST, secret_key="test-" + "k" * 40,
                     config={"L3AUDIT_EVIDENCE_MAX_BYTES": 1000})
    client = app.test_client()
    login(client, "alice")
    just_over = upload(client, b"x" * 1001, "big.txt")
    assert just_over.status_code == 413 and "Tệp quá lớn" in just_over.text and "MiB" in just_over.text
    far_over = upload(client, b"x" * 200_000, "huge.txt")  # refused from Content-Length, before the form is read
    assert far_over.status_code == 413 and "Tệp quá lớn" in far_over.text
    assert rows(app) == [] and stored_files(app) == []
    assert upload(client, b"x" * 1000, "fits.txt").status_code == 302


def test_a_stream_failing_midway_leaves_no_file(tmp_path: Path) -> None:
    """Given a body that breaks off while being copied, then the temporary file is gone and nothing is renamed."""

    class Broken(io.RawIOBase):
        sent = 0

        def read(self, n: int = -1) -> bytes:
            self.sent += 1
            if self.sent > 3:
                raise OSError("client went away")
            return b"a" * 65536

    with pytest.raises(OSError):
        write_evidence(tmp_path, Broken(), "cut.txt")  # type: ignore[arg-type]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    with pytest.raises(EvidenceTypeError):
        write_evidence(tmp_path, io.BytesIO(HTML), "x.html")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_remove_keeps_the_file(client: FlaskClient, app: Flask) -> None:
    """Given a removed file, then it leaves the row (removed_at set) but stays on disk and downloadable."""
    login(client, "alice")
    upload(client, PDF, "a.pdf")
    (row,) = rows(app)
    token = csrf_of(client.get("/outlet/o1/questionnaire").text)
    reply = client.post(f"/outlet/o1/evidence/{row['id']}/remove", data={"csrf_token": token, "requirement_id": FIRST})
    assert reply.status_code == 302
    assert rows(app)[0]["removed_at"] and len(stored_files(app)) == 1
    assert "a.pdf" not in client.get("/outlet/o1/questionnaire").text
    assert client.get(f"/outlet/o1/evidence/{row['sha256']}").status_code == 200
    again = client.post(f"/outlet/o1/evidence/{row['id']}/remove", data={"csrf_token": token})
    assert again.status_code == 404


def test_who_may_download_and_remove(app: Flask) -> None:
    """Given a file of o1 and one of o2, then each outlet reaches only its own; officers and admins reach both."""
    alice, bob = app.test_client(), app.test_client()
    login(alice, "alice")
    login(bob, "bob")
    upload(alice, PDF, "o1.pdf")
    other = PDF + b"% o2\n"
    token = csrf_of(bob.get("/outlet/o2/questionnaire").text)
    bob.post("/outlet/o2/evidence", content_type="multipart/form-data",
             data={"requirement_id": FIRST, "csrf_token": token, "file": (io.BytesIO(other), "o2.pdf")})
    mine, theirs = hashlib.sha256(PDF).hexdigest(), hashlib.sha256(other).hexdigest()
    assert alice.get(f"/outlet/o1/evidence/{mine}").status_code == 200
    assert alice.get(f"/outlet/o2/evidence/{theirs}").status_code == 403  # another outlet's page
    assert alice.get(f"/outlet/o1/evidence/{theirs}").status_code == 404  # o2's file through o1's path
    assert alice.get("/outlet/o1/evidence/..%2F..%2Fportal.db").status_code == 404
    o2_row = next(r for r in rows(app) if r["outlet_id"] == "o2")
    token = csrf_of(alice.get("/outlet/o1/questionnaire").text)
    assert alice.post(f"/outlet/o2/evidence/{o2_row['id']}/remove", data={"csrf_token": token}).status_code == 403
    assert alice.post(f"/outlet/o1/evidence/{o2_row['id']}/remove", data={"csrf_token": token}).status_code == 404
    for name in ("officer1", "admin1"):
        staff = app.test_client()
        login(staff, name)
        assert staff.get(f"/outlet/o1/evidence/{mine}").status_code == 200
        assert staff.get(f"/outlet/o2/evidence/{theirs}").status_code == 200
        token = csrf_of(staff.get("/officer/outlets" if name == "officer1" else "/admin/users").text)
        assert staff.post("/outlet/o1/evidence", data={"csrf_token": token, "requirement_id": FIRST}).status_code == 403
    anonymous = app.test_client()
    assert anonymous.get(f"/outlet/o1/evidence/{mine}").status_code == 302


def test_upload_needs_a_csrf_token_and_a_known_row(client: FlaskClient, app: Flask) -> None:
    login(client, "alice")
    no_token = client.post("/outlet/o1/evidence", content_type="multipart/form-data",
                           data={"requirement_id": FIRST, "file": (io.BytesIO(PDF), "a.pdf")})
    assert no_token.status_code == 400
    assert upload(client, PDF, "a.pdf", requirement="no.such").status_code == 400
    assert rows(app) == [] and stored_files(app) == []
