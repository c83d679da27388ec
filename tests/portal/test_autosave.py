"""Saving as you type: the answers endpoint answers JSON when asked, the script is our own static file, and the
pages carry no inline script or handler (CSP `script-src 'self'`, no unsafe-inline)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from tests.portal.conftest import csrf_of, login
from tests.portal.test_access import FIRST


def test_answers_endpoint_answers_json_when_asked(client: FlaskClient) -> None:
    login(client, "alice")
    token = csrf_of(client.get("/outlet/o1/questionnaire").text)
    json_headers = {"Accept": "application/json"}
    reply = client.post("/outlet/o1/answers", headers=json_headers,
                        data={"requirement_id": FIRST, "answer": "", "justification": "đang làm", "csrf_token": token})
    assert reply.status_code == 200 and reply.is_json
    assert reply.json["saved"] is True and reply.json["answered_by"] == "alice"
    assert "đang làm" in client.get("/outlet/o1/questionnaire").text
    refused = client.post("/outlet/o1/answers", headers=json_headers,
                          data={"requirement_id": "no.such", "answer": "partly", "csrf_token": token})
    assert refused.status_code == 400 and refused.json["saved"] is False and refused.json["message"]
    needs_reason = client.post("/outlet/o1/answers", headers=json_headers,
                               data={"requirement_id": FIRST, "answer": "not_applicable", "csrf_token": token})
    assert needs_reason.status_code == 400 and needs_reason.json["saved"] is False
    page = client.post("/outlet/o1/answers", data={"requirement_id": FIRST, "answer": "partly", "csrf_token": token})
    assert page.status_code == 302  # a browser without script gets the page back
    no_token = client.post("/outlet/o1/answers", headers=json_headers, data={"requirement_id": FIRST, "answer": "partly"})
    assert no_token.status_code == 400


def test_script_is_served_from_our_origin_and_pages_have_no_inline_script(client: FlaskClient) -> None:
    login(client, "alice")
    reply = client.get("/outlet/o1/questionnaire")
    page = reply.text
    csp = reply.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    scripts = re.findall(r"<script\b[^>]*>", page)
    assert scripts == ['<script src="/static/autosave.js" defer>']
    assert "</script>" in page and not re.search(r"<script[^>]*>[^<]+</script>", page)  # nothing inline
    assert not re.search(r"\son[a-z]+\s*=", page)  # no inline event handlers
    assert 'data-saved-text="Đã lưu"' in page and 'data-not-saved-text="Chưa lưu được' in page
    script = client.get("/static/autosave.js")
    assert script.status_code == 200 and script.mimetype in ("text/javascript", "application/javascript")
    assert script.headers["X-Content-Type-Options"] == "nosniff"
    body = script.text
    assert "fetch(" in body and "textContent" in body and "innerHTML" not in body and "eval(" not in body
    for path in ("/outlet/o1", "/login"):
        assert "unsafe-inline" not in client.get(path).headers["Content-Security-Policy"]
