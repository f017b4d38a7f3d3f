"""CSRF everywhere: a POST without the token is refused with a friendly 400."""

import re

from blueprints.core.extensions import db
from tests.factories import PASSWORD, make_user


def csrf_token(page: bytes) -> str:
    return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1).decode()


def test_post_without_csrf_token_gets_400(csrf_app):
    user = make_user("coordinator")
    db.session.commit()
    client = csrf_app.test_client()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert b"Reload the page" in response.data


def test_post_with_csrf_token_signs_in(csrf_app):
    user = make_user("coordinator")
    db.session.commit()
    client = csrf_app.test_client()
    token = csrf_token(client.get("/login").data)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_htmx_post_carries_the_token_in_a_header(csrf_app):
    user = make_user("coordinator")
    db.session.commit()
    client = csrf_app.test_client()
    token = csrf_token(client.get("/login").data)
    client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    page = client.get("/").data
    header_token = re.search(rb'data-hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', page).group(1).decode()
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", headers={"X-CSRFToken": header_token}).status_code == 302
