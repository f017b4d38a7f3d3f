"""Friendly error pages that never show a traceback."""

import html

import pytest
from flask import abort
from flask_babel import lazy_gettext as _l

from tests.factories import login, make_user


def test_404_page_is_friendly(client):
    response = client.get("/nothing/here")
    assert response.status_code == 404
    assert b"Not found" in response.data and b"Traceback" not in response.data


def test_500_page_shows_a_reference_and_no_traceback(app):
    from app import create_app
    from tests.conftest import TEST_CONFIG

    broken = create_app({**TEST_CONFIG, "TESTING": False, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})

    def explode():
        raise RuntimeError("secret internal detail")

    explode.access = "public"
    broken.add_url_rule("/explode", "explode", explode)
    response = broken.test_client().get("/explode")
    assert response.status_code == 500
    assert b"Reference" in response.data
    assert b"secret internal detail" not in response.data and b"Traceback" not in response.data


def test_htmx_errors_get_a_fragment_not_a_page(client):
    login(client, make_user("mentor"))
    response = client.get("/users/", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert b"<html" not in response.data and b"Not allowed" in response.data


def test_an_abort_with_a_message_shows_that_message_under_the_codes_title(app):
    from app import create_app
    from tests.conftest import TEST_CONFIG

    refusing = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})

    def refuse():
        abort(403, _l("Only the mentee's assigned mentor writes this feedback."))

    refuse.access = "public"
    refusing.add_url_rule("/refuse-with-message", "refuse_with_message", refuse)
    response = refusing.test_client().get("/refuse-with-message")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 403
    assert "Not allowed" in page and "Only the mentee's assigned mentor writes this feedback." in page
    assert "Your account does not give access to this page." not in page


@pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/nothing"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_with_personal_data_are_not_cached(client):
    login(client, make_user("coordinator"))
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_signed_in_pages_are_kept_out_of_htmx_history(client):
    login(client, make_user("coordinator"))
    assert b'data-hx-history="false"' in client.get("/").data


def test_htmx_is_configured_by_meta_tag_with_eval_off(client):
    page = client.get("/login").data
    assert b'name="htmx-config"' in page and b'"allowEval": false' in page
    assert b"<script>" not in page  # no inline script anywhere (the CSP forbids it)
