"""Submit for review: the snapshot, the server-signed bundle (verified with the server's public key and imported),
superseding a waiting submission, refusing an empty one, and the server's key and data folder."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from audit.cli import cli
from audit.department.bundle import verify_bundle
from audit.department.keys import generate_key, load_trusted_keys
from audit.department.store.schema import portal_submissions, submissions
from audit.portal.app import create_app
from audit.selfassess.questionnaire import questions
from tests.portal.conftest import CHECKLIST, csrf_of, login
from tests.portal.outlet_results import automated_mandatory, checklist, probe_result, store_result
from tests.portal.test_evidence import PDF, upload

QUESTIONS = [q.requirement_id for q in questions(checklist())]


def answer(client: FlaskClient, requirement: str, value: str, **fields: str) -> None:
    token = csrf_of(client.get("/outlet/o1/questionnaire").text)
    reply = client.post("/outlet/o1/answers", data={"requirement_id": requirement, "answer": value,
                                                    "csrf_token": token, **fields})
    assert reply.status_code == 302, reply.text[:300]


def submit(client: FlaskClient) -> Any:
    token = csrf_of(client.get("/outlet/o1/questionnaire").text)
    return client.post("/outlet/o1/submit", data={"csrf_token": token})


def portal_rows(app: Flask) -> list[dict[str, Any]]:
    with app.extensions["l3audit_store"].read("test") as conn:
        return [dict(r._mapping) for r in conn.execute(sa.select(portal_submissions).order_by(portal_submissions.c.id))]


def test_nothing_answered_is_refused_with_a_clear_message(client: FlaskClient, app: Flask) -> None:
    login(client, "alice")
    reply = submit(client)
    assert reply.status_code == 400 and "Chưa có câu hỏi nào được trả lời" in reply.text
    assert portal_rows(app) == [] and app.extensions["l3audit_store"].results() == []


def test_submission_snapshot_and_signed_bundle(client: FlaskClient, app: Flask) -> None:
    """Given two answers and a file, when alice submits, then the snapshot is exact, the bundle verifies with the
    server's public key (its trusted-keys entry), and the store holds the submission and its result."""
    login(client, "alice")
    first, second = QUESTIONS[0], QUESTIONS[1]
    answer(client, first, "implemented", text="Có chính sách <b>mật khẩu</b>")
    answer(client, second, "not_applicable", justification="Không dùng thư điện tử")
    upload(client, PDF, "chính sách.pdf", requirement=first)
    reply = submit(client)
    assert reply.status_code == 302 and reply.headers["Location"] == "/outlet/o1"
    assert "Đã nộp để thẩm định" in client.get("/outlet/o1").text
    (row,) = portal_rows(app)
    assert (row["state"], row["version"], row["submitted_by"], row["outlet_id"]) == ("waiting", 1, "alice", "o1")
    cat = checklist()
    snap = json.loads(row["snapshot"])
    saved = {r["requirement_id"]: r for r in snap["rows"]}
    assert snap["outlet"] == "o1" and snap["checklist"] == {"id": cat.id, "content_hash": cat.content_hash}
    assert list(saved) == [first, second]
    assert set(saved[first]) == {"requirement_id", "answer", "justification", "text", "answered_by", "answered_at",
                                 "evidence"}
    assert saved[first]["answer"] == "implemented" and saved[first]["answered_by"] == "alice"
    assert saved[first]["evidence"] == [{"sha256": hashlib.sha256(PDF).hexdigest(), "filename": "chính sách.pdf",
                                         "size": len(PDF), "content_type": "application/pdf"}]
    assert saved[second]["justification"] == "Không dùng thư điện tử" and saved[second]["evidence"] == []

    data = Path(app.extensions["l3audit_data"])
    key = data / "portal-signing.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    trusted = load_trusted_keys(data / "portal-signing.pub.yaml")  # what the department adds to its file
    (bundle_path,) = (data / "bundles").glob("*.json")
    verified = verify_bundle(bundle_path, trusted, {"o1", "o2"}, cat)
    assert verified.signer.id == app.extensions["l3audit_signer"].key_id
    payload = verified.payload
    assert payload["evidence"] == [{"name": "chính sách.pdf", "sha256": hashlib.sha256(PDF).hexdigest(), "bytes": len(PDF)}]
    assert "Không dùng thư điện tử" in payload["answers"]["content"]
    statuses = {r["requirement_id"]: r for r in verified.result["requirements"]}
    assert statuses[first]["answer"]["answer"] == "implemented" and statuses[first]["source"] == "answer"
    assert verified.result["probe_attempts"] == []  # no probe result stored: the answers alone

    store = app.extensions["l3audit_store"]
    (stored,) = store.results(outlet_id="o1")
    assert stored.signer == verified.signer.id
    with store.read("test") as conn:
        sub = conn.execute(sa.select(submissions).where(submissions.c.id == row["submission_id"])).one()
    assert sub.result_id == stored.id and sub.bundle_sha256 == verified.sha256
    tampered = json.loads(bundle_path.read_text())
    tampered["payload"]["result"]["outlet"]["name"] = "Báo Khác"
    bad = bundle_path.with_name("tampered.json")
    bad.write_text(json.dumps(tampered, ensure_ascii=False))
    try:
        verify_bundle(bad, trusted)
        raise AssertionError("a changed bundle verified")
    except Exception as exc:  # noqa: BLE001 - BundleError expected
        assert "does not match" in str(exc)


