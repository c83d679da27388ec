"""Signed submissions: keys, signing, verification against trusted keys, refusals (tampered, unknown
signer, truncated, wrong or unknown outlet) that store nothing, and idempotent import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from audit.department.bundle import BundleError, import_bundle, sign_bundle, verify_bundle
from audit.cli import cli
from audit.department.keys import KeyFileError, generate_key, load_trusted_keys
from audit.result import write_json_atomic
from audit.department.store import Store
from tests.department.support import database, make_result


@pytest.fixture()
def signed(tmp_path: Path) -> dict[str, Path]:
    """A key for outlet bao-a, a signed bundle of its result with answers and evidence, trusted keys."""
    key, public, _ = generate_key(tmp_path / "keys", "bao-a", ("bao-a",))
    result = tmp_path / "bao-a.json"
    write_json_atomic(result, make_result("bao-a", {"L3-TLS-01": "pass", "L3-WEB-01": "fail"}, "2026-11-01T09:00:00+00:00"))
    answers = tmp_path / "answers.yaml"
    answers.write_text("answers: {L3-ORG-01: yes}\n", encoding="utf-8")
    evidence = tmp_path / "quy-che.pdf"
    evidence.write_bytes(b"%PDF-1.4 quy che an toan thong tin")
    bundle = tmp_path / "bao-a.bundle.json"
    sign_bundle(result, key, bundle, "Phòng Kỹ thuật Báo A", answers, [evidence])
    return {"key": key, "trusted": public, "bundle": bundle, "result": result, "folder": tmp_path}


def test_a_signed_bundle_verifies_and_carries_answers_and_evidence_hashes(signed: dict[str, Path]) -> None:
    trusted = load_trusted_keys(signed["trusted"])
    verified = verify_bundle(signed["bundle"], trusted)
    assert verified.result["outlet"]["id"] == "bao-a"
    assert verified.payload["answers"]["content"].startswith("answers:")
    [evidence] = verified.payload["evidence"]
    assert evidence["name"] == "quy-che.pdf" and len(evidence["sha256"]) == 64
    assert (signed["key"].stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize("tamper", ["status", "evidence", "signer_name", "signature"])
def test_a_tampered_bundle_is_refused(signed: dict[str, Path], tamper: str) -> None:
    data = json.loads(signed["bundle"].read_text(encoding="utf-8"))
    if tamper == "status":
        data["payload"]["result"]["requirements"][1]["status"] = "pass"
    elif tamper == "evidence":
        data["payload"]["evidence"][0]["sha256"] = "0" * 64
    elif tamper == "signer_name":
        data["payload"]["signer"]["name"] = "Sở Thông tin"
    else:
        data["signature"]["value"] = data["signature"]["value"][::-1]
    signed["bundle"].write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(BundleError, match="does not match|not base64"):
        verify_bundle(signed["bundle"], load_trusted_keys(signed["trusted"]))


def test_unknown_signer_truncated_file_and_wrong_outlet_are_refused(signed: dict[str, Path]) -> None:
    folder = signed["folder"]
    _, other_public, _ = generate_key(folder / "keys", "khac", ("*",))
    with pytest.raises(BundleError, match="unknown key"):
        verify_bundle(signed["bundle"], load_trusted_keys(other_public))
    truncated = folder / "cut.json"
    truncated.write_bytes(signed["bundle"].read_bytes()[:-40])
    with pytest.raises(BundleError, match="not complete JSON \\(truncated"):
        verify_bundle(truncated, load_trusted_keys(signed["trusted"]))
    # A key trusted only for another outlet may not submit for bao-a
    limited = yaml.safe_load(signed["trusted"].read_text(encoding="utf-8"))
    limited["keys"][0]["outlets"] = ["bao-b"]
    (folder / "limited.yaml").write_text(yaml.safe_dump(limited), encoding="utf-8")
    with pytest.raises(BundleError, match="may not submit for outlet 'bao-a'"):
        verify_bundle(signed["bundle"], load_trusted_keys(folder / "limited.yaml"))
    with pytest.raises(BundleError, match="unknown outlet 'bao-a'"):
        verify_bundle(signed["bundle"], load_trusted_keys(signed["trusted"]), known_outlets={"bao-b"})


def test_a_trusted_keys_entry_whose_id_does_not_match_its_key_is_refused(signed: dict[str, Path]) -> None:
    data = yaml.safe_load(signed["trusted"].read_text(encoding="utf-8"))
    data["keys"][0]["id"] = "0000000000000000"
    signed["trusted"].write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(KeyFileError, match="does not match its public key"):
        load_trusted_keys(signed["trusted"])


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_importing_twice_stores_once(signed: dict[str, Path], kind: str, tmp_path: Path) -> None:
    db = database(kind, tmp_path)
    trusted = load_trusted_keys(signed["trusted"])
    with Store(db) as store:
        first = import_bundle(verify_bundle(signed["bundle"], trusted), store)
        second = import_bundle(verify_bundle(signed["bundle"], trusted), store)
        assert first[1] == "imported" and second[1] == "already stored" and first[0] == second[0]
        [row] = store.results()
        assert row.signer == trusted[next(iter(trusted))].id
        with store.read("count") as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM submissions").scalar() == 1


def test_a_bundle_of_a_result_already_stored_keeps_its_submission(signed: dict[str, Path], tmp_path: Path) -> None:
    """Given a result stored by `run`, then signed twice (the second time with new answers), when both
    bundles are imported, then each submission is kept, with its signer name, on the one stored result."""
    db = str(tmp_path / "history.db")
    trusted = load_trusted_keys(signed["trusted"])
    with Store(db) as store:
        stored_id, _ = store.add_result(json.loads(signed["result"].read_text(encoding="utf-8")),
                                        store.start_round("run 12", "run"))
        first = import_bundle(verify_bundle(signed["bundle"], trusted), store)
        answers = signed["folder"] / "answers-2.yaml"
        answers.write_text("answers: {L3-ORG-01: partly}\n", encoding="utf-8")
        resigned = signed["folder"] / "bao-a.2.bundle.json"
        sign_bundle(signed["result"], signed["key"], resigned, "Trưởng phòng Kỹ thuật", answers)
        second = import_bundle(verify_bundle(resigned, trusted), store)
        again = import_bundle(verify_bundle(resigned, trusted), store)
        assert first == (stored_id, "new submission") and second == (stored_id, "new submission")
        assert again == (stored_id, "already stored")
        names = [s["signer_name"] for s in store.submissions(stored_id)]
        assert names == ["Phòng Kỹ thuật Báo A", "Trưởng phòng Kỹ thuật"] and len(store.results()) == 1


def test_import_command_stores_good_bundles_and_refuses_bad_ones(signed: dict[str, Path]) -> None:
    folder = signed["folder"]
    db = str(folder / "so.db")
    bad = folder / "bad.json"
    data = json.loads(signed["bundle"].read_text(encoding="utf-8"))
    data["payload"]["result"]["summary"]["verdict"] = "compliant"
    bad.write_text(json.dumps(data), encoding="utf-8")
    runner = CliRunner()
    done = runner.invoke(cli, ["import", str(signed["bundle"]), str(bad), "--trusted-keys", str(signed["trusted"]), "--db", db])
    assert done.exit_code == 2 and "không khớp nội dung" in done.output
    again = runner.invoke(cli, ["import", str(signed["bundle"]), "--trusted-keys", str(signed["trusted"]), "--db", db])
    assert again.exit_code == 0 and "đã có từ trước" in again.output
    with Store(db) as store:
        [row] = store.results()
        assert row.verdict == "not_compliant"  # the tampered "compliant" never reached the database


def test_keys_and_sign_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    made = runner.invoke(cli, ["keys", "generate", "--name", "so-tt", "--dir", str(tmp_path), "--outlet", "bao-a"])
    assert made.exit_code == 0, made.output
    result = tmp_path / "r.json"
    write_json_atomic(result, make_result("bao-a", {"R": "pass"}, "2026-11-01T09:00:00+00:00"))
    out = tmp_path / "r.bundle"
    signed = runner.invoke(cli, ["bundle", "sign", str(result), "--key", str(tmp_path / "so-tt.key"), "-o", str(out)])
    assert signed.exit_code == 0, signed.output
    assert verify_bundle(out, load_trusted_keys(tmp_path / "so-tt.pub.yaml")).result["outlet"]["id"] == "bao-a"
    again = runner.invoke(cli, ["keys", "generate", "--name", "so-tt", "--dir", str(tmp_path)])
    assert again.exit_code == 2 and "khóa đã tồn tại" in again.output


def test_evidence_past_the_size_limit_is_refused_not_hashed(signed: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Given an evidence file larger than the evidence limit, then signing stops with a clear error and no bundle."""
    from audit.department.bundle import BundleError
    from audit.userfiles import limits

    monkeypatch.setattr(limits, "MAX_EVIDENCE_BYTES", 16)
    big = signed["folder"] / "video.mp4"
    big.write_bytes(b"x" * 64)
    out = signed["folder"] / "big.bundle.json"
    with pytest.raises(BundleError, match="video.mp4: larger than the evidence limit of 16 bytes"):
        sign_bundle(signed["result"], signed["key"], out, "Báo A", None, [big])
    assert not out.exists()
