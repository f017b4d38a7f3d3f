"""Mentees sign in by invitation (issue 22 item 1): a one-time link, valid 14 days, made by the mentee's
coordinator, hospital administrator or mentor, opens a phone page where the mentee chooses a password."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.core.extensions import db
from blueprints.core.models import OutgoingMail
from blueprints.people.models import Assignment, MenteeInvitation
from blueprints.people.services.invitations import token_hash
from blueprints.people.services.transfers import log_transfer
from tests.conftest import run_queued
from tests.core.test_notifications import FakeSMTP
from tests.factories import assign, department, login, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.frozen_clock import travel

NEW_PASSWORD = "a long walk to Nyungwe forest"


@pytest.fixture
def ward():
    team = make_team("Team North")
    nemba = make_hospital("Nemba", team=team)
    mentor = make_mentor(team, name="Mentor Alpha")
    mentee = make_mentee(nemba, name="Aline Uwase")
    assign(mentor, mentee)
    people = {
        "mentee": mentee, "nemba": nemba,
        "admin": make_user("hospital_admin", hospital=nemba, username="admin.nemba"),
        "mentor": make_user("mentor", mentor=mentor, username="mentor.alpha"),
        "coordinator": make_user("coordinator", username="coord"),
        "other_admin": make_user("hospital_admin", hospital=make_hospital("Byumba"), username="admin.byumba"),
    }
    db.session.commit()
    return people


def invite(client, inviter, mentee, email: str = "") -> str:
    """Sign in as `inviter`, make a link for `mentee`, sign out; returns the link's path."""
    login(client, inviter)
    response = client.post(f"/mentees/{mentee.id}/invite", data={"email": email})
    assert response.status_code == 200, response.data[:500]
    path = re.search(r'href="https?://[^/"]+(/welcome/[^"]+)"', response.get_data(as_text=True)).group(1)
    client.post("/logout")
    return path


def choose_password(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


@pytest.mark.parametrize("inviter", ["coordinator", "admin", "mentor"])
def test_the_coordinator_the_hospital_admin_and_the_mentor_each_make_a_link_that_opens_the_mentees_account(client, ward, inviter):
    path = invite(client, ward[inviter], ward["mentee"])
    page = client.get(path)
    assert page.status_code == 200
    assert "Aline Uwase" in page.get_data(as_text=True)
    response = choose_password(client, path)
    assert response.status_code == 302
    account = db.session.scalar(select(User).where(User.mentee_id == ward["mentee"].id))
    assert (account.username, account.role, account.active) == (f"mentee.{ward['mentee'].id}", "mentee", True)
    assert account.check_password(NEW_PASSWORD)
    home = client.get("/")
    assert home.status_code == 200 and "Aline Uwase" in home.get_data(as_text=True)


def test_the_invitation_page_shows_the_link_and_its_qr_code(client, ward):
    login(client, ward["admin"])
    page = client.post(f"/mentees/{ward['mentee'].id}/invite", data={}).get_data(as_text=True)
    assert re.search(r"https?://[^\"<]+/welcome/[A-Za-z0-9_-]{40,}", page)
    assert "<svg" in page and "Sign-in link for Aline Uwase" in page


def test_only_the_tokens_hash_is_stored(client, ward):
    path = invite(client, ward["admin"], ward["mentee"])
    token = path.rsplit("/", 1)[1]
    stored = db.session.scalar(select(MenteeInvitation.token_hash))
    assert stored == token_hash(token) and token not in stored


def test_the_link_is_e_mailed_when_the_inviter_gives_an_address(client, ward, app, monkeypatch, queued):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example.org")
    path = invite(client, ward["admin"], ward["mentee"], email="aline@example.org")
    [mail] = db.session.scalars(select(OutgoingMail)).all()  # in the outbox, for the worker to send
    assert mail.to_address == "aline@example.org" and mail.body.endswith(path) and "14 days" in mail.body


def test_the_invitation_e_mail_is_in_the_mentees_language_and_its_link_leaves_the_outbox_once_sent(client, ward, app, monkeypatch,
                                                                                                     queued):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example.org")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    ward["mentee"].preferred_language = "fr"
    db.session.commit()
    path = invite(client, ward["admin"], ward["mentee"], email="aline@example.org")  # the inviter reads English
    [mail] = db.session.scalars(select(OutgoingMail)).all()
    assert "Ouvrez le lien dans un délai de 14 jours" in mail.body and mail.subject.startswith("Vous êtes invité(e)")
    assert run_queued(queued) == ["sent"]
    [sent] = FakeSMTP.sent
    assert sent.get_content().rstrip().endswith(path)  # the mentee gets the link
    db.session.refresh(mail)
    token = path.rsplit("/", 1)[1]
    assert mail.status == "sent" and token not in mail.body and "Ouvrez le lien" in mail.body  # the log keeps the words


def test_a_bad_e_mail_address_is_refused_next_to_the_field_and_nothing_is_made(client, ward):
    login(client, ward["admin"])
    response = client.post(f"/mentees/{ward['mentee'].id}/invite", data={"email": "not an address"})
    assert response.status_code == 422
    assert "Enter an e-mail address" in response.get_data(as_text=True)
    assert db.session.scalar(select(MenteeInvitation.id)) is None


def test_another_hospitals_admin_cannot_invite_the_mentee(client, ward):
    login(client, ward["other_admin"])
    assert client.get(f"/mentees/{ward['mentee'].id}/invite").status_code == 404
    assert client.post(f"/mentees/{ward['mentee'].id}/invite", data={}).status_code == 404
    assert db.session.scalar(select(MenteeInvitation.id)) is None


def test_a_mentor_whose_mentorship_ended_cannot_invite(client, ward):
    row = db.session.scalar(select(Assignment).where(Assignment.mentor_id == ward["mentor"].mentor_id))
    row.end_date, row.end_reason = date(2026, 3, 1), "reassigned"
    db.session.commit()
    login(client, ward["mentor"])
    assert client.post(f"/mentees/{ward['mentee'].id}/invite", data={}).status_code == 404


def test_an_expired_link_opens_nothing(client, ward):
    path = invite(client, ward["admin"], ward["mentee"])
    with travel(date(2026, 6, 10) + timedelta(days=15)):
        assert client.get(path).status_code == 410
        response = choose_password(client, path)
        assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.mentee_id == ward["mentee"].id)) is None


