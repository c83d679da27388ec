"""The inventory is the denominator: `outlets import|list`, and a dashboard that counts every outlet of
the inventory (no result: "not compliant: no result", in red), with low-coverage scores greyed."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from audit.cli import cli
from audit.department.store import Store
from tests.department.support import make_result

INVENTORY = """\
outlets:
  - id: bao-a
    name: Báo A
    contact: {name: Phòng Kỹ thuật, email: kt@a.test}
    sites: ["https://127.14.0.1:8443"]
  - id: bao-b
    name: Báo B
    contact: {name: Phòng Kỹ thuật, email: kt@b.test}
    sites: ["https://127.14.0.2:8443"]
  - id: bao-c
    name: Báo C im lặng
    contact: {name: Phòng Kỹ thuật, email: kt@c.test}
    sites: ["https://127.14.0.3:8443"]
"""


def run(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.output


def test_every_inventory_outlet_counts_and_an_offline_score_is_greyed(tmp_path: Path) -> None:
    """Given three outlets in the inventory, one compliant, one offline (1 pass, 6 errors: 100 % at
    14 % coverage) and one that never sent anything, then the share is 1 of 3, not 1 of 2."""
    db = str(tmp_path / "so.db")
    with Store(db) as store:
        round_id = store.start_round("12", "run")
        store.add_result(make_result("bao-a", {"L3-TLS-01": "pass"}, "2026-12-01T08:00:00+00:00"), round_id)
        offline = {"L3-TLS-01": "pass"} | {f"L3-WEB-0{i}": "error" for i in range(6)}
        store.add_result(make_result("bao-b", offline, "2026-12-01T08:00:00+00:00"), round_id)
    inventory = tmp_path / "outlets.yaml"
    inventory.write_text(INVENTORY, encoding="utf-8")
    code, output = run("outlets", "import", inventory, "--db", db)
    assert code == 0 and ": 3" in output, output
    code, output = run("outlets", "list", "--db", db, "--json")
    listed = {r["id"]: r["latest_verdict"] for r in json.loads(output)}
    assert listed == {"bao-a": "compliant", "bao-b": "incomplete", "bao-c": None}

    out = tmp_path / "d.json"
    assert run("aggregate", "--db", db, "-o", out)[0] == 0
    view = json.loads(out.read_text(encoding="utf-8"))
    [catalogue] = view["catalogues"]
    assert (catalogue["outlets"], catalogue["compliant"], catalogue["no_result"]) == (3, 1, 1)
    assert catalogue["share_percent"] == 33.3 and catalogue["gap"] == 2
    rows = {o["id"]: o for o in view["outlets"]}
    assert rows["bao-c"]["verdict"] == "no_result" and rows["bao-c"]["pass_percent"] is None
    assert rows["bao-b"]["pass_percent"] == 100.0 and rows["bao-b"]["low_coverage"] is True
    assert rows["bao-a"]["low_coverage"] is False

    page = tmp_path / "d.html"
    assert run("aggregate", "--db", db, "-o", page)[0] == 0
    html = page.read_text(encoding="utf-8")
    assert '<span class="verdict no_result">Chưa đáp ứng: chưa có kết quả</span>' in html
    assert 'class="num low" title="Độ bao phủ dưới 50%: điểm chưa đủ tin cậy">100%' in html
    assert ".verdict.no_result { background: #ffebe9; color: #a40e26;" in html


def test_a_bad_inventory_is_refused_and_the_stored_one_kept(tmp_path: Path) -> None:
    db = str(tmp_path / "so.db")
    good = tmp_path / "outlets.yaml"
    good.write_text(INVENTORY, encoding="utf-8")
    assert run("outlets", "import", good, "--db", db)[0] == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(INVENTORY + "  - id: bao-a\n    name: again\n    sites: [\"https://127.14.0.4\"]\n", encoding="utf-8")
    code, output = run("outlets", "import", bad, "--db", db)
    assert code == 2 and "mã cơ quan 'bao-a' bị lặp" in output, output
    with Store(db) as store:
        assert [e["id"] for e in store.inventory()] == ["bao-a", "bao-b", "bao-c"]


def test_a_stored_result_is_exported_for_report(tmp_path: Path) -> None:
    """Given a result stored by run or import, `export ID` writes it back out and `report` renders it."""
    db = str(tmp_path / "so.db")
    document = make_result("bao-a", {"L3-TLS-01": "pass"}, "2026-12-01T08:00:00+00:00")
    with Store(db) as store:
        result_id, _ = store.add_result(document, store.start_round("12", "run"))
    code, output = run("history", "bao-a", "--db", db, "--json")
    assert json.loads(output)["audits"][0]["result_id"] == result_id
    out = tmp_path / "bao-a.json"
    code, output = run("export", result_id, "--db", db, "-o", out)
    assert code == 0 and json.loads(out.read_text(encoding="utf-8")) == document, output
    code, output = run("report", out, "-o", tmp_path / "bao-a.md")
    assert code == 0 and "bao-a" in (tmp_path / "bao-a.md").read_text(encoding="utf-8"), output
    code, output = run("export", 999, "--db", db, "-o", tmp_path / "none.json", "--lang", "en")
    assert code == 2 and "no stored result 999" in output and not (tmp_path / "none.json").exists()
