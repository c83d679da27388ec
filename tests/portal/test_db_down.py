"""Database down: a real PostgreSQL stopped under the running portal, then started again.

Given the portal on its own PostgreSQL cluster with an answer saved, when the server stops, then
every page (the outlet's, the officer's, the department's, the login) answers the catalogue's 503 page
in Vietnamese or English with Retry-After, and an answer posted meanwhile is refused and not stored;
when the server starts again, the same application (no restart) serves every page, the earlier
answer is intact and new answers are saved.
"""

from __future__ import annotations

from pathlib import Path

from collections.abc import Iterator

import pytest

from audit.catalogue.loader import load_checklist, resolve_checklist
from audit.department.store import open_store
from audit.portal.answers import load_portal_answers
from audit.portal.app import create_app
from audit.portal.unavailable import RETRY_AFTER_SECONDS
from audit.portal.users import add_user
from audit.selfassess.questionnaire import questions
from tests import pg
from tests.department.support import make_result
from tests.portal.conftest import CHECKLIST, PASSWORD, csrf_of, login

FIRST, SECOND = (q.requirement_id for q in questions(load_checklist(resolve_checklist(CHECKLIST)))[:2])


@pytest.fixture()
def cluster() -> Iterator[pg.PgCluster]:
    """A private cluster (stopping the session's shared one would break other tests)."""
    bin_dir = pg._bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    server = pg.PgCluster(bin_dir)
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        pytest.skip(f"PostgreSQL could not start locally: {exc}")
    try:
        yield server
    finally:
        server.stop()


def _unavailable(reply: object, text: str) -> None:
    assert reply.status_code == 503, reply.text[:300]  # type: ignore[attr-defined]
    assert reply.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)  # type: ignore[attr-defined]
    assert text in reply.text and "Traceback" not in reply.text  # type: ignore[attr-defined]
    assert "unsafe-inline" not in reply.headers["Content-Security-Policy"]  # type: ignore[attr-defined]


def test_database_down_then_back(cluster: pg.PgCluster, tmp_path: Path) -> None:
    url = cluster.url()
    with open_store(url) as store:
        add_user(store, "alice", PASSWORD, "outlet", "o1")
        add_user(store, "officer1", PASSWORD, "officer")
        store.replace_inventory([("o1", "Báo Một", ("ha-noi",))])
        store.add_result(make_result("o1", {"L3-TLS-01": "pass"}, "2026-12-01T03:00:00+00:00"),
                         store.start_round("r1", "run"))
    app = create_app(url, checklist=CHECKLIST, secret_key="test-" + "k" * 40, data_dir=str(tmp_path / "data"))
    alice, officer, stranger = app.test_client(), app.test_client(), app.test_client()
    login(alice, "alice")
    login(officer, "officer1")
    token = csrf_of(alice.get("/outlet/o1/questionnaire").text)
    assert alice.post("/outlet/o1/answers", data={"requirement_id": FIRST, "answer": "implemented",
                                                  "text": "trước khi dừng", "csrf_token": token}).status_code == 302
    login_token = csrf_of(stranger.get("/login").text)

    cluster.halt()
    vi = "Hiện không kết nối được cơ sở dữ liệu"
    _unavailable(alice.get("/outlet/o1/questionnaire"), vi)
    _unavailable(alice.post("/outlet/o1/answers", data={"requirement_id": SECOND, "answer": "partly",
                                                        "text": "trong lúc dừng", "csrf_token": token}), vi)
    for path in ("/department", "/department/outlets", "/department/dashboard.xlsx", "/officer/outlets"):
        _unavailable(officer.get(path), vi)
    _unavailable(stranger.post("/login", data={"username": "alice", "password": PASSWORD,
                                               "csrf_token": login_token}), vi)
    officer.get("/lang/en")
    _unavailable(officer.get("/department"), "The database cannot be reached right now")

    cluster.resume()
    page = alice.get("/outlet/o1/questionnaire")
    assert page.status_code == 200 and "trước khi dừng" in page.text and "trong lúc dừng" not in page.text
    assert officer.get("/department").status_code == 200
    assert alice.post("/outlet/o1/answers", data={"requirement_id": SECOND, "answer": "partly",
                                                  "text": "sau khi chạy lại", "csrf_token": token}).status_code == 302
    with open_store(url) as store:
        answers = load_portal_answers(store, load_checklist(resolve_checklist(CHECKLIST)), "o1").answers
    assert answers[FIRST].text == "trước khi dừng" and answers[SECOND].text == "sau khi chạy lại"
