"""`l3audit serve` under real gunicorn on 127.0.0.1 over TLS: logins work, and our own http probe grades it A+."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

import httpx

from audit.models import Target
from probes.http.probe import HttpProbe
from probes.interface import ProbeOptions
from tests.portal.conftest import csrf_of
from tests.probes.http.http_servers import Certificates


def test_served_portal_logs_in_over_tls(served: int, certs: Certificates) -> None:
    """Given gunicorn over TLS, when alice logs in, then the session cookie is Secure, HttpOnly, __Host-."""
    with httpx.Client(base_url=f"https://127.0.0.1:{served}", verify=ssl.create_default_context(cafile=str(certs.ca))) as client:
        page = client.get("/login")
        assert page.status_code == 200 and "gunicorn" in page.headers.get("server", "")
        assert page.headers["strict-transport-security"].startswith("max-age=63072000")
        from tests.portal.conftest import PASSWORD

        form = {"username": "alice", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
        # Over HTTPS the CSRF check also wants the Referer of our own origin (a browser sends it).
        assert client.post("/login", data=form).status_code == 400
        reply = client.post("/login", data=form, headers={"Referer": f"https://127.0.0.1:{served}/login"})
        assert reply.status_code == 302 and reply.headers["location"] == "/outlet/o1/questionnaire"
        cookie = reply.headers["set-cookie"]
        assert cookie.startswith("__Host-l3audit=") and "Secure" in cookie and "HttpOnly" in cookie
        assert client.get("/outlet/o1/questionnaire").status_code == 200


def test_served_portal_gets_observatory_a_plus(served: int, certs: Certificates) -> None:
    """Given the served portal, when `l3audit probe http` scores it, then the grade is A+."""
    target = Target(host="127.0.0.1", port=served, http_port=None)
    options = ProbeOptions(timeout_seconds=10, ca_file=str(certs.ca), settings={})
    facts: dict[str, Any] = dict(asyncio.run(HttpProbe().measure(target, options)).facts)
    modifiers = [(m["key"], m.get("modifier")) for m in facts["http.observatory.modifiers"]]
    assert facts["http.observatory.grade"] == "A+", modifiers
    assert Path(str(certs.ca)).exists()
