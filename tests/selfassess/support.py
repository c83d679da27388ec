"""Shared pieces of the self-assessment, waiver, merge and scoring tests: small catalogues and helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result

from audit.catalogue.loader import Checklist, load_checklist
from audit.cli import cli

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


def fill(template: Path, out: Path, answers: dict[str, dict[str, Any]], outlet: str | None = None) -> Path:
    """What an outlet does with the YAML template: fill in answers (here via YAML, not by hand)."""
    data = yaml.safe_load(template.read_text(encoding="utf-8"))
    for req_id, answer in answers.items():
        data["answers"].setdefault(req_id, {}).update(answer)
    if outlet:
        data["outlet"] = outlet
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


def review(by: str = "Cục Báo chí", decision: str = "accepted", reason: str | None = None) -> dict[str, Any]:
    """A review block."""
    return {"decision": decision, "reason": reason, "reviewer": by, "reviewed_at": "2026-11-20T09:00:00+00:00"}
