"""Notifications: only the recipient sees them; a bell counts the unread; mail only when configured."""

import smtplib
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from blueprints.core.clock import today
from blueprints.core.extensions import db
from blueprints.core.models import Notification, OutgoingMail, utcnow
from blueprints.core.notify import MAIL_RETRIES, deliver, notify, sweep_outbox
from tests.conftest import run_queued
from tests.factories import assign, department, login, make_hospital, make_mentee, make_mentor, make_team, make_user


def transfer_programme():
    """A mentee of Nemba mentored by a mentor with an e-mail address, and Nemba's administrator."""
    team = make_team("Team A")
    nemba, byumba = make_hospital("Nemba", team=team), make_hospital("Byumba", team=make_team("Team B"))
    mentor = make_mentor(team, name="Mentor Alpha")
    mentor.email = "mentor@example.org"
    mentee = make_mentee(nemba, name="Aline Transferred")
    assign(mentor, mentee, start=today() - timedelta(days=200))
    make_user("mentor", mentor=mentor, username="mentor.alpha")
    return {"mentee": mentee, "byumba": byumba, "admin": make_user("hospital_admin", hospital=nemba, username="admin.nemba")}


def test_bell_counts_unread_and_the_list_shows_only_my_notifications(app, client):
    me, other = make_user("mentor"), make_user("mentor")
    notify([me], "For me: a transfer", link="/")
    notify([other], "For someone else")
    login(client, me)
    assert b'class="count">1<' in client.get("/notifications/bell").data
    page = client.get("/notifications/").data
    assert b"For me: a transfer" in page and b"For someone else" not in page


def test_opening_a_notification_marks_it_read_and_follows_its_link(client):
    me = make_user("coordinator")
    [note] = notify([me], "Go home", link="/account")
    login(client, me)
    response = client.post(f"/notifications/{note.id}/read")
    assert response.headers["Location"] == "/account"
    assert db.session.get(Notification, note.id).read_at is not None
    assert b"count" not in client.get("/notifications/bell").data


def test_another_users_notification_is_404(client):
    [theirs] = notify([make_user("mentor")], "private")
    login(client, make_user("mentor"))
    assert client.post(f"/notifications/{theirs.id}/read").status_code == 404
    assert db.session.get(Notification, theirs.id).read_at is None


def test_mark_all_read(client):
    me = make_user("mentor")
    notify([me], "one")
    notify([me], "two")
    login(client, me)
    client.post("/notifications/read-all")
    assert db.session.scalar(select(db.func.count(Notification.id)).where(Notification.read_at.is_(None))) == 0


def test_notification_link_never_leaves_the_site(client):
    me = make_user("mentor")
    [note] = notify([me], "odd", link="//elsewhere.example/")
    login(client, me)
    assert client.post(f"/notifications/{note.id}/read").headers["Location"] == "/notifications/"


class FakeSMTP:
    sent: list = []

    def __init__(self, host, port, timeout):
        self.host = host

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        FakeSMTP.sent.append(message)


