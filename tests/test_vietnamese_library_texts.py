"""What libraries say about a failed step (OpenSSL through Python's ssl, cryptography's chain
verification, the operating system) is said in the report's language when it is one of the usual
texts, and quoted as it came otherwise; its English stays byte for byte what the library said.

Real servers on loopback: a site with a self-signed certificate (cryptography: "validation failed:
invalid extension ..."), and a plain-HTTP listener asked for TLS (OpenSSL: "[SSL: ...] ...").
"""

from __future__ import annotations

import datetime as dt
import json
import ssl
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from audit.phrases import PhraseText, collect, joined, said, translate_within
from probes.netreason import exception_reason, library_text, said_if_known
from probes.tls.certificate import _verify
from tests.probes.http.http_servers import Reply, Site, make_certificates, serve
from tests.test_vietnamese_probe_texts import english_left, invoke, visible

NOW = dt.datetime.now(dt.UTC)


@pytest.mark.parametrize("text, vietnamese", [
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)",
     "xác minh chứng thư số thất bại: chứng thư số tự ký"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: certificate has expired (_ssl.c:1006)",
     "chứng thư số đã hết hạn"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)",
     "không tìm được chứng thư của tổ chức cấp"),
    ("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for "
     "'www.a.test'. (_ssl.c:1006)", "sai tên máy chủ: chứng thư số không dùng được cho 'www.a.test'"),
    ("[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)", "máy chủ không trả lời bằng TLS"),
    ("[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure (_ssl.c:1006)", "máy chủ từ chối bắt tay TLS"),
    ("[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol (_ssl.c:1006)", "đóng kết nối giữa chừng"),
    ("[Errno 101] Network is unreachable", "không tới được mạng của máy chủ (mã lỗi hệ thống 101)"),
    ("[Errno 111] Connection refused", "kết nối bị từ chối"),
])
def test_the_usual_library_texts_are_said_in_vietnamese(text: str, vietnamese: str) -> None:
    said_text = said_if_known(text)
    assert isinstance(said_text, PhraseText) and said_text == text  # the English is the library's, unchanged
    assert vietnamese in said_text.render("vi") and english_left(said_text.render("vi")) == []


def test_other_library_text_is_quoted_as_it_came() -> None:
    odd = "[SSL: SOMETHING_NEW] a reason OpenSSL has just added (_ssl.c:2000)"
    assert said_if_known(odd).render("vi") == "lỗi TLS (SOMETHING_NEW): “a reason OpenSSL has just added”"
    assert library_text("the peer said something") == "the peer said something"
    assert library_text("the peer said something").render("vi") == "“the peer said something”"
    assert exception_reason(TimeoutError()) == "TimeoutError"  # a class name is a code, said as it is


def _certificate(name: str, key: ec.EllipticCurvePrivateKey, issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None,
                 ca: bool = False, days: tuple[int, int] = (-1, 30)) -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    issuer_name, issuer_key = (issuer[0].subject, issuer[1]) if issuer else (subject, key)
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(NOW + dt.timedelta(days=days[0])).not_valid_after(NOW + dt.timedelta(days=days[1]))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False))
    if ca:
        builder = builder.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), True)
    else:
        builder = (builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
                   .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    return builder.sign(issuer_key, hashes.SHA256())


def test_cryptographys_verification_errors_are_said_in_vietnamese() -> None:
    ca_key, other_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
    ca = _certificate("Test CA", ca_key, None, ca=True, days=(-1, 100))
    other = _certificate("Other CA", other_key, None, ca=True)
    expired = _certificate("a.test", leaf_key, (ca, ca_key), days=(-30, -1))
    leaf = _certificate("a.test", leaf_key, (ca, ca_key))
    cases = {"chứng thư số đã hết hạn hoặc chưa có hiệu lực tại thời điểm kiểm tra (tại chứng thư CN=a.test)":
             _verify(expired, [], (ca,), NOW),
             "không dựng được chuỗi tới một CA tin cậy": _verify(leaf, [], (other,), NOW)}
    for vietnamese, (trusted, error) in cases.items():
        assert not trusted and error.startswith("validation failed: ")  # cryptography's own words in English
        assert isinstance(error, PhraseText) and vietnamese in error.render("vi"), error.render("vi")
        assert english_left(error.render("vi")) == []


def test_joined_reasons_keep_each_part_a_phrase() -> None:
    parts = [said("net.refused"), "TLSv1.0: 127.0.0.1 said no", said("net.timed_out")]
    text = joined(parts)
    assert text == "connection refused; TLSv1.0: 127.0.0.1 said no; timed out"
    assert text.render("vi") == "kết nối bị từ chối; TLSv1.0: 127.0.0.1 said no; hết thời gian chờ"
    stored = json.loads(json.dumps(collect([{"reason": text}])))  # as a result file keeps it
    assert translate_within(f"could not measure ({text})", stored, "vi") == \
        "could not measure (kết nối bị từ chối; TLSv1.0: 127.0.0.1 said no; hết thời gian chờ)"
    assert joined(["a", "b"]) == "a; b" and not isinstance(joined(["a", "b"]), PhraseText)


@pytest.fixture(scope="module")
def library_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Results of a self-signed site and of a plain-HTTP port scanned as https."""
    folder = tmp_path_factory.mktemp("library-texts")
    certs = make_certificates(folder)
    lone = Site("lone", https={"*": Reply(status=200, body=b"<!doctype html><title>x</title>")}, self_signed=True)
    plain = Site("plain", http={"*": Reply(status=200, body=b"<!doctype html><title>x</title>")})
    results = {}
    with serve(lone, "127.31.1.21", certs) as one, serve(plain, "127.31.1.22", certs) as two:
        for name, url, http_port in (("self-signed", one.https_root, one.https_port),
                                     ("plain", f"https://{two.host}:{two.http_port}", two.http_port)):
            results[name] = folder / f"{name}.json"
            code, output = invoke("scan", url, "--http-port", str(http_port), "--no-nmap", "--timeout", "2",
                                  "--ca-file", certs.ca, "--json", results[name])
            assert results[name].exists(), output
    return results


def test_the_tls_probe_keeps_cryptographys_reason_as_a_phrase(library_results: dict[str, Path]) -> None:
    data = json.loads(library_results["self-signed"].read_text(encoding="utf-8"))
    tls = next(a for a in data["probe_attempts"] if a["probe"] == "tls")
    error = tls["facts"]["tls.certificate.verify_error"]
    assert error.startswith("validation failed: ") and tls["phrases"][error]["phrase"].startswith("tls.verify.failed")


@pytest.mark.parametrize("case", ["self-signed", "plain"])
def test_a_vietnamese_report_says_what_the_libraries_said(library_results: dict[str, Path], tmp_path: Path,
                                                          case: str) -> None:
    out = tmp_path / "r.html"
    code, output = invoke("report", library_results[case], "-o", out)
    assert code == 0, output
    text = visible(out.read_text(encoding="utf-8"))
    assert english_left(text) == [], english_left(text)
    assert "validation failed" not in text and "wrong version number" not in text
    expected = "chuỗi chứng thư không hợp lệ: " if case == "self-signed" else "lỗi TLS ("
    assert expected in text, f"{expected!r} missing ({ssl.OPENSSL_VERSION})"
