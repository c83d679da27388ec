"""`l3audit demo --serve`: the demo audit, then the portal on its results with demo accounts printed once.

Given the demo run as a person runs it (a process of its own, the demo outlets moved to 127.18.3.x so
that it does not collide with another demo), when it prints its accounts, then the printed outlet
member logs in and sees its questionnaire, the printed officer sees the three demo outlets on the
dashboard, and Ctrl-C (SIGINT to the process group, as a terminal sends it) stops it cleanly (exit 0).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from tests.portal.conftest import csrf_of

HOST = "127.18.3.1"
RUN = """
import sys
from audit.cli import demo_cmd, main
from audit.demo import outlets as demo

addresses = demo.DemoAddresses(good="127.18.3.11", bad="127.18.3.12", offline="127.18.3.13",
                               https_port=int(sys.argv[1]), http_port=int(sys.argv[2]))
demo_cmd.demo_fleet = lambda folder: demo.demo_fleet(folder, addresses)
sys.argv = ["l3audit", *sys.argv[3:]]
main()
"""


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def _listening(host: str, port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex((host, port)) == 0


def _log_in(client: httpx.Client, username: str, password: str) -> httpx.Response:
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def test_demo_serve_prints_accounts_serves_and_stops(tmp_path: Path) -> None:
    port = _free_port(HOST)
    args = [str(_free_port("127.18.3.11")), str(_free_port("127.18.3.11")), "demo", "--serve", "--out",
            str(tmp_path / "demo"), "--no-pdf", "--no-nmap", "--lang", "en", "--bind", f"{HOST}:{port}"]
    proc = subprocess.Popen([sys.executable, "-c", RUN, *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 180
        while not any("Press Ctrl-C to stop." in line for line in lines):
            assert proc.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.2)
        accounts = dict(re.findall(r"^  (demo-[\w.-]+) \([^)]*\): (\S+)$", "".join(lines), re.M))
        assert set(accounts) == {"demo-admin", "demo-officer", "demo-bao-mau-an-toan", "demo-tap-chi-mau-chua-dat",
                                 "demo-bao-mau-ngung-hoat-dong"}, "".join(lines)
        assert f"Demo portal: http://{HOST}:{port}/" in "".join(lines)
        while not _listening(HOST, port):
            assert proc.poll() is None and time.monotonic() < deadline, "".join(lines)
            time.sleep(0.2)
        with httpx.Client(base_url=f"http://{HOST}:{port}") as outlet:
            reply = _log_in(outlet, "demo-tap-chi-mau-chua-dat", accounts["demo-tap-chi-mau-chua-dat"])
            assert reply.status_code == 302 and reply.headers["location"] == "/outlet/tap-chi-mau-chua-dat/questionnaire"
            assert outlet.get(reply.headers["location"]).status_code == 200
            assert outlet.get("/department").status_code == 403
        with httpx.Client(base_url=f"http://{HOST}:{port}") as officer:
            assert _log_in(officer, "demo-officer", accounts["demo-officer"]).status_code == 302
            page = officer.get("/department").text
            for outlet_id in ("bao-mau-an-toan", "tap-chi-mau-chua-dat", "bao-mau-ngung-hoat-dong"):
                assert f'data-outlet="{outlet_id}"' in page
            assert '<strong id="total-compliant">1</strong>' in page
        with httpx.Client(base_url=f"http://{HOST}:{port}") as stranger:
            assert _log_in(stranger, "demo-officer", "not-the-printed-password").status_code == 401
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        code = proc.wait(timeout=30)
        reader.join(timeout=5)
    assert code == 0, "".join(lines[-30:])
    assert "The demo portal has stopped." in "".join(lines) and "Traceback" not in _without_quit_tracebacks(lines)


def _without_quit_tracebacks(lines: list[str]) -> str:
    """The output less gunicorn's own report of a worker told to quit (Ctrl-C) while still writing a
    response to a closed connection ("Error handling request" ... handle_quit ... "SystemExit: 0"):
    gunicorn's quick shutdown, not an error of ours. Any other traceback stays in."""
    text = "".join(lines)
    blocks = re.split(r"(?=Traceback \(most recent call last\):)", text)
    kept = [b for b in blocks if not (b.startswith("Traceback") and "handle_quit" in b and "SystemExit: 0" in b)]
    return "".join(kept)