def test_mail_is_sent_after_commit_when_smtp_is_configured(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    mentor = make_mentor()
    mentor.email = "mentor@example.org"
    user = make_user("mentor", mentor=mentor)
    notify([user], "A transfer concerns you")
    assert FakeSMTP.sent == []  # nothing leaves before the change is committed
    db.session.commit()
    assert [m["To"] for m in FakeSMTP.sent] == ["mentor@example.org"]

    FakeSMTP.sent = []
    notify([user], "Rolled back")
    db.session.rollback()
    db.session.commit()
    assert FakeSMTP.sent == []


def test_without_smtp_settings_nothing_is_mailed_and_nothing_fails(app, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("no mail server is configured; nothing should connect")

    monkeypatch.setattr("smtplib.SMTP", refuse)
    mentor = make_mentor()
    mentor.email = "mentor@example.org"
    notify([make_user("mentor", mentor=mentor)], "quiet")
    db.session.commit()


def test_each_notification_reads_its_time_then_open_on_one_line(client):
    """The "Open" button sat in a form inside a <p>: a browser closes the <p> at the <form>, so the line ended in a
    bare "·" and "Open" fell below it. Parsed here as a browser parses it."""
    import tinyhtml5

    me = make_user("mentor")
    notify([me], "A transfer", link="/")
    notify([me], "A reminder")
    login(client, me)
    document = tinyhtml5.parse(client.get("/notifications/").get_data(as_text=True))
    space = "{http://www.w3.org/1999/xhtml}"
    items = document.findall(f".//{space}ul[@class='notifications']/{space}li")
    assert len(items) == 2
    for item in items:
        lines = [" ".join("".join(child.itertext()).split()) for child in item]
        assert lines[0].endswith(("A transfer", "A reminder")), lines
        assert len(lines) == 2 and not lines[1].endswith("·"), lines
    linked = next(item for item in items if "A transfer" in "".join(item.itertext()))
    assert " ".join("".join(list(linked)[1].itertext()).split()).endswith("· Open")


class DownSMTP(FakeSMTP):
    def __enter__(self):
        raise ConnectionRefusedError("the mail server is down")


class RefusingSMTP(FakeSMTP):
    def send_message(self, message):
        raise smtplib.SMTPRecipientsRefused({message["To"]: (450, b"4.2.1 mailbox busy")})


def test_a_mail_servers_error_quoting_the_address_is_logged_with_the_address_masked(app, monkeypatch, queued,
                                                                                    caplog):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example")
    monkeypatch.setattr("smtplib.SMTP", RefusingSMTP)
    mentee = make_mentee(make_hospital("Nemba"))
    mentee.email = "aline.uwase@example.org"
    notify([mentee], "A visit next week")
    run_queued(queued)  # put back for a retry, which the queue logs with the job's error
    assert "a***@example.org" in caplog.text and "aline.uwase" not in caplog.text
    [mail] = mail_rows()
    assert (mail.status, "aline.uwase@example.org" in mail.error) == ("pending", True)  # the outbox keeps it whole


def mail_rows():
    return db.session.scalars(select(OutgoingMail).order_by(OutgoingMail.id)).all()


def test_a_web_request_never_calls_the_mail_server_it_queues_the_message_for_the_worker(app, client, monkeypatch, queued):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    programme = transfer_programme()
    login(client, programme["admin"])
    response = client.post(f"/mentees/{programme['mentee'].id}/transfer", data={
        "kind": "hospital", "to_hospital_id": programme["byumba"].id, "to_department_id": department("maternity").id,
        "effective_date": today().isoformat()})
    assert response.status_code == 302
    assert FakeSMTP.sent == []  # the request is over and nothing was sent
    [mail] = mail_rows()
    assert (mail.to_address, mail.status) == ("mentor@example.org", "pending")
    assert run_queued(queued) == ["sent"]
    assert [m["To"] for m in FakeSMTP.sent] == ["mentor@example.org"]
    assert FakeSMTP.sent[0]["Message-ID"] == f"<{mail.key}@mentorship>"


def test_a_message_is_sent_once_however_often_its_job_runs(app, monkeypatch, queued):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    mentor = make_mentor()
    mentor.email = "mentor@example.org"
    notify([make_user("mentor", mentor=mentor)], "Once")
    db.session.commit()
    [mail] = mail_rows()
    db.session.commit()
    deliver(mail.id)  # the same message handed to the queue twice (a sweep and the original job)
    assert run_queued(queued) == ["sent", "not pending"]
    assert len(FakeSMTP.sent) == 1


def test_a_message_waits_for_the_outer_commit_not_a_savepoints(app, monkeypatch, queued):
    """A savepoint's release (insert_once, begin_nested) is no commit: handing the message over then would run the job
    while the request still holds its write (on SQLite, a worker blocked on that lock; in tests, a hang)."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    mentor = make_mentor()
    mentor.email = "mentor@example.org"
    notify([make_user("mentor", mentor=mentor)], "After the savepoint")
    with db.session.begin_nested():
        make_hospital("Nemba")
    assert queued.pending_count() == 0  # nothing handed over by the savepoint
    db.session.commit()
    assert run_queued(queued) == ["sent"]
    assert [m["To"] for m in FakeSMTP.sent] == ["mentor@example.org"]


def test_a_message_is_handed_over_at_commit_even_after_an_insert_once_lost_its_race(app, monkeypatch, queued):
    """insert_once losing a race rolls its savepoint back from inside the failed flush; that is no rollback of the
    transaction, so the message queued before it still goes to the worker at the commit (not two minutes later, by
    the sweep)."""
    from blueprints.core.concurrency import insert_once
    from blueprints.core.models import SentAlert

    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    mentor = make_mentor()
    mentor.email = "mentor@example.org"
    notify([make_user("mentor", mentor=mentor)], "Before the race")
    assert insert_once(SentAlert(key="race")) is True
    assert insert_once(SentAlert(key="race")) is False  # another request got there first
    db.session.commit()
    assert run_queued(queued) == ["sent"]
    assert [m["To"] for m in FakeSMTP.sent] == ["mentor@example.org"]


def test_two_messages_cannot_share_an_idempotency_key(app):
    db.session.add_all([OutgoingMail(key="same", to_address="a@example.org", subject="s", body="b"),
                        OutgoingMail(key="same", to_address="a@example.org", subject="s", body="b")])
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_mail_server_that_is_down_is_retried_later_with_a_growing_delay_then_the_message_is_marked_failed(app, monkeypatch, queued):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example")
    monkeypatch.setattr("smtplib.SMTP", DownSMTP)
    mentor = make_mentor()
    mentor.email = "mentor@example.org"
    notify([make_user("mentor", mentor=mentor)], "Later")
    db.session.commit()
    task, delays = queued.dequeue(), []
    while task is not None:
        db.session.commit()
        queued.execute(task, timestamp=task.eta)  # at the moment it was scheduled for
        waiting = queued.scheduled()  # a retry waits in the schedule, for longer each time
        queued.storage.flush_schedule()
        task = waiting[0] if waiting else None
        if task is not None:
            delays.append(task.retry_delay)
    db.session.expire_all()
    [mail] = mail_rows()
    assert (mail.status, mail.attempts) == ("failed", MAIL_RETRIES + 1)
    assert len(delays) == MAIL_RETRIES and delays == sorted(delays) and delays[-1] == delays[0] * 2 ** (MAIL_RETRIES - 1)


def test_a_message_whose_job_was_lost_is_queued_again_and_one_cut_off_while_sending_is_not_resent(app, monkeypatch, queued):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "mail.example")
    monkeypatch.setattr("smtplib.SMTP", FakeSMTP)
    FakeSMTP.sent = []
    lost = OutgoingMail(key="lost", to_address="lost@example.org", subject="s", body="b",
                        created_at=utcnow() - timedelta(minutes=5))
    cut = OutgoingMail(key="cut", to_address="cut@example.org", subject="s", body="b", status="sending", attempts=1,
                       created_at=utcnow() - timedelta(minutes=30), claimed_at=utcnow() - timedelta(minutes=20))
    db.session.add_all([lost, cut])
    db.session.commit()
    assert sweep_outbox() == 1
    assert run_queued(queued) == ["sent"]
    assert [m["To"] for m in FakeSMTP.sent] == ["lost@example.org"]
    db.session.expire_all()
    assert db.session.get(OutgoingMail, cut.id).status == "failed"
