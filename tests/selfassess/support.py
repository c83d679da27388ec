"""Shared pieces of the self-assessment, waiver, merge and scoring tests: small catalogues and helpers."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result

from audit.catalogue.loader import Checklist, load_checklist
from audit.cli import cli
from audit.department.keys import generate_key, key_id, load_private_key
from audit.department.signing import sign_document
from audit.selfassess.merge import SelfAssessment, load_self_assessment

MANUAL_ONLY = """\
schema: l3audit/checklist/v1
id: sa-manual
title: {vi: "Danh mục thử tự đánh giá", en: "Self-assessment test checklist"}
standard: "TCVN 11930:2017"
level: 3
version: "VERSION"
groups:
  - id: policy
    title: {vi: "Chính sách", en: "Policy"}
  - id: ops
    title: {vi: "Vận hành", en: "Operations"}
requirements:
  - id: POL-01
    group: policy
    title: {vi: "Có quy chế bảo đảm an toàn thông tin", en: "An information security policy exists"}
    description: {vi: "Quy chế được phê duyệt và phổ biến.", en: "The policy is approved and communicated."}
    remediation: {vi: "Ban hành quy chế.", en: "Issue a policy."}
    severity: high
    assessment: manual
    references: [{standard: "TCVN 11930:2017", clause: "8.1"}]
    evidence:
      - {vi: "Quyết định ban hành quy chế", en: "The decision issuing the policy"}
  - id: OPS-01
    group: ops
    title: {vi: "Sao lưu dữ liệu định kỳ", en: "Data is backed up regularly"}
    description: {vi: "Sao lưu hằng ngày, thử khôi phục hằng quý.", en: "Daily backups, restore tested quarterly."}
    remediation: {vi: "Lập kế hoạch sao lưu.", en: "Plan backups."}
    severity: critical
    assessment: manual
    references: [{standard: "TCVN 11930:2017", clause: "8.2"}]
    evidence:
      - {vi: "Nhật ký sao lưu", en: "Backup logs"}
  - id: OPS-02
    group: ops
    title: {vi: "Có quy trình ứng cứu sự cố", en: "An incident response procedure exists"}
    description: {vi: "Quy trình được diễn tập.", en: "The procedure is rehearsed."}
    remediation: {vi: "Ban hành quy trình.", en: "Issue a procedure."}
    severity: medium
    mandatory: false
    assessment: manual
    references: [{standard: "TCVN 11930:2017", clause: "8.3"}]
"""

WITH_PROBES = """\
schema: l3audit/checklist/v1
id: sa-web
extends: l3-starter
title: {vi: "Danh mục thử: kỹ thuật và tự đánh giá", en: "Test checklist: technical and self-assessed"}
standard: "TCVN 11930:2017"
level: 3
version: "1"
groups:
  - id: policy
    title: {vi: "Chính sách", en: "Policy"}
requirements:
  - id: POL-01
    group: policy
    title: {vi: "Có quy chế bảo đảm an toàn thông tin", en: "An information security policy exists"}
    description: {vi: "Quy chế được phê duyệt và phổ biến.", en: "The policy is approved and communicated."}
    remediation: {vi: "Ban hành quy chế.", en: "Issue a policy."}
    severity: high
    assessment: manual
    references: [{standard: "TCVN 11930:2017", clause: "8.1"}]
    evidence:
      - {vi: "Quyết định ban hành quy chế", en: "The decision issuing the policy"}
  - id: WEB-HSTS-PLAN
    group: web
    title: {vi: "HSTS được bật và có kế hoạch preload", en: "HSTS is on and preload is planned"}
    description: {vi: "Tiêu đề HSTS có mặt; kế hoạch preload được phê duyệt.", en: "HSTS is sent; a preload plan is approved."}
    remediation: {vi: "Bật HSTS.", en: "Enable HSTS."}
    severity: medium
    assessment: both
    references: [{standard: "TCVN 14423:2026", clause: "5.4.2.4 b"}]
    checks:
      - id: hsts
        expect: {fact: http.hsts.max_age_seconds, op: gte, value: 1}
