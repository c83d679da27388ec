"""Fixtures for the portal: a SQLite store with one user per role and two outlets, a Flask app on it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from audit.department.store import open_store
from audit.portal.app import create_app
from audit.portal.users import add_user

CHECKLIST = "tcvn11930-2017-l3"  # 49 questions: quicker pages than the default catalogue's 195
PASSWORD = "correct horse battery staple"
USERS = {"admin1": ("admin", None), "officer1": ("officer", None), "alice": ("outlet", "o1"), "bob": ("outlet", "o2")}


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert found, html[:500]
    return found.group(1)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> Any:
    """Log in through the form, as a browser would."""
    token = csrf_of(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


@pytest.fixture()
def store_path(tmp_path: Path) -> str:
    path = str(tmp_path / "portal.db")
    with open_store(path) as store:
        for name, (role, outlet) in USERS.items():
            add_user(store, name, PASSWORD, role, outlet)
        store.replace_inventory([("o1", "Báo Một", ()), ("o2", "Báo Hai", ())])
    return path


@pytest.fixture()
def app(store_path: str) -> Flask:
    return create_app(store_path, checklist=CHECKLIST, secret_key="test-" + "k" * 40)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()
