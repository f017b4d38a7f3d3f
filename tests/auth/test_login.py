"""Signing in and out, for each role; one message for every failure; a fresh session at login."""

import pytest
from sqlalchemy import select

from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from tests.factories import PASSWORD, login, make_user

ROLES = ["sysadmin", "coordinator", "hospital_admin", "mentor"]
FAILURE_MESSAGE = b"Unknown username or wrong password."


@pytest.mark.parametrize("role", ROLES)
def test_each_role_logs_in_and_out(client, role):
    user = make_user(role, display_name=f"Dr Test {role}")
    db.session.commit()

    response = login(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    home = client.get("/")
    assert home.status_code == 200
    assert f"Dr Test {role}".encode() in home.data
    assert b"Sign out" in home.data

    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_wrong_password_and_unknown_user_get_the_same_message(client):
    user = make_user("coordinator")
    db.session.commit()

    wrong_password = login(client, user, password="not the password")
    unknown_user = login(client, "nobody.here", password=PASSWORD)

    assert wrong_password.status_code == unknown_user.status_code == 422
    assert FAILURE_MESSAGE in wrong_password.data
    assert FAILURE_MESSAGE in unknown_user.data
    assert b"nobody.here" not in unknown_user.data.replace(b'value="nobody.here"', b"")


def test_inactive_user_cannot_log_in_and_gets_the_same_message(client):
    user = make_user("coordinator", active=False)
    db.session.commit()
    response = login(client, user)
    assert response.status_code == 422
    assert FAILURE_MESSAGE in response.data


def test_username_is_not_case_sensitive(client):
    make_user("coordinator", username="coordinator")
    db.session.commit()
    assert login(client, "Coordinator").status_code == 302


def test_session_is_cleared_at_login(client):
    user = make_user("coordinator")
    db.session.commit()
    with client.session_transaction() as session:
        session["planted"] = "left over from the previous user"
    login(client, user)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_logins_and_failures_are_audited_without_passwords(client):
    user = make_user("coordinator")
    db.session.commit()
    login(client, user, password="a wrong guess")
    login(client, user)
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["login.failure", "login.success"]
    dumped = " ".join(str(e.__dict__) for e in db.session.scalars(select(AuditEvent)))
    assert "a wrong guess" not in dumped and PASSWORD not in dumped


@pytest.mark.parametrize("target", ["//elsewhere.example/x", "https://elsewhere.example/", "/\\elsewhere.example"])
def test_next_never_leaves_the_site(client, target):
    user = make_user("coordinator")
    db.session.commit()
    response = client.post(f"/login?next={target}", data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_next_returns_to_the_page_asked_for(client):
    user = make_user("sysadmin")
    db.session.commit()
    assert client.get("/users/?q=x").headers["Location"].startswith("/login?next=")
    response = client.post("/login?next=/users/?q=x", data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/users/?q=x"


def test_a_copied_cookie_is_refused_after_logout(app):
    user = make_user("coordinator")
    db.session.commit()
    first = app.test_client()
    login(first, user)
    cookie = first.get_cookie("session").value

    first.post("/logout")

    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/").status_code == 302


def test_user_changes_own_password_and_other_sessions_end(app):
    user = make_user("mentor")
    db.session.commit()
    here, elsewhere = app.test_client(), app.test_client()
    login(here, user)
    login(elsewhere, user)

    new = "a new long password for me"
    response = here.post("/account", data={"current_password": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302
    assert login(app.test_client(), user, password=new).status_code == 302


def test_password_change_needs_the_current_password(client):
    user = make_user("mentor")
    db.session.commit()
    login(client, user)
    new = "a new long password for me"
    response = client.post("/account", data={"current_password": "wrong", "password": new, "confirm": new})
    assert response.status_code == 422
    assert b"This is not your current password." in response.data


def test_idle_session_ends_after_30_minutes(client, monkeypatch):
    import time

    user = make_user("coordinator")
    db.session.commit()
    login(client, user)
    assert client.get("/").status_code == 200
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 31 * 60)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_session_ends_after_12_hours_even_when_active(client, monkeypatch):
    import time

    user = make_user("coordinator")
    db.session.commit()
    login(client, user)
    real = time.time
    for hours in range(1, 12):
        monkeypatch.setattr(time, "time", lambda h=hours: real() + h * 3600 - 60)
        with client.session_transaction() as session:
            session["_seen"] = int(time.time())
        assert client.get("/").status_code == 200
    monkeypatch.setattr(time, "time", lambda: real() + 12 * 3600 + 60)
    with client.session_transaction() as session:
        session["_seen"] = int(time.time())
    assert client.get("/").status_code == 302


def test_polling_the_bell_does_not_keep_a_session_alive(client, monkeypatch):
    import time

    user = make_user("coordinator")
    db.session.commit()
    login(client, user)
    real = time.time
    for minutes in (10, 20, 29):
        monkeypatch.setattr(time, "time", lambda m=minutes: real() + m * 60)
        assert client.get("/notifications/bell").status_code == 200
    monkeypatch.setattr(time, "time", lambda: real() + 31 * 60)
    assert client.get("/").status_code == 302


@pytest.mark.no_db
def test_session_cookie_flags(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    from flask import Flask

    from blueprints.core.config import configure

    production = Flask("production")
    configure(production, {"SECRET_KEY": "x" * 40})
    assert production.config["SESSION_COOKIE_SECURE"] is True