"""


def write_checklist(folder: Path, text: str = MANUAL_ONLY, version: str = "1", name: str = "sa.yaml") -> Path:
    """Write a test catalogue into `folder` and return its path."""
    path = folder / name
    path.write_text(text.replace("VERSION", version), encoding="utf-8")
    return path


def load(folder: Path, text: str = MANUAL_ONLY, version: str = "1") -> Checklist:
    """Write and load a test catalogue."""
    return load_checklist(write_checklist(folder, text, version, f"sa-{version}.yaml"))


def invoke(*args: Any, input: str | None = None) -> Result:
    """Run the CLI in-process."""
    return CliRunner().invoke(cli, [str(a) for a in args], input=input, catch_exceptions=False)


def invoke_en(*args: Any, input: str | None = None) -> Result:
    """Run the CLI in-process in English (tests that check the English wording of a message)."""
    return invoke(*args, "--lang", "en", input=input)


def fill(template: Path, out: Path, answers: dict[str, dict[str, Any]], outlet: str | None = None) -> Path:
    """What an outlet does with the YAML template: fill in answers (here via YAML, not by hand).

    A `review` given with an answer is a reviewer's decision: it is not written into the outlet's
    file but signed into `reviews_of(out)` with a reviewer's key trusted in `trusted_keys_of(out)`,
    as `l3audit self-assess review` does.
    """
    data = yaml.safe_load(template.read_text(encoding="utf-8"))
    decisions: dict[str, dict[str, Any]] = {}
    for req_id, answer in answers.items():
        answer = dict(answer)
        if answer.get("review"):
            decisions[req_id] = answer.pop("review")
        answer.pop("review", None)
        data["answers"].setdefault(req_id, {}).update(answer)
        data["answers"][req_id].pop("review", None)
    if outlet:
        data["outlet"] = outlet
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    reviews = reviews_of(out)
    if reviews.exists():
        reviews.unlink()
    if decisions:
        sign_decisions(out, decisions, data["outlet"], reviews)
    return out


def reviews_of(answers: Path) -> Path:
    """Where `fill` puts the signed reviews file of an answers file."""
    return answers.with_name(answers.stem + ".reviews.json")


def trusted_keys_of(answers: Path) -> Path:
    """The trusted-keys file (one reviewer key, role reviewer) of the reviews beside `answers`."""
    return answers.parent / "reviewer-keys" / "trusted-keys.yaml"


def reviewer_key(folder: Path, name: str = "reviewer", role: str = "reviewer") -> tuple[Path, Path]:
    """A reviewer's private key in `folder` and a trusted-keys file listing it (made once per folder)."""
    private, public = folder / f"{name}.key", folder / f"{name}.pub.yaml"
    if not private.exists():
        generate_key(folder, name, ("*",), role)
    trusted = folder / "trusted-keys.yaml"
    if not trusted.exists():
        trusted.write_text(public.read_text(encoding="utf-8"), encoding="utf-8")
    return private, trusted


def sign_decisions(answers: Path, decisions: dict[str, dict[str, Any]], outlet: str | None, out: Path) -> Path:
    """Sign decisions ({requirement: review()}) on the answers file as it is now into `out`."""
    private, _trusted = reviewer_key(trusted_keys_of(answers).parent)
    payload = {
        "schema": "l3audit/reviews/v1", "outlet": outlet,
        "checklist": yaml.safe_load(answers.read_text(encoding="utf-8"))["checklist"],
        "answers": {"name": answers.name, "sha256": hashlib.sha256(answers.read_bytes()).hexdigest()},
        "decisions": decisions, "signed_at": "2026-11-20T09:00:00+00:00",
        "signer": {"key_id": key_id(load_private_key(private).public_key()), "name": "reviewer"},
    }
    out.write_text(json.dumps(sign_document("l3audit/reviews/v1", payload, load_private_key(private)),
                              ensure_ascii=False), encoding="utf-8")
    return out


def review_args(*answers: Path) -> list[Any]:
    """`--answers` with each file's `--reviews` (when `fill` signed any) and the `--trusted-keys` they need."""
    args: list[Any] = []
    reviewed = [reviews_of(a) for a in answers if reviews_of(a).exists()]
    for a in answers:
        args += ["--answers", a]
    for r in reviewed:
        args += ["--reviews", r]
    if reviewed:
        args += ["--trusted-keys", trusted_keys_of(answers[0])]
    return args


def assess(checklist: Checklist, answers: list[Path], waivers: Path | None = None,
           today: dt.date | None = None) -> SelfAssessment:
    """`load_self_assessment` of answers files with the signed reviews `fill` wrote beside them."""
    reviewed = [reviews_of(a) for a in answers if reviews_of(a).exists()]
    return load_self_assessment(checklist, answers, waivers, today, reviewed,
                                trusted_keys_of(answers[0]) if reviewed else None)


def review(by: str = "Cục Báo chí", decision: str = "accepted", reason: str | None = None) -> dict[str, Any]:
    """A reviewer's decision on one answer, as `fill` signs it into the reviews file."""
    return {"decision": decision, "reason": reason, "reviewer": by, "reviewed_at": "2026-11-20T09:00:00+00:00"}