def test_a_link_still_works_on_its_fourteenth_day(client, ward):
    path = invite(client, ward["admin"], ward["mentee"])
    with travel(date(2026, 6, 10) + timedelta(days=13)):
        assert choose_password(client, path).status_code == 302


def test_a_used_link_opens_nothing_the_second_time(client, ward):
    path = invite(client, ward["admin"], ward["mentee"])
    assert choose_password(client, path).status_code == 302
    client.post("/logout")
    response = choose_password(client, path, password="someone else's idea of a password")
    assert response.status_code == 410 and "already been used" in response.get_data(as_text=True)
    account = db.session.scalar(select(User).where(User.mentee_id == ward["mentee"].id))
    db.session.refresh(account)
    assert account.check_password(NEW_PASSWORD)


def test_a_new_link_replaces_the_mentees_waiting_one(client, ward):
    first = invite(client, ward["admin"], ward["mentee"])
    second = invite(client, ward["mentor"], ward["mentee"])
    assert client.get(first).status_code == 410
    assert choose_password(client, second).status_code == 302


def test_another_user_signed_in_on_the_device_cannot_take_the_mentees_link(client, ward):
    """Wrong user: the link never hands the mentee's account to, nor mixes it with, someone else's session."""
    path = invite(client, ward["admin"], ward["mentee"])
    login(client, ward["mentor"])
    assert client.get(path).status_code == 403
    assert choose_password(client, path).status_code == 403
    assert db.session.scalar(select(User).where(User.mentee_id == ward["mentee"].id)) is None


def test_a_link_made_for_one_mentee_opens_only_that_mentees_account(client, ward):
    other = make_mentee(ward["nemba"], name="Jean Habimana")
    db.session.commit()
    path = invite(client, ward["admin"], other)
    choose_password(client, path)
    accounts = db.session.execute(select(User.mentee_id, User.display_name).where(User.role == "mentee")).all()
    assert accounts == [(other.id, "Jean Habimana")]


def test_the_password_rules_apply_to_the_mentees_password(client, ward):
    path = invite(client, ward["admin"], ward["mentee"])
    response = choose_password(client, path, password="password123")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "at least 12 characters" in text
    assert db.session.scalar(select(MenteeInvitation.used_at)) is None
    assert choose_password(client, path).status_code == 302  # the link still works after a refused password


def test_leaving_the_programme_switches_off_the_account_and_withdraws_the_waiting_link(client, ward):
    path = invite(client, ward["admin"], ward["mentee"])
    choose_password(client, path)
    client.post("/logout")
    waiting = invite(client, ward["admin"], ward["mentee"])
    log_transfer(ward["mentee"], kind="left_service", effective_date=date(2026, 6, 10), by=ward["admin"])
    db.session.commit()
    account = db.session.scalar(select(User).where(User.mentee_id == ward["mentee"].id))
    assert account.active is False
    assert client.get(waiting).status_code == 410
    refused = login(client, account.username, NEW_PASSWORD)
    assert refused.status_code == 422 and "wrong password" in refused.get_data(as_text=True)


def test_a_mentee_who_left_cannot_be_invited(client, ward):
    log_transfer(ward["mentee"], kind="left_service", effective_date=date(2026, 6, 10), by=ward["admin"])
    db.session.commit()
    login(client, ward["coordinator"])
    response = client.post(f"/mentees/{ward['mentee'].id}/invite", data={})
    assert response.status_code == 422
    assert "Only a mentee in the programme" in response.get_data(as_text=True)


def test_the_account_follows_the_mentee_across_a_transfer(client, ward):
    path = invite(client, ward["admin"], ward["mentee"])
    choose_password(client, path)
    client.post("/logout")
    byumba = ward["other_admin"].hospital
    log_transfer(ward["mentee"], kind="hospital", effective_date=date(2026, 6, 10), to_hospital=byumba,
                 to_department=department("maternity"), by=ward["admin"])
    db.session.commit()
    response = login(client, f"mentee.{ward['mentee'].id}", NEW_PASSWORD)
    assert response.status_code == 302
    assert "Aline Uwase" in client.get("/").get_data(as_text=True)


def test_an_unknown_link_is_not_found(client, ward):
    assert client.get("/welcome/not-a-real-token").status_code == 404


def test_mentee_accounts_are_not_made_on_the_sysadmins_user_form(client, ward):
    login(client, make_user("sysadmin", username="sys"))
    response = client.post("/users/new", data={"username": "sneaky", "display_name": "Sneaky", "role": "mentee",
                                               "password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "active": "y"})
    assert response.status_code == 422
    assert db.session.scalar(select(User).where(User.username == "sneaky")) is None

