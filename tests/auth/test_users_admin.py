"""The sysadmin's user administration: create, edit roles, deactivate, reset passwords, all audited."""

from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.core.extensions import db
from blueprints.core.models import AuditEvent
from tests.conftest import count_queries
from tests.factories import PASSWORD, login, make_hospital, make_mentor, make_user

NEW_PASSWORD = "a long enough new password"


def signed_in_sysadmin(client):
    admin = make_user("sysadmin", username="root.admin")
    login(client, admin)
    return admin


def test_sysadmin_creates_a_hospital_administrator(client):
    signed_in_sysadmin(client)
    hospital = make_hospital("Nemba")
    response = client.post("/users/new", data={
        "username": "Admin.Nemba", "display_name": "Nemba Admin", "role": "hospital_admin",
        "hospital_id": hospital.id, "mentor_id": "", "active": "y", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "admin.nemba"))
    assert user.hospital_id == hospital.id and user.role == "hospital_admin"
    assert login(client.application.test_client(), "admin.nemba", NEW_PASSWORD).status_code == 302
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.create"))
    assert audit.after["username"] == "admin.nemba" and "password" not in str(audit.after)


def test_hospital_administrator_without_hospital_is_refused_next_to_the_field(client):
    signed_in_sysadmin(client)
    response = client.post("/users/new", data={
        "username": "admin.x", "display_name": "X", "role": "hospital_admin", "hospital_id": "",
        "mentor_id": "", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 422
    assert b'id="hospital_id-error"' in response.data
    assert b"Choose the hospital this administrator manages." in response.data
    assert b'value="admin.x"' in response.data  # nothing typed is lost
    assert db.session.scalar(select(User).where(User.username == "admin.x")) is None


def test_short_password_duplicate_username_and_mismatch_are_refused(client):
    signed_in_sysadmin(client)
    make_user("coordinator", username="taken")
    response = client.post("/users/new", data={
        "username": "taken", "display_name": "T", "role": "coordinator", "password": "short", "confirm": "other",
    })
    assert response.status_code == 422
    for message in (b"This username is taken.", b"Use at least 12 characters.", b"The two passwords differ."):
        assert message in response.data


def test_a_mentor_record_has_at_most_one_account(client):
    signed_in_sysadmin(client)
    mentor = make_mentor()
    make_user("mentor", mentor=mentor, username="first.account")
    response = client.post("/users/new", data={
        "username": "second.account", "display_name": "M", "role": "mentor", "mentor_id": mentor.id,
        "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
    })
    assert response.status_code == 422
    assert b"already has an account (first.account)" in response.data


def test_deactivated_user_is_signed_out_and_cannot_sign_in(app, client):
    signed_in_sysadmin(client)
    user = make_user("coordinator", username="leaving", display_name="Leaving")
    theirs = app.test_client()
    login(theirs, user)
    assert theirs.get("/").status_code == 200

    response = client.post(f"/users/{user.id}/edit", data={"username": "leaving", "display_name": "Leaving", "role": "coordinator"})
    assert response.status_code == 302
    assert theirs.get("/").status_code == 302
    assert login(app.test_client(), user).status_code == 422
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert audit.before == {"active": True} and audit.after == {"active": False}


def test_sysadmin_cannot_remove_their_own_access(client):
    admin = signed_in_sysadmin(client)
    response = client.post(f"/users/{admin.id}/edit", data={"username": admin.username, "display_name": "A", "role": "coordinator", "active": "y"})
    assert response.status_code == 422
    assert db.session.get(User, admin.id).role == "sysadmin"


def test_password_reset_by_sysadmin(app, client):
    signed_in_sysadmin(client)
    user = make_user("mentor")
    response = client.post(f"/users/{user.id}/password", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert login(app.test_client(), user, PASSWORD).status_code == 422
    assert login(app.test_client(), user, NEW_PASSWORD).status_code == 302
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_reset")) is not None


def test_unknown_user_id_is_404(client):
    signed_in_sysadmin(client)
    assert client.get("/users/99999/edit").status_code == 404


def test_user_list_searches_filters_and_returns_a_fragment_to_htmx(client):
    signed_in_sysadmin(client)
    make_user("coordinator", username="alice.coord", display_name="Alice Uwase")
    make_user("mentor", username="bob.mentor", display_name="Bob Manzi")

    page = client.get("/users/?q=uwase")
    assert b"alice.coord" in page.data and b"bob.mentor" not in page.data
    assert b"<html" in page.data

    fragment = client.get("/users/?q=manzi", headers={"HX-Request": "true"})
    assert b"<html" not in fragment.data and b"bob.mentor" in fragment.data
    assert "HX-Request" in fragment.headers["Vary"]

    assert b"alice.coord" not in client.get("/users/?role=mentor").data
    assert b"No user matches this search." in client.get("/users/?q=zzz").data


def test_user_list_paginates_with_a_constant_number_of_queries(app, client):
    signed_in_sysadmin(client)
    for n in range(10):
        make_user("hospital_admin", username=f"few.{n}")
    with count_queries() as few:
        assert client.get("/users/").status_code == 200
    for n in range(60):
        make_user("mentor", username=f"many.{n}")
    with count_queries() as many:
        response = client.get("/users/")
    assert len(many) == len(few)
    assert b'rel="next"' in response.data
    assert client.get("/users/?page=3").status_code == 200
    assert client.get("/users/?page=999").status_code == 200