def test_probe_result_is_merged_with_the_answers(client: FlaskClient, app: Flask) -> None:
    """Given a stored probe result of o1, then the submitted result keeps its probe attempts and findings and adds
    the answers; a 'not implemented' answer fails its row."""
    store = app.extensions["l3audit_store"]
    failing = automated_mandatory(checklist(), 1)
    probe = probe_result("o1", failing=tuple(failing))
    store_result(store, probe)
    store_result(store, probe_result("o2"))  # another outlet's result is not used
    login(client, "alice")
    answer(client, QUESTIONS[0], "not_implemented")
    assert submit(client).status_code == 302
    (row,) = portal_rows(app)
    latest = store.results(outlet_id="o1")[-1]
    assert latest.signer == app.extensions["l3audit_signer"].key_id
    document = store.documents([latest.id])[latest.id]
    assert document["probe_attempts"] == probe["probe_attempts"] and document["outlet"] == probe["outlet"]
    merged = {r["requirement_id"]: r for r in document["requirements"]}
    assert merged[failing[0]]["status"] == "fail" and merged[failing[0]]["source"] == "probe"
    assert merged[QUESTIONS[0]]["status"] == "fail" and merged[QUESTIONS[0]]["source"] == "answer"
    assert document["summary"]["verdict"] == "not_compliant"
    assert row["submission_id"] is not None


def test_a_new_submission_supersedes_the_waiting_one(client: FlaskClient, app: Flask) -> None:
    login(client, "alice")
    answer(client, QUESTIONS[0], "partly")
    submit(client)
    answer(client, QUESTIONS[0], "implemented")
    reply = submit(client)
    assert reply.status_code == 302
    first, second = portal_rows(app)
    assert (first["state"], first["version"]) == ("superseded", 2)  # a review in progress on it is told
    assert (second["state"], second["version"]) == ("waiting", 1)
    assert first["submission_id"] != second["submission_id"]
    assert json.loads(second["snapshot"])["rows"][0]["answer"] == "implemented"
    page = client.get("/outlet/o1").text
    assert "lần nộp đang chờ trước đó đã được thay thế" in page
    assert page.index("đang chờ thẩm định") < page.index("đã được thay bằng lần nộp sau")  # newest first
    questionnaire = client.get("/outlet/o1/questionnaire").text
    assert "đang chờ thẩm định" in questionnaire


def test_a_given_signing_key_signs(store_path: str, tmp_path: Path) -> None:
    """Given `--signing-key`, then bundles carry that key's id and no key is generated in the data folder."""
    private, public, kid = generate_key(tmp_path / "keys", "portal", ("*",))
    app = create_app(store_path, checklist=CHECKLIST, secret_key="test-" + "k" * 40, data_dir=tmp_path / "data",
                     signing_key=private)
    assert app.extensions["l3audit_signer"].key_id == kid
    assert not (tmp_path / "data" / "portal-signing.key").exists()
    client = app.test_client()
    login(client, "alice")
    token = csrf_of(client.get("/outlet/o1/questionnaire").text)
    client.post("/outlet/o1/answers", data={"requirement_id": QUESTIONS[0], "answer": "partly", "csrf_token": token})
    assert client.post("/outlet/o1/submit", data={"csrf_token": token}).status_code == 302
    (bundle_path,) = (tmp_path / "data" / "bundles").glob("*.json")
    assert verify_bundle(bundle_path, load_trusted_keys(public)).signer.id == kid


def test_the_generated_key_is_kept_across_restarts(store_path: str) -> None:
    first = create_app(store_path, checklist=CHECKLIST, secret_key="test-" + "k" * 40)
    again = create_app(store_path, checklist=CHECKLIST, secret_key="test-" + "k" * 40)
    assert first.extensions["l3audit_signer"].key_id == again.extensions["l3audit_signer"].key_id
    assert Path(first.extensions["l3audit_data"]) == Path(store_path + ".portal-data")


def test_serve_needs_data_with_postgresql() -> None:
    """Given a PostgreSQL URL and no --data, then one clear line and exit 2, before any connection is tried."""
    result = CliRunner().invoke(cli, ["serve", "--store", "postgresql://nobody@127.0.0.1:1/none"])
    assert result.exit_code == 2
    assert "--data" in result.output and "Traceback" not in result.output
    assert len([line for line in result.output.splitlines() if line.strip()]) == 1


def test_evidence_is_carried_in_the_answers_file_of_the_bundle(client: FlaskClient, app: Flask) -> None:
    login(client, "alice")
    answer(client, QUESTIONS[0], "implemented")
    upload(client, PDF, "a.pdf")
    upload(client, b"%PDF-1.7 other\n", "b.pdf")
    submit(client)
    (bundle_path,) = (Path(app.extensions["l3audit_data"]) / "bundles").glob("*.json")
    content = json.loads(bundle_path.read_text())["payload"]["answers"]["content"]
    assert hashlib.sha256(PDF).hexdigest() in content and "a.pdf" in content and "b.pdf" in content
