"""audit.demo.servers.ServerGroup: many servers on one thread answer as each would on its own."""

from __future__ import annotations

import socket
import threading

import httpx

from audit.demo.servers import ServerGroup, SiteConfig, WebServer


def test_one_thread_serves_every_server_and_closes_them() -> None:
    servers = [WebServer("127.17.250.1", 0, SiteConfig(server_header=f"site-{i}")) for i in range(5)]
    before = threading.active_count()
    with ServerGroup(servers):
        assert threading.active_count() == before + 1  # one thread for five servers, not five
        for i, web in enumerate(servers):
            for _ in range(2):
                response = httpx.get(f"http://{web.address}:{web.port}/", timeout=5)
                assert response.headers["server"] == f"site-{i}"
            assert len(web.server.arrivals) == 2
    for web in servers:
        with socket.socket() as probe:
            assert probe.connect_ex((web.address, web.port)) != 0  # closed on leaving the group
