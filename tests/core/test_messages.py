"""Messages reach people by the channels they chose, in their language: e-mail through a real SMTP server, one-click
unsubscribe without signing in, contact details and preferences on "My messages"."""

import email
import socket
from datetime import UTC, date, datetime

import pytest
from aiosmtpd.controller import Controller
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from blueprints.core.dispatch import UNSUBSCRIBE_LINK_LIFETIME, channels, unsubscribe_token
from blueprints.core.extensions import db
from blueprints.core.models import MessagePreference, Notification, OutgoingMail, OutgoingSms
from blueprints.visits.models import Visit
from blueprints.visits.reminders import send_visit_reminders
from tests.factories import login, make_hospital, make_mentee, make_mentor, make_team, make_user
from tests.meaning import paragraphs

MONDAY = date(2026, 6, 8)


class Inbox:
    """What the SMTP server received: (envelope recipients, parsed message)."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content,
                                                                                 policy=email.policy.default)))
        return "250 OK"


@pytest.fixture(scope="module")
def smtp_server():
    host = "127.0.0.24"
    with socket.socket() as probe:
        probe.bind((host, 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname=host, port=port)
    controller.start()
    yield host, port, inbox
    controller.stop()


@pytest.fixture
def inbox(app, smtp_server, monkeypatch):
    host, port, box = smtp_server
    box.messages.clear()
    monkeypatch.setitem(app.config, "MAIL_SERVER", host)
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "BASE_URL", "https://mentorship.example")
    return box


def visit_next_week():
    """A visit to Nemba starting a week after MONDAY, with a French mentor and a Kinyarwanda mentee who have e-mail."""
    team = make_team("Team A")
    nemba = make_hospital("Nemba", team=team)
    mentor = make_mentor(team, name="Mentor Alpha")
    mentor_user = make_user("mentor", mentor=mentor, language="fr", email="alpha@example.org")
    mentee = make_mentee(nemba, name="Aline Mentee")
    mentee.email, mentee.preferred_language = "aline@example.org", "rw"
    visit = Visit(hospital=nemba, team=team, start_date=date(2026, 6, 15), end_date=date(2026, 6, 17), days=3)
    db.session.add(visit)
    db.session.flush()
    return {"visit": visit, "mentor_user": mentor_user, "mentee": mentee}


def test_a_reminder_email_reaches_each_recipient_in_their_language_with_its_link_and_unsubscribe_headers(inbox):
    world = visit_next_week()
    assert send_visit_reminders(MONDAY) == 1
    db.session.commit()  # the worker sends after the commit (immediate mode in the tests)
    received = {to[0]: message for to, message in inbox.messages}
    assert set(received) == {"alpha@example.org", "aline@example.org"}
    french, kinyarwanda = received["alpha@example.org"], received["aline@example.org"]
    assert french["Subject"] == "Rappel : la visite de mentorat à Nemba a lieu du 15 juin 2026 au 17 juin 2026."
    assert kinyarwanda["Subject"].startswith("Kwibutsa: uruzinduko rw'ubujyanama i Nemba")
    visit_link = f"https://mentorship.example/visits/{world['visit'].id}"
    for message in (french, kinyarwanda):
        body = message.get_content()
        assert visit_link in body
        unsubscribe = message["List-Unsubscribe"].strip("<>")
        assert unsubscribe.startswith("https://mentorship.example/unsubscribe/") and unsubscribe in body
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Pour ne plus recevoir ces e-mails" in french.get_content()
    assert "Kugira ngo uhagarike izi imeyili" in kinyarwanda.get_content()


def test_one_click_unsubscribe_without_signing_in_turns_that_kind_of_email_off_for_that_person_only(client, inbox):
    world = visit_next_week()
    make_user("mentor", mentor=make_mentor(world["visit"].team), email="beta@example.org")
    token = unsubscribe_token(world["mentor_user"], "visit_reminder")
    db.session.commit()
    assert client.get(f"/unsubscribe/{token}").status_code == 200  # a link checker opening it changes nothing
    assert channels(world["mentor_user"], "visit_reminder")[0] is True
    response = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})  # the mail reader's button
    assert response.status_code == 200
    db.session.expire_all()
    assert channels(world["mentor_user"], "visit_reminder")[0] is False
    assert channels(world["mentor_user"], "visit")[0] is True  # other kinds stay on
    assert send_visit_reminders(MONDAY) == 1
    db.session.commit()
    assert sorted(to[0] for to, _message in inbox.messages) == ["aline@example.org", "beta@example.org"]
    bell = db.session.scalars(select(Notification).where(Notification.user_id == world["mentor_user"].id)).all()
    assert [n.kind for n in bell] == ["visit_reminder"]  # the bell still tells them


def test_a_mentee_without_an_account_unsubscribes_by_their_record(client, inbox):
    world = visit_next_week()
    db.session.commit()
    client.post(f"/unsubscribe/{unsubscribe_token(world['mentee'], 'visit_reminder')}")
    [row] = db.session.scalars(select(MessagePreference)).all()
    assert (row.mentee_id, row.kind, row.email) == (world["mentee"].id, "visit_reminder", False)


def sent_on(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_an_unsubscribe_link_still_works_a_year_after_its_email(client, time_machine):
    world = visit_next_week()
    time_machine.move_to(sent_on(date(2026, 6, 10)), tick=False)
    token = unsubscribe_token(world["mentor_user"], "visit_reminder")
    db.session.commit()
    time_machine.move_to(sent_on(date(2027, 6, 10)), tick=False)  # 365 days later
    assert client.get(f"/unsubscribe/{token}").status_code == 200
    assert client.post(f"/unsubscribe/{token}").status_code == 200
    assert channels(world["mentor_user"], "visit_reminder")[0] is False


@pytest.mark.parametrize("signed", ["past its lifetime", "before links had one"])
def test_an_expired_unsubscribe_link_changes_nothing_and_offers_signing_in_to_my_messages(client, app, time_machine,
                                                                                          signed):
    world = visit_next_week()
    time_machine.move_to(sent_on(date(2026, 6, 10)), tick=False)
    if signed == "past its lifetime":
        token = unsubscribe_token(world["mentor_user"], "visit_reminder")
        time_machine.move_to(sent_on(date(2026, 6, 10) + UNSUBSCRIBE_LINK_LIFETIME, hour=10), tick=False)
    else:  # the links e-mailed before they expired: signed, with no time in them
        token = URLSafeSerializer(app.secret_key, salt="unsubscribe").dumps(["u", world["mentor_user"].id,
                                                                              "visit_reminder"])
    db.session.commit()
    for method in ("GET", "POST"):  # the page, and its button or the mail reader's one-click POST
        response = client.open(f"/unsubscribe/{token}", method=method)
        assert response.status_code == 410
        page = response.get_data(as_text=True)
        assert "This link has expired" in page and 'href="/notifications/preferences"' in page
        assert "Sign in to My messages" in page
    assert db.session.scalars(select(MessagePreference)).all() == []  # nothing changed
    assert client.get("/notifications/preferences").headers["Location"] == "/login?next=/notifications/preferences"


def test_a_forged_unsubscribe_token_is_404_and_changes_nothing(client):
    user = make_user("mentor")
    token = unsubscribe_token(user, "visit_reminder")
    db.session.commit()
    assert client.post(f"/unsubscribe/{token[:-2]}xx").status_code == 404
    assert db.session.scalars(select(MessagePreference)).all() == []


def test_a_local_rwandan_mobile_number_is_stored_in_e164_and_channels_are_saved_per_kind(client):
    me = make_user("mentor")
    db.session.commit()
    login(client, me)
    response = client.post("/notifications/preferences", data={
        "email": "me@example.org", "phone": "0788 123 456", "email-visit_reminder": "on", "sms-visit": "on"})
    assert response.status_code == 302
    db.session.expire_all()
    assert (me.email, me.phone) == ("me@example.org", "+250788123456")
    assert channels(me, "visit_reminder") == (True, False)
    assert channels(me, "visit") == (False, True)
    assert channels(me, "transfer") == (False, False)


def test_a_bad_mobile_number_is_refused_next_to_its_field_and_nothing_is_saved(client):
    me = make_user("hospital_admin")
    db.session.commit()
    login(client, me)
    response = client.post("/notifications/preferences", data={"email": "me@example.org", "phone": "12345"})
    assert response.status_code == 422
    assert "Not a phone number “12345”" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (me.email, me.phone) == ("", "")
    assert db.session.scalars(select(MessagePreference)).all() == []


def test_defaults_follow_the_role_until_the_person_chooses():
    coordinator, mentor, mentee = make_user("coordinator"), make_user("mentor"), make_mentee(make_hospital())
    assert channels(coordinator, "weekly_summary") == (True, False)  # by e-mail; SMS not offered
    assert channels(mentor, "visit_reminder") == (True, True)
    assert channels(mentee, "sheet_signed") == (True, True)
    assert channels(mentor, "transfer") == (True, False)


def test_without_a_mail_server_the_demo_prints_the_email_to_the_log_its_address_masked(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "MAIL_TO_LOG", True)
    visit_next_week()
    send_visit_reminders(MONDAY)
    with caplog.at_level("WARNING"):
        db.session.commit()
    assert "e-mail to a***@example.org: Rappel : la visite de mentorat à Nemba" in caplog.text
    assert "alpha@" not in caplog.text and "aline@" not in caplog.text  # the mentor's and the mentee's
    assert {m.status for m in db.session.scalars(select(OutgoingMail))} == {"sent"}


def test_a_mentee_record_keeps_an_email_and_refuses_a_bad_mobile_number_next_to_the_field(client):
    from blueprints.people.models import Mentee

    hospital = make_hospital()
    mentee = make_mentee(hospital, name="Aline")
    login(client, make_user("hospital_admin", hospital=hospital))
    form = {"full_name": "Aline", "profession_id": mentee.profession_id, "preferred_language": "fr",
            "version": mentee.version}
    response = client.post(f"/mentees/{mentee.id}/edit", data={**form, "phone": "2.50788E+11", "email": "aline@example.org"})
    assert response.status_code == 422 and "scientific notation" in response.get_data(as_text=True)
    assert db.session.get(Mentee, mentee.id).email == ""
    response = client.post(f"/mentees/{mentee.id}/edit", data={**form, "phone": "0788 123 456", "email": "aline@example.org"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Mentee, mentee.id)
    assert (saved.phone, saved.email) == ("+250788123456", "aline@example.org")


def test_each_recipients_choice_is_read_in_one_statement_however_many_recipients():
    from blueprints.core.dispatch import dispatch
    from tests.conftest import count_queries

    def preference_reads(recipients) -> int:
        db.session.flush()
        with count_queries() as statements:
            dispatch(recipients, "visit", "A visit next week")
            db.session.flush()
        return sum("message_preference" in statement for statement in statements)

    hospital = make_hospital()
    few = [make_user("coordinator"), make_mentee(hospital)]
    many = [make_user("coordinator") for _ in range(6)] + [make_mentee(hospital) for _ in range(6)]
    db.session.add(MessagePreference(user_id=many[0].id, kind="visit", email=False, sms=False))
    assert preference_reads(few) == preference_reads(many) == 1


def mentee_account_with_a_record_number(**account):
    """A mentee's account with no address of its own, and the hospital's record of her with an e-mail and a number."""
    mentee = make_mentee(make_hospital(), name="Aline")
    mentee.email, mentee.phone = "aline@example.org", "+250788123456"
    me = make_user("mentee", mentee=mentee, **account)
    db.session.commit()
    return me


def test_my_messages_names_the_record_address_and_number_that_messages_go_to_when_the_account_has_none(client):
    from blueprints.core.dispatch import dispatch

    me = mentee_account_with_a_record_number()
    login(client, me)
    said = paragraphs(client.get("/notifications/preferences").get_data(as_text=True))
    assert "E-mail goes to aline@example.org (from your hospital's record)." in said
    assert "Text messages go to +250788123456 (from your hospital's record)." in said
    dispatch([me], "visit", "The visit is postponed")
    assert [sms.to_number for sms in db.session.scalars(select(OutgoingSms))] == ["+250788123456"]


def test_a_number_given_on_my_messages_is_used_and_shown_instead_of_the_records_until_the_field_is_emptied(client):
    me = mentee_account_with_a_record_number()
    login(client, me)
    assert client.post("/notifications/preferences", data={"email": "", "phone": "0788 123 999"}).status_code == 302
    said = paragraphs(client.get("/notifications/preferences").get_data(as_text=True))
    assert "Text messages go to +250788123999 (the one you gave below)." in said
    assert "E-mail goes to aline@example.org (from your hospital's record)." in said
    assert client.post("/notifications/preferences", data={"email": "", "phone": ""}).status_code == 302
    said = paragraphs(client.get("/notifications/preferences").get_data(as_text=True))
    assert "Text messages go to +250788123456 (from your hospital's record)." in said


@pytest.mark.parametrize("language, sentence", [
    ("fr", "Les SMS partent au +250788123456 (du dossier tenu par votre hôpital)."),
    ("rw", "Ubutumwa bugufi (SMS) bujya kuri +250788123456 (bivuye muri dosiye yawe ku bitaro)."),
])
def test_my_messages_says_where_the_number_comes_from_in_the_mentees_language(client, language, sentence):
    me = mentee_account_with_a_record_number(language=language)
    login(client, me)
    assert sentence in paragraphs(client.get("/notifications/preferences").get_data(as_text=True))


def test_a_mentor_without_an_address_of_their_own_sees_their_mentor_records_and_one_without_any_is_told_so(client):
    mentor = make_mentor(name="Mentor Beta")
    mentor.email = "beta@example.org"
    me = make_user("mentor", mentor=mentor)
    db.session.commit()
    login(client, me)
    said = paragraphs(client.get("/notifications/preferences").get_data(as_text=True))
    assert "E-mail goes to beta@example.org (from your record as a mentor)." in said
    assert "No mobile number: no text message reaches you." in said
