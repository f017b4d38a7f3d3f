"""Deny by default: every route declares who may use it; roles stay on their own pages."""

import pytest

from blueprints.core.extensions import db
from blueprints.core.permissions import PUBLIC
from tests.factories import login, make_user

# The .ics feed answers calendar apps that cannot sign in: its secret token is the credential.
# The language switcher is on the login page too (it changes nothing but the visitor's cookie there).
# The web app manifest, the service worker and its offline page (issue 21) are fetched by the browser itself, signed in or not.
# A mentee's invitation link is the same: its one-time token is the credential (people/routes/invitations.py).
# An SMS gateway reporting an opt-out (STOP) signs in nowhere: its secret webhook token is the credential.
# An e-mail's unsubscribe link too: its signed token names the person and the kind of message (core/dispatch.py).
OPEN_ENDPOINTS = {"auth.login", "static", "core.healthz", "visits.ics_feed", "core.language", "core.manifest",
                  "core.service_worker", "core.offline_page", "people.welcome", "core.sms_opt_out", "core.unsubscribe"}


@pytest.mark.no_db
def test_every_route_declares_who_may_use_it(app):
    undeclared, unexpectedly_public = [], []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        if access is None:
            undeclared.append(rule.rule)
        elif access == PUBLIC and rule.endpoint not in OPEN_ENDPOINTS:
            unexpectedly_public.append(rule.rule)
    assert undeclared == [], f"routes without a declared permission: {undeclared}"
    assert unexpectedly_public == [], f"routes open to anonymous users: {unexpectedly_public}"


def test_a_view_without_declaration_is_refused(app):
    from flask import Flask

    from app import create_app
    from tests.conftest import TEST_CONFIG

    other = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    other.add_url_rule("/forgotten", "forgotten", lambda: "secret")
    assert isinstance(other, Flask)
    assert other.test_client().get("/forgotten").status_code == 403


@pytest.mark.parametrize(
    "role, path",
    [
        ("coordinator", "/users/"),
        ("hospital_admin", "/users/"),
        ("mentor", "/users/"),
        ("mentor", "/users/new"),
        ("mentee", "/users/"),
        ("mentee", "/mentees/"),
        ("mentee", "/mentors/"),
        ("mentee", "/hospitals/"),
        ("mentee", "/audit/"),
        ("coordinator", "/deliveries/"),
        ("hospital_admin", "/deliveries/"),
        ("mentor", "/deliveries/"),
        ("mentee", "/deliveries/"),
        ("mentee", "/equipment/"),
        ("mentor", "/equipment/requests"),
        ("mentee", "/equipment/requests"),
        ("mentee", "/calendar/"),
        ("mentor", "/me/next-visit"),
        ("hospital_admin", "/me/next-visit"),
    ],
)
def test_a_role_gets_403_on_another_roles_page(client, role, path):
    user = make_user(role)
    db.session.commit()
    login(client, user)
    response = client.get(path)
    assert response.status_code == 403
    assert b"Not allowed" in response.data


def test_sysadmin_reaches_user_admin(client):
    login(client, make_user("sysadmin"))
    assert client.get("/users/").status_code == 200
    assert client.get("/deliveries/").status_code == 200


def test_anonymous_page_request_goes_to_login(client):
    response = client.get("/users/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/users/")


def test_anonymous_htmx_request_gets_hx_redirect_not_a_login_form(client):
    response = client.get("/users/?q=a", headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/users/?q=a"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login?next=")
    assert response.data == b""


def test_unknown_address_is_404_for_anonymous_and_signed_in(client):
    assert client.get("/no-such-page").status_code == 404
    login(client, make_user("coordinator"))
    assert client.get("/no-such-page").status_code == 404
